-- shuangsui schema, PostgreSQL. Kept in step with ../sqlite/0001_schema.sql: same tables,
-- same columns, same append-only rules.

-- Settings fixed at `shuangsui init`: the log's origin and verifier key.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The hash-audited log: exact canonical bytes of every event, in order from 0.
CREATE TABLE log_entries (
    seq         BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    bytes       BYTEA NOT NULL,
    leaf_hash   BYTEA NOT NULL
);

-- Signed checkpoints (C2SP signed notes), one per tree size.
CREATE TABLE log_checkpoints (
    size      BIGINT PRIMARY KEY,
    note      TEXT NOT NULL,
    signed_at TEXT NOT NULL
);

-- Immutable directory snapshots: one row per import that changed a table.
CREATE TABLE snapshots (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('entities', 'officers', 'matters', 'recusals', 'history')),
    version        BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    row_count      BIGINT NOT NULL,
    source_name    TEXT NOT NULL,
    source_sha256  TEXT NOT NULL,
    encoding       TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    log_seq        BIGINT NOT NULL REFERENCES log_entries (seq),
    UNIQUE (kind, version)
);

CREATE TABLE entities (
    snapshot_id          BIGINT NOT NULL REFERENCES snapshots (id),
    uscc                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    sector               TEXT NOT NULL,
    entity_type          TEXT NOT NULL,
    district             TEXT NOT NULL,
    address              TEXT NOT NULL,
    credit_grade         TEXT NOT NULL,
    status               TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    contact              TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, uscc)
);

CREATE TABLE officers (
    snapshot_id      BIGINT NOT NULL REFERENCES snapshots (id),
    card_no          TEXT NOT NULL,
    name             TEXT NOT NULL,
    department       TEXT NOT NULL,
    district         TEXT NOT NULL,
    sectors          TEXT NOT NULL,
    card_valid_until TEXT NOT NULL,
    status           TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, card_no)
);

CREATE TABLE matters (
    snapshot_id     BIGINT NOT NULL REFERENCES snapshots (id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    sector          TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    inspecting_body TEXT NOT NULL,
    content         TEXT NOT NULL,
    methods         TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, code)
);

CREATE TABLE recusals (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    card_no     TEXT NOT NULL,
    uscc        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, card_no, uscc)
);

CREATE TABLE history (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    position    BIGINT NOT NULL,
    uscc        TEXT NOT NULL,
    matter_code TEXT NOT NULL,
    date        TEXT NOT NULL,
    officers    TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
);

-- Inspection batches. The one mutable table: its state moves forward, and every move is a
-- log entry.
CREATE TABLE batches (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'committed', 'drawn', 'results', 'published', 'withdrawn')),
    plan_toml          TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    commitment_hash    TEXT,
    commitment_header  BYTEA,
    entities_snapshot  BIGINT REFERENCES snapshots (id),
    officers_snapshot  BIGINT REFERENCES snapshots (id),
    matters_snapshot   BIGINT REFERENCES snapshots (id),
    recusals_snapshot  BIGINT REFERENCES snapshots (id),
    history_snapshot   BIGINT REFERENCES snapshots (id),
    committed_at       TEXT,
    seed               TEXT,
    entropy_json       TEXT,
    bundle_sha256      TEXT,
    drawn_at           TEXT,
    published_at       TEXT,
    withdrawn_at       TEXT,
    withdraw_reason    TEXT
);

-- The targets of a drawn batch, in bundle order, with their teams (card numbers, ';').
CREATE TABLE assignments (
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    position    BIGINT NOT NULL,
    stratum     TEXT NOT NULL,
    uscc        TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    district    TEXT NOT NULL,
    grade       TEXT NOT NULL,
    team        TEXT NOT NULL,
    PRIMARY KEY (batch_id, position)
);
CREATE INDEX assignments_by_uscc ON assignments (uscc);

-- Inspection results; a correction is a new row naming the row it corrects.
CREATE TABLE results (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id     TEXT NOT NULL REFERENCES batches (id),
    uscc         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    codes        TEXT NOT NULL,
    note         TEXT NOT NULL,
    inspected_on TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    corrects     BIGINT REFERENCES results (id),
    log_seq      BIGINT NOT NULL REFERENCES log_entries (seq)
);
CREATE INDEX results_by_batch ON results (batch_id, uscc);

-- Append-only tables refuse UPDATE, DELETE and TRUNCATE (defence in depth; `log verify` is
-- the proof).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER snapshots_append_only BEFORE UPDATE OR DELETE ON snapshots FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER snapshots_no_truncate BEFORE TRUNCATE ON snapshots FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER results_append_only BEFORE UPDATE OR DELETE ON results FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER results_no_truncate BEFORE TRUNCATE ON results FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER meta_append_only BEFORE UPDATE ON meta FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON meta FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER entities_append_only BEFORE UPDATE OR DELETE ON entities FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER entities_no_truncate BEFORE TRUNCATE ON entities FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER officers_append_only BEFORE UPDATE OR DELETE ON officers FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER officers_no_truncate BEFORE TRUNCATE ON officers FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER matters_append_only BEFORE UPDATE OR DELETE ON matters FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER matters_no_truncate BEFORE TRUNCATE ON matters FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recusals_append_only BEFORE UPDATE OR DELETE ON recusals FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER recusals_no_truncate BEFORE TRUNCATE ON recusals FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
