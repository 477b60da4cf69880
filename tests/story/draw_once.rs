//! A committed batch is drawn exactly once: again in the same process, and by several
//! processes at the same moment, on each database. Every attempt is in the log.

use super::*;

fn kinds_of(entries: &[shuangsui::store::log::StoredEntry], batch: &str, kind: &str) -> usize {
    entries
        .iter()
        .filter(|e| {
            shuangsui::ledger::entry::decode(&e.bytes).unwrap().kind == kind
                && String::from_utf8_lossy(&e.bytes).contains(&format!("\"batch\":\"{batch}\""))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_draw_is_refused_and_logged_and_other_entropy_is_never_used() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "elderly-care").await;
        let first = app::batch::get(&app, &plan.id).await.unwrap();
        for salt in [0, 1] {
            let why = refused(
                app::draw::draw(&app, &plan.id, &entropy_for(&plan, salt))
                    .await
                    .unwrap_err(),
            );
            assert!(why.contains("drawn already"), "{}: {why}", db.name);
        }
        let again = app::batch::get(&app, &plan.id).await.unwrap();
        assert_eq!(first.seed, again.seed, "the draw stands");
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        assert_eq!(kinds_of(&entries, &plan.id, "batch.drawn"), 1);
        assert_eq!(kinds_of(&entries, &plan.id, "draw.refused"), 2);

        // A draw that started (logged) must finish with the same entropy: here a process
        // logged its start with the first digits and died before drawing.
        let b = app::batch::create(&app, "funeral", &plan_text("funeral"))
            .await
            .unwrap();
        app::batch::commit(&app, &b.id).await.unwrap();
        let funeral = app::batch::plan(&b).unwrap();
        let why = refused(app::draw::draw(&app, &b.id, "黄雅琴=1").await.unwrap_err());
        assert!(why.contains("--entropy"), "{why}");
        let first =
            shuangsui::entropy::parse_text(&entropy_for(&funeral, 0), &funeral.entropy).unwrap();
        let key = app::journal::read_key(&db.key()).unwrap();
        let mut tx = app.store.write().await.unwrap();
        let event =
            serde_json::json!({ "batch": b.id, "entropy": serde_json::to_value(&first).unwrap() });
        app::journal::append(&mut tx, &key, &app.origin, "draw.started", &event)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let why = refused(
            app::draw::draw(&app, &b.id, &entropy_for(&funeral, 1))
                .await
                .unwrap_err(),
        );
        assert!(
            why.contains("differs from the one logged"),
            "{}: {why}",
            db.name
        );
        app::draw::draw(&app, &b.id, &entropy_for(&funeral, 0))
            .await
            .unwrap();
        assert_eq!(app::batch::get(&app, &b.id).await.unwrap().state, "drawn");
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_draws_from_several_processes_give_one_draw() {
    const PROCESSES: usize = 4;
    for (app, db) in each_backend().await {
        let b = app::batch::create(&app, "joint", &plan_text("joint"))
            .await
            .unwrap();
        app::batch::commit(&app, &b.id).await.unwrap();
        let plan = app::batch::plan(&b).unwrap();
        let entropy = entropy_for(&plan, 0);
        let children: Vec<std::process::Child> = (0..PROCESSES)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"))
                    .args([
                        "batch",
                        "draw",
                        &b.id,
                        "--entropy",
                        &entropy,
                        "--database",
                        &db.url,
                    ])
                    .arg("--key")
                    .arg(db.key())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<std::process::Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let won: Vec<_> = outputs
            .iter()
            .filter(|o| o.status.code() == Some(0))
            .collect();
        let lost: Vec<_> = outputs
            .iter()
            .filter(|o| o.status.code() == Some(1))
            .collect();
        assert_eq!(won.len(), 1, "{}: {outputs:?}", db.name);
        assert_eq!(lost.len(), PROCESSES - 1, "{}: {outputs:?}", db.name);
        for o in &lost {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("drawn already"), "{}: {err}", db.name);
        }
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        assert_eq!(kinds_of(&entries, &b.id, "batch.drawn"), 1, "{}", db.name);
        assert_eq!(
            kinds_of(&entries, &b.id, "draw.refused"),
            PROCESSES - 1,
            "{}",
            db.name
        );
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}
