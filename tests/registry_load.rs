//! Reading directory folders: large files (parsed in two pieces) report bad rows at their
//! true line numbers, a UTF-8 BOM is accepted, GBK files and `.xlsx` workbooks are the same
//! directory as UTF-8 CSV, and nothing is returned when any row is bad.

use shuangsui::registry::{self, generate};

mod common;

fn write_sample(entities: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let spec = generate::GenerateSpec {
        entities,
        officers: 50,
        seed: 3,
    };
    registry::write::write(dir.path(), &generate::generate(&spec)).unwrap();
    dir
}

#[test]
fn bad_rows_in_both_halves_of_a_large_file_are_reported_at_their_lines() {
    for line_end in ["\n", "\r\n"] {
        bad_rows_are_reported_at_their_lines(line_end);
    }
}

/// With LF or CRLF (as Excel writes) line ends, and a blank line before the second half.
fn bad_rows_are_reported_at_their_lines(line_end: &str) {
    let dir = write_sample(60_000);
    let path = dir.path().join("entities.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.len() > registry::split::MIN_SPLIT,
        "large enough to be split"
    );
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let total = lines.len();
    // Line numbers are 1-based with the header on line 1: lines[k] is line k + 1.
    for k in [10, total / 2 + 7, total - 1] {
        let mut fields: Vec<&str> = lines[k].split(',').collect();
        fields[6] = "Z"; // credit_grade
        lines[k] = fields.join(",");
    }
    lines.insert(total / 2 - 100, String::new());
    // lines[k] is line k + 1: where the bad rows are now.
    let expected: Vec<(u64, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(",Z,"))
        .map(|(k, _)| (k as u64 + 1, "credit_grade"))
        .collect();
    assert_eq!(expected.len(), 3);
    assert_eq!(expected[0].0, 11);
    std::fs::write(&path, format!("\u{feff}{}{line_end}", lines.join(line_end))).unwrap();
    let errors = registry::load(dir.path()).unwrap_err().0;
    let found: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column.as_deref().unwrap()))
        .collect();
    assert_eq!(found, expected, "line ends {line_end:?}");
}

#[test]
fn a_bom_and_crlf_line_ends_are_read() {
    let dir = write_sample(200);
    let path = dir.path().join("officers.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    let loaded = registry::load(dir.path()).unwrap();
    assert_eq!(loaded.directory.officers.len(), 50);
}

/// The folder's content hashes (what a commitment's `sources` hold).
fn hashes(dir: &std::path::Path) -> Vec<(String, String, usize)> {
    let loaded = registry::load(dir).unwrap_or_else(|e| panic!("{e}"));
    loaded
        .sources
        .into_iter()
        .map(|s| (s.file, s.sha256, s.rows))
        .collect()
}

#[test]
fn gbk_files_and_workbooks_are_the_same_directory_as_utf8_csv() {
    let dir = write_sample(300);
    let utf8 = hashes(dir.path());
    let entities = std::fs::read_to_string(dir.path().join("entities.csv")).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&entities);
    assert!(!unmappable);
    std::fs::write(dir.path().join("entities.csv"), &gbk).unwrap();
    let officers = dir.path().join("officers.csv");
    let text = std::fs::read_to_string(&officers).unwrap();
    let workbook = common::xlsx_from_csv(&text, "officers", &["card_valid_until"]);
    std::fs::write(dir.path().join("officers.xlsx"), workbook).unwrap();
    // Both files of one table: which one is meant is not guessed.
    let errors = registry::load(dir.path()).unwrap_err().0;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].to_string(),
        "officers.csv: officers.xlsx is in the folder too: keep one of the two"
    );
    std::fs::remove_file(&officers).unwrap();
    // The sources name the tables' CSV files, whatever the folder holds.
    assert_eq!(hashes(dir.path()), utf8);
}

#[test]
fn a_bad_workbook_cell_and_bytes_of_no_encoding_are_named() {
    let dir = write_sample(50);
    let matters = dir.path().join("matters.csv");
    let text = std::fs::read_to_string(&matters).unwrap();
    let bad = text.replacen(",书面检查", ",书面检查;传真", 1);
    let workbook = common::xlsx_from_csv(&bad, "Sheet1", &[]);
    std::fs::write(dir.path().join("matters.xlsx"), workbook).unwrap();
    std::fs::remove_file(&matters).unwrap();
    let entities = dir.path().join("entities.csv");
    let mut bytes = std::fs::read(&entities).unwrap();
    let second_line_end = memchr_nth(&bytes, 1);
    bytes.insert(second_line_end + 1, 0xFF);
    std::fs::write(&entities, bytes).unwrap();
    let errors = registry::load(dir.path()).unwrap_err().0;
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown[0].starts_with("entities.csv:3: 既不是 UTF-8"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("matters.xlsx[Sheet1]:2: column 'method': "),
        "{shown:?}"
    );
}

/// Where the `n`th (0-based) line feed of `bytes` is.
fn memchr_nth(bytes: &[u8], n: usize) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(n)
        .unwrap()
        .0
}

#[test]
fn a_repeated_recusal_is_reported_at_the_repeat_naming_the_first_line() {
    let dir = write_sample(50);
    let recusals = dir.path().join("recusals.csv");
    let text = std::fs::read_to_string(&recusals).unwrap();
    let first = text
        .lines()
        .nth(1)
        .expect("the sample has a recusal")
        .to_string();
    let lines = text.lines().count();
    std::fs::write(&recusals, format!("{text}{first}\n{first}\n")).unwrap();
    let errors = shuangsui::registry::load(dir.path()).unwrap_err().0;
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            format!(
                "recusals.csv:{}: column 'uscc': 同一执法人员与对象已在第 2 行申报 / the same officer and entity are declared at line 2",
                lines + 1
            ),
            format!(
                "recusals.csv:{}: column 'uscc': 同一执法人员与对象已在第 2 行申报 / the same officer and entity are declared at line 2",
                lines + 2
            ),
        ]
    );
}

/// A folder without lists.csv (made before lists existed) has an empty lists table: its
/// sixth source is that of an empty table. A list row naming an entity the folder does not
/// have is named by file, line and column.
#[test]
fn a_folder_without_lists_has_an_empty_table_and_a_list_row_must_name_an_entity() {
    let mini = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let loaded = shuangsui::registry::load(&mini).unwrap();
    assert!(loaded.directory.lists.is_empty());
    let lists = &loaded.sources[5];
    assert_eq!((lists.file.as_str(), lists.rows), ("lists.csv", 0));
    assert_eq!(
        lists.sha256,
        shuangsui::canonical::sha256_hex(b"uscc,list,listed_on,reason\n"),
        "the content hash of an empty table: its header line (DRAW-SPEC §2.5)"
    );

    let dir = tempfile::tempdir().unwrap();
    for f in ["entities", "officers", "matters", "recusals", "history"] {
        let name = format!("{f}.csv");
        std::fs::copy(mini.join(&name), dir.path().join(&name)).unwrap();
    }
    std::fs::write(
        dir.path().join("lists.csv"),
        "uscc,list,listed_on,reason\n51310104000010370Y,投诉举报,2026-08-01,\n91310000631696382C,投诉举报,2026-08-02,\n",
    )
    .unwrap();
    let errors = shuangsui::registry::load(dir.path()).unwrap_err().0;
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "lists.csv:3: column 'uscc': 名录中的对象不在 entities.csv 中 / entity '91310000631696382C' is not in entities.csv"
        ]
    );
}
