//! The public log (docs/LOG.md, "The public log"): what `/log/` serves to anyone, as C2SP
//! `tlog-tiles`: the newest signed checkpoint, hash tiles and entry bundles at its size, and
//! the openings that publication made public (each revealed entry's opening, and each
//! batch's reveals file by its SHA-256).
//!
//! Tiles come from a tree kept in memory ([`PublicLog`]), extended from the stored leaf
//! hashes as the log grows and checked against the signed checkpoint's root before anything
//! is served from it: a tile never disagrees with the checkpoint it is served under. Beside
//! it, an index of the entries that name each batch ([`BatchLog`]: its entries other than
//! results, with their times and reasons, and its results' places), read once and extended
//! as the log grows: the public pages learn from it where a batch stands, and the openings
//! and reveals are found without reading the whole log per request.

use crate::domain::Message;
use crate::msg;
use std::collections::HashMap;

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
        .ok_or_else(|| {
            AppError::NotFound(Message::new(
                "日志尚无检查点",
                "the log has no checkpoint yet",
            ))
        })
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
        .ok_or_else(|| {
            AppError::NotFound(msg!(
                "没有大小为 {size} 的检查点",
                "no checkpoint of size {size}"
            ))
        })?;
    for c in store::cosignatures::of_size(&app.store, size).await? {
        head.note.push_str(&c.line);
    }
    Ok(head)
}

/// The public log kept in memory between requests: its tree (for tiles and consistency
/// proofs) and an index of the entries that name each batch.
#[derive(Default)]
pub struct PublicLog {
    tree: Mutex<Tree>,
    index: Mutex<Index>,
}

impl PublicLog {
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

/// The kinds of entry that name a batch (`event.batch`), as the index keeps them.
const BATCH_KINDS: &[&str] = &[
    "batch.created",
    "batch.committed",
    "draw.started",
    "draw.refused",
    "draw.failed",
    "batch.drawn",
    "result.recorded",
    "result.corrected",
    "result.approved",
    "result.returned",
    "followup.measure",
    "followup.closed",
    "batch.withdrawn",
    "batch.published",
];

/// Entries read at once while the index catches up with the log.
const INDEX_CHUNK: u64 = 4096;

/// Which entries name each batch, read once from the log and extended as it grows: the
/// pages find a batch's history here, and `/log/opening` and `/log/content` what is
/// revealed, without reading the whole log per request.
#[derive(Default)]
struct Index {
    /// Entries indexed: `0..size`.
    size: u64,
    batches: HashMap<String, BatchLog>,
    /// A `batch.published` entry's `reveals_sha256` → its batch.
    reveals: HashMap<String, String>,
}

/// What the log says of one batch: its entries other than results, and its results' seqs
/// (a batch may have thousands, so only their places are kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchLog {
    pub entries: Vec<BatchEntry>,
    pub results: Vec<u64>,
    /// The batch's `result.approved` and `result.returned` entries (审核), in log order.
    pub approvals: Vec<u64>,
    pub returns: Vec<u64>,
    /// The batch's `followup.measure` and `followup.closed` entries (后续处置), in log order.
    pub followups: Vec<u64>,
}

/// One public entry of a batch's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry {
    pub seq: u64,
    pub kind: &'static str,
    /// RFC 3339, the entry's `time`.
    pub time: String,
    /// The `reason` of a refusal, failure or withdrawal.
    pub reason: Option<String>,
    /// The `commitment_hash` of a commitment or a draw.
    pub commitment_hash: Option<String>,
}

impl BatchLog {
    /// The batch's first entry of `kind`.
    pub fn first(&self, kind: &str) -> Option<&BatchEntry> {
        self.entries.iter().find(|e| e.kind == kind)
    }

    /// Where the batch stands by its log: `published`, `withdrawn`, `results` (drawn, some
    /// result logged), `drawn`, `committed`, or `draft`.
    pub fn state(&self) -> &'static str {
        if self.first("batch.published").is_some() {
            "published"
        } else if self.first("batch.withdrawn").is_some() {
            "withdrawn"
        } else if self.first("batch.drawn").is_some() {
            if self.results.is_empty() {
                "drawn"
            } else {
                "results"
            }
        } else if self.first("batch.committed").is_some() {
            "committed"
        } else {
            "draft"
        }
    }
}

impl Index {
    fn add(&mut self, entry: &ledger::StoredEntry) -> Result<()> {
        let envelope = ledger::entry::decode(&entry.bytes)
            .map_err(|err| corrupt(format!("log entry {}: {err}", entry.seq)))?;
        let event = &envelope.event;
        let (Some(batch), Some(kind)) = (
            event.get("batch").and_then(|v| v.as_str()),
            BATCH_KINDS.iter().find(|k| **k == envelope.kind),
        ) else {
            return Ok(());
        };
        let log = self.batches.entry(batch.to_string()).or_default();
        if *kind == "result.approved" {
            log.approvals.push(entry.seq);
            return Ok(());
        }
        if *kind == "result.returned" {
            log.returns.push(entry.seq);
            return Ok(());
        }
        if kind.starts_with("followup.") {
            log.followups.push(entry.seq);
            return Ok(());
        }
        if kind.starts_with("result.") {
            log.results.push(entry.seq);
            return Ok(());
        }
        log.entries.push(BatchEntry {
            seq: entry.seq,
            kind,
            time: envelope.time,
            reason: text(event, "reason"),
            commitment_hash: text(event, "commitment_hash"),
        });
        if *kind == "batch.published"
            && let Some(reveals) = event.get("reveals_sha256").and_then(|v| v.as_str())
        {
            self.reveals.insert(reveals.to_string(), batch.to_string());
        }
        Ok(())
    }
}

impl PublicLog {
    /// The index, caught up with the newest checkpoint.
    async fn index(&self, app: &App) -> Result<tokio::sync::MutexGuard<'_, Index>> {
        let size = checkpoint(app).await?.size;
        let mut index = self.index.lock().await;
        while index.size < size {
            let end = size.min(index.size + INDEX_CHUNK);
            let entries = store::log::entries_between(&app.store, index.size, end).await?;
            if entries.len() as u64 != end - index.size {
                return Err(corrupt(format!(
                    "log entries {}…{}: {} stored",
                    index.size,
                    end - 1,
                    entries.len()
                )));
            }
            for e in &entries {
                index.add(e)?;
            }
            index.size = end;
        }
        Ok(index)
    }

    /// What the log says of batch `id` (empty for a batch it does not name).
    pub async fn batch(&self, app: &App, id: &str) -> Result<BatchLog> {
        Ok(self
            .index(app)
            .await?
            .batches
            .get(id)
            .cloned()
            .unwrap_or_default())
    }

    /// What the log says of every batch it names, by id.
    pub async fn batches(&self, app: &App) -> Result<HashMap<String, BatchLog>> {
        Ok(self.index(app).await?.batches.clone())
    }

    /// The opening of entry `seq` if it is public: a draw or result entry of a batch the
    /// log says is published. `None` for an entry that has no opening, or whose opening is
    /// not public (yet, or ever).
    pub async fn opening(&self, app: &App, seq: u64) -> Result<Option<String>> {
        if seq >= self.index(app).await?.size {
            return Ok(None);
        }
        let (entry, envelope) = one_entry(app, seq).await?;
        let batch = envelope.event.get("batch").and_then(|v| v.as_str());
        let public = seal::REVEALED_AT_PUBLICATION.contains(&envelope.kind.as_str())
            && match batch {
                Some(b) => self.batch(app, b).await?.state() == "published",
                None => false,
            };
        Ok(entry.opening.filter(|_| public))
    }

    /// The reveals file (`ledger::seal::reveals`) whose SHA-256 is `sha256`, if a
    /// `batch.published` entry names it.
    pub async fn content(&self, app: &App, sha256: &str) -> Result<Option<Vec<u8>>> {
        let (batch, first, published) = {
            let index = self.index(app).await?;
            let Some(batch) = index.reveals.get(sha256).cloned() else {
                return Ok(None);
            };
            let log = index.batches.get(&batch);
            let first = log.and_then(|l| l.entries.first()).map(|e| e.seq);
            let published = log.and_then(|l| l.first("batch.published")).map(|e| e.seq);
            match (first, published) {
                (Some(first), Some(published)) => (batch, first, published),
                _ => return Ok(None),
            }
        };
        // The batch's entries lie between its first and its publication.
        let before = store::log::entries_between(&app.store, first, published).await?;
        let bytes = seal::reveals(seal::openings_of(&before, &batch));
        if crate::canonical::sha256_hex(&bytes) != sha256 {
            return Err(corrupt(format!(
                "batch {batch}: the openings stored do not hash to what its publication reveals: run `shuangsui log verify`"
            )));
        }
        Ok(Some(bytes))
    }
}

fn text(event: &serde_json::Map<String, serde_json::Value>, field: &str) -> Option<String> {
    event
        .get(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Entry `seq` as stored, and its envelope.
async fn one_entry(app: &App, seq: u64) -> Result<(ledger::StoredEntry, ledger::entry::Envelope)> {
    let entry = store::log::entries_between(&app.store, seq, seq + 1)
        .await?
        .pop()
        .ok_or_else(|| corrupt(format!("log entry {seq} is missing")))?;
    let envelope = ledger::entry::decode(&entry.bytes)
        .map_err(|err| corrupt(format!("log entry {seq}: {err}")))?;
    Ok((entry, envelope))
}
