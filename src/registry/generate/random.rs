//! Deterministic randomness for the generator: a ChaCha8 stream per part of the directory,
//! small exact helpers over it (integers in a range, picks, weighted picks, dates; no floats),
//! and the organisation-code permutation that keeps every generated USCC unique.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// One stream of random numbers.
pub struct Random(ChaCha8Rng);

impl Random {
    /// The stream for one `part` of the directory under `seed`. The ChaCha key is SHA-256 of a
    /// fixed label, the seed and the part name: parts are independent of each other (the
    /// officers do not change when only the number of entities does), and the stream does not
    /// depend on how a library expands a `u64` into a seed.
    pub fn new(seed: u64, part: &str) -> Random {
        let mut hash = Sha256::new();
        hash.update(b"shuangsui/generate/v1\0");
        hash.update(seed.to_le_bytes());
        hash.update(part.as_bytes());
        Random(ChaCha8Rng::from_seed(hash.finalize().into()))
    }

    /// An unbiased integer in `[0, n)` (Lemire's multiply-and-reject). `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u128::from(self.0.next_u64()) * u128::from(n);
            if product as u64 >= threshold {
                return (product >> 64) as u64;
            }
        }
    }

    /// An index into a collection of `len` items (`len` > 0).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// An integer in `[low, high]`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One of the words of a static pool.
    pub fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.index(words.len())]
    }

    /// True with probability `p`/1000.
    pub fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }

    /// The index of an item drawn with probability proportional to its weight.
    pub fn weighted<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
        let total: u64 = items.iter().map(|i| u64::from(weight(i))).sum();
        let mut r = self.below(total);
        for (k, item) in items.iter().enumerate() {
            let w = u64::from(weight(item));
            if r < w {
                return k;
            }
            r -= w;
        }
        unreachable!("r < total")
    }

    /// A date in `[from, to]`.
    pub fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days() as u64;
        from + Days::new(self.below(span + 1))
    }

    /// A working day (Monday to Friday) in `[from, to]`; `from` must be a working day.
    pub fn weekday(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let day = self.date(from, to);
        match day.weekday() {
            Weekday::Sat => day - Days::new(1),
            Weekday::Sun => day - Days::new(2),
            _ => day,
        }
    }
}

/// The 31 symbols of the USCC alphabet, in value order.
const SYMBOLS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Six symbols of the organisation code come from the permutation: 31^6 distinct values.
const TAIL_VALUES: u64 = 31 * 31 * 31 * 31 * 31 * 31;
/// Most entities one generated directory may have: each needs its own organisation code.
pub const MAX_ENTITIES: u64 = TAIL_VALUES;

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A bijection of `[0, 2^30)`: a four-round Feistel network on two 15-bit halves.
fn feistel(x: u64, key: u64) -> u64 {
    const MASK: u64 = (1 << 15) - 1;
    let (mut left, mut right) = (x >> 15, x & MASK);
    for round in 0..4u64 {
        let f = splitmix64(key ^ (round << 48) ^ right) & MASK;
        (left, right) = (right, left ^ f);
    }
    (left << 15) | right
}

/// A bijection of `[0, 31^6)` keyed by the seed (cycle walking over `feistel`: the iterates
/// of a value below 31^6 return to it, so the first one below 31^6 is reached and distinct
/// inputs give distinct outputs). Distinct entity indices thus get distinct codes.
pub fn permute(index: u64, seed: u64) -> u64 {
    assert!(index < TAIL_VALUES, "index {index} is beyond {TAIL_VALUES}");
    let key = splitmix64(seed ^ 0x6F72_6763_6F64_6573);
    let mut x = index;
    loop {
        x = feistel(x, key);
        if x < TAIL_VALUES {
            return x;
        }
    }
}

/// The value of an organisation-code symbol in GB 11714: 0–9, then A = 10 … Z = 35.
fn gb11714_value(symbol: u8) -> u32 {
    match symbol {
        b'0'..=b'9' => u32::from(symbol - b'0'),
        _ => u32::from(symbol - b'A') + 10,
    }
}

/// The GB 11714 check symbol of an 8-symbol organisation code body.
pub fn gb11714_check(body: &[u8]) -> u8 {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(&s, w)| gb11714_value(s) * w)
        .sum();
    match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    }
}

/// A 9-symbol organisation code (USCC positions 9–17): a two-symbol `prefix`, six symbols
/// spelling `value` (< 31^6) in base 31, and the GB 11714 check symbol.
pub fn organisation_code(prefix: [u8; 2], value: u64) -> [u8; 9] {
    let mut code = [b'0'; 9];
    code[..2].copy_from_slice(&prefix);
    let mut v = value;
    for slot in code[2..8].iter_mut().rev() {
        *slot = SYMBOLS[(v % 31) as usize];
        v /= 31;
    }
    code[8] = gb11714_check(&code[..8]);
    code
}
