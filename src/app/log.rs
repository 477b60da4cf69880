//! The log as its users see it: sign the head, prove an entry, verify everything.

use super::{App, AppError, Result, journal};
use crate::domain::Message;
use crate::ledger::{self, Checkpoint};
use crate::msg;
use crate::store::{self, log::StoredCheckpoint};

/// Signs a checkpoint of the current head (stored; a head already signed is not signed twice).
pub async fn checkpoint(app: &App) -> Result<String> {
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let note = journal::sign_head(&mut tx, key, &app.origin).await?;
    tx.commit().await?;
    Ok(note)
}

/// The newest stored checkpoint.
pub async fn latest_checkpoint(app: &App) -> Result<StoredCheckpoint> {
    store::log::latest_checkpoint(&app.store)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(Message::new(
                "日志尚无检查点",
                "the log has no checkpoint yet",
            ))
        })
}

/// An entry with its inclusion proof against the newest checkpoint.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Proof {
    pub seq: u64,
    /// The entry's exact bytes (canonical JSON).
    pub entry: String,
    /// RFC 6962 leaf hash, hex.
    pub leaf_hash: String,
    /// The tree size the proof is for (the newest checkpoint's).
    pub size: u64,
    /// Sibling hashes, hex, leaf to root (RFC 6962).
    pub proof: Vec<String>,
    /// The signed checkpoint (C2SP signed note).
    pub checkpoint: String,
}

pub async fn prove(app: &App, seq: u64) -> Result<Proof> {
    let head = latest_checkpoint(app).await?;
    if seq >= head.size {
        let size = head.size;
        return Err(AppError::NotFound(msg!(
            "第 {seq} 条不在最新检查点（大小 {size}）之内；请运行 `shuangsui log checkpoint`",
            "entry {seq} is not covered by the newest checkpoint (size {size}); run `shuangsui log checkpoint`"
        )));
    }
    let entries = store::log::entries(&app.store).await?;
    let tree = ledger::tree::Tree::from_leaf_hashes(
        entries.iter().map(|e| ledger::tree::leaf_hash(&e.bytes)),
    );
    let proof = tree
        .inclusion_proof(seq, head.size)
        .map_err(|e| AppError::Store(store::StoreError::Corrupt(e.to_string())))?;
    let entry = &entries[seq as usize];
    Ok(Proof {
        seq,
        entry: String::from_utf8_lossy(&entry.bytes).into_owned(),
        leaf_hash: hex::encode(ledger::tree::leaf_hash(&entry.bytes)),
        size: head.size,
        proof: proof.iter().map(hex::encode).collect(),
        checkpoint: head.note,
    })
}

/// What `verify` checked.
#[derive(Debug, Clone)]
pub struct Verified {
    pub entries: u64,
    pub checkpoints: usize,
    pub root: String,
    pub cross_checked: usize,
}

/// Verifies the whole log (every entry, the tree, every checkpoint's signature and their
/// consistency) with the stored key or `pinned`, then that the tables agree with the log.
/// An `Err(AppError::Invalid)` names the first bad entry.
pub async fn verify(app: &App, pinned: Option<&ledger::VerifierKey>) -> Result<Verified> {
    // One consistent view for every read: a write that lands meanwhile (a live database)
    // is either wholly in it or wholly out of it, never a false alarm.
    let view = app.store.snapshot().await?;
    let verified = verify_view(app, &view, pinned).await;
    view.close().await;
    verified
}

async fn verify_view(
    app: &App,
    view: &store::Store,
    pinned: Option<&ledger::VerifierKey>,
) -> Result<Verified> {
    let entries = store::log::entries(view).await?;
    let checkpoints = store::log::checkpoints(view).await?;
    let key = pinned.unwrap_or(&app.verifier);
    let stored = entries;
    let notes: Vec<String> = checkpoints.iter().map(|c| c.note.clone()).collect();
    let summary = ledger::verify::verify_log(&stored, &notes, key)
        .map_err(|fault| AppError::Invalid(Message::same(fault)))?;
    for c in &checkpoints {
        let opened: Checkpoint = Checkpoint::open(&c.note, key).map_err(|e| {
            let size = c.size;
            AppError::Invalid(msg!(
                "大小为 {size} 的检查点：{e}",
                "checkpoint of size {size}: {e}"
            ))
        })?;
        if opened.size != c.size {
            let (stored, signed) = (c.size, opened.size);
            return Err(AppError::Invalid(msg!(
                "存为大小 {stored} 的检查点签署的大小是 {signed}",
                "checkpoint stored for size {stored} signs size {signed}"
            )));
        }
    }
    let cross_checked = super::crosscheck::tables(view, key, &stored).await?;
    Ok(Verified {
        entries: summary.size,
        checkpoints: checkpoints.len(),
        root: hex::encode(summary.root),
        cross_checked,
    })
}
