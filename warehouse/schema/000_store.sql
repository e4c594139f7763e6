-- 000_store.sql — where the tables live.
--
-- Tables live in the schema `store`; analysts query the views in `main`
-- (articles, statements, stance_timeline, ...), which are documented with
-- COMMENT ON and re-created whenever their files change, so a view can change
-- without a migration. Files in this folder run once each, in name order, and
-- are recorded in store.schema_migrations (with the views' fingerprint,
-- 'views@<hash>').
CREATE SCHEMA IF NOT EXISTS store;
CREATE TABLE IF NOT EXISTS store.schema_migrations (
    name        VARCHAR PRIMARY KEY,   -- file name, e.g. '004_articles.sql'
    applied_at  TIMESTAMPTZ NOT NULL
);
