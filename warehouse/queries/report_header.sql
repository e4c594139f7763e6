-- report_header.sql — the HTML report's header: the latest night and what the warehouse holds.
-- No parameters. Always one row; the run columns are NULL before the first night.
-- "Latest" is the night started last (run ids are nights, but --night may name one freely).
SELECT r.run_id, r.status, r.started_at, r.finished_at, r.attempts, r.detector_version,
       CAST(json_extract(r.summary, '$.new_articles') AS INTEGER)   AS run_new_articles,
       CAST(json_extract(r.summary, '$.new_statements') AS INTEGER) AS run_new_statements,
       CAST(json_extract(r.summary, '$.new_shifts') AS INTEGER)     AS run_new_shifts,
       CAST(json_extract(r.summary, '$.feeds_failed') AS INTEGER)   AS run_feeds_failed,
       (SELECT count(*) FROM runs)          AS n_runs,
       (SELECT count(*) FROM articles)      AS n_articles,
       (SELECT count(*) FROM statements)    AS n_statements,
       (SELECT count(*) FROM stance_shifts) AS n_shifts
FROM (SELECT 1 AS one) AS always
LEFT JOIN (SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1) AS r ON true;
