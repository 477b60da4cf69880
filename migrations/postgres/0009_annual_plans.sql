-- The annual plan (年度抽查计划), PostgreSQL. Kept in step with ../sqlite/0009_annual_plans.sql.

-- One row per `annual_plan.published` entry: a department's plan for a calendar year, in
-- its version (1, 2, … per plan id; the newest is the plan in force). `batches` and
-- `floors` are the entry's lists as canonical JSON text.
CREATE TABLE annual_plans (
    log_seq      BIGINT PRIMARY KEY REFERENCES log_entries (seq),
    plan_id      TEXT NOT NULL,
    version      BIGINT NOT NULL CHECK (version >= 1),
    department   TEXT NOT NULL,
    year         BIGINT NOT NULL,
    title        TEXT NOT NULL,
    basis        TEXT NOT NULL,
    batches      TEXT NOT NULL,
    floors       TEXT NOT NULL,
    published_at TEXT NOT NULL,
    UNIQUE (plan_id, version)
);
CREATE INDEX annual_plans_by_year ON annual_plans (year);

-- Append-only: UPDATE, DELETE and TRUNCATE refused (defence in depth; `log verify` is the
-- proof). A plan is amended by a new version, never changed in place.
CREATE TRIGGER annual_plans_append_only BEFORE UPDATE OR DELETE ON annual_plans FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER annual_plans_no_truncate BEFORE TRUNCATE ON annual_plans FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
