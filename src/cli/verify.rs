//! `shuangsui verify`: offline re-derivation of a bundle, or of an exported bundle with the
//! log's evidence (`bundle::evidence`). PASS exit 0, FAIL exit 1, unreadable exit 2.

use std::path::Path;

use crate::bundle::{self, Bundle, Summary, evidence};
use crate::ledger::VerifierKey;
use crate::witness::{WitnessVerifier, cosigned_by};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};

/// What checking a bundle or an export found.
pub enum Outcome {
    Pass(Summary, Option<evidence::Checked>),
    Fail(String),
    Unreadable(String),
}

/// Which witnesses must have cosigned an export's checkpoint, and how many of them.
#[derive(Debug, Clone, Default)]
pub struct Witnesses {
    pub keys: Vec<WitnessVerifier>,
    pub quorum: usize,
}

impl Witnesses {
    /// `Err` unless at least `quorum` of `keys` validly cosigned `note`.
    pub fn check(&self, note: &str) -> Result<usize, String> {
        let valid: Vec<String> = cosigned_by(note, &self.keys)
            .into_iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(w, _)| w.name().to_string())
            .collect();
        if valid.len() < self.quorum {
            return Err(format!(
                "/log/checkpoint: {} valid cosignature(s) of the {} witness key(s) given ({}), {} required",
                valid.len(),
                self.keys.len(),
                if valid.is_empty() {
                    "none".to_string()
                } else {
                    valid.join(", ")
                },
                self.quorum
            ));
        }
        Ok(valid.len())
    }
}

/// Checks the bytes of a bundle or an export: the published commitment hash if given, the
/// log's evidence if the export carries it (with `pinned` as the log's key when given), with
/// the quorum of `witnesses` cosigning its checkpoint, and the draw re-derived.
pub fn check(
    bytes: &[u8],
    expect: Option<&str>,
    pinned: Option<&VerifierKey>,
    witnesses: &Witnesses,
) -> Outcome {
    let (bundle_bytes, evidence) = match evidence::split(bytes) {
        None => (bytes, None),
        Some(Ok((b, e))) => (b, Some(e)),
        Some(Err(e)) => return Outcome::Unreadable(e),
    };
    let bundle: Bundle = match crate::commitment::parse::from_slice(bundle_bytes) {
        Ok(b) => b,
        Err(e) => return Outcome::Unreadable(e.to_string()),
    };
    if let Some(expected) = expect
        && !super::is_published(expected, &bundle.commitment.hash)
    {
        return Outcome::Fail(format!(
            "/commitment/hash: expected the published {}, found {}",
            expected.trim(),
            bundle.commitment.hash
        ));
    }
    let log = match &evidence {
        None if witnesses.quorum > 0 => {
            return Outcome::Fail(format!(
                "a bare bundle carries no checkpoint for the {} witness cosignature(s) required: verify its export",
                witnesses.quorum
            ));
        }
        None => None,
        Some(ev) => match evidence::check(ev, &bundle, bundle_bytes, pinned) {
            Ok(_) if !evidence::log_is_canonical(bytes, ev) => {
                return Outcome::Fail(
                    "/log: not the canonical (RFC 8785) serialisation of the evidence it holds (docs/LOG.md)".into(),
                );
            }
            Ok(c) => match witnesses.check(&ev.checkpoint) {
                Ok(_) => Some(c),
                Err(e) => return Outcome::Fail(e),
            },
            Err(e) => return Outcome::Fail(e),
        },
    };
    let outcome = bundle::verify_bytes(&bundle, bundle_bytes);
    super::release_at_exit(bundle);
    match outcome {
        Ok(s) => Outcome::Pass(s, log),
        Err(d) => Outcome::Fail(d.to_string()),
    }
}

pub fn run(
    path: &Path,
    expect: Option<&str>,
    log_key: Option<&str>,
    witness_keys: &[String],
    quorum: Option<usize>,
) -> i32 {
    let bytes = match crate::mapped::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("UNREADABLE {}: cannot read: {e}", path.display());
            return EXIT_UNREADABLE;
        }
    };
    let pinned = match log_key.map(VerifierKey::parse) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(e)) => {
            eprintln!("--log-key: {e}");
            return EXIT_UNREADABLE;
        }
    };
    let mut witnesses = Witnesses::default();
    for k in witness_keys {
        match WitnessVerifier::parse(k) {
            Ok(w) => witnesses.keys.push(w),
            Err(e) => {
                eprintln!("--witness-key {k}: {e}");
                return EXIT_UNREADABLE;
            }
        }
    }
    witnesses.quorum = quorum.unwrap_or(witnesses.keys.len());
    if witnesses.quorum > witnesses.keys.len() {
        eprintln!(
            "--quorum {}: more than the {} --witness-key given",
            witnesses.quorum,
            witnesses.keys.len()
        );
        return EXIT_UNREADABLE;
    }
    match check(&bytes, expect, pinned.as_ref(), &witnesses) {
        Outcome::Pass(s, log) => {
            println!(
                "PASS plan {}: commitment {}, seed {}, {} entities, {} strata, {} targets, {} unstaffed",
                s.plan_id, s.commitment_hash, s.seed, s.entities, s.strata, s.targets, s.unstaffed
            );
            if let Some(c) = log {
                println!(
                    "PASS log {}: {} entries proven in the tree of size {} signed by {}",
                    c.origin, c.entries, c.size, c.verifier_key
                );
                if witnesses.quorum > 0 {
                    println!(
                        "PASS witnesses: at least {} of the {} witness key(s) given cosigned the checkpoint",
                        witnesses.quorum,
                        witnesses.keys.len()
                    );
                }
                if pinned.is_none() {
                    println!(
                        "note: the checkpoint was checked with the key the export carries; pass the publisher's key with --log-key to pin it"
                    );
                }
            }
            EXIT_OK
        }
        Outcome::Fail(why) => {
            println!("FAIL {why}");
            EXIT_INVALID
        }
        Outcome::Unreadable(why) => {
            eprintln!("UNREADABLE {}: {why}", path.display());
            EXIT_UNREADABLE
        }
    }
}
