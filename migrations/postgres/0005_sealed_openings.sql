-- The log is public; what an entry may not show yet (a draw's targets, a result) or ever
-- (a user's name) is sealed in it as a salted SHA-256, and the opening is kept here, beside
-- its entry (docs/LOG.md, "What is public"). `log verify` checks each against its seal.
-- Kept in step with ../sqlite/0005_sealed_openings.sql.
ALTER TABLE log_entries ADD COLUMN opening TEXT;
