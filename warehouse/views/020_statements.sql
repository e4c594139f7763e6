-- 020_statements.sql — the statements analysts read.

-- Each article's statements from the detector version that read it last,
-- with where and when they were made. `stated_on` is the date the text gives
-- ("said on Feb 26"), else the article's date, else the day it was fetched;
-- `date_basis` says which.
-- A position can be about several topics at once ("constructive trade talks":
-- trade and dialogue). `topics` lists every one (`topic` is the first, kept
-- for old queries), and the statement counts on the timeline of every
-- (actor, target, topic) key it names: `statement_keys` has one row per
-- statement and key, and `stance_records` is built from it. `confidence` is
-- the stance classifier's probability (1.0 where a rule alone decided); a
-- doubtful reading weighs less in a day's stance and cannot alone move a
-- steady one (README "Shifts and alerts").
-- Example: SELECT stated_on, actor, stance, target, topic, speaker, sentence
--          FROM statements WHERE actor = 'CHN' AND topic = 'sanctions' ORDER BY stated_on;
CREATE OR REPLACE VIEW statements AS
WITH current_version AS (
    SELECT article_id, arg_max(detector_version, processed_at) AS detector_version
    FROM store.detections GROUP BY article_id
)
SELECT st.statement_id,
       st.actor, st.speaker, st.speaker_role, st.stance, st.target, st.topic,
       coalesce(st.topics, CASE WHEN st.topic IS NULL THEN [] ELSE [st.topic] END) AS topics,
       coalesce(st.confidence, 1.0) AS confidence, st.flags, st.basis,
       coalesce(st.stated_on, a.published, CAST(a.fetched_at AS DATE)) AS stated_on,
       CASE WHEN st.stated_on IS NOT NULL THEN 'text'
            WHEN a.published IS NOT NULL THEN 'article' ELSE 'fetched' END AS date_basis,
       st.sentence, st.cue,
       st.article_id, a.url, a.title, src.name AS source, src.country AS source_country,
       st.unit_seq, u.kind AS unit_kind,
       st.detector_version, st.run_id
FROM store.statements st
JOIN current_version cv USING (article_id, detector_version)
JOIN store.articles a USING (article_id)
JOIN store.sources src ON src.source_id = a.source_id
LEFT JOIN store.article_units u ON u.article_id = st.article_id AND u.seq = st.unit_seq;
COMMENT ON VIEW statements IS 'Current statements (newest detector version per article): actor, speaker, stance, target, topic and every topic (topics), confidence, flags, the sentence and cue, the date and the source link. A statement counts on the timeline of every topic it lists (see statement_keys).';

-- One row per current statement and timeline key: a statement with several
-- topics is on the (actor, target, topic) key of each; one without a topic is
-- on the key with topic ''. A missing target is ''. This is what makes "the
-- trade talks made progress" (trade, dialogue) meet "we oppose the tariffs"
-- (trade) on the same `trade` timeline.
-- Example: SELECT stated_on, stance, topics, sentence FROM statement_keys
--          WHERE actor = 'CHN' AND target = 'USA' AND topic = 'trade' ORDER BY stated_on;
CREATE OR REPLACE VIEW statement_keys AS
SELECT actor, coalesce(target, '') AS target, key_topic AS topic, stated_on, stance, basis, confidence, flags,
       topics, statement_id, url, source, speaker, sentence, detector_version, run_id
FROM (
    SELECT *, unnest(CASE WHEN len(topics) = 0 THEN [''] ELSE list_distinct(topics) END) AS key_topic FROM statements
);
COMMENT ON VIEW statement_keys IS 'One row per current statement and (actor, target, topic) key it counts on: a statement with several topics is on each topic''s timeline; target and topic are '''' when absent.';
