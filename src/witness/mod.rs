//! The witness role: an independent party (a notary office, a discipline inspection body)
//! that cosigns a log's checkpoint only if it is consistent with the last checkpoint it
//! cosigned for that log, per C2SP `tlog-witness` and `tlog-cosignature` (Ed25519, v1).
//! A log that shows such cosignatures can no longer cut its tail, fork, or rewrite and
//! re-sign its history unseen: the witness would have to cosign the inconsistent view.
//!
//! Pure core (no clock, no files, no network; tested directly):
//! - [`key`]: the cosigning key and its verifier key (type 0x04);
//! - [`cosign`]: cosignature lines, made and checked, [`cosign::cosigned_by`] for quorums;
//! - [`request`]: the `add-checkpoint` request and 409 bodies, read and written;
//! - [`decide`]: the `add-checkpoint` decision and the record the witness keeps.
//!
//! Adapters:
//! - [`state`]: one file per log in a state folder, replaced atomically and durably;
//! - [`service`]: [`service::Witness`], the core over the state folder, one request per log
//!   at a time, the record durable before the cosignature is returned;
//! - [`client`]: `submit` over HTTP, for logs.
//!
//! The HTTP routes are `web::witness`; the commands `cli::witness`.

pub mod client;
pub mod cosign;
pub mod decide;
pub mod key;
pub mod request;
pub mod service;
pub mod state;

#[cfg(test)]
mod tests;

use sha2::{Digest, Sha256};

pub use cosign::{CosignError, Timestamp, cosigned_by};
pub use decide::{Cosigned, Refusal, WitnessedLog, add_checkpoint};
pub use key::{WitnessKey, WitnessVerifier};
pub use request::AddCheckpoint;

/// The lowercase hex SHA-256 of a log's origin: its name in the monitoring URL
/// (`<prefix>/<origin hash>/checkpoint`) and its state file's name.
pub fn origin_hash(origin: &str) -> String {
    hex::encode(Sha256::digest(origin.as_bytes()))
}
