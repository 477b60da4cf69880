//! Command-line adapter: parses flags, calls the library, prints results. No draw logic here.

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    0
}
