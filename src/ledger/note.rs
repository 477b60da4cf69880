//! Ed25519 keys and signed notes, as C2SP `signed-note` and Go's
//! `golang.org/x/mod/sumdb/note` define them.
//!
//! - key hash: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian;
//! - verifier key: `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`;
//! - signer key (our key file): `PRIVATE+KEY+<name>+<8 hex key hash>+<base64(0x01 ‖ seed)>`;
//! - note: text (ending in a newline), a blank line, then signature lines
//!   `— <name> <base64(key hash ‖ 64-byte signature)>` (U+2014 and a space), each ending in
//!   a newline; the signature is over the text.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::checkpoint::CheckpointError;

/// The algorithm byte of Ed25519 keys in signed notes.
const ED25519: u8 = 0x01;

/// At most this many signature lines are read (as in Go's `note.Open`).
const MAX_SIGNATURES: usize = 100;

/// A log's signing key, with its name.
#[derive(Clone)]
pub struct LogKey {
    name: String,
    signing: SigningKey,
}

/// A public key that checks a log's signatures, with its name and key hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    hash: u32,
    key: VerifyingKey,
}

impl LogKey {
    /// A new key named `name`, from 32 bytes of operating-system randomness.
    pub fn generate(name: &str) -> Result<LogKey, CheckpointError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| CheckpointError::Random(e.to_string()))?;
        LogKey::from_seed(name, &seed)
    }

    /// The key named `name` with this Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<LogKey, CheckpointError> {
        check_name(name)?;
        Ok(LogKey {
            name: name.to_string(),
            signing: SigningKey::from_bytes(seed),
        })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        let key = self.signing.verifying_key();
        VerifierKey {
            hash: key_hash(&self.name, &key),
            name: self.name.clone(),
            key,
        }
    }

    /// The key file's text, Go's signer-key form (no final newline):
    /// `PRIVATE+KEY+<name>+<key hash>+<base64(0x01 ‖ seed)>`.
    pub fn to_file_text(&self) -> String {
        let mut seed = vec![ED25519];
        seed.extend_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.verifier().hash,
            STANDARD.encode(&seed)
        )
    }

    /// Reads [`LogKey::to_file_text`]'s form (one final newline allowed); the key hash must
    /// match the name and key.
    pub fn from_file_text(text: &str) -> Result<LogKey, CheckpointError> {
        let bad = |why: &str| CheckpointError::KeyFormat(format!("signer key: {why}"));
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("does not start with PRIVATE+KEY+"))?;
        let (name, hash, key) = split_key(rest)?;
        let seed: [u8; 32] = key
            .try_into()
            .map_err(|_| bad("the Ed25519 seed is not 32 bytes"))?;
        let log_key = LogKey::from_seed(name, &seed)?;
        let computed = log_key.verifier().hash;
        if computed != hash {
            return Err(CheckpointError::KeyHash {
                stated: hash,
                computed,
            });
        }
        Ok(log_key)
    }

    /// Signs `text` as a note: `text`, a blank line, this key's signature line. `text` must
    /// be non-empty, end in a newline, and hold no blank line and no control character but
    /// newlines.
    pub fn sign_note(&self, text: &str) -> Result<String, CheckpointError> {
        if text.is_empty() || !text.ends_with('\n') || text.contains("\n\n") {
            return Err(CheckpointError::MalformedNote(
                "the text must be non-empty lines, each ending in a newline".into(),
            ));
        }
        if has_control(text) {
            return Err(CheckpointError::MalformedNote(
                "the text holds a control character".into(),
            ));
        }
        Ok(self.sign_unchecked(text))
    }

    /// The note of `text` with this key's signature line, `text` taken as it is.
    pub(crate) fn sign_unchecked(&self, text: &str) -> String {
        let signature = self.signing.sign(text.as_bytes());
        let mut blob = self.verifier().hash.to_be_bytes().to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        format!("{text}\n— {} {}\n", self.name, STANDARD.encode(&blob))
    }
}

impl fmt::Debug for LogKey {
    /// Names the key and its verifier, never the seed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LogKey({})", self.verifier())
    }
}

impl VerifierKey {
    /// Reads `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`; the key hash must match.
    pub fn parse(text: &str) -> Result<VerifierKey, CheckpointError> {
        let (name, hash, key) = split_key(text)?;
        let bytes: [u8; 32] = key.try_into().map_err(|_| {
            CheckpointError::KeyFormat("verifier key: the public key is not 32 bytes".into())
        })?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| {
            CheckpointError::KeyFormat("verifier key: not an Ed25519 public key".into())
        })?;
        let computed = key_hash(name, &key);
        if computed != hash {
            return Err(CheckpointError::KeyHash {
                stated: hash,
                computed,
            });
        }
        Ok(VerifierKey {
            name: name.to_string(),
            hash,
            key,
        })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key hash that signature lines carry.
    pub fn key_hash(&self) -> u32 {
        self.hash
    }

    /// Checks a signed note: every signature line must be well-formed; the lines of this
    /// key (same name and key hash) must verify, and there must be at least one; other
    /// signers' lines are ignored. Returns the text (up to and including its last newline).
    pub fn open_note<'a>(&self, note: &'a str) -> Result<&'a str, CheckpointError> {
        let bad = |why: &str| CheckpointError::MalformedNote(why.to_string());
        if has_control(note) {
            return Err(bad("the note holds a control character"));
        }
        let split = note
            .rfind("\n\n")
            .ok_or_else(|| bad("no blank line before the signatures"))?;
        let (text, signatures) = (&note[..split + 1], &note[split + 2..]);
        if signatures.is_empty() || !signatures.ends_with('\n') {
            return Err(bad("the signatures must be lines ending in a newline"));
        }
        let mut verified = false;
        for (count, line) in signatures.split_terminator('\n').enumerate() {
            if count >= MAX_SIGNATURES {
                return Err(bad("more than 100 signatures"));
            }
            let (name, hash, signature) = signature_line(line)?;
            if name != self.name || hash != self.hash {
                continue;
            }
            let ok = <[u8; 64]>::try_from(signature).is_ok_and(|s| {
                self.key
                    .verify_strict(text.as_bytes(), &Signature::from_bytes(&s))
                    .is_ok()
            });
            if !ok {
                return Err(CheckpointError::InvalidSignature(self.to_string()));
            }
            verified = true;
        }
        if verified {
            Ok(text)
        } else {
            Err(CheckpointError::NotSigned(self.to_string()))
        }
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut key = vec![ED25519];
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

impl FromStr for VerifierKey {
    type Err = CheckpointError;

    fn from_str(text: &str) -> Result<VerifierKey, CheckpointError> {
        VerifierKey::parse(text)
    }
}

/// `<name>+<hash>+<base64(0x01 ‖ key)>` → (name, hash, key bytes after 0x01).
fn split_key(text: &str) -> Result<(&str, u32, Vec<u8>), CheckpointError> {
    let bad = |why: &str| CheckpointError::KeyFormat(why.to_string());
    let (name, rest) = text
        .split_once('+')
        .ok_or_else(|| bad("expected <name>+<key hash>+<key>"))?;
    let (hash, key) = rest
        .split_once('+')
        .ok_or_else(|| bad("expected <name>+<key hash>+<key>"))?;
    check_name(name)?;
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("the key hash is not 8 hex digits"));
    }
    let hash = u32::from_str_radix(hash, 16).map_err(|_| bad("bad key hash"))?;
    let key = STANDARD
        .decode(key)
        .map_err(|_| bad("the key is not standard base64"))?;
    match key.split_first() {
        Some((&ED25519, key)) => Ok((name, hash, key.to_vec())),
        _ => Err(bad("not an Ed25519 key (algorithm byte 0x01)")),
    }
}

/// `— <name> <base64(key hash ‖ signature)>` → (name, key hash, signature).
fn signature_line(line: &str) -> Result<(&str, u32, Vec<u8>), CheckpointError> {
    let bad = |why: &str| CheckpointError::MalformedNote(format!("signature line: {why}"));
    let rest = line
        .strip_prefix("\u{2014} ")
        .ok_or_else(|| bad("does not start with an em dash and a space"))?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or_else(|| bad("expected a name and a signature"))?;
    if !is_valid_name(name) {
        return Err(bad("bad key name"));
    }
    let blob = STANDARD
        .decode(encoded)
        .map_err(|_| bad("not standard base64"))?;
    match blob.split_first_chunk::<4>() {
        Some((hash, signature)) if !signature.is_empty() => {
            Ok((name, u32::from_be_bytes(*hash), signature.to_vec()))
        }
        _ => Err(bad("too short")),
    }
}

/// First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian.
fn key_hash(name: &str, key: &VerifyingKey) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', ED25519])
        .chain_update(key.as_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Key names: non-empty, no whitespace, no `+`, no control characters.
fn is_valid_name(name: &str) -> bool {
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

/// ASCII control characters other than newline (which signed notes refuse).
fn has_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 && b != b'\n')
}
