//! Named Ed25519 keys of one C2SP `signed-note` signature type: the text forms and the key
//! hash that log keys (type 0x01, [`super::note`]) and witness cosigning keys (type 0x04,
//! `crate::witness::key`) share.
//!
//! - key hash: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), big-endian;
//! - verifier key: `<name>+<8 hex key hash>+<base64(type ‖ public key)>`;
//! - signer key (a key file): `PRIVATE+KEY+<name>+<8 hex key hash>+<base64(type ‖ seed)>`.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::checkpoint::CheckpointError;

/// Signature type 0x01: Ed25519 signatures over the note text (logs' checkpoints).
pub const ED25519: u8 = 0x01;

/// Signature type 0x04: timestamped Ed25519 checkpoint cosignatures (C2SP
/// `tlog-cosignature`).
pub const COSIGNATURE_V1: u8 = 0x04;

/// An Ed25519 signing key with its name, for signature type `kind`.
#[derive(Clone)]
pub(crate) struct NamedSigner {
    name: String,
    kind: u8,
    signing: SigningKey,
}

/// The public half of a [`NamedSigner`], with its key hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamedVerifier {
    name: String,
    kind: u8,
    hash: u32,
    key: VerifyingKey,
}

impl NamedSigner {
    /// A new key from 32 bytes of operating-system randomness.
    pub(crate) fn generate(name: &str, kind: u8) -> Result<NamedSigner, CheckpointError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| CheckpointError::Random(e.to_string()))?;
        NamedSigner::from_seed(name, kind, &seed)
    }

    /// The key named `name` with this Ed25519 seed.
    pub(crate) fn from_seed(
        name: &str,
        kind: u8,
        seed: &[u8; 32],
    ) -> Result<NamedSigner, CheckpointError> {
        check_name(name)?;
        Ok(NamedSigner {
            name: name.to_string(),
            kind,
            signing: SigningKey::from_bytes(seed),
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn verifier(&self) -> NamedVerifier {
        let key = self.signing.verifying_key();
        NamedVerifier {
            hash: key_hash(&self.name, self.kind, &key),
            name: self.name.clone(),
            kind: self.kind,
            key,
        }
    }

    /// The Ed25519 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// `PRIVATE+KEY+<name>+<key hash>+<base64(type ‖ seed)>` (no final newline).
    pub(crate) fn to_file_text(&self) -> String {
        let mut seed = vec![self.kind];
        seed.extend_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.verifier().hash,
            STANDARD.encode(&seed)
        )
    }

    /// Reads [`NamedSigner::to_file_text`]'s form (one final newline allowed) of type
    /// `kind`; the key hash must match the name and key.
    pub(crate) fn from_file_text(text: &str, kind: u8) -> Result<NamedSigner, CheckpointError> {
        let bad = |why: &str| CheckpointError::KeyFormat(format!("signer key: {why}"));
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("does not start with PRIVATE+KEY+"))?;
        let (name, hash, key) = split_key(rest, kind)?;
        let seed: [u8; 32] = key
            .try_into()
            .map_err(|_| bad("the Ed25519 seed is not 32 bytes"))?;
        let signer = NamedSigner::from_seed(name, kind, &seed)?;
        let computed = signer.verifier().hash;
        if computed != hash {
            return Err(CheckpointError::KeyHash {
                stated: hash,
                computed,
            });
        }
        Ok(signer)
    }
}

impl NamedVerifier {
    /// Reads `<name>+<8 hex key hash>+<base64(type ‖ public key)>` of type `kind`; the key
    /// hash must match.
    pub(crate) fn parse(text: &str, kind: u8) -> Result<NamedVerifier, CheckpointError> {
        let (name, hash, key) = split_key(text, kind)?;
        let bytes: [u8; 32] = key.try_into().map_err(|_| {
            CheckpointError::KeyFormat("verifier key: the public key is not 32 bytes".into())
        })?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| {
            CheckpointError::KeyFormat("verifier key: not an Ed25519 public key".into())
        })?;
        let computed = key_hash(name, kind, &key);
        if computed != hash {
            return Err(CheckpointError::KeyHash {
                stated: hash,
                computed,
            });
        }
        Ok(NamedVerifier {
            name: name.to_string(),
            kind,
            hash,
            key,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn key_hash(&self) -> u32 {
        self.hash
    }

    /// Whether a signature line (`name`, key hash) is this key's.
    pub(crate) fn is_signer(&self, name: &str, hash: u32) -> bool {
        name == self.name && hash == self.hash
    }

    /// Whether `signature` is this key's Ed25519 signature of `message` (strict: no
    /// malleable or small-order forms).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        <[u8; 64]>::try_from(signature).is_ok_and(|s| {
            self.key
                .verify_strict(message, &Signature::from_bytes(&s))
                .is_ok()
        })
    }
}

impl fmt::Display for NamedVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut key = vec![self.kind];
        key.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.hash,
            STANDARD.encode(&key)
        )
    }
}

/// `<name>+<hash>+<base64(type ‖ key)>` → (name, hash, key bytes after the type byte).
fn split_key(text: &str, kind: u8) -> Result<(&str, u32, Vec<u8>), CheckpointError> {
    let bad = |why: String| CheckpointError::KeyFormat(why);
    let (name, rest) = text
        .split_once('+')
        .ok_or_else(|| bad("expected <name>+<key hash>+<key>".into()))?;
    let (hash, key) = rest
        .split_once('+')
        .ok_or_else(|| bad("expected <name>+<key hash>+<key>".into()))?;
    check_name(name)?;
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("the key hash is not 8 hex digits".into()));
    }
    let hash = u32::from_str_radix(hash, 16).map_err(|_| bad("bad key hash".into()))?;
    let key = STANDARD
        .decode(key)
        .map_err(|_| bad("the key is not standard base64".into()))?;
    match key.split_first() {
        Some((&first, key)) if first == kind => Ok((name, hash, key.to_vec())),
        _ => Err(bad(format!(
            "not a key of signature type 0x{kind:02x} ({})",
            kind_name(kind)
        ))),
    }
}

fn kind_name(kind: u8) -> &'static str {
    match kind {
        ED25519 => "an Ed25519 log key",
        COSIGNATURE_V1 => "an Ed25519 witness cosignature key",
        _ => "unknown",
    }
}

/// First 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), big-endian.
fn key_hash(name: &str, kind: u8, key: &VerifyingKey) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', kind])
        .chain_update(key.as_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Key names: non-empty, no whitespace, no `+`, no control characters.
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

fn check_name(name: &str) -> Result<(), CheckpointError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(CheckpointError::KeyName(name.to_string()))
    }
}
