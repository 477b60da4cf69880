//! The public log at `/log/` (C2SP tlog-tiles), checked by a client that is not ours:
//! `tests/python/tlog_client.py`, written from the C2SP texts alone. It verifies the
//! checkpoint, every tile and every entry's inclusion, then, after the log grows, the
//! consistency of the new checkpoint with the one it kept; a fork of the log (a copy of the
//! database grown differently under the same key) fails it. Sealed content stays out of the
//! public entries until its batch is published, and is then served and opens its seal.

use std::path::Path;
use std::process::Command;

use super::server::{agent, serve};
use super::*;

/// Runs the independent client on `base`/log; its exit code and output.
fn client(base: &str, key: &str, state: &Path, entries_out: &Path) -> (i32, String) {
    let out = Command::new("python3")
        .current_dir(root())
        .arg("tests/python/tlog_client.py")
        .arg(format!("{base}/log"))
        .args(["--log-key", key, "--all-proofs", "--strict", "--state"])
        .arg(state)
        .arg("--entries-out")
        .arg(entries_out)
        .output()
        .expect("python3 runs");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn cli(url: &str, key: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(root())
        .args(args)
        .args(["--database", url])
        .arg("--key")
        .arg(key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The entries the client wrote, decoded from its JSON lines.
fn entries_written(path: &Path) -> Vec<Vec<u8>> {
    use base64::Engine;
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["index"], i);
            base64::engine::general_purpose::STANDARD
                .decode(v["entry_base64"].as_str().unwrap())
                .unwrap()
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn an_independent_client_verifies_the_tiles_and_a_fork_fails_it() {
    let demo = demo();
    let key = cli(&demo.url, &demo.key, &["log", "key"])
        .trim()
        .to_string();
    // A copy of the whole database, to be grown differently below: a fork under one key.
    let fork_dir = demo.dir.path().join("fork");
    copy_dir(demo.dir.path(), &fork_dir);
    let fork_url = format!("sqlite://{}", fork_dir.join("shuangsui.db").display());
    let (_server, base) = serve(&demo.url, &demo.key, &[]);
    let state = demo.dir.path().join("monitor");
    std::fs::create_dir(&state).unwrap();
    let out = demo.dir.path().join("entries.jsonl");

    let (code, said) = client(&base, &key, &state, &out);
    assert_eq!(code, 0, "{said}");
    let stored = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let app = App::open(&demo.url, None).await.unwrap();
        shuangsui::store::log::entries(&app.store).await.unwrap()
    });
    let served = entries_written(&out);
    assert_eq!(served.len(), stored.len());
    assert!(served.iter().zip(&stored).all(|(a, b)| *a == b.bytes));

    // The log grows (a user added by the CLI, beside the server); the client checks the new
    // checkpoint is consistent with the one it kept.
    cli(
        &demo.url,
        &demo.key,
        &["user", "add", "审计二", "--role", "auditor"],
    );
    let (code, said) = client(&base, &key, &state, &out);
    assert_eq!(code, 0, "{said}");
    assert_eq!(entries_written(&out).len(), stored.len() + 1);

    // The fork: the same size again plus one, with another first new entry.
    cli(
        &fork_url,
        &fork_dir.join("log.key"),
        &["user", "add", "别人", "--role", "auditor"],
    );
    cli(
        &fork_url,
        &fork_dir.join("log.key"),
        &["user", "add", "又一人", "--role", "auditor"],
    );
    let (_fork_server, fork_base) = serve(&fork_url, &fork_dir.join("log.key"), &[]);
    let (code, said) = client(&fork_base, &key, &state, &out);
    assert_eq!(
        code, 1,
        "the fork must fail the client holding the original: {said}"
    );
    assert!(
        said.contains("does not verify") && said.contains("(fork)"),
        "{said}"
    );
    // A client that never saw the original finds the fork well formed: only a checkpoint
    // kept (or a witness) reveals it.
    let fresh = demo.dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    let (code, said) = client(&fork_base, &key, &fresh, &out);
    assert_eq!(code, 0, "{said}");
}

#[test]
fn sealed_content_is_public_only_after_publication() {
    let demo = demo();
    let (_server, base) = serve(&demo.url, &demo.key, &[]);
    let (entries, unpublished_targets) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let app = App::open(&demo.url, None).await.unwrap();
        let entries = shuangsui::store::log::entries(&app.store).await.unwrap();
        let targets = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
            .await
            .unwrap();
        (
            entries,
            targets.into_iter().map(|t| t.uscc).collect::<Vec<_>>(),
        )
    });
    assert!(!unpublished_targets.is_empty());
    let agent = agent();
    let get = |path: &str| {
        let mut r = agent.get(format!("{base}{path}")).call().unwrap();
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_vec().unwrap())
    };
    // Every entry bundle, as anyone fetches it: no target of the batch in progress in it.
    let size = entries.len() as u64;
    let mut all = Vec::new();
    for n in 0..size.div_ceil(256) {
        let width = (size - n * 256).min(256);
        let path = shuangsui::ledger::tiles::TileRef {
            kind: shuangsui::ledger::tiles::TileKind::Entries,
            index: n,
            width,
        }
        .path();
        let (status, bytes) = get(&format!("/log/tile/{path}"));
        assert_eq!(status, 200, "{path}");
        all.extend(bytes);
    }
    for uscc in &unpublished_targets {
        assert!(
            memchr::memmem::find(&all, uscc.as_bytes()).is_none(),
            "{uscc} is public"
        );
    }
    let mut published_opened = 0;
    for e in &entries {
        let env = shuangsui::ledger::entry::decode(&e.bytes).unwrap();
        let batch = env.event.get("batch").and_then(|b| b.as_str());
        let (status, body) = get(&format!("/log/opening/{}", e.seq));
        match (env.kind.as_str(), batch) {
            ("batch.drawn" | "result.recorded" | "result.corrected", Some(b))
                if b != IN_PROGRESS =>
            {
                assert_eq!(status, 200, "entry {}", e.seq);
                let seal = env.event["sealed"].as_str().unwrap();
                assert_eq!(shuangsui::canonical::sha256_hex(&body), seal);
                published_opened += 1;
            }
            // A follow-up written before its batch's publication is sealed until then, and
            // opened by it; one written after is public at once and has nothing to open.
            ("followup.measure" | "followup.closed", Some(b))
                if b != IN_PROGRESS && env.event.get("sealed").is_some() =>
            {
                assert_eq!(status, 200, "entry {}", e.seq);
                let seal = env.event["sealed"].as_str().unwrap();
                assert_eq!(shuangsui::canonical::sha256_hex(&body), seal);
                published_opened += 1;
            }
            _ => assert_eq!(
                status, 404,
                "entry {} ({}) must not be opened",
                e.seq, env.kind
            ),
        }
        if env.kind == "batch.published" {
            let sha = env.event["reveals_sha256"].as_str().unwrap();
            let (status, body) = get(&format!("/log/content/{sha}"));
            assert_eq!(status, 200);
            assert_eq!(shuangsui::canonical::sha256_hex(&body), sha);
        }
    }
    assert!(published_opened > 3);
    assert_eq!(get(&format!("/log/content/{}", "0".repeat(64))).0, 404);
    assert_eq!(get("/log/tile/0/x001/000").0, 404, "beyond the log");
    assert_eq!(get("/log/tile/0/0").0, 404, "not a tile path");
}

/// `shuangsui log monitor` on the served log, with its state in `state`.
fn monitor(base: &str, key: &str, state: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .args([
            "log",
            "monitor",
            &format!("{base}/log"),
            "--log-key",
            key,
            "--state",
        ])
        .arg(state)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_monitor_says_each_new_event_and_fails_on_a_fork() {
    let demo = demo();
    let key = cli(&demo.url, &demo.key, &["log", "key"])
        .trim()
        .to_string();
    let fork_dir = demo.dir.path().join("fork");
    copy_dir(demo.dir.path(), &fork_dir);
    let fork_url = format!("sqlite://{}", fork_dir.join("shuangsui.db").display());
    let (_server, base) = serve(&demo.url, &demo.key, &[]);
    let state = demo.dir.path().join("monitor");

    // From a cold start: every event, the in-progress batch's targets sealed.
    let (code, said) = monitor(&base, &key, &state, &[]);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.starts_with("OK ") && said.contains("(was 0)"),
        "{said}"
    );
    for words in [
        format!("批次 {PUBLISHED} 已承诺（抽查任务公告）"),
        format!("批次 {PUBLISHED} 已公示"),
        format!("批次 {IN_PROGRESS} 已抽取（唯一一次）"),
        "登记检查结果".to_string(),
        "新增用户".to_string(),
    ] {
        assert!(said.contains(&words), "{words}: {said}");
    }
    // Nothing new: nothing said.
    let (code, said) = monitor(&base, &key, &state, &[]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("0 new entries"), "{said}");
    // One new event.
    cli(
        &demo.url,
        &demo.key,
        &["user", "add", "审计二", "--role", "auditor"],
    );
    let (code, said) = monitor(&base, &key, &state, &[]);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("1 new entries") && said.contains("新增用户"),
        "{said}"
    );
    // A quorum of witnesses that did not cosign: refused.
    let w = shuangsui::witness::WitnessKey::from_seed("w.example/w", &[4; 32]).unwrap();
    let (code, said) = monitor(
        &base,
        &key,
        &state,
        &["--witness-key", &w.verifier().to_string()],
    );
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("0 valid cosignature(s)"), "{said}");

    // The fork, grown differently under the same key, shown to the same monitor.
    for name in ["别人", "又一人"] {
        cli(
            &fork_url,
            &fork_dir.join("log.key"),
            &["user", "add", name, "--role", "auditor"],
        );
    }
    let (_fork, fork_base) = serve(&fork_url, &fork_dir.join("log.key"), &[]);
    let (code, said) = monitor(&fork_base, &key, &state, &[]);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("FAIL") && said.contains("does not extend"),
        "{said}"
    );
    // And the state is unchanged: the original still checks out.
    let (code, said) = monitor(&base, &key, &state, &[]);
    assert_eq!(code, 0, "{said}");
}
