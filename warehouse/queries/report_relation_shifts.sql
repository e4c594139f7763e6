-- report_relation_shifts.sql — the latest relation shifts with a few quotes of each side, newest first.
-- $1 since (DATE; NULL = all), $2 actors (VARCHAR[]; NULL = every actor), $3 most shifts to return.
SELECT shift_id, actor, target, previous_tone, new_tone, previous_on, new_on, previous_net, new_net, kind, severity,
       corroboration, reason, detected_run_id, previous_quotes[:2] AS previous_quotes, new_quotes[:2] AS new_quotes,
       new_urls[:2] AS new_urls, count(*) OVER () AS n_total
FROM relation_shifts
WHERE (CAST($1 AS DATE) IS NULL OR new_on >= CAST($1 AS DATE))
  AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
ORDER BY new_on DESC, severity_rank(severity) DESC, actor, target
LIMIT $3;
