-- stance_records_touched.sql — the records of the keys that got statements in one run,
-- for the shift rules (other keys cannot have changed). $1 run_id
SELECT r.actor, r.target, r.topic, r.day, r.stance, r.statement_ids, r.sources, r.n_sources, r.detector_version
FROM stance_records r
SEMI JOIN (SELECT DISTINCT actor, coalesce(target, '') AS target, coalesce(topic, '') AS topic
           FROM store.statements WHERE run_id = $1) t
  ON r.actor = t.actor AND r.target = t.target AND r.topic = t.topic
ORDER BY r.actor, r.target, r.topic, r.day;
