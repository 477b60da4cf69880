//! The tamper matrix: on a populated database (batches published, in progress, withdrawn
//! and draft; results with a correction, approved and returned; a follow-up's measure and
//! closure; a refused draw; users, one revoked; an annual plan in two versions), every
//! column of one row of every table the catalog lists is changed behind the
//! application's back (triggers dropped, checks and foreign keys off, as a superuser can), one row of every
//! table is deleted and one is inserted. `log verify` must fail each time, naming the
//! table. The tables and columns come from the database's catalog, so a column added later
//! without coverage makes this fail.

use shuangsui::projection::Cell;
use shuangsui::store::{Store, catalog};

use super::*;

/// Tables that hold no state of the product, and why they may go unchecked.
const EXEMPT: &[(&str, &str)] = &[
    (
        "_sqlx_migrations",
        "sqlx's record of which schema migrations ran: the schema, not the record",
    ),
    (
        "sessions",
        "console sessions: server memory of open cookies; sign-ins and sign-outs are entries, and a session opens only when its row names a signed-in entry that names it back, so a row written by hand opens nothing",
    ),
    (
        "totp_uses",
        "the newest one-time code taken per user and the wrong codes lately given: server memory of codes used and guesses limited; the secrets are entries",
    ),
];

/// Tables whose rows are evidence about the log rather than its record, so that deleting one
/// loses a proof but changes nothing the log says (and why that is enough): every other
/// change to them must still be named.
const DELETION_ALLOWED: &[(&str, &str)] = &[(
    "witness_cosignatures",
    "a witness's cosignature proves a checkpoint to readers who count cosignatures (verify --quorum, the monitor); deleting one only takes that proof away, and a row changed or added must verify under the witness's key",
)];

/// Everything the matrix needs rows of: each table populated.
async fn populate(app: &App) {
    // Published, with a correction.
    let published = drawn(app, "elderly-care").await;
    record_all(app, &published.id).await;
    let first = shuangsui::store::results::of_batch(&app.store, &published.id)
        .await
        .unwrap()[0]
        .clone();
    let codes: Vec<String> = ["2", "YL03", "E"].map(String::from).to_vec();
    // The correction fills its checklist: an item not compliant, its finding (kept beside
    // the result, never logged) and the measure taken.
    let list = shuangsui::domain::checklist::Book::shipped()
        .get("MZ-YL-01")
        .unwrap();
    let filled = vec![shuangsui::domain::checklist::Filled {
        matter: list.matter.clone(),
        items: list
            .items
            .iter()
            .map(|i| shuangsui::domain::checklist::FilledItem {
                item: i.id.clone(),
                answer: Some(if i.id == "04" { "不符合" } else { "符合" }.into()),
                finding: (i.id == "04").then(|| "收费标准未公示".into()),
                measure: (i.id == "04").then(|| "责令限期整改".into()),
            })
            .collect(),
    }];
    let correction = app::results::Report {
        batch: &published.id,
        uscc: &first.uscc,
        officer: &first.recorded_by,
        codes: &codes,
        note: "复核后更正：发现问题经责令已改正",
        inspected_on: today(),
        corrects: Some(first.id),
        request: Some("matrix-1"),
        checklist: &filled,
        asker: app::results::Asker::Corps,
    };
    app::results::record(app, &correction, today())
        .await
        .unwrap();
    approve_all(app, &published.id).await;
    app::batch::publish(app, &published.id).await.unwrap();
    // The finding followed up: a measure, then the closure (查处结果), public at once.
    let (corps, corps_token) = app::users::add(app, "总队一", app::users::Role::Corps, None)
        .await
        .unwrap();
    let m = app::followups::NewMeasure {
        batch: &published.id,
        uscc: &first.uscc,
        measure: "责令限期整改",
        due: today() + chrono::Days::new(10),
        note: "限期十日",
        by: corps.id,
        // A request id, so that its column holds a value to change.
        request: Some("tamper-matrix-1"),
    };
    app::followups::record_measure(app, &m).await.unwrap();
    let c = app::followups::NewClosure {
        batch: &published.id,
        uscc: &first.uscc,
        closed_on: today(),
        outcome: "已整改",
        text: "整改完毕",
        by: corps.id,
    };
    app::followups::close(app, &c).await.unwrap();
    // Console passwords: set by the operator, then changed by the user themself (set_by
    // filled); a sign-in and a sign-out (the session row itself is exempt).
    use app::sign_in::{self, SetBy};
    let principal = app::users::authenticate(app, &corps_token)
        .await
        .unwrap()
        .unwrap();
    sign_in::set_password(app, corps.id, "river-lantern-copper-9", SetBy::Operator)
        .await
        .unwrap();
    sign_in::set_password(
        app,
        corps.id,
        "harbour-violet-anchor-7",
        SetBy::User(&principal),
    )
    .await
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let rules = sign_in::Rules::default();
    let (secret, _) = sign_in::sign_in(
        app,
        sign_in::Credentials::new("总队一", "harbour-violet-anchor-7"),
        now,
        rules,
    )
    .await
    .unwrap()
    .unwrap();
    sign_in::sign_out(app, &secret).await.unwrap();
    // A second factor turned on, off by the operator, and on again (a row with a secret
    // and one without); then a sign-in with a code.
    use app::totp;
    let phone = totp::enrolment("总队一").unwrap();
    let code = |t: i64| totp::code_at(&phone.secret, t).unwrap();
    totp::enable(app, &principal, &phone.secret, &code(now), now)
        .await
        .unwrap();
    totp::remove(app, corps.id, totp::RemovedBy::Operator, None, now)
        .await
        .unwrap();
    totp::enable(app, &principal, &phone.secret, &code(now + 30), now + 30)
        .await
        .unwrap();
    sign_in::sign_in(
        app,
        sign_in::Credentials::new("总队一", "harbour-violet-anchor-7").with_code(&code(now + 60)),
        now + 60,
        rules,
    )
    .await
    .unwrap()
    .unwrap();
    // Drawn, a second draw refused, results to come.
    let open = drawn(app, "funeral").await;
    app::draw::draw(app, &open.id, &entropy_for(&open, 0))
        .await
        .unwrap_err();
    // A result returned with its reason (sealed until publication).
    record_all(app, &open.id).await;
    let waiting = app::reviews::awaiting(app, &open.id).await.unwrap();
    app::reviews::review(
        app,
        &open.id,
        waiting[0].id,
        reviewer(app).await,
        app::reviews::Verdict::Return("未写明整改期限"),
    )
    .await
    .unwrap();
    // Committed, then withdrawn with its reason; and a draft.
    let w = app::batch::create(app, "social-orgs", &plan_text("social-orgs"))
        .await
        .unwrap();
    app::batch::commit(app, &w.id).await.unwrap();
    app::batch::withdraw(app, &w.id, "名录更新，撤回重做")
        .await
        .unwrap();
    app::batch::create(app, "joint", &plan_text("joint"))
        .await
        .unwrap();
    // An annual plan (年度抽查计划), in two versions.
    let annual = std::fs::read_to_string(shanghai("annual/2026.toml")).unwrap();
    app::annual::publish(app, "2026.toml", &annual)
        .await
        .unwrap();
    let amended = annual.replace(
        "\"SH-MZ-2026-LH-01\"]",
        "\"SH-MZ-2026-LH-01\", \"SH-MZ-2026-SZ-02\"]",
    );
    app::annual::publish(app, "2026.toml", &amended)
        .await
        .unwrap();
    // A witness's cosignature of the newest checkpoint.
    let head = app::public_log::checkpoint(app).await.unwrap();
    let checkpoint = shuangsui::ledger::Checkpoint::open(&head.note, &app.verifier).unwrap();
    let witness = shuangsui::witness::WitnessKey::from_seed("notary.example/w", &[9; 32]).unwrap();
    let line = witness.cosign(
        &checkpoint,
        shuangsui::witness::Timestamp::new(1_764_000_000).unwrap(),
    );
    shuangsui::store::cosignatures::insert(
        &app.store,
        &witness.verifier().to_string(),
        head.size,
        &line,
    )
    .await
    .unwrap();
    let target = shuangsui::store::batches::assignments(&app.store, &open.id)
        .await
        .unwrap();
    let card = target.iter().find_map(|t| t.team.first().cloned()).unwrap();
    use app::users::Role;
    app::users::add(app, "王芳", Role::Corps, None)
        .await
        .unwrap();
    app::users::add(app, "李强", Role::Officer, Some(&card))
        .await
        .unwrap();
    app::users::add(app, "审计一", Role::Auditor, None)
        .await
        .unwrap();
    app::users::revoke(app, "审计一").await.unwrap();
    app::log::verify(app, None).await.unwrap();
}

/// A copy of the populated database, made by the database itself.
async fn copy(source: &TestDb, n: usize) -> (String, Option<String>) {
    if source.name == "sqlite" {
        let path = source.dir.path().join(format!("copy-{n}.db"));
        (format!("sqlite://{}", path.display()), None)
    } else {
        let from = source.url.rsplit('/').next().unwrap().to_string();
        let to = format!("{from}_m{n}");
        let admin = backends::postgres_admin_url();
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {to} TEMPLATE {from}"
        )))
        .execute(&mut c)
        .await
        .unwrap();
        let url = format!("{}/{to}", source.url.rsplit_once('/').unwrap().0);
        (url, Some(to))
    }
}

async fn drop_copy(name: Option<String>) {
    if let Some(db) = name {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&backends::postgres_admin_url())
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
        )))
        .execute(&mut c)
        .await
        .unwrap();
    }
}

fn quote(name: &str) -> String {
    format!("\"{name}\"")
}

/// A SQL literal for `cell` on `backend`.
fn literal(cell: &Cell, postgres: bool) -> String {
    match cell {
        Cell::Null => "NULL".into(),
        Cell::Int(i) => i.to_string(),
        Cell::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Cell::Bytes(b) if postgres => format!("'\\x{}'::bytea", hex::encode(b)),
        Cell::Bytes(b) => format!("X'{}'", hex::encode(b)),
    }
}

/// Another value of the same kind as `cell` (`sql_type`: the column's declared type, for a
/// NULL).
fn changed(cell: &Cell, sql_type: &str) -> Cell {
    match cell {
        Cell::Int(i) => Cell::Int(i + 7919),
        Cell::Text(t) => Cell::Text(format!("{t}·改")),
        Cell::Bytes(b) => {
            let mut b = b.clone();
            if let Some(last) = b.last_mut() {
                *last ^= 1;
            } else {
                b.push(1);
            }
            Cell::Bytes(b)
        }
        Cell::Null if sql_type.to_lowercase().contains("int") => Cell::Int(7919),
        Cell::Null
            if sql_type.to_lowercase().contains("byte")
                || sql_type.eq_ignore_ascii_case("blob") =>
        {
            Cell::Bytes(vec![1])
        }
        Cell::Null => Cell::Text("改".into()),
    }
}

/// The table's primary key columns and each column's declared type, from the catalog.
async fn shape(store: &Store, table: &str) -> (Vec<String>, Vec<(String, String)>) {
    match store {
        Store::Sqlite(p) => {
            let rows: Vec<(String, String, i64)> =
                sqlx::query_as("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(p)
                    .await
                    .unwrap();
            let mut pk: Vec<(i64, String)> = rows
                .iter()
                .filter(|r| r.2 > 0)
                .map(|r| (r.2, r.0.clone()))
                .collect();
            pk.sort();
            (
                pk.into_iter().map(|(_, c)| c).collect(),
                rows.into_iter().map(|r| (r.0, r.1)).collect(),
            )
        }
        Store::Postgres(p) => {
            let pk: Vec<String> = sqlx::query_scalar(
                "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a \
                 ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                 WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            )
            .bind(table)
            .fetch_all(p)
            .await
            .unwrap();
            let types: Vec<(String, String)> = sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(p)
            .await
            .unwrap();
            (pk, types)
        }
    }
}

/// Runs `sql` on `url` as an administrator who first takes every guard off `table`.
async fn behind_the_back(url: &str, table: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query("PRAGMA ignore_check_constraints = ON")
            .execute(&mut c)
            .await
            .unwrap();
        let triggers: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $1",
        )
        .bind(table)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for t in triggers {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {}", quote(&t))))
                .execute(&mut c)
                .await
                .unwrap();
        }
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        c.close().await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let checks: Vec<String> = sqlx::query_scalar(
            "SELECT conname::text FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('c', 'u')",
        )
        .bind(table)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for name in checks {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER TABLE {} DROP CONSTRAINT {} CASCADE",
                quote(table),
                quote(&name)
            )))
            .execute(&mut c)
            .await
            .unwrap();
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER TABLE {} DISABLE TRIGGER ALL",
            quote(table)
        )))
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        c.close().await.unwrap();
    }
}

/// What `log verify` (or opening the database for it) says of the copy at `url`.
async fn verdict(url: &str, key: &Path) -> String {
    match App::open(url, Some(key)).await {
        Err(e) => format!("{e}"),
        Ok(app) => {
            let out = match app::log::verify(&app, None).await {
                Ok(v) => format!("PASS {} entries", v.entries),
                Err(e) => format!("{e}"),
            };
            app.store.close().await;
            out
        }
    }
}

/// Whether the failure names `table`: by name, or (the log's own tables, checked by the
/// ledger first) as an entry or checkpoint, or (the settings) as the log's key or origin.
fn names(why: &str, table: &str) -> bool {
    why.starts_with("FAIL") && why.contains(&format!("table {table}"))
        || table == "log_entries" && why.contains("entry")
        || table == "log_checkpoints" && why.contains("checkpoint")
        || table == "meta" && why.contains("meta")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_column_row_deletion_and_insertion_of_every_table_fails_log_verify() {
    for db in backends::all().await {
        let app = setup(&db).await;
        populate(&app).await;
        let postgres = db.name == "postgres";
        let tables = catalog::tables(&app.store).await.unwrap();
        let exempt: Vec<&str> = EXEMPT.iter().map(|(t, _)| *t).collect();
        let project_exempt: Vec<&str> = shuangsui::projection::EXEMPT
            .iter()
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(
            exempt, project_exempt,
            "the exemptions are the ones listed here"
        );
        // Each change: (table, what, SQL).
        let mut changes: Vec<(String, String, String)> = Vec::new();
        for table in tables.iter().filter(|t| !exempt.contains(&t.as_str())) {
            let (pk, types) = shape(&app.store, table).await;
            assert!(!pk.is_empty(), "{table} has a primary key");
            let columns: Vec<&str> = types.iter().map(|(c, _)| c.as_str()).collect();
            let mut rows = catalog::rows(&app.store, table, &columns).await.unwrap();
            assert!(!rows.is_empty(), "{}: {table} has rows to change", db.name);
            rows.sort();
            // The row with the fewest NULLs (the first of them): its optional columns
            // (a result's checklist and findings, a review's reason) hold values to change.
            let row = rows
                .iter()
                .min_by_key(|r| r.iter().filter(|c| matches!(c, Cell::Null)).count())
                .unwrap();
            let key_at: Vec<usize> = pk
                .iter()
                .map(|k| columns.iter().position(|c| c == k).unwrap())
                .collect();
            let where_key = key_at
                .iter()
                .map(|&i| format!("{} = {}", quote(columns[i]), literal(&row[i], postgres)))
                .collect::<Vec<_>>()
                .join(" AND ");
            let quoted = |t: &str| quote(t);
            for (i, (column, ty)) in types.iter().enumerate() {
                let value = literal(&changed(&row[i], ty), postgres);
                changes.push((
                    table.clone(),
                    format!("column {column}"),
                    format!(
                        "UPDATE {} SET {} = {value} WHERE {where_key}",
                        quoted(table),
                        quote(column)
                    ),
                ));
            }
            if !DELETION_ALLOWED.iter().any(|(t, _)| t == table) {
                changes.push((
                    table.clone(),
                    "row deleted".into(),
                    format!("DELETE FROM {} WHERE {where_key}", quoted(table)),
                ));
            }
            // A new row: the chosen one with every value changed (so that no unique
            // constraint, which SQLite cannot switch off, refuses it).
            let values: Vec<String> = row
                .iter()
                .zip(&types)
                .map(|(c, (_, ty))| literal(&changed(c, ty), postgres))
                .collect();
            let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
            changes.push((
                table.clone(),
                "row inserted".into(),
                format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quoted(table),
                    list.join(", "),
                    values.join(", ")
                ),
            ));
        }
        app.store.close().await;
        let mut unseen = Vec::new();
        for (n, (table, what, sql)) in changes.iter().enumerate() {
            let (url, name) = copy(&db, n).await;
            if !postgres {
                let source = App::open(&db.url, None).await.unwrap();
                let path = url.trim_start_matches("sqlite://").to_string();
                let Store::Sqlite(p) = &source.store else {
                    unreachable!("sqlite")
                };
                sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{path}'")))
                    .execute(p)
                    .await
                    .unwrap();
                source.store.close().await;
            }
            behind_the_back(&url, table, sql).await;
            let why = verdict(&url, &db.key()).await;
            if !names(&why, table) {
                unseen.push(format!("{table} {what}: {sql}\n    → {why}"));
            }
            drop_copy(name).await;
            if !postgres {
                let _ = std::fs::remove_file(url.trim_start_matches("sqlite://"));
            }
        }
        assert!(
            unseen.is_empty(),
            "{}: {} of {} changes not named by log verify:\n{}",
            db.name,
            unseen.len(),
            changes.len(),
            unseen.join("\n")
        );
        eprintln!(
            "{}: {} changes, each named by log verify",
            db.name,
            changes.len()
        );
    }
}
