-- report_timelines.sql — the stance timelines the HTML report draws, one row per record.
-- $1 since (DATE; NULL = all days), $2 actors (VARCHAR[]; NULL = every actor), $3 most keys to return.
--
-- A key (actor, target, topic) is drawn when it has at least 2 records or a
-- shift in the period (the keys that are not drawn are listed by
-- report_keys.sql). Keys are ranked by shifts, then statements, then
-- records, then recency; only the first $3 come back. n_keys counts every
-- qualifying key, so the report can say how many were left out. A record that
-- begins a shift carries it (kind, severity, previous stance, reason, the run it was found in).
-- With a `since`, a key's first shift in the period keeps the record it shifted
-- from even when that is older (before_since = true): the chart shows both sides.
WITH in_period AS (
    SELECT *, false AS before_since FROM stance_timeline
    WHERE (CAST($1 AS DATE) IS NULL OR day >= CAST($1 AS DATE))
      AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
),
shifted_from AS (  -- the record each key's first shift in the period moved away from, when older than `since`
    SELECT actor, target, topic, arg_min(previous_on, new_on) AS day
    FROM stance_shifts
    WHERE CAST($1 AS DATE) IS NOT NULL AND new_on >= CAST($1 AS DATE)
      AND (CAST($2 AS VARCHAR[]) IS NULL OR list_contains(CAST($2 AS VARCHAR[]), actor))
    GROUP BY actor, target, topic
),
rec AS (
    SELECT * FROM in_period
    UNION ALL
    SELECT t.*, true AS before_since
    FROM stance_timeline t JOIN shifted_from f USING (actor, target, topic, day)
    WHERE t.day < CAST($1 AS DATE)
),
sh AS (  -- at most one shift per key and day: the most severe
    SELECT actor, target, topic, new_on AS day, kind AS shift_kind, severity AS shift_severity,
           previous_stance AS shift_from, reason AS shift_reason, detected_run_id AS shift_run_id
    FROM stance_shifts
    QUALIFY row_number() OVER (PARTITION BY actor, target, topic, new_on
                               ORDER BY severity_rank(severity) DESC,
                                        shift_id) = 1
),
keyed AS (
    SELECT rec.*, sh.shift_kind, sh.shift_severity, sh.shift_from, sh.shift_reason, sh.shift_run_id
    FROM rec LEFT JOIN sh USING (actor, target, topic, day)
),
keys AS (
    SELECT actor, target, topic, count(*) AS n_records, sum(n_statements) AS key_statements,
           count(shift_kind) AS key_shifts, max(day) AS last_day
    FROM keyed GROUP BY actor, target, topic
    HAVING count(*) >= 2 OR count(shift_kind) > 0
),
ranked AS (
    SELECT *, row_number() OVER (ORDER BY key_shifts DESC, key_statements DESC, n_records DESC,
                                          last_day DESC, actor, target, topic) AS key_rank,
           count(*) OVER () AS n_keys
    FROM keys
)
SELECT k.key_rank, k.n_keys, k.key_statements, k.key_shifts,
       r.actor, r.target, r.topic, r.day, r.stance, r.n_statements, r.n_sources, r.sources, r.speakers,
       r.shift_kind, r.shift_severity, r.shift_from, r.shift_reason, r.shift_run_id, r.before_since
FROM ranked k JOIN keyed r USING (actor, target, topic)
WHERE k.key_rank <= $3
ORDER BY k.key_rank, r.day;
