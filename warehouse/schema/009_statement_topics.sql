-- 009_statement_topics.sql — every topic of a statement, and the classifier's confidence.
--
-- A position can be about several topics at once ("constructive trade talks":
-- trade and dialogue); `topic` keeps the first for old queries, `topics` all
-- of them. `confidence` is the stance classifier's probability (1.0 where a
-- rule alone decided), so timelines can weigh a doubtful reading less.
ALTER TABLE store.statements ADD COLUMN IF NOT EXISTS topics VARCHAR[];
ALTER TABLE store.statements ADD COLUMN IF NOT EXISTS confidence DOUBLE;
UPDATE store.statements SET topics = CASE WHEN topic IS NULL THEN [] ELSE [topic] END WHERE topics IS NULL;
UPDATE store.statements SET confidence = 1.0 WHERE confidence IS NULL;
COMMENT ON COLUMN store.statements.topics IS 'Every topic slug the statement is about; `topic` is the first.';
COMMENT ON COLUMN store.statements.confidence IS 'The stance classifier''s probability (1.0 where a rule alone decided).';
