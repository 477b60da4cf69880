//! `shuangsui verify` and the independent Python verifier on real exports (from
//! `shuangsui demo --no-serve`): an export that lacks an entry LOG.md says it carries, or
//! bytes that are not the canonical serialisation, are refused by both, naming what is
//! missing or where the bytes differ; input that is not an export or bundle at all exits 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use shuangsui::bundle::evidence::{self, Evidence};

const PUBLIC: &str = "SH-MZ-2026-YL-01";
const IN_PROGRESS: &str = "SH-MZ-2026-LH-01";

/// A demo database with its public export of a published batch and an auditor's export of
/// the batch in progress, made once for the binary.
struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn get() -> &'static Demo {
        static DEMO: OnceLock<Demo> = OnceLock::new();
        DEMO.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let demo = Demo { dir };
            let out = shuangsui(
                &["demo", "--no-serve", "--bind", "127.0.0.1:0", "--out"],
                &[demo.dir.path()],
            );
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            for (id, audience, file) in [
                (PUBLIC, "--public", "public.json"),
                (IN_PROGRESS, "--auditor", "auditor.json"),
            ] {
                let out = demo.db(
                    &["batch", "export", id, audience, "--out"],
                    &demo.path(file),
                );
                assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            }
            demo
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self, args: &[&str], last: &Path) -> Output {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.push(last.display().to_string());
        all.push("--database".into());
        all.push(format!("sqlite://{}", self.path("shuangsui.db").display()));
        all.push("--key".into());
        all.push(self.path("log.key").display().to_string());
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        shuangsui(&all, &[])
    }
}

fn shuangsui(args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(paths)
        .env_remove("DATABASE_URL")
        .env_remove("SHUANGSUI_LOG_KEY")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The Python verifier's exit code and output on `file`, or `None` without `python3`.
fn python(file: &Path) -> Option<(i32, String)> {
    let out = Command::new("python3")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("tests/python/verify_bundle.py")
        .arg(file)
        .output()
        .ok()?;
    Some((out.status.code().unwrap_or(-1), text(&out)))
}

/// Both verifiers give exit `code` on `file`, each saying `said`.
fn both_exit(file: &Path, code: i32, said: &str) {
    let out = shuangsui(&["verify"], &[file]);
    assert_eq!(out.status.code(), Some(code), "rust: {}", text(&out));
    assert!(
        text(&out).contains(said),
        "rust, expected {said:?}: {}",
        text(&out)
    );
    match python(file) {
        Some((c, shown)) => {
            assert_eq!(c, code, "python: {shown}");
            assert!(shown.contains(said), "python, expected {said:?}: {shown}");
        }
        None => eprintln!("SKIPPED the Python half: python3 is not installed"),
    }
}

/// The export `name` of the demo, split.
fn export(name: &str) -> (Vec<u8>, Evidence) {
    let bytes = std::fs::read(Demo::get().path(name)).unwrap();
    let (bundle, ev) = evidence::split(&bytes).unwrap().unwrap();
    (bundle.to_vec(), ev)
}

/// Writes an export of `bundle` with `ev` to a fresh file.
fn write_export(bundle: &[u8], ev: &Evidence, name: &str) -> PathBuf {
    let mut out = Vec::new();
    evidence::write(bundle, ev, &mut out).unwrap();
    let path = Demo::get().path(name);
    std::fs::write(&path, out).unwrap();
    path
}

fn kind_of(e: &evidence::ProvenEntry) -> String {
    let v: serde_json::Value = serde_json::from_str(&e.entry).unwrap();
    format!("{} {}", v["kind"].as_str().unwrap(), v["event"])
}

/// The export `name` without its first entry whose kind and event text contain `needle`.
fn without(name: &str, needle: &str, out: &str) -> PathBuf {
    let (bundle, mut ev) = export(name);
    let at = ev
        .entries
        .iter()
        .position(|e| kind_of(e).contains(needle))
        .unwrap_or_else(|| panic!("no entry with {needle}"));
    ev.entries.remove(at);
    write_export(&bundle, &ev, out)
}

#[test]
fn the_demo_exports_pass_both_verifiers() {
    for name in ["public.json", "auditor.json"] {
        both_exit(&Demo::get().path(name), 0, "PASS");
    }
}

#[test]
fn an_export_without_an_entry_it_promises_is_refused_by_both_verifiers() {
    let cases = [
        (
            "public.json",
            "\"table\":\"matters\",\"version\":1}",
            "the directory.snapshot entry of matters v1",
        ),
        (
            "public.json",
            "\"table\":\"entities\",\"version\":1}",
            "the directory.snapshot entry of entities v1",
        ),
        (
            "public.json",
            "\"result\":5,",
            "draw and result entries carried hash to",
        ),
        (
            "public.json",
            "batch.published",
            "neither a batch.published entry",
        ),
        (
            "public.json",
            "batch.created",
            "the batch.created entry of this batch is missing",
        ),
        (
            "public.json",
            "batch.committed",
            "the batch.committed entry of this batch is missing",
        ),
        (
            "auditor.json",
            "draw.started",
            "neither a batch.published entry",
        ),
        (
            "auditor.json",
            "batch.drawn",
            "the batch.drawn entry of this batch is missing",
        ),
    ];
    for (i, (name, needle, said)) in cases.into_iter().enumerate() {
        let file = without(name, needle, &format!("missing-{i}.json"));
        both_exit(&file, 1, said);
    }
}

#[test]
fn entries_out_of_order_or_of_another_batch_are_refused() {
    let (bundle, mut ev) = export("public.json");
    ev.entries.swap(0, 1);
    let file = write_export(&bundle, &ev, "swapped.json");
    both_exit(&file, 1, "in increasing seq");
    let (_, other) = export("auditor.json");
    let (bundle, mut ev) = export("public.json");
    let foreign = other
        .entries
        .iter()
        .find(|e| kind_of(e).starts_with("result.recorded"))
        .unwrap()
        .clone();
    let at = ev
        .entries
        .iter()
        .position(|e| e.seq > foreign.seq)
        .unwrap_or(ev.entries.len());
    ev.entries.insert(at, foreign);
    let file = write_export(&bundle, &ev, "foreign.json");
    both_exit(&file, 1, "in the export of batch 'SH-MZ-2026-YL-01'");
}

#[test]
fn bytes_that_are_not_the_canonical_serialisation_are_refused_by_both() {
    let mini = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/mini-bundle.json"),
    )
    .unwrap();
    let dir = Demo::get();
    // A space after the first key: the first difference is byte 14.
    let spaced = mini.replacen("{\"commitment\":", "{\"commitment\": ", 1);
    std::fs::write(dir.path("spaced.json"), &spaced).unwrap();
    both_exit(&dir.path("spaced.json"), 1, "differ from it at byte 14");
    // The last key moved to the front.
    let seed_at = mini.rfind(",\"seed\":").unwrap();
    let seed = &mini[seed_at + 1..mini.len() - 1];
    let reordered = format!("{{{seed},{}}}", &mini[1..seed_at]);
    std::fs::write(dir.path("reordered.json"), &reordered).unwrap();
    both_exit(&dir.path("reordered.json"), 1, "differ from it at byte 2");
    // A team written with a space inside the draw, after the commitment.
    let team = mini.find("\"team\":[").unwrap();
    let mut late = mini.clone();
    late.insert(team + "\"team\":".len(), ' ');
    std::fs::write(dir.path("late.json"), &late).unwrap();
    both_exit(
        &dir.path("late.json"),
        1,
        &format!("differ from it at byte {}", team + "\"team\":".len()),
    );

    // In an export: its bundle, and its log part.
    let (bundle, ev) = export("public.json");
    let mut spaced = bundle.clone();
    spaced.insert(b"{\"commitment\":".len(), b' ');
    let mut out = b"{\"bundle\":".to_vec();
    out.extend(&spaced);
    let mut tail = Vec::new();
    evidence::write(b"", &ev, &mut tail).unwrap();
    out.extend(&tail[b"{\"bundle\":".len()..]);
    std::fs::write(dir.path("export-spaced.json"), &out).unwrap();
    // Its SHA-256 is no longer the one the log's batch.drawn entry holds: refused there first.
    both_exit(&dir.path("export-spaced.json"), 1, "is not this bundle");
    let mut pretty = b"{\"bundle\":".to_vec();
    pretty.extend(&bundle);
    pretty.extend(b",\"format\":\"shuangsui-export/1\",\"log\":");
    pretty.extend(serde_json::to_vec_pretty(&ev).unwrap());
    pretty.push(b'}');
    std::fs::write(dir.path("export-pretty.json"), &pretty).unwrap();
    both_exit(
        &dir.path("export-pretty.json"),
        1,
        "/log: not the canonical (RFC 8785) serialisation",
    );
}

#[test]
fn input_that_is_not_an_export_or_a_bundle_exits_2_in_both() {
    let dir = Demo::get();
    let whole = std::fs::read(dir.path("public.json")).unwrap();
    for (name, bytes) in [
        ("half-export.json", whole[..whole.len() / 2].to_vec()),
        ("cut-log.json", whole[..whole.len() - 40].to_vec()),
        ("not-json.json", b"this is not JSON".to_vec()),
        ("empty.json", Vec::new()),
    ] {
        std::fs::write(dir.path(name), bytes).unwrap();
        both_exit(&dir.path(name), 2, "UNREADABLE");
    }
    both_exit(&dir.path("no-such-file.json"), 2, "UNREADABLE");
}
