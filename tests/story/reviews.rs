//! Review before publication (审核), on each database: a result returned with its reason
//! keeps the batch from publication until it is corrected and the correction approved; a
//! result is reviewed once, and only while it stands; only a reviewer reviews, and a
//! reviewer records nothing; `log verify` passes after, and the return's reason is sealed
//! until publication, then revealed.

use super::*;

use app::reviews::{Progress, Verdict};

async fn progress(app: &App, batch: &str) -> Progress {
    app::reviews::reviewing(app, batch).await.unwrap().progress
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_result_is_corrected_and_approved_before_publication() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "funeral").await;
        let batch = plan.id.as_str();
        let n = record_all(&app, batch).await;
        assert!(n >= 2, "{}", db.name);
        let who = reviewer(&app).await;
        let waiting = app::reviews::awaiting(&app, batch).await.unwrap();
        assert_eq!(waiting.len(), n);
        let (returned, first_approved) = (waiting[0].clone(), waiting[1].clone());

        // An empty or over-long reason is refused; nothing is written.
        for bad in ["", "   ", &"长".repeat(501)] {
            let e = app::reviews::review(&app, batch, returned.id, who, Verdict::Return(bad))
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Invalid(_)), "{}: {e:?}", db.name);
        }
        let r = app::reviews::review(
            &app,
            batch,
            returned.id,
            who,
            Verdict::Return("  检查记录未写明整改期限，请补充  "),
        )
        .await
        .unwrap();
        assert_eq!(r.verdict, "returned");
        assert_eq!(r.reason.as_deref(), Some("检查记录未写明整改期限，请补充"));
        app::reviews::review(&app, batch, first_approved.id, who, Verdict::Approve)
            .await
            .unwrap();
        // Approving twice, or approving (or returning) a returned result, is refused.
        let why = refused(
            app::reviews::review(&app, batch, first_approved.id, who, Verdict::Approve)
                .await
                .unwrap_err(),
        );
        assert!(
            why.contains("已审核通过") && why.contains("approved already"),
            "{why}"
        );
        let why = refused(
            app::reviews::review(&app, batch, returned.id, who, Verdict::Approve)
                .await
                .unwrap_err(),
        );
        assert!(
            why.contains("已退回") && why.contains("correction"),
            "{why}"
        );

        // Publication is refused, naming what is missing.
        let p = progress(&app, batch).await;
        assert_eq!(
            (
                p.staffed,
                p.recorded,
                p.approved,
                p.returned,
                p.awaiting_review,
                p.unrecorded
            ),
            (n, n, 1, 1, n - 2, 0),
            "{}",
            db.name
        );
        let why = refused(app::batch::publish(&app, batch).await.unwrap_err());
        assert!(
            why.contains(&format!("{} result(s) awaiting review", n - 2))
                && why.contains("1 returned")
                && why.contains("0 target(s) have no result yet"),
            "{}: {why}",
            db.name
        );

        // The officer corrects the returned result; the correction awaits review.
        let codes = vec!["1".to_string()];
        let fix = app::results::Report {
            batch,
            uscc: &returned.uscc,
            officer: &returned.recorded_by,
            codes: &codes,
            note: "现场检查未发现问题，整改期限不适用",
            inspected_on: today(),
            corrects: Some(returned.id),
            request: None,
            checklist: &[],
            asker: app::results::Asker::Corps,
        };
        let corrected = app::results::record(&app, &fix, today()).await.unwrap().row;
        let waiting = app::reviews::awaiting(&app, batch).await.unwrap();
        assert!(waiting.iter().any(|r| r.id == corrected.id));
        assert!(!waiting.iter().any(|r| r.id == returned.id));
        // The superseded result is never reviewed again.
        let why = refused(
            app::reviews::review(&app, batch, returned.id, who, Verdict::Approve)
                .await
                .unwrap_err(),
        );
        assert!(
            why.contains(&format!("现行结果为 #{}", corrected.id))
                && why.contains(&format!("result #{} stands", corrected.id)),
            "{why}"
        );

        // A correction of an approved result is unreviewed again.
        let recheck = app::results::Report {
            uscc: &first_approved.uscc,
            officer: &first_approved.recorded_by,
            corrects: Some(first_approved.id),
            note: "复核后补充说明",
            ..fix.clone()
        };
        let again = app::results::record(&app, &recheck, today())
            .await
            .unwrap()
            .row;
        let p = progress(&app, batch).await;
        assert_eq!(
            (p.approved, p.returned, p.awaiting_review),
            (0, 0, n),
            "{}",
            db.name
        );
        let why = refused(
            app::reviews::review(&app, batch, first_approved.id, who, Verdict::Approve)
                .await
                .unwrap_err(),
        );
        assert!(why.contains(&format!("#{}", again.id)), "{why}");

        // Before publication the return's reason is sealed in the public entry.
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        let returned_entry = &entries[r.log_seq as usize];
        let text = String::from_utf8(returned_entry.bytes.clone()).unwrap();
        assert!(
            text.contains("result.returned")
                && text.contains("\"sealed\"")
                && !text.contains("整改期限"),
            "{text}"
        );

        assert_eq!(approve_all(&app, batch).await, n);
        let published = app::batch::publish(&app, batch).await.unwrap();
        assert_eq!(published.state, "published");
        // The public export carries every review, the return's reason opened, and verifies.
        let public = app::export::export(&app, batch, Aud::Public).await.unwrap();
        let shown = String::from_utf8_lossy(&public).into_owned();
        assert!(
            shown.contains("result.approved") && shown.contains("整改期限"),
            "{}",
            db.name
        );
        verify_export(&public, &app.verifier.to_string());
        let verified = app::log::verify(&app, None).await.unwrap();
        assert!(verified.entries > 10, "{verified:?}");
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_reviewer_reviews_and_a_reviewer_records_nothing() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "funeral").await;
        let batch = plan.id.as_str();
        record_all(&app, batch).await;
        let result = app::reviews::awaiting(&app, batch).await.unwrap()[0].clone();
        // Corps, auditor and officer users may not review: the corps publishes, officers
        // record, and whoever records a result never reviews it.
        let officer = result.recorded_by.clone();
        for (name, role, card) in [
            ("corps-1", app::users::Role::Corps, None),
            ("auditor-1", app::users::Role::Auditor, None),
            (
                "officer-1",
                app::users::Role::Officer,
                Some(officer.as_str()),
            ),
        ] {
            let (user, _) = app::users::add(&app, name, role, card).await.unwrap();
            let e = app::reviews::review(&app, batch, result.id, user.id, Verdict::Approve)
                .await
                .unwrap_err();
            assert!(
                matches!(e, AppError::Forbidden(_)),
                "{}: {name}: {e:?}",
                db.name
            );
        }
        // A revoked reviewer reviews nothing.
        let (gone, _) = app::users::add(&app, "reviewer-gone", app::users::Role::Reviewer, None)
            .await
            .unwrap();
        app::users::revoke(&app, "reviewer-gone").await.unwrap();
        let e = app::reviews::review(&app, batch, gone.id, gone.id, Verdict::Approve)
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Forbidden(_) | AppError::NotFound(_)),
            "{e:?}"
        );
        let e = app::reviews::review(&app, batch, result.id, gone.id, Verdict::Approve)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        // A reviewer carries no card, so no team's result is recorded under it.
        let e = app::users::add(
            &app,
            "reviewer-card",
            app::users::Role::Reviewer,
            Some(&officer),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
        // A result of another batch, or none, is not found.
        let who = reviewer(&app).await;
        let e = app::reviews::review(&app, batch, 9999, who, Verdict::Approve)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound(_)), "{e:?}");
        app::reviews::review(&app, batch, result.id, who, Verdict::Approve)
            .await
            .unwrap();
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}
