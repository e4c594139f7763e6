-- pending_articles.sql — the article stage's work list.
-- Items seen in feeds that have no article yet, plus failed articles with
-- attempts left. One row per canonical URL (the first source that saw it);
-- an item whose guid is already stored for the same source under another URL
-- is the same article moved, and is skipped. Two URLs with one guid in the
-- same night are one article too: only the first (by night, then URL) is taken.
-- Sources take turns (each one's newest first): the page fetcher works on many
-- hosts at once, politely per host, and a list read in chunks keeps them all busy.
-- A shard of a night ($2) takes the URLs whose first source is one of its own (the
-- filter applies after "first"; two shards reading their feeds at the same time can
-- still both take one URL, and the night's coordinator keeps it once).
-- Parameters: $1 max_attempts, $2 a list of source ids (NULL: every source)
WITH first_seen AS (
    SELECT i.*, row_number() OVER (PARTITION BY i.url ORDER BY i.run_id, i.source_id) AS rn,
           row_number() OVER (PARTITION BY i.source_id, coalesce(i.guid, i.url) ORDER BY i.run_id, i.url) AS guid_rn
    FROM store.feed_items i
)
SELECT f.url, f.link, f.source_id, f.guid, f.title, f.published_day, f.feed_html,
       s.extractor, coalesce(a.attempts, 0) AS attempts
FROM first_seen f
JOIN store.sources s USING (source_id)
LEFT JOIN store.articles a ON a.url = f.url
WHERE f.rn = 1 AND f.guid_rn = 1
  AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], f.source_id))
  AND (a.article_id IS NULL OR (a.status = 'failed' AND a.attempts < $1))
  AND NOT EXISTS (
      SELECT 1 FROM store.articles g
      WHERE f.guid IS NOT NULL AND g.guid = f.guid AND g.source_id = f.source_id AND g.url <> f.url)
ORDER BY row_number() OVER (PARTITION BY f.source_id ORDER BY f.published DESC NULLS LAST, f.url), f.source_id;
