//! The canonical bytes of the snapshots, made once and used twice: hashed into the digests
//! (DRAW-SPEC §2.3) and written into the commitment and bundle files. Records are serialised
//! on two threads; hashing, which is sequential by nature, follows on one.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{SnapshotDigest, SnapshotDigests, Snapshots};

/// The snapshots' digests and the RFC 8785 bytes of the `snapshots` object.
pub struct Encoded {
    pub digests: SnapshotDigests,
    pub json: Vec<u8>,
}

/// Serialises records one after the other; returns the bytes and where each record ends.
fn serialise<T: Serialize>(records: &[T]) -> (Vec<u8>, Vec<usize>) {
    let mut bytes = Vec::with_capacity(records.len() * 160);
    let mut ends = Vec::with_capacity(records.len());
    for r in records {
        serde_json::to_writer(&mut bytes, r).expect("records serialise");
        ends.push(bytes.len());
    }
    (bytes, ends)
}

/// Appends the JSON array of `records` to `out` and returns their digest.
fn list<T: Serialize + Sync>(records: &[T], out: &mut Vec<u8>) -> SnapshotDigest {
    let half = records.len() / 2;
    let parts = if records.len() < 10_000 {
        vec![serialise(records)]
    } else {
        let (a, b) = records.split_at(half);
        std::thread::scope(|s| {
            let second = s.spawn(|| serialise(b));
            let first = serialise(a);
            vec![first, second.join().expect("serialising thread")]
        })
    };
    let mut hasher = Sha256::new();
    out.push(b'[');
    let mut first = true;
    for (bytes, ends) in &parts {
        let mut start = 0;
        for &end in ends {
            let record = &bytes[start..end];
            hasher.update(record);
            hasher.update(b"\n");
            if !first {
                out.push(b',');
            }
            out.extend_from_slice(record);
            first = false;
            start = end;
        }
    }
    out.push(b']');
    SnapshotDigest {
        count: records.len() as u64,
        sha256: hex::encode(hasher.finalize()),
    }
}

impl Snapshots {
    /// Encodes every snapshot list (keys in RFC 8785 order) and computes its digest.
    pub fn encode(&self) -> Encoded {
        let mut json = Vec::new();
        json.extend_from_slice(b"{\"entities\":");
        let entities = list(&self.entities, &mut json);
        json.extend_from_slice(b",\"history\":");
        let history = list(&self.history, &mut json);
        json.extend_from_slice(b",\"officers\":");
        let officers = list(&self.officers, &mut json);
        json.extend_from_slice(b",\"recusals\":");
        let recusals = list(&self.recusals, &mut json);
        json.push(b'}');
        Encoded {
            digests: SnapshotDigests {
                entities,
                history,
                officers,
                recusals,
            },
            json,
        }
    }

    pub fn digests(&self) -> SnapshotDigests {
        self.encode().digests
    }
}
