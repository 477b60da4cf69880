//! A problem found in a directory file, located by file, line and column.

use std::fmt;

/// One bad field or row. `line` is 1-based and counts the header line; 0 means the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(
                f,
                "{}:{}: column '{}': {}",
                self.file, self.line, column, self.reason
            ),
            None if self.line == 0 => write!(f, "{}: {}", self.file, self.reason),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.reason),
        }
    }
}

/// All the problems of a directory, in file then line order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the directory files, first: {}", .0.len(), .0.first().map(|e| e.to_string()).unwrap_or_default())]
pub struct DirectoryErrors(pub Vec<RowError>);
