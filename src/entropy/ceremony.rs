//! Ceremony entropy: digits rolled or drawn in public by named witnesses. Given on the
//! command line as `WITNESS=DIGITS,WITNESS=DIGITS` in any order; stored in declared order.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::{Entropy, EntropyError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contribution {
    pub digits: String,
    pub witness: String,
}

fn error(message: String) -> EntropyError {
    EntropyError::Ceremony(message)
}

/// Parses `王芳=3918207746,李强=0562283019` against the declared witnesses and digit count.
/// Every problem is reported at once.
pub fn parse(text: &str, witnesses: &[String], digits: u32) -> Result<Entropy, EntropyError> {
    let mut given: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    for part in text
        .split([',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.split_once('=') {
            Some((name, value)) => {
                let name: String = name.trim().nfc().collect();
                if given.iter().any(|(n, _)| *n == name) {
                    problems.push(format!("witness '{name}' is given twice"));
                } else {
                    given.push((name, value.trim().to_string()));
                }
            }
            None => problems.push(format!("'{part}' is not of the form WITNESS=DIGITS")),
        }
    }
    for (name, _) in &given {
        if !witnesses.contains(name) {
            problems.push(format!(
                "'{name}' is not a declared witness (declared: {})",
                witnesses.join(", ")
            ));
        }
    }
    let mut contributions = Vec::new();
    for w in witnesses {
        match given.iter().find(|(n, _)| n == w) {
            Some((_, value)) => contributions.push(Contribution {
                digits: value.clone(),
                witness: w.clone(),
            }),
            None => problems.push(format!("witness '{w}' gave no digits")),
        }
    }
    if problems.is_empty()
        && let Err(EntropyError::Ceremony(p)) = check(&contributions, witnesses, digits)
    {
        problems.push(p);
    }
    if problems.is_empty() {
        Ok(Entropy::Ceremony { contributions })
    } else {
        Err(error(problems.join("; ")))
    }
}

/// What is wrong with one witness's digits, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigitsProblem {
    /// Nothing given.
    Missing,
    /// Not only the ASCII digits 0-9.
    NotDigits,
    /// Digits, but `given` of them where the plan declares another count.
    Count { given: usize },
}

/// The one rule on a witness's contribution: exactly `digits` ASCII decimal digits.
pub fn problem(value: &str, digits: u32) -> Option<DigitsProblem> {
    if value.is_empty() {
        Some(DigitsProblem::Missing)
    } else if !value.bytes().all(|b| b.is_ascii_digit()) {
        Some(DigitsProblem::NotDigits)
    } else if value.len() != digits as usize {
        Some(DigitsProblem::Count { given: value.len() })
    } else {
        None
    }
}

/// The entropy text `parse` reads (the CLI's `--entropy`), from each witness's name and
/// digits: `王芳=3918207746,李强=0562283019`.
pub fn text<'a>(given: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    given
        .into_iter()
        .map(|(witness, digits)| format!("{witness}={digits}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Contributions must name the declared witnesses in declared order, each with exactly
/// `digits` ASCII decimal digits.
pub fn check(
    contributions: &[Contribution],
    witnesses: &[String],
    digits: u32,
) -> Result<(), EntropyError> {
    let names: Vec<&String> = contributions.iter().map(|c| &c.witness).collect();
    if names != witnesses.iter().collect::<Vec<_>>() {
        return Err(error(format!(
            "the contributions must come from the declared witnesses in declared order ({})",
            witnesses.join(", ")
        )));
    }
    let mut problems = Vec::new();
    for c in contributions {
        if problem(&c.digits, digits).is_some() {
            problems.push(format!(
                "witness '{}' must give exactly {digits} digits 0-9, gave '{}'",
                c.witness, c.digits
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(error(problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared() -> Vec<String> {
        vec!["王芳".into(), "李强".into()]
    }

    #[test]
    fn parses_in_any_order_and_stores_in_declared_order() {
        let e = parse("李强=0562283019, 王芳=3918207746", &declared(), 10).unwrap();
        let Entropy::Ceremony { contributions } = e else {
            panic!("ceremony expected")
        };
        assert_eq!(contributions[0].witness, "王芳");
        assert_eq!(contributions[1].digits, "0562283019");
    }

    #[test]
    fn reports_every_problem() {
        let err = parse("王芳=12345,张三=1111111111,王芳=1", &declared(), 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("given twice"), "{err}");
        assert!(err.contains("'张三' is not a declared witness"), "{err}");
        assert!(err.contains("witness '李强' gave no digits"), "{err}");
        let err = parse("王芳=12345,李强=abcdefghij", &declared(), 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'王芳' must give exactly 10 digits"), "{err}");
        assert!(err.contains("'李强' must give exactly 10 digits"), "{err}");
        assert!(parse("王芳", &declared(), 10).is_err());
    }

    #[test]
    fn a_text_made_from_the_digits_parses_back() {
        let t = text([("王芳", "3918207746"), ("李强", "0562283019")]);
        assert_eq!(t, "王芳=3918207746,李强=0562283019");
        assert!(parse(&t, &declared(), 10).is_ok());
        assert_eq!(problem("", 10), Some(DigitsProblem::Missing));
        assert_eq!(problem("12a", 10), Some(DigitsProblem::NotDigits));
        assert_eq!(problem("123", 10), Some(DigitsProblem::Count { given: 3 }));
        assert_eq!(problem("0123456789", 10), None);
    }
}
