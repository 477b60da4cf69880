//! The log library through its public API only: entries, tree, checkpoint, proofs, and the
//! whole-log check, as storage and an outside auditor would use them.

use serde_json::json;
use shuangsui::ledger::{self, Checkpoint, LogKey, StoredEntry, Tree, VerifierKey, verify_log};

#[test]
fn append_sign_prove_and_verify() {
    let key = LogKey::generate("shuangsui.example/log").unwrap();
    let published = key.verifier().to_string();
    let mut tree = Tree::new();
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    for seq in 0..6u64 {
        let event = json!({ "batch": format!("B-{seq}"), "targets": seq * 3 });
        let bytes =
            ledger::entry::encode(seq, "2025-03-01T08:30:00Z", "test.event", &event).unwrap();
        let leaf_hash = ledger::tree::leaf_hash(&bytes);
        assert_eq!(tree.push(&bytes), seq);
        entries.push(StoredEntry {
            seq,
            bytes,
            leaf_hash: leaf_hash.to_vec(),
            opening: None,
        });
        let checkpoint = Checkpoint {
            origin: "shuangsui.example/log".into(),
            size: tree.len(),
            root: tree.root(),
        };
        notes.push(checkpoint.try_sign(&key).unwrap());
    }

    // An auditor with the published key, the newest checkpoint and one entry's proof.
    let auditor_key = VerifierKey::parse(&published).unwrap();
    let head = Checkpoint::open(notes.last().unwrap(), &auditor_key).unwrap();
    let proof = tree.inclusion_proof(2, head.size).unwrap();
    assert!(ledger::tree::verify_inclusion(
        &entries[2].bytes,
        2,
        head.size,
        &proof,
        &head.root
    ));
    let old = Checkpoint::open(&notes[2], &auditor_key).unwrap();
    let consistency = tree.consistency_proof(old.size, head.size).unwrap();
    assert!(ledger::tree::verify_consistency(
        old.size,
        &old.root,
        head.size,
        &head.root,
        &consistency
    ));
    assert_eq!(
        ledger::entry::decode(&entries[2].bytes).unwrap().event["targets"],
        json!(6)
    );

    let summary = verify_log(&entries, &notes, &auditor_key).unwrap();
    assert_eq!(
        (summary.entries, summary.checkpoints, summary.size),
        (6, 6, 6)
    );
    assert_eq!(summary.root, head.root);

    entries[4].bytes[12] ^= 0x01;
    let fault = verify_log(&entries, &notes, &auditor_key).unwrap_err();
    assert_eq!(fault.entry, Some(4));
    assert!(fault.to_string().starts_with("entry 4"), "{fault}");
}
