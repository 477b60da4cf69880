//! The README's first command, `shuangsui sample`, reproduces the shipped sample commitments
//! and bundles under `registries/shanghai/bundles/` byte for byte, and each verifies.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn sample_reproduces_the_shipped_bundles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(root)
        .args(["sample", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Four bundles verified, then the database half: the exported bundle and the log.
    assert_eq!(stdout.matches("PASS").count(), 6, "{stdout}");
    assert!(stdout.contains("PASS: bundle re-derived;"), "{stdout}");
    assert!(stdout.contains("PASS log:"), "{stdout}");
    let shipped = root.join("registries/shanghai/bundles");
    let mut compared = 0;
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let made = std::fs::read(out.path().join(name)).unwrap();
        assert!(
            made == std::fs::read(&path).unwrap(),
            "{} differs from the sample's output",
            path.display()
        );
        compared += 1;
    }
    assert_eq!(compared, 8, "four commitments and four bundles are shipped");
}
