//! The canonical bytes of the snapshots (DRAW-SPEC §2.3), serialised in chunks and never
//! kept whole: at 10^6 entities they are 190 MB, and holding them would cost more fresh
//! memory than serialising them again costs time. One pass both hashes them into their
//! digests and writes them (into a file, or into a comparison with a file read); two
//! threads serialise alternate chunks (`record_json`) while this one hashes and writes them
//! in order.

use std::io::Write;
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use super::record_json::RecordJson;
use super::{SnapshotDigest, SnapshotDigests, Snapshots};

/// Records per chunk (about 200 KiB of entity records).
const RECORDS_PER_CHUNK: usize = 1024;
/// Lists shorter than this are serialised on this thread.
const PIPELINE_FROM: usize = 10_000;
/// Threads that serialise chunks.
const SERIALISERS: usize = 2;

/// Serialises `records`, each followed by `\n` (the digest's form), into `chunk`.
fn serialise<T: RecordJson>(records: &[T], chunk: &mut Vec<u8>) {
    chunk.clear();
    for r in records {
        r.write_json(chunk);
        chunk.push(b'\n');
    }
}

/// Hashes a chunk in the digest's form, then writes it in the array's form. Raw newlines
/// occur nowhere else in canonical JSON, so the array's form is the same bytes with `,` for
/// `\n`, less the last one, after a `,` for every chunk but the first.
fn hash_and_write<W: Write>(
    chunk: &mut [u8],
    first: bool,
    hasher: &mut Sha256,
    w: &mut W,
) -> std::io::Result<()> {
    hasher.update(&*chunk);
    for b in chunk.iter_mut() {
        if *b == b'\n' {
            *b = b',';
        }
    }
    if !first {
        w.write_all(b",")?;
    }
    w.write_all(&chunk[..chunk.len() - 1])
}

/// Writes one list as a JSON array and returns its digest, in one pass.
fn write_list_hashing<T: RecordJson + Sync, W: Write>(
    records: &[T],
    w: &mut W,
) -> std::io::Result<SnapshotDigest> {
    let mut hasher = Sha256::new();
    let chunks: Vec<&[T]> = records.chunks(RECORDS_PER_CHUNK).collect();
    w.write_all(b"[")?;
    if records.len() < PIPELINE_FROM {
        let mut buffer = Vec::new();
        for (k, chunk) in chunks.iter().enumerate() {
            serialise(chunk, &mut buffer);
            hash_and_write(&mut buffer, k == 0, &mut hasher, w)?;
        }
    } else {
        std::thread::scope(|s| {
            // Serialiser `t` takes chunks t, t + SERIALISERS, …; buffers go back to it to be
            // refilled, so a handful are in use in all.
            let mut full = Vec::new();
            let mut empty = Vec::new();
            for t in 0..SERIALISERS {
                let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(2);
                let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
                full.push(full_rx);
                empty.push(empty_tx);
                let chunks = &chunks;
                s.spawn(move || {
                    for chunk in chunks.iter().skip(t).step_by(SERIALISERS) {
                        let mut buffer = empty_rx.try_recv().unwrap_or_default();
                        serialise(chunk, &mut buffer);
                        if full_tx.send(buffer).is_err() {
                            return; // the writer stopped on an error
                        }
                    }
                });
            }
            for k in 0..chunks.len() {
                let t = k % SERIALISERS;
                let mut buffer = full[t].recv().expect("a serialising thread");
                hash_and_write(&mut buffer, k == 0, &mut hasher, w)?;
                let _ = empty[t].send(buffer);
            }
            Ok::<(), std::io::Error>(())
        })?;
    }
    w.write_all(b"]")?;
    Ok(SnapshotDigest {
        count: records.len() as u64,
        sha256: hex::encode(hasher.finalize()),
    })
}

impl Snapshots {
    /// Writes the RFC 8785 form of the `snapshots` object and returns the digests, in one
    /// pass over the records.
    pub fn write_json_hashing<W: Write>(&self, w: &mut W) -> std::io::Result<SnapshotDigests> {
        w.write_all(b"{\"entities\":")?;
        let entities = write_list_hashing(&self.entities, w)?;
        w.write_all(b",\"history\":")?;
        let history = write_list_hashing(&self.history, w)?;
        // Version 5 on: the lists snapshot; a commitment of versions 1 to 4 has none.
        let lists = match &self.lists {
            Some(lists) => {
                w.write_all(b",\"lists\":")?;
                Some(write_list_hashing(lists, w)?)
            }
            None => None,
        };
        w.write_all(b",\"officers\":")?;
        let officers = write_list_hashing(&self.officers, w)?;
        w.write_all(b",\"recusals\":")?;
        let recusals = write_list_hashing(&self.recusals, w)?;
        w.write_all(b"}")?;
        Ok(SnapshotDigests {
            entities,
            history,
            lists,
            officers,
            recusals,
        })
    }

    /// The count and digest of every snapshot list.
    pub fn digests(&self) -> SnapshotDigests {
        self.write_json_hashing(&mut std::io::sink())
            .expect("writing nowhere does not fail")
    }

    /// Writes the RFC 8785 form of the `snapshots` object.
    pub fn write_json<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        self.write_json_hashing(w).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitment::RecusalRecord;

    fn recusals(n: usize) -> Vec<RecusalRecord> {
        (0..n)
            .map(|i| RecusalRecord {
                card_no: format!("T-{i:07}"),
                uscc: "52310115MJ0000000X".repeat(1 + i % 3),
            })
            .collect()
    }

    /// The digest as DRAW-SPEC §2.3 states it, computed the plain way.
    fn plain(records: &[RecusalRecord]) -> String {
        let mut bytes = Vec::new();
        for r in records {
            bytes.extend(serde_json::to_vec(r).unwrap());
            bytes.push(b'\n');
        }
        hex::encode(Sha256::digest(&bytes))
    }

    #[test]
    fn one_pass_writing_gives_the_same_bytes_and_digests() {
        // Below the pipeline threshold, at it, and over many chunks (a partial one last).
        for n in [
            0,
            1,
            7,
            RECORDS_PER_CHUNK,
            PIPELINE_FROM - 1,
            PIPELINE_FROM,
            40_321,
        ] {
            let records = recusals(n);
            let mut out = Vec::new();
            let d = write_list_hashing(&records, &mut out).unwrap();
            assert_eq!(out, serde_json::to_vec(&records).unwrap(), "{n} records");
            assert_eq!(d.sha256, plain(&records), "{n} records");
            assert_eq!(d.count, n as u64);
        }
    }

    /// Accepts `left` bytes, then fails, as a full disk does.
    struct FailingAfter {
        left: usize,
    }

    impl Write for FailingAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.left {
                return Err(std::io::Error::other("no space left"));
            }
            self.left -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_stops_the_serialising_threads_with_its_error() {
        let records = recusals(40_000);
        for left in [0, 1, 100_000, 1_000_000] {
            let err = write_list_hashing(&records, &mut FailingAfter { left }).unwrap_err();
            assert_eq!(err.to_string(), "no space left", "after {left} bytes");
        }
    }

    #[test]
    fn the_snapshots_object_is_written_as_serde_json_writes_it() {
        let snapshots = Snapshots {
            entities: Vec::new(),
            history: Vec::new(),
            lists: Some(Vec::new()),
            officers: Vec::new(),
            recusals: recusals(12_345),
        };
        let mut out = Vec::new();
        snapshots.write_json(&mut out).unwrap();
        assert_eq!(out, serde_json::to_vec(&snapshots).unwrap());
        assert_eq!(
            snapshots.digests().recusals.sha256,
            plain(&snapshots.recusals)
        );
    }
}
