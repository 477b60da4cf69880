//! File helpers for the commands: all-or-nothing writes and JSON reads with clear errors.

use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;

/// Writes `bytes` to `path` all or nothing (temporary file, then rename). Refuses to replace
/// an existing file, so a commitment or bundle is never silently overwritten.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.exists() {
        return Err(format!(
            "{}: already exists; refusing to overwrite it",
            path.display()
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile_in(dir).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    let result = tmp
        .1
        .write_all(bytes)
        .and_then(|_| tmp.1.sync_all())
        .and_then(|_| std::fs::hard_link(&tmp.0, path))
        .map_err(|e| format!("{}: cannot write: {e}", path.display()));
    let _ = std::fs::remove_file(&tmp.0);
    result
}

fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    for n in 0..1000u32 {
        let candidate = dir.join(format!(".shuangsui-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => return Ok((candidate, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}

/// Reads and parses a JSON file; the error names the file and, for syntax, the position.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}
