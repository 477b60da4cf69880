//! File helpers for the commands: all-or-nothing writes and JSON reads with clear errors.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::commitment::{self, parse::WithEntities};
use crate::mapped::Mapped;

/// Writes `path` all or nothing (temporary file, synced, then linked into place), with
/// `write` producing the content. Refuses to replace an existing file, so a commitment or
/// bundle is never silently overwritten.
pub fn write_new(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), String> {
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
    let (tmp, file) =
        tempfile_in(dir).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let result = write(&mut out)
        .and_then(|_| out.into_inner().map_err(|e| e.into_error()))
        .and_then(|file| file.sync_all())
        .and_then(|_| std::fs::hard_link(&tmp, path))
        .map_err(|e| format!("{}: cannot write: {e}", path.display()));
    let _ = std::fs::remove_file(&tmp);
    result
}

fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, File)> {
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

/// Reads and parses a commitment or bundle file; the error names the file and, for syntax,
/// the position.
pub fn read_json<T: WithEntities>(path: &Path) -> Result<T, String> {
    read_json_keeping(path).map(|(value, _)| value)
}

/// As `read_json`, also returning the file's bytes.
pub fn read_json_keeping<T: WithEntities>(path: &Path) -> Result<(T, Mapped), String> {
    let bytes =
        crate::mapped::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let value =
        commitment::parse::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((value, bytes))
}
