//! Builds a real log of about ENTRIES entries in a fresh SQLite database, for the public-log
//! benchmarks (`benches/log_serve.py`): a generated directory of ENTITIES entities and 5,000
//! officers imported, then batches of `benches/plan.toml` (each its own id) created,
//! committed, drawn and published through the application's functions, each with one
//! inspection result per staffed target until the log holds ENTRIES entries.
//!
//! ```text
//! cargo run --release --example big_log -- OUT_DIR [ENTRIES] [ENTITIES]   # 1000000 1000000
//! ```
//! OUT_DIR gets `shuangsui.db` and `log.key` (it must not hold them yet); serve it with
//! `shuangsui serve --database sqlite://OUT_DIR/shuangsui.db --key OUT_DIR/log.key`.
//!
//! Everything but the results goes through `app::` (import, create, commit, draw, publish,
//! and one `users::add` at the end, timed: what one append costs at this size). Results go
//! in bulk, 20,000 to a transaction: `app::results::record` appends through
//! `app::journal::append`, whose checkpoint re-reads every leaf hash: each append costs in
//! proportion to the log's size (see docs/BENCHMARKS.md), so 10⁶ of them would take days
//! (the program times one `users::add` at the end). For each result this
//! writes what `results::record` writes, with the same functions: the row
//! (`results::event_of`, `kind_of`, `store::results::insert`), the entry sealed under a
//! fresh salt with its opening (`seal::seal`, `entry::encode`, `store::log::insert`) and a
//! signed checkpoint of the new head (`Checkpoint::sign`, `store::log::insert_checkpoint`),
//! its root from a tree kept in memory instead of re-read. Results are one per staffed target
//! of a drawn batch, by a member of its team, with codes checked by `ResultCodes` as
//! `record` checks them. `log verify` passes on the result (`--verify` runs it).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use shuangsui::app::{self, App, AppError, users::Role};
use shuangsui::import::{Encoding, Format, Kind};
use shuangsui::ledger::{self, Checkpoint, LogKey, Tree};
use shuangsui::registry::generate::{GenerateSpec, generate};
use shuangsui::store::{self, Tx, results::NewResult, results::ResultRow};

const PLAN: &str = include_str!("../benches/plan.toml");
const ENTROPY: &str = "甲=3918207746,乙=0562283019,丙=7730154826";
/// Results written per transaction.
const CHUNK: usize = 20_000;

/// A plausible result for the `i`-th target (as the demo records them).
fn plausible(i: usize) -> (Vec<String>, &'static str) {
    // Valid under every shipped result list: A 待后续处理, 2 违规, D 其他.
    match i % 10 {
        3 | 6 => (
            vec!["A".into(), "2".into(), "D".into()],
            "消防设施检查记录不全，已责令限期整改",
        ),
        _ => (vec!["1".into()], "现场检查未发现问题"),
    }
}

/// What `journal::append` writes for one entry, the checkpoint's root from `tree`.
async fn append(
    tx: &mut Tx,
    key: &LogKey,
    origin: &str,
    tree: &mut Tree,
    kind: &str,
    event: &serde_json::Value,
) -> Result<app::journal::Appended, AppError> {
    let seq = tree.len();
    let time = store::now();
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|e| AppError::Setup(e.to_string()))?;
    let (public, opening) = ledger::seal::seal(kind, event, &salt);
    let bytes = ledger::entry::encode(seq, &time, kind, &public)
        .map_err(|e| AppError::Setup(e.to_string()))?;
    let leaf = ledger::tree::leaf_hash(&bytes);
    store::log::insert(tx, seq, &bytes, &leaf, opening.as_deref()).await?;
    tree.push_leaf_hash(leaf);
    let checkpoint = Checkpoint {
        origin: origin.to_string(),
        size: tree.len(),
        root: tree.root(),
    };
    store::log::insert_checkpoint(tx, checkpoint.size, &checkpoint.sign(key)).await?;
    Ok(app::journal::Appended { seq, time })
}

/// One result for each staffed target of batch `id` (at most `limit`); returns how many, and
/// how many targets are staffed.
async fn results(
    app: &App,
    key: &LogKey,
    id: &str,
    limit: usize,
) -> Result<(usize, usize), AppError> {
    let targets = store::batches::assignments(&app.store, id).await?;
    let staffed: Vec<_> = targets.iter().filter(|t| !t.team.is_empty()).collect();
    let today = app::batch::china_today().to_string();
    let mut done = 0;
    let mut kept: Option<Tree> = None;
    for chunk in staffed.chunks(CHUNK) {
        if done >= limit {
            break;
        }
        let mut tx = app.store.write().await?;
        // Read once: only this loop appends until the batch is published.
        let tree = match &mut kept {
            Some(t) => t,
            None => kept.insert(Tree::from_leaf_hashes(
                store::log::leaf_hashes(&mut tx).await?,
            )),
        };
        let mut next = store::results::next_id(&mut tx).await?;
        for (i, t) in chunk.iter().enumerate().take(limit - done) {
            let (codes, note) = plausible(done + i);
            let codes = app
                .codes
                .check(&t.sector, &codes)
                .map_err(|e| AppError::Setup(e.to_string()))?;
            let row = ResultRow {
                id: next,
                batch_id: id.to_string(),
                uscc: t.uscc.clone(),
                recorded_by: t.team[0].clone(),
                codes,
                note: note.to_string(),
                inspected_on: today.clone(),
                recorded_at: String::new(),
                corrects: None,
                log_seq: -1,
                request_id: None,
                checklist: None,
                findings: None,
            };
            let kind = app::results::kind_of(&row);
            let logged = append(
                &mut tx,
                key,
                &app.origin,
                tree,
                kind,
                &app::results::event_of(&row),
            )
            .await?;
            store::results::insert(
                &mut tx,
                &NewResult {
                    id: row.id,
                    batch_id: id,
                    uscc: &row.uscc,
                    recorded_by: &row.recorded_by,
                    codes: &row.codes,
                    note: &row.note,
                    inspected_on: &row.inspected_on,
                    recorded_at: &logged.time,
                    corrects: None,
                    log_seq: logged.seq as i64,
                    request_id: None,
                    checklist: None,
                    findings: None,
                },
            )
            .await?;
            next += 1;
        }
        store::batches::mark_results(&mut tx, id).await?;
        tx.commit().await?;
        done += chunk.len().min(limit - done);
    }
    Ok((done, staffed.len()))
}

/// The size of the newest checkpoint.
async fn size(app: &App) -> Result<u64, AppError> {
    Ok(store::log::latest_checkpoint(&app.store)
        .await?
        .map_or(0, |c| c.size))
}

async fn build(
    out: &std::path::Path,
    entries: u64,
    entities: usize,
    verify: bool,
) -> Result<(), AppError> {
    let start = Instant::now();
    let url = format!("sqlite://{}", out.join("shuangsui.db").display());
    let key_file = out.join("log.key");
    let (verifier, _) = app::init(&url, &key_file, "bench.shuangsui.local/log").await?;
    println!("log key: {verifier}");
    let app = App::open(&url, Some(&key_file)).await?;
    let key = app::journal::read_key(&key_file)?;
    let directory = generate(&GenerateSpec {
        entities,
        officers: 5_000,
        seed: 1,
    });
    let dir = out.join("directory");
    shuangsui::registry::write::write(&dir, &directory)
        .map_err(|e| AppError::Setup(format!("{}: {e}", dir.display())))?;
    drop(directory);
    for kind in Kind::ALL {
        let path = dir.join(kind.file_name());
        let bytes = std::fs::read(&path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
        app::directory::import(
            &app,
            kind,
            kind.file_name(),
            &bytes,
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await?;
    }
    println!(
        "directory of {entities} entities generated and imported: {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let (mut in_app, mut in_bulk) = (0.0f64, 0.0f64);
    let mut k = 0;
    // Each batch adds 4 or 5 entries through `app::` (created, committed, draw started,
    // drawn, published); the last entry, `user.added`, is timed on its own.
    while size(&app).await? + 5 < entries {
        k += 1;
        let t = Instant::now();
        let plan = PLAN.replacen(
            "id = \"BENCH-2026\"",
            &format!("id = \"BENCH-2026-{k:03}\""),
            1,
        );
        let b = app::batch::create(&app, &format!("plan-{k:03}.toml"), &plan).await?;
        app::batch::commit(&app, &b.id).await?;
        app::draw::draw(&app, &b.id, ENTROPY).await?;
        in_app += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let room = (entries - size(&app).await? - 2) as usize;
        let (n, staffed) = results(&app, &key, &b.id, room).await?;
        in_bulk += t.elapsed().as_secs_f64();
        if n == 0 {
            return Err(AppError::Setup(format!("{}: no staffed target", b.id)));
        }
        if n < staffed {
            // Publication needs every result: the last batch stays in progress.
            println!(
                "{}: {n} of {staffed} results, in progress; log size {}; {:.0} s so far",
                b.id,
                size(&app).await?,
                start.elapsed().as_secs_f64()
            );
            break;
        }
        let t = Instant::now();
        app::batch::publish(&app, &b.id).await?;
        let published = t.elapsed().as_secs_f64();
        in_app += published;
        println!(
            "{}: {n} results, published; log size {}; {:.0} s so far (publish {published:.2} s)",
            b.id,
            size(&app).await?,
            start.elapsed().as_secs_f64()
        );
    }
    while size(&app).await? + 1 < entries {
        // Fill up with users (one append each, through `app::`).
        let n = size(&app).await?;
        let t = Instant::now();
        app::users::add(&app, &format!("bench-auditor-{n}"), Role::Auditor, None).await?;
        in_app += t.elapsed().as_secs_f64();
    }
    let before = size(&app).await?;
    let t = Instant::now();
    app::users::add(&app, "bench-corps", Role::Corps, None).await?;
    let one = t.elapsed().as_secs_f64();
    in_app += one;
    println!(
        "one app::users::add at log size {before}: {one:.2} s (journal::append re-reads every leaf hash)"
    );
    println!(
        "log of {} entries in {:.0} s: {k} batches, {in_app:.0} s in app:: calls, {in_bulk:.0} s writing results in bulk",
        size(&app).await?,
        start.elapsed().as_secs_f64()
    );
    if verify {
        let t = Instant::now();
        let v = app::log::verify(&app, None).await?;
        println!(
            "log verify: {} entries, {} checkpoints, {} rows cross-checked: {:.0} s",
            v.entries,
            v.checkpoints,
            v.cross_checked,
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verify = args.iter().any(|a| a == "--verify");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--verify").collect();
    let number = |i: usize, default: u64| {
        args.get(i)
            .map_or(Some(default), |a| a.replace('_', "").parse::<u64>().ok())
    };
    let (Some(out), Some(entries), Some(entities)) =
        (args.first(), number(1, 1_000_000), number(2, 1_000_000))
    else {
        eprintln!("usage: big_log OUT_DIR [ENTRIES] [ENTITIES] [--verify]");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    if out.join("shuangsui.db").exists() || out.join("log.key").exists() {
        eprintln!("{}: holds a database or key already", out.display());
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(build(&out, entries, entities as usize, verify)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
