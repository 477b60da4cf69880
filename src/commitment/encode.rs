//! The canonical bytes of the snapshots, made once and used twice: hashed into the digests
//! (DRAW-SPEC §2.3) and written into the commitment and bundle files. Records are serialised
//! on two threads (by `record_json`); hashing, which is sequential by nature, follows on one. The bytes are
//! written straight to the output, never assembled into one more copy in memory.

use std::io::Write;

use sha2::{Digest, Sha256};

use super::record_json::RecordJson;
use super::{SnapshotDigest, SnapshotDigests, Snapshots};

/// The snapshots' digests and their records' canonical bytes, ready to be written.
pub struct Encoded {
    pub digests: SnapshotDigests,
    /// Per list (entities, history, officers, recusals): the serialised parts, each with
    /// the offsets where its records end.
    lists: [Vec<Part>; 4],
}

type Part = (Vec<u8>, Vec<usize>);

/// Serialises records one after the other; returns the bytes and where each record ends.
fn serialise<T: RecordJson>(records: &[T]) -> Part {
    // Generous capacity: untouched capacity costs no memory, a reallocation costs a copy.
    let mut bytes = Vec::with_capacity(records.len() * 256 + 64);
    let mut ends = Vec::with_capacity(records.len());
    for r in records {
        r.write_json(&mut bytes);
        ends.push(bytes.len());
    }
    (bytes, ends)
}

/// Serialises `records` (on two threads when there are many) and computes their digest.
fn list<T: RecordJson + Sync>(records: &[T]) -> (SnapshotDigest, Vec<Part>) {
    let parts = if records.len() < 10_000 {
        vec![serialise(records)]
    } else {
        let (a, b) = records.split_at(records.len() / 2);
        std::thread::scope(|s| {
            let second = s.spawn(|| serialise(b));
            let first = serialise(a);
            vec![first, second.join().expect("serialising thread")]
        })
    };
    let mut hasher = Sha256::new();
    for (bytes, ends) in &parts {
        let mut start = 0;
        for &end in ends {
            hasher.update(&bytes[start..end]);
            hasher.update(b"\n");
            start = end;
        }
    }
    let digest = SnapshotDigest {
        count: records.len() as u64,
        sha256: hex::encode(hasher.finalize()),
    };
    (digest, parts)
}

/// Writes one list as a JSON array.
fn write_list<W: Write>(parts: &[Part], w: &mut W) -> std::io::Result<()> {
    w.write_all(b"[")?;
    let mut first = true;
    for (bytes, ends) in parts {
        let mut start = 0;
        for &end in ends {
            if !first {
                w.write_all(b",")?;
            }
            w.write_all(&bytes[start..end])?;
            first = false;
            start = end;
        }
    }
    w.write_all(b"]")
}

impl Encoded {
    /// Writes the RFC 8785 form of the `snapshots` object.
    pub fn write_json<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        for (i, name) in ["entities", "history", "officers", "recusals"]
            .iter()
            .enumerate()
        {
            let open = if i == 0 { "{" } else { "," };
            write!(w, "{open}\"{name}\":")?;
            write_list(&self.lists[i], w)?;
        }
        w.write_all(b"}")
    }
}

impl Snapshots {
    /// Encodes every snapshot list and computes its digest.
    pub fn encode(&self) -> Encoded {
        let (entities, e) = list(&self.entities);
        let (history, h) = list(&self.history);
        let (officers, o) = list(&self.officers);
        let (recusals, r) = list(&self.recusals);
        Encoded {
            digests: SnapshotDigests {
                entities,
                history,
                officers,
                recusals,
            },
            lists: [e, h, o, r],
        }
    }
}
