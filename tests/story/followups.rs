//! Follow-up and closure (后续处置 / 查处结果), on each database: a finding opens a
//! follow-up once its result is approved; the corps records measures (a due date from
//! today) and closes it once (dated between the inspection and today), after which it takes
//! no measure; a correction without finding lapses a follow-up; the closure of a published
//! batch's follow-up is its own public entry, its opening public at once, while what was
//! recorded before publication is revealed with it; `log verify` passes after.

use super::*;

use app::followups::{Filter, NewClosure, NewMeasure};
use chrono::Days;

/// Records, for the first two staffed targets, a finding (2 + BZ01 + A 发现问题待后续处理, of the funeral list),
/// and "1" for the rest; returns the two targets' USCCs and their results.
async fn with_findings(app: &App, batch: &str) -> Vec<(String, i64)> {
    let targets = shuangsui::store::batches::assignments(&app.store, batch)
        .await
        .unwrap();
    let mut found = Vec::new();
    for (i, t) in targets.iter().filter(|t| !t.team.is_empty()).enumerate() {
        let codes: Vec<String> = if i < 2 {
            vec!["2".into(), "BZ01".into(), "A".into()]
        } else {
            vec!["1".into()]
        };
        let report = app::results::Report {
            batch,
            uscc: &t.uscc,
            officer: &t.team[0],
            codes: &codes,
            note: "",
            inspected_on: today(),
            corrects: None,
            request: None,
            asker: app::results::Asker::Corps,
            checklist: &[],
        };
        let r = app::results::record(app, &report, today())
            .await
            .unwrap()
            .row;
        if i < 2 {
            found.push((t.uscc.clone(), r.id));
        }
    }
    found
}

fn measure<'a>(batch: &'a str, uscc: &'a str, due: NaiveDate, by: i64) -> NewMeasure<'a> {
    NewMeasure {
        batch,
        uscc,
        measure: "责令限期整改",
        due,
        note: "责令三十日内公示收费标准",
        by,
        request: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_is_followed_up_closed_and_published_as_its_own_entry() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "funeral").await;
        let batch = plan.id.as_str();
        let found = with_findings(&app, batch).await;
        let (corps, _) = app::users::add(&app, "corps-1", app::users::Role::Corps, None)
            .await
            .unwrap();
        let by = corps.id;
        let (closing, lapsing) = (found[0].0.as_str(), found[1].0.as_str());
        let due = today() + Days::new(30);

        // Before approval the finding is pending: no measure.
        let why = refused(
            app::followups::record_measure(&app, &measure(batch, closing, due, by))
                .await
                .unwrap_err(),
        );
        assert!(why.contains("not approved"), "{}: {why}", db.name);
        let counts = app::followups::of_batch(&app, batch, today())
            .await
            .unwrap()
            .counts;
        assert_eq!((counts.pending, counts.open), (2, 0), "{}", db.name);

        approve_all(&app, batch).await;
        // Only the corps records follow-ups.
        let who = reviewer(&app).await;
        let e = app::followups::record_measure(&app, &measure(batch, closing, due, who))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{}: {e:?}", db.name);
        // A due date in the past is refused; nothing is written.
        let size = shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len();
        let yesterday = today() - Days::new(1);
        let why = refused(
            app::followups::record_measure(&app, &measure(batch, closing, yesterday, by))
                .await
                .unwrap_err(),
        );
        assert!(why.contains("before today"), "{why}");
        assert_eq!(
            shuangsui::store::log::entries(&app.store)
                .await
                .unwrap()
                .len(),
            size
        );
        // A target without a finding has no follow-up.
        let clean = shuangsui::store::batches::assignments(&app.store, batch)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| !t.team.is_empty())
            .nth(2)
            .map(|t| t.uscc);
        if let Some(clean) = &clean {
            let why = refused(
                app::followups::record_measure(&app, &measure(batch, clean, due, by))
                    .await
                    .unwrap_err(),
            );
            assert!(why.contains("no finding"), "{why}");
        }

        // Two measures on one, one on the other; an overdue one is seen as overdue later.
        let m1 = app::followups::record_measure(&app, &measure(batch, closing, due, by))
            .await
            .unwrap();
        assert_eq!(m1.measure, "责令限期整改");
        let interview = NewMeasure {
            measure: "interview",
            due: today(),
            note: "",
            ..measure(batch, closing, due, by)
        };
        let m2 = app::followups::record_measure(&app, &interview)
            .await
            .unwrap();
        // A second post of the same request (a double tap) returns the first measure and
        // writes nothing; the same request id with other content is refused.
        let tapped = NewMeasure {
            request: Some("form-7f3a"),
            ..measure(batch, lapsing, due, by)
        };
        let first = app::followups::record_measure(&app, &tapped).await.unwrap();
        assert_eq!(
            first.request_id.as_deref(),
            Some("form-7f3a"),
            "{}",
            db.name
        );
        let size = shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len();
        let again = app::followups::record_measure(&app, &tapped).await.unwrap();
        assert_eq!(again, first, "{}", db.name);
        let other = NewMeasure {
            note: "另一项措施",
            ..tapped.clone()
        };
        let why = refused(
            app::followups::record_measure(&app, &other)
                .await
                .unwrap_err(),
        );
        assert!(why.contains("form-7f3a"), "{}: {why}", db.name);
        assert_eq!(
            shuangsui::store::log::entries(&app.store)
                .await
                .unwrap()
                .len(),
            size,
            "{}: a repeated request wrote",
            db.name
        );
        assert_eq!(m2.measure, "约谈");
        app::followups::record_measure(&app, &measure(batch, lapsing, today(), by))
            .await
            .unwrap();
        let later = today() + Days::new(1);
        let f = app::followups::of_batch(&app, batch, later).await.unwrap();
        assert_eq!((f.counts.overdue, f.counts.open), (2, 0), "{}", db.name);
        let overdue = app::followups::list(&app, Filter::Overdue, false, later)
            .await
            .unwrap();
        assert_eq!(overdue.len(), 2);
        let f = app::followups::of_batch(&app, batch, today())
            .await
            .unwrap();
        assert_eq!((f.counts.open, f.counts.overdue), (2, 0), "{}", db.name);

        // A correction that removes every finding lapses the second follow-up.
        let codes = vec!["1".to_string()];
        let officer = shuangsui::store::batches::assignments(&app.store, batch)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.uscc == lapsing)
            .unwrap()
            .team[0]
            .clone();
        let fix = app::results::Report {
            batch,
            uscc: lapsing,
            officer: &officer,
            codes: &codes,
            note: "复核：收费标准已公示",
            inspected_on: today(),
            corrects: Some(found[1].1),
            request: None,
            asker: app::results::Asker::Corps,
            checklist: &[],
        };
        app::results::record(&app, &fix, today()).await.unwrap();
        approve_all(&app, batch).await;
        let f = app::followups::of_batch(&app, batch, today())
            .await
            .unwrap();
        let lapsed = f.followups.iter().find(|x| x.uscc == lapsing).unwrap();
        assert_eq!(lapsed.state, "lapsed", "{}", db.name);
        let why = refused(
            app::followups::record_measure(&app, &measure(batch, lapsing, due, by))
                .await
                .unwrap_err(),
        );
        assert!(why.contains("no finding"), "{why}");

        // Publication; a measure recorded before is revealed with it.
        app::batch::publish(&app, batch).await.unwrap();
        let public_log = app::public_log::PublicLog::default();
        assert!(
            public_log
                .opening(&app, m1.log_seq as u64)
                .await
                .unwrap()
                .is_some_and(|o| o.contains("三十日")),
            "{}",
            db.name
        );

        // Closure: not before the inspection, not in the future, an outcome text required.
        let close = |on: NaiveDate, text: &'static str| NewClosure {
            batch,
            uscc: closing,
            closed_on: on,
            outcome: "已整改",
            text,
            by,
        };
        for (on, text, expected) in [
            (today() + Days::new(1), "已整改", "in the future"),
            (today() - Days::new(1), "已整改", "before the inspection"),
        ] {
            let why = refused(
                app::followups::close(&app, &close(on, text))
                    .await
                    .unwrap_err(),
            );
            assert!(why.contains(expected), "{}: {why}", db.name);
        }
        let e = app::followups::close(&app, &close(today(), "  "))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
        let closed = app::followups::close(&app, &close(today(), "已在网站公示收费标准，整改完毕"))
            .await
            .unwrap();
        // Its own entry, public at once: the opening is served as soon as it is written.
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        let text = String::from_utf8(entries[closed.log_seq as usize].bytes.clone()).unwrap();
        assert!(
            text.contains("followup.closed") && !text.contains("整改完毕"),
            "{text}"
        );
        let opening = public_log
            .opening(&app, closed.log_seq as u64)
            .await
            .unwrap()
            .expect("public at once");
        assert!(
            opening.contains("整改完毕") && opening.contains("已整改"),
            "{opening}"
        );
        // Closed once; no measure after.
        let why = refused(
            app::followups::close(&app, &close(today(), "再次"))
                .await
                .unwrap_err(),
        );
        assert!(why.contains("second closure"), "{why}");
        let why = refused(
            app::followups::record_measure(&app, &measure(batch, closing, due, by))
                .await
                .unwrap_err(),
        );
        assert!(why.contains("no more measures"), "{why}");
        let f = app::followups::of_batch(&app, batch, later).await.unwrap();
        assert_eq!(
            (
                f.counts.closed,
                f.counts.lapsed,
                f.counts.open,
                f.counts.overdue
            ),
            (1, 1, 0, 0),
            "{}",
            db.name
        );
        // The public export still verifies (the measure before publication is in its
        // reveals), and the log replays into every table.
        let public = app::export::export(&app, batch, Aud::Public).await.unwrap();
        assert!(String::from_utf8_lossy(&public).contains("followup.measure"));
        verify_export(&public, &app.verifier.to_string());
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}
