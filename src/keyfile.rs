//! Key files: a secret written once (never over an existing file), readable by its owner
//! only (mode 0600), synced before it is reported written; read back without surrounding
//! whitespace. The one way the log's signing key (`app::journal`) and a witness's
//! cosigning key (`cli::witness`) are kept.

use std::io::Write;
use std::path::Path;

/// Writes `text` and a newline to a new file at `path`, mode 0600.
pub fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{text}")?;
    file.sync_all()
}

/// The text of the key file at `path`, trimmed.
pub fn read(path: &Path) -> std::io::Result<String> {
    Ok(std::fs::read_to_string(path)?.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_once_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        write_new(&path, "PRIVATE+KEY+x").unwrap();
        assert_eq!(read(&path).unwrap(), "PRIVATE+KEY+x");
        assert_eq!(
            write_new(&path, "other").unwrap_err().kind(),
            std::io::ErrorKind::AlreadyExists
        );
        assert_eq!(read(&path).unwrap(), "PRIVATE+KEY+x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
