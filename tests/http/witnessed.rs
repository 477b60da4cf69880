//! A server with two witnesses (`shuangsui witness serve`, each its own key and state) on
//! loopback: both cosign the log's checkpoints as it grows, `/log/checkpoint` carries their
//! cosignatures, the independent tlog client counts them towards a quorum, and an export
//! verifies with a quorum in both verifiers (and fails with one more than cosigned). A copy of
//! the database grown differently (a fork under the same key) gets no cosignature from them.
//! The stored cosignatures are checked by `log verify`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::server::{Server, agent, serve, spawn_listening};
use super::*;

fn shuangsui(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A witness of `log_key` with its own key in `dir`: its verifier key and its address.
fn witness(dir: &Path, name: &str, log_key: &str) -> (Server, String, String) {
    let key = dir.join(format!("{}.key", name.replace('/', "_")));
    let out = shuangsui(&[
        "witness",
        "init",
        "--name",
        name,
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let vkey = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let (witness, url) = spawn_listening(
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .args(["witness", "serve", "--bind", "127.0.0.1:0", "--key"])
            .arg(&key)
            .args(["--log", log_key]),
    );
    (witness, vkey, url)
}

fn db(url: &str, key: &Path, args: &[&str]) -> std::process::Output {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend([
        "--database".into(),
        url.into(),
        "--key".into(),
        key.display().to_string(),
    ]);
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    shuangsui(&all)
}

/// `/log/checkpoint` once its size is at least `size` with `lines` cosignature lines.
fn cosigned(base: &str, size: u64, lines: usize) -> String {
    let started = Instant::now();
    loop {
        let mut r = agent()
            .get(format!("{base}/log/checkpoint"))
            .call()
            .unwrap();
        let note = r.body_mut().read_to_string().unwrap();
        let at: u64 = note.lines().nth(1).unwrap().parse().unwrap();
        let signatures = note.split("\n\n").nth(1).unwrap_or("").lines().count();
        if at >= size && signatures > lines {
            return note;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not cosigned: {note}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn size_of(note: &str) -> u64 {
    note.lines().nth(1).unwrap().parse().unwrap()
}

#[test]
fn two_witnesses_cosign_the_log_and_refuse_a_fork() {
    let demo = demo();
    let dir = demo.dir.path();
    let log_key = String::from_utf8(db(&demo.url, &demo.key, &["log", "key"]).stdout)
        .unwrap()
        .trim()
        .to_string();
    let fork_dir = dir.join("fork");
    std::fs::create_dir(&fork_dir).unwrap();
    for f in ["shuangsui.db", "log.key"] {
        std::fs::copy(dir.join(f), fork_dir.join(f)).unwrap();
    }
    let (_a, a_key, a_url) = witness(dir, "notary.example/witness", &log_key);
    let (_b, b_key, b_url) = witness(dir, "jiwei.example/witness", &log_key);
    let witnesses = [
        "--witness",
        &format!("{a_key}@{a_url}"),
        "--witness",
        &format!("{b_key}@{b_url}"),
        "--witness-quorum",
        "2",
    ];
    let (_server, base) = serve(&demo.url, &demo.key, &witnesses);
    let first = cosigned(&base, 1, 2);

    // The log grows; both cosign the new head, consistent with what they cosigned.
    let out = db(
        &demo.url,
        &demo.key,
        &["user", "add", "审计二", "--role", "auditor"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let grown = cosigned(&base, size_of(&first) + 1, 2);
    assert!(
        grown.contains("— notary.example/witness ") && grown.contains("— jiwei.example/witness ")
    );

    // The independent client counts them towards its quorum.
    let keys = [
        "--log-key",
        &log_key,
        "--witness-key",
        &a_key,
        "--witness-key",
        &b_key,
    ];
    let state = dir.join("client");
    std::fs::create_dir(&state).unwrap();
    let client = |base: &str, quorum: &str| {
        let out = Command::new("python3")
            .current_dir(root())
            .arg("tests/python/tlog_client.py")
            .arg(format!("{base}/log"))
            .args(keys)
            .args(["--quorum", quorum, "--state"])
            .arg(&state)
            .output()
            .unwrap();
        (out.status.code(), text(&out))
    };
    let (code, said) = client(&base, "2");
    assert_eq!(code, Some(0), "{said}");

    // An export carries a cosigned checkpoint: both verifiers count the cosignatures.
    let export = dir.join("public.json");
    let out = db(
        &demo.url,
        &demo.key,
        &[
            "batch",
            "export",
            PUBLISHED,
            "--public",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let other = dir.join("other.key");
    let out = shuangsui(&[
        "witness",
        "init",
        "--name",
        "other.example/w",
        "--key",
        other.to_str().unwrap(),
    ]);
    let other_key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let file = export.to_str().unwrap();
    let verify = |quorum: &str| {
        let mut base = keys.to_vec();
        base.extend(["--witness-key", &other_key, "--quorum", quorum]);
        let mut rust: Vec<&str> = vec!["verify", file];
        rust.extend(&base);
        let r = shuangsui(&rust);
        let p = Command::new("python3")
            .current_dir(root())
            .args(["tests/python/verify_bundle.py", file])
            .args(&base)
            .output()
            .unwrap();
        ((r.status.code(), text(&r)), (p.status.code(), text(&p)))
    };
    let ((rust, rust_said), (python, python_said)) = verify("2");
    assert_eq!(rust, Some(0), "{rust_said}");
    assert_eq!(python, Some(0), "{python_said}");
    let ((rust, rust_said), (python, python_said)) = verify("3");
    assert_eq!(rust, Some(1), "{rust_said}");
    assert!(
        rust_said.contains("2 valid cosignature(s) of the 3 witness key(s)"),
        "{rust_said}"
    );
    assert_eq!(python, Some(1), "{python_said}");
    assert!(
        python_said.contains("2 valid cosignature(s) of the 3 witness key(s)"),
        "{python_said}"
    );

    // The fork: grown differently under the same key, sent to the same witnesses.
    let fork_url = format!("sqlite://{}", fork_dir.join("shuangsui.db").display());
    let fork_key = fork_dir.join("log.key");
    for name in ["别人", "又一人"] {
        let out = db(
            &fork_url,
            &fork_key,
            &["user", "add", name, "--role", "auditor"],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    let (_fork, fork_base) = serve(&fork_url, &fork_key, &witnesses);
    std::thread::sleep(Duration::from_secs(4));
    let mut r = agent()
        .get(format!("{fork_base}/log/witnesses"))
        .call()
        .unwrap();
    let progress: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    let fork_size = progress["log_size"].as_u64().unwrap();
    for w in progress["witnesses"].as_array().unwrap() {
        assert!(
            w["cosigned_size"].as_u64().unwrap() < fork_size,
            "a witness cosigned the fork: {progress}"
        );
    }
    let (code, said) = client(&fork_base, "1");
    assert_eq!(code, Some(1), "the fork has no cosigned head: {said}");

    // Stored cosignatures are checked by `log verify`; a changed one is found.
    let out = db(&demo.url, &demo.key, &["log", "verify"]);
    assert!(out.status.success(), "{}", text(&out));
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let app = App::open(&demo.url, None).await.unwrap();
        shuangsui::on_pool!(&app.store, p => sqlx::query(
            // A real cosignature by the same witness, of an earlier checkpoint.
            "UPDATE witness_cosignatures SET line = (SELECT o.line FROM witness_cosignatures AS o \
             WHERE o.witness = witness_cosignatures.witness AND o.size < witness_cosignatures.size \
             ORDER BY o.size LIMIT 1) WHERE size = (SELECT MAX(size) FROM witness_cosignatures)",
        )
        .execute(p)
        .await
        .unwrap()
        .rows_affected());
    });
    let out = db(&demo.url, &demo.key, &["log", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("witness_cosignatures") && text(&out).contains("column line"),
        "{}",
        text(&out)
    );
}
