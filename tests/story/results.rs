//! One result stands per target, on each database: a second result that is not a
//! correction is refused, a correction must correct the standing result, simultaneous
//! processes record one result, and a retried `result record --request-id` adds nothing.

use super::*;

/// `shuangsui ARGS --database URL --key KEY`.
fn cli(db: &backends::TestDb, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    c.args(args)
        .args(["--database", &db.url])
        .arg("--key")
        .arg(db.key())
        .env_remove("DATABASE_URL")
        .env_remove("SHUANGSUI_LOG_KEY");
    c
}

fn said(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A staffed target of the drawn plan `name`: (batch, uscc, first officer of its team).
async fn a_target(app: &App, name: &str) -> (String, String, String) {
    let plan = drawn(app, name).await;
    let targets = shuangsui::store::batches::assignments(&app.store, &plan.id)
        .await
        .unwrap();
    let t = targets.iter().find(|t| !t.team.is_empty()).unwrap();
    (plan.id, t.uscc.clone(), t.team[0].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_result_is_refused_and_a_correction_corrects_the_standing_one() {
    for (app, db) in each_backend().await {
        let (batch, uscc, officer) = a_target(&app, "funeral").await;
        let one = vec!["1".to_string()];
        let b: Vec<String> = ["2", "BZ01", "A"].map(String::from).to_vec();
        let report = app::results::Report {
            batch: &batch,
            uscc: &uscc,
            officer: &officer,
            codes: &one,
            note: "",
            inspected_on: today(),
            corrects: None,
            request: None,
            checklist: &[],
            asker: app::results::Asker::Corps,
        };
        let first = app::results::record(&app, &report, today())
            .await
            .unwrap()
            .row;
        let again = app::results::Report {
            codes: &b,
            ..report.clone()
        };
        let why = refused(
            app::results::record(&app, &again, today())
                .await
                .unwrap_err(),
        );
        assert!(
            why.contains(&format!("#{}", first.id)) && why.contains("--corrects"),
            "{}: {why}",
            db.name
        );
        let fix = app::results::Report {
            corrects: Some(first.id),
            ..again.clone()
        };
        let second = app::results::record(&app, &fix, today()).await.unwrap().row;
        // The first is superseded: correcting it again would fork the chain.
        let why = refused(app::results::record(&app, &fix, today()).await.unwrap_err());
        assert!(
            why.contains(&format!("#{}", second.id)),
            "{}: {why}",
            db.name
        );
        let rows = shuangsui::store::results::of_batch(&app.store, &batch)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2, "{}: {rows:?}", db.name);
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_results_for_one_target_from_several_processes_give_one() {
    const PROCESSES: usize = 4;
    for (app, db) in each_backend().await {
        let (batch, uscc, officer) = a_target(&app, "funeral").await;
        let date = today().to_string();
        let args = [
            "result",
            "record",
            &batch,
            &uscc,
            "--officer",
            &officer,
            "--codes",
            "1",
            "--date",
            &date,
        ];
        let children: Vec<std::process::Child> = (0..PROCESSES)
            .map(|_| {
                cli(&db, &args)
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
        let won = outputs
            .iter()
            .filter(|o| o.status.code() == Some(0))
            .count();
        assert_eq!(
            won,
            1,
            "{}: {:?}",
            db.name,
            outputs.iter().map(said).collect::<Vec<_>>()
        );
        for o in outputs.iter().filter(|o| o.status.code() != Some(0)) {
            assert_eq!(o.status.code(), Some(1), "{}: {}", db.name, said(o));
            assert!(said(o).contains("stands"), "{}: {}", db.name, said(o));
        }
        let rows = shuangsui::store::results::of_batch(&app.store, &batch)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{}: {rows:?}", db.name);
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_result_record_with_its_request_id_adds_nothing() {
    for (app, db) in each_backend().await {
        let (batch, uscc, officer) = a_target(&app, "funeral").await;
        let date = today().to_string();
        let record = |codes: &str, request: &str| {
            cli(
                &db,
                &[
                    "result",
                    "record",
                    &batch,
                    &uscc,
                    "--officer",
                    &officer,
                    "--codes",
                    codes,
                    "--date",
                    &date,
                    "--request-id",
                    request,
                ],
            )
            .output()
            .unwrap()
        };
        let first = record("1", "clerk-7f3a");
        assert_eq!(
            first.status.code(),
            Some(0),
            "{}: {}",
            db.name,
            said(&first)
        );
        let retry = record("1", "clerk-7f3a");
        assert_eq!(
            retry.status.code(),
            Some(0),
            "{}: {}",
            db.name,
            said(&retry)
        );
        let id = |o: &std::process::Output| {
            said(o)
                .split_whitespace()
                .find_map(|w| w.strip_prefix('#').map(str::to_string))
        };
        assert_eq!(id(&first), id(&retry), "{}: {}", db.name, said(&retry));
        assert!(
            said(&retry).contains("already"),
            "{}: {}",
            db.name,
            said(&retry)
        );
        let other = record("2,BZ01,A", "clerk-7f3a");
        assert_eq!(
            other.status.code(),
            Some(1),
            "{}: {}",
            db.name,
            said(&other)
        );
        assert!(said(&other).contains("clerk-7f3a"), "{}", said(&other));
        let long = record("1", &"x".repeat(129));
        assert_eq!(long.status.code(), Some(1), "{}: {}", db.name, said(&long));
        let rows = shuangsui::store::results::of_batch(&app.store, &batch)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{}: {rows:?}", db.name);
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        let entry = &entries[rows[0].log_seq as usize];
        let opening = entry.opening.clone().unwrap_or_default();
        assert!(opening.contains("\"request\":\"clerk-7f3a\""), "{opening}");
        let public = String::from_utf8_lossy(&entry.bytes);
        assert!(
            !public.contains("clerk-7f3a"),
            "sealed in the entry: {public}"
        );
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_checked_against_the_list_of_the_targets_sector() {
    for (app, db) in each_backend().await {
        let (batch, uscc, officer) = a_target(&app, "funeral").await;
        let record = async |codes: &[&str]| {
            let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
            let report = app::results::Report {
                batch: &batch,
                uscc: &uscc,
                officer: &officer,
                codes: &codes,
                note: "",
                inspected_on: today(),
                corrects: None,
                request: None,
                checklist: &[],
                asker: app::results::Asker::Corps,
            };
            app::results::record(&app, &report, today()).await
        };
        // Contradictory selections: refused with the rule of the 殡葬服务 list.
        for (codes, rule) in [
            (&["A", "E", "2", "BZ01"][..], "只能选一"),
            (&["8", "9", "E", "F"], "「9 已注销」须单独选择"),
            (&["8", "F"], "「8 不配合检查情节严重」不能与"),
            (&["BZ01", "A"], "须同时选择其上级「2 违反殡葬管理规定」"),
            (&["2", "A"], "须至少选择一个下级代码"),
            (&["2", "BZ01"], "须选择其处理"),
            // Codes of the 社会组织 list and of the market list's departments.
            (&["2", "SZ01", "A"], "'SZ01'"),
            (&["A", "3"], "'3'"),
        ] {
            let why = refused(record(codes).await.unwrap_err());
            assert!(why.contains(rule), "{}: {codes:?}: {why}", db.name);
        }
        assert!(
            shuangsui::store::results::of_batch(&app.store, &batch)
                .await
                .unwrap()
                .is_empty(),
            "{}: a refused result is not written",
            db.name
        );
        // A valid nested selection, stored in the list's order.
        let row = record(&["a", "bz02", "2"]).await.unwrap().row;
        assert_eq!(row.codes, ["2", "BZ02", "A"], "{}", db.name);
    }
}
