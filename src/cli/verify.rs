//! `shuangsui verify`: offline re-derivation of a bundle, or of an exported bundle with the
//! log's evidence (`bundle::evidence`). PASS exit 0, FAIL exit 1, unreadable exit 2.

use std::path::Path;

use crate::bundle::{self, Bundle, Summary, evidence};
use crate::ledger::VerifierKey;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};

/// What checking a bundle or an export found.
pub enum Outcome {
    Pass(Summary, Option<evidence::Checked>),
    Fail(String),
    Unreadable(String),
}

/// Checks the bytes of a bundle or an export: the published commitment hash if given, the
/// log's evidence if the export carries it (with `pinned` as the log's key when given), and
/// the draw re-derived.
pub fn check(bytes: &[u8], expect: Option<&str>, pinned: Option<&VerifierKey>) -> Outcome {
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
        None => None,
        Some(ev) => match evidence::check(ev, &bundle, bundle_bytes, pinned) {
            Ok(_) if !evidence::log_is_canonical(bytes, ev) => {
                return Outcome::Fail(
                    "/log: not the canonical (RFC 8785) serialisation of the evidence it holds (docs/LOG.md)".into(),
                );
            }
            Ok(c) => Some(c),
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

pub fn run(path: &Path, expect: Option<&str>, log_key: Option<&str>) -> i32 {
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
    match check(&bytes, expect, pinned.as_ref()) {
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
