//! Runs the independent Python verifier's test suite (`tests/python/`, standard library
//! only) so that `cargo test` proves the spec as well as the code. Skips, saying so, only
//! when no `python3` is installed.

use std::process::Command;

#[test]
fn the_python_verifier_agrees_with_the_spec_vectors_and_bundles() {
    let root = env!("CARGO_MANIFEST_DIR");
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        eprintln!("SKIPPED: python3 is not installed, the independent verifier did not run");
        return;
    }
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests/python"])
        .current_dir(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "Python verifier suite failed:\n{stderr}"
    );
    let ran: usize = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Ran ")?.split(' ').next()?.parse().ok())
        .unwrap_or(0);
    assert!(ran > 0, "the Python suite ran no test:\n{stderr}");
    assert!(stderr.contains("\nOK"), "no OK result line:\n{stderr}");
}
