//! The commands over the database: `init`, `import`, `batch …`, `result record`, `log …`.
//! Each parses its flags, reads its files, calls one application function (`app`) on a
//! small tokio runtime, and prints. Exit 1 for what the user must fix (bad rows, a refused
//! step: the refusal is logged), 2 for the environment (no database, no key file).

use crate::domain::Message;
use crate::msg;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};
use crate::app::{self, App, AppError, batch, directory::Imported, export::Audience};
use crate::import::{Encoding, Format, Kind};
use crate::plan::BatchId;

/// Where the database and the log's signing key are.
#[derive(Args, Debug, Clone)]
pub struct Db {
    /// sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = crate::store::DEFAULT_URL)]
    pub database: String,
    /// The log's private signing key (written by `init`, mode 0600).
    #[arg(
        long,
        global = true,
        env = "SHUANGSUI_LOG_KEY",
        default_value = "shuangsui-log.key"
    )]
    pub key: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum BatchCommand {
    /// Create a draft batch from a plan file (TOML); its id is the plan's id.
    Create {
        #[arg(long)]
        plan: PathBuf,
    },
    /// Commit a draft over the current directory snapshots; prints the hash to publish.
    Commit { id: BatchId },
    /// Run the ceremony draw of a committed batch, exactly once.
    Draw {
        id: BatchId,
        /// As for the offline `draw`: WITNESS=DIGITS,… or a drand round (JSON file or pairs).
        #[arg(long)]
        entropy: String,
    },
    /// One batch in detail, or every batch with its state and deadline.
    Status { id: Option<BatchId> },
    /// Withdraw a batch before its draw, with the reason (logged).
    Withdraw {
        id: BatchId,
        #[arg(long)]
        reason: String,
    },
    /// Publish a drawn batch whose targets all have results.
    Publish { id: BatchId },
    /// Write the bundle with the log's evidence (inclusion proofs and a checkpoint).
    Export {
        id: BatchId,
        /// For anyone: a published batch's lifecycle and results entries.
        #[arg(long, conflicts_with = "auditor", required_unless_present = "auditor")]
        public: bool,
        /// For auditors: also every draw attempt; any drawn batch.
        #[arg(long)]
        auditor: bool,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum ResultCommand {
    /// Record the result of one target (by an officer of its team); a correction names
    /// the result it corrects.
    Record {
        batch: BatchId,
        /// The target's USCC.
        uscc: String,
        /// The recording officer's card number.
        #[arg(long)]
        officer: String,
        /// Category codes, comma separated (see `shuangsui result codes`).
        #[arg(long, value_delimiter = ',')]
        codes: Vec<String>,
        /// The inspection date, YYYY-MM-DD.
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
        /// The id of the result this one corrects (the one that stands for the target).
        #[arg(long)]
        corrects: Option<i64>,
        /// An id for this request (1 to 128 printable ASCII characters, no spaces): run
        /// again with the same id after a crash or a lost answer, it returns the first
        /// result instead of adding one. Scoped to the batch and the officer; logged.
        #[arg(long)]
        request_id: Option<String>,
        /// The filled checklists (检查表单), a JSON file: the `template` of `shuangsui result
        /// form BATCH` with each item's answer (none: not checked), a finding for each
        /// problem, a measure where one was taken.
        #[arg(long, value_name = "FILE.json")]
        checklist: Option<std::path::PathBuf>,
    },
    /// Print, as JSON, the empty form of a batch: the checklist of each of its matters
    /// (items, legal basis, answers allowed) and a template to fill for `--checklist`.
    Form { batch: BatchId },
    /// Approve the standing result of a target (by a user with the role reviewer).
    Approve {
        batch: BatchId,
        /// The result's id (the one that stands for its target).
        result: i64,
        /// The reviewing user's name (role reviewer).
        #[arg(long)]
        reviewer: String,
    },
    /// Return the standing result of a target to its officer, with the reason (1 to 500
    /// characters; sealed in the log until publication). The officer records a correction.
    Return {
        batch: BatchId,
        result: i64,
        /// The reviewing user's name (role reviewer).
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        reason: String,
    },
    /// List the standing results of a batch awaiting review.
    Awaiting { batch: BatchId },
    /// List the result lists (one per sector, and the fallback), nested, with their rules.
    Codes,
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// Print the log's public verification key (C2SP note verifier key).
    Key,
    /// Sign a checkpoint of the current head and print it.
    Checkpoint,
    /// Print an entry with its inclusion proof against the newest checkpoint (JSON).
    Prove { entry: u64 },
    /// Recompute every entry, the tree, every checkpoint and their consistency, and check
    /// the tables against the log. PASS exit 0; FAIL names the first bad entry, exit 1.
    Verify {
        /// Verify with this published key instead of the one stored in the database.
        #[arg(long)]
        verifier_key: Option<String>,
    },
    /// Follow a public log (no database): verify its new checkpoint and its consistency with
    /// the last one seen, check every new entry, print the new events. Exit 1 on any
    /// inconsistency.
    Monitor(super::monitor::MonitorArgs),
}

/// The small runtime every database command runs on.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Runs `work` on a new runtime; a runtime that cannot start is the environment's failure.
pub(super) fn block_on(work: impl std::future::Future<Output = i32>) -> i32 {
    match runtime() {
        Ok(rt) => rt.block_on(work),
        Err(e) => {
            eprintln!("tokio: {e}");
            EXIT_UNREADABLE
        }
    }
}

/// Prints an application error, named by the API's code (`[refused] …`), and gives its
/// exit code.
pub fn fail(e: AppError) -> i32 {
    let code = e.code();
    match e {
        AppError::Import(errors) => {
            eprintln!("[{code}] {errors}");
            eprintln!("nothing imported");
            EXIT_INVALID
        }
        e @ (AppError::Invalid(_)
        | AppError::Refused(_)
        | AppError::Forbidden(_)
        | AppError::NotFound(_)) => {
            let message = e.to_string();
            if !message.is_empty() {
                eprintln!("[{code}] {message}");
            }
            EXIT_INVALID
        }
        e => {
            eprintln!("[{code}] {e}");
            EXIT_UNREADABLE
        }
    }
}

/// Opens the application, runs `f`, closes the store, and gives the exit code.
pub(super) fn with_app<F>(db: &Db, f: F) -> i32
where
    F: AsyncFnOnce(&App) -> Result<(), AppError>,
{
    block_on(async {
        let app = match App::open(&db.database, Some(&db.key)).await {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
        let outcome = f(&app).await;
        app.store.close().await;
        match outcome {
            Ok(()) => EXIT_OK,
            Err(e) => fail(e),
        }
    })
}

pub fn init(db: &Db, origin: &str) -> i32 {
    block_on(async {
        match app::init(&db.database, &db.key, origin).await {
            Ok((verifier, true)) => {
                eprintln!(
                    "initialised {}; log key written to {} (keep it private)",
                    db.database,
                    db.key.display()
                );
                eprintln!("the log's public key (publish it):");
                println!("{verifier}");
                EXIT_OK
            }
            Ok((verifier, false)) => {
                eprintln!("{} is initialised already; its log key:", db.database);
                println!("{verifier}");
                EXIT_OK
            }
            Err(e) => fail(e),
        }
    })
}

pub fn import(
    db: &Db,
    kind: Kind,
    file: &Path,
    format: Format,
    encoding: Encoding,
    quiet: bool,
) -> i32 {
    let bytes = match crate::mapped::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", file.display());
            return EXIT_UNREADABLE;
        }
    };
    let name = file.display().to_string();
    let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
    let bar = if quiet || lines < 5000 {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(lines.saturating_sub(1));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} rows ({per_sec})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(format!("importing {}", kind.word()));
        bar
    };
    with_app(db, async |app| {
        let outcome = app::directory::import(app, kind, &name, &bytes, format, encoding, &|n| {
            bar.set_position(n)
        })
        .await;
        bar.finish_and_clear();
        match outcome? {
            Imported::Unchanged(s) => println!(
                "{name}: unchanged: same content as {} v{} ({} rows, sha256 {}); nothing imported",
                s.kind, s.version, s.row_count, s.content_sha256
            ),
            Imported::Created(s) => println!(
                "{name}: imported {} v{}: {} rows, content sha256 {} (log entry {}){}",
                s.kind,
                s.version,
                s.row_count,
                s.content_sha256,
                s.log_seq,
                match s.encoding.as_str() {
                    "gbk" => "; the file was read as GBK",
                    "xlsx" => "; read from the .xlsx workbook",
                    _ => "",
                }
            ),
        }
        Ok(())
    })
}

fn print_batch(b: &crate::store::batches::BatchRow) {
    println!("batch {}  {}", b.id, b.title);
    println!("  state       {}", b.state);
    println!("  created     {}", b.created_at);
    if let Some(h) = &b.commitment_hash {
        println!(
            "  committed   {}  hash {h}",
            b.committed_at.as_deref().unwrap_or("")
        );
    }
    if let Some(s) = &b.seed {
        println!(
            "  drawn       {}  seed {s}",
            b.drawn_at.as_deref().unwrap_or("")
        );
        println!(
            "  bundle      sha256 {}",
            b.bundle_sha256.as_deref().unwrap_or("")
        );
    }
    if let Some(p) = &b.published_at {
        println!("  published   {p}");
    }
    if let Some(w) = &b.withdrawn_at {
        println!(
            "  withdrawn   {w}: {}",
            b.withdraw_reason.as_deref().unwrap_or("")
        );
    }
}

async fn deadline_text(app: &App, b: &crate::store::batches::BatchRow) -> String {
    let today = crate::app::batch::china_today();
    let limits = match app::deadline::of_batch(app, b, today).await {
        Ok(l) => l,
        Err(e) => return format!("deadline unknown: {e}"),
    };
    let publication = match limits.publication {
        Some(Ok(d)) if b.state == "published" => format!(
            "publish by {} ({})",
            d.due,
            if d.overdue {
                "published late"
            } else {
                "published in time"
            }
        ),
        Some(Ok(d)) if d.overdue => format!(
            "publish by {}: PUBLICATION OVERDUE by {} working day(s)",
            d.due, -d.working_days_left
        ),
        Some(Ok(d)) => format!(
            "publish by {} ({} working day(s) left; {} working days from the inspection on {})",
            d.due, d.working_days_left, d.limit.working_days, d.inspected_on
        ),
        Some(Err(e)) => format!("publication deadline unknown: {e}"),
        None => "no publication deadline yet (no result recorded)".into(),
    };
    match limits.inspection {
        Some(i) if i.overdue => format!(
            "{publication}; INSPECTION OVERDUE: {} target(s) without a result after the window ended {}",
            i.missing, i.end
        ),
        Some(i) if i.missing > 0 => format!(
            "{publication}; {} target(s) to inspect by {}",
            i.missing, i.end
        ),
        _ => publication,
    }
}

pub fn batch(db: &Db, command: BatchCommand) -> i32 {
    with_app(db, async |app| {
        match command {
            BatchCommand::Create { plan } => {
                let text = std::fs::read_to_string(&plan).map_err(|e| {
                    AppError::Setup(format!("{}: cannot read: {e}", plan.display()))
                })?;
                let b = batch::create(app, &plan.display().to_string(), &text).await?;
                println!("created batch {} ({}), state {}", b.id, b.title, b.state);
            }
            BatchCommand::Commit { id } => {
                let b = batch::commit(app, &id).await?;
                eprintln!(
                    "committed batch {id}; publish this commitment hash before the entropy exists:"
                );
                println!("{}", b.commitment_hash.unwrap_or_default());
            }
            BatchCommand::Draw { id, entropy } => {
                let plan = batch::plan(&batch::get(app, &id).await?)?;
                let text = if matches!(plan.entropy, crate::plan::EntropyDeclaration::Drand { .. })
                    && Path::new(&entropy).is_file()
                {
                    std::fs::read_to_string(&entropy)
                        .map_err(|e| AppError::Setup(format!("{entropy}: {e}")))?
                } else {
                    entropy
                };
                let bundle = app::draw::draw(app, &id, &text).await?;
                super::draw::print_summary(&bundle);
                println!(
                    "batch {id} drawn; export it with `shuangsui batch export {id} --auditor --out FILE`"
                );
            }
            BatchCommand::Status { id: Some(id) } => {
                let b = batch::get(app, &id).await?;
                print_batch(&b);
                println!("  deadline    {}", deadline_text(app, &b).await);
                let app::reviews::Reviewing {
                    targets,
                    results,
                    reviews,
                    progress: p,
                } = app::reviews::reviewing(app, &id).await?;
                let standing = app::results::standing(&results);
                println!(
                    "  review      {} staffed: {} recorded, {} awaiting review, {} returned, {} approved, {} unrecorded",
                    p.staffed, p.recorded, p.awaiting_review, p.returned, p.approved, p.unrecorded
                );
                let f = app::followups::of_batch(app, &id, crate::app::batch::china_today())
                    .await?
                    .counts;
                println!(
                    "  follow-up   {} open, {} overdue, {} closed, {} awaiting review, {} lapsed",
                    f.open, f.overdue, f.closed, f.pending, f.lapsed
                );
                for t in &targets {
                    let r = standing.get(&t.uscc);
                    println!(
                        "  {:>3} {} {} [{}] team {} result {}",
                        t.position + 1,
                        t.uscc,
                        t.entity_name,
                        t.stratum,
                        if t.team.is_empty() {
                            "(unstaffed)".to_string()
                        } else {
                            t.team.join(",")
                        },
                        r.map(|r| format!(
                            "#{} {}{}",
                            r.id,
                            r.codes.join(","),
                            match reviews.iter().find(|v| v.result_id == r.id) {
                                Some(v) => format!(" ({})", v.verdict),
                                None => " (awaiting review)".into(),
                            }
                        ))
                        .unwrap_or_else(|| "-".into())
                    );
                }
            }
            BatchCommand::Status { id: None } => {
                let all = crate::store::batches::all(&app.store).await?;
                if all.is_empty() {
                    println!("no batches yet: `shuangsui batch create --plan FILE`");
                }
                for b in &all {
                    println!(
                        "{:<24} {:<10} {}  {}",
                        b.id,
                        b.state,
                        deadline_text(app, b).await,
                        b.title
                    );
                }
            }
            BatchCommand::Withdraw { id, reason } => {
                batch::withdraw(app, &id, &reason).await?;
                println!("batch {id} withdrawn");
            }
            BatchCommand::Publish { id } => {
                let b = batch::publish(app, &id).await?;
                println!(
                    "batch {id} published at {}",
                    b.published_at.unwrap_or_default()
                );
            }
            BatchCommand::Export {
                id,
                public,
                auditor: _,
                out,
            } => {
                let audience = if public {
                    Audience::Public
                } else {
                    Audience::Auditor
                };
                let bytes = app::export::export(app, &id, audience).await?;
                super::files::write_new(&out, |w| std::io::Write::write_all(w, &bytes))
                    .map_err(AppError::Setup)?;
                println!(
                    "wrote {} ({} bytes); check it with `shuangsui verify {}`",
                    out.display(),
                    bytes.len(),
                    out.display()
                );
            }
        }
        Ok(())
    })
}

/// The result lists as `shuangsui result codes` prints them: each list with its sectors and
/// source, its categories indented under their parents, then its rules.
fn codes_text(book: &crate::domain::result_code::CodeBook) -> String {
    let mut out = String::new();
    for l in book.lists() {
        let sectors = if l.fallback {
            "every other sector".to_string()
        } else {
            l.sectors.join("、")
        };
        out += &format!("== {} {} ({}): {sectors}\n", l.id, l.zh, l.en);
        out += &format!("   source: {}\n", l.source);
        for c in l.iter() {
            let indent = "  ".repeat(l.path(&c.code).len());
            let mut marks = vec![c.kind.as_str()];
            if c.alone {
                marks.push("alone");
            }
            if c.needs_child {
                marks.push("needs a child");
            }
            out += &format!(
                "{indent}{:<5} {}  ({}) [{}]\n",
                c.code,
                c.zh,
                c.en,
                marks.join(", ")
            );
        }
        for r in l.excludes() {
            out += &format!("   exclude: {}\n", r.zh);
        }
        for r in l.requires() {
            out += &format!("   require: {}\n", r.zh);
        }
    }
    out
}

pub fn result(db: &Db, command: ResultCommand) -> i32 {
    if let ResultCommand::Codes = command {
        print!(
            "{}",
            codes_text(&crate::domain::result_code::CodeBook::shipped())
        );
        return EXIT_OK;
    }
    with_app(db, async |app| {
        let by_name = async |name: &str| {
            crate::store::users::all(&app.store)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .find(|u| u.name == name.trim())
                .map(|u| u.id)
                .ok_or_else(|| AppError::NotFound(msg!("没有用户 {name}", "no user '{name}'")))
        };
        let review = match &command {
            ResultCommand::Approve {
                batch,
                result,
                reviewer,
            } => Some((batch, *result, reviewer, app::reviews::Verdict::Approve)),
            ResultCommand::Return {
                batch,
                result,
                reviewer,
                reason,
            } => Some((
                batch,
                *result,
                reviewer,
                app::reviews::Verdict::Return(reason),
            )),
            _ => None,
        };
        if let Some((batch, result, reviewer, verdict)) = review {
            let user = by_name(reviewer).await?;
            let r = app::reviews::review(app, batch, result, user, verdict).await?;
            println!(
                "result #{} of batch {} {} by {reviewer} (log entry {})",
                r.result_id, r.batch_id, r.verdict, r.log_seq
            );
            return Ok(());
        }
        if let ResultCommand::Awaiting { batch } = &command {
            for r in app::reviews::awaiting(app, batch).await? {
                println!(
                    "#{} {} {} inspected {} by {}: {}",
                    r.id,
                    r.uscc,
                    r.codes.join(","),
                    r.inspected_on,
                    r.recorded_by,
                    r.note
                );
            }
            return Ok(());
        }
        if let ResultCommand::Form { batch } = &command {
            let form = app::checklists::form(app, batch, true).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&form).unwrap_or_default()
            );
            return Ok(());
        }
        if let ResultCommand::Record {
            batch,
            uscc,
            officer,
            codes,
            date,
            note,
            corrects,
            request_id,
            checklist,
        } = command
        {
            let checklist = match checklist {
                Some(path) => read_checklist(&path)?,
                None => Vec::new(),
            };
            let today = crate::app::batch::china_today();
            let report = app::results::Report {
                batch: &batch,
                uscc: &uscc,
                officer: &officer,
                codes: &codes,
                note: &note,
                inspected_on: date,
                corrects,
                request: request_id.as_deref(),
                checklist: &checklist,
                asker: app::results::Asker::Corps,
            };
            let recorded = app::results::record(app, &report, today).await?;
            let r = &recorded.row;
            println!(
                "{} result #{} for {} in batch {}: {} (log entry {})",
                if recorded.replayed {
                    "already recorded (same request id):"
                } else {
                    "recorded"
                },
                r.id,
                r.uscc,
                r.batch_id,
                r.codes.join(","),
                r.log_seq
            );
        }
        Ok(())
    })
}

/// The filled checklists of `--checklist FILE.json`: a JSON list of filled checklists.
fn read_checklist(
    path: &std::path::Path,
) -> Result<Vec<crate::domain::checklist::Filled>, AppError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let path = path.display();
        AppError::Invalid(msg!("{path}：无法读取", "{path}: cannot read it: {e}"))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        let path = path.display();
        AppError::Invalid(msg!(
            "{path}：不是检查表单 JSON（见 shuangsui result form BATCH 的 template）：{e}",
            "{path}: not a list of filled checklists as in the template of `shuangsui result form BATCH`: {e}"
        ))
    })
}

pub fn log(db: &Db, command: LogCommand) -> i32 {
    if let LogCommand::Monitor(args) = &command {
        return super::monitor::run(args);
    }
    with_app(db, async |app| {
        match command {
            LogCommand::Key => println!("{}", app.verifier),
            LogCommand::Checkpoint => print!("{}", app::log::checkpoint(app).await?),
            LogCommand::Prove { entry } => {
                let proof = app::log::prove(app, entry).await?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&proof).unwrap_or_default()
                );
            }
            LogCommand::Verify { verifier_key } => {
                let pinned = match verifier_key {
                    Some(k) => Some(crate::ledger::VerifierKey::parse(&k).map_err(|e| {
                        AppError::Invalid(Message::same(format!("--verifier-key: {e}")))
                    })?),
                    None => None,
                };
                match app::log::verify(app, pinned.as_ref()).await {
                    Ok(v) => println!(
                        "PASS log: {} entries, {} checkpoints, root {}, {} table rows agree with the log",
                        v.entries, v.checkpoints, v.root, v.cross_checked
                    ),
                    Err(AppError::Invalid(why)) => {
                        let why = why.to_string();
                        let why = why.strip_prefix("FAIL ").unwrap_or(&why);
                        println!("FAIL {why}");
                        return Err(AppError::Invalid(Message::new("", "")));
                    }
                    Err(e) => return Err(e),
                }
            }
            LogCommand::Monitor(_) => unreachable!("run above without a database"),
        }
        Ok(())
    })
}
