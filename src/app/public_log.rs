//! The public log (docs/LOG.md, "The public log"): what `/log/` serves to anyone, as C2SP
//! `tlog-tiles`: the newest signed checkpoint, hash tiles and entry bundles at its size, and
//! the openings that publication made public (each revealed entry's opening, and each
//! batch's reveals file by its SHA-256).
//!
//! Tiles come from a tree kept in memory ([`Tiles`]), extended from the stored leaf hashes as
//! the log grows and checked against the signed checkpoint's root before anything is served
//! from it: a tile never disagrees with the checkpoint it is served under.

use tokio::sync::Mutex;

use super::{App, AppError, Result};
use crate::ledger::tiles::{self, TileKind, TileRef};
use crate::ledger::{self, Checkpoint, Tree, seal};
use crate::store::{self, log::StoredCheckpoint};

fn corrupt(why: String) -> AppError {
    AppError::Store(store::StoreError::Corrupt(why))
}

/// The newest signed checkpoint (a C2SP signed note), without cosignatures.
pub async fn checkpoint(app: &App) -> Result<StoredCheckpoint> {
    store::log::latest_checkpoint(&app.store)
        .await?
        .ok_or_else(|| AppError::NotFound("the log has no checkpoint yet".into()))
}

/// The checkpoint to show the public, with the witnesses' cosignatures appended: the
/// newest one cosigned by at least `quorum` witnesses, or, while there is none, the newest
/// one with whatever cosignatures it has.
pub async fn cosigned_checkpoint(app: &App, quorum: usize) -> Result<StoredCheckpoint> {
    let size = match store::cosignatures::largest_with(&app.store, quorum.max(1)).await? {
        Some(size) if quorum > 0 => size,
        _ => checkpoint(app).await?.size,
    };
    with_cosignatures(app, size).await
}

/// The checkpoint of `size` with its cosignatures appended (each a signature line).
pub async fn with_cosignatures(app: &App, size: u64) -> Result<StoredCheckpoint> {
    let mut head = store::log::checkpoint_of_size(&app.store, size)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no checkpoint of size {size}")))?;
    for c in store::cosignatures::of_size(&app.store, size).await? {
        head.note.push_str(&c.line);
    }
    Ok(head)
}

/// The log's tree, kept in memory between requests.
#[derive(Default)]
pub struct Tiles {
    tree: Mutex<Tree>,
}

impl Tiles {
    /// The bytes of `tile` in the tree of the newest checkpoint, or `None` if that tree does
    /// not hold it.
    pub async fn tile(&self, app: &App, tile: &TileRef) -> Result<Option<Vec<u8>>> {
        let head = checkpoint(app).await?;
        let signed = Checkpoint::open(&head.note, &app.verifier)
            .map_err(|e| corrupt(format!("the newest checkpoint: {e}")))?;
        if !tile.exists_at(signed.size) {
            return Ok(None);
        }
        let tree = self.signed_tree(app, &signed).await?;
        if let TileKind::Hashes(_) = tile.kind {
            return Ok(tiles::hash_tile(&tree, tile));
        }
        let range = tile.entries();
        let entries = store::log::entries_between(&app.store, range.start, range.end).await?;
        if entries.len() as u64 != tile.width {
            return Err(corrupt(format!(
                "log entries {}…{}: {} stored",
                range.start,
                range.end - 1,
                entries.len()
            )));
        }
        // Served only if the entries are the ones the signed tree holds.
        for e in &entries {
            if tree.leaf(e.seq) != Some(ledger::tree::leaf_hash(&e.bytes)) {
                return Err(corrupt(format!(
                    "log entry {}: its bytes are not the ones the signed tree holds: run `shuangsui log verify`",
                    e.seq
                )));
            }
        }
        tiles::entry_bundle(entries.iter().map(|e| e.bytes.as_slice()))
            .map(Some)
            .ok_or_else(|| corrupt(format!("an entry in {} is too long", tile.path())))
    }

    /// The consistency proof from `old` to the newest checkpoint `signed` (empty from 0).
    pub async fn consistency_proof(
        &self,
        app: &App,
        signed: &Checkpoint,
        old: u64,
    ) -> Result<Vec<ledger::Hash>> {
        if old == 0 {
            return Ok(Vec::new());
        }
        let tree = self.signed_tree(app, signed).await?;
        tree.consistency_proof(old, signed.size)
            .map_err(|e| corrupt(e.to_string()))
    }

    /// The tree, grown to at least the size of `signed` from the stored leaf hashes, which
    /// must give its root.
    async fn signed_tree(
        &self,
        app: &App,
        signed: &Checkpoint,
    ) -> Result<tokio::sync::MutexGuard<'_, Tree>> {
        let mut tree = self.tree.lock().await;
        if tree.len() < signed.size {
            let hashes =
                store::log::leaf_hashes_between(&app.store, tree.len(), signed.size).await?;
            for h in hashes {
                tree.push_leaf_hash(h);
            }
            if tree.len() != signed.size || tree.root_at(signed.size).ok() != Some(signed.root) {
                // Nothing is served from it; the next request starts again from entry 0.
                *tree = Tree::new();
                return Err(corrupt(format!(
                    "the stored leaf hashes do not give the root of the signed checkpoint of size {}: run `shuangsui log verify`",
                    signed.size
                )));
            }
        }
        Ok(tree)
    }
}

/// The entries of the log, the batch a `REVEALED_AT_PUBLICATION` entry belongs to, and
/// where each batch was published.
struct Published {
    entries: Vec<ledger::StoredEntry>,
    /// Batch id → the seq of its `batch.published` entry and its `reveals_sha256`.
    batches: std::collections::HashMap<String, (u64, String)>,
}

async fn published(app: &App) -> Result<Published> {
    let entries = store::log::entries(&app.store).await?;
    let mut batches = std::collections::HashMap::new();
    for e in &entries {
        let envelope = ledger::entry::decode(&e.bytes)
            .map_err(|err| corrupt(format!("log entry {}: {err}", e.seq)))?;
        if envelope.kind == "batch.published"
            && let (Some(batch), Some(reveals)) = (
                envelope.event.get("batch").and_then(|v| v.as_str()),
                envelope
                    .event
                    .get("reveals_sha256")
                    .and_then(|v| v.as_str()),
            )
        {
            batches.insert(batch.to_string(), (e.seq, reveals.to_string()));
        }
    }
    Ok(Published { entries, batches })
}

/// The opening of entry `seq` if it is public: a draw or result entry of a batch the log
/// says is published. `None` for an entry that has no opening, or whose opening is not
/// public (yet, or ever).
pub async fn opening(app: &App, seq: u64) -> Result<Option<String>> {
    let p = published(app).await?;
    let Some(entry) = p.entries.get(seq as usize) else {
        return Ok(None);
    };
    let envelope = ledger::entry::decode(&entry.bytes)
        .map_err(|err| corrupt(format!("log entry {seq}: {err}")))?;
    let batch = envelope.event.get("batch").and_then(|v| v.as_str());
    let public = seal::REVEALED_AT_PUBLICATION.contains(&envelope.kind.as_str())
        && batch.is_some_and(|b| p.batches.contains_key(b));
    Ok(entry.opening.clone().filter(|_| public))
}

/// The reveals file (`ledger::seal::reveals`) whose SHA-256 is `sha256`, if a
/// `batch.published` entry names it.
pub async fn content(app: &App, sha256: &str) -> Result<Option<Vec<u8>>> {
    let p = published(app).await?;
    let Some((batch, (seq, _))) = p.batches.iter().find(|(_, (_, r))| r == sha256) else {
        return Ok(None);
    };
    let before = &p.entries[..(*seq as usize).min(p.entries.len())];
    let bytes = seal::reveals(seal::openings_of(before, batch));
    if crate::canonical::sha256_hex(&bytes) != sha256 {
        return Err(corrupt(format!(
            "batch {batch}: the openings stored do not hash to what its publication reveals: run `shuangsui log verify`"
        )));
    }
    Ok(Some(bytes))
}
