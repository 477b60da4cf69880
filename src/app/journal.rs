//! Appending to the log inside a write transaction: the entry's canonical bytes at the next
//! position, then a signed checkpoint of the new head (so every entry is covered by a
//! checkpoint from the moment it exists, and `log verify` can name a rewritten entry).

use std::io::Write;
use std::path::Path;

use super::{AppError, Result};
use crate::ledger::{self, Checkpoint, LogKey};
use crate::store::{self, Tx};

/// Appends `event` as an entry of `kind`; returns its position.
pub async fn append(
    tx: &mut Tx,
    key: &LogKey,
    origin: &str,
    kind: &str,
    event: &serde_json::Value,
) -> Result<u64> {
    let seq = store::log::size(tx).await?;
    let time = store::now();
    let bytes = ledger::entry::encode(seq, &time, kind, event)
        .map_err(|e| AppError::Invalid(format!("log entry {kind}: {e}")))?;
    let leaf = ledger::tree::leaf_hash(&bytes);
    store::log::insert(tx, seq, kind, &time, &bytes, &leaf).await?;
    sign_head(tx, key, origin).await?;
    Ok(seq)
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
    store::log::insert_checkpoint(tx, checkpoint.size, &note, &store::now()).await?;
    Ok(note)
}

/// Reads a key file written by `write_key`.
pub fn read_key(path: &Path) -> Result<LogKey> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
    LogKey::from_file_text(text.trim())
        .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))
}

/// Writes a new key file readable by its owner only; never over an existing file.
pub fn write_key(path: &Path, key: &LogKey) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))?;
    writeln!(file, "{}", key.to_file_text())
        .and_then(|_| file.sync_all())
        .map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))
}
