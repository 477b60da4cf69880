//! `shuangsui demo`: a working platform on a fresh machine in one command. A new SQLite
//! database in the output folder, the shipped Shanghai directories imported, every shipped
//! plan (one per sector and the joint one), its inspection window moved to start today,
//! committed and drawn with demonstration ceremony digits, plausible results (with their
//! filled checklists) recorded and
//! approved by the demo reviewer, every batch published but one left in progress (half its
//! results recorded, one approved and one returned), findings followed up (one closed, others
//! open: `demo_followups`), four demo users (corps, officer, auditor, reviewer), the 2026
//! annual plan (年度抽查计划) grouping the shipped batches, published before them, then the
//! server. Prints the URLs and the tokens.

use crate::domain::Message;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_OK, EXIT_UNREADABLE, serve::ServeArgs};
use crate::app::{self, App, AppError, users::Role};
use crate::import::{Encoding, Format, Kind};
use crate::store::batches::Assignment;

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    #[arg(long, default_value = "registries/shanghai")]
    pub registries: PathBuf,
    #[arg(long, default_value = "registries/shanghai/plans")]
    pub plans: PathBuf,
    /// Folder of annual plans (年度抽查计划) to publish before the batches.
    #[arg(long, default_value = "registries/shanghai/annual")]
    pub annual: PathBuf,
    /// Folder for the demo database and key (its demo files are replaced).
    #[arg(long, default_value = "demo-run")]
    pub out: PathBuf,
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Set everything up, print, and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

/// Days from today to the end of the demo batches' inspection window.
const DEMO_WINDOW_DAYS: u64 = 45;

/// The batch left in progress (results partly recorded, not published).
const IN_PROGRESS: &str = "joint";

/// What the demo made, to print.
struct Made {
    published: Vec<String>,
    in_progress: Option<String>,
    /// Role, user name, token, password.
    tokens: Vec<(Role, String, String, String)>,
    /// The annual plans published.
    annual: Vec<String>,
}

/// The `.toml` files of a folder, by name.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| AppError::Setup(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// A plausible result for the `i`-th staffed target, valid under its sector's result list
/// (`registries/result-codes/`): mostly nothing found, some problems (corrected after an
/// order, or to follow up), an unreachable entity now and then.
fn plausible(sector: &str, i: usize) -> (Vec<String>, &'static str) {
    let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect();
    match (sector, i % 10) {
        ("社会组织", 3) => (
            codes(&["2", "SZ01", "E"]),
            "未按时报送年度工作报告，经责令已补报",
        ),
        ("社会组织", 6) => (
            codes(&["2", "B", "A"]),
            "未按规定公开年度工作报告，已告知限期公开",
        ),
        ("社会组织", 8) => (
            codes(&["2", "6", "A"]),
            "登记住所无法联系，拟列入活动异常名录",
        ),
        ("养老服务", 3) => (
            codes(&["2", "YL05", "E"]),
            "消防设施检查记录不全，已责令整改并完成",
        ),
        ("养老服务", 6) => (
            codes(&["2", "YL03", "A"]),
            "收费项目和标准未公示，已告知限期改正",
        ),
        ("殡葬服务", 3 | 6) => (
            codes(&["2", "BZ01", "E"]),
            "服务项目和收费标准未在醒目位置公示，已当场责令改正",
        ),
        (_, 3) => (codes(&["E"]), "发现问题，已责令改正并完成"),
        (_, 6) => (
            codes(&["A", "2", "B"]),
            "未按规定公示应当公示的信息，已告知限期公示",
        ),
        _ => (codes(&["1"]), "现场检查未发现问题"),
    }
}

/// Approves, as `reviewer` (a user id), every result of batch `id` awaiting review.
pub(super) async fn approve_results(app: &App, id: &str, reviewer: i64) -> Result<(), AppError> {
    for r in app::reviews::awaiting(app, id).await? {
        app::reviews::review(app, id, r.id, reviewer, app::reviews::Verdict::Approve).await?;
    }
    Ok(())
}

pub(super) async fn record_results(
    app: &App,
    id: &str,
    targets: &[Assignment],
    upto: usize,
) -> Result<(), AppError> {
    let today = app::batch::china_today();
    let plan = app::batch::plan(&app::batch::get(app, id).await?)?;
    // In a joint batch each department fills the checklists of its own matters.
    let own: Vec<String> = plan
        .team
        .department_matters()
        .iter()
        .flat_map(|d| d.matters.iter().cloned())
        .collect();
    let matters = plan.matters;
    for (i, t) in targets
        .iter()
        .filter(|t| !t.team.is_empty())
        .take(upto)
        .enumerate()
    {
        let (codes, note) = plausible(&t.sector, i);
        let checklist = super::demo_forms::filled(app, &matters, &own, t, &codes, note);
        let report = app::results::Report {
            batch: id,
            uscc: &t.uscc,
            officer: &t.team[0],
            codes: &codes,
            note,
            inspected_on: today,
            corrects: None,
            request: None,
            checklist: &checklist,
            asker: app::results::Asker::Corps,
        };
        app::results::record(app, &report, today).await?;
    }
    Ok(())
}

async fn build(args: &DemoArgs, url: &str, key: &Path) -> Result<(App, Made), AppError> {
    let (verifier, _) = app::init(url, key, "shuangsui.local/demo-log").await?;
    println!("log key: {verifier}");
    let app = App::open(url, Some(key)).await?;
    for kind in Kind::ALL {
        let name = crate::registry::table_file(&args.registries, kind.file_name())
            .map_err(|e| AppError::Setup(e.to_string()))?;
        let path = args.registries.join(name);
        if kind == Kind::Lists && !path.exists() {
            continue; // a folder without lists.csv has an empty lists table
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
        app::directory::import(
            &app,
            kind,
            &path.display().to_string(),
            &bytes,
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await?;
    }
    println!(
        "imported the Shanghai sample directories from {}",
        args.registries.display()
    );
    let mut made = Made {
        published: Vec::new(),
        in_progress: None,
        tokens: Vec::new(),
        annual: Vec::new(),
    };
    // The annual plan is announced before its inspections (计划公告). Its year is moved to
    // this year, as the plans' windows are moved to start today: a plan counts only the
    // batches whose window opens in its year.
    for path in toml_files(&args.annual)? {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
        let text = this_year(&text);
        let row = app::annual::publish(&app, &path.display().to_string(), &text).await?;
        println!(
            "published the annual plan {} ({} {}, {} batches)",
            row.plan_id,
            row.department,
            row.year,
            serde_json::from_str::<Vec<String>>(&row.batches)
                .map(|b| b.len())
                .unwrap_or_default()
        );
        made.annual.push(row.plan_id);
    }
    let plan_files = toml_files(&args.plans)?;
    // The reviewer approves the results before publication (审核), so it exists first.
    let (reviewer, reviewer_token) =
        app::users::add(&app, "demo-reviewer", Role::Reviewer, None).await?;
    // The corps follows up the findings of published batches (后续处置), so it exists early.
    let (corps, corps_token) = app::users::add(&app, "demo-corps", Role::Corps, None).await?;
    let today = app::batch::china_today();
    let window = (today, today + chrono::Days::new(DEMO_WINDOW_DAYS));
    println!(
        "each shipped plan's inspection window is moved to {} to {} (so that results can be dated today): the demo's commitment hashes differ from the shipped bundles', which `shuangsui sample` reproduces",
        window.0, window.1
    );
    for path in &plan_files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
        // Results are dated inside the inspection window: the demo's window starts today.
        let text = crate::plan::window::with_window(&text, window.0, window.1);
        let b = app::batch::create(&app, &path.display().to_string(), &text).await?;
        app::batch::commit(&app, &b.id).await?;
        let plan = app::batch::plan(&b)?;
        let Some(entropy) = super::sample::demo_entropy(&plan.id, &plan.entropy) else {
            println!("{}: drand entropy declared; left committed", b.id);
            continue;
        };
        app::draw::draw(&app, &b.id, &entropy).await?;
        let targets = crate::store::batches::assignments(&app.store, &b.id).await?;
        let staffed = targets.iter().filter(|t| !t.team.is_empty()).count();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem == IN_PROGRESS {
            record_results(&app, &b.id, &targets, staffed / 2).await?;
            // One result approved, one returned: the reviewer's work in progress.
            let waiting = app::reviews::awaiting(&app, &b.id).await?;
            if let Some(r) = waiting.first() {
                app::reviews::review(
                    &app,
                    &b.id,
                    r.id,
                    reviewer.id,
                    app::reviews::Verdict::Approve,
                )
                .await?;
            }
            if let Some(r) = waiting.get(1) {
                app::reviews::review(
                    &app,
                    &b.id,
                    r.id,
                    reviewer.id,
                    app::reviews::Verdict::Return("检查记录未写明整改期限，请补充后更正"),
                )
                .await?;
            }
            println!(
                "{}: drawn, {} of {staffed} results recorded, in review, in progress",
                b.id,
                staffed / 2
            );
            made.in_progress = Some(b.id.clone());
        } else {
            record_results(&app, &b.id, &targets, staffed).await?;
            approve_results(&app, &b.id, reviewer.id).await?;
            app::batch::publish(&app, &b.id).await?;
            println!("{}: drawn, {staffed} results, approved, published", b.id);
            made.published.push(b.id.clone());
        }
    }
    let (closed, open) = super::demo_followups::follow_up(&app, &made.published, corps.id).await?;
    println!("follow-ups: {closed} closed with its outcome, {open} left open (see /followups)");
    // The demo officer has a target without a result in the batch in progress.
    let officer_card = match &made.in_progress {
        Some(id) => {
            let targets = crate::store::batches::assignments(&app.store, id).await?;
            let results = crate::store::results::of_batch(&app.store, id).await?;
            targets
                .iter()
                .filter(|t| !t.team.is_empty())
                .find(|t| !results.iter().any(|r| r.uscc == t.uscc))
                .map(|t| t.team[0].clone())
        }
        None => None,
    };
    made.tokens
        .push((Role::Corps, corps.name, corps_token, String::new()));
    let users = [
        (Role::Officer, "demo-officer", officer_card),
        (Role::Auditor, "demo-auditor", None),
    ];
    for (role, name, card) in users {
        if role == Role::Officer && card.is_none() {
            continue;
        }
        let (row, token) = app::users::add(&app, name, role, card.as_deref()).await?;
        made.tokens.push((role, row.name, token, String::new()));
    }
    made.tokens
        .push((Role::Reviewer, reviewer.name, reviewer_token, String::new()));
    // Each person signs in to the console with a password of their own, made here at
    // random and shown once (the demo may be reachable by others).
    for (_, name, _, password) in &mut made.tokens {
        let user = crate::store::users::by_name(&app.store, name)
            .await?
            .ok_or_else(|| AppError::NotFound(Message::same(name)))?;
        *password = app::sign_in::generated_password()?;
        app::sign_in::set_password(&app, user.id, password, app::sign_in::SetBy::Operator).await?;
    }
    let v = app::log::verify(&app, None).await?;
    println!(
        "log verified: {} entries, {} checkpoints",
        v.entries, v.checkpoints
    );
    Ok((app, made))
}

fn print_guide(made: &Made, base: &str) {
    println!();
    println!("== shuangsui demo is ready");
    println!("   public site:   {base}/");
    if let Some(id) = made.published.first() {
        println!("   a batch:       {base}/batches/{id}   (English: {base}/batches/{id}?lang=en)");
        println!("   its bundle:    {base}/batches/{id}/bundle.json");
    }
    println!("   search:        {base}/search?q=养老");
    for id in &made.annual {
        println!(
            "   annual plan:   {base}/annual/{id}   (coverage: {base}/annual/{id}/coverage.xlsx)"
        );
    }
    println!("   API docs:      {base}/api/v1/docs   (OpenAPI: {base}/api/v1/openapi.json)");
    println!();
    println!("   console:       {base}/console/   (sign in with a name and password below)");
    println!();
    println!(
        "   demo people (passwords for the console, tokens for the API; shown once, only hashes are stored):"
    );
    for (role, name, token, password) in &made.tokens {
        println!("   {:<8} {name:<13} {password}   {token}", role.as_str());
    }
    if let Some((_, _, token, _)) = made.tokens.iter().find(|t| t.0 == Role::Officer) {
        println!();
        println!("   an officer's own assignments:");
        println!("   curl -H 'Authorization: Bearer {token}' {base}/api/v1/me/assignments");
    }
    if let Some(id) = &made.in_progress {
        println!("   in progress (not public): {id}");
    }
}

/// The demo witness's key file, in the demo folder.
const WITNESS_KEY: &str = "witness.key";

/// Starts a witness of the demo's log, with its own key and state in `out`, on a free
/// loopback port; gives `VKEY@URL` for `serve --witness`.
async fn own_witness(out: &Path, log: &crate::ledger::VerifierKey) -> Result<String, String> {
    use crate::witness::{WitnessKey, service::Witness};
    let key = WitnessKey::generate("demo.shuangsui.local/witness").map_err(|e| e.to_string())?;
    let path = out.join(WITNESS_KEY);
    crate::keyfile::write_new(&path, &key.to_file_text())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let verifier = key.verifier();
    let state = out.join(format!("{WITNESS_KEY}.state"));
    let witness = std::sync::Arc::new(Witness::open(key, std::slice::from_ref(log), &state)?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("witness: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let limits = crate::web::Limits::from_settings(&crate::web::Settings::default());
    let router = crate::web::witness::router(witness, &limits);
    tokio::spawn(async move {
        let stop = crate::web::server::shutdown_signal();
        if let Err(e) = crate::web::server::serve(listener, router, &limits, stop).await {
            tracing::error!(error = %e, "the demo witness stopped");
        }
    });
    Ok(format!("{verifier}@http://{addr}"))
}

pub fn run(args: &DemoArgs) -> i32 {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("{}: {e}", args.out.display());
        return EXIT_UNREADABLE;
    }
    for stale in [
        "shuangsui.db",
        "shuangsui.db-wal",
        "shuangsui.db-shm",
        "log.key",
        WITNESS_KEY,
    ] {
        let _ = std::fs::remove_file(args.out.join(stale));
    }
    let _ = std::fs::remove_dir_all(args.out.join(format!("{WITNESS_KEY}.state")));
    let url = format!("sqlite://{}", args.out.join("shuangsui.db").display());
    let key = args.out.join("log.key");
    let serve_args = ServeArgs {
        bind: Some(args.bind.clone()),
        database: Some(url.clone()),
        key: Some(key.clone()),
        // The "how to verify" command downloads from this address (unknown for port 0).
        public_url: (!args.bind.ends_with(":0")).then(|| format!("http://{}", args.bind)),
        ..ServeArgs::default()
    };
    let mut settings = match serve_args.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return super::EXIT_INVALID;
        }
    };
    super::db::block_on(async {
        let (app, made) = match build(args, &url, &key).await {
            Ok(m) => m,
            Err(e) => return super::db::fail(e),
        };
        if args.no_serve {
            print_guide(&made, &format!("http://{}", args.bind));
            println!(
                "   (--no-serve: start it with `shuangsui serve --database {url} --key {}`)",
                key.display()
            );
            return EXIT_OK;
        }
        super::serve::init_logs(&settings);
        let witness = match own_witness(&args.out, &app.verifier).await {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_UNREADABLE;
            }
        };
        settings.witnesses = vec![witness.clone()];
        settings.witness_quorum = 1;
        super::serve::serve_with(&settings, app, |addr| {
            let base = format!("http://{addr}");
            print_guide(&made, &base);
            let (key, url) = witness.split_once('@').unwrap_or((&witness, ""));
            println!();
            println!(
                "   the demo's own witness (its key and state in {}):",
                args.out.display()
            );
            println!("   witness key:   {key}");
            println!("   at {url}; its cosignatures: {base}/log/checkpoint, {base}/log/witnesses");
            println!();
            println!("   serving until Ctrl-C");
        })
        .await
    })
}

/// An annual plan file with its `year` set to this year (China time).
fn this_year(text: &str) -> String {
    let year = chrono::Datelike::year(&app::batch::china_today());
    text.lines()
        .map(|l| {
            if l.starts_with("year =") {
                format!("year = {year}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
