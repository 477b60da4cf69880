//! The database commands as a clerk types them: exit codes, what they print, and the
//! exported bundle checked by `shuangsui verify` (SQLite; the story suite covers
//! PostgreSQL).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Clerk {
    dir: tempfile::TempDir,
}

impl Clerk {
    fn new() -> Clerk {
        Clerk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `shuangsui ARGS --database … --key …`.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .arg("--database")
            .arg(format!("sqlite://{}", self.path("corps.db").display()))
            .arg("--key")
            .arg(self.path("log.key"))
            .env_remove("DATABASE_URL")
            .env_remove("SHUANGSUI_LOG_KEY")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        text(&out)
    }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sample(file: &str) -> String {
    Path::new("registries/shanghai")
        .join(file)
        .display()
        .to_string()
}

fn verify(file: &Path, key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    cmd.arg("verify").arg(file);
    if let Some(k) = key {
        cmd.args(["--log-key", k]);
    }
    cmd.output().unwrap()
}

#[test]
fn a_clerk_runs_a_batch_from_import_to_an_export_anyone_verifies() {
    let c = Clerk::new();
    let key = c.ok(&["init"]).trim().to_string();
    assert!(key.starts_with("shuangsui.local/log+"), "{key}");
    assert!(text(&c.run(&["init"])).contains("initialised already"));
    assert_eq!(c.ok(&["log", "key"]).trim(), key);

    // Entities as GBK (what Excel in China saves): detected and said.
    let utf8 = std::fs::read_to_string(sample("entities.csv")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&utf8);
    std::fs::write(c.path("entities-gbk.csv"), &gbk).unwrap();
    let out = c.ok(&[
        "import",
        "entities",
        c.path("entities-gbk.csv").to_str().unwrap(),
    ]);
    assert!(
        out.contains("imported entities v1: 1300 rows") && out.contains("read as GBK"),
        "{out}"
    );
    assert!(
        c.ok(&["import", "entities", &sample("entities.csv")])
            .contains("unchanged")
    );
    // A bad file: every bad row, nothing imported.
    std::fs::write(c.path("bad.csv"), "card_no,name,department,district,sectors,card_valid_until,status\nA1,张三,市民政执法总队,黄浦,养老服务,2026-13-01,在岗\n").unwrap();
    let why = c.refused(&["import", "officers", c.path("bad.csv").to_str().unwrap()]);
    assert!(
        why.contains("bad.csv:2: column 'card_valid_until'") && why.contains("nothing imported"),
        "{why}"
    );
    // An old .xls workbook: the advice to save it again, in Chinese, naming the file.
    let xls = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0; 512]].concat();
    std::fs::write(c.path("officers.xls"), xls).unwrap();
    let why = c.refused(&[
        "import",
        "officers",
        c.path("officers.xls").to_str().unwrap(),
    ]);
    assert!(
        why.contains("officers.xls: 是旧版 Excel 工作簿（.xls）")
            && why.contains("请另存为 .xlsx 或 CSV UTF-8")
            && why.contains("nothing imported"),
        "{why}"
    );
    for kind in ["officers", "matters", "recusals", "history"] {
        c.ok(&["import", kind, &sample(&format!("{kind}.csv")), "--quiet"]);
    }

    // Results are dated today: the plan's inspection window is moved to start today.
    let today = shuangsui::app::batch::china_today();
    let funeral = std::fs::read_to_string(sample("plans/funeral.toml")).unwrap();
    let dated =
        shuangsui::plan::window::with_window(&funeral, today, today + chrono::Days::new(45));
    std::fs::write(c.path("funeral.toml"), dated).unwrap();
    let out = c.ok(&[
        "batch",
        "create",
        "--plan",
        c.path("funeral.toml").to_str().unwrap(),
    ]);
    assert!(out.contains("created batch SH-MZ-2026-BZ-01"), "{out}");
    let hash = c
        .ok(&["batch", "commit", "SH-MZ-2026-BZ-01"])
        .trim()
        .to_string();
    assert_eq!(hash.len(), 64, "{hash}");
    let why = c.refused(&["batch", "draw", "SH-MZ-2026-BZ-01", "--entropy", "黄雅琴=1"]);
    assert!(why.contains("--entropy"), "{why}");
    let entropy = "黄雅琴=0908507806,徐振华=5207762856";
    let out = c.ok(&["batch", "draw", "SH-MZ-2026-BZ-01", "--entropy", entropy]);
    assert!(out.contains("seed ") && out.contains("drawn"), "{out}");
    let why = c.refused(&["batch", "draw", "SH-MZ-2026-BZ-01", "--entropy", entropy]);
    // Named by the API's code, Chinese then English.
    assert!(
        why.contains("[refused] 批次 SH-MZ-2026-BZ-01 已于"),
        "{why}"
    );
    assert!(why.contains("drawn already"), "{why}");

    // The first target's team records; anyone else is refused.
    let status = c.ok(&["batch", "status", "SH-MZ-2026-BZ-01"]);
    let first = status
        .lines()
        .find(|l| l.contains(" team ") && !l.contains("unstaffed"))
        .unwrap();
    let words: Vec<&str> = first.split_whitespace().collect();
    let uscc = words[1];
    let team = words[words.iter().position(|w| *w == "team").unwrap() + 1];
    let officer = team.split(',').next().unwrap();
    let today = today.to_string();
    let why = c.refused(&[
        "result",
        "record",
        "SH-MZ-2026-BZ-01",
        uscc,
        "--officer",
        "NOBODY",
        "--codes",
        "1",
        "--date",
        &today,
    ]);
    assert!(why.contains("not in the team"), "{why}");
    // The empty form (检查表单), filled: item 04 not compliant, with its finding and measure.
    let form: serde_json::Value =
        serde_json::from_str(&c.ok(&["result", "form", "SH-MZ-2026-BZ-01"])).unwrap();
    assert_eq!(form["matters"], serde_json::json!(["MZ-BZ-01", "MZ-BZ-02"]));
    let mut filled = serde_json::json!([form["template"][0].clone()]);
    for item in filled[0]["items"].as_array_mut().unwrap() {
        item["answer"] = "符合".into();
    }
    filled[0]["items"][3]["answer"] = "不符合".into();
    filled[0]["items"][3]["finding"] = "火化登记台账缺失".into();
    filled[0]["items"][3]["measure"] = "责令限期整改".into();
    let (good, bad) = (c.path("filled.json"), c.path("bad.json"));
    std::fs::write(&good, filled.to_string()).unwrap();
    std::fs::write(&bad, "{").unwrap();
    let record = |codes: &str, file: &Path| {
        vec![
            "result".to_string(),
            "record".into(),
            "SH-MZ-2026-BZ-01".into(),
            uscc.into(),
            "--officer".into(),
            officer.into(),
            "--codes".into(),
            codes.into(),
            "--date".into(),
            today.clone(),
            "--note".into(),
            "台账缺失".into(),
            "--checklist".into(),
            file.display().to_string(),
        ]
    };
    let why = c.refused(&strs(&record("1", &bad)));
    assert!(
        why.contains("bad.json") && why.contains("不是检查表单"),
        "{why}"
    );
    let why = c.refused(&strs(&record("1", &good)));
    assert!(
        why.contains("item 04") && why.contains("未发现问题"),
        "{why}"
    );
    let out = c.ok(&strs(&record("A,2,BZ05", &good)));
    assert!(
        out.contains("recorded result #1") && out.contains("2,BZ05,A"),
        "{out}"
    );
    let why = c.refused(&["batch", "publish", "SH-MZ-2026-BZ-01"]);
    assert!(why.contains("no result yet"), "{why}");
    // Review (审核): a reviewer returns result #1 with a reason; it is not approved until
    // corrected; the corps reviews nothing.
    c.ok(&["user", "add", "审核一", "--role", "reviewer"]);
    c.ok(&["user", "add", "总队一", "--role", "corps"]);
    let awaiting = c.ok(&["result", "awaiting", "SH-MZ-2026-BZ-01"]);
    assert!(
        awaiting.starts_with("#1 ") && awaiting.contains(uscc),
        "{awaiting}"
    );
    let why = c.refused(&[
        "result",
        "approve",
        "SH-MZ-2026-BZ-01",
        "1",
        "--reviewer",
        "总队一",
    ]);
    assert!(why.contains("only a reviewer"), "{why}");
    let out = c.ok(&[
        "result",
        "return",
        "SH-MZ-2026-BZ-01",
        "1",
        "--reviewer",
        "审核一",
        "--reason",
        "台账缺失的具体项目未写明",
    ]);
    assert!(
        out.contains("result #1 of batch SH-MZ-2026-BZ-01 returned"),
        "{out}"
    );
    let why = c.refused(&[
        "result",
        "approve",
        "SH-MZ-2026-BZ-01",
        "1",
        "--reviewer",
        "审核一",
    ]);
    assert!(
        why.contains("已退回") && why.contains("correction"),
        "{why}"
    );
    let status = c.ok(&["batch", "status", "SH-MZ-2026-BZ-01"]);
    assert!(
        status.contains("1 recorded, 0 awaiting review, 1 returned, 0 approved")
            && status.contains("(returned)"),
        "{status}"
    );
    let list = c.ok(&["batch", "status"]);
    assert!(
        list.contains("SH-MZ-2026-BZ-01") && list.contains("results"),
        "{list}"
    );
    // Follow-up (后续处置): the returned finding is pending; corrected and approved, only the
    // corps records a measure and closes it, once.
    let b = "SH-MZ-2026-BZ-01";
    let measure = |by: &'static str| {
        let mut a = vec!["followup", "measure", b, uscc, "--measure", "责令限期整改"];
        a.extend([
            "--due",
            today.as_str(),
            "--note",
            "限期整改台账",
            "--by",
            by,
        ]);
        a
    };
    let why = c.refused(&measure("总队一"));
    assert!(why.contains("not approved"), "{why}");
    c.ok(&[
        "result",
        "record",
        b,
        uscc,
        "--officer",
        officer,
        "--codes",
        "A,2,BZ05",
        "--date",
        &today,
        "--note",
        "台账缺失：收费台账",
        "--corrects",
        "1",
    ]);
    c.ok(&["result", "approve", b, "2", "--reviewer", "审核一"]);
    let why = c.refused(&measure("审核一"));
    assert!(why.contains("only the corps"), "{why}");
    let out = c.ok(&measure("总队一"));
    assert!(
        out.contains("measure 责令限期整改") && out.contains(&format!("due {today}")),
        "{out}"
    );
    let open = c.ok(&["followup", "list", "--open"]);
    assert!(
        open.contains(uscc) && open.contains(" open (未完结) 1 measure(s)"),
        "{open}"
    );
    let out = c.ok(&[
        "followup",
        "close",
        b,
        uscc,
        "--on",
        &today,
        "--outcome",
        "corrected",
        "--text",
        "已补齐收费台账",
        "--by",
        "总队一",
    ]);
    assert!(out.contains(&format!("closed on {today}: 已整改")), "{out}");
    let why = c.refused(&measure("总队一"));
    assert!(why.contains("no more measures"), "{why}");
    let status = c.ok(&["batch", "status", b]);
    assert!(
        status.contains("follow-up   0 open, 0 overdue, 1 closed"),
        "{status}"
    );
    assert_eq!(
        c.ok(&["followup", "list", "--overdue"]).trim(),
        "no follow-ups"
    );

    // The auditor's export verifies with the published key, and not with another.
    let export = c.path("bz.export.json");
    c.ok(&[
        "batch",
        "export",
        "SH-MZ-2026-BZ-01",
        "--auditor",
        "--out",
        export.to_str().unwrap(),
    ]);
    let out = verify(&export, Some(&key));
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&format!("commitment {hash}")) && shown.contains("PASS log"),
        "{shown}"
    );
    let other = Clerk::new();
    let other_key = other.ok(&["init"]).trim().to_string();
    let out = verify(&export, Some(&other_key));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // A result changed inside the export: it is sealed in its entry, so its opening no longer
    // hashes to the seal the proven entry carries.
    let bytes = std::fs::read_to_string(&export).unwrap();
    let tampered = bytes.replacen("台账缺失", "台账齐全", 1);
    assert_ne!(tampered, bytes);
    std::fs::write(c.path("tampered.json"), tampered).unwrap();
    let out = verify(&c.path("tampered.json"), Some(&key));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("opening: the opening does not hash to the entry's seal"),
        "{}",
        text(&out)
    );
    // A public export waits for publication.
    let why = c.refused(&[
        "batch",
        "export",
        "SH-MZ-2026-BZ-01",
        "--public",
        "--out",
        c.path("p.json").to_str().unwrap(),
    ]);
    assert!(why.contains("published"), "{why}");

    let note = c.ok(&["log", "checkpoint"]);
    assert!(
        note.starts_with("shuangsui.local/log\n") && note.contains("\n— shuangsui.local/log "),
        "{note}"
    );
    let proof = c.ok(&["log", "prove", "0"]);
    assert!(
        proof.contains("\"proof\"") && proof.contains("log.init"),
        "{proof}"
    );
    let out = c.ok(&["log", "verify", "--verifier-key", &key]);
    assert!(out.starts_with("PASS log:"), "{out}");
}

#[test]
fn changes_need_the_log_key_and_an_initialised_database() {
    let c = Clerk::new();
    let out = c.run(&["batch", "status"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("shuangsui init"), "{}", text(&out));
    c.ok(&["init"]);
    std::fs::rename(c.path("log.key"), c.path("elsewhere.key")).unwrap();
    let out = c.run(&["import", "matters", &sample("matters.csv")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("key file"), "{}", text(&out));
    // Reading still works without the key.
    assert!(c.ok(&["batch", "status"]).contains("no batches yet"));
}

/// Matters as JSON Lines, made from the sample's CSV (the same content).
fn matters_jsonl() -> String {
    let mut reader = csv::Reader::from_path(sample("matters.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let object: serde_json::Map<String, serde_json::Value> = headers
                .iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect();
            serde_json::Value::Object(object).to_string() + "\n"
        })
        .collect()
}

#[test]
fn json_lines_import_and_a_rewritten_entry_fails_log_verify_by_name() {
    let c = Clerk::new();
    c.ok(&["init"]);
    std::fs::write(c.path("matters.jsonl"), matters_jsonl()).unwrap();
    let out = c.ok(&[
        "import",
        "matters",
        c.path("matters.jsonl").to_str().unwrap(),
    ]);
    assert!(out.contains("imported matters v1: 14 rows"), "{out}");
    // The same content as CSV is recognised.
    assert!(
        c.ok(&["import", "matters", &sample("matters.csv")])
            .contains("unchanged")
    );
    for kind in ["entities", "officers", "recusals", "history"] {
        c.ok(&["import", kind, &sample(&format!("{kind}.csv"))]);
    }
    c.ok(&[
        "batch",
        "create",
        "--plan",
        &sample("plans/social-orgs.toml"),
    ]);
    assert!(c.ok(&["log", "verify"]).starts_with("PASS"));

    // A superuser drops the trigger and rewrites the batch.created entry in place.
    let url = format!("sqlite://{}", c.path("corps.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER log_entries_no_update").execute(&mut db).await.unwrap();
        let changed = sqlx::query(
            "UPDATE log_entries SET bytes = CAST(REPLACE(CAST(bytes AS TEXT), '\"batch.created\"', '\"batch.createe\"') AS BLOB) WHERE CAST(bytes AS TEXT) LIKE '%\"kind\":\"batch.created\"%'",
        )
        .execute(&mut db)
        .await
        .unwrap()
        .rows_affected();
        assert_eq!(changed, 1);
    });
    let out = c.run(&["log", "verify"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.starts_with("FAIL") && shown.contains("entry 6"),
        "{shown}"
    );
}

/// DRAW-SPEC §2.5: a source's hash is its table's content hash, so one directory and one
/// plan give one commitment hash whether committed offline from the folder or through the
/// database from imports, and whatever the imported file's encoding, row order or line ends.
#[test]
fn a_plan_commits_to_one_hash_offline_and_through_the_database() {
    let c = Clerk::new();
    c.ok(&["init"]);
    // Entities as GBK, rows reversed, CRLF line ends: the same content in another file.
    let utf8 = std::fs::read_to_string(sample("entities.csv")).unwrap();
    let mut lines: Vec<&str> = utf8.lines().collect();
    lines[1..].reverse();
    let crlf = lines.join("\r\n") + "\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(&crlf);
    std::fs::write(c.path("entities-gbk.csv"), &gbk).unwrap();
    c.ok(&[
        "import",
        "entities",
        c.path("entities-gbk.csv").to_str().unwrap(),
    ]);
    for kind in ["officers", "matters", "recusals", "history", "lists"] {
        c.ok(&["import", kind, &sample(&format!("{kind}.csv")), "--quiet"]);
    }
    let plan = sample("plans/elderly-care.toml");
    c.ok(&["batch", "create", "--plan", &plan]);
    let through_database = c.ok(&["batch", "commit", "SH-MZ-2026-YL-01"]);

    let out = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "commit",
            "--registries",
            "registries/shanghai",
            "--plan",
            &plan,
        ])
        .arg("--out")
        .arg(c.path("offline.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let offline = String::from_utf8_lossy(&out.stdout);
    assert_eq!(offline.trim().len(), 64, "{offline}");
    assert_eq!(
        offline.trim(),
        through_database.trim(),
        "offline and database commitments of one plan over one directory"
    );
}

/// `annual publish`, `list` and `coverage` as a clerk types them: a bad file is refused
/// naming its field, the plan is published once, its coverage printed and written as CSV
/// and `.xlsx`; a year with no plan is said.
#[test]
fn a_clerk_publishes_the_annual_plan_and_writes_its_coverage() {
    let c = Clerk::new();
    c.ok(&["init"]);
    c.ok(&["import", "entities", &sample("entities.csv")]);
    let text = std::fs::read_to_string(sample("annual/2026.toml")).unwrap();
    std::fs::write(
        c.path("bad.toml"),
        text.replace("year = 2026", "year = \"2026\""),
    )
    .unwrap();
    let why = c.refused(&["annual", "publish", c.path("bad.toml").to_str().unwrap()]);
    assert!(
        why.contains("bad.toml") && why.contains("不是有效的年度抽查计划文件"),
        "{why}"
    );
    let out = c.ok(&["annual", "publish", &sample("annual/2026.toml")]);
    assert!(
        out.contains("published annual plan SH-MZ-2026 version 1"),
        "{out}"
    );
    assert!(
        c.ok(&["annual", "list"])
            .contains("SH-MZ-2026  2026  上海市民政局  v1")
    );
    let shown = c.ok(&["annual", "coverage", "2026"]);
    assert!(
        shown.contains("batch SH-MZ-2026-SZ-01") && shown.contains("planned"),
        "{shown}"
    );
    // Nothing drawn yet: 3% of 崇明's 5 organisations is 1, and none is inspected.
    assert!(
        shown.contains("社会组织 县级 310151 崇明: 5 drawn 0"),
        "{shown}"
    );
    assert!(shown.contains("every floor met: false"), "{shown}");
    let csv = c.path("coverage.csv");
    c.ok(&[
        "annual",
        "coverage",
        "SH-MZ-2026",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.starts_with(&[b"\xEF\xBB\xBF".as_slice(), "行业领域 (sector)".as_bytes()].concat())
    );
    let xlsx = c.path("coverage.xlsx");
    c.ok(&[
        "annual",
        "coverage",
        "2026",
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(
        c.refused(&["annual", "coverage", "2025"])
            .contains("2025 年没有公布年度抽查计划")
    );
    c.ok(&["log", "verify"]);
}

/// `stats YEAR` as a clerk types it: a year with no batch says so in numbers, JSON is the
/// API's body, and what is not a year is refused in Chinese.
#[test]
fn a_clerk_reads_the_statistics_of_a_year() {
    let c = Clerk::new();
    c.ok(&["init"]);
    let out = c.ok(&["stats", "2026"]);
    assert!(out.contains("2026 (all): batches 0"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&c.ok(&["stats", "2026", "--public", "--json"])).unwrap();
    assert_eq!(
        (&json["year"], &json["scope"]),
        (&2026.into(), &"published".into())
    );
    assert!(
        c.refused(&["stats", "26"])
            .contains("不是 2000–2100 之间的年份")
    );
}

/// The operator turns off the second factor of a corps user who lost their phone (when no
/// other corps user can in the console): refused while it is off, then off, logged, and
/// the log verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_turns_a_lost_phones_second_factor_off() {
    use shuangsui::app::{App, totp, users};
    let c = Clerk::new();
    c.ok(&["init"]);
    c.ok(&["user", "add", "总队一", "--role", "corps"]);
    let why = c.refused(&["user", "two-step-off", "总队一"]);
    assert!(why.contains("[refused] 用户 #1 没有启用两步验证"), "{why}");
    let out = c.run(&["user", "two-step-off", "无此人"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("没有名为 无此人 的用户"),
        "{}",
        text(&out)
    );

    let url = format!("sqlite://{}", c.path("corps.db").display());
    let app = App::open(&url, Some(&c.path("log.key"))).await.unwrap();
    let corps = users::list(&app).await.unwrap().remove(0);
    let principal = users::Principal {
        user_id: corps.id,
        name: corps.name,
        role: users::Role::Corps,
        card_no: None,
    };
    let phone = totp::enrolment("总队一").unwrap();
    let now = chrono::Utc::now().timestamp();
    let code = totp::code_at(&phone.secret, now).unwrap();
    totp::enable(&app, &principal, &phone.secret, &code, now)
        .await
        .unwrap();
    assert!(totp::is_on(&app, corps.id).await.unwrap());

    let out = c.run(&["user", "two-step-off", "总队一"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("turned off the second factor of 总队一"),
        "{}",
        text(&out)
    );
    assert!(!totp::is_on(&app, corps.id).await.unwrap());
    c.ok(&["log", "verify"]);
}
