-- run_errors.sql — every failure of one run with its reason: failed feeds, then failed articles. $1 run_id
SELECT 'feed' AS what, s.name AS source, s.url AS url, f.error AS reason
FROM store.feed_fetches f JOIN store.sources s USING (source_id)
WHERE f.run_id = $1 AND f.status = 'failed'
UNION ALL
SELECT 'article', s.name, a.url, a.error
FROM store.articles a JOIN store.sources s USING (source_id)
WHERE a.run_id = $1 AND a.status = 'failed'
ORDER BY 1 DESC, 2, 3;
