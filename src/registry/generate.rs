//! Synthetic directories of any size in the folder format (for tests and benchmarks).
