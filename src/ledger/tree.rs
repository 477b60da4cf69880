//! The RFC 6962 / RFC 9162 Merkle tree over the log's entries, with inclusion and
//! consistency proofs.
//!
//! leaf = SHA-256(0x00 ‖ entry bytes), node = SHA-256(0x01 ‖ left ‖ right), the empty tree's
//! root is SHA-256(""). Proofs are the standard audit paths (RFC 9162 §2.1.3, §2.1.4), as
//! lists of 32-byte hashes, so any tlog implementation can check them.
//!
//! [`Tree`] keeps the leaf hashes and the hashes of the complete (power-of-two, aligned)
//! subtrees above them, about 64 bytes per entry and never the entries: any root or proof at
//! any size up to [`Tree::len`] is then O(log² n). `ct-merkle`'s `MemoryBackedTree` would
//! keep every entry as well and proves only at its current size, so the choice of proof
//! nodes comes from its `indices_for_*` functions (meant for trees held elsewhere) and the
//! verification from its `RootHash`; tests compare the results with `MemoryBackedTree`.

use ct_merkle::{
    ConsistencyProof, InclusionProof, RootHash, indices_for_consistency_proof,
    indices_for_inclusion_proof,
};
use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The largest tree size accepted by the verifiers (ct-merkle's index arithmetic holds
/// below 2^63 leaves).
pub const MAX_SIZE: u64 = 1 << 62;

/// Why a root or proof was not given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The tree holds fewer leaves than the size asked for.
    #[error("tree size {size} is beyond the {len} leaves held")]
    SizeBeyondTree {
        /// Size asked for.
        size: u64,
        /// Leaves held.
        len: u64,
    },
    /// The leaf is not in the tree of that size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// Index asked for.
        index: u64,
        /// Tree size asked for.
        size: u64,
    },
    /// A consistency proof needs `0 < old ≤ new`.
    #[error("a consistency proof needs 0 < old size ≤ new size, not {old} → {new}")]
    BadSizes {
        /// Old size asked for.
        old: u64,
        /// New size asked for.
        new: u64,
    },
    /// A hash the tree should hold is missing (a bug, never caused by input).
    #[error("the tree lacks a subtree hash it should hold")]
    Inconsistent,
}

/// SHA-256(0x00 ‖ `bytes`): the leaf hash of an entry.
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0x00])
        .chain_update(bytes)
        .finalize()
        .into()
}

/// SHA-256(0x01 ‖ `left` ‖ `right`): an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// SHA-256(""): the root of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// The root of the tree of these leaf hashes, in order.
pub fn root_from_leaf_hashes(hashes: &[Hash]) -> Hash {
    Tree::from_leaf_hashes(hashes.iter().copied()).root()
}

/// An append-only Merkle tree of leaf hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// `levels[k][i]`: hash of the complete subtree of 2^k leaves starting at leaf i·2^k;
    /// `levels[0]` are the leaf hashes.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// The empty tree.
    pub fn new() -> Tree {
        Tree::default()
    }

    /// The tree of these entries, in order.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Tree {
        Tree::from_leaf_hashes(entries.into_iter().map(leaf_hash))
    }

    /// The tree of these leaf hashes (as storage keeps them), in order.
    pub fn from_leaf_hashes(hashes: impl IntoIterator<Item = Hash>) -> Tree {
        let mut tree = Tree::new();
        for hash in hashes {
            tree.push_leaf_hash(hash);
        }
        tree
    }

    /// The hashes of the complete subtrees of 2^`height` leaves, in order (`height` 0: the
    /// leaf hashes); `None` above the tree.
    pub fn level(&self, height: u32) -> Option<&[Hash]> {
        self.levels.get(height as usize).map(Vec::as_slice)
    }

    /// Appends an entry; returns its index.
    pub fn push(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf by its hash; returns its index.
    pub fn push_leaf_hash(&mut self, hash: Hash) -> u64 {
        let index = self.len();
        let mut carry = hash;
        for level in 0.. {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            let Some(row) = self.levels.get_mut(level) else {
                break;
            };
            row.push(carry);
            match row.as_slice() {
                [.., left, right] if row.len().is_multiple_of(2) => carry = node_hash(left, right),
                _ => break,
            }
        }
        index
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |row| row.len() as u64)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf hash at `index`, if there is one.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let row = self.levels.first()?;
        row.get(usize::try_from(index).ok()?).copied()
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        self.root_at(self.len()).unwrap_or_else(|_| empty_root())
    }

    /// The root of the tree of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, TreeError> {
        self.check_size(size)?;
        if size == 0 {
            return Ok(empty_root());
        }
        self.subtree(0, size).ok_or(TreeError::Inconsistent)
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162
    /// §2.1.3.1), bottom first.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TreeError> {
        self.check_size(size)?;
        if index >= size {
            return Err(TreeError::IndexOutOfRange { index, size });
        }
        indices_for_inclusion_proof(size, index)
            .into_iter()
            .map(|node| self.node(node, size).ok_or(TreeError::Inconsistent))
            .collect()
    }

    /// The proof that the tree of the first `old_size` leaves is a prefix of the tree of
    /// the first `new_size` (RFC 9162 §2.1.4.1); empty when the sizes are equal.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>, TreeError> {
        self.check_size(new_size)?;
        if old_size == 0 || old_size > new_size {
            return Err(TreeError::BadSizes {
                old: old_size,
                new: new_size,
            });
        }
        indices_for_consistency_proof(old_size, new_size - old_size)
            .into_iter()
            .map(|node| self.node(node, new_size).ok_or(TreeError::Inconsistent))
            .collect()
    }

    fn check_size(&self, size: u64) -> Result<(), TreeError> {
        let len = self.len();
        if size > len {
            Err(TreeError::SizeBeyondTree { size, len })
        } else {
            Ok(())
        }
    }

    /// The value of ct-merkle's array-tree node `index` in the tree of `size` leaves: the
    /// hash of leaves [start, min(start + 2^level, size)).
    fn node(&self, index: u64, size: u64) -> Option<Hash> {
        let level = index.trailing_ones();
        let start = index.checked_shr(level + 1)?.checked_shl(level)?;
        let width = 1u64.checked_shl(level)?;
        self.subtree(start, start.checked_add(width)?.min(size))
    }

    /// MTH(D[start:end]) for `start < end ≤ len`. Cheap when `start` is a multiple of the
    /// power of two at or above `end - start`, as every proof node and root is.
    fn subtree(&self, start: u64, end: u64) -> Option<Hash> {
        let n = end.checked_sub(start).filter(|&n| n > 0)?;
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let level = n.trailing_zeros();
            let row = self.levels.get(level as usize)?;
            return row.get(usize::try_from(start >> level).ok()?).copied();
        }
        // The largest power of two below n.
        let k = if n.is_power_of_two() {
            n / 2
        } else {
            1 << n.ilog2()
        };
        Some(node_hash(
            &self.subtree(start, start + k)?,
            &self.subtree(start + k, end)?,
        ))
    }
}

/// Whether `proof` shows `entry` at `index` in the tree of `size` leaves whose root is
/// `root`. As in RFC 9162, `size` only gives the proof its shape (a proof may also verify
/// for another size of the same shape): the root must come from a checkpoint, which signs
/// it together with its size.
pub fn verify_inclusion(entry: &[u8], index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if size == 0 || index >= size || size > MAX_SIZE {
        return false;
    }
    let root = RootHash::<Sha256>::new((*root).into(), size);
    let Ok(proof) = InclusionProof::<Sha256>::try_from_bytes(proof.concat()) else {
        return false;
    };
    root.verify_inclusion(&entry, index, &proof).is_ok()
}

/// Whether `proof` shows the tree of `old_size` leaves with root `old_root` to be a prefix
/// of the tree of `new_size` leaves with root `new_root`. False for `old_size == 0` (there
/// is no proof from the empty tree, as in RFC 9162). The sizes, as in [`verify_inclusion`],
/// fix the proof's shape; the roots must come from checkpoints.
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size == 0 || old_size > new_size || new_size > MAX_SIZE {
        return false;
    }
    let old = RootHash::<Sha256>::new((*old_root).into(), old_size);
    let new = RootHash::<Sha256>::new((*new_root).into(), new_size);
    let Ok(proof) = ConsistencyProof::<Sha256>::try_from_bytes(proof.concat()) else {
        return false;
    };
    new.verify_consistency(&old, &proof).is_ok()
}
