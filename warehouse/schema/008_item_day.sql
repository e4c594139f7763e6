-- 008_item_day.sql — the day a feed item was published, in the publisher's own timezone.
--
-- `published` is an instant (stored in UTC); a Beijing briefing dated
-- 00:00 +0800 is the previous day in UTC. Statement dates fall back to the
-- article's day, so the day is kept as the feed wrote it.
ALTER TABLE store.feed_items ADD COLUMN IF NOT EXISTS published_day DATE;
UPDATE store.feed_items SET published_day = CAST(published AS DATE) WHERE published_day IS NULL;
COMMENT ON COLUMN store.feed_items.published_day IS 'The item''s date in the offset the feed gave (the publisher''s day).';
