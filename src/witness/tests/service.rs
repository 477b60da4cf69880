use std::sync::Barrier;

use super::{Log, ORIGIN};
use crate::ledger::LogKey;
use crate::witness::service::{AddError, Witness};
use crate::witness::state::{Records, StateDir};
use crate::witness::{Refusal, Timestamp, WitnessKey};

fn now() -> Timestamp {
    Timestamp::new(1_750_000_000).unwrap()
}

fn refusal(result: Result<crate::witness::Cosigned, AddError>) -> Refusal {
    match result {
        Err(AddError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_restarted_witness_remembers_what_it_cosigned() {
    let dir = tempfile::tempdir().unwrap();
    let witness_key = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let mut log = Log::new(&key);
    log.grow(6, "e");
    {
        let witness = Witness::open(witness_key.clone(), &[key.verifier()], dir.path()).unwrap();
        assert_eq!(witness.logs().unwrap(), vec![(ORIGIN.to_string(), 0)]);
        witness
            .add_checkpoint(log.body(0, 6).as_bytes(), now())
            .unwrap();
    }
    let witness = Witness::open(witness_key.clone(), &[key.verifier()], dir.path()).unwrap();
    assert_eq!(witness.logs().unwrap(), vec![(ORIGIN.to_string(), 6)]);
    // A fork of the size it cosigned, and the log as if new, are refused after the restart.
    let mut fork = Log::new(&key);
    fork.grow(3, "e").grow(6, "forked");
    assert!(matches!(
        refusal(witness.add_checkpoint(fork.body(6, 6).as_bytes(), now())),
        Refusal::Inconsistent(_)
    ));
    assert_eq!(
        refusal(witness.add_checkpoint(fork.body(0, 6).as_bytes(), now())),
        Refusal::Conflict { old: 0, latest: 6 }
    );
    // The record is served to monitors by its origin hash, cosigned.
    let record = witness
        .record_by_origin_hash(&crate::witness::origin_hash(ORIGIN))
        .unwrap()
        .unwrap();
    assert!(witness_key.verifier().verify_cosignature(&record).is_ok());
    assert_eq!(witness.record_by_origin_hash("00").unwrap(), None);
    // Another witness key on this state folder does not start.
    drop(witness);
    let e = Witness::open(
        WitnessKey::generate("notary.example/w").unwrap(),
        &[key.verifier()],
        dir.path(),
    )
    .unwrap_err();
    assert!(e.contains(ORIGIN), "{e}");
}

#[test]
fn unknown_logs_are_404_and_a_witness_needs_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let witness_key = WitnessKey::generate("notary.example/w").unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let witness = Witness::open(witness_key.clone(), &[key.verifier()], dir.path()).unwrap();
    let stranger = LogKey::generate("stranger.example/log").unwrap();
    let mut log = Log::new(&stranger);
    log.grow(2, "e");
    let body = log.body(0, 2).replace(ORIGIN, "stranger.example/log");
    let refused = refusal(witness.add_checkpoint(body.as_bytes(), now()));
    assert_eq!(refused.status(), 404);
    drop(witness);
    assert!(Witness::open(witness_key, &[], dir.path()).is_err());
}

#[test]
fn of_simultaneous_requests_from_one_state_exactly_one_is_cosigned() {
    let dir = tempfile::tempdir().unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let witness = Witness::open(
        WitnessKey::generate("notary.example/w").unwrap(),
        &[key.verifier()],
        dir.path(),
    )
    .unwrap();
    let mut log = Log::new(&key);
    log.grow(40, "e");
    witness
        .add_checkpoint(log.body(0, 2).as_bytes(), now())
        .unwrap();
    for round in 0..4u64 {
        let old = 2 + round * 8;
        let bodies: Vec<String> = (1..=8).map(|k| log.body(old, old + k)).collect();
        let barrier = Barrier::new(bodies.len());
        let outcomes: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = bodies
                .iter()
                .map(|body| {
                    s.spawn(|| {
                        barrier.wait();
                        witness.add_checkpoint(body.as_bytes(), now())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let won: Vec<u64> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().ok().map(|c| c.checkpoint.size))
            .collect();
        assert_eq!(won.len(), 1, "round {round}: {outcomes:?}");
        for o in &outcomes {
            match o {
                Ok(_) => {}
                Err(AddError::Refused(Refusal::Conflict { old: o, latest })) => {
                    assert_eq!((*o, *latest), (old, won[0]));
                }
                other => panic!("{other:?}"),
            }
        }
        // The state is the winner's, and the log moves on from there.
        let next = witness
            .add_checkpoint(log.body(won[0], old + 8).as_bytes(), now())
            .unwrap();
        assert_eq!(next.checkpoint.size, old + 8);
    }
}

/// Records that read as the folder does but cannot be replaced.
#[derive(Debug)]
struct ReadOnly(StateDir);

impl Records for ReadOnly {
    fn read(&self, origin: &str) -> Result<Option<String>, String> {
        self.0.read(origin)
    }
    fn replace(&self, _origin: &str, _text: &str) -> Result<(), String> {
        Err("disk full".into())
    }
}

#[test]
fn no_cosignature_without_a_durable_record() {
    let dir = tempfile::tempdir().unwrap();
    let key = LogKey::generate(ORIGIN).unwrap();
    let witness_key = WitnessKey::generate("notary.example/w").unwrap();
    let mut log = Log::new(&key);
    log.grow(5, "e");
    Witness::open(witness_key.clone(), &[key.verifier()], dir.path())
        .unwrap()
        .add_checkpoint(log.body(0, 3).as_bytes(), now())
        .unwrap();
    let witness = Witness::with_records(
        witness_key.clone(),
        &[key.verifier()],
        Box::new(ReadOnly(StateDir::open(dir.path()).unwrap())),
    )
    .unwrap();
    let result = witness.add_checkpoint(log.body(3, 5).as_bytes(), now());
    match result {
        Err(AddError::State(e)) => assert!(e.contains("disk full"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Nothing moved: the record still says 3.
    assert_eq!(witness.logs().unwrap(), vec![(ORIGIN.to_string(), 3)]);
    // A record that cannot be read stops the witness from deciding, and from starting.
    drop(witness);
    std::fs::write(
        dir.path().join(crate::witness::origin_hash(ORIGIN)),
        "damaged\n",
    )
    .unwrap();
    let e = Witness::open(witness_key, &[key.verifier()], dir.path()).unwrap_err();
    assert!(e.contains("状态记录"), "{e}");
}
