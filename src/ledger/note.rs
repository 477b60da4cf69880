//! Ed25519 log keys and signed notes, as C2SP `signed-note` and Go's
//! `golang.org/x/mod/sumdb/note` define them.
//!
//! - keys: signature type 0x01 in the text forms of [`super::note_key`] (verifier key
//!   `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`, our key file Go's
//!   `PRIVATE+KEY+…` form);
//! - note: text (ending in a newline), a blank line, then signature lines
//!   `— <name> <base64(key hash ‖ signature)>` (U+2014 and a space), each ending in a
//!   newline; a log's signature is Ed25519 over the text. [`split_note`] and
//!   [`signature_line`] are the one reading and the one writing of that layout, which
//!   witness cosignatures (`crate::witness`) use too.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::checkpoint::CheckpointError;
use super::note_key::{ED25519, NamedSigner, NamedVerifier, is_valid_name};

/// At most this many signature lines are read (as in Go's `note.Open`).
const MAX_SIGNATURES: usize = 100;

/// A log's signing key, with its name.
#[derive(Clone)]
pub struct LogKey(NamedSigner);

/// A public key that checks a log's signatures, with its name and key hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey(NamedVerifier);

/// One signature line of a note, read by [`split_note`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLine<'a> {
    /// The signer's key name.
    pub name: &'a str,
    /// The key hash (the first four bytes of the decoded signature).
    pub key_hash: u32,
    /// The bytes after the key hash.
    pub signature: Vec<u8>,
    /// The line as written, without its newline.
    pub line: &'a str,
}

impl LogKey {
    /// A new key named `name`, from 32 bytes of operating-system randomness.
    pub fn generate(name: &str) -> Result<LogKey, CheckpointError> {
        NamedSigner::generate(name, ED25519).map(LogKey)
    }

    /// The key named `name` with this Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<LogKey, CheckpointError> {
        NamedSigner::from_seed(name, ED25519, seed).map(LogKey)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey(self.0.verifier())
    }

    /// The key file's text, Go's signer-key form (no final newline):
    /// `PRIVATE+KEY+<name>+<key hash>+<base64(0x01 ‖ seed)>`.
    pub fn to_file_text(&self) -> String {
        self.0.to_file_text()
    }

    /// Reads [`LogKey::to_file_text`]'s form (one final newline allowed); the key hash must
    /// match the name and key.
    pub fn from_file_text(text: &str) -> Result<LogKey, CheckpointError> {
        NamedSigner::from_file_text(text, ED25519).map(LogKey)
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
        let signature = self.0.sign(text.as_bytes());
        let line = signature_line(self.name(), self.0.verifier().key_hash(), &signature);
        format!("{text}\n{line}")
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
        NamedVerifier::parse(text, ED25519).map(VerifierKey)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The key hash that signature lines carry.
    pub fn key_hash(&self) -> u32 {
        self.0.key_hash()
    }

    /// Checks a signed note: every signature line must be well-formed; the lines of this
    /// key (same name and key hash) must verify, and there must be at least one; other
    /// signers' lines are ignored. Returns the text (up to and including its last newline).
    pub fn open_note<'a>(&self, note: &'a str) -> Result<&'a str, CheckpointError> {
        open_note(note, std::slice::from_ref(self)).map(|(text, _)| text)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for VerifierKey {
    type Err = CheckpointError;

    fn from_str(text: &str) -> Result<VerifierKey, CheckpointError> {
        VerifierKey::parse(text)
    }
}

/// Checks a note signed by any of `keys` (one log's keys, say during a key rotation):
/// every signature line must be well-formed; every line of one of the keys must verify, and
/// at least one must; other signers' lines are ignored. Returns the text and the verified
/// lines (as written, without their newlines).
pub fn open_note<'a>(
    note: &'a str,
    keys: &[VerifierKey],
) -> Result<(&'a str, Vec<&'a str>), CheckpointError> {
    let (text, lines) = split_note(note)?;
    let mut verified = Vec::new();
    for line in lines {
        let Some(key) = keys
            .iter()
            .find(|k| k.0.is_signer(line.name, line.key_hash))
        else {
            continue;
        };
        if !key.0.verifies(text.as_bytes(), &line.signature) {
            return Err(CheckpointError::InvalidSignature(key.to_string()));
        }
        verified.push(line.line);
    }
    if verified.is_empty() {
        let names: Vec<String> = keys.iter().map(VerifierKey::to_string).collect();
        return Err(CheckpointError::NotSigned(names.join(", ")));
    }
    Ok((text, verified))
}

/// Splits a signed note at its last blank line into the text (ending in its newline) and
/// its signature lines, each of which must be well-formed (at most 100). Verifies nothing.
pub fn split_note(note: &str) -> Result<(&str, Vec<SignatureLine<'_>>), CheckpointError> {
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
    let mut lines = Vec::new();
    for (count, line) in signatures.split_terminator('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(bad("more than 100 signatures"));
        }
        lines.push(read_signature_line(line)?);
    }
    Ok((text, lines))
}

/// The signature line `— <name> <base64(key hash ‖ signature)>\n`.
pub fn signature_line(name: &str, key_hash: u32, signature: &[u8]) -> String {
    let mut blob = key_hash.to_be_bytes().to_vec();
    blob.extend_from_slice(signature);
    format!("\u{2014} {name} {}\n", STANDARD.encode(&blob))
}

/// `— <name> <base64(key hash ‖ signature)>` → its parts.
fn read_signature_line(line: &str) -> Result<SignatureLine<'_>, CheckpointError> {
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
        Some((hash, signature)) if !signature.is_empty() => Ok(SignatureLine {
            name,
            key_hash: u32::from_be_bytes(*hash),
            signature: signature.to_vec(),
            line,
        }),
        _ => Err(bad("too short")),
    }
}

/// ASCII control characters other than newline (which signed notes refuse).
fn has_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 && b != b'\n')
}
