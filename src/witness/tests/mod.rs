//! Tests of the witness: keys and cosignatures byte for byte, the `add-checkpoint` decision
//! on real trees (growing, forked, badly signed), and the service over a state folder
//! (restarts, concurrent requests, a failed write).

mod cosign;
mod decide;
mod service;

use crate::ledger::{Checkpoint, LogKey, Tree};

pub(super) const ORIGIN: &str = "shuangsui.example/log";

/// A log in the making: its key and tree, and the entries' text prefix (two logs with
/// different prefixes fork where their entries first differ).
pub(super) struct Log {
    pub key: LogKey,
    pub tree: Tree,
}

impl Log {
    pub fn new(key: &LogKey) -> Log {
        Log {
            key: key.clone(),
            tree: Tree::new(),
        }
    }

    /// Appends entries named `{tag}-{i}` until the tree has `size` leaves.
    pub fn grow(&mut self, size: u64, tag: &str) -> &mut Log {
        while self.tree.len() < size {
            let i = self.tree.len();
            self.tree.push(format!("{tag}-{i}").as_bytes());
        }
        self
    }

    pub fn checkpoint(&self, size: u64) -> Checkpoint {
        Checkpoint {
            origin: ORIGIN.into(),
            size,
            root: self.tree.root_at(size).unwrap(),
        }
    }

    /// The log's signed checkpoint at `size`.
    pub fn note(&self, size: u64) -> String {
        self.checkpoint(size).try_sign(&self.key).unwrap()
    }

    /// The add-checkpoint body for `old → size`, with the tree's own proof.
    pub fn body(&self, old: u64, size: u64) -> String {
        let proof = if old == 0 || old == size {
            Vec::new()
        } else {
            self.tree.consistency_proof(old, size).unwrap()
        };
        crate::witness::AddCheckpoint {
            old_size: old,
            proof,
            note: &self.note(size),
        }
        .body()
    }
}
