-- stance_records_touched.sql — the records of the keys that got statements in one run,
-- for the shift rules (other keys cannot have changed). A statement touches the key of
-- every topic it lists. $1 run_id
SELECT r.actor, r.target, r.topic, r.day, r.stance, r.statement_ids, r.sources, r.n_sources, r.evidence,
       r.detector_version
FROM stance_records r
SEMI JOIN (SELECT DISTINCT actor, target, topic FROM statement_keys WHERE run_id = $1) t
  ON r.actor = t.actor AND r.target = t.target AND r.topic = t.topic
ORDER BY r.actor, r.target, r.topic, r.day;
