//! Changes made behind the application's back (a superuser drops the triggers first) are
//! found by `log verify`, which names the entry or row; the triggers refuse them otherwise.

use super::*;

/// Runs one statement on the store's database directly, as an administrator would.
async fn raw(app: &App, sql: &str) -> Result<u64, sqlx::Error> {
    use shuangsui::store::Store;
    match &app.store {
        Store::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(p)
            .await
            .map(|r| r.rows_affected()),
        Store::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(p)
            .await
            .map(|r| r.rows_affected()),
    }
}

/// Drops the append-only triggers of `table` (SQLite) or disables them (PostgreSQL).
async fn drop_triggers(app: &App, table: &str) {
    use shuangsui::store::Store;
    match &app.store {
        Store::Sqlite(_) => {
            for op in ["update", "delete"] {
                raw(app, &format!("DROP TRIGGER {table}_no_{op}"))
                    .await
                    .unwrap();
            }
        }
        Store::Postgres(_) => {
            raw(app, &format!("ALTER TABLE {table} DISABLE TRIGGER USER"))
                .await
                .unwrap();
        }
    }
}

fn fail_text(e: AppError) -> String {
    match e {
        AppError::Invalid(m) => m.to_string(),
        other => panic!("expected FAIL, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_refuses_updates_and_deletes_of_the_log_and_results() {
    for (app, db) in each_backend().await {
        for sql in [
            "UPDATE log_entries SET leaf_hash = leaf_hash WHERE seq = 1",
            "DELETE FROM log_entries WHERE seq = 1",
            "DELETE FROM log_checkpoints",
            "UPDATE entities SET name = 'x'",
            "DELETE FROM snapshots",
        ] {
            let e = raw(&app, sql).await.unwrap_err();
            assert!(e.to_string().contains("refused"), "{}: {sql}: {e}", db.name);
        }
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_verify_names_the_entry_or_row_changed_behind_its_back() {
    // Each case on a fresh store: (what to change, what FAIL must name).
    let cases: &[(&str, &str, &str)] = &[
        (
            "log_entries",
            "UPDATE log_entries SET bytes = CAST(REPLACE(CAST(bytes AS TEXT), '\"corrects\":null', '\"corrects\":0') AS {blob}) WHERE seq = {result_seq}",
            "entry {result_seq}",
        ),
        (
            // A result is sealed in its entry: its opening, beside it, was changed.
            "log_entries",
            "UPDATE log_entries SET opening = REPLACE(opening, '未发现问题', '发现问题') WHERE seq = {result_seq}",
            "entry {result_seq}: its seal: the opening does not hash to the entry's seal",
        ),
        (
            "log_entries",
            // Entries 1 to 6 are the six imports (a snapshot row refers to each), 7 the batch's.
            "DELETE FROM log_entries WHERE seq = 7",
            "entry 7",
        ),
        (
            "batches",
            "UPDATE batches SET commitment_header = CAST('{}' AS {blob})",
            "table batches row [id='SH-MZ-2026-YL-01']: column commitment_header",
        ),
        (
            "results",
            "UPDATE results SET codes = 'A' WHERE log_seq = {result_seq}",
            "table results row [id=1]: column codes",
        ),
        (
            "entities",
            "UPDATE entities SET name = name || '（改）' WHERE uscc = (SELECT MIN(uscc) FROM entities)",
            "FAIL table entities: snapshot 1 (entities v1",
        ),
        (
            // A list entry's reason is in no snapshot record, but in the table's content hash.
            "lists",
            "UPDATE lists SET reason = reason || '（改）' WHERE uscc = (SELECT MIN(uscc) FROM lists)",
            "FAIL table lists: snapshot 6 (lists v1",
        ),
    ];
    for (table, sql, expected) in cases {
        for (app, db) in each_backend().await {
            let plan = drawn(&app, "elderly-care").await;
            record_all(&app, &plan.id).await;
            app::log::verify(&app, None).await.unwrap();
            let result_seq = shuangsui::store::results::of_batch(&app.store, &plan.id)
                .await
                .unwrap()[0]
                .log_seq;
            let blob = if db.name == "sqlite" { "BLOB" } else { "BYTEA" };
            let mut sql = sql
                .replace("{result_seq}", &result_seq.to_string())
                .replace("{blob}", blob);
            if db.name == "postgres" {
                // PostgreSQL casts bytea to text as hex: go through convert_from/convert_to.
                sql = sql.replace(
                    "CAST(REPLACE(CAST(bytes AS TEXT), '\"corrects\":null', '\"corrects\":0') AS BYTEA)",
                    "convert_to(REPLACE(convert_from(bytes, 'UTF8'), '\"corrects\":null', '\"corrects\":0'), 'UTF8')",
                );
            }
            if *table != "batches" {
                // batches has no triggers: its state moves forward by design.
                drop_triggers(&app, table).await;
            }
            let changed = raw(&app, &sql).await.unwrap();
            assert!(changed >= 1, "{}: {sql} changed nothing", db.name);
            let why = fail_text(app::log::verify(&app, None).await.unwrap_err());
            let expected = expected.replace("{result_seq}", &result_seq.to_string());
            assert!(why.contains(&expected), "{}: {sql}: {why}", db.name);
            app.store.close().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_verify_names_a_user_changed_behind_its_back() {
    for change in [
        "UPDATE users SET card_no = 'SHMZ-0000-0001' WHERE card_no <> 'SHMZ-0000-0001'",
        "UPDATE users SET revoked_at = '2026-01-01T00:00:00Z'",
    ] {
        for (app, db) in each_backend().await {
            let plan = drawn(&app, "elderly-care").await;
            let targets = shuangsui::store::batches::assignments(&app.store, &plan.id)
                .await
                .unwrap();
            let card = targets
                .iter()
                .find_map(|t| t.team.first().cloned())
                .unwrap();
            app::users::add(&app, "巡查员", app::users::Role::Officer, Some(&card))
                .await
                .unwrap();
            app::log::verify(&app, None).await.unwrap();
            match &app.store {
                shuangsui::store::Store::Sqlite(_) => {
                    raw(&app, "DROP TRIGGER users_only_revoke").await.unwrap();
                }
                shuangsui::store::Store::Postgres(_) => {
                    raw(&app, "ALTER TABLE users DISABLE TRIGGER USER")
                        .await
                        .unwrap();
                }
            }
            assert_eq!(raw(&app, change).await.unwrap(), 1, "{}: {change}", db.name);
            let why = fail_text(app::log::verify(&app, None).await.unwrap_err());
            assert!(
                why.contains("table users row [id=1]"),
                "{}: {change}: {why}",
                db.name
            );
            app.store.close().await;
        }
    }
}

/// SQLite reads a page of directory rows packed into one value. A row with a NULL field
/// would drop out of it, and a field holding the row separator would add a row: together
/// they could show a changed target while the rows still hash as logged. Both are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_hidden_in_another_rows_field_is_found_on_sqlite() {
    let db = backends::sqlite();
    let app = setup(&db).await;
    drawn(&app, "elderly-care").await;
    app::log::verify(&app, None).await.unwrap();
    use sqlx::{Connection, Executor};
    let mut admin = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    let record = "uscc || char(31) || name || char(31) || sector || char(31) || entity_type || char(31) || \
        district || char(31) || address || char(31) || credit_grade || char(31) || status || char(31) || \
        legal_representative || char(31) || contact";
    for sql in [
        // The table rebuilt without its constraints (and so without its triggers).
        "CREATE TABLE e2 AS SELECT * FROM entities".to_string(),
        "DROP TABLE entities".to_string(),
        "ALTER TABLE e2 RENAME TO entities".to_string(),
        // The last entity's true record rides in the first entity's contact field …
        format!(
            "UPDATE entities SET contact = contact || char(30) || (SELECT {record} FROM entities \
             WHERE uscc = (SELECT MAX(uscc) FROM entities)) WHERE uscc = (SELECT MIN(uscc) FROM entities)"
        ),
        // … while its own row shows another name and, with a NULL, drops out of the read.
        "UPDATE entities SET name = '伪造公司', contact = NULL WHERE uscc = (SELECT MAX(uscc) FROM entities)".to_string(),
    ] {
        // One connection for the whole rebuild: a pooled connection may still read the schema
        // from before the DROP.
        admin.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
    }
    admin.close().await.unwrap();
    let why = fail_text(app::log::verify(&app, None).await.unwrap_err());
    assert!(why.contains("FAIL table entities: snapshot 1"), "{why}");
    app.store.close().await;
}
