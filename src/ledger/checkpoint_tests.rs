//! Tests of `note` and `checkpoint`: Go's `sumdb/note` vectors, real sum.golang.org
//! checkpoints, round trips and refusals.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::checkpoint::{Checkpoint, CheckpointError};
use super::note::{LogKey, VerifierKey};

// golang.org/x/mod/sumdb/note: note.go's example and note_test.go.
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// The Go checksum database's published key and two of its signed tree heads.
const SUMDB_VKEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
const SUMDB_NOTES: [(&str, u64, &str); 2] = [
    (
        "go.sum database tree\n65209736\n5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n— sum.golang.org Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/R3cVtYspg3dxXABkGZZKdsQ8=\n",
        65209736,
        "5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=",
    ),
    (
        "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n— sum.golang.org Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=\n",
        31700353,
        "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=",
    ),
];

fn peter() -> LogKey {
    LogKey::from_file_text(PETER_SKEY).unwrap()
}

#[test]
fn go_key_forms_and_signature_byte_for_byte() {
    let key = peter();
    assert_eq!(key.name(), "PeterNeumann");
    assert_eq!(key.to_file_text(), PETER_SKEY);
    assert_eq!(key.verifier().to_string(), PETER_VKEY);
    assert_eq!(key.verifier(), VerifierKey::parse(PETER_VKEY).unwrap());
    assert_eq!(key.verifier().key_hash(), 0xc74f20a3);
    assert_eq!(key.sign_note(TEXT).unwrap(), format!("{TEXT}\n{PETER_SIG}"));
    assert_eq!(
        LogKey::from_file_text(&format!("{PETER_SKEY}\n"))
            .unwrap()
            .to_file_text(),
        PETER_SKEY
    );
    assert!(!format!("{key:?}").contains("AYEKFALV"));
}

#[test]
fn go_open_vectors() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let enoch: VerifierKey = ENOCH_VKEY.parse().unwrap();
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    assert_eq!(peter.open_note(&both), Ok(TEXT));
    assert_eq!(enoch.open_note(&both), Ok(TEXT));
    let stranger = LogKey::generate("PeterNeumann").unwrap().verifier();
    assert_eq!(
        stranger.open_note(&both),
        Err(CheckpointError::NotSigned(stranger.to_string()))
    );
    // Duplicates are fine; a broken signature by the key is not.
    let dup = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}");
    assert_eq!(peter.open_note(&dup), Ok(TEXT));
    let broken = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert_eq!(
        peter.open_note(&broken),
        Err(CheckpointError::InvalidSignature(PETER_VKEY.into()))
    );
    let broken_enoch = format!(
        "{TEXT}\n{PETER_SIG}{}ABCD{}",
        &ENOCH_SIG[..60],
        &ENOCH_SIG[60..]
    );
    assert_eq!(peter.open_note(&broken_enoch), Ok(TEXT));
    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
    assert!(matches!(
        peter.open_note(&many),
        Err(CheckpointError::MalformedNote(_))
    ));
    let bad = [
        TEXT.to_string(),
        format!("{TEXT}\n"),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{TEXT}\n{PETER_SIG}"),
        format!(
            "{TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        format!("{TEXT}\n{}", PETER_SIG.replace('—', "-")),
        format!("{TEXT}\r\n{PETER_SIG}"),
    ];
    for msg in bad {
        assert!(
            matches!(
                peter.open_note(&msg),
                Err(CheckpointError::MalformedNote(_))
            ),
            "{msg:?}"
        );
    }
}

/// As Go's TestNewVerifier and TestNewSigner: no substring and no changed byte is a key.
#[test]
fn mangled_keys_are_refused() {
    for (text, parse) in [
        (
            PETER_VKEY,
            (|s: &str| VerifierKey::parse(s).is_ok()) as fn(&str) -> bool,
        ),
        (PETER_SKEY, |s: &str| LogKey::from_file_text(s).is_ok()),
    ] {
        assert!(parse(text));
        let b = text.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if i != 0 || j != b.len() {
                    assert!(!parse(&text[i..j]), "{}", &text[i..j]);
                }
            }
        }
        for i in 0..b.len() {
            let mut c = b.to_vec();
            c[i] += 1;
            assert!(!parse(std::str::from_utf8(&c).unwrap()));
        }
    }
    // Go's: wrong length key and unknown algorithm, each with an adjusted key hash.
    assert!(
        VerifierKey::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err()
    );
    assert!(
        VerifierKey::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .is_err()
    );
    assert!(matches!(
        LogKey::generate("two words"),
        Err(CheckpointError::KeyName(_))
    ));
    assert!(LogKey::generate("a+b").is_err());
    assert!(LogKey::generate("").is_err());
}

#[test]
fn real_sum_golang_org_checkpoints_open() {
    let key = VerifierKey::parse(SUMDB_VKEY).unwrap();
    assert_eq!(key.to_string(), SUMDB_VKEY);
    for (note, size, root) in SUMDB_NOTES {
        let checkpoint = Checkpoint::open(note, &key).unwrap();
        assert_eq!(checkpoint.origin, "go.sum database tree");
        assert_eq!(checkpoint.size, size);
        assert_eq!(STANDARD.encode(checkpoint.root), root);
        let changed = note.replacen(&size.to_string(), &(size + 1).to_string(), 1);
        assert_eq!(
            Checkpoint::open(&changed, &key),
            Err(CheckpointError::InvalidSignature(SUMDB_VKEY.into()))
        );
    }
}

#[test]
fn checkpoints_round_trip_and_other_keys_do_not_open_them() {
    let key = LogKey::generate("shuangsui.example/log").unwrap();
    let checkpoint = Checkpoint {
        origin: "shuangsui.example/log".into(),
        size: 12,
        root: [7; 32],
    };
    assert_eq!(
        checkpoint.body(),
        "shuangsui.example/log\n12\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
    );
    let note = checkpoint.sign(&key);
    assert_eq!(checkpoint.try_sign(&key).unwrap(), note);
    assert!(note.starts_with(&format!("{}\n— shuangsui.example/log ", checkpoint.body())));
    let verifier = VerifierKey::parse(&key.verifier().to_string()).unwrap();
    assert_eq!(Checkpoint::open(&note, &verifier), Ok(checkpoint.clone()));
    let file = LogKey::from_file_text(&key.to_file_text()).unwrap();
    assert_eq!(file.verifier(), key.verifier());
    for other in [
        LogKey::generate("shuangsui.example/log").unwrap(),
        LogKey::generate("other").unwrap(),
    ] {
        assert!(matches!(
            Checkpoint::open(&note, &other.verifier()),
            Err(CheckpointError::NotSigned(_))
        ));
        // A second signer's line is ignored.
        let cosigned = format!(
            "{note}{}",
            other
                .sign_note(&checkpoint.body())
                .unwrap()
                .rsplit_once("\n\n")
                .unwrap()
                .1
        );
        assert_eq!(
            Checkpoint::open(&cosigned, &verifier),
            Ok(checkpoint.clone())
        );
        assert_eq!(
            Checkpoint::open(&cosigned, &other.verifier()),
            Ok(checkpoint.clone())
        );
    }
}

#[test]
fn malformed_bodies_are_refused() {
    let key = LogKey::generate("log").unwrap();
    let root = STANDARD.encode([1u8; 32]);
    let bodies = [
        format!("log\n5\n{root}\nextension\n"),
        format!("log\n05\n{root}\n"),
        format!("log\n+5\n{root}\n"),
        format!("log\n 5\n{root}\n"),
        format!("log\n\n{root}\n"),
        format!("log\n18446744073709551616\n{root}\n"),
        format!("log\n5\n{}\n", STANDARD.encode([1u8; 31])),
        format!("log\n5\n{}\n", root.replace('=', "")),
        format!("log\n5\n{}\n", root.replace("E=", "F=")),
        format!("log\n5\n{root}"),
        format!("\n5\n{root}\n"),
        "log\n5\n".to_string(),
        format!("log\x7f\n5\n{root}\n"),
    ];
    for body in bodies {
        assert!(Checkpoint::parse_body(&body).is_err(), "{body:?}");
        let note = key.sign_unchecked(&body);
        assert!(
            Checkpoint::open(&note, &key.verifier()).is_err(),
            "{body:?}"
        );
    }
    assert_eq!(
        Checkpoint::parse_body(&format!("log\n0\n{root}\n")).map(|c| c.size),
        Ok(0)
    );
    assert_eq!(
        Checkpoint::parse_body(&format!("log\n18446744073709551615\n{root}\n")).map(|c| c.size),
        Ok(u64::MAX)
    );
    for origin in ["", "a\nb", "tab\there"] {
        let checkpoint = Checkpoint {
            origin: origin.into(),
            size: 1,
            root: [0; 32],
        };
        assert!(checkpoint.try_sign(&key).is_err());
        assert!(Checkpoint::open(&checkpoint.sign(&key), &key.verifier()).is_err());
    }
}

#[test]
fn a_note_opens_with_any_of_a_logs_keys_and_names_the_lines_it_verified() {
    let (old, new) = (
        LogKey::generate("shuangsui.example/log").unwrap(),
        LogKey::generate("shuangsui.example/log").unwrap(),
    );
    let body = "shuangsui.example/log\n3\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n";
    let by_old = old.sign_note(body).unwrap();
    let keys = [old.verifier(), new.verifier()];
    let (text, lines) = super::note::open_note(&by_old, &keys).unwrap();
    assert_eq!(text, body);
    assert_eq!(
        lines,
        vec![by_old[body.len() + 1..by_old.len() - 1].to_string()]
    );
    // Signed by both: both lines; a broken line of either key fails the note.
    let new_line = new.sign_note(body).unwrap()[body.len() + 1..].to_string();
    let both = format!("{by_old}{new_line}");
    assert_eq!(super::note::open_note(&both, &keys).unwrap().1.len(), 2);
    let broken = format!("{by_old}{}ABCD{}", &new_line[..60], &new_line[60..]);
    assert_eq!(
        super::note::open_note(&broken, &keys),
        Err(CheckpointError::InvalidSignature(
            new.verifier().to_string()
        ))
    );
    assert!(matches!(
        super::note::open_note(&by_old, &[new.verifier()]),
        Err(CheckpointError::NotSigned(_))
    ));
}
