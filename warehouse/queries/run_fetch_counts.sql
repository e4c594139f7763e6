-- run_fetch_counts.sql — feeds by fetch status in one run. $1 run_id
SELECT status, count(*) AS n FROM store.feed_fetches WHERE run_id = $1 GROUP BY status;
