-- articles_to_detect.sql — extracted articles the given detector version has not read yet.
-- The article's date is its own, else the day it was fetched. $1 detector_version,
-- $2 a list of article ids to restrict it to (NULL: every such article),
-- $3 a list of source ids whose articles only are wanted (NULL: every source; a shard's sources).
SELECT a.article_id,
       a.source_id,
       coalesce(a.published, CAST(a.fetched_at AS DATE)) AS published,
       coalesce(s.country, '') AS source_country,
       a.title                               -- context for the detector ("Call with ...")
FROM store.articles a
JOIN store.sources s USING (source_id)
WHERE a.status = 'ok'
  AND NOT EXISTS (SELECT 1 FROM store.detections d
                  WHERE d.article_id = a.article_id AND d.detector_version = $1)
  AND ($2::VARCHAR[] IS NULL OR list_contains($2::VARCHAR[], a.article_id))
  AND ($3::VARCHAR[] IS NULL OR list_contains($3::VARCHAR[], a.source_id))
ORDER BY a.article_id;
