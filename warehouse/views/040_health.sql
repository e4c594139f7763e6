-- 040_health.sql — how each source has been doing, night after night.

-- Per source: its last success, how many runs in a row it has failed since (runs
-- ordered by when they fetched) and on how many nights (a night can hold
-- several runs), items seen in the latest run and the last error.
-- Example: SELECT source, failed_nights, last_error FROM source_health WHERE failed_nights >= 3;
CREATE OR REPLACE VIEW source_health AS
WITH f AS (
    SELECT f.*, s.name, s.url,
           coalesce(CAST(r.night AS VARCHAR), f.run_id) AS night  -- a run without a night counts as its own
    FROM store.feed_fetches f JOIN store.sources s USING (source_id)
    LEFT JOIN store.runs r ON r.run_id = f.run_id
),
last_ok AS (
    SELECT source_id, max(fetched_at) AS last_success
    FROM f WHERE status IN ('ok', 'not_modified', 'unchanged') GROUP BY source_id
),
latest AS (
    SELECT source_id, arg_max(status, fetched_at) AS last_status, arg_max(error, fetched_at) AS last_error,
           arg_max(items_seen, fetched_at) AS items_seen_last_run, arg_max(run_id, fetched_at) AS last_run,
           sum(items_new) AS items_new_total
    FROM f GROUP BY source_id
)
SELECT s.source_id, s.name AS source, s.url, s.kind, s.country,
       lo.last_success, lt.last_run, lt.last_status,
       (SELECT count(*) FROM f WHERE f.source_id = s.source_id AND f.status = 'failed'
          AND f.fetched_at > coalesce(lo.last_success, '-infinity'::TIMESTAMPTZ)) AS consecutive_failures,
       (SELECT count(DISTINCT f.night) FROM f WHERE f.source_id = s.source_id AND f.status = 'failed'
          AND f.fetched_at > coalesce(lo.last_success, '-infinity'::TIMESTAMPTZ)) AS failed_nights,
       CASE WHEN lt.last_status = 'failed' THEN lt.last_error END AS last_error,
       lt.items_seen_last_run, lt.items_new_total
FROM store.sources s
LEFT JOIN last_ok lo USING (source_id)
LEFT JOIN latest lt USING (source_id);
COMMENT ON VIEW source_health IS 'Per source: last success, failed runs in a row since (consecutive_failures) and the nights they fell on (failed_nights), latest status and error, items seen.';
