//! The bundle: everything an auditor needs to re-check a draw offline (DRAW-SPEC §7): the
//! commitment with its snapshots, the entropy, the seed and the result. Written as RFC 8785
//! canonical JSON, so the same draw always gives the same bytes.

pub mod constraints;
pub mod verify;

use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::commitment::{Commitment, Encoded};
use crate::discrepancy::Discrepancy;
use crate::draw::{self, DrawResult};
use crate::entropy::{Entropy, EntropyError};
pub use verify::{Summary, verify};

pub const FORMAT: &str = "shuangsui-bundle/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub commitment: Commitment,
    pub draw: DrawResult,
    #[serde(serialize_with = "canonical::embed")]
    pub entropy: Entropy,
    pub format: String,
    /// The seed, hex.
    pub seed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("the commitment does not check: {0}")]
    Commitment(Discrepancy),
    #[error("entropy: {0}")]
    Entropy(#[from] EntropyError),
}

/// The seed of a draw (DRAW-SPEC §4.2).
pub fn seed(commitment: &Commitment, entropy: &Entropy) -> Result<draw::Key, DrawError> {
    let header = &commitment.header;
    let encoded = entropy.encode(&header.plan.entropy)?;
    let mut hash = [0u8; 32];
    hex::decode_to_slice(&commitment.hash, &mut hash).map_err(|_| {
        DrawError::Commitment(Discrepancy::new("/commitment/hash", "is not 64 hex digits"))
    })?;
    Ok(draw::seed::derive_seed(
        &header.spec_version,
        &hash,
        &encoded,
    ))
}

impl Bundle {
    /// Checks the commitment and the entropy, derives the seed and runs the draw once.
    pub fn make(commitment: Commitment, entropy: Entropy) -> Result<Bundle, DrawError> {
        Bundle::make_encoded(commitment, entropy).map(|(b, _)| b)
    }

    /// As `make`, also returning the bundle's canonical bytes (the file to write).
    pub fn make_encoded(
        commitment: Commitment,
        entropy: Entropy,
    ) -> Result<(Bundle, Vec<u8>), DrawError> {
        let encoded = commitment.check().map_err(DrawError::Commitment)?;
        entropy.check(&commitment.header.plan.entropy)?;
        let seed = seed(&commitment, &entropy)?;
        let draw = draw::run(&commitment, &seed);
        let bundle = Bundle {
            commitment,
            draw,
            entropy,
            format: FORMAT.to_string(),
            seed: hex::encode(seed),
        };
        let bytes = bundle.bytes_with(&encoded);
        Ok((bundle, bytes))
    }

    /// The canonical bytes of the bundle, given its commitment's encoded snapshots: the
    /// keys in RFC 8785 order, each part canonical (tests compare with a full canonicaliser).
    pub fn bytes_with(&self, encoded: &Encoded) -> Vec<u8> {
        let commitment = self.commitment.bytes_with(encoded);
        let mut out = Vec::with_capacity(commitment.len() + 64 * 1024);
        out.extend_from_slice(b"{\"commitment\":");
        out.extend_from_slice(&commitment);
        drop(commitment);
        out.extend_from_slice(b",\"draw\":");
        canonical::write(&self.draw, &mut out).expect("writing to memory");
        out.extend_from_slice(b",\"entropy\":");
        out.extend_from_slice(&canonical::to_vec(&self.entropy));
        out.extend_from_slice(b",\"format\":");
        canonical::write(&self.format, &mut out).expect("writing to memory");
        out.extend_from_slice(b",\"seed\":");
        canonical::write(&self.seed, &mut out).expect("writing to memory");
        out.push(b'}');
        out
    }

    /// The canonical bytes of the bundle.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes_with(&self.commitment.snapshots.encode())
    }
}
