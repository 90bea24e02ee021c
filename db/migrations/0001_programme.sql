-- The whole programme's schema. Dates are ISO text (YYYY-MM-DD), times are
-- ISO text in UTC. Codes are the English codes of PRODUCT.md.

CREATE TABLE programme (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    district TEXT NOT NULL DEFAULT ''
) STRICT;

-- 派出单位: district departments and town offices that send cadres.
CREATE TABLE sending_units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'department' CHECK (kind IN ('department', 'town')),
    leader_in_charge TEXT NOT NULL DEFAULT '',
    leader_phone TEXT NOT NULL DEFAULT ''
) STRICT;

-- 接收单位: the towns and zones that take cadres.
CREATE TABLE receiving_units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'town' CHECK (kind IN ('town', 'zone')),
    default_mode TEXT NOT NULL
        CHECK (default_mode IN ('stationed_village', 'block_and_line', 'project_based')),
    deputy_party_secretary TEXT NOT NULL DEFAULT '',
    leader_in_charge TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE villages (
    id INTEGER PRIMARY KEY,
    receiving_unit_id INTEGER NOT NULL REFERENCES receiving_units(id),
    name TEXT NOT NULL,
    households INTEGER NOT NULL DEFAULT 0,
    UNIQUE (receiving_unit_id, name)
) STRICT;

-- Field demolition teams of a town (the "blocks" of block-and-line).
CREATE TABLE field_teams (
    id INTEGER PRIMARY KEY,
    receiving_unit_id INTEGER NOT NULL REFERENCES receiving_units(id),
    name TEXT NOT NULL,
    UNIQUE (receiving_unit_id, name)
) STRICT;

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    receiving_unit_id INTEGER NOT NULL REFERENCES receiving_units(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (receiving_unit_id, name)
) STRICT;

-- Organisation-department officers: liaisons of working groups.
CREATE TABLE officers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT ''
) STRICT;

-- 拟选派干部数据库: the cadre pool.
CREATE TABLE cadres (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_pinyin TEXT NOT NULL DEFAULT '',
    name_initials TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL CHECK (gender IN ('M', 'F')),
    ethnicity TEXT NOT NULL DEFAULT '',
    native_place TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL DEFAULT '',
    party_status TEXT NOT NULL DEFAULT 'masses'
        CHECK (party_status IN ('member', 'probationary', 'league', 'other_party', 'masses')),
    party_joined_on TEXT,
    work_started_on TEXT,
    education TEXT NOT NULL DEFAULT '',
    degree TEXT NOT NULL DEFAULT '',
    sending_unit_id INTEGER NOT NULL REFERENCES sending_units(id),
    post TEXT NOT NULL DEFAULT '',
    rank TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN (
        'new_civil_servant', 'reserve_cadre', 'other_young_cadre',
        'serving_leader', 'middle_level_cadre')),
    status TEXT NOT NULL DEFAULT 'available'
        CHECK (status IN ('available', 'recommended', 'seconded', 'archived')),
    grassroots_experience TEXT NOT NULL DEFAULT '',
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX cadres_name ON cadres(name, id);
CREATE INDEX cadres_pinyin ON cadres(name_pinyin, id);
CREATE INDEX cadres_initials ON cadres(name_initials, id);
CREATE INDEX cadres_unit ON cadres(sending_unit_id, id);
CREATE INDEX cadres_status ON cadres(status, id);
CREATE INDEX cadres_birth ON cadres(birth_date, id);

-- 党委(党组)会议推荐: one round a year.
CREATE TABLE recommendation_rounds (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,
    deadline TEXT NOT NULL,
    quota_min INTEGER NOT NULL DEFAULT 1 CHECK (quota_min >= 0),
    quota_max INTEGER NOT NULL DEFAULT 2 CHECK (quota_max >= quota_min)
) STRICT;

-- A sending unit's part in a round: its committee meeting and its own quota.
CREATE TABLE round_units (
    round_id INTEGER NOT NULL REFERENCES recommendation_rounds(id),
    sending_unit_id INTEGER NOT NULL REFERENCES sending_units(id),
    meeting_date TEXT,
    submitted_on TEXT,
    quota_min INTEGER,
    quota_max INTEGER,
    PRIMARY KEY (round_id, sending_unit_id)
) STRICT;

CREATE TABLE recommendations (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES recommendation_rounds(id),
    sending_unit_id INTEGER NOT NULL REFERENCES sending_units(id),
    cadre_id INTEGER NOT NULL REFERENCES cadres(id),
    meeting_date TEXT,
    state TEXT NOT NULL DEFAULT 'nominated'
        CHECK (state IN ('nominated', 'approved', 'returned')),
    note TEXT NOT NULL DEFAULT '',
    exception_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (round_id, cadre_id)
) STRICT;
CREATE INDEX recommendations_unit ON recommendations(round_id, sending_unit_id);

-- 抽调批次
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    planned_end TEXT,
    state TEXT NOT NULL DEFAULT 'planning' CHECK (state IN ('planning', 'active', 'closed')),
    allow_leaders INTEGER NOT NULL DEFAULT 0 CHECK (allow_leaders IN (0, 1)),
    closed_on TEXT
) STRICT;

CREATE TABLE batch_units (
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    receiving_unit_id INTEGER NOT NULL REFERENCES receiving_units(id),
    PRIMARY KEY (batch_id, receiving_unit_id)
) STRICT;

-- 工作组, with its temporary party branch (临时党支部).
CREATE TABLE working_groups (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    receiving_unit_id INTEGER NOT NULL REFERENCES receiving_units(id),
    name TEXT NOT NULL,
    mode TEXT NOT NULL
        CHECK (mode IN ('stationed_village', 'block_and_line', 'project_based')),
    state TEXT NOT NULL DEFAULT 'forming' CHECK (state IN ('forming', 'active', 'closed')),
    leader_cadre_id INTEGER REFERENCES cadres(id),
    deputy_cadre_id INTEGER REFERENCES cadres(id),
    liaison_officer_id INTEGER REFERENCES officers(id),
    branch_secretary TEXT NOT NULL DEFAULT '',
    sending_leader_in_charge TEXT NOT NULL DEFAULT '',
    receiving_leader_in_charge TEXT NOT NULL DEFAULT '',
    office TEXT NOT NULL DEFAULT '',
    row_version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (batch_id, name)
) STRICT;
CREATE INDEX working_groups_unit ON working_groups(batch_id, receiving_unit_id);

-- A cadre in a group. The place depends on the group's mode: a village
-- (stationed_village), the line office or a field team (block_and_line), or
-- owned projects (project_based, see placement_projects).
CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    cadre_id INTEGER NOT NULL REFERENCES cadres(id),
    group_id INTEGER NOT NULL REFERENCES working_groups(id),
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('leader', 'deputy', 'member')),
    village_id INTEGER REFERENCES villages(id),
    line_side TEXT CHECK (line_side IN ('line', 'block')),
    field_team_id INTEGER REFERENCES field_teams(id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    party_transferred_on TEXT,
    exception_reason TEXT NOT NULL DEFAULT '',
    CHECK (end_date IS NULL OR end_date >= start_date)
) STRICT;
-- A cadre is in at most one active placement.
CREATE UNIQUE INDEX placements_one_active ON placements(cadre_id) WHERE end_date IS NULL;
CREATE INDEX placements_group ON placements(group_id, cadre_id);
CREATE INDEX placements_cadre ON placements(cadre_id, start_date);

CREATE TABLE placement_projects (
    placement_id INTEGER NOT NULL REFERENCES placements(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    PRIMARY KEY (placement_id, project_id)
) STRICT;
CREATE INDEX placement_projects_project ON placement_projects(project_id);

CREATE TABLE metrics (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    is_area INTEGER NOT NULL DEFAULT 0 CHECK (is_area IN (0, 1)),
    sort_order INTEGER NOT NULL
) STRICT;

INSERT INTO metrics (code, name_zh, name_en, unit, is_area, sort_order) VALUES
    ('measured_households', '丈量户数', 'Households measured', 'household', 0, 1),
    ('measured_area', '丈量面积', 'Area measured', 'm2', 1, 2),
    ('signed_households', '签约户数', 'Households signed', 'household', 0, 3),
    ('demolished_households', '拆除户数', 'Households demolished', 'household', 0, 4),
    ('demolished_area', '拆迁面积', 'Area demolished', 'm2', 1, 5);

-- The figure ledger. A correction is a new row referencing the entry it
-- corrects; its value is the difference, so every total is a plain SUM.
CREATE TABLE figure_entries (
    id INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL REFERENCES placements(id),
    cadre_id INTEGER NOT NULL REFERENCES cadres(id),
    entry_date TEXT NOT NULL,
    metric_code TEXT NOT NULL REFERENCES metrics(code),
    value REAL NOT NULL,
    village_id INTEGER REFERENCES villages(id),
    project_id INTEGER REFERENCES projects(id),
    corrects_id INTEGER REFERENCES figure_entries(id),
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
) STRICT;
CREATE INDEX figure_entries_placement ON figure_entries(placement_id, metric_code, value);
CREATE INDEX figure_entries_cadre_date ON figure_entries(cadre_id, entry_date);
CREATE INDEX figure_entries_date ON figure_entries(entry_date);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    scope TEXT NOT NULL CHECK (scope IN (
        'batch', 'receiving_unit', 'group', 'village', 'project', 'cadre')),
    scope_id INTEGER NOT NULL,
    metric_code TEXT NOT NULL REFERENCES metrics(code),
    value REAL NOT NULL CHECK (value >= 0),
    UNIQUE (batch_id, scope, scope_id, metric_code)
) STRICT;

-- 办公场地, 工资报酬, 食宿住行, 经费, 车辆 ...
CREATE TABLE logistics_items (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES working_groups(id),
    category TEXT NOT NULL CHECK (category IN (
        'office_space', 'pay', 'meals_lodging', 'transport', 'funds', 'vehicle', 'other')),
    description TEXT NOT NULL,
    raised_by TEXT NOT NULL DEFAULT '',
    raised_on TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    state TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'in_progress', 'resolved', 'wont_fix')),
    resolution TEXT NOT NULL DEFAULT '',
    resolved_on TEXT,
    row_version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX logistics_items_group ON logistics_items(group_id, state);

-- 交流会, 研讨会 and the like.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER REFERENCES batches(id),
    kind TEXT NOT NULL CHECK (kind IN (
        'exchange', 'seminar', 'party_committee', 'site_visit', 'training', 'other')),
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    decisions TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    group_id INTEGER REFERENCES working_groups(id),
    cadre_id INTEGER REFERENCES cadres(id),
    CHECK (group_id IS NOT NULL OR cadre_id IS NOT NULL)
) STRICT;
CREATE INDEX meeting_attendance_meeting ON meeting_attendance(meeting_id);
CREATE INDEX meeting_attendance_cadre ON meeting_attendance(cadre_id);

-- 考核 / 评价 at the end of a secondment.
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL UNIQUE REFERENCES placements(id),
    cadre_id INTEGER NOT NULL REFERENCES cadres(id),
    grade TEXT NOT NULL CHECK (grade IN (
        'excellent', 'competent', 'basically_competent', 'incompetent')),
    comment TEXT NOT NULL DEFAULT '',
    recommended_for_promotion INTEGER NOT NULL DEFAULT 0
        CHECK (recommended_for_promotion IN (0, 1)),
    evaluated_on TEXT NOT NULL,
    evaluated_by TEXT NOT NULL
) STRICT;
CREATE INDEX evaluations_cadre ON evaluations(cadre_id);

-- Append-only: every write of the app adds one row here.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before_json TEXT,
    after_json TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log(actor, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
