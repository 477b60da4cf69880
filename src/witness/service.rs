//! [`Witness`]: the `add-checkpoint` decision over the state folder. Requests for one log
//! are taken one at a time (a mutex per log, held from reading the record to replacing
//! it), so that two requests can never both cosign from the same old state; the new record
//! is durable before the cosignature is handed back. Blocking (file I/O): async callers run
//! it on a blocking thread.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use crate::ledger::VerifierKey;

use super::decide::{self, Cosigned, Refusal, WitnessedLog};
use super::key::{WitnessKey, WitnessVerifier};
use super::request::AddCheckpoint;
use super::state::{Records, StateDir};
use super::{Timestamp, origin_hash};

/// Why a request got no cosignature.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The request was refused (its status is [`Refusal::status`]).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The state could not be read or written: nothing was cosigned (500).
    #[error("见证人状态读写失败：{0}")]
    State(String),
}

/// A running witness: its key, the logs it witnesses and its state folder.
#[derive(Debug)]
pub struct Witness {
    key: WitnessKey,
    /// By origin; each log's mutex is held while one request for it is decided.
    logs: BTreeMap<String, (WitnessedLog, Mutex<()>)>,
    records: Box<dyn Records>,
}

impl Witness {
    /// A witness with `key` for the logs of `log_keys` (a log's origin is its key's name; a
    /// name given twice is one log with two keys), keeping its state in `dir`. Every record
    /// already there is read and checked now, so a damaged one stops the start.
    pub fn open(key: WitnessKey, log_keys: &[VerifierKey], dir: &Path) -> Result<Witness, String> {
        Witness::with_records(key, log_keys, Box::new(StateDir::open(dir)?))
    }

    /// [`Witness::open`] with the records kept in `records`.
    pub fn with_records(
        key: WitnessKey,
        log_keys: &[VerifierKey],
        records: Box<dyn Records>,
    ) -> Result<Witness, String> {
        if log_keys.is_empty() {
            return Err("至少需要一个日志公钥（--log）".into());
        }
        let mut logs: BTreeMap<String, (WitnessedLog, Mutex<()>)> = BTreeMap::new();
        for k in log_keys {
            let (log, _) = logs.entry(k.name().to_string()).or_insert_with(|| {
                let log = WitnessedLog {
                    origin: k.name().to_string(),
                    keys: Vec::new(),
                };
                (log, Mutex::new(()))
            });
            if !log.keys.contains(k) {
                log.keys.push(k.clone());
            }
        }
        let witness = Witness { key, logs, records };
        for (log, _) in witness.logs.values() {
            witness.latest(log)?;
        }
        Ok(witness)
    }

    /// The witness's verifier key.
    pub fn verifier(&self) -> WitnessVerifier {
        self.key.verifier()
    }

    /// The logs witnessed, with the size last cosigned for each (0: none yet).
    pub fn logs(&self) -> Result<Vec<(String, u64)>, String> {
        self.logs
            .values()
            .map(|(log, _)| Ok((log.origin.clone(), self.latest(log)?.map_or(0, |c| c.size))))
            .collect()
    }

    /// Decides an `add-checkpoint` request body at `time`; on success the record is durable
    /// and the cosignature line is returned.
    pub fn add_checkpoint(&self, body: &[u8], time: Timestamp) -> Result<Cosigned, AddError> {
        let request = AddCheckpoint::parse(body)?;
        let origin = request.origin();
        let (log, lock) = self
            .logs
            .get(origin)
            .ok_or_else(|| Refusal::UnknownLog(origin.to_string()))?;
        // The mutex guards no data, only the read-decide-replace sequence: a panic elsewhere
        // leaves nothing half-changed in memory, so a poisoned lock is still good.
        let _one_at_a_time = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let latest = self.latest(log).map_err(AddError::State)?;
        let cosigned = decide::add_checkpoint(log, latest.as_ref(), &request, &self.key, time)?;
        self.records
            .replace(&log.origin, &cosigned.record)
            .map_err(AddError::State)?;
        Ok(cosigned)
    }

    /// The record last kept for the log whose origin hashes to `hash` (lowercase hex), for
    /// monitors; `None` for an unknown log or one never cosigned.
    pub fn record_by_origin_hash(&self, hash: &str) -> Result<Option<String>, String> {
        // No lock: a record is replaced by a rename, so a read sees one whole record.
        match self
            .logs
            .values()
            .find(|(log, _)| origin_hash(&log.origin) == hash)
        {
            Some((log, _)) => self.records.read(&log.origin),
            None => Ok(None),
        }
    }

    fn latest(&self, log: &WitnessedLog) -> Result<Option<crate::ledger::Checkpoint>, String> {
        let Some(record) = self.records.read(&log.origin)? else {
            return Ok(None);
        };
        decide::read_record(&record, log, &self.key.verifier())
            .map(Some)
            .map_err(|e| {
                format!(
                    "日志 {} 的状态记录（文件 {}）无效：{e}",
                    log.origin,
                    origin_hash(&log.origin)
                )
            })
    }
}
