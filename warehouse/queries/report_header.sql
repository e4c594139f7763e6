-- report_header.sql — the HTML report's header: the latest run and what the warehouse holds.
-- No parameters. Always one row; the run columns are NULL before the first run.
-- "Latest" is the run started last. night_runs lists every run of its night (a night can hold
-- several runs), so "new last night" means found by any of them; a reprocess run stands alone.
SELECT r.run_id, r.night, r.status, r.started_at, r.finished_at, r.attempts, r.detector_version,
       CASE WHEN r.night IS NULL THEN [r.run_id]
            ELSE (SELECT list(n.run_id ORDER BY n.seq) FROM runs n WHERE n.night = r.night AND n.kind = 'nightly')
       END AS night_runs,
       CAST(json_extract(r.summary, '$.new_articles') AS INTEGER)   AS run_new_articles,
       CAST(json_extract(r.summary, '$.new_statements') AS INTEGER) AS run_new_statements,
       CAST(json_extract(r.summary, '$.new_shifts') AS INTEGER)     AS run_new_shifts,
       CAST(json_extract(r.summary, '$.feeds_failed') AS INTEGER)   AS run_feeds_failed,
       (SELECT count(*) FROM runs)          AS n_runs,
       (SELECT count(*) FROM nights)        AS n_nights,
       (SELECT count(*) FROM articles)      AS n_articles,
       (SELECT count(*) FROM statements)    AS n_statements,
       (SELECT count(*) FROM stance_shifts) AS n_shifts
FROM (SELECT 1 AS one) AS always
LEFT JOIN (SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1) AS r ON true;
