-- The request id of a result, SQLite. Kept in step with ../postgres/0003_result_requests.sql.

-- A client's idempotency key (the API's Idempotency-Key header, the CLI's --request-id):
-- a retry with the same key returns the first result instead of adding one. The key is
-- scoped to the batch and the recording officer, logged in the result's entry
-- (`request`), and NULL for results recorded without one (NULLs never collide).
ALTER TABLE results ADD COLUMN request_id TEXT NULL;
CREATE UNIQUE INDEX results_by_request ON results (batch_id, recorded_by, request_id);
