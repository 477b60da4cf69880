//! Appending to the log inside a write transaction: the entry's canonical bytes at the next
//! position, then a signed checkpoint of the new head (so every entry is covered by a
//! checkpoint from the moment it exists, and `log verify` can name a rewritten entry).
//! And reading it back for a decision: `signed_entries` gives the entries only after their
//! bytes were found to hash to the newest signed checkpoint, so a decision never rests on
//! bytes or columns changed behind the log's back.

use crate::msg;
use std::path::Path;

use super::{AppError, Result};
use crate::ledger::{self, Checkpoint, LogKey, VerifierKey};
use crate::store::{self, Tx, log::StoredEntry};

/// Where an entry went: its position, and the time it carries (which the tables that
/// project it store, so that a replay of the log gives them back exactly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    pub time: String,
}

/// Appends `event` as an entry of `kind`, its fields that the kind seals
/// (`ledger::seal::SEALED_FIELDS`) sealed under a fresh random salt, the opening kept beside
/// the entry.
pub async fn append(
    tx: &mut Tx,
    key: &LogKey,
    origin: &str,
    kind: &str,
    event: &serde_json::Value,
) -> Result<Appended> {
    append_at(tx, key, origin, kind, event, store::now()).await
}

/// [`append`] with the entry's time given: for a step that decided on the day of that same
/// time (taken inside its write transaction), so that the replay, which takes the entry's
/// day as "today", decides as it did.
pub async fn append_at(
    tx: &mut Tx,
    key: &LogKey,
    origin: &str,
    kind: &str,
    event: &serde_json::Value,
    time: String,
) -> Result<Appended> {
    let seq = store::log::size(tx).await?;
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Setup(format!("no randomness for a salt: {e}")))?;
    let (public, opening) = ledger::seal::seal(kind, event, &salt);
    let bytes = ledger::entry::encode(seq, &time, kind, &public)
        .map_err(|e| AppError::Invalid(msg!("日志条目 {kind}：{e}", "log entry {kind}: {e}")))?;
    let leaf = ledger::tree::leaf_hash(&bytes);
    store::log::insert(tx, seq, &bytes, &leaf, opening.as_deref()).await?;
    sign_head(tx, key, origin).await?;
    Ok(Appended { seq, time })
}

/// Every entry as `tx` sees it, after checking that their bytes hash to the root that the
/// newest stored checkpoint signs with `verifier`, at its size (which must be the number of
/// entries). A rewritten entry, a dropped or added one, or a forged checkpoint is refused
/// here, before anything is decided on what the entries say.
pub async fn signed_entries(tx: &mut Tx, verifier: &VerifierKey) -> Result<Vec<StoredEntry>> {
    let entries = store::log::entries_in(tx).await?;
    let corrupt = |what: String| AppError::Store(store::StoreError::Corrupt(what));
    let head = store::log::latest_checkpoint_in(tx)
        .await?
        .ok_or_else(|| corrupt("the log has no signed checkpoint".into()))?;
    let signed = Checkpoint::open(&head.note, verifier)
        .map_err(|e| corrupt(format!("the newest checkpoint (size {}): {e}", head.size)))?;
    let leaves: Vec<ledger::tree::Hash> = entries
        .iter()
        .map(|e| ledger::tree::leaf_hash(&e.bytes))
        .collect();
    if signed.size != entries.len() as u64
        || signed.root != ledger::tree::root_from_leaf_hashes(&leaves)
    {
        return Err(corrupt(format!(
            "the log's {} entries do not hash to its newest signed checkpoint (size {}): run `shuangsui log verify`",
            entries.len(),
            signed.size
        )));
    }
    Ok(entries)
}

/// Signs a checkpoint of the log as `tx` sees it, and stores it.
pub async fn sign_head(tx: &mut Tx, key: &LogKey, origin: &str) -> Result<String> {
    let leaves = store::log::leaf_hashes(tx).await?;
    let checkpoint = Checkpoint {
        origin: origin.to_string(),
        size: leaves.len() as u64,
        root: ledger::tree::root_from_leaf_hashes(&leaves),
    };
    let note = checkpoint.sign(key);
    store::log::insert_checkpoint(tx, checkpoint.size, &note).await?;
    Ok(note)
}

/// Reads a key file written by `write_key`.
pub fn read_key(path: &Path) -> Result<LogKey> {
    let text = crate::keyfile::read(path)
        .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
    LogKey::from_file_text(&text).map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))
}

/// Writes a new key file readable by its owner only; never over an existing file.
pub fn write_key(path: &Path, key: &LogKey) -> Result<()> {
    crate::keyfile::write_new(path, &key.to_file_text())
        .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))
}
