//! Whole-log verification: every stored entry against its position and leaf hash, the tree
//! recomputed from the entries, every stored checkpoint's signature and root, and the
//! consistency of each checkpoint with the one before.
//!
//! The log is walked in order; a checkpoint is opened when the walk reaches the end of the
//! previous one, and compared once the entries up to its size are checked. The first fault
//! on that walk is reported. An entry whose bytes and stored leaf hash were both rewritten
//! passes the entry checks; the first checkpoint covering it then fails, which bounds the
//! entry to those added since the previous checkpoint.

use std::fmt;

use super::checkpoint::Checkpoint;
use super::entry;
use super::note::VerifierKey;
use super::tree::{self, Hash, Tree};

/// One stored entry, as storage gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// The position storage keeps for it.
    pub seq: u64,
    /// The stored entry bytes.
    pub bytes: Vec<u8>,
    /// The stored leaf hash (32 bytes when intact).
    pub leaf_hash: Vec<u8>,
    /// The opening of the entry's seal, if it has one ([`super::seal`]).
    pub opening: Option<String>,
}

impl StoredEntry {
    /// The entry decoded, with its seal opened (`seal::open`): the full event.
    pub fn open(&self) -> Result<super::Envelope, String> {
        let mut envelope = entry::decode(&self.bytes).map_err(|e| e.to_string())?;
        super::seal::open(&envelope.kind, &mut envelope.event, self.opening.as_deref())
            .map_err(|e| format!("its seal: {e}"))?;
        Ok(envelope)
    }
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Number of entries checked.
    pub entries: u64,
    /// Number of checkpoints checked.
    pub checkpoints: usize,
    /// Size of the newest checkpoint: the entries a signature covers (0 without any).
    pub size: u64,
    /// Root of the first `size` entries, recomputed, equal to the newest checkpoint's.
    pub root: Hash,
}

/// The first fault found: which entry and/or checkpoint, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFault {
    /// The bad entry's position, when one entry can be named.
    pub entry: Option<u64>,
    /// The bad (or first failing) checkpoint, as an index into the checkpoints given.
    pub checkpoint: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for LogFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.entry, self.checkpoint) {
            (Some(e), Some(c)) => write!(f, "entry {e} (checkpoint {c}): {}", self.reason),
            (Some(e), None) => write!(f, "entry {e}: {}", self.reason),
            (None, Some(c)) => write!(f, "checkpoint {c}: {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for LogFault {}

fn fault(entry: Option<u64>, checkpoint: Option<usize>, reason: String) -> LogFault {
    LogFault {
        entry,
        checkpoint,
        reason,
    }
}

/// Verifies the whole log: `entries` in storage order, `checkpoints` (signed notes) in
/// order of size, all signed by `key`.
pub fn verify_log<C: AsRef<str>>(
    entries: &[StoredEntry],
    checkpoints: &[C],
    key: &VerifierKey,
) -> Result<Summary, LogFault> {
    let mut tree = Tree::new();
    let mut previous: Option<Checkpoint> = None;
    for (k, note) in checkpoints.iter().enumerate() {
        let checkpoint = Checkpoint::open(note.as_ref(), key)
            .map_err(|e| fault(None, Some(k), e.to_string()))?;
        let (old_size, old_root) = previous
            .as_ref()
            .map_or((0, tree::empty_root()), |p| (p.size, p.root));
        if let Some(p) = &previous {
            if checkpoint.origin != p.origin {
                let why = format!("origin {:?}, not {:?}", checkpoint.origin, p.origin);
                return Err(fault(None, Some(k), why));
            }
            if checkpoint.size < p.size {
                let why = format!(
                    "size {} is below the previous checkpoint's {}",
                    checkpoint.size, p.size
                );
                return Err(fault(None, Some(k), why));
            }
        }
        while tree.len() < checkpoint.size {
            let Some(stored) = entries.get(tree.len() as usize) else {
                let why = format!(
                    "signs {} entries, only {} are stored: entry {} is missing",
                    checkpoint.size,
                    entries.len(),
                    entries.len()
                );
                return Err(fault(Some(entries.len() as u64), Some(k), why));
            };
            tree.push_leaf_hash(check_entry(tree.len(), stored)?);
        }
        let root = tree
            .root_at(checkpoint.size)
            .map_err(|e| fault(None, Some(k), e.to_string()))?;
        if root != checkpoint.root {
            return Err(root_mismatch(k, old_size, checkpoint.size));
        }
        if old_size > 0 {
            let proof = tree
                .consistency_proof(old_size, checkpoint.size)
                .map_err(|e| fault(None, Some(k), e.to_string()))?;
            if !tree::verify_consistency(old_size, &old_root, checkpoint.size, &root, &proof) {
                let why = format!("no consistency with the previous checkpoint (size {old_size})");
                return Err(fault(None, Some(k), why));
            }
        }
        previous = Some(checkpoint);
    }
    while let Some(stored) = entries.get(tree.len() as usize) {
        tree.push_leaf_hash(check_entry(tree.len(), stored)?);
    }
    let (size, root) = previous.map_or((0, tree::empty_root()), |p| (p.size, p.root));
    Ok(Summary {
        entries: tree.len(),
        checkpoints: checkpoints.len(),
        size,
        root,
    })
}

/// Checks the entry at `position`; returns its leaf hash.
fn check_entry(position: u64, stored: &StoredEntry) -> Result<Hash, LogFault> {
    let here = |why: String| fault(Some(position), None, why);
    if stored.seq != position {
        return Err(here(format!(
            "stored with seq {} at position {position}: an entry is missing, repeated or out of order",
            stored.seq
        )));
    }
    let envelope = stored.open().map_err(here)?;
    if envelope.seq != position {
        return Err(here(format!(
            "the entry says seq {}, at position {position}",
            envelope.seq
        )));
    }
    let computed = tree::leaf_hash(&stored.bytes);
    if stored.leaf_hash.as_slice() != computed.as_slice() {
        return Err(here(format!(
            "stored leaf hash {} is not the bytes' hash {}",
            hex::encode(&stored.leaf_hash),
            hex::encode(computed)
        )));
    }
    Ok(computed)
}

/// A validly signed checkpoint whose root the entries no longer give: an entry after the
/// previous checkpoint (whose root still matched) was rewritten with its leaf hash.
fn root_mismatch(k: usize, old_size: u64, size: u64) -> LogFault {
    let why = match size - old_size {
        0 => format!(
            "signs size {size} with a root the entries do not give, though they gave the previous checkpoint's: two different trees signed for one size"
        ),
        1 => format!(
            "the entries no longer give its root: entry {old_size} was rewritten together with its leaf hash"
        ),
        _ => format!(
            "the entries no longer give its root: one of entries {old_size}..={} was rewritten together with its leaf hash",
            size - 1
        ),
    };
    let entry = (size - old_size == 1).then_some(old_size);
    fault(entry, Some(k), why)
}
