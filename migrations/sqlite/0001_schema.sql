-- shuangsui schema, SQLite. Kept in step with ../postgres/0001_schema.sql: same tables,
-- same columns, same append-only rules.

-- Settings fixed at `shuangsui init`: the log's origin and verifier key.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The hash-audited log: exact canonical bytes of every event, in order from 0.
CREATE TABLE log_entries (
    seq         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    leaf_hash   BLOB NOT NULL
);

-- Signed checkpoints (C2SP signed notes), one per tree size.
CREATE TABLE log_checkpoints (
    size      INTEGER PRIMARY KEY,
    note      TEXT NOT NULL,
    signed_at TEXT NOT NULL
);

-- Immutable directory snapshots: one row per import that changed a table.
CREATE TABLE snapshots (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('entities', 'officers', 'matters', 'recusals', 'history')),
    version        INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    row_count      INTEGER NOT NULL,
    source_name    TEXT NOT NULL,
    source_sha256  TEXT NOT NULL,
    encoding       TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    log_seq        INTEGER NOT NULL REFERENCES log_entries (seq),
    UNIQUE (kind, version)
);

CREATE TABLE entities (
    snapshot_id          INTEGER NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
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
) WITHOUT ROWID;

CREATE TABLE officers (
    snapshot_id      INTEGER NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    card_no          TEXT NOT NULL,
    name             TEXT NOT NULL,
    department       TEXT NOT NULL,
    district         TEXT NOT NULL,
    sectors          TEXT NOT NULL,
    card_valid_until TEXT NOT NULL,
    status           TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, card_no)
) WITHOUT ROWID;

CREATE TABLE matters (
    snapshot_id     INTEGER NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    sector          TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    inspecting_body TEXT NOT NULL,
    content         TEXT NOT NULL,
    method          TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, code)
) WITHOUT ROWID;

CREATE TABLE recusals (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    card_no     TEXT NOT NULL,
    uscc        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, card_no, uscc)
) WITHOUT ROWID;

CREATE TABLE history (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    position    INTEGER NOT NULL,
    uscc        TEXT NOT NULL,
    matter_code TEXT NOT NULL,
    date        TEXT NOT NULL,
    officers    TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;

-- Inspection batches. The one mutable table: its state moves forward, and every move is a
-- log entry.
CREATE TABLE batches (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'committed', 'drawn', 'results', 'published', 'withdrawn')),
    plan_toml          TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    commitment_hash    TEXT,
    commitment_header  BLOB,
    entities_snapshot  INTEGER REFERENCES snapshots (id),
    officers_snapshot  INTEGER REFERENCES snapshots (id),
    matters_snapshot   INTEGER REFERENCES snapshots (id),
    recusals_snapshot  INTEGER REFERENCES snapshots (id),
    history_snapshot   INTEGER REFERENCES snapshots (id),
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
    position    INTEGER NOT NULL,
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
    id           INTEGER PRIMARY KEY,
    batch_id     TEXT NOT NULL REFERENCES batches (id),
    uscc         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    codes        TEXT NOT NULL,
    note         TEXT NOT NULL,
    inspected_on TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    corrects     INTEGER REFERENCES results (id),
    log_seq      INTEGER NOT NULL REFERENCES log_entries (seq)
);
CREATE INDEX results_by_batch ON results (batch_id, uscc);

-- Append-only tables refuse UPDATE and DELETE (defence in depth; `log verify` is the proof).
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log_entries is append-only: UPDATE refused'); END;
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log_entries is append-only: DELETE refused'); END;
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'log_checkpoints is append-only: UPDATE refused'); END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'log_checkpoints is append-only: DELETE refused'); END;
CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots are immutable: UPDATE refused'); END;
CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots are immutable: DELETE refused'); END;
CREATE TRIGGER results_no_update BEFORE UPDATE ON results
BEGIN SELECT RAISE(ABORT, 'results are append-only (record a correction): UPDATE refused'); END;
CREATE TRIGGER results_no_delete BEFORE DELETE ON results
BEGIN SELECT RAISE(ABORT, 'results are append-only (record a correction): DELETE refused'); END;
CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta
BEGIN SELECT RAISE(ABORT, 'meta is fixed at init: UPDATE refused'); END;
CREATE TRIGGER entities_no_update BEFORE UPDATE ON entities
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: UPDATE refused'); END;
CREATE TRIGGER entities_no_delete BEFORE DELETE ON entities
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: DELETE refused'); END;
CREATE TRIGGER officers_no_update BEFORE UPDATE ON officers
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: UPDATE refused'); END;
CREATE TRIGGER officers_no_delete BEFORE DELETE ON officers
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: DELETE refused'); END;
CREATE TRIGGER matters_no_update BEFORE UPDATE ON matters
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: UPDATE refused'); END;
CREATE TRIGGER matters_no_delete BEFORE DELETE ON matters
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: DELETE refused'); END;
CREATE TRIGGER recusals_no_update BEFORE UPDATE ON recusals
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: UPDATE refused'); END;
CREATE TRIGGER recusals_no_delete BEFORE DELETE ON recusals
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: DELETE refused'); END;
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: UPDATE refused'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'snapshot rows are immutable: DELETE refused'); END;
