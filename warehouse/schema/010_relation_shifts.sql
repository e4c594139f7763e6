-- 010_relation_shifts.sql — changes in the tone of a pair's relations, across all topics.
--
-- A pair (actor, target) has a daily net stance over every statement the
-- actor made towards the target that day, whatever the topic (view
-- `relation_records`); its tone is warm, mixed or cold. A relation shift is
-- the tone changing under the same rules as a key's stance (domain/shifts.py),
-- stored once like store.shifts. They are shown in the report, not mailed.
CREATE TABLE IF NOT EXISTS store.relation_shifts (
    shift_id               VARCHAR PRIMARY KEY,  -- sha256(actor, target, '*', new_on, previous tone, new tone)[:24]
    actor                  VARCHAR NOT NULL,
    target                 VARCHAR NOT NULL,
    previous_stance        VARCHAR NOT NULL,     -- the previous tone: warm | mixed | cold
    new_stance             VARCHAR NOT NULL,     -- the new tone
    previous_on            DATE NOT NULL,        -- last day the previous tone was recorded
    new_on                 DATE NOT NULL,        -- first day of the new tone
    previous_net           DOUBLE,               -- net stance on previous_on, in [-1, 1]
    new_net                DOUBLE,               -- net stance on new_on
    kind                   VARCHAR NOT NULL,     -- 'relations warming' | 'relations cooling'
    severity               VARCHAR NOT NULL,     -- high between warm and cold, else medium
    corroboration          VARCHAR,              -- what confirmed it when it had to wait, NULL if it did not
    reason                 VARCHAR NOT NULL,
    previous_statement_ids VARCHAR[] NOT NULL,
    new_statement_ids      VARCHAR[] NOT NULL,
    detector_version       VARCHAR NOT NULL,
    detected_run_id        VARCHAR NOT NULL
);
COMMENT ON TABLE store.relation_shifts IS 'Every change in the tone of a pair''s relations (warming or cooling across all topics), once, with the statements on both sides.';
