use super::{Log, ORIGIN};
use crate::ledger::{Checkpoint, LogKey};
use crate::witness::decide::read_record;
use crate::witness::{AddCheckpoint, Refusal, Timestamp, WitnessKey, WitnessedLog, add_checkpoint};

fn now() -> Timestamp {
    Timestamp::new(1_750_000_000).unwrap()
}

fn witnessed(key: &LogKey) -> WitnessedLog {
    WitnessedLog {
        origin: ORIGIN.into(),
        keys: vec![key.verifier()],
    }
}

/// Decides `body` for the log of `key` from `latest`.
fn decide(
    key: &LogKey,
    latest: Option<&Checkpoint>,
    body: &str,
    witness: &WitnessKey,
) -> Result<Checkpoint, Refusal> {
    let request = AddCheckpoint::parse(body.as_bytes())?;
    let cosigned = add_checkpoint(&witnessed(key), latest, &request, witness, now())?;
    // The answer verifies on the note; the record reads back as the new state.
    let note = format!("{}{}", request.note, cosigned.cosignature);
    assert_eq!(witness.verifier().verify_cosignature(&note), Ok(now()));
    assert_eq!(
        read_record(&cosigned.record, &witnessed(key), &witness.verifier()),
        Ok(cosigned.checkpoint.clone())
    );
    assert!(key.verifier().open_note(&cosigned.record).is_ok());
    Ok(cosigned.checkpoint)
}

#[test]
fn a_growing_log_is_cosigned_at_each_size() {
    let witness = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(3, "e");
    let first = decide(&key, None, &log.body(0, 3), &witness).unwrap();
    assert_eq!(first, log.checkpoint(3));
    log.grow(7, "e");
    let second = decide(&key, Some(&first), &log.body(3, 7), &witness).unwrap();
    assert_eq!(second, log.checkpoint(7));
    // The same checkpoint again, and a larger one from there.
    let again = decide(&key, Some(&second), &log.body(7, 7), &witness).unwrap();
    assert_eq!(again, second);
    log.grow(64, "e");
    let third = decide(&key, Some(&second), &log.body(7, 64), &witness).unwrap();
    assert_eq!(third.size, 64);
    // An empty log is cosigned at size 0 with the empty root, then grows.
    let empty = Log::new(&key);
    let zero = decide(&key, None, &empty.body(0, 0), &witness).unwrap();
    assert_eq!(zero.size, 0);
    assert_eq!(
        decide(&key, Some(&zero), &log.body(0, 5), &witness).map(|c| c.size),
        Ok(5)
    );
}

#[test]
fn a_fork_is_refused_whatever_sizes_it_claims() {
    let witness = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(7, "e");
    let seen = decide(&key, None, &log.body(0, 7), &witness).unwrap();
    // Same key, same first 5 entries, then other ones: the log cut back to 5 and regrown.
    let mut fork = Log::new(&key);
    fork.grow(5, "e").grow(9, "forked");
    assert_eq!(fork.tree.root_at(5), log.tree.root_at(5));
    assert_ne!(fork.tree.root_at(7), log.tree.root_at(7));
    // The fork's own proof from 7: it is not consistent with the root seen at 7.
    assert!(matches!(
        decide(&key, Some(&seen), &fork.body(7, 9), &witness),
        Err(Refusal::Inconsistent(_))
    ));
    // The fork at the size seen.
    assert!(matches!(
        decide(&key, Some(&seen), &fork.body(7, 7), &witness),
        Err(Refusal::Inconsistent(_))
    ));
    // From the shared prefix (which is consistent): the witness says where it stands.
    let refused = decide(&key, Some(&seen), &fork.body(5, 9), &witness).unwrap_err();
    assert_eq!(refused, Refusal::Conflict { old: 5, latest: 7 });
    assert_eq!(refused.status(), 409);
    // As if new: the size is still known.
    assert_eq!(
        decide(&key, Some(&seen), &fork.body(0, 9), &witness),
        Err(Refusal::Conflict { old: 0, latest: 7 })
    );
    // The original goes on being cosigned.
    log.grow(9, "e");
    assert!(decide(&key, Some(&seen), &log.body(7, 9), &witness).is_ok());
}

#[test]
fn proofs_that_do_not_fit_are_422() {
    let witness = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(10, "e");
    let seen = decide(&key, None, &log.body(0, 4), &witness).unwrap();
    let mut proof = log.tree.consistency_proof(4, 10).unwrap();
    proof[0][0] ^= 1;
    let note = log.note(10);
    let body = |old, proof: Vec<[u8; 32]>, note: &str| {
        AddCheckpoint {
            old_size: old,
            proof,
            note,
        }
        .body()
    };
    for (latest, request) in [
        (Some(&seen), body(4, proof, &note)),
        (Some(&seen), body(4, Vec::new(), &note)),
        // A proof from another size.
        (
            Some(&seen),
            body(4, log.tree.consistency_proof(5, 10).unwrap(), &note),
        ),
        // Nothing may be proved from size 0.
        (None, body(0, vec![[0; 32]], &note)),
        // The same size with a proof.
        (Some(&seen), body(4, vec![[0; 32]], &log.note(4))),
        // An empty tree whose root is not the empty one.
        (
            None,
            body(
                0,
                Vec::new(),
                &Checkpoint {
                    origin: ORIGIN.into(),
                    size: 0,
                    root: [1; 32],
                }
                .sign(&key),
            ),
        ),
    ] {
        let refused = decide(&key, latest, &request, &witness).unwrap_err();
        assert!(matches!(refused, Refusal::Inconsistent(_)), "{refused:?}");
        assert_eq!(refused.status(), 422);
    }
}

#[test]
fn bad_signatures_are_403_and_malformed_requests_400() {
    let witness = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(4, "e");
    // Signed by another key of the same name (and no key of the log).
    let mut impostor = Log::new(&LogKey::generate(ORIGIN).unwrap());
    impostor.grow(4, "e");
    let refused = decide(&key, None, &impostor.body(0, 4), &witness).unwrap_err();
    assert!(matches!(refused, Refusal::Forbidden(_)), "{refused:?}");
    assert_eq!(refused.status(), 403);
    // The log's signature over another size.
    let note = log.note(4).replacen("\n4\n", "\n3\n", 1);
    let moved = AddCheckpoint {
        old_size: 0,
        proof: Vec::new(),
        note: &note,
    }
    .body();
    assert!(matches!(
        decide(&key, None, &moved, &witness),
        Err(Refusal::Forbidden(_))
    ));
    // With the log's keys rotating: a note by the new key is accepted.
    let rotated = LogKey::generate(ORIGIN).unwrap();
    let both = WitnessedLog {
        origin: ORIGIN.into(),
        keys: vec![key.verifier(), rotated.verifier()],
    };
    let by_new = AddCheckpoint {
        old_size: 0,
        proof: Vec::new(),
        note: &log.checkpoint(4).sign(&rotated),
    };
    assert!(add_checkpoint(&both, None, &by_new, &witness, now()).is_ok());
    // A log this witness was not given.
    let other = WitnessedLog {
        origin: "other.example/log".into(),
        keys: vec![key.verifier()],
    };
    let request = log.body(0, 4);
    let refused = add_checkpoint(
        &other,
        None,
        &AddCheckpoint::parse(request.as_bytes()).unwrap(),
        &witness,
        now(),
    )
    .unwrap_err();
    assert_eq!(refused.status(), 404);

    let note = log.note(4);
    let hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    for body in [
        note.clone(),
        format!("old 0\n{note}"),
        format!("old 00\n\n{note}"),
        format!("old -1\n\n{note}"),
        format!("old 0 \n\n{note}"),
        format!("Old 0\n\n{note}"),
        format!("old 0\nAAAA\n\n{note}"),
        format!("old 0\n{}\n\n{note}", &hash[..hash.len() - 1]),
        format!(
            "old 0\n{}\n\n{note}",
            format!("{hash}\n").repeat(64).trim_end()
        ),
        format!("old 0\n\n{}", note.replace('\u{2014}', "-")),
        format!("old 0\n\n{}\r", note),
        // old above the checkpoint's size.
        format!("old 5\n\n{note}"),
    ] {
        let refused = decide(&key, None, &body, &witness).unwrap_err();
        assert_eq!(refused.status(), 400, "{body:?}: {refused:?}");
    }
    assert!(AddCheckpoint::parse(&[b'o', 0xff]).is_err());
    // 63 proof lines are allowed (then the proof itself fails).
    let long = format!(
        "old 4\n{}\n\n{note}",
        format!("{hash}\n").repeat(63).trim_end()
    );
    assert_eq!(
        AddCheckpoint::parse(long.as_bytes()).map(|r| r.proof.len()),
        Ok(63)
    );
}

#[test]
fn a_wrong_old_size_is_409_with_the_size_last_cosigned() {
    let witness = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(12, "e");
    assert_eq!(
        decide(&key, None, &log.body(3, 12), &witness),
        Err(Refusal::Conflict { old: 3, latest: 0 })
    );
    let seen = decide(&key, None, &log.body(0, 6), &witness).unwrap();
    for old in [0, 3, 8] {
        let refused = decide(&key, Some(&seen), &log.body(old, 12), &witness).unwrap_err();
        assert_eq!(refused, Refusal::Conflict { old, latest: 6 });
        assert!(refused.to_string().contains('6'), "{refused}");
    }
    assert_eq!(crate::witness::request::size_body(6), "6\n");
    assert_eq!(crate::witness::request::parse_size_body("6\n"), Some(6));
    for bad in ["6", "06\n", "\n", "6\n\n", "-1\n"] {
        assert_eq!(
            crate::witness::request::parse_size_body(bad),
            None,
            "{bad:?}"
        );
    }
}

#[test]
fn a_record_of_another_witness_or_log_is_not_read() {
    let witness = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(4, "e");
    let request = log.body(0, 4);
    let cosigned = add_checkpoint(
        &witnessed(&key),
        None,
        &AddCheckpoint::parse(request.as_bytes()).unwrap(),
        &witness,
        now(),
    )
    .unwrap();
    let stranger = WitnessKey::generate("notary.example/w").unwrap();
    assert!(read_record(&cosigned.record, &witnessed(&key), &stranger.verifier()).is_err());
    let other = WitnessedLog {
        origin: "other.example/log".into(),
        keys: vec![key.verifier()],
    };
    assert!(read_record(&cosigned.record, &other, &witness.verifier()).is_err());
    let damaged = cosigned.record.replacen("\n4\n", "\n5\n", 1);
    assert!(read_record(&damaged, &witnessed(&key), &witness.verifier()).is_err());
}
