-- stance_records.sql — every key's records in date order, for the shift rules (domain/shifts.py).
SELECT actor, target, topic, day, stance, statement_ids, sources, n_sources, evidence, detector_version
FROM stance_records
ORDER BY actor, target, topic, day;
