//! Input files as bytes. Large files are memory-mapped rather than read into a buffer: the
//! directory and commitment files reach hundreds of megabytes, and a buffer that size is
//! fresh memory the kernel must zero before the copy (on the project's virtual machines
//! the larger part of a 10^6-entity run's time; docs/BENCHMARKS.md). Small files are read.

use std::fs::File;
use std::ops::Deref;
use std::path::Path;

/// Files below this size are read, not mapped.
const MAP_FROM_BYTES: u64 = 1 << 20;

/// The bytes of a file, mapped or read.
pub enum Mapped {
    Map(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Mapped::Map(m) => m,
            Mapped::Read(v) => v,
        }
    }
}

/// Reads the file at `path`, mapping it when it is large.
///
/// A mapped file must not be changed while it is read. Directory, commitment and bundle
/// files are inputs that nothing else writes during a command (outputs go to new files);
/// and everything taken from them is checked against the hashes it is committed to, so a
/// file changed underneath gives a refusal or a failed verification, never a silently
/// different draw. (A file truncated underneath ends the process with SIGBUS.)
pub fn read(path: &Path) -> std::io::Result<Mapped> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() < MAP_FROM_BYTES {
        return std::fs::read(path).map(Mapped::Read);
    }
    // SAFETY: a read-only private mapping of a regular file; the contract on changes while
    // mapped is stated above.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    Ok(Mapped::Map(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_files_read_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        for size in [0usize, 10, MAP_FROM_BYTES as usize + 7] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            let path = dir.path().join(format!("f{size}"));
            std::fs::write(&path, &bytes).unwrap();
            let got = read(&path).unwrap();
            assert_eq!(
                matches!(got, Mapped::Map(_)),
                size >= MAP_FROM_BYTES as usize
            );
            assert_eq!(&got[..], &bytes[..]);
        }
        assert!(read(&dir.path().join("missing")).is_err());
    }
}
