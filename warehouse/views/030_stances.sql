-- 030_stances.sql — stance records, timelines and shifts (shared/docs/statements.md, "Timelines and shifts").
--
-- A key is (actor, target, topic); target and topic are '' when absent.

-- Severities in rising order, the same order as SEVERITY_RANK in domain/shifts.py (a test
-- compares them): ORDER BY severity_rank(severity) DESC puts the most severe first.
CREATE OR REPLACE MACRO severity_rank(s) AS CASE s WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 END;

-- One record per key per day: the day's prevailing stance, with all its evidence.
-- This is the contract's rule, written in Python as domain/shifts.py
-- `prevailing_stance` (a test feeds both the same statements):
-- hypothetical statements neither set nor change a stance; a statement
-- counts on every topic it lists (`statement_keys`); each weighs its
-- confidence (1.0 for a rule's reading). An assessment outweighs the demands
-- that accompany it: the stance with the largest weight of assessments
-- prevails, then the largest weight of all statements, then the stronger
-- stance (oppose > concern > support).
-- `evidence` lists every counted statement of the day with its stance, basis,
-- confidence and flags: the shift rules read it to tell a decisive change from
-- one doubtful sentence.
-- Example: SELECT * FROM stance_records WHERE actor = 'CHN' AND topic = 'trade' ORDER BY day;
CREATE OR REPLACE VIEW stance_records AS
WITH s AS (
    SELECT actor, target, topic, stated_on AS day, stance, coalesce(basis, 'assessment') AS basis,
           confidence, flags, statement_id, url, source, speaker, sentence, detector_version
    FROM statement_keys
    WHERE NOT list_contains(flags, 'hypothetical')
),
tally AS (
    SELECT actor, target, topic, day, stance,
           round(coalesce(sum(confidence) FILTER (WHERE basis = 'assessment'), 0), 6) AS assessments,
           round(sum(confidence), 6) AS mentions
    FROM s GROUP BY ALL
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY actor, target, topic, day
        ORDER BY assessments DESC, mentions DESC,
                 CASE stance WHEN 'oppose' THEN 0 WHEN 'concern' THEN 1 ELSE 2 END) AS rk
    FROM tally
)
SELECT r.actor, r.target, r.topic, r.day, r.stance,
       list(s.statement_id ORDER BY s.statement_id) FILTER (WHERE s.stance = r.stance) AS statement_ids,
       list(DISTINCT s.url) FILTER (WHERE s.stance = r.stance) AS urls,
       list(DISTINCT s.source) FILTER (WHERE s.stance = r.stance) AS sources,
       list(DISTINCT s.speaker) FILTER (WHERE s.stance = r.stance AND s.speaker IS NOT NULL) AS speakers,
       count(DISTINCT s.source) FILTER (WHERE s.stance = r.stance) AS n_sources,
       count(*) AS n_statements,
       list(DISTINCT s.stance) AS stances_seen,
       list({'statement_id': s.statement_id, 'stance': s.stance, 'basis': s.basis,
             'confidence': s.confidence, 'flags': s.flags} ORDER BY s.statement_id) AS evidence,
       min(s.detector_version) AS detector_version
FROM ranked r
JOIN s USING (actor, target, topic, day)
WHERE r.rk = 1
GROUP BY r.actor, r.target, r.topic, r.day, r.stance;
COMMENT ON VIEW stance_records IS 'One record per (actor, target, topic, day): the prevailing stance (assessments over demands, weighted by confidence; every topic of a statement counts) and all its evidence (statement ids, urls, sources, speakers, and each statement''s stance, basis, confidence and flags). Hypothetical statements are left out.';

-- Each key's records in date order, with the previous record's stance and date.
-- Example: SELECT day, stance, previous_stance FROM stance_timeline
--          WHERE actor = 'CHN' AND target = 'USA' AND topic = 'trade' ORDER BY day;
CREATE OR REPLACE VIEW stance_timeline AS
SELECT actor, target, topic, day, stance,
       lag(stance) OVER w AS previous_stance,
       lag(day) OVER w AS previous_day,
       stance IS DISTINCT FROM lag(stance) OVER w AND lag(stance) OVER w IS NOT NULL AS changed,
       n_sources, n_statements, statement_ids, urls, sources, speakers
FROM stance_records
WINDOW w AS (PARTITION BY actor, target, topic ORDER BY day);
COMMENT ON VIEW stance_timeline IS 'Per key, in date order: the day''s stance and the previous record''s stance and day (changed = a candidate shift before corroboration rules).';

-- The shifts found (and alerted), with both sides' quotes and links.
-- Example: SELECT new_on, actor, target, topic, previous_stance, new_stance, severity, reason
--          FROM stance_shifts ORDER BY new_on DESC;
CREATE OR REPLACE VIEW stance_shifts AS
SELECT sh.shift_id, sh.actor, sh.target, sh.topic, sh.previous_stance, sh.new_stance,
       sh.previous_on, sh.new_on, sh.kind, sh.severity, sh.corroboration, sh.reason,
       sh.previous_statement_ids, sh.new_statement_ids,
       (SELECT list(st.sentence ORDER BY st.statement_id) FROM store.statements st
         WHERE list_contains(sh.previous_statement_ids, st.statement_id)) AS previous_quotes,
       (SELECT list(st.sentence ORDER BY st.statement_id) FROM store.statements st
         WHERE list_contains(sh.new_statement_ids, st.statement_id)) AS new_quotes,
       (SELECT list(DISTINCT a.url) FROM store.statements st JOIN store.articles a USING (article_id)
         WHERE list_contains(sh.previous_statement_ids, st.statement_id)) AS previous_urls,
       (SELECT list(DISTINCT a.url) FROM store.statements st JOIN store.articles a USING (article_id)
         WHERE list_contains(sh.new_statement_ids, st.statement_id)) AS new_urls,
       sh.detector_version, sh.detected_run_id
FROM store.shifts sh;
COMMENT ON VIEW stance_shifts IS 'Stance shifts: key, previous and new stance with dates, severity, why it counts, and the quotes and urls on both sides.';

-- The alert outbox, readable.
CREATE OR REPLACE VIEW alerts AS
SELECT al.alert_id, al.recipient, al.channel, al.status, al.attempts, al.last_error, al.sent_at,
       al.queued_run_id, al.sent_run_id, sh.actor, sh.target, sh.topic, sh.previous_stance, sh.new_stance,
       sh.new_on, sh.severity
FROM store.alerts al JOIN store.shifts sh USING (shift_id);
COMMENT ON VIEW alerts IS 'Alert emails per recipient and shift: queued, sent or failed (with the server''s answer).';

-- A key's history for an actor and topic: stance_history('CHN', 'sanctions').
CREATE OR REPLACE MACRO stance_history(a, t) AS TABLE
    SELECT day, actor, target, topic, stance, previous_stance, changed, n_sources, speakers, urls
    FROM stance_timeline WHERE actor = a AND topic = t ORDER BY target, day;

-- Every shift of one actor: shifts_of('CHN').
CREATE OR REPLACE MACRO shifts_of(a) AS TABLE
    SELECT new_on, target, topic, previous_stance, new_stance, severity, reason
    FROM stance_shifts WHERE actor = a ORDER BY new_on;

-- The statements behind a shift: shift_evidence('<shift_id>').
CREATE OR REPLACE MACRO shift_evidence(id) AS TABLE
    SELECT CASE WHEN list_contains(sh.new_statement_ids, s.statement_id) THEN 'new' ELSE 'previous' END AS side,
           s.stated_on, s.speaker, s.stance, s.sentence, s.url, s.source
    FROM store.shifts sh, statements s
    WHERE sh.shift_id = id
      AND (list_contains(sh.new_statement_ids, s.statement_id) OR list_contains(sh.previous_statement_ids, s.statement_id))
    ORDER BY side DESC, s.stated_on;
