//! Every problem of an imported file, printed one per line up to a limit.

use std::fmt;

use crate::registry::RowError;

/// At most this many problems are printed; the rest are counted.
pub const SHOWN: usize = 100;

/// All the problems found in one imported file, in line order (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<RowError>);

impl fmt::Display for ImportErrors {
    /// The first `SHOWN` problems, one per line as `file:line: column 'x': reason`; when
    /// there are more, a last line `… and N more problems (T in all)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() > SHOWN {
            let more = self.0.len() - SHOWN;
            write!(f, "\n… and {more} more problems ({} in all)", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: u64) -> RowError {
        RowError {
            file: "e.csv".into(),
            line,
            column: Some("uscc".into()),
            reason: "bad".into(),
        }
    }

    #[test]
    fn prints_at_most_a_hundred_then_counts() {
        let few = ImportErrors(vec![error(2), error(3)]);
        assert_eq!(
            few.to_string(),
            "e.csv:2: column 'uscc': bad\ne.csv:3: column 'uscc': bad"
        );
        let many = ImportErrors((2..=131).map(error).collect());
        let text = many.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), SHOWN + 1);
        assert_eq!(lines[SHOWN - 1], "e.csv:101: column 'uscc': bad");
        assert_eq!(lines[SHOWN], "… and 30 more problems (130 in all)");
    }
}
