-- 050_versions.sql — detector versions and what changed between them.

-- Each detector version that read articles: how many, how many statements, when.
-- Example: SELECT * FROM detector_versions ORDER BY last_used DESC;
CREATE OR REPLACE VIEW detector_versions AS
SELECT d.detector_version, count(*) AS articles, sum(d.statements) AS statements,
       count(d.error) AS unreadable,
       min(d.processed_at) AS first_used, max(d.processed_at) AS last_used
FROM store.detections d GROUP BY d.detector_version;
COMMENT ON VIEW detector_versions IS 'Detector versions (code + lexicon hash + mode), with the articles they read and statements they found.';

-- Statements one version found and the other did not, over the articles both read.
-- Example: SELECT change, actor, stance, target, topic, sentence
--          FROM statement_changes('0.1.0+lex.aaaa.rules', '0.1.0+lex.bbbb.rules');
CREATE OR REPLACE MACRO statement_changes(old_version, new_version) AS TABLE
WITH both_read AS (
    SELECT article_id FROM store.detections WHERE detector_version = old_version
    INTERSECT
    SELECT article_id FROM store.detections WHERE detector_version = new_version
),
o AS (
    SELECT article_id, unit_seq, actor, stance, coalesce(target, '') AS target, coalesce(topic, '') AS topic, sentence
    FROM store.statements WHERE detector_version = old_version AND article_id IN (SELECT article_id FROM both_read)
),
n AS (
    SELECT article_id, unit_seq, actor, stance, coalesce(target, '') AS target, coalesce(topic, '') AS topic, sentence
    FROM store.statements WHERE detector_version = new_version AND article_id IN (SELECT article_id FROM both_read)
)
SELECT 'removed' AS change, * FROM (SELECT * FROM o EXCEPT SELECT * FROM n)
UNION ALL
SELECT 'added' AS change, * FROM (SELECT * FROM n EXCEPT SELECT * FROM o)
ORDER BY article_id, unit_seq, change;
