-- run_fetch_counts.sql — source fetches by status in some runs (one run, or every run of a night).
-- $1 run_ids (VARCHAR[])
SELECT status, count(*) AS n FROM store.feed_fetches WHERE run_id IN (SELECT unnest($1)) GROUP BY status;
