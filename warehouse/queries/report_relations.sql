-- report_relations.sql — the pairs' daily net stance the HTML report draws, one row per record.
-- $1 since (DATE; NULL = all days), $2 actors (VARCHAR[]; NULL = every actor), $3 most pairs to return.
-- A pair (actor, target) is drawn when it has at least 2 records or a relation shift in the period;
-- pairs are ranked by relation shifts, then statements, then recency. A record that begins a relation
-- shift carries it (kind, severity, previous tone, reason).
WITH rec AS (
    SELECT * FROM relation_records
    WHERE (CAST($1 AS DATE) IS NULL OR day >= CAST($1 AS DATE))
      AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
),
sh AS (
    SELECT actor, target, new_on AS day, kind AS shift_kind, severity AS shift_severity,
           previous_tone AS shift_from, reason AS shift_reason, detected_run_id AS shift_run_id
    FROM relation_shifts
),
keyed AS (SELECT rec.*, sh.* EXCLUDE (actor, target, day) FROM rec LEFT JOIN sh USING (actor, target, day)),
pairs AS (
    SELECT actor, target, count(*) AS n_records, sum(n_statements) AS pair_statements,
           count(shift_kind) AS pair_shifts, max(day) AS last_day
    FROM keyed GROUP BY actor, target
    HAVING count(*) >= 2 OR count(shift_kind) > 0
),
ranked AS (
    SELECT *, row_number() OVER (ORDER BY pair_shifts DESC, pair_statements DESC, last_day DESC, actor, target)
               AS pair_rank,
           count(*) OVER () AS n_pairs
    FROM pairs
)
SELECT p.pair_rank, p.n_pairs, p.pair_statements, p.pair_shifts, r.actor, r.target, r.day, r.net, r.tone,
       r.n_support, r.n_concern, r.n_oppose, r.n_statements, r.topics,
       r.shift_kind, r.shift_severity, r.shift_from, r.shift_reason, r.shift_run_id
FROM ranked p JOIN keyed r USING (actor, target)
WHERE p.pair_rank <= $3
ORDER BY p.pair_rank, r.day;
