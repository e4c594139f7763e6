-- 006_shifts.sql — stance shifts found, and the alert outbox.
--
-- A shift is stored once (shift_id is derived from what shifted and when), in
-- the same transaction as the alerts it queues, so a crash can lose neither.
CREATE TABLE IF NOT EXISTS store.shifts (
    shift_id              VARCHAR PRIMARY KEY,  -- sha256(actor, target, topic, new_on, previous_stance, new_stance)[:24]
    actor                 VARCHAR NOT NULL,
    target                VARCHAR NOT NULL,     -- '' when the position is about a topic only
    topic                 VARCHAR NOT NULL,     -- '' when none
    previous_stance       VARCHAR NOT NULL,
    new_stance            VARCHAR NOT NULL,
    previous_on           DATE NOT NULL,        -- last day the previous stance was recorded
    new_on                DATE NOT NULL,        -- first day of the new stance
    kind                  VARCHAR NOT NULL,     -- reversal | escalation | softening | warming | cooling
    severity              VARCHAR NOT NULL,     -- low | medium | high (from configuration)
    corroboration         VARCHAR,              -- what confirmed a low-severity shift ('2 sources', '2 days'), NULL if not needed
    reason                VARCHAR NOT NULL,     -- why it counts as a shift, in words
    previous_statement_ids VARCHAR[] NOT NULL,
    new_statement_ids     VARCHAR[] NOT NULL,
    detector_version      VARCHAR NOT NULL,
    detected_run_id       VARCHAR NOT NULL      -- the night it was first seen (and alerted)
);
COMMENT ON TABLE store.shifts IS 'Every stance shift found, once, with the statements on both sides.';

-- One row per alert to send: a shift for a recipient on a channel.
-- 'queued' until the SMTP server accepted it; a rerun never sends a 'sent' row.
CREATE TABLE IF NOT EXISTS store.alerts (
    alert_id       VARCHAR PRIMARY KEY,  -- sha256(shift_id, recipient, channel)[:24]
    shift_id       VARCHAR NOT NULL,
    recipient      VARCHAR NOT NULL,
    channel        VARCHAR NOT NULL,     -- 'digest' (the night's email) | 'immediate' (one email per severe shift)
    status         VARCHAR NOT NULL,     -- 'queued' | 'sent' | 'failed'
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     VARCHAR,              -- the SMTP server's answer or the connection error
    message_id     VARCHAR,              -- Message-ID of the email that carried it
    queued_run_id  VARCHAR NOT NULL,
    sent_run_id    VARCHAR,
    sent_at        TIMESTAMPTZ
);
COMMENT ON TABLE store.alerts IS 'The alert outbox: each shift for each subscribed recipient, queued until the mail server accepts it.';
