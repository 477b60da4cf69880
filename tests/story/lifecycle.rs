//! A batch from plan to publication, on each database; the exports verify offline.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_goes_from_plan_to_publication_and_its_exports_verify() {
    for (mut app, db) in each_backend().await {
        app.calendar = weekday_calendar();
        let plan = drawn(&app, "elderly-care").await;
        let b = app::batch::get(&app, &plan.id).await.unwrap();
        assert_eq!(b.state, "drawn", "{}", db.name);
        // Not publishable before every staffed target has a result.
        let why = refused(app::batch::publish(&app, &plan.id).await.unwrap_err());
        assert!(why.contains("no result yet"), "{}: {why}", db.name);
        let n = record_all(&app, &plan.id).await;
        assert!(n > 0);
        assert_eq!(
            app::batch::get(&app, &plan.id).await.unwrap().state,
            "results"
        );
        // A public export waits for publication; an auditor's does not.
        let why = refused(
            app::export::export(&app, &plan.id, Aud::Public)
                .await
                .unwrap_err(),
        );
        assert!(why.contains("published"), "{why}");
        let auditor = app::export::export(&app, &plan.id, Aud::Auditor)
            .await
            .unwrap();
        let checked = verify_export(&auditor, &app.verifier.to_string());
        assert!(checked.entries >= 4, "{checked:?}");

        // Not publishable before a reviewer approves every result.
        let why = refused(app::batch::publish(&app, &plan.id).await.unwrap_err());
        assert!(
            why.contains(&format!("{n} result(s) awaiting review")),
            "{}: {why}",
            db.name
        );
        assert_eq!(approve_all(&app, &plan.id).await, n);
        let published = app::batch::publish(&app, &plan.id).await.unwrap();
        assert_eq!(published.state, "published");
        let deadline = app::deadline::publication(&app, &published, today())
            .await
            .unwrap()
            .unwrap();
        assert!(!deadline.overdue, "{deadline:?}");
        let public = app::export::export(&app, &plan.id, Aud::Public)
            .await
            .unwrap();
        let checked = verify_export(&public, &app.verifier.to_string());
        // created, committed, drawn, every result and its approval, published, and the six
        // snapshots (lists among them).
        assert_eq!(checked.entries, 3 + 2 * n + 1 + 6, "{}", db.name);

        let verified = app::log::verify(&app, None).await.unwrap();
        assert!(
            verified.entries > 10 && verified.checkpoints as u64 == verified.entries,
            "{verified:?}"
        );
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_are_recorded_by_the_team_only_and_corrected_by_new_entries() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "funeral").await;
        let targets = shuangsui::store::batches::assignments(&app.store, &plan.id)
            .await
            .unwrap();
        let t = targets.iter().find(|t| !t.team.is_empty()).unwrap();
        let outsider = shuangsui::store::batches::assignments(&app.store, &plan.id)
            .await
            .unwrap()
            .iter()
            .flat_map(|x| x.team.clone())
            .find(|c| !t.team.contains(c));
        let codes: Vec<String> = ["a", "bz01", "2"].map(String::from).to_vec();
        let mut report = app::results::Report {
            batch: &plan.id,
            uscc: &t.uscc,
            officer: &t.team[1],
            codes: &codes,
            note: "消防通道堵塞",
            inspected_on: today(),
            corrects: None,
            request: None,
            checklist: &[],
            asker: app::results::Asker::Corps,
        };
        if let Some(o) = &outsider {
            let other = app::results::Report {
                officer: o,
                ..report.clone()
            };
            match app::results::record(&app, &other, today()).await {
                Err(AppError::Forbidden(why)) => {
                    assert!(why.en.contains("not in the team"), "{}: {why}", db.name)
                }
                other => panic!(
                    "{}: an outsider's result must be forbidden: {other:?}",
                    db.name
                ),
            }
        }
        let bad_codes = vec!["1".to_string(), "A".to_string()];
        let why = refused(
            app::results::record(
                &app,
                &app::results::Report {
                    codes: &bad_codes,
                    ..report.clone()
                },
                today(),
            )
            .await
            .unwrap_err(),
        );
        assert!(why.contains('1'), "{why}");
        let first = app::results::record(&app, &report, today())
            .await
            .unwrap()
            .row;
        assert_eq!(first.codes, vec!["2", "BZ01", "A"]);
        let fixed: Vec<String> = ["2", "BZ01", "E"].map(String::from).to_vec();
        report.codes = &fixed;
        report.corrects = Some(first.id);
        let second = app::results::record(&app, &report, today())
            .await
            .unwrap()
            .row;
        assert_eq!(second.corrects, Some(first.id));
        let all = shuangsui::store::results::of_batch(&app.store, &plan.id)
            .await
            .unwrap();
        assert_eq!(all.len(), 2, "the corrected result stays");
        let standing = app::results::standing(&all);
        assert_eq!(standing.len(), 1);
        assert_eq!(standing.get(&t.uscc).unwrap().codes, vec!["2", "BZ01", "E"]);
        // The draw cannot be withdrawn after the fact.
        let why = refused(
            app::batch::withdraw(&app, &plan.id, "改期")
                .await
                .unwrap_err(),
        );
        assert!(why.contains("never after the draw"), "{why}");
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_withdrawn_before_its_draw_with_a_logged_reason() {
    for (app, db) in each_backend().await {
        let b = app::batch::create(&app, "social-orgs", &plan_text("social-orgs"))
            .await
            .unwrap();
        app::batch::commit(&app, &b.id).await.unwrap();
        let why = refused(app::batch::withdraw(&app, &b.id, "  ").await.unwrap_err());
        assert!(why.contains("reason"), "{why}");
        let w = app::batch::withdraw(&app, &b.id, "抽查事项调整")
            .await
            .unwrap();
        assert_eq!(w.state, "withdrawn", "{}", db.name);
        let plan = app::batch::plan(&w).unwrap();
        let why = refused(
            app::draw::draw(&app, &b.id, &entropy_for(&plan, 0))
                .await
                .unwrap_err(),
        );
        assert!(why.contains("withdrawn"), "{why}");
        let kinds: Vec<String> = shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .into_iter()
            .map(|e| shuangsui::ledger::entry::decode(&e.bytes).unwrap().kind)
            .collect();
        assert!(kinds.contains(&"batch.withdrawn".to_string()));
        assert_eq!(kinds.last().unwrap(), "draw.refused");
        app.store.close().await;
    }
}

/// A withdrawal reason with a control character (a NUL, which PostgreSQL cannot store) is
/// refused with the rule, on both databases, and nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_reason_with_a_control_character_is_refused() {
    for (app, db) in each_backend().await {
        let b = app::batch::create(&app, "funeral", &plan_text("funeral"))
            .await
            .unwrap();
        for reason in ["名录\u{0}更新", "名录\u{7}更新"] {
            let why = refused(app::batch::withdraw(&app, &b.id, reason).await.unwrap_err());
            assert!(why.contains("control character"), "{}: {why}", db.name);
        }
        assert_eq!(app::batch::get(&app, &b.id).await.unwrap().state, "draft");
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}
