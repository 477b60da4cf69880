//! Checkpoints: C2SP `tlog-checkpoint` bodies signed as notes (see [`super::note`]).
//!
//! Body: `<origin>\n<size>\n<base64 root>\n`. The size is decimal without leading zeros,
//! the root standard base64 of 32 bytes. This log writes no extension lines, and refuses
//! them, so that a checkpoint has one text.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::note::{LogKey, VerifierKey};
use super::tree::Hash;

/// A signed tree head: the log `origin` had `size` entries with root `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name (first line); non-empty, no control characters.
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// RFC 6962 root of the first `size` entries.
    pub root: Hash,
}

/// Why a key, note or checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// A key name that signed notes cannot carry.
    #[error(
        "key name {0:?} is not valid: it must be non-empty, without spaces, '+' or control characters"
    )]
    KeyName(String),
    /// A key text in the wrong form.
    #[error("malformed key: {0}")]
    KeyFormat(String),
    /// The key hash written in a key text is not the key's.
    #[error("the key hash {stated:08x} does not match the key (its hash is {computed:08x})")]
    KeyHash {
        /// The hash the text states.
        stated: u32,
        /// The hash of the name and key.
        computed: u32,
    },
    /// The operating system gave no randomness.
    #[error("no randomness for a new key: {0}")]
    Random(String),
    /// A note that is not a well-formed signed note.
    #[error("malformed note: {0}")]
    MalformedNote(String),
    /// A signature line of the key that does not verify.
    #[error("the signature by {0} does not verify")]
    InvalidSignature(String),
    /// No signature line of the key.
    #[error("the note carries no signature by {0}")]
    NotSigned(String),
    /// A signed text that is not a checkpoint body.
    #[error("malformed checkpoint: {0}")]
    MalformedBody(String),
}

impl Checkpoint {
    /// The C2SP body: `<origin>\n<size>\n<base64 root>\n`.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        )
    }

    /// The signed note of [`Checkpoint::body`]. The origin is signed as it is: an invalid
    /// one (empty, or with a newline or control character) gives a note that
    /// [`Checkpoint::open`] refuses; [`Checkpoint::try_sign`] refuses it up front.
    pub fn sign(&self, key: &LogKey) -> String {
        key.sign_unchecked(&self.body())
    }

    /// [`Checkpoint::sign`], refusing an invalid origin.
    pub fn try_sign(&self, key: &LogKey) -> Result<String, CheckpointError> {
        check_origin(&self.origin)?;
        key.sign_note(&self.body())
    }

    /// Checks the note's signature by `key` (other signers' lines are ignored) and parses
    /// its body.
    pub fn open(note: &str, key: &VerifierKey) -> Result<Checkpoint, CheckpointError> {
        Checkpoint::parse_body(key.open_note(note)?)
    }

    /// Parses a checkpoint body (the signed text), strictly: three lines, each ending in a
    /// newline; the size decimal without leading zeros; the root canonical base64 of 32
    /// bytes.
    pub fn parse_body(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |why: String| CheckpointError::MalformedBody(why);
        let lines = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("the body does not end in a newline".into()))?;
        let lines: Vec<&str> = lines.split('\n').collect();
        let [origin, size, root] = lines.as_slice() else {
            return Err(bad(format!(
                "{} lines, not 3 (origin, size, root hash; this log writes no extension lines)",
                lines.len()
            )));
        };
        check_origin(origin)?;
        let size_ok = size.bytes().all(|b| b.is_ascii_digit())
            && !size.is_empty()
            && (*size == "0" || !size.starts_with('0'));
        let size = size
            .parse::<u64>()
            .ok()
            .filter(|_| size_ok)
            .ok_or_else(|| {
                bad(format!(
                    "size {size:?} is not a decimal without leading zeros"
                ))
            })?;
        let root_bytes: Hash = STANDARD
            .decode(root)
            .ok()
            .and_then(|b| b.try_into().ok())
            .filter(|b: &Hash| STANDARD.encode(b) == *root)
            .ok_or_else(|| bad(format!("root {root:?} is not standard base64 of 32 bytes")))?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root: root_bytes,
        })
    }
}

/// The origin line: non-empty, no control characters (newlines included).
fn check_origin(origin: &str) -> Result<(), CheckpointError> {
    if origin.is_empty() || origin.chars().any(char::is_control) {
        Err(CheckpointError::MalformedBody(format!(
            "origin {origin:?} is empty or holds a control character"
        )))
    } else {
        Ok(())
    }
}
