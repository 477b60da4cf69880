//! The witness's state folder: for each log, one file named by its [`super::origin_hash`]
//! holding the record of the checkpoint last cosigned (`decide::Cosigned::record`).
//!
//! A file is replaced atomically and durably: a temporary file in the folder, written and
//! fsynced, renamed over the old one, then the folder fsynced, so that after a crash the
//! file is the old record or the new one, and once [`StateDir::replace`] returns the new one
//! survives a power cut. A `lock` file held with `flock` keeps a second witness process off
//! the folder (two processes would each serialise requests, but not with each other).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::origin_hash;

/// Where a witness keeps its records: a [`StateDir`] (or, in tests, one that fails).
pub trait Records: Send + Sync + std::fmt::Debug {
    /// The record of `origin`, or `None` if the witness never cosigned for it.
    fn read(&self, origin: &str) -> Result<Option<String>, String>;
    /// Replaces the record of `origin` with `text`; returns once it would survive a crash.
    fn replace(&self, origin: &str, text: &str) -> Result<(), String>;
}

/// An open state folder, locked for this process.
#[derive(Debug)]
pub struct StateDir {
    dir: PathBuf,
    /// Held open: the `flock` lasts as long as the file.
    _lock: File,
}

impl StateDir {
    /// Opens (creating it, mode 0700) the folder `dir` and locks it; fails if another
    /// process holds it.
    pub fn open(dir: &Path) -> Result<StateDir, String> {
        let failed = |e: std::io::Error| format!("{}：{e}", dir.display());
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(failed)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .map_err(failed)?;
        lock_exclusively(&lock).map_err(|e| {
            format!(
                "{}：另一个见证人进程正在使用此状态目录（{e}）",
                dir.display()
            )
        })?;
        Ok(StateDir {
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The file of the log `origin`.
    pub fn file(&self, origin: &str) -> PathBuf {
        self.dir.join(origin_hash(origin))
    }
}

impl Records for StateDir {
    fn read(&self, origin: &str) -> Result<Option<String>, String> {
        let path = self.file(origin);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}：{e}", path.display())),
        }
    }

    /// Durably, as the module's doc says.
    fn replace(&self, origin: &str, text: &str) -> Result<(), String> {
        let path = self.file(origin);
        let failed = |e: std::io::Error| format!("{}：无法写入：{e}", path.display());
        let mut tmp = tempfile::Builder::new()
            .prefix(".record-")
            .tempfile_in(&self.dir)
            .map_err(failed)?;
        tmp.write_all(text.as_bytes()).map_err(failed)?;
        tmp.as_file().sync_all().map_err(failed)?;
        tmp.persist(&path).map_err(|e| failed(e.error))?;
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(failed)
    }
}

#[cfg(unix)]
fn lock_exclusively(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain system call on an open descriptor; the lock is released when it closes.
    let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn lock_exclusively(_file: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_replaced_whole_and_nothing_else_is_left_in_the_folder() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state");
        let state = StateDir::open(&dir).unwrap();
        assert_eq!(state.read("log.example/a").unwrap(), None);
        state.replace("log.example/a", "first\n").unwrap();
        state.replace("log.example/a", "second\n").unwrap();
        state.replace("log.example/b", "other\n").unwrap();
        assert_eq!(
            state.read("log.example/a").unwrap().as_deref(),
            Some("second\n")
        );
        assert_eq!(
            state.read("log.example/b").unwrap().as_deref(),
            Some("other\n")
        );
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let mut expected = vec![
            "lock".to_string(),
            origin_hash("log.example/a"),
            origin_hash("log.example/b"),
        ];
        expected.sort();
        assert_eq!(names, expected);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[test]
    fn a_second_process_cannot_open_a_folder_in_use() {
        let root = tempfile::tempdir().unwrap();
        let state = StateDir::open(root.path()).unwrap();
        // flock locks belong to the open file description: a second open in this process
        // conflicts as another process's would.
        let e = StateDir::open(root.path()).unwrap_err();
        assert!(e.contains("另一个见证人进程"), "{e}");
        drop(state);
        assert!(StateDir::open(root.path()).is_ok());
    }

    #[test]
    fn a_failed_replace_keeps_the_old_record_and_says_why() {
        let root = tempfile::tempdir().unwrap();
        let state = StateDir::open(root.path()).unwrap();
        state.replace("log.example/a", "kept\n").unwrap();
        // A directory where the file goes: the rename fails.
        std::fs::create_dir(state.file("log.example/b")).unwrap();
        std::fs::write(state.file("log.example/b").join("x"), "").unwrap();
        let e = state.replace("log.example/b", "lost\n").unwrap_err();
        assert!(e.contains("无法写入"), "{e}");
        assert_eq!(
            state.read("log.example/a").unwrap().as_deref(),
            Some("kept\n")
        );
    }
}
