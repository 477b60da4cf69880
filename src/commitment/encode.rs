//! The canonical bytes of the snapshots (DRAW-SPEC §2.3), made twice rather than kept: once
//! to hash them into the digests, once to write them into the commitment or bundle file. At
//! 10^6 entities they are 190 MB; serialising them again (`record_json`) costs less than the
//! fresh memory that keeping them would take, and nothing larger than a small chunk is ever
//! held. While hashing, one thread serialises chunks and another hashes them.

use std::io::Write;
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use super::record_json::RecordJson;
use super::{SnapshotDigest, SnapshotDigests, Snapshots};

/// Bytes per chunk handed from the serialising thread to the hashing one, and per write.
const CHUNK: usize = 256 * 1024;
/// Lists shorter than this are hashed on one thread.
const PIPELINE_FROM: usize = 10_000;

/// Appends records, each followed by `\n`, to `chunk` until it holds about `CHUNK` bytes;
/// returns how many records were taken.
fn fill<T: RecordJson>(records: &[T], chunk: &mut Vec<u8>) -> usize {
    let mut taken = 0;
    for r in records {
        if chunk.len() >= CHUNK {
            break;
        }
        r.write_json(chunk);
        chunk.push(b'\n');
        taken += 1;
    }
    taken
}

/// SHA-256 over the records' canonical bytes, each followed by `\n` (DRAW-SPEC §2.3).
fn digest<T: RecordJson + Sync>(records: &[T]) -> SnapshotDigest {
    let mut hasher = Sha256::new();
    if records.len() < PIPELINE_FROM {
        let mut chunk = Vec::with_capacity(CHUNK + 4096);
        let mut rest = records;
        while !rest.is_empty() {
            chunk.clear();
            rest = &rest[fill(rest, &mut chunk)..];
            hasher.update(&chunk);
        }
    } else {
        // Chunks travel to the hashing thread and back again to be refilled: a handful of
        // buffers in all.
        let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(4);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        std::thread::scope(|s| {
            s.spawn(move || {
                let mut rest = records;
                while !rest.is_empty() {
                    let mut chunk = empty_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(CHUNK + 4096));
                    chunk.clear();
                    rest = &rest[fill(rest, &mut chunk)..];
                    if full_tx.send(chunk).is_err() {
                        return;
                    }
                }
            });
            for chunk in full_rx {
                hasher.update(&chunk);
                let _ = empty_tx.send(chunk);
            }
        });
    }
    SnapshotDigest {
        count: records.len() as u64,
        sha256: hex::encode(hasher.finalize()),
    }
}

/// Writes one list as a JSON array.
fn write_list<T: RecordJson, W: Write>(records: &[T], w: &mut W) -> std::io::Result<()> {
    let mut chunk = Vec::with_capacity(CHUNK + 4096);
    chunk.push(b'[');
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            chunk.push(b',');
        }
        r.write_json(&mut chunk);
        if chunk.len() >= CHUNK {
            w.write_all(&chunk)?;
            chunk.clear();
        }
    }
    chunk.push(b']');
    w.write_all(&chunk)
}

/// Writes one list as a JSON array and returns its digest, in one pass: this thread hashes
/// and writes what another serialises.
fn write_list_hashing<T: RecordJson + Sync, W: Write>(
    records: &[T],
    w: &mut W,
) -> std::io::Result<SnapshotDigest> {
    if records.len() < PIPELINE_FROM {
        write_list(records, w)?;
        return Ok(digest(records));
    }
    let mut hasher = Sha256::new();
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut rest = records;
            while !rest.is_empty() {
                let mut chunk = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(CHUNK + 4096));
                chunk.clear();
                rest = &rest[fill(rest, &mut chunk)..];
                if full_tx.send(chunk).is_err() {
                    return; // the writer stopped on an error
                }
            }
        });
        // Each chunk holds whole records, each followed by `\n` (the digest's form). Raw
        // newlines occur nowhere else in canonical JSON, so the array's form is the same
        // bytes with `,` for `\n`, less the last one, after a `,` for every chunk but the
        // first.
        w.write_all(b"[")?;
        for (i, mut chunk) in full_rx.into_iter().enumerate() {
            hasher.update(&chunk);
            for b in chunk.iter_mut() {
                if *b == b'\n' {
                    *b = b',';
                }
            }
            if i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(&chunk[..chunk.len() - 1])?;
            let _ = empty_tx.send(chunk);
        }
        w.write_all(b"]")
    })?;
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
        w.write_all(b",\"officers\":")?;
        let officers = write_list_hashing(&self.officers, w)?;
        w.write_all(b",\"recusals\":")?;
        let recusals = write_list_hashing(&self.recusals, w)?;
        w.write_all(b"}")?;
        Ok(SnapshotDigests {
            entities,
            history,
            officers,
            recusals,
        })
    }

    /// The count and digest of every snapshot list.
    pub fn digests(&self) -> SnapshotDigests {
        SnapshotDigests {
            entities: digest(&self.entities),
            history: digest(&self.history),
            officers: digest(&self.officers),
            recusals: digest(&self.recusals),
        }
    }

    /// Writes the RFC 8785 form of the `snapshots` object.
    pub fn write_json<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"{\"entities\":")?;
        write_list(&self.entities, w)?;
        w.write_all(b",\"history\":")?;
        write_list(&self.history, w)?;
        w.write_all(b",\"officers\":")?;
        write_list(&self.officers, w)?;
        w.write_all(b",\"recusals\":")?;
        write_list(&self.recusals, w)?;
        w.write_all(b"}")
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
    fn chunked_and_pipelined_digests_equal_the_plain_digest() {
        // Below the pipeline threshold, above it, and over many chunks.
        for n in [0, 1, 7, PIPELINE_FROM - 1, PIPELINE_FROM, 40_000] {
            let records = recusals(n);
            let d = digest(&records);
            assert_eq!(d.count, n as u64);
            assert_eq!(d.sha256, plain(&records), "{n} records");
        }
    }

    #[test]
    fn one_pass_writing_gives_the_same_bytes_and_digests() {
        for n in [0, 1, 7, PIPELINE_FROM, 40_000] {
            let records = recusals(n);
            let mut out = Vec::new();
            let d = write_list_hashing(&records, &mut out).unwrap();
            assert_eq!(out, serde_json::to_vec(&records).unwrap(), "{n} records");
            assert_eq!(d.sha256, plain(&records), "{n} records");
            assert_eq!(d.count, n as u64);
        }
    }

    #[test]
    fn written_lists_are_json_arrays_of_the_records() {
        for n in [0, 1, 30_000] {
            let records = recusals(n);
            let mut out = Vec::new();
            write_list(&records, &mut out).unwrap();
            assert_eq!(out, serde_json::to_vec(&records).unwrap(), "{n} records");
        }
    }
}
