//! Exports a drawn batch as a bundle with the log's evidence (`bundle::evidence`): the
//! bundle is re-made from the committed snapshots and the logged entropy, and must hash to
//! the bundle the draw logged.

use super::{App, AppError, Result, batch, log};
use crate::bundle::{
    Bundle,
    evidence::{self, Evidence, ProvenEntry},
};
use crate::domain::Message;
use crate::entropy::Entropy;
use crate::ledger;
use crate::msg;
use crate::store;

/// Who an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A published batch: its lifecycle and results entries.
    Public,
    /// Any drawn batch: also every draw attempt and refusal.
    Auditor,
}

/// Entry kinds a public export carries.
const PUBLIC_KINDS: &[&str] = &[
    "batch.created",
    "batch.committed",
    "batch.drawn",
    "result.recorded",
    "result.corrected",
    "result.approved",
    "result.returned",
    "followup.measure",
    "followup.closed",
    "batch.published",
];

/// The bytes of the export of batch `id`.
pub async fn export(app: &App, id: &str, audience: Audience) -> Result<Vec<u8>> {
    let row = batch::get(app, id).await?;
    let allowed = match audience {
        Audience::Public => row.state == "published",
        Audience::Auditor => matches!(row.state.as_str(), "drawn" | "results" | "published"),
    };
    if !allowed {
        let (zh, en) = batch::states(&row.state);
        return Err(AppError::Refused(msg!(
            "批次 {id} {zh}：公众导出的是已公示的批次，审计人员导出的是已抽取的批次",
            "batch {id} is {en}: a public export is of a published batch, an auditor's of a drawn one"
        )));
    }
    let (_, bytes) = bundle(app, &row).await?;
    let snapshot_seqs: Vec<i64> = {
        let mut seqs = Vec::new();
        for sid in batch::snapshot_ids(&row)?.into_iter().flatten() {
            if let Some(s) = store::snapshots::by_id(&app.store, sid).await? {
                seqs.push(s.log_seq);
            }
        }
        seqs
    };
    let entries = store::log::entries(&app.store).await?;
    let tree = ledger::tree::Tree::from_leaf_hashes(
        entries.iter().map(|e| ledger::tree::leaf_hash(&e.bytes)),
    );
    let latest = log::latest_checkpoint(app).await?;
    let mut wanted = Vec::new();
    for e in entries.iter().filter(|e| e.seq < latest.size) {
        let envelope = ledger::entry::decode(&e.bytes).map_err(|err| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "log entry {}: {err}",
                e.seq
            )))
        })?;
        let of_batch = envelope.event.get("batch").and_then(|b| b.as_str()) == Some(id);
        if (of_batch
            && (audience == Audience::Auditor || PUBLIC_KINDS.contains(&envelope.kind.as_str())))
            || snapshot_seqs.contains(&(e.seq as i64))
        {
            wanted.push(e);
        }
    }
    let needed = wanted.last().map_or(0, |e| e.seq + 1);
    let head = witnessed_checkpoint(app, needed, latest.size).await?;
    let mut proven = Vec::new();
    for e in wanted {
        let proof = tree
            .inclusion_proof(e.seq, head.size)
            .map_err(|err| AppError::Store(store::StoreError::Corrupt(err.to_string())))?;
        proven.push(ProvenEntry {
            entry: String::from_utf8(e.bytes.clone()).map_err(|_| {
                AppError::Store(store::StoreError::Corrupt(format!(
                    "log entry {} is not UTF-8",
                    e.seq
                )))
            })?,
            opening: e.opening.clone(),
            proof: proof.iter().map(hex::encode).collect(),
            seq: e.seq,
        });
    }
    let evidence = Evidence {
        checkpoint: head.note,
        entries: proven,
        verifier_key: app.verifier.to_string(),
    };
    let mut out = Vec::with_capacity(bytes.len() + 4096);
    evidence::write(&bytes, &evidence, &mut out).map_err(|e| AppError::Setup(e.to_string()))?;
    Ok(out)
}

/// The checkpoint an export proves its entries against: of the checkpoints that hold them
/// all (size ≥ `needed`), the one most witnesses cosigned (the newest among equals), with
/// their cosignatures; the newest checkpoint (of size `latest`) if none is cosigned.
async fn witnessed_checkpoint(
    app: &App,
    needed: u64,
    latest: u64,
) -> Result<store::log::StoredCheckpoint> {
    let mut counts = std::collections::BTreeMap::<u64, usize>::new();
    for c in store::cosignatures::all(&app.store).await? {
        if c.size >= needed && c.size <= latest {
            *counts.entry(c.size).or_default() += 1;
        }
    }
    let size = counts
        .into_iter()
        .max_by_key(|(size, count)| (*count, *size))
        .map_or(latest, |(size, _)| size);
    super::public_log::with_cosignatures(app, size).await
}

/// The bundle of a drawn batch, re-made from its committed snapshots and logged entropy; it
/// must hash to the bundle the draw logged. Returns the bundle and its canonical bytes.
pub async fn bundle(app: &App, row: &store::batches::BatchRow) -> Result<(Bundle, Vec<u8>)> {
    let id = &row.id;
    let entropy: Entropy = serde_json::from_str(row.entropy_json.as_deref().unwrap_or_default())
        .map_err(|e| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "batch {id} entropy: {e}"
            )))
        })?;
    let commitment = batch::commitment(app, row).await?;
    let bundle =
        Bundle::make(commitment, entropy).map_err(|e| AppError::Invalid(Message::same(e)))?;
    let bytes = bundle.to_bytes();
    let sha = crate::canonical::sha256_hex(&bytes);
    if Some(&sha) != row.bundle_sha256.as_ref() {
        return Err(AppError::Store(store::StoreError::Corrupt(format!(
            "batch {id}: the bundle re-made from its snapshots hashes to {sha}, not the logged {}",
            row.bundle_sha256.as_deref().unwrap_or("?")
        ))));
    }
    Ok((bundle, bytes))
}
