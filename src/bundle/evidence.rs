//! Exported bundles: a bundle with the log's evidence for it (format
//! `shuangsui-export/1`, canonical JSON):
//!
//! ```text
//! {"bundle":<the bundle, byte for byte>,"format":"shuangsui-export/1",
//!  "log":{"checkpoint":"<C2SP signed note>","entries":[{"entry":"<entry bytes as text>",
//!  "opening":"<opening text, for a sealed entry>","proof":["<hex>",…],"seq":N},…],
//!  "verifier_key":"<name+hash+key>"}}
//! ```
//!
//! `check` proves that each entry is in the log the checkpoint signs (RFC 6962 inclusion),
//! that the checkpoint is signed by the log's key, that each sealed entry's opening
//! matches its seal (`ledger::seal`), and (`complete`) that every entry the
//! export must carry is there and names this bundle (commitment hash, seed, SHA-256 of its
//! bytes). An export is canonical JSON: `split` refuses a `log` part that is not.

use serde::{Deserialize, Serialize};

use super::{Bundle, complete};
use crate::ledger::{self, Checkpoint, VerifierKey};

pub const FORMAT: &str = "shuangsui-export/1";
const PREFIX: &[u8] = b"{\"bundle\":";
const MIDDLE: &[u8] = b",\"format\":\"shuangsui-export/1\",\"log\":";

/// One log entry with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenEntry {
    /// The entry's exact bytes (canonical JSON, so valid UTF-8 text).
    pub entry: String,
    /// The opening of the entry's seal, for an entry that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<String>,
    /// Inclusion proof against the checkpoint, hex hashes, RFC 6962 order.
    pub proof: Vec<String>,
    pub seq: u64,
}

/// The log's evidence for a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub checkpoint: String,
    pub entries: Vec<ProvenEntry>,
    pub verifier_key: String,
}

/// What `check` established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub origin: String,
    pub size: u64,
    pub entries: usize,
    pub verifier_key: String,
}

/// Writes an export: the bundle's bytes as they are, then the evidence.
pub fn write(
    bundle_bytes: &[u8],
    evidence: &Evidence,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    out.write_all(PREFIX)?;
    out.write_all(bundle_bytes)?;
    out.write_all(MIDDLE)?;
    out.write_all(&crate::canonical::to_vec(evidence))?;
    out.write_all(b"}")
}

/// Splits an export into the bundle's bytes and the evidence; `None` if `bytes` is not an
/// export (a plain bundle, say).
pub fn split(bytes: &[u8]) -> Option<Result<(&[u8], Evidence), String>> {
    let rest = bytes.strip_prefix(PREFIX)?;
    let Some(at) = memchr::memmem::rfind(rest, MIDDLE) else {
        return Some(Err("an export without its \"log\" part".into()));
    };
    let (bundle, tail) = rest.split_at(at);
    let log = &tail[MIDDLE.len()..];
    let Some(log) = log.strip_suffix(b"}") else {
        return Some(Err(
            "an export that does not end after its \"log\" part".into()
        ));
    };
    Some(
        serde_json::from_slice::<Evidence>(log)
            .map(|e| (bundle, e))
            .map_err(|e| format!("/log: {e}")),
    )
}

/// Whether the `log` part of `export` (already split) is the canonical serialisation of
/// `evidence`, as the whole export must be (LOG.md).
pub fn log_is_canonical(export: &[u8], evidence: &Evidence) -> bool {
    let mut tail = MIDDLE.to_vec();
    tail.extend(crate::canonical::to_vec(evidence));
    tail.push(b'}');
    export.ends_with(&tail)
}

fn hash32(hex_text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut out).ok()?;
    Some(out)
}

/// Checks the evidence for `bundle`, whose bytes are `bundle_bytes`. `pinned` is the log
/// key the auditor got from the publisher; without it the key carried by the export is
/// used (and the caller should say so).
pub fn check(
    evidence: &Evidence,
    bundle: &Bundle,
    bundle_bytes: &[u8],
    pinned: Option<&VerifierKey>,
) -> Result<Checked, String> {
    let carried = VerifierKey::parse(&evidence.verifier_key)
        .map_err(|e| format!("/log/verifier_key: {e}"))?;
    if let Some(p) = pinned
        && p.to_string() != carried.to_string()
    {
        return Err(format!(
            "/log/verifier_key: the export names key {carried}, not the pinned {p}"
        ));
    }
    let key = pinned.unwrap_or(&carried);
    let checkpoint: Checkpoint =
        Checkpoint::open(&evidence.checkpoint, key).map_err(|e| format!("/log/checkpoint: {e}"))?;
    let mut proven = Vec::with_capacity(evidence.entries.len());
    for (i, e) in evidence.entries.iter().enumerate() {
        let path = format!("/log/entries/{i}");
        let proof: Vec<[u8; 32]> = e
            .proof
            .iter()
            .map(|h| hash32(h).ok_or_else(|| format!("{path}/proof: not 64 hex digits")))
            .collect::<Result<_, _>>()?;
        if !ledger::tree::verify_inclusion(
            e.entry.as_bytes(),
            e.seq,
            checkpoint.size,
            &proof,
            &checkpoint.root,
        ) {
            return Err(format!(
                "{path}: entry {} is not in the log signed by the checkpoint (inclusion proof fails)",
                e.seq
            ));
        }
        let mut envelope = ledger::entry::decode(e.entry.as_bytes())
            .map_err(|err| format!("{path}/entry: {err}"))?;
        ledger::seal::open(&envelope.kind, &mut envelope.event, e.opening.as_deref())
            .map_err(|err| format!("{path}/opening: {err}"))?;
        if envelope.seq != e.seq {
            return Err(format!(
                "{path}: entry says seq {}, listed as {}",
                envelope.seq, e.seq
            ));
        }
        proven.push((i, envelope, e.opening.as_deref()));
    }
    let bundle_sha256 = crate::canonical::sha256_hex(bundle_bytes);
    let entropy = crate::canonical::to_vec(&bundle.entropy);
    complete::check(
        &proven,
        &complete::Expected {
            batch: &bundle.commitment.header.plan.id,
            commitment_hash: &bundle.commitment.hash,
            seed: &bundle.seed,
            bundle_sha256: &bundle_sha256,
            entropy: &entropy,
        },
    )?;
    Ok(Checked {
        origin: checkpoint.origin,
        size: checkpoint.size,
        entries: evidence.entries.len(),
        verifier_key: key.to_string(),
    })
}
