//! Uploads held between their preview and the corps' confirmation: the spooled file (under
//! the server's upload folder, deleted when dropped), whose it is, what it was previewed as,
//! and the snapshot it was compared with. Each is found by a fresh random id, only by the
//! person who uploaded it, for `TTL`; a person holds at most `PER_PERSON` (the oldest goes).
//! Taking one removes it, so an id confirms at most once. In memory: a restart forgets them,
//! and the corps uploads again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::import::{Encoding, Kind};

/// How long an upload is held after its preview.
pub const TTL: Duration = Duration::from_secs(30 * 60);

/// How many uploads one person may hold at once.
pub const PER_PERSON: usize = 4;

/// One upload held: the file and what its confirmation needs.
#[derive(Debug)]
pub struct HeldUpload {
    pub file: tempfile::NamedTempFile,
    pub user: i64,
    pub kind: Kind,
    pub file_name: String,
    pub encoding: Encoding,
    /// The current snapshot of `kind` the preview compared with (none: the first import).
    pub seen: Option<i64>,
    pub at: Instant,
}

/// The uploads held, by id.
#[derive(Debug, Default)]
pub struct Held {
    uploads: Mutex<HashMap<String, HeldUpload>>,
}

impl Held {
    /// Holds `upload` under a fresh random id (`None` without randomness), forgetting uploads
    /// past `TTL` and, past `PER_PERSON`, the person's oldest.
    pub fn hold(&self, upload: HeldUpload) -> Option<String> {
        let id = super::session::fresh_token()?;
        let mut all = self.lock();
        expire(&mut all, upload.at);
        let mut mine: Vec<(Instant, String)> = all
            .iter()
            .filter(|(_, h)| h.user == upload.user)
            .map(|(id, h)| (h.at, id.clone()))
            .collect();
        mine.sort();
        let over = (mine.len() + 1).saturating_sub(PER_PERSON);
        for (_, old) in mine.into_iter().take(over) {
            all.remove(&old);
        }
        all.insert(id.clone(), upload);
        Some(id)
    }

    /// Removes and returns upload `id` if `user` holds it and it has not expired at `now`;
    /// another person's upload stays where it is.
    pub fn take(&self, id: &str, user: i64, now: Instant) -> Option<HeldUpload> {
        let mut all = self.lock();
        expire(&mut all, now);
        if all.get(id)?.user != user {
            return None;
        }
        all.remove(id)
    }

    /// How many uploads are held (for tests).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HeldUpload>> {
        // A panic while holding the lock leaves a map that is still whole.
        self.uploads.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Drops (and so deletes) every upload held longer than `TTL` at `now`.
fn expire(all: &mut HashMap<String, HeldUpload>, now: Instant) {
    all.retain(|_, h| now.saturating_duration_since(h.at) < TTL);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(dir: &std::path::Path, user: i64, at: Instant) -> HeldUpload {
        HeldUpload {
            file: tempfile::NamedTempFile::new_in(dir).unwrap(),
            user,
            kind: Kind::Entities,
            file_name: "entities.csv".into(),
            encoding: Encoding::Auto,
            seen: Some(1),
            at,
        }
    }

    #[test]
    fn an_upload_is_taken_once_only_by_its_person_and_only_in_time() {
        let dir = tempfile::tempdir().unwrap();
        let held = Held::default();
        let t0 = Instant::now();
        let id = held.hold(upload(dir.path(), 7, t0)).unwrap();
        assert!(held.take(&id, 8, t0).is_none(), "another person");
        let taken = held.take(&id, 7, t0).expect("its person");
        assert_eq!(taken.seen, Some(1));
        assert!(held.take(&id, 7, t0).is_none(), "taken once");

        let id = held.hold(upload(dir.path(), 7, t0)).unwrap();
        assert!(held.take(&id, 7, t0 + TTL).is_none(), "expired");
        assert!(held.is_empty());
        drop(taken);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "files deleted"
        );
    }

    #[test]
    fn a_person_holds_at_most_a_few_and_the_oldest_goes() {
        let dir = tempfile::tempdir().unwrap();
        let held = Held::default();
        let t0 = Instant::now();
        let ids: Vec<String> = (0..PER_PERSON + 1)
            .map(|i| {
                let at = t0 + Duration::from_secs(i as u64);
                held.hold(upload(dir.path(), 7, at)).unwrap()
            })
            .collect();
        held.hold(upload(dir.path(), 8, t0)).unwrap();
        assert_eq!(held.len(), PER_PERSON + 1);
        let later = t0 + Duration::from_secs(10);
        assert!(held.take(&ids[0], 7, later).is_none(), "the oldest went");
        assert!(held.take(&ids[PER_PERSON], 7, later).is_some());
        assert_ne!(ids[1], ids[2], "fresh ids");
    }
}
