-- The request id of a follow-up's measure, PostgreSQL. Kept in step with
-- ../sqlite/0013_measure_requests.sql.

-- As a result's (0003): the client's idempotency key (the console's form carries one per
-- page, the API's Idempotency-Key header): a second post of the same form, or a retry, returns
-- the measure recorded first instead of recording another. Scoped to the target and the
-- recording corps user, logged in the measure's entry (`request`), NULL for measures
-- recorded without one (NULLs never collide).
ALTER TABLE followup_measures ADD COLUMN request_id TEXT NULL;
CREATE UNIQUE INDEX followup_measures_by_request
    ON followup_measures (batch_id, uscc, recorded_by, request_id);
