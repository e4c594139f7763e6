-- report_source_health.sql — per-source health for the HTML report, worst first.
-- No parameters. Sources failing most nights in a row come first, then never-successful ones.
SELECT source, url, kind, country, last_success, last_run, last_status,
       consecutive_failures, last_error, items_seen_last_run, items_new_total
FROM source_health
ORDER BY consecutive_failures DESC, last_success IS NOT NULL, source;
