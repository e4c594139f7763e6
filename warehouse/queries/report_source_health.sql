-- report_source_health.sql — per-source health for the HTML report, worst first.
-- No parameters. Sources failing on most nights in a row come first (a night can hold several
-- runs: failed_nights counts nights, consecutive_failures runs), then never-successful ones.
SELECT source, url, kind, country, last_success, last_run, last_status,
       consecutive_failures, failed_nights, last_error, items_seen_last_run, items_new_total
FROM source_health
ORDER BY failed_nights DESC, consecutive_failures DESC, last_success IS NOT NULL, source;
