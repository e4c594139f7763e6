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

-- Every source's fetch in every run.
-- Example: SELECT run_id, source, status, error FROM fetch_log WHERE status = 'failed';
CREATE OR REPLACE VIEW fetch_log AS
SELECT f.run_id, s.name AS source, s.url, f.status, f.http_status, f.error, f.warnings,
       f.items_seen, f.items_new, f.attempts, f.fetched_at
FROM store.feed_fetches f
JOIN store.sources s USING (source_id);
COMMENT ON VIEW fetch_log IS 'One row per source per run: ok / not_modified / unchanged / failed, with the reason and item counts.';

CREATE OR REPLACE VIEW runs AS SELECT * FROM store.runs;
COMMENT ON VIEW runs IS 'One row per night: status, attempts, detector version and the printed summary (JSON).';

CREATE OR REPLACE VIEW sources AS SELECT * FROM store.sources;
COMMENT ON VIEW sources IS 'The watched feeds and listing pages, as of the latest run.';
