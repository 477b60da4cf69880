//! 统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): parsing and the check character.

use std::fmt;

/// The 31 symbols a USCC may use, in value order (no I, O, S, V, Z).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weight of positions 1..=17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A validated 18-character USCC in normalised form (upper case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uscc(String);

/// Why a string is not a USCC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码应为 18 位，实为 {0} 位 / must have 18 characters, has {0}")]
    Length(usize),
    #[error(
        "第 {position} 位「{found}」不是 0-9 A-H J-N P-R T U W X Y 之一 / character {position} '{found}' is not one of 0-9 A-H J-N P-R T U W X Y"
    )]
    Symbol { position: usize, found: char },
    #[error(
        "校验码是「{found}」，应为「{expected}」 / check character is '{found}', the code requires '{expected}'"
    )]
    CheckCharacter { expected: char, found: char },
}

fn value_of(symbol: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == symbol).map(|v| v as u32)
}

/// The check character for the first 17 symbols (each must be in the alphabet).
pub fn check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (symbol, weight) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*symbol)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl Uscc {
    /// Normalises (upper case, spaces removed) and validates the check character strictly.
    /// Unknown registering-authority or category codes are accepted: the official table grows.
    ///
    /// ```
    /// use shuangsui::domain::{Uscc, UsccError};
    ///
    /// let code = Uscc::parse("91310000 631696382c").unwrap();
    /// assert_eq!(code.as_str(), "91310000631696382C");
    /// assert_eq!(code.category(), "91");
    /// assert_eq!(
    ///     Uscc::parse("91310000631696382D"),
    ///     Err(UsccError::CheckCharacter { expected: 'C', found: 'D' })
    /// );
    /// ```
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let normalised: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let count = normalised.chars().count();
        if count != 18 {
            return Err(UsccError::Length(count));
        }
        for (i, c) in normalised.chars().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(UsccError::Symbol {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let bytes = normalised.as_bytes();
        let expected = check_character(&bytes[..17]).expect("symbols checked above");
        let found = bytes[17] as char;
        if expected != found {
            return Err(UsccError::CheckCharacter { expected, found });
        }
        Ok(Uscc(normalised))
    }

    /// Completes 17 valid symbols with their check character (used by the generator).
    pub fn complete(first17: &str) -> Option<Uscc> {
        if first17.len() != 17 {
            return None;
        }
        let check = check_character(first17.as_bytes())?;
        Some(Uscc(format!("{first17}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Position 1: the registering authority (5 = 民政, 9 = 工商…).
    pub fn authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// Positions 1–2: authority and category (51 社会团体, 52 民办非企业单位, 53 基金会…).
    pub fn category(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_codes_parse() {
        for code in ["91310000631696382C", "91110108551385082Q"] {
            assert_eq!(Uscc::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn normalises_case_and_spaces() {
        let u = Uscc::parse(" 91310000 631696382c ").unwrap();
        assert_eq!(u.as_str(), "91310000631696382C");
        assert_eq!(u.category(), "91");
    }

    #[test]
    fn rejects_bad_codes_with_reasons() {
        assert_eq!(Uscc::parse("9131000063169638"), Err(UsccError::Length(16)));
        assert_eq!(
            Uscc::parse("91310000631696382D"),
            Err(UsccError::CheckCharacter {
                expected: 'C',
                found: 'D'
            })
        );
        assert!(matches!(
            Uscc::parse("9131000063169638IC"),
            Err(UsccError::Symbol {
                position: 17,
                found: 'I'
            })
        ));
        assert!(matches!(
            Uscc::parse("91310000631696382统"),
            Err(UsccError::Symbol { position: 18, .. })
        ));
    }

    proptest! {
        #[test]
        fn completed_codes_parse_and_any_single_change_is_caught(
            body in proptest::collection::vec(0usize..31, 17),
            pos in 0usize..18,
            delta in 1usize..31,
        ) {
            let first17: String = body.iter().map(|&v| ALPHABET[v] as char).collect();
            let code = Uscc::complete(&first17).unwrap();
            prop_assert_eq!(Uscc::parse(code.as_str()).unwrap(), code.clone());
            // Changing any one symbol to another valid symbol breaks the check (weights are
            // non-zero mod the prime 31, so a single substitution always changes the sum).
            let mut bytes = code.as_str().as_bytes().to_vec();
            let v = value_of(bytes[pos]).unwrap() as usize;
            bytes[pos] = ALPHABET[(v + delta) % 31];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Uscc::parse(&changed).is_err());
        }
    }
}
