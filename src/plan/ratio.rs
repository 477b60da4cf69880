//! Exact sampling ratios: a fraction of integers, never a float.
//! Written `"3/100"`, `"3%"` or `"30‰"` in a plan; always stored as `"n/d"`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// numerator / denominator, with 0 < numerator <= denominator <= 1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

pub const MAX_DENOMINATOR: u64 = 1_000_000;

impl Ratio {
    pub fn parse(text: &str) -> Result<Ratio, String> {
        let t = text.trim();
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("ratio '{t}': '{}' is not a whole number", s.trim()))
        };
        let (numerator, denominator) = if let Some(p) = t.strip_suffix('%') {
            (number(p)?, 100)
        } else if let Some(p) = t.strip_suffix('‰') {
            (number(p)?, 1000)
        } else if let Some((n, d)) = t.split_once('/') {
            (number(n)?, number(d)?)
        } else {
            return Err(format!(
                "ratio '{t}' must be written as a fraction \"n/d\", a percentage \"n%\" or a per-mille \"n‰\""
            ));
        };
        if denominator == 0 || denominator > MAX_DENOMINATOR {
            return Err(format!(
                "ratio '{t}': the denominator must be between 1 and {MAX_DENOMINATOR}"
            ));
        }
        if numerator == 0 || numerator > denominator {
            return Err(format!("ratio '{t}' must be more than 0 and at most 1"));
        }
        Ok(Ratio {
            numerator,
            denominator,
        })
    }

    /// ⌈population × numerator / denominator⌉, exact (the rounding rule of DRAW-SPEC §5).
    ///
    /// ```
    /// use shuangsui::plan::Ratio;
    ///
    /// let three_percent = Ratio::parse("3%").unwrap();
    /// assert_eq!(three_percent.to_string(), "3/100");
    /// assert_eq!(three_percent.ceil_of(101), 4); // 3.03 rounds up
    /// assert_eq!(three_percent.ceil_of(1), 1); // never 0 for a non-empty stratum
    /// assert!(Ratio::parse("0.03").is_err()); // no floats
    /// ```
    pub fn ceil_of(self, population: u64) -> u64 {
        let product = u128::from(population) * u128::from(self.numerator);
        product.div_ceil(u128::from(self.denominator)) as u64
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl TryFrom<String> for Ratio {
    type Error = String;
    /// In a plan file any spelling is accepted; in a commitment (JSON) only the canonical
    /// `"n/d"`, so that a committed plan has exactly one byte form (DRAW-SPEC §3).
    fn try_from(value: String) -> Result<Ratio, String> {
        let ratio = Ratio::parse(&value)?;
        if !super::lenient() && ratio.to_string() != value {
            return Err(format!(
                "ratio '{value}' is not in the canonical form '{ratio}'"
            ));
        }
        Ok(ratio)
    }
}

impl From<Ratio> for String {
    fn from(r: Ratio) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_spellings() {
        assert_eq!(Ratio::parse("3/100").unwrap().to_string(), "3/100");
        assert_eq!(Ratio::parse("3%").unwrap().to_string(), "3/100");
        assert_eq!(Ratio::parse("30‰").unwrap().to_string(), "30/1000");
        for bad in ["0.03", "0/5", "6/5", "1/0", "x%", "1/2000000"] {
            assert!(Ratio::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rounds_up_and_never_below_one_for_a_non_empty_stratum() {
        let r = Ratio::parse("3/100").unwrap();
        assert_eq!(r.ceil_of(0), 0);
        assert_eq!(r.ceil_of(1), 1);
        assert_eq!(r.ceil_of(100), 3);
        assert_eq!(r.ceil_of(101), 4);
    }

    proptest! {
        #[test]
        fn ceil_is_the_smallest_integer_at_or_above_the_exact_product(
            pop in 0u64..10_000_000, n in 1u64..1000, extra in 0u64..1000
        ) {
            let r = Ratio { numerator: n, denominator: n + extra };
            let size = r.ceil_of(pop);
            let exact = u128::from(pop) * u128::from(r.numerator);
            let d = u128::from(r.denominator);
            prop_assert!(u128::from(size) * d >= exact);
            prop_assert!(size == 0 || u128::from(size - 1) * d < exact);
            prop_assert!(size <= pop);
        }
    }
}
