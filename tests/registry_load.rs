//! Reading directory folders: large files (parsed in two pieces) report bad rows at their
//! true line numbers, a UTF-8 BOM is accepted, and nothing is returned when any row is bad.

use shuangsui::registry::{self, generate};

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

#[test]
fn a_gbk_file_is_one_clear_error_not_one_per_row() {
    let dir = write_sample(300);
    let path = dir.path().join("entities.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    // GBK bytes for the text: a header in ASCII, then rows with Chinese names.
    let gbk = gbk_like(&text);
    std::fs::write(&path, gbk).unwrap();
    let errors = registry::load(dir.path()).unwrap_err().0;
    let in_entities: Vec<_> = errors.iter().filter(|e| e.file == "entities.csv").collect();
    assert_eq!(in_entities.len(), 1, "{errors:?}");
    assert_eq!(
        in_entities[0].line, 2,
        "the header is ASCII; the first row is not UTF-8"
    );
    assert!(in_entities[0].reason.contains("not UTF-8"));
}

/// GBK-like bytes for the test: each non-ASCII character becomes two bytes of GBK's lead and
/// trail ranges, as Excel's "CSV" writes Chinese, which is not valid UTF-8.
fn gbk_like(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            let v = c as u32;
            out.push(0x81 + (v % 0x7e) as u8);
            out.push(0x40 + (v % 0x3f) as u8);
        }
    }
    out
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
                "recusals.csv:{}: column 'uscc': the same officer and entity are declared at line 2",
                lines + 1
            ),
            format!(
                "recusals.csv:{}: column 'uscc': the same officer and entity are declared at line 2",
                lines + 2
            ),
        ]
    );
}
