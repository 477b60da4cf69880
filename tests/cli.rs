//! End-to-end tests of the `shuangsui` command: check → commit → draw → verify, exit codes,
//! and the error messages a clerk sees.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn shuangsui(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

const ENTROPY: &str = "王芳=3918207746,李强=0562283019";

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new() -> Run {
        Run {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn file(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
    fn commit(&self, plan: &Path) -> Output {
        self.commit_from(&common::fixture("mini"), plan)
    }
    /// Commits `plan` over the directory folder `registries` into `c.json`.
    fn commit_from(&self, registries: &Path, plan: &Path) -> Output {
        shuangsui(&[
            "commit",
            "--registries",
            path(registries),
            "--plan",
            path(plan),
            "--out",
            path(&self.file("c.json")),
        ])
    }
    fn draw(&self, entropy: &str, out: &str) -> Output {
        shuangsui(&[
            "draw",
            "--commitment",
            path(&self.file("c.json")),
            "--entropy",
            entropy,
            "--out",
            path(&self.file(out)),
        ])
    }
}

/// Every problem of `tests/fixtures/broken`, as `registries check` and `commit` name them.
const BROKEN_PROBLEMS: &[&str] = &[
    "entities.csv:3: column 'uscc': 校验码是",
    "entities.csv:5: column 'credit_grade': 「E」不是 A, B, C, D 之一 / 'E' is not one of A, B, C, D",
    "entities.csv:8: column 'uscc':",
    "duplicates line 2",
    "officers.csv:4: column 'card_valid_until': 「2028-02-30」不是 YYYY-MM-DD 格式的日期",
    "officers.csv:7: column 'card_no': 「T-004」与第 6 行重复 / 'T-004' duplicates line 6",
    "recusals.csv:2: column 'card_no': officer 'NOBODY' is not in officers.csv",
    "history.csv:3: column 'matter_code': matter 'NO-SUCH-MATTER' is not in matters.csv",
    "8 problem(s)",
];

/// A copy of the `mini` fixture folder in `dir`, with `edit` applied to its entity file.
fn mini_with_entities(dir: &Path, edit: impl FnOnce(String) -> String) {
    std::fs::create_dir(dir).unwrap();
    for f in [
        "entities.csv",
        "officers.csv",
        "matters.csv",
        "recusals.csv",
        "history.csv",
    ] {
        std::fs::copy(common::fixture("mini").join(f), dir.join(f)).unwrap();
    }
    let entities = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    std::fs::write(dir.join("entities.csv"), edit(entities)).unwrap();
}

#[test]
fn registries_check_passes_a_good_folder_and_lists_every_bad_row() {
    let ok = shuangsui(&["registries", "check", path(&common::fixture("mini"))]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(text(&ok.stdout).starts_with("OK "), "{}", text(&ok.stdout));
    assert!(text(&ok.stdout).contains("40 entities, 10 officers"));

    let bad = shuangsui(&["registries", "check", path(&common::fixture("broken"))]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    for expected in BROKEN_PROBLEMS {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn a_missing_folder_or_column_is_named() {
    let run = Run::new();
    let out = shuangsui(&["registries", "check", path(&run.file("nowhere"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("entities.csv: cannot read"));

    let dir = run.file("dir");
    mini_with_entities(&dir, |e| e);
    let officers = std::fs::read_to_string(dir.join("officers.csv")).unwrap();
    std::fs::write(
        dir.join("officers.csv"),
        officers.replacen("card_valid_until", "valid", 1),
    )
    .unwrap();
    let out = shuangsui(&["registries", "check", path(&dir)]);
    let err = text(&out.stderr);
    assert!(
        err.contains("officers.csv:1: column 'valid': 未知的列"),
        "{err}"
    );
    assert!(
        err.contains(
            "officers.csv:1: column 'card_valid_until': 缺少必需的列 / required column is missing"
        ),
        "{err}"
    );
}

#[test]
fn commit_refuses_a_bad_directory_naming_every_bad_row_and_writes_nothing() {
    // commit reads entities in their snapshot form, but validates every field as check does.
    let run = Run::new();
    let out = run.file("c.json");
    let plan = common::fixture("mini/plan.toml");
    let c = run.commit_from(&common::fixture("broken"), &plan);
    assert_eq!(c.status.code(), Some(1));
    let err = text(&c.stderr);
    for expected in BROKEN_PROBLEMS.iter().chain(&["nothing committed"]) {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(!out.exists(), "nothing is written");

    // A bad value in a column the snapshot leaves out (the address) is refused all the same,
    // at its line (the mini fixture has CRLF line ends, as Excel writes them).
    let dir = run.file("long-address");
    mini_with_entities(&dir, |e| {
        e.replacen("黄浦区测试路0号", &"长".repeat(501), 1)
    });
    let c = run.commit_from(&dir, &plan);
    assert_eq!(c.status.code(), Some(1));
    let err = text(&c.stderr);
    assert!(
        err.contains(
            "entities.csv:2: column 'address': 超过 500 个字符 / is longer than 500 characters"
        ),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn commit_draw_verify_round_trip_is_byte_identical() {
    let run = Run::new();
    let plan = common::fixture("mini/plan.toml");
    let c = run.commit(&plan);
    assert_eq!(c.status.code(), Some(0), "{}", text(&c.stderr));
    let hash = text(&c.stdout).trim().to_string();
    assert_eq!(hash.len(), 64);

    let d1 = run.draw(ENTROPY, "b1.json");
    assert_eq!(d1.status.code(), Some(0), "{}", text(&d1.stderr));
    let d2 = run.draw("李强=0562283019,王芳=3918207746", "b2.json");
    assert_eq!(d2.status.code(), Some(0));
    let b1 = std::fs::read(run.file("b1.json")).unwrap();
    assert_eq!(
        b1,
        std::fs::read(run.file("b2.json")).unwrap(),
        "same inputs, same bytes"
    );
    assert_eq!(
        b1,
        std::fs::read(common::fixture("../vectors/mini-bundle.json")).unwrap()
    );

    let v = shuangsui(&[
        "verify",
        path(&run.file("b1.json")),
        "--expect-commitment",
        &hash,
    ]);
    assert_eq!(v.status.code(), Some(0));
    assert!(
        text(&v.stdout).starts_with("PASS plan TEST-2026-01"),
        "{}",
        text(&v.stdout)
    );

    let wrong = "0".repeat(64);
    let v = shuangsui(&[
        "verify",
        path(&run.file("b1.json")),
        "--expect-commitment",
        &wrong,
    ]);
    assert_eq!(v.status.code(), Some(1));
    assert!(text(&v.stdout).starts_with("FAIL /commitment/hash"));
}

#[test]
fn a_commitment_file_with_white_space_draws_the_same_bundle() {
    // draw copies a canonical commitment file into the bundle as it is; any other file
    // (here pretty-printed by an editor) gives the same canonical bundle, written anew.
    let run = Run::new();
    let c = run.commit(&common::fixture("mini/plan.toml"));
    assert_eq!(c.status.code(), Some(0), "{}", text(&c.stderr));
    let canonical = std::fs::read(run.file("c.json")).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&canonical).unwrap();
    std::fs::write(
        run.file("c.json"),
        serde_json::to_vec_pretty(&value).unwrap(),
    )
    .unwrap();
    let d = run.draw(ENTROPY, "b.json");
    assert_eq!(d.status.code(), Some(0), "{}", text(&d.stderr));
    assert_eq!(
        std::fs::read(run.file("b.json")).unwrap(),
        std::fs::read(common::fixture("../vectors/mini-bundle.json")).unwrap()
    );
}

#[test]
fn a_draw_is_never_overwritten_and_bad_entropy_is_named() {
    let run = Run::new();
    assert_eq!(
        run.commit(&common::fixture("mini/plan.toml")).status.code(),
        Some(0)
    );
    let again = run.commit(&common::fixture("mini/plan.toml"));
    assert_ne!(again.status.code(), Some(0));
    assert!(text(&again.stderr).contains("already exists"));

    for (entropy, message) in [
        ("王芳=3918207746", "witness '李强' gave no digits"),
        (
            "王芳=3918207746,李强=056228301",
            "'李强' must give exactly 10 digits",
        ),
        (
            "王芳=3918207746,李强=0562283019,张伟=1234567890",
            "'张伟' is not a declared witness",
        ),
        ("王芳:3918207746", "is not of the form WITNESS=DIGITS"),
    ] {
        let out = run.draw(entropy, "b.json");
        assert_eq!(out.status.code(), Some(1), "{entropy}");
        assert!(
            text(&out.stderr).contains(message),
            "{entropy}: {}",
            text(&out.stderr)
        );
        assert!(!run.file("b.json").exists(), "nothing written on error");
    }
    assert_eq!(run.draw(ENTROPY, "b.json").status.code(), Some(0));
    let again = run.draw(ENTROPY, "b.json");
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("never overwritten"));
}

#[test]
fn verify_fails_on_a_changed_team_and_reports_unreadable_input() {
    let run = Run::new();
    let bundle = std::fs::read_to_string(common::fixture("../vectors/mini-bundle.json")).unwrap();
    let first_team = bundle.find("\"team\":[\"T-0").unwrap() + "\"team\":[\"T-0".len();
    let mut tampered = bundle.clone();
    let digit = if &bundle[first_team..first_team + 2] == "09" {
        "00"
    } else {
        "09"
    };
    tampered.replace_range(first_team..first_team + 2, digit);
    std::fs::write(run.file("t.json"), tampered).unwrap();
    let out = shuangsui(&["verify", path(&run.file("t.json"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("FAIL /draw/strata/0/targets/0/team"),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(run.file("junk.json"), "not json").unwrap();
    let out = shuangsui(&["verify", path(&run.file("junk.json"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("UNREADABLE"));
    assert_eq!(
        shuangsui(&["verify", path(&run.file("missing.json"))])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn an_invalid_plan_is_refused_with_every_problem_named() {
    let run = Run::new();
    let plan = std::fs::read_to_string(common::fixture("mini/plan.toml")).unwrap();
    let bad = plan
        .replace("size = 2", "size = 1")
        .replace("ratio = \"50%\"", "ratio = \"0.5\"")
        .replace("\"T-SZ-01\"]", "\"T-SZ-99\"]");
    std::fs::write(run.file("plan.toml"), &bad).unwrap();
    let out = run.commit(&run.file("plan.toml"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("ratio '0.5' must be written as a fraction"),
        "{err}"
    );

    let bad = plan
        .replace("size = 2", "size = 1")
        .replace("\"T-SZ-01\"]", "\"T-SZ-99\"]");
    std::fs::write(run.file("plan2.toml"), &bad).unwrap();
    let out = shuangsui(&[
        "commit",
        "--registries",
        path(&common::fixture("mini")),
        "--plan",
        path(&run.file("plan2.toml")),
        "--out",
        path(&run.file("c2.json")),
    ]);
    let err = text(&out.stderr);
    assert!(
        err.contains("team.size is 1: a team has at least 2 officers"),
        "{err}"
    );
    assert!(!run.file("c2.json").exists());
    let bad = plan.replace("\"T-SZ-01\"]", "\"T-SZ-99\"]");
    std::fs::write(run.file("plan3.toml"), &bad).unwrap();
    let out = shuangsui(&[
        "commit",
        "--registries",
        path(&common::fixture("mini")),
        "--plan",
        path(&run.file("plan3.toml")),
        "--out",
        path(&run.file("c3.json")),
    ]);
    assert!(
        text(&out.stderr).contains("matters: 'T-SZ-99' is not in the matter list"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn integers_beyond_what_json_writes_exactly_are_refused() {
    let run = Run::new();
    let plan = std::fs::read_to_string(common::fixture("mini/plan.toml")).unwrap();
    let big = plan.replace("minimum = 2", "minimum = 9007199254740993");
    std::fs::write(run.file("plan.toml"), big).unwrap();
    let out = run.commit(&run.file("plan.toml"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("strata[0].minimum must be at most 9007199254740991"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_filter_value_that_names_nothing_is_refused() {
    let run = Run::new();
    let plan = std::fs::read_to_string(common::fixture("mini/plan.toml")).unwrap();
    let typo = plan.replace(
        "statuses = [\"正常\"]",
        "statuses = [\"正常\"]\ndistricts = [\"浦东\"]",
    );
    std::fs::write(run.file("plan.toml"), typo).unwrap();
    let out = run.commit(&run.file("plan.toml"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("population.districts: '浦东' is the district of no entity (in the directory: 徐汇, 静安, 黄浦)"),
        "{err}"
    );
    assert!(!run.file("c.json").exists());
}

#[test]
fn a_plan_or_batch_id_outside_the_rule_is_refused_naming_the_file_and_field() {
    let run = Run::new();
    let plan = std::fs::read_to_string(common::fixture("mini/plan.toml")).unwrap();
    for (bad, said) in [
        ("../../etc/passwd", "id '../../etc/passwd' starts with '.'"),
        (
            "<script>x</script>",
            "id '<script>x</script>' starts with '<'",
        ),
        ("SH/2026", "id 'SH/2026' contains '/'"),
    ] {
        let file = run.file("plan.toml");
        std::fs::write(&file, plan.replace("TEST-2026-01", bad)).unwrap();
        let out = run.commit(&file);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = text(&out.stderr);
        assert!(
            err.contains(path(&file))
                && err.contains(said)
                && err.contains("a batch id is 1 to 64 characters from A-Z a-z 0-9 . _ -"),
            "{bad}: {err}"
        );
        assert!(!run.file("c.json").exists());
    }
    // A batch id argument: refused before any database is opened.
    let db = format!("sqlite://{}", path(&run.file("none.db")));
    for args in [
        vec!["batch", "status", "../x"],
        vec!["batch", "export", "a/b", "--public", "--out", "x.json"],
        vec![
            "result",
            "record",
            "<b>",
            "U",
            "--officer",
            "O",
            "--codes",
            "1",
            "--date",
            "2026-01-01",
        ],
    ] {
        let out = shuangsui(&[args.as_slice(), &["--database", &db]].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("a batch id is 1 to 64 characters"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert!(!run.file("none.db").exists());
    // A bundle whose plan id breaks the rule fails verification at the id, in both verifiers.
    let bundle = std::fs::read_to_string(common::fixture("../vectors/mini-bundle.json")).unwrap();
    std::fs::write(
        run.file("b.json"),
        bundle.replace("\"id\":\"TEST-2026-01\"", "\"id\":\"TEST/2026-01\""),
    )
    .unwrap();
    let out = shuangsui(&["verify", path(&run.file("b.json"))]);
    assert_eq!(out.status.code(), Some(1));
    // Chinese first, then the English the Python verifier writes too.
    let said = text(&out.stdout);
    assert!(
        said.contains("/commitment/header/plan: id 批次编号须为")
            && said.contains(" / id 'TEST/2026-01' contains '/'"),
        "{said}"
    );
    if let Ok(out) = Command::new("python3")
        .arg(common::fixture("../python/verify_bundle.py"))
        .arg(run.file("b.json"))
        .output()
    {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stdout)
                .contains("FAIL /commitment/header/plan/id: \"TEST/2026-01\" is not a batch id"),
            "{}",
            text(&out.stdout)
        );
    }
}

/// Runs `args` with standard output into a pipe whose reading end is already closed.
fn into_a_closed_pipe(args: &[&str]) -> Output {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_goes_away_ends_a_printing_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let run = Run::new();
    let out = shuangsui(&["demo", "--no-serve", "--out", path(run.dir.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let db = format!("sqlite://{}", path(&run.file("shuangsui.db")));
    let key = run.file("log.key");
    let with_db = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend([
            "--database".into(),
            db.clone(),
            "--key".into(),
            path(&key).into(),
        ]);
        all
    };
    for args in [
        with_db(&["batch", "status"]),
        with_db(&["batch", "status", "SH-MZ-2026-YL-01"]),
        with_db(&["log", "verify"]),
        vec!["result".to_string(), "codes".to_string()],
        vec!["config".to_string(), "example".to_string()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = into_a_closed_pipe(&args);
        let quiet = out.status.code() == Some(0) || out.status.signal() == Some(libc::SIGPIPE);
        assert!(
            quiet && !text(&out.stderr).contains("panicked"),
            "{args:?}: {:?} {}",
            out.status,
            text(&out.stderr)
        );
    }
}

/// A folder in GBK (entities) and `.xlsx` (officers, their dates as date cells) is the same
/// directory as the UTF-8 CSV folder: `registries check` reads it, and the offline `commit`
/// gives the same commitment hash. An old `.xls`, under any name, is refused in Chinese.
#[test]
fn gbk_and_xlsx_folders_check_and_commit_to_the_same_hash() {
    let run = Run::new();
    let plan = common::fixture("mini/plan.toml");
    let utf8 = run.commit(&plan);
    assert_eq!(utf8.status.code(), Some(0), "{}", text(&utf8.stderr));
    std::fs::remove_file(run.file("c.json")).unwrap();

    let dir = run.file("excel");
    mini_with_entities(&dir, |e| e);
    let entities = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&entities);
    assert!(!unmappable);
    std::fs::write(dir.join("entities.csv"), gbk).unwrap();
    let officers = std::fs::read_to_string(dir.join("officers.csv")).unwrap();
    let workbook = common::xlsx_from_csv(&officers, "officers", &["card_valid_until"]);
    std::fs::write(dir.join("officers.xlsx"), workbook).unwrap();
    std::fs::remove_file(dir.join("officers.csv")).unwrap();
    let check = shuangsui(&["registries", "check", path(&dir)]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(text(&check.stdout).contains("40 entities, 10 officers"));
    let excel = run.commit_from(&dir, &plan);
    assert_eq!(excel.status.code(), Some(0), "{}", text(&excel.stderr));
    assert_eq!(
        text(&excel.stdout),
        text(&utf8.stdout),
        "one commitment hash"
    );

    let xls = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0; 512]].concat();
    std::fs::write(dir.join("officers.xlsx"), &xls).unwrap();
    for args in [
        vec!["registries", "check", path(&dir)],
        vec![
            "commit",
            "--registries",
            path(&dir),
            "--plan",
            path(&plan),
            "--out",
            path(&run.file("x.json")),
        ],
    ] {
        let out = shuangsui(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("officers.xlsx: 是旧版 Excel 工作簿（.xls）"),
            "{err}"
        );
        assert!(err.contains("请另存为 .xlsx 或 CSV UTF-8"), "{err}");
    }
    assert!(!run.file("x.json").exists(), "nothing written");
}
