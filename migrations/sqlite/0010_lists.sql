-- Lists (名录: 活动异常名录, 严重违法失信名单, 投诉举报, …), SQLite. Kept in step with
-- ../postgres/0010_lists.sql.

-- A sixth directory table, snapshotted like the others. SQLite cannot alter a CHECK
-- constraint, so the one on snapshots.kind is rewritten in the stored schema, as SQLite's
-- documentation describes for a change that leaves every stored row valid ("Making Other
-- Kinds Of Table Schema Changes"): it only admits one more value.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''recusals'', ''history'')', '''recusals'', ''history'', ''lists'')')
 WHERE type = 'table' AND name = 'snapshots';
PRAGMA writable_schema = RESET;

-- One row per entity on a list; the pair (uscc, list) is unique in a snapshot.
CREATE TABLE lists (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    uscc        TEXT NOT NULL,
    list        TEXT NOT NULL,
    listed_on   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, uscc, list)
) WITHOUT ROWID;

CREATE TRIGGER lists_no_update BEFORE UPDATE ON lists
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: UPDATE refused'); END;
CREATE TRIGGER lists_no_delete BEFORE DELETE ON lists
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: DELETE refused'); END;

-- The lists snapshot a batch was committed over (NULL: none had been imported, an empty
-- table; and for every batch committed before lists existed).
ALTER TABLE batches ADD COLUMN lists_snapshot INTEGER REFERENCES snapshots (id);
