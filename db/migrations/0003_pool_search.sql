-- The pool screen's search and sorting (issue 3): every keystroke and every
-- column sort is answered from an index, never by scanning the pool.
--
-- Search: Chinese substrings of the name go through one contentless FTS5 index
-- of the name's 1-, 2- and 3-character runs (a trigram index for 3+ characters,
-- single characters and pairs for shorter texts; the trigram tokenizer cannot
-- look up fewer than 3), kept right by triggers so every writer (the app, an
-- import, the sqlite3 shell) keeps it current. It only proposes candidates: the
-- store confirms each with instr(), because the tokenizer folds case and drops
-- punctuation (and LIKE on FTS tables is unreliable). Pinyin and initials are
-- prefixes of indexed columns; an ID-number tail is a prefix of the reversed ID.
--
-- Sorting: one index per sortable column, each ending (name_pinyin, id) so a
-- sorted page is an index walk from the previous page's last key. Sort keys
-- that are expressions (age, group, reversed ID) are expression indexes, not
-- generated columns: SQLite never reads a virtual generated column from an
-- index, so it would fetch every row of a walk.
--
-- Measured at 1,000,000 cadres (2 cores): this migration takes 45-75 s and the
-- file grows from 439 to 766 MB (sort indexes 24-40 MB each, the name order's
-- covering index 85 MB, FTS 40 MB). Bulk loads should build these afterwards:
-- see cadre_tui/store/pool_indexes.py.

-- The cadre's group in their active placement (at most one), kept by triggers
-- on placements so sorting and showing the group needs no join per row.
ALTER TABLE cadres ADD COLUMN current_group_id INTEGER;

UPDATE cadres SET current_group_id = (
    SELECT p.group_id FROM placements p WHERE p.cadre_id = cadres.id AND p.end_date IS NULL
) WHERE id IN (SELECT cadre_id FROM placements WHERE end_date IS NULL);

-- Superseded by the indexes below, which start with the same columns.
DROP INDEX cadres_pinyin;
DROP INDEX cadres_unit;
DROP INDEX cadres_status;
DROP INDEX cadres_birth;

-- The pool's default order (by pinyin) holding every column a search or a
-- filter tests, so a page sorted by name is found without reading table rows.
CREATE INDEX cadres_pool_by_pinyin ON cadres(
    name_pinyin, id, name, name_initials, sending_unit_id, status, category, party_status,
    birth_date, current_group_id
);

CREATE INDEX cadres_gender_sort ON cadres(gender, name_pinyin, id);
-- Youngest first when ascending: the birth date as YYYYMMDD, complemented.
CREATE INDEX cadres_age_sort ON cadres(
    (99999999 - CAST(replace(birth_date, '-', '') AS INTEGER)), name_pinyin, id
);
CREATE INDEX cadres_unit_sort ON cadres(sending_unit_id, name_pinyin, id);
CREATE INDEX cadres_post_sort ON cadres(post, name_pinyin, id);
CREATE INDEX cadres_category_sort ON cadres(category, name_pinyin, id);
CREATE INDEX cadres_party_sort ON cadres(party_status, name_pinyin, id);
CREATE INDEX cadres_status_sort ON cadres(status, name_pinyin, id);
-- Cadres without a group sort after every group.
CREATE INDEX cadres_group_sort ON cadres(
    ifnull(current_group_id, 9223372036854775807), name_pinyin, id
);
-- The ID number read backwards: its tail becomes a prefix (an ID-tail search).
CREATE INDEX cadres_id_tail ON cadres((
    substr(id_number, -1, 1) || substr(id_number, -2, 1) || substr(id_number, -3, 1) || substr(id_number, -4, 1) ||
    substr(id_number, -5, 1) || substr(id_number, -6, 1) || substr(id_number, -7, 1) || substr(id_number, -8, 1) ||
    substr(id_number, -9, 1) || substr(id_number, -10, 1) || substr(id_number, -11, 1) || substr(id_number, -12, 1) ||
    substr(id_number, -13, 1) || substr(id_number, -14, 1) || substr(id_number, -15, 1) || substr(id_number, -16, 1) ||
    substr(id_number, -17, 1) || substr(id_number, -18, 1)
));
-- Names starting with a character, in name order (a surname search sorted by name).
CREATE INDEX cadres_initial_sort ON cadres(substr(name, 1, 1), name_pinyin, id);

-- The name as space-separated tokens: each character, each adjacent pair and
-- each run of three, on the first 32 characters (the short form, for names of
-- up to 4 characters, is three times cheaper to compute). The first character
-- and the first pair carry a marker instead (U+10FFFD, never in a name): "names
-- starting with 张" and "张 later in the name" are separate tokens, so a surname
-- search sorted by name reads the first from an index in name order and only the
-- few others from here. 1-3 characters are one token; longer texts are all of
-- their runs of three.
CREATE VIEW cadre_name_grams_source (id, grams) AS
SELECT id, CASE WHEN length(name) <= 4 THEN
    char(1114109) || substr(name, 1, 1) || ' ' || char(1114109) || substr(name, 1, 2) || ' ' || substr(name, 2, 1) || ' ' ||
    substr(name, 3, 1) || ' ' || substr(name, 4, 1) || ' ' || substr(name, 2, 2) || ' ' ||
    substr(name, 3, 2) || ' ' || substr(name, 1, 3) || ' ' || substr(name, 2, 3)
ELSE
    char(1114109) || substr(name, 1, 1) || ' ' || char(1114109) || substr(name, 1, 2) || ' ' || substr(name, 2, 1) || ' ' ||
    substr(name, 3, 1) || ' ' || substr(name, 4, 1) || ' ' || substr(name, 5, 1) || ' ' ||
    substr(name, 6, 1) || ' ' || substr(name, 7, 1) || ' ' || substr(name, 8, 1) || ' ' ||
    substr(name, 9, 1) || ' ' || substr(name, 10, 1) || ' ' || substr(name, 11, 1) || ' ' ||
    substr(name, 12, 1) || ' ' || substr(name, 13, 1) || ' ' || substr(name, 14, 1) || ' ' ||
    substr(name, 15, 1) || ' ' || substr(name, 16, 1) || ' ' || substr(name, 17, 1) || ' ' ||
    substr(name, 18, 1) || ' ' || substr(name, 19, 1) || ' ' || substr(name, 20, 1) || ' ' ||
    substr(name, 21, 1) || ' ' || substr(name, 22, 1) || ' ' || substr(name, 23, 1) || ' ' ||
    substr(name, 24, 1) || ' ' || substr(name, 25, 1) || ' ' || substr(name, 26, 1) || ' ' ||
    substr(name, 27, 1) || ' ' || substr(name, 28, 1) || ' ' || substr(name, 29, 1) || ' ' ||
    substr(name, 30, 1) || ' ' || substr(name, 31, 1) || ' ' || substr(name, 32, 1) || ' ' ||
    substr(name, 2, 2) || ' ' || substr(name, 3, 2) || ' ' || substr(name, 4, 2) || ' ' ||
    substr(name, 5, 2) || ' ' || substr(name, 6, 2) || ' ' || substr(name, 7, 2) || ' ' ||
    substr(name, 8, 2) || ' ' || substr(name, 9, 2) || ' ' || substr(name, 10, 2) || ' ' ||
    substr(name, 11, 2) || ' ' || substr(name, 12, 2) || ' ' || substr(name, 13, 2) || ' ' ||
    substr(name, 14, 2) || ' ' || substr(name, 15, 2) || ' ' || substr(name, 16, 2) || ' ' ||
    substr(name, 17, 2) || ' ' || substr(name, 18, 2) || ' ' || substr(name, 19, 2) || ' ' ||
    substr(name, 20, 2) || ' ' || substr(name, 21, 2) || ' ' || substr(name, 22, 2) || ' ' ||
    substr(name, 23, 2) || ' ' || substr(name, 24, 2) || ' ' || substr(name, 25, 2) || ' ' ||
    substr(name, 26, 2) || ' ' || substr(name, 27, 2) || ' ' || substr(name, 28, 2) || ' ' ||
    substr(name, 29, 2) || ' ' || substr(name, 30, 2) || ' ' || substr(name, 31, 2) || ' ' ||
    substr(name, 1, 3) || ' ' || substr(name, 2, 3) || ' ' || substr(name, 3, 3) || ' ' ||
    substr(name, 4, 3) || ' ' || substr(name, 5, 3) || ' ' || substr(name, 6, 3) || ' ' ||
    substr(name, 7, 3) || ' ' || substr(name, 8, 3) || ' ' || substr(name, 9, 3) || ' ' ||
    substr(name, 10, 3) || ' ' || substr(name, 11, 3) || ' ' || substr(name, 12, 3) || ' ' ||
    substr(name, 13, 3) || ' ' || substr(name, 14, 3) || ' ' || substr(name, 15, 3) || ' ' ||
    substr(name, 16, 3) || ' ' || substr(name, 17, 3) || ' ' || substr(name, 18, 3) || ' ' ||
    substr(name, 19, 3) || ' ' || substr(name, 20, 3) || ' ' || substr(name, 21, 3) || ' ' ||
    substr(name, 22, 3) || ' ' || substr(name, 23, 3) || ' ' || substr(name, 24, 3) || ' ' ||
    substr(name, 25, 3) || ' ' || substr(name, 26, 3) || ' ' || substr(name, 27, 3) || ' ' ||
    substr(name, 28, 3) || ' ' || substr(name, 29, 3) || ' ' || substr(name, 30, 3)
END
FROM cadres;

-- Contentless (the names live in cadres), rows deletable, kept by triggers.
CREATE VIRTUAL TABLE cadre_name_grams USING fts5(
    grams, tokenize = 'unicode61', content = '', contentless_delete = 1
);

INSERT INTO cadre_name_grams (rowid, grams) SELECT id, grams FROM cadre_name_grams_source;

CREATE TRIGGER cadres_search_insert AFTER INSERT ON cadres
BEGIN
    INSERT INTO cadre_name_grams (rowid, grams)
        SELECT id, grams FROM cadre_name_grams_source WHERE id = new.id;
END;

CREATE TRIGGER cadres_search_rename AFTER UPDATE OF name ON cadres
BEGIN
    DELETE FROM cadre_name_grams WHERE rowid = old.id;
    INSERT INTO cadre_name_grams (rowid, grams)
        SELECT id, grams FROM cadre_name_grams_source WHERE id = new.id;
END;

CREATE TRIGGER cadres_search_delete AFTER DELETE ON cadres
BEGIN
    DELETE FROM cadre_name_grams WHERE rowid = old.id;
END;

-- current_group_id follows every change to placements, whoever makes it.
CREATE TRIGGER placements_group_insert AFTER INSERT ON placements
BEGIN
    UPDATE cadres SET current_group_id = (
        SELECT p.group_id FROM placements p WHERE p.cadre_id = cadres.id AND p.end_date IS NULL
    ) WHERE id = new.cadre_id;
END;

CREATE TRIGGER placements_group_update AFTER UPDATE OF cadre_id, group_id, end_date ON placements
BEGIN
    UPDATE cadres SET current_group_id = (
        SELECT p.group_id FROM placements p WHERE p.cadre_id = cadres.id AND p.end_date IS NULL
    ) WHERE id IN (old.cadre_id, new.cadre_id);
END;

CREATE TRIGGER placements_group_delete AFTER DELETE ON placements
BEGIN
    UPDATE cadres SET current_group_id = (
        SELECT p.group_id FROM placements p WHERE p.cadre_id = cadres.id AND p.end_date IS NULL
    ) WHERE id = old.cadre_id;
END;

-- Named filters of the pool screen (PoolFilter as JSON), shared by all users.
CREATE TABLE saved_filters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    filter_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
