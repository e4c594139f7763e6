-- run_article_counts.sql — articles stored or attempted in one run, by status. $1 run_id
SELECT status, count(*) AS n FROM store.articles WHERE run_id = $1 GROUP BY status;
