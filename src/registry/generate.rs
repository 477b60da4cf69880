//! Synthetic directories of any size in the folder format (for tests and benchmarks).

use crate::domain::Directory;

pub struct GenerateSpec {
    pub entities: usize,
    pub officers: usize,
    pub seed: u64,
}

/// Placeholder until the generator lands.
pub fn generate(_spec: &GenerateSpec) -> Directory {
    Directory::default()
}
