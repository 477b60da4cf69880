//! The log's side of witnessing (docs/LOG.md, "Witnesses"): each new checkpoint is sent,
//! with a consistency proof from the size each witness last cosigned, to every witness the
//! server is told of (`--witness VKEY@URL`); their cosignatures are checked with their keys
//! and stored, and `/log/checkpoint` carries them. A witness that is down or refuses does not
//! stop writes: its refusal is logged and it is tried again after a wait that doubles with
//! each failure in a row (`backoff`, at most five minutes).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::public_log::{PublicLog, checkpoint};
use super::{App, AppError, Result};
use crate::ledger::Checkpoint;
use crate::store;
use crate::witness::WitnessVerifier;
use crate::witness::client::{SubmitError, WitnessClient};

/// One witness: its cosignature verifier key and its submission prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessAt {
    pub key: WitnessVerifier,
    pub url: String,
}

impl WitnessAt {
    /// Reads `VKEY@URL` (the URL is `http://host:port[/prefix]`).
    pub fn parse(spec: &str) -> Result<WitnessAt, String> {
        let (key, url) = spec
            .split_once("@http")
            .map(|(k, rest)| (k, format!("http{rest}")))
            .ok_or_else(|| format!("见证人 {spec:?}：应为 验证密钥@http://主机:端口"))?;
        let key = WitnessVerifier::parse(key).map_err(|e| format!("见证人 {spec:?}：{e}"))?;
        if !url.starts_with("http://") {
            return Err(format!("见证人 {spec:?}：地址须以 http:// 开头"));
        }
        Ok(WitnessAt { key, url })
    }
}

/// How far one witness has cosigned, for the public.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Its cosignature verifier key.
    pub witness: String,
    /// The largest checkpoint size it cosigned (0: none yet).
    pub cosigned_size: u64,
}

/// The witnesses a server submits to, and what it knows of each.
pub struct Witnessing {
    witnesses: Vec<WitnessAt>,
    client: WitnessClient,
    /// Witness key → the size it last cosigned, as it told us (starts from the stored rows).
    known: Mutex<HashMap<String, u64>>,
    /// Witness key → failures in a row and when to try it again (`backoff`).
    waiting: Mutex<HashMap<String, (u32, Instant)>>,
}

/// How long to leave a witness alone after `failures` failed submissions in a row: 2, 4,
/// 8 … seconds, at most five minutes. A witness that is down is not asked every round.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(failures.min(16)).min(300))
}

impl Witnessing {
    pub fn new(witnesses: Vec<WitnessAt>, timeout: Duration) -> Witnessing {
        Witnessing {
            witnesses,
            client: WitnessClient::new(timeout),
            known: Mutex::new(HashMap::new()),
            waiting: Mutex::new(HashMap::new()),
        }
    }

    pub fn witnesses(&self) -> &[WitnessAt] {
        &self.witnesses
    }

    /// Sends the newest checkpoint to every witness that has not cosigned it; returns how
    /// many cosigned it in this round.
    pub async fn round(&self, app: &App, log: &PublicLog) -> Result<usize> {
        let head = checkpoint(app).await?;
        let signed = Checkpoint::open(&head.note, &app.verifier).map_err(|e| {
            AppError::Store(store::StoreError::Corrupt(format!(
                "the newest checkpoint: {e}"
            )))
        })?;
        {
            let mut known = self.known.lock().await;
            if known.is_empty() {
                for (w, size) in store::cosignatures::latest(&app.store).await? {
                    known.insert(w, size);
                }
            }
        }
        let mut cosigned = 0;
        for w in &self.witnesses {
            let id = w.key.to_string();
            let mut old = self.known.lock().await.get(&id).copied().unwrap_or(0);
            if old >= signed.size {
                continue;
            }
            if self
                .waiting
                .lock()
                .await
                .get(&id)
                .is_some_and(|(_, until)| Instant::now() < *until)
            {
                continue;
            }
            let mut done = false;
            // At most twice: a 409 tells the size to send a proof from.
            for _ in 0..2 {
                let proof = log.consistency_proof(app, &signed, old).await?;
                match self.client.submit(&w.url, old, &proof, &head.note).await {
                    Ok(lines) => {
                        let cosignature = format!("{}{lines}", head.note);
                        if let Err(e) = w.key.verify_cosignature(&cosignature) {
                            tracing::warn!(witness = %id, error = %e, "a witness answered without its valid cosignature");
                            break;
                        }
                        for line in lines.lines() {
                            let line = format!("{line}\n");
                            if w.key
                                .verify_cosignature(&format!("{}{line}", head.note))
                                .is_ok()
                            {
                                store::cosignatures::insert(&app.store, &id, signed.size, &line)
                                    .await?;
                            }
                        }
                        self.known.lock().await.insert(id.clone(), signed.size);
                        tracing::info!(witness = %id, size = signed.size, "cosigned");
                        cosigned += 1;
                        done = true;
                        break;
                    }
                    Err(SubmitError::Conflict { size }) if size < signed.size && size != old => {
                        old = size;
                    }
                    Err(SubmitError::Conflict { size }) if size >= signed.size => {
                        tracing::error!(
                            witness = %id, witness_size = size, log_size = signed.size,
                            "the witness has cosigned a tree this log does not have (a fork or a rolled-back log)"
                        );
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(witness = %id, error = %e, "the witness did not cosign");
                        break;
                    }
                }
            }
            let mut waiting = self.waiting.lock().await;
            if done {
                waiting.remove(&id);
            } else {
                let failures = waiting.get(&id).map_or(0, |(n, _)| *n) + 1;
                waiting.insert(id, (failures, Instant::now() + backoff(failures)));
            }
        }
        Ok(cosigned)
    }

    /// How far each witness has cosigned (from the stored cosignatures).
    pub async fn progress(&self, app: &App) -> Result<Vec<Progress>> {
        let latest: HashMap<String, u64> = store::cosignatures::latest(&app.store)
            .await?
            .into_iter()
            .collect();
        Ok(self
            .witnesses
            .iter()
            .map(|w| {
                let witness = w.key.to_string();
                Progress {
                    cosigned_size: latest.get(&witness).copied().unwrap_or(0),
                    witness,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::witness::WitnessKey;

    #[test]
    fn a_failing_witness_is_asked_less_and_less_often_up_to_five_minutes() {
        let waits: Vec<u64> = [1, 2, 3, 8, 9, 40].map(|n| backoff(n).as_secs()).to_vec();
        assert_eq!(waits, [2, 4, 8, 256, 300, 300]);
    }

    #[test]
    fn a_witness_is_its_key_at_its_address() {
        let key = WitnessKey::from_seed("notary.example/w", &[3; 32])
            .unwrap()
            .verifier();
        let w = WitnessAt::parse(&format!("{key}@http://127.0.0.1:7380")).unwrap();
        assert_eq!(
            (w.key, w.url.as_str()),
            (key.clone(), "http://127.0.0.1:7380")
        );
        assert!(WitnessAt::parse(&key.to_string()).is_err());
        assert!(WitnessAt::parse("nonsense@http://127.0.0.1:1").is_err());
        assert!(WitnessAt::parse(&format!("{key}@https://x")).is_err());
    }
}
