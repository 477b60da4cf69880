//! A real server: `shuangsui serve` on port 0 as its own process, spoken to over TCP, then
//! stopped with SIGTERM (graceful shutdown: it exits 0).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;

/// Kills the server if the test fails before stopping it.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Starts `command` (a server that prints `listening on http://HOST:PORT` first), its
/// standard error discarded; the process and the address it printed.
pub fn spawn_listening(command: &mut Command) -> (Server, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line}"))
        .to_string();
    (server, base)
}

/// `shuangsui serve` on port 0 over the database `url` with its key file; the server and
/// its base address (`http://127.0.0.1:PORT`).
pub fn serve(url: &str, key: &std::path::Path, extra: &[&str]) -> (Server, String) {
    spawn_listening(
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database", url])
            .arg("--key")
            .arg(key)
            .args(extra),
    )
}

#[test]
fn a_real_server_on_port_0_answers_and_stops_gracefully() {
    let demo = demo();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--database",
            &demo.url,
        ])
        .arg("--key")
        .arg(&demo.key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line}"))
        .to_string();
    assert!(!base.ends_with(":0"), "a real port was chosen: {base}");
    let agent = agent();
    let mut home = agent.get(format!("{base}/")).call().unwrap();
    assert_eq!(home.status(), 200);
    let text = home.body_mut().read_to_string().unwrap();
    assert!(text.contains(PUBLISHED), "{text}");
    let mut list = agent
        .get(format!("{base}/api/v1/public/batches"))
        .call()
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&list.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(v["published"].as_array().unwrap().len(), 3, "{v}");
    let me = agent
        .get(format!("{base}/api/v1/me"))
        .header("Authorization", &format!("Bearer {}", demo.officer))
        .call()
        .unwrap();
    assert_eq!(me.status(), 200);
    let no = agent.get(format!("{base}/api/v1/batches")).call().unwrap();
    assert_eq!(no.status(), 401);
    // SIGTERM: it finishes and exits 0.
    let pid = server.0.id() as libc::pid_t;
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit {status:?}");
    // Its logs are JSON lines, one per request among them.
    let logs: Vec<String> = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(!logs.is_empty());
    for l in &logs {
        serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"));
    }
    assert!(
        logs.iter()
            .any(|l| l.contains("failed authentication") || l.contains("/api/v1/batches")),
        "{logs:?}"
    );
}

#[test]
fn config_example_prints_a_file_that_serve_reads() {
    let out = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .args(["config", "example"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bind = \"127.0.0.1:8080\""), "{text}");
    let parsed = shuangsui::web::Settings::from_toml("example", &text).unwrap();
    assert_eq!(parsed, shuangsui::web::Settings::default());
    // A bad file is named with its key.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "bind = 8080\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .args(["serve", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("bad.toml") && said.contains("bind"), "{said}");
}
