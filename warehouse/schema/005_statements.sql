-- 005_statements.sql — diplomatic statements found in articles (shared/docs/statements.md).
--
-- Rows are never updated: a new detector version (code or lexicon change)
-- adds its own rows, so two versions can be compared (see the query
-- `statement_changes`). Analysts read the view `statements`, which shows each
-- article's statements from the newest version that processed it.
CREATE TABLE IF NOT EXISTS store.statements (
    statement_id      VARCHAR PRIMARY KEY,  -- sha256(version, article, unit, offset, actor, stance, target, topic)[:24]
    article_id        VARCHAR NOT NULL,
    unit_seq          INTEGER NOT NULL,     -- which paragraph / transcript turn
    detector_version  VARCHAR NOT NULL,
    actor             VARCHAR NOT NULL,     -- ISO alpha-3 or body code (NATO, EU, UN, ...)
    speaker           VARCHAR,              -- person's name as written, NULL when none is named
    speaker_role      VARCHAR,
    stance            VARCHAR NOT NULL,     -- 'support' | 'oppose' | 'concern'
    target            VARCHAR,              -- country or body the position is about, NULL for a topic-only position
    topic             VARCHAR,              -- topic slug, NULL when none
    flags             VARCHAR[] NOT NULL,   -- hypothetical, future, historical, quoted
    basis             VARCHAR,              -- 'assessment' or 'demand' (a demand/appeal; weighs less in a day's stance)
    sentence          VARCHAR NOT NULL,
    cue               VARCHAR,
    sentence_start    INTEGER,
    stated_on         DATE,                 -- the date the text gives ("on Feb 26"), NULL when none
    run_id            VARCHAR NOT NULL
);
COMMENT ON TABLE store.statements IS 'Every statement every detector version found; read the view `statements` for the current ones.';

-- Which articles each detector version has read (also those with no statements),
-- so nothing is detected twice and a crash resumes where it stopped.
CREATE TABLE IF NOT EXISTS store.detections (
    article_id        VARCHAR NOT NULL,
    detector_version  VARCHAR NOT NULL,
    statements        INTEGER NOT NULL,
    processed_at      TIMESTAMPTZ NOT NULL,
    run_id            VARCHAR NOT NULL,
    PRIMARY KEY (article_id, detector_version)
);
COMMENT ON TABLE store.detections IS 'One row per article per detector version that processed it, with the count of statements found.';
