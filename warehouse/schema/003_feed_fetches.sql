-- 003_feed_fetches.sql — what happened to each source in each run.
CREATE TABLE IF NOT EXISTS store.feed_fetches (
    run_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,   -- 'ok' | 'not_modified' | 'unchanged' (200, same body) | 'failed'
    http_status   INTEGER,
    error         VARCHAR,            -- why it failed, in words ('HTTP 404', 'timeout after 60s', ...)
    warnings      VARCHAR[],          -- non-fatal oddities (malformed feed, items cut, future dates)
    items_seen    INTEGER NOT NULL DEFAULT 0,
    items_new     INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 1,  -- HTTP attempts, retries included
    fetched_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, source_id)
);
COMMENT ON TABLE store.feed_fetches IS 'One row per source per run: ok, not modified, unchanged or failed (with the reason).';
