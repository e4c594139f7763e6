-- 010_articles.sql — analyst views over sources, fetches and articles.
-- Re-created on every start (CREATE OR REPLACE), so they track the code.

-- Articles that were fetched and extracted, with where they came from.
-- Example: SELECT source, published, title, url FROM articles ORDER BY published DESC LIMIT 20;
CREATE OR REPLACE VIEW articles AS
SELECT a.article_id,
       a.url,
       s.name      AS source,
       s.country   AS source_country,
       s.kind      AS source_kind,
       a.title,
       a.published,
       a.author,
       a.language,
       a.text,
       len(a.text) AS chars,
       a.extractor,
       a.fetched_at,
       a.run_id
FROM store.articles a
JOIN store.sources s USING (source_id)
WHERE a.status = 'ok';
COMMENT ON VIEW articles IS 'Extracted articles (status ok) with source name, country and kind. One row per canonical URL.';

-- Articles that could not be had, and why; retried on later runs until max_attempts.
CREATE OR REPLACE VIEW article_failures AS
SELECT a.article_id, a.url, s.name AS source, a.error, a.attempts, a.run_id
FROM store.articles a
JOIN store.sources s USING (source_id)
WHERE a.status = 'failed';
COMMENT ON VIEW article_failures IS 'Article pages that failed (404, PDF, oversized, refused address, ...), with the reason and attempt count.';

-- Every source's fetch in every run; `night` is the night the run belongs to
-- (a night can hold several runs: '2026-12-04', '2026-12-04.2', ...).
-- Example: SELECT run_id, source, status, error FROM fetch_log WHERE status = 'failed';
CREATE OR REPLACE VIEW fetch_log AS
SELECT f.run_id, r.night, s.name AS source, s.url, f.status, f.http_status, f.error, f.warnings,
       f.items_seen, f.items_new, f.attempts, f.fetched_at
FROM store.feed_fetches f
JOIN store.sources s USING (source_id)
LEFT JOIN store.runs r ON r.run_id = f.run_id;
COMMENT ON VIEW fetch_log IS 'One row per source per run: ok / not_modified / unchanged / failed, with the reason and item counts, and the run''s night.';

-- Every run. A night (a date) holds one or more nightly runs: run_id '2026-12-04'
-- is its first (seq 1), '2026-12-04.2' its second, ... A run that did not
-- complete is resumed by the next start of its night (attempts counts the
-- starts); a completed one is followed by a new run. Reprocess runs have no night.
-- Example: SELECT run_id, night, seq, status, summary->>'new_articles' FROM runs ORDER BY started_at DESC;
CREATE OR REPLACE VIEW runs AS
SELECT run_id, kind, night, seq, status, attempts, started_at, finished_at, detector_version,
       prefect_flow_run, summary
FROM store.runs;
COMMENT ON VIEW runs IS 'One row per run (a night holds one or more; reprocess runs have none): status, attempts, detector version and the printed summary (JSON).';

-- One row per night: how many runs it held and what they found together.
-- Example: SELECT night, runs, new_articles, new_statements, last_status FROM nights ORDER BY night DESC;
CREATE OR REPLACE VIEW nights AS
SELECT night,
       count(*) AS runs,
       min(started_at) AS first_started_at,
       max(finished_at) AS last_finished_at,
       arg_max(status, seq) AS last_status,
       sum(CAST(summary->>'new_articles' AS INTEGER)) AS new_articles,
       sum(CAST(summary->>'new_statements' AS INTEGER)) AS new_statements,
       sum(CAST(summary->>'new_shifts' AS INTEGER)) AS new_shifts,
       sum(CAST(summary->>'alerts_sent' AS INTEGER)) AS alerts_sent
FROM store.runs
WHERE kind = 'nightly' AND night IS NOT NULL
GROUP BY night;
COMMENT ON VIEW nights IS 'One row per night: its runs, when they started and ended, the latest run''s status, and the counts they found together.';

CREATE OR REPLACE VIEW sources AS SELECT * FROM store.sources;
COMMENT ON VIEW sources IS 'The watched feeds and listing pages, as of the latest run.';
