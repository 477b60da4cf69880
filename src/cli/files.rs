//! File helpers for the commands: all-or-nothing writes and JSON reads with clear errors.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use crate::commitment::{self, parse::WithEntities};
use crate::mapped::Mapped;

/// Writes `path` all or nothing (temporary file, synced, then linked into place), with
/// `write` producing the content. Refuses to replace an existing file, so a commitment or
/// bundle is never silently overwritten.
pub fn write_new(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<WriteBehind>) -> std::io::Result<()>,
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
    let mut out = BufWriter::with_capacity(1 << 20, WriteBehind::new(file));
    let result = write(&mut out)
        .and_then(|_| out.into_inner().map_err(|e| e.into_error()))
        .and_then(|file| file.file.sync_all())
        .and_then(|_| std::fs::hard_link(&tmp, path))
        .map_err(|e| format!("{}: cannot write: {e}", path.display()));
    let _ = std::fs::remove_file(&tmp);
    result
}

/// A file whose written data the kernel starts to send to disk every few megabytes, so that
/// the final `fsync` of a 190 MB commitment or bundle has little left to wait for.
pub struct WriteBehind {
    file: File,
    /// Where the next write goes.
    written: u64,
    /// Where the data not yet handed to write-back starts.
    started: u64,
}

/// Bytes written between two starts of write-back.
const WRITE_BEHIND: u64 = 8 << 20;

impl WriteBehind {
    fn new(file: File) -> WriteBehind {
        WriteBehind {
            file,
            written: 0,
            started: 0,
        }
    }

    /// Asks the kernel to start writing `[started, written)` to disk, without waiting.
    #[cfg(target_os = "linux")]
    fn start_write_back(&mut self) {
        use std::os::fd::AsRawFd;
        let (offset, len) = (self.started, self.written - self.started);
        // SAFETY: a plain system call on an open file descriptor with integer arguments; a
        // failure only means the final fsync does all the work, so its result is ignored.
        unsafe {
            libc::sync_file_range(
                self.file.as_raw_fd(),
                offset as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
        self.started = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn start_write_back(&mut self) {}
}

impl Write for WriteBehind {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= WRITE_BEHIND {
            self.start_write_back();
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Seek for WriteBehind {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        // `Unhashed::write_hashing` seeks to rewrite the header at the start and comes back
        // to the end: what was written before the seek is handed over first.
        if self.written > self.started {
            self.start_write_back();
        }
        let at = self.file.seek(pos)?;
        self.written = at;
        self.started = at;
        Ok(at)
    }
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

/// As `read_json`, also returning the file's bytes.
pub fn read_json_keeping<T: WithEntities>(path: &Path) -> Result<(T, Mapped), String> {
    let bytes =
        crate::mapped::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let value =
        commitment::parse::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((value, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_behind_files_hold_exactly_what_was_written_with_a_seek_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        // More than two write-back steps, then the start rewritten, as a commitment is.
        let body: Vec<u8> = (0..(2 * WRITE_BEHIND as usize + 12345))
            .map(|i| b'a' + (i % 26) as u8)
            .collect();
        write_new(&path, |w| {
            w.write_all(b"HEADER")?;
            w.write_all(&body)?;
            let end = w.stream_position()?;
            w.seek(SeekFrom::Start(0))?;
            w.write_all(b"header")?;
            w.seek(SeekFrom::Start(end))?;
            w.write_all(b"END")
        })
        .unwrap();
        let mut expected = b"header".to_vec();
        expected.extend_from_slice(&body);
        expected.extend_from_slice(b"END");
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        // Never over an existing file; no temporary file left behind.
        assert!(write_new(&path, |w| w.write_all(b"x")).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
