//! The `add-checkpoint` decision (C2SP `tlog-witness`), pure: given what the witness last
//! cosigned for a log, a request and the log's keys, either a cosignature and the record to
//! keep, or a refusal with the HTTP status the spec gives it.
//!
//! In order: the log's signature (403; a malformed note 400), the checkpoint body (400),
//! `old ≤ size` (400), an empty tree's root (422), `old` equal to the size last cosigned (409,
//! telling that size), then the proof: empty from size 0, empty with the same root at the same
//! size, otherwise an RFC 6962 consistency proof from the root last cosigned (422).

use crate::ledger::note::{self, split_note};
use crate::ledger::tree::{empty_root, verify_consistency};
use crate::ledger::{Checkpoint, CheckpointError, VerifierKey};

use super::cosign::{CosignError, Timestamp};
use super::key::{WitnessKey, WitnessVerifier};
use super::request::AddCheckpoint;

/// A log the witness witnesses: its origin and the keys whose signatures it trusts for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessedLog {
    /// The checkpoints' first line.
    pub origin: String,
    /// The log's verifier keys (more than one during a key rotation).
    pub keys: Vec<VerifierKey>,
}

/// Why a checkpoint was not cosigned; [`Refusal::status`] is the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 400: not a request or checkpoint in the protocol's form.
    #[error("请求格式错误：{0}")]
    Malformed(String),
    /// 403: no valid signature by a key trusted for the log, or a failing one.
    #[error("日志签名未通过验证：{0}")]
    Forbidden(String),
    /// 404: the witness does not witness this log.
    #[error("本见证人不见证日志 {0:?}")]
    UnknownLog(String),
    /// 409: the old size is not the size last cosigned.
    #[error(
        "请求的旧大小为 {old}，本见证人最近副署的大小为 {latest}：请从 {latest} 附一致性证明重发"
    )]
    Conflict {
        /// The size the request gave.
        old: u64,
        /// The size of the checkpoint last cosigned (0 if none).
        latest: u64,
    },
    /// 422: the checkpoint is not shown consistent with the one last cosigned.
    #[error("一致性证明不成立：{0}")]
    Inconsistent(String),
}

impl Refusal {
    /// The status code C2SP `tlog-witness` gives this refusal.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Malformed(_) => 400,
            Refusal::Forbidden(_) => 403,
            Refusal::UnknownLog(_) => 404,
            Refusal::Conflict { .. } => 409,
            Refusal::Inconsistent(_) => 422,
        }
    }
}

/// A checkpoint cosigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigned {
    /// The checkpoint: the witness's new state for the log.
    pub checkpoint: Checkpoint,
    /// The cosignature line, ending in a newline: the answer.
    pub cosignature: String,
    /// What the witness keeps (see [`read_record`]): the checkpoint as a note with the log's
    /// verified signature lines and the cosignature; served to monitors as it is.
    pub record: String,
}

/// Decides a request for `log`, whose checkpoint last cosigned is `latest` (none yet: size
/// 0), cosigning with `witness` at `time` if every check passes.
pub fn add_checkpoint(
    log: &WitnessedLog,
    latest: Option<&Checkpoint>,
    request: &AddCheckpoint<'_>,
    witness: &WitnessKey,
    time: Timestamp,
) -> Result<Cosigned, Refusal> {
    let (text, log_lines) = note::open_note(request.note, &log.keys).map_err(|e| match e {
        CheckpointError::InvalidSignature(_) | CheckpointError::NotSigned(_) => {
            Refusal::Forbidden(e.to_string())
        }
        other => Refusal::Malformed(other.to_string()),
    })?;
    let checkpoint = Checkpoint::parse_body(text).map_err(|e| Refusal::Malformed(e.to_string()))?;
    if checkpoint.origin != log.origin {
        return Err(Refusal::UnknownLog(checkpoint.origin));
    }
    if checkpoint.body() != text {
        // parse_body reads one spelling only; this holds, and signing what was read is safe.
        return Err(Refusal::Malformed("检查点文本不是规范形式".into()));
    }
    check_consistency(latest, request, &checkpoint)?;
    let cosignature = witness.cosign(&checkpoint, time);
    let mut record = format!("{text}\n");
    for line in log_lines {
        record.push_str(line);
        record.push('\n');
    }
    record.push_str(&cosignature);
    Ok(Cosigned {
        checkpoint,
        cosignature,
        record,
    })
}

fn check_consistency(
    latest: Option<&Checkpoint>,
    request: &AddCheckpoint<'_>,
    new: &Checkpoint,
) -> Result<(), Refusal> {
    let (old, proof) = (request.old_size, &request.proof);
    if old > new.size {
        return Err(Refusal::Malformed(format!(
            "旧大小 {old} 大于检查点大小 {}",
            new.size
        )));
    }
    if new.size == 0 && new.root != empty_root() {
        return Err(Refusal::Inconsistent(
            "大小为 0 的检查点，根哈希必须是空树的哈希".into(),
        ));
    }
    let latest_size = latest.map_or(0, |c| c.size);
    if old != latest_size {
        return Err(Refusal::Conflict {
            old,
            latest: latest_size,
        });
    }
    let inconsistent = |why: &str| Err(Refusal::Inconsistent(why.to_string()));
    match latest {
        None => {}
        Some(_) if old == 0 => {}
        Some(l) if old == new.size => {
            if l.root != new.root {
                return inconsistent("同一大小，根哈希与已副署的不同（日志分叉）");
            }
            if !proof.is_empty() {
                return inconsistent("大小相同时证明应为空");
            }
            return Ok(());
        }
        Some(l) => {
            if !verify_consistency(old, &l.root, new.size, &new.root, proof) {
                return inconsistent("证明未能表明新树包含已副署的树（日志分叉或证明错误）");
            }
            return Ok(());
        }
    }
    // From size 0 nothing needs proving, and nothing may be sent.
    if !proof.is_empty() {
        return inconsistent("旧大小为 0 时证明应为空");
    }
    Ok(())
}

/// Reads a record [`add_checkpoint`] made for `log`: a note whose text is a checkpoint of
/// the log, cosigned by `witness` (which catches a damaged file, or a state folder of
/// another witness).
pub fn read_record(
    record: &str,
    log: &WitnessedLog,
    witness: &WitnessVerifier,
) -> Result<Checkpoint, String> {
    let (text, _) = split_note(record).map_err(|e| e.to_string())?;
    let checkpoint = Checkpoint::parse_body(text).map_err(|e| e.to_string())?;
    if checkpoint.origin != log.origin {
        return Err(format!(
            "记录属于日志 {:?}，不是 {:?}",
            checkpoint.origin, log.origin
        ));
    }
    witness
        .verify_cosignature(record)
        .map_err(|e: CosignError| e.to_string())?;
    Ok(checkpoint)
}
