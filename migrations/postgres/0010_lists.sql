-- Lists (名录: 活动异常名录, 严重违法失信名单, 投诉举报, …), PostgreSQL. Kept in step with
-- ../sqlite/0010_lists.sql.

-- A sixth directory table, snapshotted like the others.
ALTER TABLE snapshots DROP CONSTRAINT snapshots_kind_check;
ALTER TABLE snapshots ADD CONSTRAINT snapshots_kind_check
    CHECK (kind IN ('entities', 'officers', 'matters', 'recusals', 'history', 'lists'));

-- One row per entity on a list; the pair (uscc, list) is unique in a snapshot.
CREATE TABLE lists (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    uscc        TEXT NOT NULL,
    list        TEXT NOT NULL,
    listed_on   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, uscc, list)
);

CREATE TRIGGER lists_append_only BEFORE UPDATE OR DELETE ON lists FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER lists_no_truncate BEFORE TRUNCATE ON lists FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The lists snapshot a batch was committed over (NULL: none had been imported, an empty
-- table; and for every batch committed before lists existed).
ALTER TABLE batches ADD COLUMN lists_snapshot BIGINT REFERENCES snapshots (id);
