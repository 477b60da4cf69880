//! A witness's cosigning key: Ed25519 with C2SP `tlog-cosignature`'s signature type 0x04,
//! in the same text forms as the log's keys (`ledger::note_key`, where the name rules and
//! the key hash live):
//!
//! - key file: `PRIVATE+KEY+<name>+<8 hex key hash>+<base64(0x04 ‖ seed)>`;
//! - verifier key: `<name>+<8 hex key hash>+<base64(0x04 ‖ public key)>`, the key hash
//!   being SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4].
//!
//! Signing and checking cosignatures is [`super::cosign`]'s.

use std::fmt;
use std::str::FromStr;

use crate::ledger::CheckpointError;
use crate::ledger::note_key::{COSIGNATURE_V1, NamedSigner, NamedVerifier};

/// A witness's private cosigning key, with its name.
#[derive(Clone)]
pub struct WitnessKey(pub(super) NamedSigner);

/// A witness's public key, as log clients are configured with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessVerifier(pub(super) NamedVerifier);

impl WitnessKey {
    /// A new key named `name` (a schema-less URL, e.g. `notary.example/witness`), from 32
    /// bytes of operating-system randomness.
    pub fn generate(name: &str) -> Result<WitnessKey, CheckpointError> {
        NamedSigner::generate(name, COSIGNATURE_V1).map(WitnessKey)
    }

    /// The key named `name` with this Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<WitnessKey, CheckpointError> {
        NamedSigner::from_seed(name, COSIGNATURE_V1, seed).map(WitnessKey)
    }

    /// The key's name, which its cosignature lines carry.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> WitnessVerifier {
        WitnessVerifier(self.0.verifier())
    }

    /// The key file's text (no final newline).
    pub fn to_file_text(&self) -> String {
        self.0.to_file_text()
    }

    /// Reads [`WitnessKey::to_file_text`]'s form (one final newline allowed); a log key
    /// (type 0x01) is refused, and the key hash must match.
    pub fn from_file_text(text: &str) -> Result<WitnessKey, CheckpointError> {
        NamedSigner::from_file_text(text, COSIGNATURE_V1).map(WitnessKey)
    }
}

impl fmt::Debug for WitnessKey {
    /// Names the key and its verifier, never the seed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WitnessKey({})", self.verifier())
    }
}

impl WitnessVerifier {
    /// Reads `<name>+<8 hex key hash>+<base64(0x04 ‖ public key)>`; the key hash must match.
    pub fn parse(text: &str) -> Result<WitnessVerifier, CheckpointError> {
        NamedVerifier::parse(text, COSIGNATURE_V1).map(WitnessVerifier)
    }

    /// The witness's name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The key hash its cosignature lines carry.
    pub fn key_hash(&self) -> u32 {
        self.0.key_hash()
    }
}

impl fmt::Display for WitnessVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for WitnessVerifier {
    type Err = CheckpointError;

    fn from_str(text: &str) -> Result<WitnessVerifier, CheckpointError> {
        WitnessVerifier::parse(text)
    }
}
