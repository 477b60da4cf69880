//! Tests of `tree`: hand-computed roots, published vectors, a plain RFC 9162 reference
//! implementation, and ct-merkle's own in-memory tree.

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use sha2::{Digest, Sha256};

use super::tree::*;

fn entries(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
}

fn tree_of(entries: &[Vec<u8>]) -> Tree {
    Tree::from_entries(entries.iter().map(Vec::as_slice))
}

fn h(hex_text: &str) -> Hash {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

/// The largest power of two below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]), RFC 9162 §2.1.1, straight from the definition.
fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest(b"").into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]), RFC 9162 §2.1.3.1.
fn path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n == 1 {
        return vec![];
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// SUBPROOF(m, D[n], b), RFC 9162 §2.1.4.1.
fn subproof(m: usize, leaves: &[Hash], complete: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if complete { vec![] } else { vec![mth(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut p = subproof(m, &leaves[..k], complete);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = subproof(m - k, &leaves[k..], false);
        p.push(mth(&leaves[..k]));
        p
    }
}

#[test]
fn leaf_hash_is_sha256_of_zero_and_the_bytes_in_ct_merkle_too() {
    let bytes = b"{\"event\":{}}".to_vec();
    let mut manual = Sha256::new();
    manual.update([0u8]);
    manual.update(&bytes);
    let manual: Hash = manual.finalize().into();
    assert_eq!(leaf_hash(&bytes), manual);
    // A one-leaf tree's root is its leaf hash: ct-merkle hashes a byte-string leaf the same.
    let mut ct = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    ct.push(bytes);
    assert_eq!(ct.root().as_bytes().as_slice(), manual.as_slice());
}

#[test]
fn three_and_five_leaf_roots_by_hand() {
    let e = entries(5);
    let l: Vec<Hash> = e
        .iter()
        .map(|b| {
            let mut x = vec![0u8];
            x.extend_from_slice(b);
            Sha256::digest(&x).into()
        })
        .collect();
    let node = |a: &Hash, b: &Hash| -> Hash {
        let mut x = vec![1u8];
        x.extend_from_slice(a);
        x.extend_from_slice(b);
        Sha256::digest(&x).into()
    };
    let three = node(&node(&l[0], &l[1]), &l[2]);
    let five = node(&node(&node(&l[0], &l[1]), &node(&l[2], &l[3])), &l[4]);
    let tree = tree_of(&e);
    assert_eq!(tree.root_at(3).unwrap(), three);
    assert_eq!(tree.root_at(5).unwrap(), five);
    assert_eq!(tree.root(), five);
    assert_eq!(tree_of(&e[..3]).root(), three);
    assert_eq!(
        Tree::new().root(),
        h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
}

/// The vectors of transparency-dev/merkle (testonly/reference_test.go), also in ct-merkle's
/// tests: roots for sizes 0..=8 and some proofs.
#[test]
fn published_vectors() {
    let data = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .map(|x| hex::decode(x).unwrap());
    let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    let tree = tree_of(&data);
    for (size, root) in roots.iter().enumerate() {
        assert_eq!(tree.root_at(size as u64).unwrap(), h(root), "size {size}");
    }
    let p = |hs: &[&str]| hs.iter().map(|x| h(x)).collect::<Vec<_>>();
    assert_eq!(
        tree.inclusion_proof(5, 8).unwrap(),
        p(&[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ])
    );
    assert_eq!(
        tree.inclusion_proof(1, 5).unwrap(),
        p(&[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ])
    );
    assert_eq!(
        tree.consistency_proof(6, 8).unwrap(),
        p(&[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ])
    );
    assert_eq!(
        tree.consistency_proof(2, 5).unwrap(),
        p(&[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ])
    );
}

#[test]
fn roots_and_proofs_match_the_rfc_definitions_and_ct_merkle() {
    let e = entries(40);
    let tree = tree_of(&e);
    let leaves: Vec<Hash> = e.iter().map(|b| leaf_hash(b)).collect();
    let mut ct = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    for size in 1..=e.len() {
        ct.push(e[size - 1].clone());
        let root = mth(&leaves[..size]);
        assert_eq!(tree.root_at(size as u64).unwrap(), root);
        assert_eq!(ct.root().as_bytes().as_slice(), root.as_slice());
        for m in 0..size {
            let proof = tree.inclusion_proof(m as u64, size as u64).unwrap();
            assert_eq!(proof, path(m, &leaves[..size]), "PATH({m}, {size})");
            assert_eq!(proof.concat(), ct.prove_inclusion(m).as_bytes());
        }
        for m in 1..=size {
            let proof = tree.consistency_proof(m as u64, size as u64).unwrap();
            assert_eq!(
                proof,
                subproof(m, &leaves[..size], true),
                "PROOF({m}, {size})"
            );
            assert_eq!(proof.concat(), ct.prove_consistency(size - m).as_bytes());
        }
    }
}

#[test]
fn every_inclusion_proof_verifies_and_no_changed_one_does() {
    let e = entries(40);
    let tree = tree_of(&e);
    for size in 1..=40u64 {
        let root = tree.root_at(size).unwrap();
        for index in 0..size {
            let entry = &e[index as usize];
            let proof = tree.inclusion_proof(index, size).unwrap();
            assert!(verify_inclusion(entry, index, size, &proof, &root));
            for i in 0..proof.len() {
                let mut bad = proof.clone();
                bad[i][i % 32] ^= 1;
                assert!(!verify_inclusion(entry, index, size, &bad, &root));
            }
            for other in 0..size {
                if other != index {
                    assert!(
                        !verify_inclusion(entry, other, size, &proof, &root),
                        "{index}→{other} of {size}"
                    );
                    assert!(!verify_inclusion(
                        &e[other as usize],
                        index,
                        size,
                        &proof,
                        &root
                    ));
                }
            }
            let mut changed = entry.clone();
            changed.push(b' ');
            assert!(!verify_inclusion(&changed, index, size, &proof, &root));
            let mut longer = proof.clone();
            longer.push(root);
            assert!(!verify_inclusion(entry, index, size, &longer, &root));
            let mut other_root = root;
            other_root[0] ^= 0x80;
            assert!(!verify_inclusion(entry, index, size, &proof, &other_root));
        }
    }
}

#[test]
fn every_consistency_proof_verifies_and_no_changed_one_does() {
    let tree = tree_of(&entries(40));
    for new in 1..=40u64 {
        let new_root = tree.root_at(new).unwrap();
        for old in 1..=new {
            let old_root = tree.root_at(old).unwrap();
            let proof = tree.consistency_proof(old, new).unwrap();
            assert!(verify_consistency(old, &old_root, new, &new_root, &proof));
            for i in 0..proof.len() {
                let mut bad = proof.clone();
                bad[i][31] ^= 1;
                assert!(!verify_consistency(old, &old_root, new, &new_root, &bad));
            }
            let mut wrong = old_root;
            wrong[5] ^= 4;
            assert!(!verify_consistency(old, &wrong, new, &new_root, &proof));
            assert!(!verify_consistency(old, &old_root, new, &wrong, &proof));
            if old > 1 {
                assert!(!verify_consistency(
                    old - 1,
                    &old_root,
                    new,
                    &new_root,
                    &proof
                ));
            }
        }
    }
}

#[test]
fn bad_sizes_are_errors_not_panics() {
    let tree = tree_of(&entries(5));
    assert_eq!(
        tree.root_at(6),
        Err(TreeError::SizeBeyondTree { size: 6, len: 5 })
    );
    assert_eq!(
        tree.inclusion_proof(5, 5),
        Err(TreeError::IndexOutOfRange { index: 5, size: 5 })
    );
    assert!(tree.inclusion_proof(0, 0).is_err());
    assert!(tree.inclusion_proof(0, 9).is_err());
    assert_eq!(
        tree.consistency_proof(0, 3),
        Err(TreeError::BadSizes { old: 0, new: 3 })
    );
    assert!(tree.consistency_proof(4, 3).is_err());
    assert!(tree.consistency_proof(3, 6).is_err());
    let root = tree.root();
    let e = entries(1);
    for size in [0, MAX_SIZE, u64::MAX / 2, u64::MAX / 2 + 2, u64::MAX] {
        for index in [0, size.saturating_sub(1), u64::MAX / 2 + 1, u64::MAX] {
            assert!(!verify_inclusion(&e[0], index, size, &[], &root));
        }
        assert!(!verify_consistency(1, &root, size, &root, &[]));
        assert!(!verify_consistency(size, &root, u64::MAX, &root, &[]));
    }
    assert!(!verify_consistency(0, &empty_root(), 5, &root, &[]));
}

#[test]
fn trees_from_leaf_hashes_and_entries_agree() {
    let e = entries(23);
    let a = tree_of(&e);
    let b = Tree::from_leaf_hashes(e.iter().map(|x| leaf_hash(x)));
    assert_eq!(a, b);
    assert_eq!(a.len(), 23);
    assert_eq!(a.leaf(22), Some(leaf_hash(&e[22])));
    assert_eq!(a.leaf(23), None);
    let mut c = Tree::new();
    assert!(c.is_empty());
    for (i, x) in e.iter().enumerate() {
        assert_eq!(c.push(x), i as u64);
    }
    assert_eq!(c, a);
}
