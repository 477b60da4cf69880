//! Checklists (检查表单), on each database: a result fills the checklist of its batch's
//! matter, the checker refuses one that contradicts the categories (nothing written), a
//! correction fills it again, `log verify` covers it (a changed finding is named), and the
//! published batch shows the categories and the measures, never the findings' text, which
//! is in no log entry or opening either.

use super::*;

use shuangsui::domain::checklist::{Book, Filled, FilledItem};

/// The MZ-BZ-01 checklist filled: every item 符合, but item `problem` (if any) 不符合 with
/// `finding` and the measure 责令限期整改.
pub fn funeral_form(problem: Option<(&str, &str)>) -> Vec<Filled> {
    let list = Book::shipped().get("MZ-BZ-01").unwrap();
    let items = list
        .items
        .iter()
        .map(|i| match problem {
            Some((id, finding)) if id == i.id => FilledItem {
                item: i.id.clone(),
                answer: Some("不符合".into()),
                finding: Some(finding.into()),
                measure: Some("责令限期整改".into()),
            },
            _ => FilledItem {
                item: i.id.clone(),
                answer: Some("符合".into()),
                finding: None,
                measure: None,
            },
        })
        .collect();
    vec![Filled {
        matter: "MZ-BZ-01".into(),
        items,
    }]
}

const FINDING: &str = "殡葬用品未明码标价（寿衣三件）";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filled_checklist_is_logged_verified_and_published_without_its_findings() {
    for (app, db) in each_backend().await {
        let plan = drawn(&app, "funeral").await;
        let batch = plan.id.as_str();
        let targets = shuangsui::store::batches::assignments(&app.store, batch)
            .await
            .unwrap();
        let t = targets.iter().find(|t| !t.team.is_empty()).unwrap();
        let no_problem = vec!["1".to_string()];
        let found: Vec<String> = ["2", "BZ03", "A"].map(String::from).to_vec();
        let with_problem = funeral_form(Some(("03", FINDING)));
        let report = app::results::Report {
            batch,
            uscc: &t.uscc,
            officer: &t.team[0],
            codes: &no_problem,
            note: "",
            inspected_on: today(),
            corrects: None,
            request: Some("cl-1"),
            checklist: &with_problem,
            asker: app::results::Asker::Corps,
        };
        // 未发现问题 with a 不符合 item: refused, naming the item; nothing written.
        let e = app::results::record(&app, &report, today())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.to_string().contains("item 03") && m.to_string().contains("未发现问题")),
            "{}: {e:?}",
            db.name
        );
        assert!(
            shuangsui::store::results::of_batch(&app.store, batch)
                .await
                .unwrap()
                .is_empty()
        );
        // The finding category with every item 符合: refused too.
        let all_ok = funeral_form(None);
        let e = app::results::record(
            &app,
            &app::results::Report {
                codes: &found,
                checklist: &all_ok,
                ..report.clone()
            },
            today(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.to_string().contains("没有不符合的项")),
            "{}: {e:?}",
            db.name
        );
        // Consistent: recorded; a retry with the same request and content adds nothing.
        let good = app::results::Report {
            codes: &found,
            ..report.clone()
        };
        let first = app::results::record(&app, &good, today()).await.unwrap();
        assert!(!first.replayed);
        assert!(
            app::results::record(&app, &good, today())
                .await
                .unwrap()
                .replayed
        );
        let forms = app::checklists::forms_of(&first.row).unwrap();
        assert_eq!(forms[0].items[2].finding.as_deref(), Some(FINDING));
        assert_eq!(
            forms[0].sha256,
            Book::shipped().get("MZ-BZ-01").unwrap().sha256()
        );
        // The retry with another checklist is refused.
        let other = funeral_form(Some(("03", "另一个问题")));
        let e = app::results::record(
            &app,
            &app::results::Report {
                checklist: &other,
                ..good.clone()
            },
            today(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{}: {e:?}", db.name);
        // A correction fills the checklist again: the problem corrected on the spot.
        let mut fixed = funeral_form(Some(("03", FINDING)));
        fixed[0].items[2].measure = Some("当场整改".into());
        let corrected_codes: Vec<String> = ["2", "BZ03", "E"].map(String::from).to_vec();
        let fix = app::results::record(
            &app,
            &app::results::Report {
                codes: &corrected_codes,
                corrects: Some(first.row.id),
                request: None,
                checklist: &fixed,
                ..good.clone()
            },
            today(),
        )
        .await
        .unwrap();
        assert_eq!(
            app::checklists::measures(&fix.row),
            [shuangsui::domain::codes::Measure::CorrectedOnSite]
        );
        app::log::verify(&app, None).await.unwrap();
        // The finding's text is in no entry and no opening: only its salted hash is.
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        for e in &entries {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&e.bytes),
                e.opening.as_deref().unwrap_or_default()
            );
            assert!(!text.contains("寿衣"), "{}: entry {}", db.name, e.seq);
        }
        // Publish: the public page shows the categories and the measure, not the finding.
        for other in targets
            .iter()
            .filter(|o| !o.team.is_empty() && o.uscc != t.uscc)
        {
            let one = vec!["1".to_string()];
            let ok = funeral_form(None);
            app::results::record(
                &app,
                &app::results::Report {
                    uscc: &other.uscc,
                    officer: &other.team[0],
                    codes: &one,
                    request: None,
                    checklist: &ok,
                    ..report.clone()
                },
                today(),
            )
            .await
            .unwrap();
        }
        approve_all(&app, batch).await;
        app::batch::publish(&app, batch).await.unwrap();
        let public_log = app::public_log::PublicLog::default();
        let page = app::public::batch_page(&app, &public_log, batch, today())
            .await
            .unwrap();
        let shown = page
            .targets
            .iter()
            .find(|g| g.uscc == t.uscc)
            .and_then(|g| g.result.clone())
            .unwrap();
        assert_eq!(shown.id, fix.row.id);
        assert_eq!(shown.measures, ["当场整改"]);
        assert!(shown.codes.iter().any(|c| c.code == "BZ03"));
        let json = serde_json::to_string(&page).unwrap();
        assert!(!json.contains("寿衣"), "{}: {json}", db.name);
        app::log::verify(&app, None).await.unwrap();
    }
}
