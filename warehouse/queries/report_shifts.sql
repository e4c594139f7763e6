-- report_shifts.sql — the latest stance shifts for the HTML report, newest first.
-- $1 since (DATE; NULL = all), $2 actors (VARCHAR[]; NULL = every actor), $3 most shifts to return.
-- n_total counts every matching shift, so the report can say how many are not listed.
SELECT shift_id, actor, target, topic, previous_stance, new_stance, previous_on, new_on,
       kind, severity, corroboration, reason, detected_run_id,
       count(*) OVER () AS n_total
FROM stance_shifts
WHERE (CAST($1 AS DATE) IS NULL OR new_on >= CAST($1 AS DATE))
  AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
ORDER BY new_on DESC, severity_rank(severity) DESC,
         actor, target, topic
LIMIT $3;
