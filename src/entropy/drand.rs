//! drand beacons as a draw's randomness: a table of known chains pinned in code, and the
//! offline check of a published round against its chain's group public key.
//!
//! A plan names a chain (by its chain hash) and a round that is still in the future when the
//! plan is committed. Once the round is out, anyone can feed its signature here: [`verify`]
//! checks the BLS signature against the public key pinned below (no network, no clock) and
//! returns the round's randomness, SHA-256 of the signature, exactly as drand defines it.
//! BLS signatures are unique (one valid signature per round and key), so nobody, not even
//! whoever fetched the round, can choose among several valid answers.
//!
//! Messages signed by drand: chained chains sign `SHA-256(previous_signature || round_be64)`,
//! unchained chains sign `SHA-256(round_be64)`. The pairing check is done by `drand-verify`.

use drand_verify::{G1Pubkey, G2PubkeyRfc, Pubkey, VerificationError};
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[cfg(test)]
mod tests;

/// How a chain signs its rounds, as drand's `schemeID` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `pedersen-bls-chained`: public key on G1 (48 bytes), signatures on G2 (96 bytes), each
    /// round's message includes the previous round's signature.
    ChainedG2,
    /// `bls-unchained-g1-rfc9380`: public key on G2 (96 bytes), signatures on G1 (48 bytes),
    /// hashed to the curve as RFC 9380 says; the message is the round number alone.
    UnchainedG1Rfc9380,
}

impl Scheme {
    /// drand's identifier for the scheme (the `schemeID` of a chain's `/info`).
    pub fn id(self) -> &'static str {
        match self {
            Scheme::ChainedG2 => "pedersen-bls-chained",
            Scheme::UnchainedG1Rfc9380 => "bls-unchained-g1-rfc9380",
        }
    }
}

/// A drand chain whose parameters are pinned in this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// Short human name, e.g. `mainnet-default`.
    pub name: &'static str,
    /// The chain hash (lowercase hex), which names the chain in plans and in drand's API.
    pub hash: &'static str,
    /// The group public key (lowercase hex, compressed point).
    pub public_key: &'static str,
    pub scheme: Scheme,
    /// Unix seconds at which round 1 was published.
    pub genesis_time: u64,
    pub period_seconds: u64,
}

/// The League of Entropy mainnet chains, as their `/info` documents state them. A test
/// recomputes each chain hash from these values.
static KNOWN_CHAINS: [Chain; 2] = [
    Chain {
        name: "mainnet-default",
        hash: "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
        public_key: "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eeda66c7293784a9402801af31",
        scheme: Scheme::ChainedG2,
        genesis_time: 1_595_431_050,
        period_seconds: 30,
    },
    Chain {
        name: "quicknet",
        hash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
        public_key: "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
        scheme: Scheme::UnchainedG1Rfc9380,
        genesis_time: 1_692_803_367,
        period_seconds: 3,
    },
];

/// Every chain this crate can verify.
pub fn known_chains() -> &'static [Chain] {
    &KNOWN_CHAINS
}

/// The pinned chain with this chain hash (hex, any case), if there is one.
pub fn known_chain(hash_hex: &str) -> Option<&'static Chain> {
    let hash_hex = hash_hex.trim();
    KNOWN_CHAINS
        .iter()
        .find(|c| c.hash.eq_ignore_ascii_case(hash_hex))
}

/// Like [`known_chain`], but an unknown hash is an error that lists the known chains.
pub fn require_known_chain(hash_hex: &str) -> Result<&'static Chain, DrandError> {
    known_chain(hash_hex).ok_or_else(|| DrandError::UnknownChain(hash_hex.trim().to_string()))
}

/// One published round of a chain, as fetched by whoever runs the draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beacon {
    pub round: u64,
    pub signature: Vec<u8>,
    /// Required on chained chains; ignored on unchained ones (it is not part of their message).
    pub previous_signature: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrandError {
    #[error("unknown drand chain '{0}': this build pins only {known}", known = known_names())]
    UnknownChain(String),
    #[error(
        "drand round {round} is on a chained chain: its previous_signature is needed to verify it"
    )]
    MissingPreviousSignature { round: u64 },
    #[error(
        "drand round {round}: the signature does not verify against the pinned public key of chain {chain} (wrong round, wrong chain, or altered data)"
    )]
    BadSignature { round: u64, chain: &'static str },
    #[error("drand round {round}: not a signature of chain {chain} at all: {reason}")]
    InvalidSignature {
        round: u64,
        chain: &'static str,
        reason: String,
    },
    #[error(
        "drand round {round}: stated randomness {stated} is not SHA-256 of the signature ({computed})"
    )]
    RandomnessMismatch {
        round: u64,
        stated: String,
        computed: String,
    },
    #[error("malformed drand beacon: {0}")]
    Malformed(String),
}

fn known_names() -> String {
    let names: Vec<String> = KNOWN_CHAINS
        .iter()
        .map(|c| format!("{} ({})", c.name, c.hash))
        .collect();
    names.join(", ")
}

/// Checks `beacon` against the pinned public key of `chain` and returns the round's
/// randomness, SHA-256 of the signature.
pub fn verify(chain: &Chain, beacon: &Beacon) -> Result<[u8; 32], DrandError> {
    let round = beacon.round;
    if round == 0 {
        return Err(DrandError::Malformed(
            "round 0 is the genesis, not a published beacon".into(),
        ));
    }
    let key = hex::decode(chain.public_key).map_err(|e| pinned_key_error(chain, e))?;
    let outcome = match chain.scheme {
        Scheme::ChainedG2 => {
            let previous = beacon
                .previous_signature
                .as_deref()
                .ok_or(DrandError::MissingPreviousSignature { round })?;
            let key = G1Pubkey::from_variable(&key).map_err(|e| pinned_key_error(chain, e))?;
            key.verify(round, previous, &beacon.signature)
        }
        Scheme::UnchainedG1Rfc9380 => {
            let key = G2PubkeyRfc::from_variable(&key).map_err(|e| pinned_key_error(chain, e))?;
            key.verify(round, b"", &beacon.signature)
        }
    };
    match outcome {
        Ok(true) => Ok(randomness_of(&beacon.signature)),
        Ok(false) => Err(DrandError::BadSignature {
            round,
            chain: chain.name,
        }),
        Err(VerificationError::InvalidPoint { msg, .. }) => Err(DrandError::InvalidSignature {
            round,
            chain: chain.name,
            reason: msg,
        }),
    }
}

fn pinned_key_error(chain: &Chain, e: impl std::fmt::Display) -> DrandError {
    DrandError::Malformed(format!(
        "pinned public key of chain {} is invalid: {e}",
        chain.name
    ))
}

/// drand's randomness for a signature: SHA-256 of the signature bytes.
pub fn randomness_of(signature: &[u8]) -> [u8; 32] {
    Sha256::digest(signature).into()
}

/// Unix seconds at which `round` is published: `genesis + (round - 1) * period` (round 0,
/// which has no beacon, gives the genesis time; saturates instead of overflowing).
pub fn round_time(chain: &Chain, round: u64) -> u64 {
    let elapsed = round.saturating_sub(1).saturating_mul(chain.period_seconds);
    chain.genesis_time.saturating_add(elapsed)
}

/// The latest round published at or before `unix_seconds` (0 before the genesis). A plan
/// committed at time `t` must name a round greater than `round_at(chain, t)`.
pub fn round_at(chain: &Chain, unix_seconds: u64) -> u64 {
    match unix_seconds.checked_sub(chain.genesis_time) {
        None => 0,
        Some(elapsed) => elapsed / chain.period_seconds.max(1) + 1,
    }
}

/// Parses a beacon in the shape of drand's HTTP API (`GET /{chain}/public/{round}`); other
/// fields are ignored. When `randomness` is present it must equal SHA-256 of the signature.
pub fn parse_beacon_json(text: &str) -> Result<Beacon, DrandError> {
    #[derive(Deserialize)]
    struct Json {
        round: u64,
        signature: String,
        #[serde(default)]
        previous_signature: Option<String>,
        #[serde(default)]
        randomness: Option<String>,
    }
    let json: Json = serde_json::from_str(text)
        .map_err(|e| DrandError::Malformed(format!("not a drand beacon JSON: {e}")))?;
    let beacon = Beacon {
        round: json.round,
        signature: decode_hex("signature", &json.signature)?,
        previous_signature: optional_hex("previous_signature", json.previous_signature)?,
    };
    if let Some(stated) = json.randomness {
        let stated_bytes = decode_hex("randomness", &stated)?;
        let computed = randomness_of(&beacon.signature);
        if stated_bytes != computed {
            return Err(DrandError::RandomnessMismatch {
                round: beacon.round,
                stated,
                computed: hex::encode(computed),
            });
        }
    }
    Ok(beacon)
}

/// Parses the command-line form `round=N,signature=HEX[,previous_signature=HEX]`.
pub fn parse_beacon_pairs(text: &str) -> Result<Beacon, DrandError> {
    let (mut round, mut signature, mut previous) = (None, None, None);
    for part in text.split(',') {
        let (key, value) = part.split_once('=').ok_or_else(|| {
            DrandError::Malformed(format!("'{}' is not of the form key=value", part.trim()))
        })?;
        let (key, value) = (key.trim(), value.trim());
        let slot_taken = match key {
            "round" => round
                .replace(value.parse::<u64>().map_err(|_| {
                    DrandError::Malformed(format!("round '{value}' is not a whole number"))
                })?)
                .is_some(),
            "signature" => signature.replace(decode_hex(key, value)?).is_some(),
            "previous_signature" => previous.replace(decode_hex(key, value)?).is_some(),
            _ => {
                return Err(DrandError::Malformed(format!(
                    "unknown key '{key}' (expected round, signature, previous_signature)"
                )));
            }
        };
        if slot_taken {
            return Err(DrandError::Malformed(format!("'{key}' is given twice")));
        }
    }
    Ok(Beacon {
        round: round.ok_or_else(|| DrandError::Malformed("round=N is missing".into()))?,
        signature: signature
            .ok_or_else(|| DrandError::Malformed("signature=HEX is missing".into()))?,
        previous_signature: previous,
    })
}

fn decode_hex(field: &str, value: &str) -> Result<Vec<u8>, DrandError> {
    if value.is_empty() {
        return Err(DrandError::Malformed(format!("{field} is empty")));
    }
    hex::decode(value).map_err(|e| DrandError::Malformed(format!("{field} is not hex: {e}")))
}

/// An absent or empty optional field is `None` (unchained rounds have no previous signature).
fn optional_hex(field: &str, value: Option<String>) -> Result<Option<Vec<u8>>, DrandError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => decode_hex(field, v).map(Some),
    }
}

/// For a plan that declares a drand round: an error unless that round is still in the
/// future at unix time `now` (its randomness must not exist at commit time), and otherwise
/// when it will be published. `None` for other entropy sources.
pub fn check_future_round(
    declaration: &crate::plan::EntropyDeclaration,
    now: u64,
) -> Result<Option<String>, String> {
    let crate::plan::EntropyDeclaration::Drand { chain_hash, round } = declaration else {
        return Ok(None);
    };
    let chain = require_known_chain(chain_hash).map_err(|e| e.to_string())?;
    let latest = round_at(chain, now);
    if *round <= latest {
        return Err(format!(
            "entropy.round {round} of {} is already published (the latest round now is {latest}); declare a round in the future",
            chain.name
        ));
    }
    Ok(Some(format!(
        "drand round {round} of {} will be published at unix time {}",
        chain.name,
        round_time(chain, *round)
    )))
}
