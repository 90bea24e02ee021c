-- Follow-up and coordination (issue 10): the organisation department "tracks and
-- coordinates throughout". Logistics items (办公场地, 工资报酬, 食宿, 交通, 工作经费,
-- 车辆) with owners and due dates, meetings (交流会, 座谈会, 列席镇党委会议, 现场观摩)
-- with the groups and cadres attending and the items they gave rise to, the
-- receiving towns' training (政策培训, 现场观摩) with attendance, and one mentor per
-- placement (结对帮带). Nothing wrote the first schema's logistics and attendance
-- tables, so they are reshaped here; rows found in them are carried over.

-- logistics_items gains its meeting and the checks a date-driven board relies on.
CREATE TABLE logistics_items_new (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES working_groups(id),
    category TEXT NOT NULL CHECK (category IN (
        'office_space', 'pay', 'meals_lodging', 'transport', 'funds', 'vehicle', 'other')),
    description TEXT NOT NULL CHECK (description != ''),
    raised_by TEXT NOT NULL DEFAULT '',
    raised_on TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due_date TEXT CHECK (due_date IS NULL OR due_date >= raised_on),
    state TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'in_progress', 'resolved', 'wont_fix')),
    resolution TEXT NOT NULL DEFAULT '',
    resolved_on TEXT CHECK (resolved_on IS NULL OR resolved_on >= raised_on),
    meeting_id INTEGER REFERENCES meetings(id),
    row_version INTEGER NOT NULL DEFAULT 1,
    -- settled items carry the day they were settled, open ones none
    CHECK ((state IN ('resolved', 'wont_fix')) = (resolved_on IS NOT NULL))
) STRICT;
INSERT INTO logistics_items_new (id, group_id, category, description, raised_by, raised_on,
    owner, due_date, state, resolution, resolved_on, row_version)
SELECT id, group_id, category, CASE WHEN description = '' THEN '—' ELSE description END,
       raised_by, raised_on, owner, CASE WHEN due_date < raised_on THEN raised_on ELSE due_date END,
       state, resolution,
       CASE WHEN state IN ('resolved', 'wont_fix')
            THEN MAX(COALESCE(resolved_on, raised_on), raised_on) END,
       row_version
FROM logistics_items;
DROP TABLE logistics_items;
ALTER TABLE logistics_items_new RENAME TO logistics_items;
-- the board's filters: a group (batch and unit reach groups by working_groups_unit),
-- a state with the due day (overdue), a category with its state; a meeting's items
CREATE INDEX logistics_items_group ON logistics_items(group_id, state);
CREATE INDEX logistics_items_due ON logistics_items(state, due_date);
CREATE INDEX logistics_items_category ON logistics_items(category, state);
CREATE INDEX logistics_items_meeting ON logistics_items(meeting_id) WHERE meeting_id IS NOT NULL;

-- Meetings become editable and are listed by batch and day.
ALTER TABLE meetings ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX meetings_batch ON meetings(batch_id, held_on);
CREATE INDEX meetings_held ON meetings(held_on);

-- Attendance by group and by cadre, each once per meeting.
CREATE TABLE meeting_groups (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    group_id INTEGER NOT NULL REFERENCES working_groups(id),
    PRIMARY KEY (meeting_id, group_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX meeting_groups_group ON meeting_groups(group_id, meeting_id);

CREATE TABLE meeting_cadres (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    cadre_id INTEGER NOT NULL REFERENCES cadres(id),
    PRIMARY KEY (meeting_id, cadre_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX meeting_cadres_cadre ON meeting_cadres(cadre_id, meeting_id);

INSERT OR IGNORE INTO meeting_groups (meeting_id, group_id)
    SELECT meeting_id, group_id FROM meeting_attendance WHERE group_id IS NOT NULL;
INSERT OR IGNORE INTO meeting_cadres (meeting_id, cadre_id)
    SELECT meeting_id, cadre_id FROM meeting_attendance WHERE cadre_id IS NOT NULL;
DROP TABLE meeting_attendance;

-- 政策培训 and 现场观摩 held by a receiving unit (or the district when none).
CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER REFERENCES batches(id),
    receiving_unit_id INTEGER REFERENCES receiving_units(id),
    kind TEXT NOT NULL CHECK (kind IN ('policy_training', 'site_visit')),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL CHECK (title != ''),
    place TEXT NOT NULL DEFAULT '',
    row_version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX training_sessions_batch ON training_sessions(batch_id, held_on);

CREATE TABLE training_attendance (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id),
    cadre_id INTEGER NOT NULL REFERENCES cadres(id),
    PRIMARY KEY (session_id, cadre_id)
) WITHOUT ROWID, STRICT;
-- the training flag: a cadre's sessions from the index alone
CREATE INDEX training_attendance_cadre ON training_attendance(cadre_id, session_id);

-- 结对帮带: one experienced town or village cadre per placement, replaced in place.
CREATE TABLE mentors (
    id INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL UNIQUE REFERENCES placements(id),
    name TEXT NOT NULL CHECK (name != ''),
    post TEXT NOT NULL DEFAULT '',
    village TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1
) STRICT;
