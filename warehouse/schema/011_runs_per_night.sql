-- 011_runs_per_night.sql — a night can hold several runs.
--
-- Until now a run was its night (run_id = '2026-12-04'), and running a night
-- again only resumed it: a second run on the same day fetched nothing. Now a
-- night is a date and holds one or more runs, numbered from 1: the first run
-- of 2026-12-04 has run_id '2026-12-04', the second '2026-12-04.2', and so
-- on. Starting a night resumes its latest run when that run did not complete
-- (a crash, a failure) and starts the night's next run when it did. Every
-- other table keeps meaning "the run that wrote this row" by its run_id.
ALTER TABLE store.runs ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE store.runs ADD COLUMN IF NOT EXISTS night DATE;
ALTER TABLE store.runs ADD COLUMN IF NOT EXISTS seq INTEGER;

-- Existing rows: reprocess runs are named 'reprocess-...'; every other run was
-- the first (and only) run of its night. A night once given freely with
-- --night ('n1') has no date and keeps none.
UPDATE store.runs SET kind = CASE WHEN run_id LIKE 'reprocess-%' THEN 'reprocess' ELSE 'nightly' END
WHERE kind IS NULL;
UPDATE store.runs SET night = TRY_CAST(run_id AS DATE), seq = 1 WHERE kind = 'nightly' AND seq IS NULL;

COMMENT ON COLUMN store.runs.kind IS '''nightly'' (fetches, detects, alerts) or ''reprocess'' (re-reads stored articles).';
COMMENT ON COLUMN store.runs.night IS 'The night (a date in the configured timezone) a nightly run belongs to; NULL for reprocess runs.';
COMMENT ON COLUMN store.runs.seq IS 'Which run of its night: 1 for run_id ''2026-12-04'', 2 for ''2026-12-04.2'', ...';
COMMENT ON TABLE store.runs IS 'One row per run: a night (a date) holds one or more nightly runs; reprocess runs have no night. Bookkeeping for every other table''s run_id.';
