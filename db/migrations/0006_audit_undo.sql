-- Undo (ctrl+z) is itself a write and gets its own audit row; that row names
-- the row it reverses, so a reversed change is never reversed twice and the
-- history reads "undo of #N". ALTER TABLE ... ADD COLUMN keeps the
-- append-only triggers (a table rebuild would drop them).
ALTER TABLE audit_log ADD COLUMN undoes INTEGER REFERENCES audit_log(id);
CREATE UNIQUE INDEX audit_log_undoes ON audit_log(undoes) WHERE undoes IS NOT NULL;
