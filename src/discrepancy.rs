//! A discrepancy: the first place where a commitment or bundle does not match what the
//! specification derives from it. `path` names the field, JSON-pointer style.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Discrepancy {
    pub path: String,
    pub message: String,
}

impl Discrepancy {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Discrepancy {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Checks equality of a recomputed value with the one found.
    pub fn expect_eq<T: PartialEq + fmt::Debug>(
        path: impl Into<String>,
        expected: &T,
        found: &T,
    ) -> Result<(), Discrepancy> {
        if expected == found {
            Ok(())
        } else {
            Err(Discrepancy::new(
                path,
                format!("expected {expected:?}, found {found:?}"),
            ))
        }
    }
}

impl fmt::Display for Discrepancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
