-- 035_relations.sql — relations: how an actor talks about a target across all topics.
--
-- Analysts ask "how is China talking about the US this month?" before they
-- ask about a topic. A pair is (actor, target) with a target named; its day
-- counts every current, non-hypothetical statement the actor made towards
-- the target, once however many topics it lists.

-- One record per pair and day: the net stance, (support − oppose) / all
-- statements, each weighted by its confidence, concern counting 0 (between
-- the two), in [-1, 1]; its tone (warm above 1/3, cold below −1/3, mixed
-- between: domain/shifts.py `net_stance` and `tone`, compared by a test);
-- the counts per stance, the topics touched, and the evidence.
-- Example: SELECT day, net, tone, n_support, n_concern, n_oppose, topics FROM relation_records
--          WHERE actor = 'CHN' AND target = 'USA' ORDER BY day;
CREATE OR REPLACE VIEW relation_records AS
WITH s AS (
    SELECT actor, target, stated_on AS day, stance, coalesce(basis, 'assessment') AS basis, confidence, flags,
           topics, statement_id, url, source, speaker, detector_version
    FROM statements
    WHERE target IS NOT NULL AND target <> '' AND NOT list_contains(flags, 'hypothetical')
),
day AS (
    SELECT actor, target, day,
           round((coalesce(sum(confidence) FILTER (WHERE stance = 'support'), 0)
                  - coalesce(sum(confidence) FILTER (WHERE stance = 'oppose'), 0)) / sum(confidence), 6) AS net,
           count(*) FILTER (WHERE stance = 'support') AS n_support,
           count(*) FILTER (WHERE stance = 'concern') AS n_concern,
           count(*) FILTER (WHERE stance = 'oppose') AS n_oppose,
           count(*) AS n_statements,
           list_sort(list_distinct(flatten(list(topics)))) AS topics,
           list(statement_id ORDER BY statement_id) AS statement_ids,
           list(DISTINCT url) AS urls,
           list(DISTINCT source) AS sources,
           count(DISTINCT source) AS n_sources,
           list(DISTINCT speaker) FILTER (WHERE speaker IS NOT NULL) AS speakers,
           list({'statement_id': statement_id, 'stance': stance, 'basis': basis,
                 'confidence': confidence, 'flags': flags} ORDER BY statement_id) AS evidence,
           min(detector_version) AS detector_version
    FROM s
    GROUP BY actor, target, day
)
SELECT *, CASE WHEN net > 1.0 / 3 THEN 'warm' WHEN net < -1.0 / 3 THEN 'cold' ELSE 'mixed' END AS tone
FROM day;
COMMENT ON VIEW relation_records IS 'One record per (actor, target, day) across all topics: net stance = (support - oppose) / all statements, confidence-weighted, concern counting 0, in [-1, 1]; tone warm (> 1/3), mixed or cold (< -1/3); counts per stance, topics, statement ids, sources and evidence.';

-- Each pair's records in date order with the previous day's net and tone:
-- the relation's timeline. `tone_changed` marks a candidate relation shift
-- before the corroboration rules (the stored ones are in `relation_shifts`).
-- Example: SELECT day, net, tone, previous_tone FROM relations WHERE actor = 'CHN' AND target = 'USA' ORDER BY day;
CREATE OR REPLACE VIEW relations AS
SELECT actor, target, day, net, tone,
       lag(net) OVER w AS previous_net,
       lag(tone) OVER w AS previous_tone,
       lag(day) OVER w AS previous_day,
       tone IS DISTINCT FROM lag(tone) OVER w AND lag(tone) OVER w IS NOT NULL AS tone_changed,
       avg(net) OVER (PARTITION BY actor, target ORDER BY day RANGE BETWEEN INTERVAL 29 DAYS PRECEDING AND CURRENT ROW)
           AS net_30d,
       n_support, n_concern, n_oppose, n_statements, n_sources, topics, statement_ids, urls, sources, speakers
FROM relation_records
WINDOW w AS (PARTITION BY actor, target ORDER BY day);
COMMENT ON VIEW relations IS 'Per (actor, target) pair, in date order: the day''s net stance across all topics and its tone, the previous record''s net and tone, the 30-day average net, and the counts, topics and evidence.';

-- Relation shifts found: the tone of a pair moving (relations warming / cooling),
-- with both sides' net stance, quotes and links.
-- Example: SELECT new_on, actor, target, previous_tone, new_tone, kind, reason FROM relation_shifts ORDER BY new_on DESC;
CREATE OR REPLACE VIEW relation_shifts AS
SELECT sh.shift_id, sh.actor, sh.target, sh.previous_stance AS previous_tone, sh.new_stance AS new_tone,
       sh.previous_on, sh.new_on, sh.previous_net, sh.new_net, sh.kind, sh.severity, sh.corroboration, sh.reason,
       sh.previous_statement_ids, sh.new_statement_ids,
       (SELECT list(st.sentence ORDER BY st.statement_id) FROM store.statements st
         WHERE list_contains(sh.previous_statement_ids, st.statement_id)) AS previous_quotes,
       (SELECT list(st.sentence ORDER BY st.statement_id) FROM store.statements st
         WHERE list_contains(sh.new_statement_ids, st.statement_id)) AS new_quotes,
       (SELECT list(DISTINCT a.url) FROM store.statements st JOIN store.articles a USING (article_id)
         WHERE list_contains(sh.new_statement_ids, st.statement_id)) AS new_urls,
       sh.detector_version, sh.detected_run_id
FROM store.relation_shifts sh;
COMMENT ON VIEW relation_shifts IS 'Changes in the tone of a pair''s relations across all topics (relations warming / cooling): previous and new tone and net stance with dates, severity, why, and the quotes on both sides.';
