//! Cosignatures, C2SP `tlog-cosignature` v1 with Ed25519 (signature type 0x04).
//!
//! The signed message is `cosignature/v1\ntime <unix seconds>\n` followed by the checkpoint's
//! whole note text; the signature line is
//! `— <witness name> <base64(key hash ‖ 8-byte big-endian timestamp ‖ 64-byte signature)>`.
//! A cosignature says: at that time, this was the largest tree of the log the witness had
//! seen, and it was consistent with every earlier one it had seen.
//!
//! Pure: the time is given by the caller, as a [`Timestamp`].

use crate::ledger::Checkpoint;
use crate::ledger::note::{signature_line, split_note};

use super::key::{WitnessKey, WitnessVerifier};

/// A cosignature's time: POSIX seconds, at least 1 (tlog-witness forbids a zero timestamp)
/// and at most 2^63 − 1 (tlog-cosignature's bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(u64);

impl Timestamp {
    /// `seconds` as a timestamp, if it is in 1..=2^63 − 1.
    pub fn new(seconds: u64) -> Option<Timestamp> {
        (1..=i64::MAX as u64)
            .contains(&seconds)
            .then_some(Timestamp(seconds))
    }

    /// The seconds since the epoch.
    pub fn seconds(self) -> u64 {
        self.0
    }
}

/// Why a note carries no valid cosignature by a witness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignError {
    /// Not a well-formed signed note.
    #[error("不是格式正确的签名注记（signed note）：{0}")]
    MalformedNote(String),
    /// No line of the witness's name and key hash.
    #[error("没有见证人 {0} 的副署")]
    NotCosigned(String),
    /// A line of the witness that does not verify.
    #[error("见证人 {0} 的副署无效")]
    Invalid(String),
}

/// The bytes a v1 cosignature signs: the two header lines, then the note text.
pub fn message(time: u64, text: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {time}\n{text}").into_bytes()
}

impl WitnessKey {
    /// The cosignature line (ending in a newline) of `checkpoint` at `time`. The checkpoint is
    /// signed as this code writes it, never as a request spelled it.
    pub fn cosign(&self, checkpoint: &Checkpoint, time: Timestamp) -> String {
        let signature = self.0.sign(&message(time.0, &checkpoint.body()));
        let mut blob = time.0.to_be_bytes().to_vec();
        blob.extend_from_slice(&signature);
        signature_line(self.name(), self.0.verifier().key_hash(), &blob)
    }
}

impl WitnessVerifier {
    /// Checks this witness's cosignature on a signed note (a checkpoint with its signature
    /// lines): every line of this witness (same name and key hash) must verify, and there must
    /// be one. Returns the latest of their timestamps. Other lines are ignored.
    pub fn verify_cosignature(&self, note: &str) -> Result<Timestamp, CosignError> {
        let (text, lines) =
            split_note(note).map_err(|e| CosignError::MalformedNote(e.to_string()))?;
        let mut latest = None;
        for line in lines {
            if !self.0.is_signer(line.name, line.key_hash) {
                continue;
            }
            let invalid = || CosignError::Invalid(self.to_string());
            let (time, signature) = line
                .signature
                .split_first_chunk::<8>()
                .ok_or_else(invalid)?;
            let time = Timestamp::new(u64::from_be_bytes(*time)).ok_or_else(invalid)?;
            if !self.0.verifies(&message(time.0, text), signature) {
                return Err(invalid());
            }
            latest = latest.max(Some(time));
        }
        latest.ok_or_else(|| CosignError::NotCosigned(self.to_string()))
    }
}

/// For each witness key, whether `note` carries its valid cosignature (and when it was
/// made): what a client counts towards a quorum.
pub fn cosigned_by<'k>(
    note: &str,
    witnesses: &'k [WitnessVerifier],
) -> Vec<(&'k WitnessVerifier, Result<Timestamp, CosignError>)> {
    witnesses
        .iter()
        .map(|w| (w, w.verify_cosignature(note)))
        .collect()
}
