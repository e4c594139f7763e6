-- 020_statements.sql — the statements analysts read.

-- Each article's statements from the detector version that read it last,
-- with where and when they were made. `stated_on` is the date the text gives
-- ("said on Feb 26"), else the article's date, else the day it was fetched;
-- `date_basis` says which.
-- Example: SELECT stated_on, actor, stance, target, topic, speaker, sentence
--          FROM statements WHERE actor = 'CHN' AND topic = 'sanctions' ORDER BY stated_on;
CREATE OR REPLACE VIEW statements AS
WITH current_version AS (
    SELECT article_id, arg_max(detector_version, processed_at) AS detector_version
    FROM store.detections GROUP BY article_id
)
SELECT st.statement_id,
       st.actor, st.speaker, st.speaker_role, st.stance, st.target, st.topic, st.flags, st.basis,
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
COMMENT ON VIEW statements IS 'Current statements (newest detector version per article): actor, speaker, stance, target, topic, flags, the sentence and cue, the date and the source link.';
