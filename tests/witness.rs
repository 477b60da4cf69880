//! Two witnesses as real processes (`shuangsui witness serve` on loopback ports, each with
//! its own key and state folder) and a log grown here with the library: each new checkpoint
//! is submitted with its consistency proof through `witness::client`, both cosign, the
//! cosignatures verify; a witness restarted (Ctrl-C, then started again on its state)
//! still refuses a fork of a size it cosigned, and a fork of the log under the same key
//! gets no cosignature from a witness that saw the original.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shuangsui::ledger::{Checkpoint, Hash, LogKey, Tree};
use shuangsui::witness::client::{SubmitError, WitnessClient};
use shuangsui::witness::{WitnessVerifier, cosigned_by, origin_hash};

const ORIGIN: &str = "shuangsui.example/log";

/// A witness process; killed if the test fails before stopping it.
struct Witness {
    child: Child,
    url: String,
}

impl Drop for Witness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn shuangsui() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shuangsui"))
}

/// `witness init`: the verifier key it prints.
fn init(name: &str, key: &Path) -> WitnessVerifier {
    let out = shuangsui()
        .args(["witness", "init", "--name", name, "--key"])
        .arg(key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    let verifier = WitnessVerifier::parse(printed.trim()).unwrap();
    // `witness key` prints it again; a second init refuses to overwrite the key.
    let again = shuangsui()
        .args(["witness", "key", "--key"])
        .arg(key)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), printed);
    let before = std::fs::read(key).unwrap();
    let twice = shuangsui()
        .args(["witness", "init", "--name", name, "--key"])
        .arg(key)
        .output()
        .unwrap();
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("不予覆盖"));
    assert_eq!(std::fs::read(key).unwrap(), before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    verifier
}

/// `witness serve` on a free loopback port, for the log of `log_key`.
fn start(key: &Path, state: Option<&Path>, log_key: &LogKey) -> Witness {
    let mut command = shuangsui();
    command
        .args(["witness", "serve", "--bind", "127.0.0.1:0", "--key"])
        .arg(key)
        .args(["--log", &log_key.verifier().to_string()]);
    if let Some(state) = state {
        command.arg("--state").arg(state);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    Witness { child, url }
}

/// Ctrl-C (SIGINT): the witness stops by itself, exit 0; returns what it logged.
fn stop(mut witness: Witness) -> String {
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(witness.child.id() as libc::pid_t, libc::SIGINT);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = witness.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit {status:?}");
    let mut logs = String::new();
    witness
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    logs
}

/// A log: its key, its tree, and the size each witness last cosigned.
struct Log {
    key: LogKey,
    tree: Tree,
}

impl Log {
    fn grow(&mut self, size: u64, tag: &str) {
        while self.tree.len() < size {
            let i = self.tree.len();
            self.tree.push(format!("{tag}-{i}").as_bytes());
        }
    }

    fn note(&self, size: u64) -> String {
        Checkpoint {
            origin: ORIGIN.into(),
            size,
            root: self.tree.root_at(size).unwrap(),
        }
        .try_sign(&self.key)
        .unwrap()
    }

    fn proof(&self, old: u64, size: u64) -> Vec<Hash> {
        if old == 0 || old == size {
            Vec::new()
        } else {
            self.tree.consistency_proof(old, size).unwrap()
        }
    }

    /// Submits the checkpoint at `size` to `witness`, which last cosigned `old`.
    fn submit(
        &self,
        rt: &tokio::runtime::Runtime,
        client: &WitnessClient,
        witness: &Witness,
        old: u64,
        size: u64,
    ) -> Result<String, SubmitError> {
        rt.block_on(client.submit(&witness.url, old, &self.proof(old, size), &self.note(size)))
    }
}

fn status_of(result: Result<String, SubmitError>) -> u16 {
    match result {
        Err(SubmitError::Refused { status, .. }) => status,
        Err(SubmitError::Conflict { .. }) => 409,
        other => panic!("expected a refusal: {other:?}"),
    }
}

#[test]
fn two_witnesses_cosign_a_growing_log_and_refuse_its_fork_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (key1, key2) = (dir.path().join("w1.key"), dir.path().join("w2.key"));
    let state2: PathBuf = dir.path().join("w2-state");
    let w1_key = init("notary.example/witness", &key1);
    let w2_key = init("jiwei.example/witness", &key2);
    let witnesses = [w1_key.clone(), w2_key.clone()];

    let mut log = Log {
        key: LogKey::generate(ORIGIN).unwrap(),
        tree: Tree::new(),
    };
    let w1 = start(&key1, None, &log.key);
    let w2 = start(&key2, Some(&state2), &log.key);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = WitnessClient::new(Duration::from_secs(20));

    let mut old = 0;
    for size in [1, 3, 8, 13] {
        log.grow(size, "entry");
        let note = log.note(size);
        let mut cosigned = note.clone();
        for witness in [&w1, &w2] {
            let lines = log.submit(&rt, &client, witness, old, size).unwrap();
            assert_eq!(lines.matches('\n').count(), 1, "{lines}");
            cosigned.push_str(&lines);
        }
        // Both cosignatures verify on the log's note, with the witnesses' published keys.
        let report = cosigned_by(&cosigned, &witnesses);
        assert!(report.iter().all(|(_, r)| r.is_ok()), "{report:?}");
        // And the log's own signature still opens it.
        assert!(log.key.verifier().open_note(&cosigned).is_ok());
        old = size;
    }

    // A client that lost track: 409 tells the size, and a resend from there is cosigned.
    log.grow(15, "entry");
    match log.submit(&rt, &client, &w1, 0, 15) {
        Err(SubmitError::Conflict { size }) => assert_eq!(size, 13),
        other => panic!("{other:?}"),
    }
    let lines = log.submit(&rt, &client, &w1, 13, 15).unwrap();
    assert!(
        w1_key
            .verify_cosignature(&format!("{}{lines}", log.note(15)))
            .is_ok()
    );

    // Monitors read what w1 last cosigned, with both signatures.
    let url = format!("{}/{}/checkpoint", w1.url, origin_hash(ORIGIN));
    let mut answer = ureq::get(&url).call().unwrap();
    let record = answer.body_mut().read_to_string().unwrap();
    assert!(record.starts_with(&format!("{ORIGIN}\n15\n")), "{record}");
    assert!(w1_key.verify_cosignature(&record).is_ok());
    assert!(log.key.verifier().open_note(&record).is_ok());

    // Restart w1 on its state folder (the default one, beside its key).
    let logs = stop(w1);
    assert!(logs.contains("cosigned"), "{logs}");
    assert!(logs.contains("refused"), "{logs}");
    assert!(
        dir.path()
            .join("w1.key.state")
            .join(origin_hash(ORIGIN))
            .is_file()
    );
    let w1 = start(&key1, None, &log.key);

    // A fork: the log cut back to 5 entries and grown differently, under the same key.
    let mut fork = Log {
        key: log.key.clone(),
        tree: Tree::new(),
    };
    fork.grow(5, "entry");
    fork.grow(20, "rewritten");
    assert_eq!(fork.tree.root_at(5), log.tree.root_at(5));
    // At the sizes each witness cosigned, with the fork's own proofs: 422.
    assert_eq!(status_of(fork.submit(&rt, &client, &w1, 15, 15)), 422);
    assert_eq!(status_of(fork.submit(&rt, &client, &w1, 15, 20)), 422);
    assert_eq!(status_of(fork.submit(&rt, &client, &w2, 13, 13)), 422);
    assert_eq!(status_of(fork.submit(&rt, &client, &w2, 13, 20)), 422);
    // From the shared prefix, or as if new (what a witness that forgot would cosign): the
    // witness still knows where it stands.
    for old in [0, 5] {
        match fork.submit(&rt, &client, &w1, old, 20) {
            Err(SubmitError::Conflict { size }) => assert_eq!(size, 15),
            other => panic!("{other:?}"),
        }
    }
    match fork.submit(&rt, &client, &w2, 0, 20) {
        Err(SubmitError::Conflict { size }) => assert_eq!(size, 13),
        other => panic!("{other:?}"),
    }

    // Other refusals: a note signed by another key of the log's name (403), another log
    // (404), a request that is not one (400).
    let impostor = Log {
        key: LogKey::generate(ORIGIN).unwrap(),
        tree: log.tree.clone(),
    };
    assert_eq!(status_of(impostor.submit(&rt, &client, &w1, 15, 15)), 403);
    let stranger = LogKey::generate("stranger.example/log").unwrap();
    let note = Checkpoint {
        origin: "stranger.example/log".into(),
        size: 1,
        root: log.tree.root_at(1).unwrap(),
    }
    .try_sign(&stranger)
    .unwrap();
    assert_eq!(
        status_of(rt.block_on(client.submit(&w1.url, 0, &[], &note))),
        404
    );
    let bad = ureq::post(format!("{}/add-checkpoint", w1.url))
        .config()
        .http_status_as_error(false)
        .build()
        .send("old 01\n\nnot a note\n")
        .unwrap();
    assert_eq!(bad.status(), 400);

    // The original log goes on being cosigned by both.
    log.grow(21, "entry");
    for (witness, old) in [(&w1, 15), (&w2, 13)] {
        let lines = log.submit(&rt, &client, witness, old, 21).unwrap();
        let report = cosigned_by(&format!("{}{lines}", log.note(21)), &witnesses);
        assert_eq!(report.iter().filter(|(_, r)| r.is_ok()).count(), 1);
    }
    stop(w1);
    stop(w2);
}
