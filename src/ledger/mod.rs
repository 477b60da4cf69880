//! The hash-audited log: canonical entries, the RFC 6962 Merkle tree, signed checkpoints.
//!
//! - An **entry** ([`entry`]) is the RFC 8785 canonical JSON of
//!   `{"event": {...}, "kind": "...", "seq": n, "time": "...Z"}`; integers only (within
//!   ±(2^53 − 1)), the exact bytes are stored and hashed.
//! - The **tree** ([`tree`]) is RFC 6962's: leaf = SHA-256(0x00 ‖ entry bytes),
//!   node = SHA-256(0x01 ‖ left ‖ right); inclusion and consistency proofs are RFC 9162's.
//! - A **checkpoint** ([`checkpoint`]) is a C2SP `tlog-checkpoint` body
//!   (`<origin>\n<size>\n<base64 root>\n`) signed as a C2SP signed note with Ed25519
//!   ([`note`]: keys in Go's `sumdb/note` text forms, [`note_key`] for every signature type).
//! - Some fields of some kinds are **sealed** ([`seal`]): the entry carries a salted
//!   SHA-256 commitment to them, the opening is kept beside it and revealed later (or never).
//! - An entry is at most [`entry::MAX_ENTRY_BYTES`] bytes (tlog-tiles entry bundles).
//! - [`tiles`] serves the log as C2SP `tlog-tiles` (hash tiles, entry bundles).
//! - [`verify`] checks a whole stored log and names the first bad entry or checkpoint.
//!
//! Pure: no database, no files, no clock (times are given by the caller).

pub mod checkpoint;
pub mod entry;
pub mod note;
pub mod note_key;
pub mod seal;
pub mod tiles;
pub mod tree;
pub mod verify;

#[cfg(test)]
mod checkpoint_tests;
#[cfg(test)]
mod tree_tests;
#[cfg(test)]
mod verify_tests;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use entry::{EntryError, Envelope};
pub use note::{LogKey, VerifierKey};
pub use tree::{Hash, Tree, TreeError};
pub use verify::{LogFault, StoredEntry, Summary, verify_log};
