-- 004_articles.sql — items found in feeds, the articles fetched for them, and their passages.

-- Every (source, article URL) a feed or listing page pointed at. The feed's own
-- full text (content:encoded) is kept here so a crash between fetching the feed
-- and extracting the article loses nothing.
CREATE TABLE IF NOT EXISTS store.feed_items (
    source_id     VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,   -- canonical URL (tracking parameters and fragment dropped)
    link          VARCHAR NOT NULL,   -- the link as the feed gave it
    guid          VARCHAR,
    title         VARCHAR,
    published     TIMESTAMPTZ,        -- as the feed dated it; NULL when missing or in the future
    feed_html     VARCHAR,            -- full article HTML carried by the feed, if any
    run_id        VARCHAR NOT NULL,   -- run that first saw it
    PRIMARY KEY (source_id, url)
);
COMMENT ON TABLE store.feed_items IS 'Article links seen in each source; the work list for the article stage.';

-- One row per canonical URL: the article, or why it could not be had.
CREATE TABLE IF NOT EXISTS store.articles (
    article_id    VARCHAR PRIMARY KEY,  -- sha256(canonical url)[:24]
    url           VARCHAR NOT NULL,     -- canonical URL
    source_id     VARCHAR NOT NULL,     -- first source that pointed here
    guid          VARCHAR,
    status        VARCHAR NOT NULL,     -- 'ok' | 'duplicate' (same text as duplicate_of) | 'failed'
    error         VARCHAR,              -- why it failed ('HTTP 404', 'not HTML: application/pdf', ...)
    attempts      INTEGER NOT NULL DEFAULT 1,
    duplicate_of  VARCHAR,              -- article_id holding the same text
    title         VARCHAR,
    published     DATE,                 -- the article's own date, else the feed's
    author        VARCHAR,
    language      VARCHAR,
    text          VARCHAR,
    content_hash  VARCHAR,              -- sha256 of the normalised text: finds the same article under two URLs
    extractor     VARCHAR,              -- 'feed' | 'trafilatura' | a site extractor name
    final_url     VARCHAR,              -- after redirects
    fetched_at    TIMESTAMPTZ,
    run_id        VARCHAR NOT NULL      -- run that stored (or last retried) it
);
COMMENT ON TABLE store.articles IS 'One row per canonical article URL: its text and metadata, or why it failed.';

-- The passages the statement detector reads: paragraphs, or press-conference turns.
CREATE TABLE IF NOT EXISTS store.article_units (
    article_id    VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    kind          VARCHAR NOT NULL,     -- 'paragraph' | 'question' | 'answer'
    speaker       VARCHAR,              -- the answering spokesperson of a transcript turn
    speaker_role  VARCHAR,
    text          VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, seq)
);
COMMENT ON TABLE store.article_units IS 'Paragraphs and transcript turns of each article, in order, with the turn''s speaker.';
