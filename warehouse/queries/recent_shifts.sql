-- recent_shifts.sql — shifts whose new stance began on or after a date, newest first, with both sides' quotes.
-- $1 since (DATE), $2 actors, $3 targets ('' = no target), $4 topics (VARCHAR[]; NULL = any).
SELECT new_on, actor, nullif(target, '') AS target, nullif(topic, '') AS topic,
       previous_stance, new_stance, previous_on, severity, kind, reason,
       previous_quotes, new_quotes, previous_urls, new_urls, detected_run_id, shift_id
FROM stance_shifts
WHERE new_on >= $1
  AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
  AND (CAST($3 AS VARCHAR[]) IS NULL OR list_contains(CAST($3 AS VARCHAR[]), target))
  AND (CAST($4 AS VARCHAR[]) IS NULL OR list_contains(CAST($4 AS VARCHAR[]), topic))
ORDER BY new_on DESC, severity_rank(severity) DESC, actor, target, topic;
