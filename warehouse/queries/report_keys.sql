-- report_keys.sql — every key (actor, target, topic) with records in the period, one row each, for the
-- report's list of keys it does not chart (a single strong statement must not be invisible).
-- $1 since (DATE; NULL = all days), $2 actors (VARCHAR[]; NULL = every actor).
-- The report leaves out the keys it charts; what is left is newest first.
SELECT actor, target, topic,
       count(*)                         AS n_records,
       min(day)                         AS first_day,
       max(day)                         AS last_day,
       arg_max(stance, day)             AS last_stance,
       list(DISTINCT stance)            AS stances,
       sum(n_statements)                AS n_statements,
       list_distinct(flatten(list(sources)))  AS sources,
       list_distinct(flatten(list(speakers))) AS speakers
FROM stance_timeline
WHERE (CAST($1 AS DATE) IS NULL OR day >= CAST($1 AS DATE))
  AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
GROUP BY actor, target, topic
ORDER BY last_day DESC, n_statements DESC, actor, target, topic;
