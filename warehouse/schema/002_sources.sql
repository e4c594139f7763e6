-- 002_sources.sql — the feeds and listing pages being watched, and their HTTP state.
CREATE TABLE IF NOT EXISTS store.sources (
    source_id      VARCHAR PRIMARY KEY,  -- sha256(url)[:16]: stable when a source is renamed
    name           VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    country        VARCHAR,              -- ISO alpha-3 of the government speaking; NULL for news outlets
    kind           VARCHAR NOT NULL,     -- 'ministry' | 'news'
    extractor      VARCHAR,              -- site extractor name, NULL = automatic
    listing        BOOLEAN NOT NULL,     -- an HTML index page instead of a feed
    run_id         VARCHAR NOT NULL      -- run that last wrote this row
);
COMMENT ON TABLE store.sources IS 'Feeds and listing pages from the sources file, as of the latest run.';

-- Conditional-GET state per source. Updated in the same transaction as the
-- items a fetch produced, so a crash can never leave "not modified" state
-- for items that were not stored.
CREATE TABLE IF NOT EXISTS store.feed_state (
    source_id      VARCHAR PRIMARY KEY,
    etag           VARCHAR,
    last_modified  VARCHAR,
    body_hash      VARCHAR,              -- sha256 of the last body: some servers answer 200 with an unchanged body
    run_id         VARCHAR NOT NULL
);
COMMENT ON TABLE store.feed_state IS 'ETag / Last-Modified / body hash of each source''s last successful fetch.';
