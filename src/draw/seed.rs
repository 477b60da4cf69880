//! Seed and stream-key derivation (DRAW-SPEC §4): SHA-256 over length-prefixed fields.

use sha2::{Digest, Sha256};

/// A 32-byte seed or stream key.
pub type Key = [u8; 32];

/// Appends `u32_be(len) || bytes` (the spec's `frame`).
pub fn frame(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("fields are far below 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The encoding hashed into the seed; `entropy` is `Entropy::encode`'s output.
pub fn seed_input(spec_version: &str, commitment_hash: &[u8; 32], entropy: &[u8]) -> Vec<u8> {
    let mut input = Vec::new();
    frame(&mut input, b"shuangsui/seed");
    frame(&mut input, spec_version.as_bytes());
    frame(&mut input, commitment_hash);
    frame(&mut input, entropy);
    input
}

/// seed = SHA-256(seed_input).
pub fn derive_seed(spec_version: &str, commitment_hash: &[u8; 32], entropy: &[u8]) -> Key {
    Sha256::digest(seed_input(spec_version, commitment_hash, entropy)).into()
}

/// The key of the stream named `label` ("stratum/0", "stratum/1", …, "teams").
pub fn stream_key(seed: &Key, label: &str) -> Key {
    let mut input = Vec::new();
    frame(&mut input, b"shuangsui/stream");
    frame(&mut input, seed);
    frame(&mut input, label.as_bytes());
    Sha256::digest(input).into()
}
