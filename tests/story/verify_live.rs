//! `log verify` on a live database: it reads one consistent view, so writes that land while
//! it runs never make it report a change that did not happen (the crash trials found it did,
//! when it read the log and each table in separate statements).

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_view_does_not_see_later_writes() {
    for (app, db) in each_backend().await {
        let view = app.store.snapshot().await.unwrap();
        let before = shuangsui::store::log::entries(&view).await.unwrap().len();
        app::users::add(&app, "王芳", app::users::Role::Corps, None)
            .await
            .unwrap();
        let seen = shuangsui::store::log::entries(&view).await.unwrap().len();
        let now = shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len();
        assert_eq!((seen, now), (before, before + 1), "{}", db.name);
        view.close().await;
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_verify_passes_while_results_are_recorded() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "elderly-care").await;
        let app = std::sync::Arc::new(app);
        let writer = {
            let app = app.clone();
            let id = plan.id.clone();
            tokio::spawn(async move { record_all(&app, &id).await })
        };
        let mut passes = 0;
        while !writer.is_finished() {
            let v = app::log::verify(&app, None).await;
            assert!(
                v.is_ok(),
                "{}: {:?}",
                db.name,
                v.err().map(|e| e.to_string())
            );
            passes += 1;
        }
        assert!(writer.await.unwrap() > 0);
        app::log::verify(&app, None).await.unwrap();
        assert!(passes >= 1, "{}", db.name);
    }
}
