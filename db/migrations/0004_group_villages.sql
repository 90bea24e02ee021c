-- The villages a stationed-by-village group covers (蹲点: 定人到村). A covered
-- village without a cadre of the group is flagged; placing a cadre in a
-- village adds it to the group's cover.
CREATE TABLE group_villages (
    group_id INTEGER NOT NULL REFERENCES working_groups(id),
    village_id INTEGER NOT NULL REFERENCES villages(id),
    PRIMARY KEY (group_id, village_id)
) STRICT;
CREATE INDEX group_villages_village ON group_villages(village_id);

-- Groups formed before this table cover the villages their cadres were placed in.
INSERT OR IGNORE INTO group_villages (group_id, village_id)
    SELECT DISTINCT group_id, village_id FROM placements WHERE village_id IS NOT NULL;
