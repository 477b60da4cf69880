//! A batch page's "如何核验", followed literally by someone with only Python 3 and curl: the
//! commands the page prints are run as printed, in an empty folder, against a real server
//! (whose public address the page shows); they download the export and the site's own
//! standard-library verifier, which must PASS it. The specifications it links are served.

use std::process::Command;

use super::server::{agent, spawn_listening};
use super::*;

/// The text of the first `<code id="verify-commands">` block, unescaped.
fn commands(html: &str) -> String {
    let start = html
        .find("<code id=\"verify-commands\">")
        .expect("the commands block")
        + "<code id=\"verify-commands\">".len();
    let end = start + html[start..].find("</code>").unwrap();
    html[start..end]
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn the_commands_on_a_batch_page_work_when_followed_literally() {
    let demo = demo();
    // A free port, so that the page can print the server's own address.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = format!("http://127.0.0.1:{port}");
    let (_server, base) = spawn_listening(
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database",
                &demo.url,
            ])
            .arg("--key")
            .arg(&demo.key)
            .args(["--public-url", &site]),
    );
    assert_eq!(base, site);
    let mut page = agent()
        .get(format!("{base}/batches/{PUBLISHED}"))
        .call()
        .unwrap();
    let html = page.body_mut().read_to_string().unwrap();
    let script = commands(&html);
    assert!(script.contains("python3 verify_bundle.py"), "{script}");
    assert!(
        script
            .lines()
            .all(|l| l.starts_with("curl ") || l.starts_with("python3 ")),
        "needs nothing of ours: {script}"
    );
    let folder = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .args(["-e", "-c", &script])
        .current_dir(folder.path())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script}\n{said}");
    assert!(said.contains("PASS log") && said.contains("PASS"), "{said}");
    // The linked specifications are served, as text and as pages.
    for (path, content_type) in [
        ("/docs/DRAW-SPEC.md", "text/plain"),
        ("/docs/LOG.md", "text/plain"),
        ("/docs/DRAW-SPEC", "text/html"),
        ("/docs/LOG", "text/html"),
        ("/verify/tlog_client.py", "text/x-python"),
    ] {
        let mut r = agent().get(format!("{base}{path}")).call().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{path}"
        );
        assert!(
            html.contains(&format!("href=\"{path}\"")),
            "{path} is linked"
        );
        let body = r.body_mut().read_to_string().unwrap();
        assert!(body.len() > 1000);
        if content_type == "text/html" {
            assert!(body.contains("<table>") && body.contains("<h2>"), "{body}");
        }
    }
}
