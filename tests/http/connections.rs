//! Connection hardening on a real server (`shuangsui serve --config` on port 0): a request
//! head that never finishes is cut off after `header_timeout_secs`; connections are capped
//! in all and per address; an upload from a caller who may not upload is answered without
//! its body being read.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use super::*;

/// A served demo, killed when dropped.
struct Served {
    _server: super::server::Server,
    addr: String,
    _demo: Demo,
    pub corps: String,
    pub officer: String,
}

/// `shuangsui serve` over a fresh demo with `settings` (TOML lines) added to its file.
fn serve(settings: &str) -> Served {
    let demo = demo();
    let config = demo.dir.path().join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "bind = \"127.0.0.1:0\"\ndatabase = \"{}\"\nkey = \"{}\"\nlog_filter = \"warn\"\n{settings}\n",
            demo.url,
            demo.key.display()
        ),
    )
    .unwrap();
    let (server, base) = super::server::spawn_listening(
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .arg("serve")
            .arg("--config")
            .arg(&config),
    );
    let addr = base
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("address: {base}"))
        .to_string();
    Served {
        _server: server,
        addr,
        corps: demo.corps.clone(),
        officer: demo.officer.clone(),
        _demo: demo,
    }
}

fn connect(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s
}

/// Reads until the server closes the connection (or the read timeout); returns what came
/// and whether it was closed.
fn read_until_closed(s: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (got, false);
            }
            // Reset: closed too.
            Err(_) => return (got, true),
        }
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut s = connect(addr);
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    String::from_utf8_lossy(&read_until_closed(&mut s).0).into_owned()
}

#[test]
fn a_request_head_must_arrive_in_time() {
    let served = serve("header_timeout_secs = 1");
    let mut slow = connect(&served.addr);
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut slow);
    assert!(
        closed,
        "an unfinished head kept its connection open for 15 s"
    );
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "closed only after {:?}",
        started.elapsed()
    );
    // An idle connection (nothing sent at all) is closed the same way.
    let mut idle = connect(&served.addr);
    let (_, closed) = read_until_closed(&mut idle);
    assert!(closed, "an idle connection stayed open");
    // Complete requests are answered as before.
    assert!(get(&served.addr, "/healthz").starts_with("HTTP/1.1 200"));
}

#[test]
fn connections_are_capped_per_address() {
    let served = serve("max_connections_per_address = 3\nheader_timeout_secs = 60");
    let held: Vec<TcpStream> = (0..3).map(|_| connect(&served.addr)).collect();
    // The fourth from the same address is closed without an answer.
    let mut fourth = connect(&served.addr);
    let _ = fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    let (got, closed) = read_until_closed(&mut fourth);
    assert!(
        closed && got.is_empty(),
        "{}",
        String::from_utf8_lossy(&got)
    );
    // Once one of the three closes, there is room again.
    drop(held);
    let started = Instant::now();
    loop {
        let answer = get(&served.addr, "/healthz");
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{answer}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn connections_are_capped_in_all() {
    let served = serve("max_connections = 3\nheader_timeout_secs = 60");
    let mut held: Vec<TcpStream> = (0..3).map(|_| connect(&served.addr)).collect();
    // Give the server time to accept the three (it answers nothing to them yet).
    std::thread::sleep(Duration::from_millis(300));
    let mut waiting = connect(&served.addr);
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut buf = [0u8; 64];
    let early = waiting.read(&mut buf);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "a fourth connection was served while three were open: {early:?}"
    );
    // One closes: the waiting connection is accepted and answered.
    held.pop();
    waiting
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let (got, _) = read_until_closed(&mut waiting);
    assert!(
        String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

/// Sends upload headers declaring `declared` bytes and then only `sent` bytes, and reads
/// the answer (the server must answer without waiting for the rest).
fn partial_upload(addr: &str, token: Option<&str>, declared: usize, sent: usize) -> String {
    let mut s = connect(addr);
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "POST /api/v1/directories/entities HTTP/1.1\r\nHost: x\r\n{auth}\
         Content-Type: text/csv\r\nContent-Length: {declared}\r\n\r\n"
    )
    .unwrap();
    let _ = s.write_all(&vec![b'x'; sent]);
    let (got, _) = read_until_closed(&mut s);
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn a_refused_upload_is_answered_without_its_body() {
    let served = serve("");
    let anonymous = partial_upload(&served.addr, None, 200_000_000, 64 * 1024);
    assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
    assert!(anonymous.contains("\"unauthenticated\""), "{anonymous}");
    let officer = partial_upload(&served.addr, Some(&served.officer), 200_000_000, 64 * 1024);
    assert!(officer.starts_with("HTTP/1.1 403"), "{officer}");
    // Corps staff declaring more than the limit: 413 before the body.
    let corps = partial_upload(&served.addr, Some(&served.corps), 600_000_000, 64 * 1024);
    assert!(corps.starts_with("HTTP/1.1 413"), "{corps}");
    assert!(corps.contains("\"payload_too_large\""), "{corps}");
}
