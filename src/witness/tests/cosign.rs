use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{Log, ORIGIN};
use crate::ledger::{LogKey, VerifierKey};
use crate::witness::{CosignError, Timestamp, WitnessKey, WitnessVerifier, cosigned_by};

const SEED: [u8; 32] = [9; 32];
const NAME: &str = "notary.example/witness";

fn t(seconds: u64) -> Timestamp {
    Timestamp::new(seconds).unwrap()
}

#[test]
fn key_texts_carry_type_0x04_and_the_cosignature_key_hash() {
    let key = WitnessKey::from_seed(NAME, &SEED).unwrap();
    let public = ed25519_dalek::SigningKey::from_bytes(&SEED).verifying_key();
    let digest = Sha256::new()
        .chain_update(NAME.as_bytes())
        .chain_update([b'\n', 0x04])
        .chain_update(public.as_bytes())
        .finalize();
    let hash = u32::from_be_bytes(digest[..4].try_into().unwrap());
    let mut typed = vec![0x04];
    typed.extend_from_slice(public.as_bytes());
    let vkey = format!("{NAME}+{hash:08x}+{}", STANDARD.encode(&typed));
    assert_eq!(key.verifier().to_string(), vkey);
    assert_eq!(key.verifier().key_hash(), hash);
    assert_eq!(WitnessVerifier::parse(&vkey).unwrap(), key.verifier());
    let mut seed = vec![0x04];
    seed.extend_from_slice(&SEED);
    let file = format!("PRIVATE+KEY+{NAME}+{hash:08x}+{}", STANDARD.encode(&seed));
    assert_eq!(key.to_file_text(), file);
    assert_eq!(
        WitnessKey::from_file_text(&format!("{file}\n"))
            .unwrap()
            .verifier(),
        key.verifier()
    );
    assert!(!format!("{key:?}").contains(&STANDARD.encode(&seed)));
    // A log key is not a witness key, nor the other way round.
    let log = LogKey::from_seed(NAME, &SEED).unwrap();
    assert!(WitnessKey::from_file_text(&log.to_file_text()).is_err());
    assert!(WitnessVerifier::parse(&log.verifier().to_string()).is_err());
    assert!(LogKey::from_file_text(&file).is_err());
    assert!(VerifierKey::parse(&vkey).is_err());
    assert!(WitnessKey::generate("two words").is_err());
}

#[test]
fn a_cosignature_is_ed25519_over_the_v1_message_and_verifies_with_its_time() {
    let key = WitnessKey::from_seed(NAME, &SEED).unwrap();
    let mut log = Log::new(&LogKey::generate(ORIGIN).unwrap());
    log.grow(5, "e");
    let note = log.note(5);
    let line = key.cosign(&log.checkpoint(5), t(1_700_000_000));
    // The line, read by hand: name, key hash, big-endian time, signature of the message.
    let encoded = line
        .strip_prefix(&format!("\u{2014} {NAME} "))
        .and_then(|l| l.strip_suffix('\n'))
        .unwrap();
    let blob = STANDARD.decode(encoded).unwrap();
    assert_eq!(blob.len(), 4 + 8 + 64);
    assert_eq!(blob[..4], key.verifier().key_hash().to_be_bytes());
    assert_eq!(blob[4..12], 1_700_000_000u64.to_be_bytes());
    let message = format!(
        "cosignature/v1\ntime 1700000000\n{}",
        log.checkpoint(5).body()
    );
    let public = VerifyingKey::from_bytes(
        ed25519_dalek::SigningKey::from_bytes(&SEED)
            .verifying_key()
            .as_bytes(),
    )
    .unwrap();
    let signature = Signature::from_bytes(&blob[12..].try_into().unwrap());
    assert!(public.verify_strict(message.as_bytes(), &signature).is_ok());

    let cosigned = format!("{note}{line}");
    assert_eq!(
        key.verifier().verify_cosignature(&cosigned),
        Ok(t(1_700_000_000))
    );
    // The log's own signature still opens the note beside the cosignature.
    assert!(log.key.verifier().open_note(&cosigned).is_ok());
    // Two cosignatures by the key: the later time.
    let later = key.cosign(&log.checkpoint(5), t(1_700_000_100));
    assert_eq!(
        key.verifier()
            .verify_cosignature(&format!("{cosigned}{later}")),
        Ok(t(1_700_000_100))
    );
}

#[test]
fn wrong_keys_tampered_bodies_and_times_do_not_verify() {
    let key = WitnessKey::from_seed(NAME, &SEED).unwrap();
    let mut log = Log::new(&LogKey::generate(ORIGIN).unwrap());
    log.grow(5, "e");
    let line = key.cosign(&log.checkpoint(5), t(1_700_000_000));
    let cosigned = format!("{}{line}", log.note(5));

    // Another key of the same name: its lines are not this one's.
    let other = WitnessKey::generate(NAME).unwrap();
    assert_eq!(
        other.verifier().verify_cosignature(&cosigned),
        Err(CosignError::NotCosigned(other.verifier().to_string()))
    );
    assert!(matches!(
        key.verifier().verify_cosignature(&log.note(5)),
        Err(CosignError::NotCosigned(_))
    ));
    // The body changed under the cosignature (another size, another root).
    log.grow(6, "e");
    let moved = format!("{}{line}", log.note(6));
    assert_eq!(
        key.verifier().verify_cosignature(&moved),
        Err(CosignError::Invalid(key.verifier().to_string()))
    );
    // The timestamp changed: the message changes with it.
    let mut blob = STANDARD
        .decode(line.trim_end().rsplit_once(' ').unwrap().1)
        .unwrap();
    blob[11] ^= 1;
    let retimed = format!(
        "{}\u{2014} {NAME} {}\n",
        log.note(5),
        STANDARD.encode(&blob)
    );
    assert!(matches!(
        key.verifier().verify_cosignature(&retimed),
        Err(CosignError::Invalid(_))
    ));
    // A good line beside a broken one of the same key: the note is refused.
    assert!(matches!(
        key.verifier().verify_cosignature(&format!(
            "{cosigned}{}",
            &retimed[retimed.rfind('\u{2014}').unwrap()..]
        )),
        Err(CosignError::Invalid(_))
    ));
    assert!(matches!(
        key.verifier().verify_cosignature("no note"),
        Err(CosignError::MalformedNote(_))
    ));
}

#[test]
fn timestamps_are_within_1_and_2_to_the_63_minus_1() {
    assert_eq!(Timestamp::new(0), None);
    assert_eq!(Timestamp::new(1).map(Timestamp::seconds), Some(1));
    assert_eq!(
        Timestamp::new(i64::MAX as u64).map(Timestamp::seconds),
        Some(i64::MAX as u64)
    );
    assert_eq!(Timestamp::new(i64::MAX as u64 + 1), None);
}

#[test]
fn cosigned_by_reports_each_witness() {
    let (a, b, c) = (
        WitnessKey::generate("a.example/w").unwrap(),
        WitnessKey::generate("b.example/w").unwrap(),
        WitnessKey::generate("c.example/w").unwrap(),
    );
    let mut log = Log::new(&LogKey::generate(ORIGIN).unwrap());
    log.grow(3, "e");
    let checkpoint = log.checkpoint(3);
    let note = format!(
        "{}{}{}",
        log.note(3),
        a.cosign(&checkpoint, t(10)),
        c.cosign(&checkpoint, t(30))
    );
    let keys = [a.verifier(), b.verifier(), c.verifier()];
    let report = cosigned_by(&note, &keys);
    let valid: Vec<(&str, u64)> = report
        .iter()
        .filter_map(|(k, r)| r.as_ref().ok().map(|t| (k.name(), t.seconds())))
        .collect();
    assert_eq!(valid, vec![("a.example/w", 10), ("c.example/w", 30)]);
    assert!(matches!(report[1].1, Err(CosignError::NotCosigned(_))));
}
