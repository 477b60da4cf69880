//! `shuangsui log monitor`: what a journalist or an inspection body runs every day against a
//! public log (docs/LOG.md, "The public log"). It keeps, in a state folder, the last
//! checkpoint it verified and the leaf hashes of every entry up to it; each run fetches the
//! new checkpoint and the new entries, and
//!
//! - opens the checkpoint with the log's key (and counts the witnesses' cosignatures
//!   towards a quorum, if asked);
//! - checks that the new tree extends the one it kept: the kept leaf hashes followed by the
//!   new entries' must give the new checkpoint's root (a rewritten or dropped entry, or a
//!   fork shown to this monitor, gives another root; a smaller tree is a rollback);
//! - checks each new entry's form: canonical, in order, a known kind, its sealed fields
//!   sealed and none of them in the clear;
//! - says each new event in plain words.
//!
//! This module is the pure part; `fetch` gets the bytes over HTTP.

pub mod fetch;
pub mod words;

use crate::ledger::tree::{Hash, Tree, leaf_hash};
use crate::ledger::{Checkpoint, VerifierKey, entry, seal};
use crate::witness::{WitnessVerifier, cosigned_by};

/// Why a run fails: the log is not what it must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inconsistency {
    #[error("the checkpoint: {0}")]
    Checkpoint(String),
    #[error(
        "the checkpoint carries {valid} valid cosignature(s) of the witness keys given, {quorum} required"
    )]
    Quorum { valid: usize, quorum: usize },
    #[error("the log shrank: size {new}, after size {old} was verified (a rollback)")]
    Rollback { old: u64, new: u64 },
    #[error(
        "the log of size {new} does not extend the one of size {old} verified before (a fork or a rewritten history)"
    )]
    Fork { old: u64, new: u64 },
    #[error("entry {seq}: {why}")]
    Entry { seq: u64, why: String },
}

/// What the monitor keeps between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    /// The last checkpoint verified (its signed note), if any.
    pub checkpoint: Option<String>,
    /// The leaf hashes of the entries it covers, in order.
    pub leaves: Vec<Hash>,
}

/// What one run needs to trust: the log's key, and the witnesses and their quorum.
pub struct Trust {
    pub log: VerifierKey,
    pub witnesses: Vec<WitnessVerifier>,
    pub quorum: usize,
}

impl Trust {
    /// Opens `note` with the log's key (its origin must be the key's name) and counts the
    /// witnesses' cosignatures.
    pub fn open(&self, note: &str) -> Result<Checkpoint, Inconsistency> {
        let checkpoint = Checkpoint::open(note, &self.log)
            .map_err(|e| Inconsistency::Checkpoint(e.to_string()))?;
        if checkpoint.origin != self.log.name() {
            return Err(Inconsistency::Checkpoint(format!(
                "origin {:?} is not the log key's name {:?}",
                checkpoint.origin,
                self.log.name()
            )));
        }
        let valid = cosigned_by(note, &self.witnesses)
            .iter()
            .filter(|(_, r)| r.is_ok())
            .count();
        if valid < self.quorum {
            return Err(Inconsistency::Quorum {
                valid,
                quorum: self.quorum,
            });
        }
        Ok(checkpoint)
    }
}

/// The range of entries to fetch to go from `kept` to `new`.
pub fn wanted(kept: &Kept, new: &Checkpoint) -> Result<std::ops::Range<u64>, Inconsistency> {
    let old = kept.leaves.len() as u64;
    if new.size < old {
        return Err(Inconsistency::Rollback { old, new: new.size });
    }
    Ok(old..new.size)
}

/// One new entry, checked and said in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub seq: u64,
    pub time: String,
    pub words: String,
}

/// Takes the new entries (`entries`, from `kept`'s size on) and the verified checkpoint
/// `new` (its note `note`) into `kept`, after checking that they extend the kept tree to
/// `new`'s root and that each is well formed. `kept` is unchanged on an error.
pub fn absorb(
    kept: &mut Kept,
    new: &Checkpoint,
    note: &str,
    entries: &[Vec<u8>],
) -> Result<Vec<Said>, Inconsistency> {
    let range = wanted(kept, new)?;
    let old = range.start;
    if entries.len() as u64 != range.end - range.start {
        return Err(Inconsistency::Entry {
            seq: old,
            why: format!(
                "{} entries fetched, {} expected",
                entries.len(),
                range.end - old
            ),
        });
    }
    let mut said = Vec::with_capacity(entries.len());
    for (i, bytes) in entries.iter().enumerate() {
        let seq = old + i as u64;
        said.push(check_entry(seq, bytes)?);
    }
    let leaves: Vec<Hash> = kept
        .leaves
        .iter()
        .copied()
        .chain(entries.iter().map(|e| leaf_hash(e)))
        .collect();
    if Tree::from_leaf_hashes(leaves.iter().copied()).root() != new.root {
        return Err(Inconsistency::Fork { old, new: new.size });
    }
    kept.leaves = leaves;
    kept.checkpoint = Some(note.to_string());
    Ok(said)
}

/// An entry's form: canonical, at its position, a known kind whose sealed fields are sealed.
fn check_entry(seq: u64, bytes: &[u8]) -> Result<Said, Inconsistency> {
    let bad = |why: String| Inconsistency::Entry { seq, why };
    let envelope = entry::decode(bytes).map_err(|e| bad(e.to_string()))?;
    if envelope.seq != seq {
        return Err(bad(format!("it says seq {}", envelope.seq)));
    }
    let sealed = seal::fields_of(&envelope.kind);
    if !sealed.is_empty() {
        if !envelope
            .event
            .get(seal::SEALED)
            .is_some_and(|s| s.is_string())
        {
            return Err(bad(format!("a {} entry without its seal", envelope.kind)));
        }
        let optional = seal::optional_of(&envelope.kind);
        if let Some(field) = sealed
            .iter()
            .chain(optional)
            .find(|f| envelope.event.contains_key(**f))
        {
            return Err(bad(format!(
                "a {} entry shows {field:?}, which is sealed",
                envelope.kind
            )));
        }
    }
    let words = words::say(&envelope.kind, &envelope.event).map_err(bad)?;
    Ok(Said {
        seq,
        time: envelope.time,
        words,
    })
}

#[cfg(test)]
mod tests;
