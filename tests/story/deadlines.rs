//! Time limits on each database: a result's publication deadline counts from its inspection
//! date by its target's sector's rule, a result outside the plan's inspection window is
//! refused, and targets without a result after the window are "inspection overdue".

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_follow_the_sector_rule_and_the_inspection_window() {
    for (mut app, db) in each_backend().await {
        app.calendar = weekday_calendar();
        let plan = drawn(&app, "social-orgs").await;
        let (start, end) = plan.window().unwrap();
        assert_eq!(start, today(), "plan_text moves the window to start today");
        let targets = shuangsui::store::batches::assignments(&app.store, &plan.id)
            .await
            .unwrap();
        let staffed: Vec<_> = targets.iter().filter(|t| !t.team.is_empty()).collect();
        let t = staffed[0];
        let codes = vec!["1".to_string()];
        let report = |inspected_on| app::results::Report {
            batch: &plan.id,
            uscc: &t.uscc,
            officer: &t.team[0],
            codes: &codes,
            note: "",
            inspected_on,
            corrects: None,
            request: None,
            checklist: &[],
            asker: app::results::Asker::Corps,
        };
        // Before the window (and the draw): refused, naming the window or the draw.
        let why = refused(
            app::results::record(&app, &report(start - chrono::Days::new(1)), today())
                .await
                .unwrap_err(),
        );
        assert!(
            why.contains("before the draw") || why.contains("window"),
            "{}: {why}",
            db.name
        );
        // After the window (as if recorded later): refused, naming the window.
        let late = end + chrono::Days::new(1);
        let why = refused(
            app::results::record(&app, &report(late), late)
                .await
                .unwrap_err(),
        );
        assert!(why.contains("inspection window"), "{}: {why}", db.name);

        // Nothing recorded yet: no publication deadline, every staffed target to inspect.
        let row = app::batch::get(&app, &plan.id).await.unwrap();
        let limits = app::deadline::of_batch(&app, &row, today()).await.unwrap();
        assert!(limits.publication.is_none(), "{}", db.name);
        let inspection = limits.inspection.clone().unwrap();
        assert_eq!(inspection.end, end);
        assert_eq!(inspection.missing, staffed.len());
        assert!(!inspection.overdue, "{}: the window is open", db.name);
        let after = app::deadline::of_batch(&app, &row, end + chrono::Days::new(1))
            .await
            .unwrap();
        assert!(after.inspection.unwrap().overdue, "{}", db.name);

        // One result today: the 社会组织 rule (5 working days, 民政部令第60号) from today.
        app::results::record(&app, &report(today()), today())
            .await
            .unwrap();
        let row = app::batch::get(&app, &plan.id).await.unwrap();
        let limits = app::deadline::of_batch(&app, &row, today()).await.unwrap();
        let d = limits.publication.unwrap().unwrap();
        assert_eq!(d.limit.working_days, 5, "{}", db.name);
        assert!(d.limit.basis_zh.contains("民政部令第60号"));
        assert_eq!(d.inspected_on, today());
        assert_eq!(d.due, app.calendar.add_working_days(today(), 5).unwrap());
        assert!(!d.overdue);
        let i = limits.inspection.unwrap();
        assert_eq!(i.missing, staffed.len() - 1, "{}", db.name);
        // The same through the public model the pages and the API show.
        let (view, inspection) = app::public::deadline_views(&app, &row, today())
            .await
            .unwrap();
        let view = view.unwrap();
        assert_eq!(view.due, d.due.to_string());
        assert_eq!(view.working_days, 5);
        assert_eq!(inspection.unwrap().uninspected, (staffed.len() - 1) as u64);
    }
}
