-- 001_runs.sql — one row per nightly run.
--
-- A run is identified by its night (run_id = 'YYYY-MM-DD' in the configured
-- timezone, or a name given with --night). Running the same night again
-- resumes it: work already committed under that run_id is not redone, so a
-- run that died half way can simply be started again.
-- (Since 011_runs_per_night.sql a night holds several runs: see there.)
CREATE TABLE IF NOT EXISTS store.runs (
    run_id            VARCHAR PRIMARY KEY,   -- the night, e.g. '2026-11-28'
    started_at        TIMESTAMPTZ NOT NULL,  -- first attempt of this night
    finished_at       TIMESTAMPTZ,           -- last successful completion (NULL while running or after a crash)
    status            VARCHAR NOT NULL,      -- 'running' | 'completed' | 'failed'
    attempts          INTEGER NOT NULL DEFAULT 1,  -- how many times this night was started
    prefect_flow_run  VARCHAR,               -- the Prefect flow run id of the latest attempt
    detector_version  VARCHAR,               -- statement detector that ran this night
    summary           JSON                   -- the run summary table, as printed
);
COMMENT ON TABLE store.runs IS 'One row per nightly run (run_id = the night). Bookkeeping for every other table''s run_id.';
