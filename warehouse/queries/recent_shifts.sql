-- recent_shifts.sql — shifts whose new stance began on or after a date, newest first. $1 since (DATE)
SELECT new_on, actor, nullif(target, '') AS target, nullif(topic, '') AS topic,
       previous_stance, new_stance, previous_on, severity, kind, detected_run_id, shift_id
FROM stance_shifts
WHERE new_on >= $1
ORDER BY new_on DESC, severity_rank(severity) DESC, actor, target, topic;
