-- The public log. Kept in step with ../sqlite/0005_public_log.sql.

-- The log is public; what an entry may not show yet (a draw's targets, a result) or ever
-- (a user's name) is sealed in it as a salted SHA-256, and the opening is kept here, beside
-- its entry (docs/LOG.md, "What is public"). `log verify` checks each against its seal.
ALTER TABLE log_entries ADD COLUMN opening TEXT;

-- Witnesses' cosignatures of the log's checkpoints (docs/LOG.md, "Witnesses"): the
-- witness's verifier key, the checkpoint size it cosigned, and its cosignature line.
-- `log verify` checks each line against that checkpoint and key.
CREATE TABLE witness_cosignatures (
    witness TEXT NOT NULL,
    size    BIGINT NOT NULL,
    line    TEXT NOT NULL,
    PRIMARY KEY (witness, size)
);
