//! The second half of `sample`: the same plans through the database (SQLite in the output
//! folder): init, import the five tables, create, commit and draw each batch (the same
//! commitments as the offline half), export the first for auditors with the log's
//! evidence, verify the export offline and the whole log. Prints the command a clerk would
//! type at each step. Results are not recorded here: they are dated inside each plan's
//! inspection window, which the shipped plans set on fixed days (the demo moves it).

use crate::domain::Message;
use std::path::{Path, PathBuf};

use super::{EXIT_OK, EXIT_UNREADABLE, draw, files};
use crate::app::{self, App, AppError, directory::Imported, export::Audience};
use crate::import::{Encoding, Format, Kind};

pub fn run(registries_dir: &Path, plan_files: &[PathBuf], out: &Path) -> i32 {
    let db_path = out.join("shuangsui.db");
    let key = out.join("log.key");
    for stale in [
        "shuangsui.db",
        "shuangsui.db-wal",
        "shuangsui.db-shm",
        "log.key",
    ] {
        let _ = std::fs::remove_file(out.join(stale));
    }
    let url = format!("sqlite://{}", db_path.display());
    let rt = match super::db::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio: {e}");
            return EXIT_UNREADABLE;
        }
    };
    match rt.block_on(stored(registries_dir, plan_files, out, &url, &key)) {
        Ok(()) => EXIT_OK,
        Err(e) => super::db::fail(e),
    }
}

async fn stored(
    registries_dir: &Path,
    plan_files: &[PathBuf],
    out: &Path,
    url: &str,
    key: &Path,
) -> Result<(), AppError> {
    let db = format!("--database {url} --key {}", key.display());
    println!();
    println!("== 5. the same through the database: shuangsui init {db}");
    let (verifier, _) = app::init(url, key, "shuangsui.local/sample-log").await?;
    println!("   log key (published): {verifier}");
    let app = App::open(url, Some(key)).await?;
    for kind in Kind::ALL {
        let name = crate::registry::table_file(registries_dir, kind.file_name())
            .map_err(|e| AppError::Setup(e.to_string()))?;
        let path = registries_dir.join(name);
        if kind == Kind::Lists && !path.exists() {
            continue; // a folder without lists.csv has an empty lists table
        }
        println!(
            "== 6. import: shuangsui import {} {} {db}",
            kind.word(),
            path.display()
        );
        let bytes = std::fs::read(&path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
        let name = path.display().to_string();
        match app::directory::import(
            &app,
            kind,
            &name,
            &bytes,
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await?
        {
            Imported::Created(s) | Imported::Unchanged(s) => {
                println!(
                    "   {} v{}: {} rows, sha256 {}",
                    s.kind, s.version, s.row_count, s.content_sha256
                )
            }
        }
    }
    let mut first: Option<String> = None;
    for plan_path in plan_files {
        let text = std::fs::read_to_string(plan_path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", plan_path.display())))?;
        println!("== 7. batch create --plan {} {db}", plan_path.display());
        let b = app::batch::create(&app, &plan_path.display().to_string(), &text).await?;
        let committed = app::batch::commit(&app, &b.id).await?;
        println!(
            "   batch commit {}: hash {}",
            b.id,
            committed.commitment_hash.as_deref().unwrap_or_default()
        );
        let plan = app::batch::plan(&b)?;
        let Some(entropy) = super::sample::demo_entropy(&plan.id, &plan.entropy) else {
            println!("   {} declares drand entropy: left committed", plan.id);
            continue;
        };
        println!("   batch draw {} --entropy {entropy}", b.id);
        let bundle = app::draw::draw(&app, &b.id, &entropy).await?;
        draw::print_summary(&bundle);
        first.get_or_insert(b.id.clone());
    }
    if let Some(id) = first {
        let plan = app::batch::plan(&app::batch::get(&app, &id).await?)?;
        let (start, end) = plan
            .window()
            .map_err(|e| AppError::Invalid(Message::same(e)))?;
        println!(
            "== 8. results are recorded by the inspecting team, each dated inside the inspection window {start} to {end}: shuangsui result record {id} USCC --officer CARD --codes 1 --date YYYY-MM-DD {db}; a reviewer (shuangsui user add NAME --role reviewer {db}) approves each (shuangsui result approve {id} RESULT --reviewer NAME {db}) or returns it with a reason (shuangsui result return {id} RESULT --reviewer NAME --reason TEXT {db}); then shuangsui batch publish {id} {db} (the demo, `shuangsui demo`, shows all of it)"
        );
        let export_path = out.join(format!("{id}.export.json"));
        let _ = std::fs::remove_file(&export_path);
        let bytes = app::export::export(&app, &id, Audience::Auditor).await?;
        files::write_new(&export_path, |w| std::io::Write::write_all(w, &bytes))
            .map_err(AppError::Setup)?;
        println!(
            "== 9. export for auditors (before publication): shuangsui batch export {id} --auditor --out {} {db}",
            export_path.display()
        );
        println!(
            "   verify offline: shuangsui verify {} --log-key {verifier}",
            export_path.display()
        );
        let checked =
            match super::verify::check(&bytes, None, Some(&app.verifier), &Default::default()) {
                super::verify::Outcome::Pass(_, Some(checked)) => checked,
                super::verify::Outcome::Pass(_, None) => {
                    return Err(AppError::Invalid(Message::new(
                        "FAIL 导出文件没有日志证据",
                        "FAIL the export carries no log evidence",
                    )));
                }
                super::verify::Outcome::Fail(why) | super::verify::Outcome::Unreadable(why) => {
                    return Err(AppError::Invalid(Message::same(format!("FAIL {why}"))));
                }
            };
        println!(
            "   PASS: bundle re-derived; {} log entries proven under checkpoint {}",
            checked.entries, checked.size
        );
    }
    println!("== 10. shuangsui log verify {db}");
    let v = app::log::verify(&app, None).await?;
    println!(
        "   PASS log: {} entries, {} checkpoints, root {}, {} table rows agree with the log",
        v.entries, v.checkpoints, v.root, v.cross_checked
    );
    println!("   see every batch: shuangsui batch status {db}");
    app.store.close().await;
    Ok(())
}
