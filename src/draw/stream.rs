//! The random stream (DRAW-SPEC §4.3–4.4): ChaCha20 keystream read as little-endian 64-bit
//! words, and an unbiased integer below `n` by rejection. This file and `select.rs` are the
//! only places randomness is consumed; no `rand` distribution is used anywhere.

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

use super::seed::Key;

/// Words of the RFC 8439 ChaCha20 keystream (key = the stream key, nonce = 0, counter
/// from 0): word k is bytes 8k..8k+8 read little-endian.
pub struct Stream {
    rng: ChaCha20Rng,
    words: u64,
}

impl Stream {
    pub fn new(key: &Key) -> Stream {
        Stream {
            rng: ChaCha20Rng::from_seed(*key),
            words: 0,
        }
    }

    /// The next word. Only `next_u64` is ever called on the generator, which reads the
    /// keystream 8 bytes at a time without skipping (rand_core's block buffer is 64 words).
    pub fn next_word(&mut self) -> u64 {
        self.words += 1;
        self.rng.next_u64()
    }

    /// Words consumed so far (reported in test vectors).
    pub fn words_used(&self) -> u64 {
        self.words
    }

    /// A uniform integer in [0, n), n ≥ 1: with r = 2^64 mod n, draw words until one is
    /// below 2^64 − r, and return it mod n. Always consumes at least one word.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no value to return");
        let r = (u64::MAX % n + 1) % n;
        loop {
            let w = self.next_word();
            if w <= u64::MAX - r {
                return w % n;
            }
        }
    }
}

/// Partial Fisher–Yates: moves `k` uniformly chosen items of `items` to its front, in draw
/// order. For i in 0..k: j = i + below(len − i); swap items[i] and items[j].
pub fn choose_prefix<T>(stream: &mut Stream, items: &mut [T], k: usize) {
    let n = items.len();
    for i in 0..k.min(n) {
        let j = i + stream.below((n - i) as u64) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8439 appendix A.1, test vector #1: all-zero key and nonce, block counter 0.
    #[test]
    fn keystream_matches_rfc8439_test_vector() {
        let mut s = Stream::new(&[0u8; 32]);
        let expected = "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
                        da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586";
        let mut bytes = Vec::new();
        for _ in 0..8 {
            bytes.extend_from_slice(&s.next_word().to_le_bytes());
        }
        assert_eq!(hex::encode(bytes), expected);
        assert_eq!(s.words_used(), 8);
    }

    #[test]
    fn below_one_is_zero_and_consumes_a_word() {
        let mut s = Stream::new(&[7u8; 32]);
        assert_eq!(s.below(1), 0);
        assert_eq!(s.words_used(), 1);
    }

    #[test]
    fn below_rejects_the_biased_zone() {
        // n = 2^63 + 1: r = 2^64 mod n = 2^63 − 1, so about half of all words are rejected;
        // every accepted value must still be below n.
        let n = (1u64 << 63) + 1;
        let mut s = Stream::new(&[1u8; 32]);
        for _ in 0..200 {
            assert!(s.below(n) < n);
        }
        assert!(s.words_used() > 200, "some words must have been rejected");
    }

    #[test]
    fn choose_prefix_is_a_permutation_prefix() {
        let mut s = Stream::new(&[3u8; 32]);
        let mut items: Vec<u32> = (0..50).collect();
        choose_prefix(&mut s, &mut items, 10);
        let mut sorted = items.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_eq!(s.words_used(), 10);
    }
}
