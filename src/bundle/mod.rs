//! The bundle: everything an auditor needs to re-check a draw offline (DRAW-SPEC §7): the
//! commitment with its snapshots, the entropy, the seed and the result. Written as RFC 8785
//! canonical JSON, so the same draw always gives the same bytes.

pub mod complete;
pub mod constraints;
pub mod evidence;
pub mod verify;

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::commitment::Commitment;
use crate::discrepancy::Discrepancy;
use crate::draw::{self, DrawResult};
use crate::entropy::{Entropy, EntropyError};
pub use verify::{Summary, verify, verify_bytes};

pub const FORMAT: &str = "shuangsui-bundle/1";
/// How a bundle's canonical bytes begin; the commitment's bytes follow.
const COMMITMENT_KEY: &[u8] = b"{\"commitment\":";

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
        Bundle::make_from_file(commitment, entropy, None).map(|(b, _)| b)
    }

    /// As `make`, and tells whether `file` (the commitment file read) holds exactly the
    /// commitment's canonical bytes, which `write_copying` may then copy.
    pub fn make_from_file(
        commitment: Commitment,
        entropy: Entropy,
        file: Option<&[u8]>,
    ) -> Result<(Bundle, bool), DrawError> {
        let canonical = commitment.check_file(file).map_err(DrawError::Commitment)?;
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
        Ok((bundle, canonical))
    }

    /// Writes the canonical bytes of the bundle: the keys in RFC 8785 order, each part
    /// canonical (tests compare with a canonicaliser).
    pub fn write_to<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        self.write_copying(None, w)
    }

    /// As `write_to`, copying the commitment's bytes from `commitment_file` when given: only
    /// bytes that `make_from_file` found to be exactly the commitment's canonical bytes.
    pub fn write_copying<W: Write>(
        &self,
        commitment_file: Option<&[u8]>,
        w: &mut W,
    ) -> std::io::Result<()> {
        w.write_all(COMMITMENT_KEY)?;
        match commitment_file {
            Some(bytes) => w.write_all(bytes)?,
            None => self.commitment.write_to(w)?,
        }
        self.write_after_commitment(w)
    }

    /// The canonical bytes that follow the commitment's: `,"draw":…,"seed":"…"}`.
    fn write_after_commitment<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b",\"draw\":")?;
        canonical::write(&self.draw, &mut *w)?;
        w.write_all(b",\"entropy\":")?;
        w.write_all(&canonical::to_vec(&self.entropy))?;
        w.write_all(b",\"format\":")?;
        canonical::write(&self.format, &mut *w)?;
        w.write_all(b",\"seed\":")?;
        canonical::write(&self.seed, &mut *w)?;
        w.write_all(b"}")
    }

    /// The canonical bytes of the bundle.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out).expect("writing to memory");
        out
    }
}
