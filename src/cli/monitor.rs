//! `shuangsui log monitor URL --log-key VKEY [--witness-key VKEY…] [--quorum N] [--state DIR]`:
//! checks a public log against what it verified before (`monitor`), and prints the new
//! events. Exit 0: consistent; 1: an inconsistency (the log is not what it must be); 2: the
//! log could not be fetched or the state or arguments are unusable.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};
use crate::ledger::VerifierKey;
use crate::ledger::tree::Hash;
use crate::monitor::{self, Kept, Trust, fetch};
use crate::witness::WitnessVerifier;

/// Flags of `log monitor`.
#[derive(clap::Args, Debug, Clone)]
pub struct MonitorArgs {
    /// The log's public prefix, e.g. http://example.gov.cn/log.
    pub url: String,
    /// The log's verifier key (from the publisher).
    #[arg(long)]
    pub log_key: String,
    /// A witness's cosignature verifier key (repeatable).
    #[arg(long = "witness-key")]
    pub witness_keys: Vec<String>,
    /// How many of the witness keys must have cosigned (default: all of them).
    #[arg(long)]
    pub quorum: Option<usize>,
    /// Where the last verified checkpoint and the leaf hashes are kept between runs.
    #[arg(long, default_value = "shuangsui-monitor")]
    pub state: PathBuf,
}

const CHECKPOINT: &str = "checkpoint";
const LEAVES: &str = "leaves";

fn load(dir: &Path) -> Result<Kept, String> {
    let note = match std::fs::read_to_string(dir.join(CHECKPOINT)) {
        Ok(n) => Some(n),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", dir.join(CHECKPOINT).display())),
    };
    let bytes = match std::fs::read(dir.join(LEAVES)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{}: {e}", dir.join(LEAVES).display())),
    };
    if bytes.len() % 32 != 0 {
        return Err(format!(
            "{}: not a list of 32-byte hashes",
            dir.join(LEAVES).display()
        ));
    }
    let leaves: Vec<Hash> = bytes
        .chunks_exact(32)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect();
    Ok(Kept {
        checkpoint: note,
        leaves,
    })
}

/// Writes `bytes` to `dir/name` whole or not at all.
fn replace(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(name);
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    tmp.persist(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

fn save(dir: &Path, kept: &Kept) -> Result<(), String> {
    // The leaves first: a run stopped between the two files finds more leaves than its
    // checkpoint covers, and keeps only those.
    replace(dir, LEAVES, &kept.leaves.concat())?;
    replace(
        dir,
        CHECKPOINT,
        kept.checkpoint.as_deref().unwrap_or("").as_bytes(),
    )
}

pub fn run(args: &MonitorArgs) -> i32 {
    let log = match VerifierKey::parse(&args.log_key) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("--log-key: {e}");
            return EXIT_UNREADABLE;
        }
    };
    let mut witnesses = Vec::new();
    for k in &args.witness_keys {
        match WitnessVerifier::parse(k) {
            Ok(w) => witnesses.push(w),
            Err(e) => {
                eprintln!("--witness-key {k}: {e}");
                return EXIT_UNREADABLE;
            }
        }
    }
    let quorum = args.quorum.unwrap_or(witnesses.len());
    if quorum > witnesses.len() {
        eprintln!(
            "--quorum {quorum}: more than the {} --witness-key given",
            witnesses.len()
        );
        return EXIT_UNREADABLE;
    }
    let trust = Trust {
        log,
        witnesses,
        quorum,
    };
    if let Err(e) = std::fs::create_dir_all(&args.state) {
        eprintln!("{}: {e}", args.state.display());
        return EXIT_UNREADABLE;
    }
    let mut kept = match load(&args.state) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_UNREADABLE;
        }
    };
    // Only the leaves the kept checkpoint covers count (see `save`). It was verified when
    // kept; its signature is checked again (its cosignatures were counted then).
    if let Some(note) = &kept.checkpoint {
        match crate::ledger::Checkpoint::open(note, &trust.log) {
            Ok(c) if (c.size as usize) <= kept.leaves.len() => {
                kept.leaves.truncate(c.size as usize)
            }
            _ => {
                eprintln!(
                    "{}: the kept checkpoint does not open or covers more entries than are kept; remove the folder to start again",
                    args.state.display()
                );
                return EXIT_UNREADABLE;
            }
        }
    } else {
        kept.leaves.clear();
    }
    let fetched = super::db::block_on(async {
        let log = match fetch::Log::new(&args.url, Duration::from_secs(60)) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_UNREADABLE;
            }
        };
        let note = match log.checkpoint().await {
            Ok(n) => n,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_UNREADABLE;
            }
        };
        let checkpoint = match trust.open(&note) {
            Ok(c) => c,
            Err(e) => return fail(&e),
        };
        let range = match monitor::wanted(&kept, &checkpoint) {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        let entries = match log.entries(range.clone(), checkpoint.size).await {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_UNREADABLE;
            }
        };
        let said = match monitor::absorb(&mut kept, &checkpoint, &note, &entries) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
        println!(
            "OK {}: size {} (was {}), consistent with the checkpoint kept; {} new entries",
            checkpoint.origin,
            checkpoint.size,
            range.start,
            said.len()
        );
        for s in &said {
            println!("#{} {} {}", s.seq, s.time, s.words);
        }
        EXIT_OK
    });
    if fetched != EXIT_OK {
        return fetched;
    }
    match save(&args.state, &kept) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("{e}");
            EXIT_UNREADABLE
        }
    }
}

fn fail(e: &monitor::Inconsistency) -> i32 {
    println!("FAIL {e}");
    EXIT_INVALID
}
