-- Figure roll-ups that stay fast at millions of ledger lines.
--
-- Triggers on the ledger keep three small aggregates:
--   figure_group_weeks  each working group's total per ISO week (keyed by the
--                       week's Monday) and metric: the group level and its trend;
--   figure_unit_weeks   the same per batch, receiving unit and management mode:
--                       the unit, mode, batch and programme levels;
--   figure_placement_last  each placement's latest entry day: who has stopped
--                       reporting.
-- A placement never changes group and a group never changes batch or unit; a
-- group that changes mode takes its weeks to the new mode (as the views of 0002
-- always counted a group under its current mode).

CREATE TABLE figure_group_weeks (
    group_id INTEGER NOT NULL REFERENCES working_groups(id),
    week TEXT NOT NULL,
    metric_code TEXT NOT NULL REFERENCES metrics(code),
    total REAL NOT NULL,
    PRIMARY KEY (group_id, week, metric_code)
) WITHOUT ROWID, STRICT;

CREATE TABLE figure_unit_weeks (
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    receiving_unit_id INTEGER NOT NULL REFERENCES receiving_units(id),
    mode TEXT NOT NULL,
    week TEXT NOT NULL,
    metric_code TEXT NOT NULL REFERENCES metrics(code),
    total REAL NOT NULL,
    PRIMARY KEY (batch_id, receiving_unit_id, mode, week, metric_code)
) WITHOUT ROWID, STRICT;

CREATE TABLE figure_placement_last (
    placement_id INTEGER PRIMARY KEY REFERENCES placements(id),
    last_entry TEXT NOT NULL
) STRICT;

INSERT INTO figure_group_weeks (group_id, week, metric_code, total)
SELECT p.group_id, date(f.entry_date, 'weekday 0', '-6 days'), f.metric_code, SUM(f.value)
FROM figure_entries f
JOIN placements p ON p.id = f.placement_id
GROUP BY p.group_id, date(f.entry_date, 'weekday 0', '-6 days'), f.metric_code;

INSERT INTO figure_unit_weeks (batch_id, receiving_unit_id, mode, week, metric_code, total)
SELECT g.batch_id, g.receiving_unit_id, g.mode, w.week, w.metric_code, SUM(w.total)
FROM figure_group_weeks w
JOIN working_groups g ON g.id = w.group_id
GROUP BY g.batch_id, g.receiving_unit_id, g.mode, w.week, w.metric_code;

INSERT INTO figure_placement_last (placement_id, last_entry)
SELECT placement_id, MAX(entry_date) FROM figure_entries GROUP BY placement_id;

CREATE TRIGGER figure_entries_roll_up AFTER INSERT ON figure_entries
BEGIN
    INSERT INTO figure_group_weeks (group_id, week, metric_code, total)
    SELECT p.group_id, date(NEW.entry_date, 'weekday 0', '-6 days'), NEW.metric_code, NEW.value
    FROM placements p WHERE p.id = NEW.placement_id
    ON CONFLICT (group_id, week, metric_code) DO UPDATE SET total = total + excluded.total;
    INSERT INTO figure_unit_weeks (batch_id, receiving_unit_id, mode, week, metric_code, total)
    SELECT g.batch_id, g.receiving_unit_id, g.mode, date(NEW.entry_date, 'weekday 0', '-6 days'),
           NEW.metric_code, NEW.value
    FROM placements p JOIN working_groups g ON g.id = p.group_id WHERE p.id = NEW.placement_id
    ON CONFLICT (batch_id, receiving_unit_id, mode, week, metric_code)
    DO UPDATE SET total = total + excluded.total;
    INSERT INTO figure_placement_last (placement_id, last_entry)
    VALUES (NEW.placement_id, NEW.entry_date)
    ON CONFLICT (placement_id) DO UPDATE SET last_entry = MAX(last_entry, excluded.last_entry);
END;

-- The ledger is append-only in the app; these keep the aggregates right if a
-- line is ever removed or repaired by hand.
CREATE TRIGGER figure_entries_roll_back AFTER DELETE ON figure_entries
BEGIN
    UPDATE figure_group_weeks SET total = total - OLD.value
    WHERE group_id = (SELECT group_id FROM placements WHERE id = OLD.placement_id)
      AND week = date(OLD.entry_date, 'weekday 0', '-6 days')
      AND metric_code = OLD.metric_code;
    UPDATE figure_unit_weeks SET total = total - OLD.value
    WHERE (batch_id, receiving_unit_id, mode) = (
            SELECT g.batch_id, g.receiving_unit_id, g.mode FROM placements p
            JOIN working_groups g ON g.id = p.group_id WHERE p.id = OLD.placement_id)
      AND week = date(OLD.entry_date, 'weekday 0', '-6 days')
      AND metric_code = OLD.metric_code;
    UPDATE figure_placement_last SET last_entry = COALESCE(
        (SELECT MAX(entry_date) FROM figure_entries WHERE placement_id = OLD.placement_id), '')
    WHERE placement_id = OLD.placement_id;
    DELETE FROM figure_placement_last WHERE placement_id = OLD.placement_id AND last_entry = '';
END;

CREATE TRIGGER figure_entries_roll_over
AFTER UPDATE OF placement_id, entry_date, metric_code, value ON figure_entries
BEGIN
    UPDATE figure_group_weeks SET total = total - OLD.value
    WHERE group_id = (SELECT group_id FROM placements WHERE id = OLD.placement_id)
      AND week = date(OLD.entry_date, 'weekday 0', '-6 days')
      AND metric_code = OLD.metric_code;
    UPDATE figure_unit_weeks SET total = total - OLD.value
    WHERE (batch_id, receiving_unit_id, mode) = (
            SELECT g.batch_id, g.receiving_unit_id, g.mode FROM placements p
            JOIN working_groups g ON g.id = p.group_id WHERE p.id = OLD.placement_id)
      AND week = date(OLD.entry_date, 'weekday 0', '-6 days')
      AND metric_code = OLD.metric_code;
    INSERT INTO figure_group_weeks (group_id, week, metric_code, total)
    SELECT p.group_id, date(NEW.entry_date, 'weekday 0', '-6 days'), NEW.metric_code, NEW.value
    FROM placements p WHERE p.id = NEW.placement_id
    ON CONFLICT (group_id, week, metric_code) DO UPDATE SET total = total + excluded.total;
    INSERT INTO figure_unit_weeks (batch_id, receiving_unit_id, mode, week, metric_code, total)
    SELECT g.batch_id, g.receiving_unit_id, g.mode, date(NEW.entry_date, 'weekday 0', '-6 days'),
           NEW.metric_code, NEW.value
    FROM placements p JOIN working_groups g ON g.id = p.group_id WHERE p.id = NEW.placement_id
    ON CONFLICT (batch_id, receiving_unit_id, mode, week, metric_code)
    DO UPDATE SET total = total + excluded.total;
    UPDATE figure_placement_last SET last_entry = COALESCE(
        (SELECT MAX(entry_date) FROM figure_entries WHERE placement_id = OLD.placement_id), '')
    WHERE placement_id = OLD.placement_id;
    DELETE FROM figure_placement_last WHERE placement_id = OLD.placement_id AND last_entry = '';
    INSERT INTO figure_placement_last (placement_id, last_entry)
    VALUES (NEW.placement_id, NEW.entry_date)
    ON CONFLICT (placement_id) DO UPDATE SET last_entry = MAX(last_entry, excluded.last_entry);
END;

-- A group that changes mode takes its figures to its new mode.
CREATE TRIGGER working_groups_mode_moves_figures
AFTER UPDATE OF mode ON working_groups WHEN OLD.mode != NEW.mode
BEGIN
    UPDATE figure_unit_weeks SET total = total - (
        SELECT w.total FROM figure_group_weeks w WHERE w.group_id = NEW.id
        AND w.week = figure_unit_weeks.week AND w.metric_code = figure_unit_weeks.metric_code)
    WHERE batch_id = NEW.batch_id AND receiving_unit_id = NEW.receiving_unit_id
      AND mode = OLD.mode
      AND (week, metric_code) IN (SELECT week, metric_code FROM figure_group_weeks
                                  WHERE group_id = NEW.id);
    INSERT INTO figure_unit_weeks (batch_id, receiving_unit_id, mode, week, metric_code, total)
    SELECT NEW.batch_id, NEW.receiving_unit_id, NEW.mode, w.week, w.metric_code, w.total
    FROM figure_group_weeks w WHERE w.group_id = NEW.id
    ON CONFLICT (batch_id, receiving_unit_id, mode, week, metric_code)
    DO UPDATE SET total = total + excluded.total;
END;

-- A cadre's lines by day: their totals, weekly trend and last report from the
-- index alone. It covers what figure_entries_placement served.
CREATE INDEX figure_entries_placement_day
    ON figure_entries(placement_id, entry_date, metric_code, value);
DROP INDEX figure_entries_placement;

-- Active cadres per group, from the index alone.
CREATE INDEX placements_active_group
    ON placements(group_id, end_date, cadre_id) WHERE end_date IS NULL;

-- The cadre counts of 0002, without a distinct-sort over every placement: a
-- group's cadres come in index order, its active ones from the index above.
DROP VIEW group_cadre_counts;
CREATE VIEW group_cadre_counts AS
SELECT g.batch_id, g.receiving_unit_id, g.id AS group_id, g.mode,
       (SELECT COUNT(*) FROM (SELECT DISTINCT p.cadre_id FROM placements p
                              WHERE p.group_id = g.id)) AS cadres,
       (SELECT COUNT(*) FROM placements p
        WHERE p.group_id = g.id AND p.end_date IS NULL) AS active_cadres
FROM working_groups g;

DROP VIEW batch_cadre_counts;
CREATE VIEW batch_cadre_counts AS
SELECT b.id AS batch_id,
       (SELECT COUNT(*) FROM (SELECT DISTINCT p.cadre_id FROM working_groups g
                              JOIN placements p ON p.group_id = g.id
                              WHERE g.batch_id = b.id)) AS cadres,
       (SELECT COUNT(*) FROM working_groups g
        JOIN placements p ON p.group_id = g.id AND p.end_date IS NULL
        WHERE g.batch_id = b.id) AS active_cadres
FROM batches b
WHERE EXISTS (SELECT 1 FROM working_groups g JOIN placements p ON p.group_id = g.id
              WHERE g.batch_id = b.id);

-- The 0002 views, now over the weekly totals instead of every ledger line.
DROP VIEW group_figure_totals;
CREATE VIEW group_figure_totals AS
SELECT g.batch_id, g.receiving_unit_id, g.id AS group_id, g.mode,
       w.metric_code, SUM(w.total) AS total
FROM figure_group_weeks w
JOIN working_groups g ON g.id = w.group_id
GROUP BY g.id, w.metric_code;

DROP VIEW unit_figure_totals;
CREATE VIEW unit_figure_totals AS
SELECT batch_id, receiving_unit_id, mode, metric_code, SUM(total) AS total
FROM figure_unit_weeks
GROUP BY batch_id, receiving_unit_id, mode, metric_code;

DROP VIEW batch_figure_totals;
CREATE VIEW batch_figure_totals AS
SELECT batch_id, metric_code, SUM(total) AS total
FROM figure_unit_weeks
GROUP BY batch_id, metric_code;

DROP VIEW mode_figure_totals;
CREATE VIEW mode_figure_totals AS
SELECT batch_id, mode, metric_code, SUM(total) AS total
FROM figure_unit_weeks
GROUP BY batch_id, mode, metric_code;
