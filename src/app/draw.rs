//! The ceremony draw of a committed batch, exactly once.
//!
//! Whether the batch may be drawn, and with which entropy, is read from the signed log
//! (`journal::signed_entries`: the entries, once their bytes were found to hash to the newest
//! signed checkpoint), never from a table: a batch rewound in the tables, or a start hidden
//! by a rewritten column, cannot be drawn again.
//!
//! 1. The log must say the batch was committed, and neither drawn nor withdrawn.
//! 2. The entropy is checked against the plan's declaration (witnesses, digit counts).
//! 3. `draw.started` is logged with the entropy, in its own transaction, before anything is
//!    computed. Every later attempt must bring the same entropy: a crash or an abort cannot
//!    be followed by a draw with other digits (no re-roll), and the attempt stays on record.
//! 4. The commitment is rebuilt from the committed snapshots and must hash as the log says
//!    it was committed; the pure core (`Bundle::make`) runs the draw.
//! 5. One write transaction checks the log again, moves the batch committed → drawn (a
//!    guarded UPDATE: of several processes, one sees the row change), stores the targets and
//!    logs `batch.drawn`. Every other outcome is logged as `draw.refused` or `draw.failed`
//!    with its reason.

use crate::domain::Message;
use crate::msg;
use serde_json::json;

use super::{App, AppError, Result, batch, journal};
use crate::bundle::Bundle;
use crate::canonical;
use crate::entropy::Entropy;
use crate::ledger;
use crate::store::{self, batches::Assignment};

/// Logs an attempt that did not draw, and returns the error to report.
async fn refuse(app: &App, id: &str, kind: &str, error: AppError) -> AppError {
    let event = json!({ "batch": id, "reason": error.to_string() });
    let logged = async {
        let key = app.key()?;
        let mut tx = app.store.write().await?;
        journal::append(&mut tx, key, &app.origin, kind, &event).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    match logged {
        Ok(()) => error,
        Err(e) => AppError::Setup(format!(
            "{error} (and the attempt could not be logged: {e})"
        )),
    }
}

/// What the signed log says of one batch's draw.
#[derive(Debug, Default)]
pub(super) struct Logged {
    /// The plan file's text as created.
    plan_toml: Option<String>,
    /// The committed commitment hash.
    committed: Option<String>,
    /// The first start: its entry and entropy.
    pub(super) started: Option<(u64, serde_json::Value)>,
    /// When it was drawn.
    drawn: Option<String>,
    withdrawn: bool,
}

impl Logged {
    /// Why the batch may not be drawn now, if it may not.
    fn refusal(&self, id: &str) -> Option<Message> {
        if let Some(at) = &self.drawn {
            Some(msg!(
                "批次 {id} 已于 {at} 摇号：一个已承诺的批次只摇号一次",
                "batch {id} was drawn already, at {at}: a committed batch is drawn exactly once"
            ))
        } else if self.withdrawn {
            Some(msg!("批次 {id} 已撤回", "batch {id} was withdrawn"))
        } else if self.committed.is_none() {
            Some(msg!(
                "批次 {id} 是草稿：摇号前须先承诺（并公布哈希）",
                "batch {id} is a draft: commit it (and publish the hash) before the draw"
            ))
        } else {
            None
        }
    }
}

/// Reads batch `id`'s draw from the signed entries, inside the write transaction `tx` (so
/// two processes cannot both be first).
pub(super) async fn logged(app: &App, tx: &mut store::Tx, id: &str) -> Result<Logged> {
    let entries = journal::signed_entries(tx, &app.verifier).await?;
    // An id that canonical JSON writes as it is appears as these bytes in each of its
    // entries: a quick filter before decoding (any other id is looked for in every entry).
    let plain = !id.chars().any(|c| c == '"' || c == '\\' || c.is_control());
    let mut out = Logged::default();
    for entry in entries {
        if plain && memchr::memmem::find(&entry.bytes, id.as_bytes()).is_none() {
            continue;
        }
        let envelope = ledger::entry::decode(&entry.bytes).map_err(|e| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "log entry {}: {e}",
                entry.seq
            )))
        })?;
        if envelope.event.get("batch").and_then(|b| b.as_str()) != Some(id) {
            continue;
        }
        match envelope.kind.as_str() {
            "batch.created" => {
                out.plan_toml = envelope.event["plan_toml"].as_str().map(str::to_string);
            }
            "batch.committed" => {
                out.committed = envelope.event["commitment_hash"]
                    .as_str()
                    .map(str::to_string);
            }
            "draw.started" if out.started.is_none() => {
                out.started = Some((entry.seq, envelope.event["entropy"].clone()));
            }
            "batch.drawn" => out.drawn = Some(envelope.time),
            "batch.withdrawn" => out.withdrawn = true,
            _ => {}
        }
    }
    Ok(out)
}

/// Draws batch `id` once with the public entropy `entropy_text` (the offline draw's
/// `--entropy` syntax; for drand, the round's JSON).
pub async fn draw(app: &App, id: &str, entropy_text: &str) -> Result<Bundle> {
    let mut row = batch::get(app, id).await?;
    let key = app.key()?;
    let mut tx = app.store.write().await?;
    let before = logged(app, &mut tx, id).await?;
    if let Some(why) = before.refusal(id) {
        drop(tx);
        return Err(refuse(app, id, "draw.refused", AppError::Refused(why)).await);
    }
    // The plan and the commitment the draw must reproduce are the ones logged, whatever
    // the table says (a changed snapshot id or row makes the rebuilt commitment differ).
    row.commitment_hash = before.committed.clone();
    if let Some(plan_toml) = &before.plan_toml {
        row.plan_toml = plan_toml.clone();
    }
    let plan = batch::plan(&row)?;
    let entropy: Entropy = match crate::entropy::parse_text(entropy_text, &plan.entropy) {
        Ok(e) => e,
        Err(e) => {
            drop(tx);
            return Err(refuse(
                app,
                id,
                "draw.refused",
                AppError::Invalid(Message::same(format!("{id}: {e}"))),
            )
            .await);
        }
    };
    let entropy_value: serde_json::Value = serde_json::from_slice(&canonical::to_vec(&entropy))
        .map_err(|e| AppError::Setup(e.to_string()))?;
    // Bind the draw to this entropy, or refuse other entropy than the first attempt's: the
    // check and the entry are one write transaction.
    match before.started {
        Some((seq, earlier)) if earlier != entropy_value => {
            drop(tx);
            let why = msg!(
                "批次 {id}：这组随机数与开始摇号时记入日志的不同（日志第 {seq} 条）；摇号从不重来",
                "batch {id}: this entropy differs from the one logged when its draw started (log entry {seq}); a draw is never re-rolled"
            );
            return Err(refuse(app, id, "draw.refused", AppError::Refused(why)).await);
        }
        Some(_) => drop(tx),
        None => {
            journal::append(
                &mut tx,
                key,
                &app.origin,
                "draw.started",
                &json!({ "batch": id, "entropy": entropy_value }),
            )
            .await?;
            tx.commit().await?;
        }
    }
    let made = async {
        let commitment = batch::commitment(app, &row).await?;
        Bundle::make(commitment, entropy)
            .map_err(|e| AppError::Invalid(Message::same(format!("{id}: {e}"))))
    }
    .await;
    let bundle = match made {
        Ok(b) => b,
        Err(e) => return Err(refuse(app, id, "draw.failed", e).await),
    };
    // Hashed as it is written: at 10⁶ entities the bundle is ~200 MB, not worth holding.
    let mut hasher = canonical::Sha256Writer::default();
    bundle
        .write_to(&mut hasher)
        .map_err(|e| AppError::Setup(format!("hashing the bundle: {e}")))?;
    let bundle_sha256 = hasher.hex();
    let targets = assignments(&bundle);
    let strata: Vec<serde_json::Value> = bundle
        .draw
        .strata
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "population": s.population, "excluded": s.excluded, "size": s.size,
                "drawn": s.targets.len(), "shortfall": s.shortfall,
                "unstaffed": s.targets.iter().filter(|t| t.unstaffed.is_some()).count(),
            })
        })
        .collect();
    let event = json!({
        "batch": id,
        "commitment_hash": bundle.commitment.hash,
        "seed": bundle.seed,
        "bundle_sha256": bundle_sha256,
        "strata": strata,
        "targets": targets.iter().map(|t| json!({ "uscc": t.uscc, "team": t.team })).collect::<Vec<_>>(),
    });
    let mut tx = app.store.write().await?;
    if let Some(why) = logged(app, &mut tx, id).await?.refusal(id) {
        drop(tx);
        return Err(refuse(app, id, "draw.refused", AppError::Refused(why)).await);
    }
    let entropy_json = String::from_utf8(canonical::to_vec(&bundle.entropy)).unwrap_or_default();
    let drawn = journal::append(&mut tx, key, &app.origin, "batch.drawn", &event).await?;
    if !store::batches::claim_draw(
        &mut tx,
        id,
        &bundle.seed,
        &entropy_json,
        &bundle_sha256,
        &drawn.time,
    )
    .await?
    {
        drop(tx);
        let why = msg!(
            "批次 {id}：日志记载已承诺、未摇号，但数据表不符（请运行 `shuangsui log verify`）",
            "batch {id}: the log says it is committed and not drawn, but its row is not (run `shuangsui log verify`)"
        );
        return Err(refuse(app, id, "draw.failed", AppError::Refused(why)).await);
    }
    store::batches::insert_assignments(&mut tx, id, &targets).await?;
    tx.commit().await?;
    Ok(bundle)
}

/// The targets of a bundle in bundle order, with what the public pages show of them.
fn assignments(bundle: &Bundle) -> Vec<Assignment> {
    let entities = &bundle.commitment.snapshots.entities;
    let mut out = Vec::new();
    for s in &bundle.draw.strata {
        for t in &s.targets {
            let record = entities
                .binary_search_by(|e| e.uscc.as_str().cmp(&t.uscc))
                .ok()
                .map(|i| &entities[i]);
            out.push(Assignment {
                position: out.len() as i64,
                stratum: s.name.clone(),
                uscc: t.uscc.clone(),
                entity_name: record.map(|r| r.name.to_string()).unwrap_or_default(),
                district: record.map(|r| r.district.to_string()).unwrap_or_default(),
                grade: record
                    .map(|r| r.grade.as_str().to_string())
                    .unwrap_or_default(),
                sector: record.map(|r| r.sector.to_string()).unwrap_or_default(),
                team: t.team.clone(),
            });
        }
    }
    out
}
