-- relation_records.sql — every pair's records in date order, for the relation shift rules. $1 run_id or NULL (all pairs)
-- With a run id, only the pairs that got statements in that run (the others cannot have changed).
SELECT actor, target, day, tone, net, statement_ids, sources, evidence, detector_version
FROM relation_records r
WHERE $1 IS NULL
   OR (actor, target) IN (SELECT (actor, coalesce(target, '')) FROM statements WHERE run_id = $1)
ORDER BY actor, target, day;
