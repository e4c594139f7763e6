-- 007_detection_errors.sql — an article the detector could not read is marked, not retried forever.
--
-- When a batch fails, the flow reads its articles one by one; one that still
-- fails gets a detections row with the error (and no statements), so it can
-- neither block its batch-mates night after night nor vanish silently. A new
-- detector version (reprocess) tries it again.
ALTER TABLE store.detections ADD COLUMN IF NOT EXISTS error VARCHAR;
COMMENT ON COLUMN store.detections.error IS 'Why the detector could not read this article (NULL when it could).';
