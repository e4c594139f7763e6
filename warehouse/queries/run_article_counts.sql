-- run_article_counts.sql — articles stored or attempted in some runs, by status. $1 run_ids (VARCHAR[])
-- An article retried in a later run counts in the run that tried it last.
SELECT status, count(*) AS n FROM store.articles WHERE run_id IN (SELECT unnest($1)) GROUP BY status;
