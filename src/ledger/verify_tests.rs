//! Tests of `verify`: an honest log passes; each kind of tampering names the right entry or
//! checkpoint.

use serde_json::json;

use super::checkpoint::Checkpoint;
use super::entry;
use super::note::LogKey;
use super::tree::{self, Tree};
use super::verify::{LogFault, StoredEntry, verify_log};

const ORIGIN: &str = "shuangsui.example/log";

struct Log {
    key: LogKey,
    entries: Vec<StoredEntry>,
    notes: Vec<String>,
}

fn stored(seq: u64, note: &str) -> StoredEntry {
    let event = json!({ "note": note, "n": seq });
    let bytes = entry::encode(seq, "2025-03-01T08:30:00Z", "test.event", &event).unwrap();
    let leaf_hash = tree::leaf_hash(&bytes).to_vec();
    StoredEntry {
        seq,
        bytes,
        leaf_hash,
        opening: None,
    }
}

fn sign(key: &LogKey, entries: &[StoredEntry], size: u64) -> String {
    let tree = Tree::from_entries(entries.iter().map(|e| e.bytes.as_slice()));
    Checkpoint {
        origin: ORIGIN.into(),
        size,
        root: tree.root_at(size).unwrap(),
    }
    .sign(key)
}

/// Ten entries, checkpoints at sizes 2, 5, 5, 7, 8 and 10.
fn log() -> Log {
    let key = LogKey::generate(ORIGIN).unwrap();
    let entries: Vec<StoredEntry> = (0..10).map(|i| stored(i, "original")).collect();
    let notes = [2, 5, 5, 7, 8, 10]
        .iter()
        .map(|&s| sign(&key, &entries, s))
        .collect();
    Log {
        key,
        entries,
        notes,
    }
}

impl Log {
    fn verify(&self) -> Result<super::verify::Summary, LogFault> {
        verify_log(&self.entries, &self.notes, &self.key.verifier())
    }
}

fn at(fault: LogFault) -> (Option<u64>, Option<usize>) {
    (fault.entry, fault.checkpoint)
}

#[test]
fn an_honest_log_verifies() {
    let log = log();
    let summary = log.verify().unwrap();
    assert_eq!(summary.entries, 10);
    assert_eq!(summary.checkpoints, 6);
    assert_eq!(summary.size, 10);
    let tree = Tree::from_entries(log.entries.iter().map(|e| e.bytes.as_slice()));
    assert_eq!(summary.root, tree.root());
    // Entries after the newest checkpoint are checked too, but not covered.
    let mut longer = log;
    longer.entries.push(stored(10, "late"));
    let summary = longer.verify().unwrap();
    assert_eq!((summary.entries, summary.size), (11, 10));
    longer.entries[10].bytes[3] ^= 1;
    assert_eq!(at(longer.verify().unwrap_err()), (Some(10), None));
    // The empty log.
    let empty: Vec<String> = vec![];
    let summary = verify_log(&[], &empty, &longer.key.verifier()).unwrap();
    assert_eq!(
        (summary.entries, summary.size, summary.root),
        (0, 0, tree::empty_root())
    );
}

#[test]
fn a_changed_byte_names_the_entry() {
    for position in [0, 3, 9] {
        let mut log = log();
        let bytes = &mut log.entries[position].bytes;
        let i = bytes.windows(8).position(|w| w == b"original").unwrap();
        bytes[i] = b'O'; // still canonical JSON: only the leaf hash shows it
        let fault = log.verify().unwrap_err();
        assert_eq!(at(fault.clone()), (Some(position as u64), None), "{fault}");
        assert!(fault.reason.contains("leaf hash"), "{fault}");
        let mut log = self::log();
        log.entries[position].bytes.insert(1, b' '); // no longer canonical
        assert_eq!(at(log.verify().unwrap_err()), (Some(position as u64), None));
        let mut log = self::log();
        log.entries[position].leaf_hash[0] ^= 1;
        assert_eq!(at(log.verify().unwrap_err()), (Some(position as u64), None));
        log.entries[position].leaf_hash.pop();
        assert_eq!(at(log.verify().unwrap_err()), (Some(position as u64), None));
    }
}

#[test]
fn reordered_entries_name_the_first_moved() {
    // The rows keep their seq column, the contents swap.
    let mut log = log();
    let (a, b) = (log.entries[3].clone(), log.entries[4].clone());
    log.entries[3] = StoredEntry { seq: 3, ..b };
    log.entries[4] = StoredEntry { seq: 4, ..a };
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (Some(3), None));
    assert!(fault.reason.contains("says seq 4"), "{fault}");
    // Whole rows swapped.
    let mut log = self::log();
    log.entries.swap(6, 7);
    assert_eq!(at(log.verify().unwrap_err()), (Some(6), None));
}

#[test]
fn a_removed_entry_is_named() {
    let mut log = log();
    log.entries.remove(4);
    assert_eq!(at(log.verify().unwrap_err()), (Some(4), None));
    // The last one: the newest checkpoint signs more than is stored.
    let mut log = self::log();
    log.entries.pop();
    assert_eq!(at(log.verify().unwrap_err()), (Some(9), Some(5)));
    // Removed and the rest renumbered consistently (seq, bytes and leaf hashes rewritten):
    // the first checkpoint past the removal bounds it.
    let mut log = self::log();
    log.entries.remove(5);
    for e in &mut log.entries[5..] {
        let event = json!({ "note": "original", "n": e.seq });
        e.seq -= 1;
        e.bytes = entry::encode(e.seq, "2025-03-01T08:30:00Z", "test.event", &event).unwrap();
        e.leaf_hash = tree::leaf_hash(&e.bytes).to_vec();
    }
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (None, Some(3)), "{fault}");
    assert!(fault.reason.contains("entries 5..=6"), "{fault}");
}

#[test]
fn entries_rewritten_with_their_leaf_hash_are_bounded_by_checkpoints() {
    // Entry 7 alone lies between the checkpoints of size 7 and 8: it is named.
    let mut log = log();
    log.entries[7] = stored(7, "rewritten");
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (Some(7), Some(4)), "{fault}");
    // Entry 5 lies in 5..=6 (checkpoints of size 5 and 7): the range is named.
    let mut log = self::log();
    log.entries[5] = stored(5, "rewritten");
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (None, Some(3)));
    assert!(fault.reason.contains("entries 5..=6"), "{fault}");
    // Entry 0, before the first checkpoint (size 2).
    let mut log = self::log();
    log.entries[0] = stored(0, "rewritten");
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (None, Some(0)));
    assert!(fault.reason.contains("entries 0..=1"), "{fault}");
}

#[test]
fn checkpoint_tampering_names_the_checkpoint() {
    // A forged signature.
    let mut log = log();
    let (body, sig) = log.notes[3].rsplit_once(' ').unwrap();
    let mut sig = sig.as_bytes().to_vec();
    sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
    log.notes[3] = format!("{body} {}", String::from_utf8(sig).unwrap());
    assert_eq!(at(log.verify().unwrap_err()), (None, Some(3)));
    // The root changed in the body (the signature no longer matches).
    let mut log = self::log();
    let text = log.notes[2].clone();
    let root_line = text.lines().nth(2).unwrap();
    let other = Checkpoint::parse_body(&format!("{ORIGIN}\n1\n{root_line}\n")).unwrap();
    let mut changed = other.root;
    changed[0] ^= 1;
    let changed_line = base64_root(&changed);
    log.notes[2] = text.replacen(root_line, &changed_line, 1);
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (None, Some(2)), "{fault}");
    // Signed by another key, of the same name or another.
    for name in [ORIGIN, "other"] {
        let mut log = self::log();
        let stranger = LogKey::generate(name).unwrap();
        log.notes[4] = sign(&stranger, &log.entries, 8);
        let fault = log.verify().unwrap_err();
        assert_eq!(at(fault.clone()), (None, Some(4)), "{fault}");
        assert!(fault.reason.contains("no signature"), "{fault}");
    }
    // Validly signed, but the root of another tree of the same size.
    let mut log = self::log();
    let mut other = log.entries.clone();
    other[2] = stored(2, "forked");
    log.notes[2] = sign(&log.key, &other, 5);
    let fault = log.verify().unwrap_err();
    assert_eq!(at(fault.clone()), (None, Some(2)), "{fault}");
}

#[test]
fn checkpoint_order_and_origin_are_checked() {
    let mut log = log();
    log.notes.swap(3, 4);
    assert_eq!(at(log.verify().unwrap_err()), (None, Some(4)));
    let mut log = self::log();
    let tree = Tree::from_entries(log.entries.iter().map(|e| e.bytes.as_slice()));
    log.notes[1] = Checkpoint {
        origin: "another.example/log".into(),
        size: 5,
        root: tree.root_at(5).unwrap(),
    }
    .sign(&log.key);
    assert_eq!(at(log.verify().unwrap_err()), (None, Some(1)));
    let mut log = self::log();
    log.notes[5] = "not a note".into();
    assert_eq!(at(log.verify().unwrap_err()), (None, Some(5)));
}

fn base64_root(root: &[u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(root)
}
