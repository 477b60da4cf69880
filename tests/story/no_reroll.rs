//! No re-roll by any path: a draw whose start was logged and which then failed cannot be
//! drawn with other entropy, whatever unsigned column is rewritten; a drawn batch rewound in
//! the tables cannot be drawn again; and `log verify` names the batch whose tables were
//! rewound. (An operator who rewrites signed bytes is stopped too: the draw reads entries
//! only after they hash to the signed checkpoint.)

use super::*;

/// Runs one statement as an administrator with the guards of `table` taken off.
async fn admin(app: &App, table: &str, sql: &str) {
    use shuangsui::store::Store;
    match &app.store {
        Store::Sqlite(p) => {
            let triggers: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $1",
            )
            .bind(table)
            .fetch_all(p)
            .await
            .unwrap();
            for t in triggers {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {t}")))
                    .execute(p)
                    .await
                    .unwrap();
            }
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(p)
                .await
                .unwrap();
        }
        Store::Postgres(p) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER TABLE {table} DISABLE TRIGGER ALL"
            )))
            .execute(p)
            .await
            .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(p)
                .await
                .unwrap();
        }
    }
}

/// Creates and commits the plan `name`; its batch (committed) and plan.
async fn committed(app: &App, name: &str) -> (shuangsui::store::batches::BatchRow, Plan) {
    let b = app::batch::create(app, name, &plan_text(name))
        .await
        .unwrap();
    let b = app::batch::commit(app, &b.id).await.unwrap();
    let plan = app::batch::plan(&b).unwrap();
    (b, plan)
}

/// Changes one entity's name behind the application's back: a draw started after this
/// rebuilds a commitment that differs from the committed one, and fails.
async fn change_a_snapshot_row(app: &App) {
    admin(
        app,
        "entities",
        "UPDATE entities SET name = name || '（改）' WHERE uscc = (SELECT MIN(uscc) FROM entities)",
    )
    .await;
}

/// Every entry's kind, for `batch`.
async fn kinds(app: &App, batch: &str) -> Vec<String> {
    shuangsui::store::log::entries(&app.store)
        .await
        .unwrap()
        .iter()
        .map(|e| shuangsui::ledger::entry::decode(&e.bytes).unwrap())
        .filter(|e| e.event.get("batch").and_then(|b| b.as_str()) == Some(batch))
        .map(|e| e.kind)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_draw_is_never_drawn_with_other_entropy_whatever_the_tables_say() {
    for (app, db) in each_backend().await {
        let (b, plan) = committed(&app, "elderly-care").await;
        // The draw fails after its start is logged: a snapshot row changed behind the
        // application's back makes the rebuilt commitment differ from the committed one.
        change_a_snapshot_row(&app).await;
        let e = app::draw::draw(&app, &b.id, &entropy_for(&plan, 0))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("hashes to"), "{}: {e}", db.name);
        assert_eq!(
            kinds(&app, &b.id).await,
            [
                "batch.created",
                "batch.committed",
                "draw.started",
                "draw.failed"
            ],
            "{}",
            db.name
        );
        // The row is put back; and every unsigned column that could tell a decision about
        // this batch is rewritten, as an operator hiding the start would.
        admin(
            &app,
            "entities",
            "UPDATE entities SET name = REPLACE(name, '（改）', '') WHERE uscc = (SELECT MIN(uscc) FROM entities)",
        )
        .await;
        admin(
            &app,
            "batches",
            "UPDATE batches SET state = 'committed', seed = NULL, entropy_json = NULL, drawn_at = NULL",
        )
        .await;
        admin(
            &app,
            "log_checkpoints",
            "DELETE FROM log_checkpoints WHERE size < 10",
        )
        .await;
        for salt in [1, 2] {
            let why = refused(
                app::draw::draw(&app, &b.id, &entropy_for(&plan, salt))
                    .await
                    .unwrap_err(),
            );
            assert!(
                why.contains("differs from the one logged") && why.contains("never re-rolled"),
                "{}: {why}",
                db.name
            );
        }
        // The first entropy still draws, once.
        app::draw::draw(&app, &b.id, &entropy_for(&plan, 0))
            .await
            .unwrap();
        let k = kinds(&app, &b.id).await;
        assert_eq!(k.iter().filter(|k| *k == "batch.drawn").count(), 1);
        assert_eq!(k.iter().filter(|k| *k == "draw.started").count(), 1);
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drawn_batch_rewound_in_the_tables_is_not_drawn_again_and_log_verify_names_it() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "elderly-care").await;
        let seed = app::batch::get(&app, &plan.id).await.unwrap().seed;
        admin(
            &app,
            "batches",
            &format!(
                "UPDATE batches SET state = 'committed', seed = NULL, entropy_json = NULL, \
                 bundle_sha256 = NULL, drawn_at = NULL WHERE id = '{}'",
                plan.id
            ),
        )
        .await;
        admin(
            &app,
            "assignments",
            &format!("DELETE FROM assignments WHERE batch_id = '{}'", plan.id),
        )
        .await;
        for salt in [0, 1] {
            let why = refused(
                app::draw::draw(&app, &plan.id, &entropy_for(&plan, salt))
                    .await
                    .unwrap_err(),
            );
            assert!(why.contains("drawn already"), "{}: {why}", db.name);
        }
        let k = kinds(&app, &plan.id).await;
        assert_eq!(
            k.iter().filter(|k| *k == "batch.drawn").count(),
            1,
            "{}",
            db.name
        );
        assert!(
            app::batch::get(&app, &plan.id)
                .await
                .unwrap()
                .seed
                .is_none()
        );
        let why = format!("{}", app::log::verify(&app, None).await.unwrap_err());
        assert!(
            why.contains(&format!("table batches row [id='{}']", plan.id))
                || why.contains(&format!("table assignments row [batch_id='{}'", plan.id)),
            "{}: {why}",
            db.name
        );
        assert!(seed.is_some());
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_hidden_by_rewriting_signed_bytes_stops_every_draw() {
    for (app, db) in each_backend().await {
        let (b, plan) = committed(&app, "funeral").await;
        let key = app::journal::read_key(&db.key()).unwrap();
        let first = shuangsui::entropy::parse_text(&entropy_for(&plan, 0), &plan.entropy).unwrap();
        let mut tx = app.store.write().await.unwrap();
        let event =
            serde_json::json!({ "batch": b.id, "entropy": serde_json::to_value(&first).unwrap() });
        let started = app::journal::append(&mut tx, &key, &app.origin, "draw.started", &event)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // The entry's bytes (and its leaf hash) are rewritten to name another batch.
        let (bytes_sql, leaf) = {
            let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
            let bytes = &entries[started.seq as usize].bytes;
            let text = String::from_utf8(bytes.clone())
                .unwrap()
                .replace(&b.id, "OTHER-BATCH");
            let leaf = shuangsui::ledger::tree::leaf_hash(text.as_bytes());
            (text, leaf)
        };
        let (bytes_lit, leaf_lit) = if db.name == "sqlite" {
            (
                format!("X'{}'", hex::encode(bytes_sql.as_bytes())),
                format!("X'{}'", hex::encode(leaf)),
            )
        } else {
            (
                format!("'\\x{}'::bytea", hex::encode(bytes_sql.as_bytes())),
                format!("'\\x{}'::bytea", hex::encode(leaf)),
            )
        };
        admin(
            &app,
            "log_entries",
            &format!(
                "UPDATE log_entries SET bytes = {bytes_lit}, leaf_hash = {leaf_lit} WHERE seq = {}",
                started.seq
            ),
        )
        .await;
        let e = app::draw::draw(&app, &b.id, &entropy_for(&plan, 1))
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("do not hash to its newest signed checkpoint"),
            "{}: {e}",
            db.name
        );
        assert!(app::batch::get(&app, &b.id).await.unwrap().seed.is_none());
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_draw_takes_its_plan_from_the_log_not_the_table() {
    for (app, db) in each_backend().await {
        let (b, plan) = committed(&app, "elderly-care").await;
        // Another ratio and other witnesses in the table's copy of the plan.
        let forged = plan_text("elderly-care")
            .replace("30%", "90%")
            .replace("陈思远", "某某某")
            .replace('\'', "''");
        admin(
            &app,
            "batches",
            &format!(
                "UPDATE batches SET plan_toml = '{forged}' WHERE id = '{}'",
                b.id
            ),
        )
        .await;
        // The witnesses the log committed are the ones asked for, and the draw is the
        // committed one.
        let bundle = app::draw::draw(&app, &b.id, &entropy_for(&plan, 0))
            .await
            .unwrap();
        assert_eq!(
            Some(bundle.commitment.hash),
            b.commitment_hash,
            "{}",
            db.name
        );
        let why = format!("{}", app::log::verify(&app, None).await.unwrap_err());
        assert!(why.contains("column plan_toml"), "{}: {why}", db.name);
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_draw_started_is_not_withdrawn() {
    for (app, db) in each_backend().await {
        let (b, plan) = committed(&app, "funeral").await;
        // The draw starts and fails (a snapshot row changed behind the application's back).
        change_a_snapshot_row(&app).await;
        app::draw::draw(&app, &b.id, &entropy_for(&plan, 0))
            .await
            .unwrap_err();
        let why = refused(
            app::batch::withdraw(&app, &b.id, "设备故障")
                .await
                .unwrap_err(),
        );
        assert!(why.contains("its draw started"), "{}: {why}", db.name);
        assert_eq!(
            app::batch::get(&app, &b.id).await.unwrap().state,
            "committed"
        );
        app.store.close().await;
    }
}
