-- shift_evidence.sql — the statements on both sides of some shifts, for the alert emails and the report.
-- Statements come from store.statements, not the view: a shift may cite an older detector version.
-- $1 list of shift_ids
SELECT sh.shift_id,
       CASE WHEN list_contains(sh.new_statement_ids, st.statement_id) THEN 'new' ELSE 'previous' END AS side,
       st.statement_id, st.sentence, st.speaker, st.speaker_role, st.stance,
       coalesce(st.stated_on, a.published, CAST(a.fetched_at AS DATE)) AS stated_on,
       a.url, a.title, src.name AS source
FROM store.shifts sh
JOIN store.statements st
  ON list_contains(sh.new_statement_ids, st.statement_id) OR list_contains(sh.previous_statement_ids, st.statement_id)
JOIN store.articles a USING (article_id)
JOIN store.sources src ON src.source_id = a.source_id
WHERE sh.shift_id IN (SELECT unnest(CAST($1 AS VARCHAR[])))
ORDER BY sh.shift_id, side DESC, stated_on, st.statement_id;
