//! Where a draw's randomness comes from, and its byte encoding for the seed (DRAW-SPEC §4.1).
//! The plan declares the source before the randomness exists; `Entropy` is the value given
//! after, checked against that declaration.

pub mod ceremony;
pub mod drand;

use serde::{Deserialize, Serialize};

use crate::draw::seed::frame;
use crate::plan::EntropyDeclaration;
pub use ceremony::Contribution;

/// The public randomness of one draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Entropy {
    /// Each declared witness's digits, in the declared order.
    Ceremony { contributions: Vec<Contribution> },
    /// A drand round's BLS signature (hex), with the previous round's for chained chains.
    Drand {
        previous_signature: Option<String>,
        round: u64,
        signature: String,
    },
}

/// Entropy that does not match its declaration, or cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntropyError {
    #[error("the plan declares a {declared} source, but {given} entropy was given")]
    WrongSource {
        declared: &'static str,
        given: &'static str,
    },
    #[error("{0}")]
    Ceremony(String),
    #[error("drand: {0}")]
    Drand(String),
}

impl Entropy {
    pub fn source(&self) -> &'static str {
        match self {
            Entropy::Ceremony { .. } => "ceremony",
            Entropy::Drand { .. } => "drand",
        }
    }

    /// The bytes hashed into the seed (DRAW-SPEC §4.1).
    pub fn encode(&self, declaration: &EntropyDeclaration) -> Result<Vec<u8>, EntropyError> {
        let mut out = Vec::new();
        match (self, declaration) {
            (Entropy::Ceremony { contributions }, EntropyDeclaration::Ceremony { .. }) => {
                frame(&mut out, b"ceremony");
                out.extend_from_slice(&(contributions.len() as u32).to_be_bytes());
                for c in contributions {
                    frame(&mut out, c.witness.as_bytes());
                    frame(&mut out, c.digits.as_bytes());
                }
            }
            (
                Entropy::Drand {
                    round, signature, ..
                },
                EntropyDeclaration::Drand { chain_hash, .. },
            ) => {
                let chain =
                    hex::decode(chain_hash).map_err(|e| EntropyError::Drand(e.to_string()))?;
                let signature = hex::decode(signature)
                    .map_err(|e| EntropyError::Drand(format!("signature is not hex: {e}")))?;
                frame(&mut out, b"drand");
                frame(&mut out, &chain);
                out.extend_from_slice(&round.to_be_bytes());
                frame(&mut out, &signature);
            }
            _ => return Err(wrong_source(declaration, self)),
        }
        Ok(out)
    }

    /// Checks the entropy against the declaration made in the commitment.
    pub fn check(&self, declaration: &EntropyDeclaration) -> Result<(), EntropyError> {
        match (self, declaration) {
            (
                Entropy::Ceremony { contributions },
                EntropyDeclaration::Ceremony { witnesses, digits },
            ) => ceremony::check(contributions, witnesses, *digits),
            (
                Entropy::Drand {
                    previous_signature,
                    round,
                    signature,
                },
                EntropyDeclaration::Drand {
                    chain_hash,
                    round: declared,
                },
            ) => {
                if round != declared {
                    return Err(EntropyError::Drand(format!(
                        "the plan declares round {declared}, the entropy is round {round}"
                    )));
                }
                let chain = drand::require_known_chain(chain_hash)
                    .map_err(|e| EntropyError::Drand(e.to_string()))?;
                let bytes = |field: &str, text: &str| {
                    hex::decode(text)
                        .map_err(|e| EntropyError::Drand(format!("{field} is not hex: {e}")))
                };
                let previous = previous_signature
                    .as_deref()
                    .map(|p| bytes("previous_signature", p))
                    .transpose()?;
                if chain.scheme == drand::Scheme::UnchainedG1Rfc9380 && previous.is_some() {
                    return Err(EntropyError::Drand(format!(
                        "chain {} is unchained: previous_signature must be null",
                        chain.name
                    )));
                }
                let beacon = drand::Beacon {
                    round: *round,
                    signature: bytes("signature", signature)?,
                    previous_signature: previous,
                };
                drand::verify(chain, &beacon).map_err(|e| EntropyError::Drand(e.to_string()))?;
                Ok(())
            }
            _ => Err(wrong_source(declaration, self)),
        }
    }
}

/// The entropy value of a verified-later drand beacon (hex lower case; the previous
/// signature kept only where the chain's scheme signs it).
pub fn from_beacon(beacon: &drand::Beacon, chain: &drand::Chain) -> Entropy {
    let chained = chain.scheme == drand::Scheme::ChainedG2;
    Entropy::Drand {
        previous_signature: beacon
            .previous_signature
            .as_ref()
            .filter(|_| chained)
            .map(hex::encode),
        round: beacon.round,
        signature: hex::encode(&beacon.signature),
    }
}

fn wrong_source(declaration: &EntropyDeclaration, given: &Entropy) -> EntropyError {
    EntropyError::WrongSource {
        declared: match declaration {
            EntropyDeclaration::Ceremony { .. } => "ceremony",
            EntropyDeclaration::Drand { .. } => "drand",
        },
        given: given.source(),
    }
}

/// Entropy as a person or a form gives it, checked against the plan's declaration.
/// Ceremony: `WITNESS=DIGITS` for every declared witness, comma separated. drand: the
/// round's JSON (as drand serves it), or `round=N,signature=HEX[,previous_signature=HEX]`.
pub fn parse_text(
    text: &str,
    declaration: &crate::plan::EntropyDeclaration,
) -> Result<Entropy, String> {
    use crate::plan::EntropyDeclaration;
    match declaration {
        EntropyDeclaration::Ceremony { witnesses, digits } => {
            ceremony::parse(text, witnesses, *digits).map_err(|e| format!("--entropy: {e}"))
        }
        EntropyDeclaration::Drand { chain_hash, .. } => {
            let chain = drand::require_known_chain(chain_hash).map_err(|e| e.to_string())?;
            let beacon = if text.trim_start().starts_with('{') {
                drand::parse_beacon_json(text).map_err(|e| e.to_string())?
            } else {
                drand::parse_beacon_pairs(text).map_err(|e| format!("--entropy: {e}"))?
            };
            Ok(from_beacon(&beacon, chain))
        }
    }
}
