-- Roll-ups of the figure ledger: cadre -> group -> receiving unit -> batch,
-- and by management mode. Totals are SUMs over the ledger (corrections carry
-- differences), so every level is one indexed aggregate.

CREATE VIEW group_figure_totals AS
SELECT g.batch_id, g.receiving_unit_id, g.id AS group_id, g.mode,
       f.metric_code, SUM(f.value) AS total
FROM figure_entries f
JOIN placements p ON p.id = f.placement_id
JOIN working_groups g ON g.id = p.group_id
GROUP BY g.id, f.metric_code;

CREATE VIEW cadre_figure_totals AS
SELECT g.batch_id, p.group_id, f.cadre_id, f.metric_code, SUM(f.value) AS total
FROM figure_entries f
JOIN placements p ON p.id = f.placement_id
JOIN working_groups g ON g.id = p.group_id
GROUP BY g.batch_id, p.group_id, f.cadre_id, f.metric_code;

CREATE VIEW unit_figure_totals AS
SELECT batch_id, receiving_unit_id, mode, metric_code, SUM(total) AS total
FROM group_figure_totals
GROUP BY batch_id, receiving_unit_id, mode, metric_code;

CREATE VIEW batch_figure_totals AS
SELECT batch_id, metric_code, SUM(total) AS total
FROM group_figure_totals
GROUP BY batch_id, metric_code;

CREATE VIEW mode_figure_totals AS
SELECT batch_id, mode, metric_code, SUM(total) AS total
FROM group_figure_totals
GROUP BY batch_id, mode, metric_code;

-- Cadres who served in each group of a batch (ended placements included).
CREATE VIEW group_cadre_counts AS
SELECT g.batch_id, g.receiving_unit_id, g.id AS group_id, g.mode,
       COUNT(DISTINCT p.cadre_id) AS cadres,
       COUNT(DISTINCT CASE WHEN p.end_date IS NULL THEN p.cadre_id END) AS active_cadres
FROM working_groups g
LEFT JOIN placements p ON p.group_id = g.id
GROUP BY g.id;

CREATE VIEW batch_cadre_counts AS
SELECT g.batch_id, COUNT(DISTINCT p.cadre_id) AS cadres,
       COUNT(DISTINCT CASE WHEN p.end_date IS NULL THEN p.cadre_id END) AS active_cadres
FROM working_groups g
JOIN placements p ON p.group_id = g.id
GROUP BY g.batch_id;
