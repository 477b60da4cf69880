//! Command-line adapter: parses flags, reads and writes files, prints results. The draw,
//! the commitment and verification live in the library; nothing here decides an outcome.

mod annual;
mod commit;
mod db;
mod demo;
mod demo_followups;
mod demo_forms;
mod draw;
mod files;
mod followup;
mod monitor;
mod registries;
mod sample;
mod sample_db;
mod serve;
mod stats;
mod user;
mod verify;
mod witness;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Exit codes: 0 success/PASS, 1 invalid input or FAIL, 2 unreadable input or usage error.
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;

#[derive(Parser)]
#[command(
    name = "shuangsui",
    version,
    about = "双随机、一公开: inspection draws committed before their randomness exists, run once, verifiable by anyone"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check or generate directory folders (entities, officers, matters, recusals, history, lists).
    #[command(subcommand)]
    Registries(RegistriesCommand),
    /// Commit a batch plan and the directory snapshots it draws from; prints the hash to publish.
    Commit {
        /// The directory folder.
        #[arg(long)]
        registries: PathBuf,
        /// The batch plan (TOML).
        #[arg(long)]
        plan: PathBuf,
        /// Where to write the commitment (JSON); must not exist yet.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run the draw of a commitment once with its public entropy, and write the bundle.
    Draw {
        #[arg(long)]
        commitment: PathBuf,
        /// Ceremony: WITNESS=DIGITS for every declared witness, comma separated.
        /// drand: a file with the round's JSON, or round=N,signature=HEX[,previous_signature=HEX].
        #[arg(long)]
        entropy: String,
        /// Where to write the bundle (JSON); must not exist yet.
        #[arg(long)]
        out: PathBuf,
        /// Refuse to draw unless the commitment hash is this (the published one).
        #[arg(long)]
        expect_commitment: Option<String>,
    },
    /// Run the whole job on the shipped sample: check, commit every plan, draw once, verify.
    Sample {
        #[arg(long, default_value = "registries/shanghai")]
        registries: PathBuf,
        #[arg(long, default_value = "registries/shanghai/plans")]
        plans: PathBuf,
        /// Where to write the commitments and bundles (replaced if present).
        #[arg(long, default_value = "sample-run")]
        out: PathBuf,
    },
    /// Create the database (SQLite file or PostgreSQL) and the log's signing key.
    Init {
        #[command(flatten)]
        db: db::Db,
        /// The log's name in its checkpoints (a schema-less URL, C2SP tlog-checkpoint).
        #[arg(long, default_value = "shuangsui.local/log")]
        origin: String,
    },
    /// Import one directory table (CSV in UTF-8 or GBK, an .xlsx workbook, or JSON Lines) as a
    /// new snapshot.
    Import {
        /// entities, officers, matters, recusals, history or lists.
        #[arg(value_parser = parse_kind)]
        kind: crate::import::Kind,
        file: PathBuf,
        /// auto (from the extension), csv or jsonl.
        #[arg(long, default_value = "auto", value_parser = parse_format)]
        format: crate::import::Format,
        /// auto (UTF-8 with or without BOM, else GBK), utf-8 or gbk.
        #[arg(long, default_value = "auto", value_parser = parse_encoding)]
        encoding: crate::import::Encoding,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        db: db::Db,
    },
    /// Batches: create, commit, draw, status, withdraw, publish, export.
    Batch {
        #[command(subcommand)]
        command: db::BatchCommand,
        #[command(flatten)]
        db: db::Db,
    },
    /// Inspection results: record (or correct) one, list the categories.
    Result {
        #[command(subcommand)]
        command: db::ResultCommand,
        #[command(flatten)]
        db: db::Db,
    },
    /// Annual plans (年度抽查计划): publish, list, coverage against the floors.
    Annual {
        #[command(subcommand)]
        command: annual::AnnualCommand,
        #[command(flatten)]
        db: db::Db,
    },
    /// A year's statistics (年度统计): batches, targets, result categories, follow-ups,
    /// publication timeliness.
    Stats(stats::StatsArgs),
    /// Follow-ups of findings (后续处置): measure, close (查处结果), list.
    Followup {
        #[command(subcommand)]
        command: followup::FollowupCommand,
        #[command(flatten)]
        db: db::Db,
    },
    /// The hash-audited log: key, checkpoint, prove, verify.
    Log {
        #[command(subcommand)]
        command: db::LogCommand,
        #[command(flatten)]
        db: db::Db,
    },
    /// Re-derive a bundle's draw offline: PASS (exit 0), FAIL (exit 1), unreadable (exit 2).
    Verify {
        bundle: PathBuf,
        /// Also require this commitment hash (the one published before the draw).
        #[arg(long)]
        expect_commitment: Option<String>,
        /// For an exported bundle: the log's published key (`shuangsui log key`), so the
        /// checkpoint is checked with it rather than with the key the export carries.
        #[arg(long)]
        log_key: Option<String>,
        /// A witness's cosignature verifier key (repeatable): its cosignature of the
        /// export's checkpoint counts towards the quorum.
        #[arg(long = "witness-key")]
        witness_keys: Vec<String>,
        /// How many of the witness keys must have cosigned (default: all of them).
        #[arg(long)]
        quorum: Option<usize>,
    },
    /// A working platform in one command: the sample directories, drawn and published
    /// batches, demo users, and the server on 127.0.0.1:8080.
    Demo(demo::DemoArgs),
    /// Serve the JSON API (/api/v1) and the public pages.
    Serve(serve::ServeArgs),
    /// Settings of `serve`.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// A witness (C2SP tlog-witness): init (a cosigning key), key, serve (cosigns a log's
    /// checkpoints only if consistent with the last it cosigned).
    #[command(subcommand)]
    Witness(witness::WitnessCommand),
    /// API users: add (prints the token once), list, revoke.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
        #[command(flatten)]
        db: db::Db,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented settings file for `serve` with every default.
    Example,
}

#[derive(Subcommand)]
enum RegistriesCommand {
    /// Validate every file of a directory folder; lists every bad row.
    Check { dir: PathBuf },
    /// Write a synthetic directory folder of any size (valid codes), for tests and benchmarks.
    Generate {
        #[arg(long)]
        entities: usize,
        #[arg(long)]
        officers: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_kind(word: &str) -> Result<crate::import::Kind, String> {
    crate::import::Kind::parse(word)
        .ok_or_else(|| "one of entities, officers, matters, recusals, history, lists".to_string())
}

fn parse_format(word: &str) -> Result<crate::import::Format, String> {
    crate::import::Format::parse(word).ok_or_else(|| "one of auto, csv, jsonl".to_string())
}

fn parse_encoding(word: &str) -> Result<crate::import::Encoding, String> {
    crate::import::Encoding::parse(word).ok_or_else(|| "one of auto, utf-8, gbk".to_string())
}

/// Whether `expected` (as typed by a person: any case, stray spaces) is the hash `hash`.
fn is_published(expected: &str, hash: &str) -> bool {
    expected.trim().eq_ignore_ascii_case(hash)
}

/// Leaves a large value unfreed: the process exits right after, and freeing millions of
/// small strings one by one would only cost time (about 0.1 s per million entities).
fn release_at_exit<T>(value: T) {
    std::mem::forget(value);
}

/// A command whose reader goes away (`shuangsui batch status | head -1`) ends as Unix
/// tools do: killed by SIGPIPE (exit 141 in a shell), silently. Rust's runtime ignores
/// SIGPIPE, so `println!` would panic instead (exit 101). Not for `serve` and `demo`: a
/// client that closes its socket must never end the server.
fn end_quietly_on_a_closed_pipe() {
    // SAFETY: called once, before any thread is started; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_UNREADABLE
            } else {
                EXIT_OK
            };
        }
    };
    if !matches!(
        cli.command,
        Command::Serve(_) | Command::Demo(_) | Command::Witness(witness::WitnessCommand::Serve(_))
    ) {
        end_quietly_on_a_closed_pipe();
    }
    match cli.command {
        Command::Registries(RegistriesCommand::Check { dir }) => registries::check(&dir),
        Command::Registries(RegistriesCommand::Generate {
            entities,
            officers,
            seed,
            out,
        }) => registries::generate(entities, officers, seed, &out),
        Command::Commit {
            registries,
            plan,
            out,
        } => commit::run(&registries, &plan, &out),
        Command::Draw {
            commitment,
            entropy,
            out,
            expect_commitment,
        } => draw::run(&commitment, &entropy, &out, expect_commitment.as_deref()),
        Command::Sample {
            registries,
            plans,
            out,
        } => sample::run(&registries, &plans, &out),
        Command::Verify {
            bundle,
            expect_commitment,
            log_key,
            witness_keys,
            quorum,
        } => verify::run(
            &bundle,
            expect_commitment.as_deref(),
            log_key.as_deref(),
            &witness_keys,
            quorum,
        ),
        Command::Init { db, origin } => db::init(&db, &origin),
        Command::Import {
            kind,
            file,
            format,
            encoding,
            quiet,
            db,
        } => db::import(&db, kind, &file, format, encoding, quiet),
        Command::Batch { command, db } => db::batch(&db, command),
        Command::Result { command, db } => db::result(&db, command),
        Command::Followup { command, db } => followup::run(&db, command),
        Command::Log { command, db } => db::log(&db, command),
        Command::Annual { command, db } => annual::run(&db, command),
        Command::Stats(args) => stats::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Config(ConfigCommand::Example) => {
            print!("{}", crate::web::settings::EXAMPLE);
            EXIT_OK
        }
        Command::User { command, db } => user::run(command, &db),
        Command::Witness(command) => witness::run(command),
    }
}
