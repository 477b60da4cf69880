//! Importing one table from a file: encodings (UTF-8, BOM, GBK), line ends, JSON Lines,
//! every problem reported at its line and column, and one content hash for the same
//! content however it was written.

use shuangsui::import::{
    Encoding, Format, ImportErrors, Kind, Known, Parsed, ReadAs, Rows, canonical_csv,
    check_references, content_hash, parse,
};
use shuangsui::registry::generate::{self, GenerateSpec};

mod common;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

fn entities(name: &str, bytes: &[u8]) -> Result<Parsed, ImportErrors> {
    parse(Kind::Entities, name, bytes, Format::Auto, Encoding::Auto)
}

fn csv_text() -> String {
    String::from_utf8(fixture("entities.csv")).unwrap()
}

/// The problems as (line, column) pairs.
fn places(e: &ImportErrors) -> Vec<(u64, Option<&str>)> {
    e.0.iter().map(|e| (e.line, e.column.as_deref())).collect()
}

#[test]
fn utf8_bom_crlf_and_gbk_give_the_same_rows() {
    let text = csv_text();
    let plain = entities("e.csv", text.as_bytes()).unwrap();
    assert_eq!(plain.lines, [2, 3, 4, 5]);
    assert_eq!(plain.read_as, ReadAs::Utf8);
    assert_eq!(plain.format_used, Format::Csv);
    let variants: Vec<(&str, Vec<u8>, Encoding, ReadAs)> = vec![
        (
            "bom",
            [b"\xEF\xBB\xBF", text.as_bytes()].concat(),
            Encoding::Auto,
            ReadAs::Utf8,
        ),
        (
            "bom forced",
            [b"\xEF\xBB\xBF", text.as_bytes()].concat(),
            Encoding::Utf8,
            ReadAs::Utf8,
        ),
        (
            "crlf",
            crlf(&text).into_bytes(),
            Encoding::Auto,
            ReadAs::Utf8,
        ),
        ("gbk detected", gbk(&text), Encoding::Auto, ReadAs::Gbk),
        ("gbk forced", gbk(&text), Encoding::Gbk, ReadAs::Gbk),
        ("gbk crlf", gbk(&crlf(&text)), Encoding::Auto, ReadAs::Gbk),
    ];
    for (what, bytes, asked, used) in variants {
        let p = parse(Kind::Entities, "e.csv", &bytes, Format::Auto, asked)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(p.rows, plain.rows, "{what}");
        assert_eq!(p.lines, plain.lines, "{what}");
        assert_eq!(p.read_as, used, "{what}");
    }
}

#[test]
fn a_gbk_file_forced_as_utf8_is_one_error_at_its_first_chinese_line() {
    let e = parse(
        Kind::Entities,
        "e.csv",
        &gbk(&csv_text()),
        Format::Csv,
        Encoding::Utf8,
    )
    .unwrap_err();
    assert_eq!(places(&e), [(2, None)]);
    assert!(
        e.to_string().starts_with("e.csv:2: 从这一行起不是 UTF-8"),
        "{e}"
    );
}

#[test]
fn bad_rows_of_crlf_and_gbk_files_are_named_at_their_lines() {
    let text = csv_text().replace(",C,正常,", ",E,正常,");
    for bytes in [crlf(&text).into_bytes(), gbk(&crlf(&text))] {
        let e = entities("e.csv", &bytes).unwrap_err();
        assert_eq!(places(&e), [(4, Some("credit_grade"))], "{e}");
    }
}

#[test]
fn a_bad_uscc_check_character_names_line_and_column() {
    let text = csv_text().replace("51310104000010370Y", "51310104000010370X");
    let e = entities("entities.csv", text.as_bytes()).unwrap_err();
    assert_eq!(places(&e), [(3, Some("uscc"))]);
    assert!(
        e.to_string().starts_with("entities.csv:3: column 'uscc': "),
        "{e}"
    );
}

#[test]
fn a_duplicate_key_names_both_lines() {
    // The same USCC in lower case is the same entity.
    let text = format!(
        "{}51310104000010370y,另一个名称,社会组织,社会团体,徐汇,,A,正常,,\n",
        csv_text()
    );
    let e = entities("e.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "e.csv:6: column 'uscc': 「51310104000010370Y」与第 3 行重复 / '51310104000010370Y' duplicates line 3"
    );
    let officers = String::from_utf8(fixture("officers.jsonl")).unwrap();
    let twice = format!("{officers}{}", officers.lines().next().unwrap());
    let e = parse(
        Kind::Officers,
        "o.jsonl",
        twice.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "o.jsonl:3: column 'card_no': 「T-001」与第 1 行重复 / 'T-001' duplicates line 1"
    );
}

#[test]
fn missing_and_unknown_columns_are_header_errors() {
    let text = csv_text().replacen(",contact\n", ",phone\n", 1);
    let e = entities("e.csv", text.as_bytes()).unwrap_err();
    assert_eq!(places(&e), [(1, Some("phone")), (1, Some("contact"))]);
    assert!(e.0[0].reason.starts_with("未知的列"), "{e}");
    assert_eq!(e.0[1].reason, "缺少必需的列 / required column is missing");
}

#[test]
fn an_empty_file_is_an_error_naming_it_and_a_header_alone_an_empty_table() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\n"] {
        let e = entities("entities.csv", bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "entities.csv: 文件为空（没有表头行） / the file is empty (no header line)"
        );
    }
    let e = parse(Kind::Officers, "o.jsonl", b"", Format::Auto, Encoding::Auto).unwrap_err();
    assert_eq!(
        e.to_string(),
        "o.jsonl: 文件为空（没有数据行） / the file is empty (no rows)"
    );
    let header = "card_no,uscc,reason\r\n";
    let p = parse(
        Kind::Recusals,
        "r.csv",
        header.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap();
    assert!(p.rows.is_empty());
    assert_eq!(p.rows, Rows::Recusals(Vec::new()));
}

#[test]
fn json_lines_with_lists_as_arrays_or_strings_and_blank_lines() {
    let p = parse(
        Kind::Officers,
        "officers.jsonl",
        &fixture("officers.jsonl"),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap();
    assert_eq!(p.format_used, Format::JsonLines);
    let Rows::Officers(rows) = &p.rows else {
        panic!("not officers")
    };
    assert_eq!(rows[0].sectors, rows[1].sectors);
    let p = entities("e.jsonl", &fixture("entities-shuffled.jsonl")).unwrap();
    assert_eq!(p.lines, [1, 3, 4, 5]);
    // Forced, whatever the name says.
    let p = parse(
        Kind::Entities,
        "e.txt",
        &fixture("entities-shuffled.jsonl"),
        Format::JsonLines,
        Encoding::Auto,
    )
    .unwrap();
    assert_eq!(p.rows.len(), 4);
}

#[test]
fn json_lines_refuse_unknown_keys_missing_keys_and_values_not_strings() {
    let good = String::from_utf8(fixture("officers.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let lines = [
        first.replace("\"name\"", "\"nmae\""),
        first.replace("\"2028-12-31\"", "20281231"),
        first.replace("\"在岗\"", "null"),
        first.replace("[\"养老服务\",\"社会组织\"]", "[\"养老服务\",1]"),
        "[\"T-9\"]".to_string(),
        first.replace("}", ""),
    ];
    let text = format!("{first}\n\n{}\n", lines.join("\n"));
    let e = parse(
        Kind::Officers,
        "o.jsonl",
        text.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap_err();
    let shown: Vec<String> = e.0.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 7, "{e}");
    assert!(
        shown[0].starts_with("o.jsonl:3: column 'nmae': unknown key (expected: card_no, name,"),
        "{e}"
    );
    assert_eq!(
        shown[1],
        "o.jsonl:3: column 'name': required key is missing"
    );
    assert_eq!(
        shown[2],
        "o.jsonl:4: column 'card_valid_until': must be a JSON string, not a number"
    );
    assert_eq!(
        shown[3],
        "o.jsonl:5: column 'status': must be a JSON string, not null"
    );
    assert_eq!(
        shown[4],
        "o.jsonl:6: column 'sectors': must be a JSON string or an array of strings, not an array with an item that is not a string"
    );
    assert!(
        shown[5].starts_with("o.jsonl:7: is not a JSON object: invalid type: sequence"),
        "{e}"
    );
    assert!(
        shown[6].starts_with("o.jsonl:8: is not a JSON object: EOF"),
        "{e}"
    );
}

/// The rows of a CSV file as JSON Lines (keys in alphabetical order, as serde_json's map
/// writes them).
fn as_json_lines(csv_bytes: &[u8]) -> Vec<u8> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let headers = reader.headers().unwrap().clone();
    let mut out = String::new();
    for record in reader.records() {
        let record = record.unwrap();
        let object: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        out.push_str(&serde_json::to_string(&object).unwrap());
        out.push('\n');
    }
    out.into_bytes()
}

/// `csv_bytes` with the columns in another order and the data rows reversed.
fn reordered(csv_bytes: &[u8]) -> Vec<u8> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .rev()
        .map(String::from)
        .collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().rev().map(String::from).collect())
        .collect();
    rows.reverse();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for row in rows {
        w.write_record(&row).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn the_same_content_has_the_same_hash_however_it_is_written() {
    let text = csv_text();
    let base = entities("e.csv", text.as_bytes()).unwrap();
    let hash = content_hash(&base.rows);
    let canonical = canonical_csv(&base.rows);
    assert_eq!(hash.len(), 64);
    let variants: Vec<(&str, &str, Vec<u8>)> = vec![
        ("gbk", "e.csv", gbk(&text)),
        (
            "bom crlf",
            "e.csv",
            [b"\xEF\xBB\xBF", crlf(&text).as_bytes()].concat(),
        ),
        ("json lines", "e.jsonl", as_json_lines(text.as_bytes())),
        (
            "shuffled, aliases",
            "e.jsonl",
            fixture("entities-shuffled.jsonl"),
        ),
        (
            "columns and rows reordered",
            "e.csv",
            reordered(text.as_bytes()),
        ),
        ("canonical", "e.csv", canonical.clone()),
        (
            "xlsx",
            "e.xlsx",
            common::xlsx_from_csv(&text, "Sheet1", &[]),
        ),
    ];
    for (what, name, bytes) in variants {
        let p = entities(name, &bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(content_hash(&p.rows), hash, "{what}");
        assert_eq!(canonical_csv(&p.rows), canonical, "{what}");
    }
    // Sorted by USCC, LF, canonical spellings.
    let canonical = String::from_utf8(canonical).unwrap();
    let keys: Vec<&str> = canonical.lines().skip(1).map(|l| &l[..18]).collect();
    assert_eq!(
        keys,
        [
            "51310104000010370Y",
            "523101010000100008",
            "523101010000111106",
            "533101060000107409"
        ]
    );
    assert!(!canonical.contains('\r'));
    assert!(canonical.contains("\"徐汇区测试路1号,2楼\""));

    let changed = text.replace("静安区测试路2号", "静安区测试路3号");
    let other = entities("e.csv", changed.as_bytes()).unwrap();
    assert_ne!(content_hash(&other.rows), hash);
}

#[test]
fn history_with_repeated_rows_hashes_the_same_in_any_order() {
    let rows = [
        "51310104000010370Y,M-1,2026-01-05,T-1;T-2",
        "51310104000010370Y,M-1,2026-01-05,T-2;T-1",
        "51310104000010370Y,M-1,2026-01-05,T-1;T-2",
        "523101010000100008,M-2,2025-12-01,T-3",
    ];
    let file = |order: &[usize]| {
        let body: Vec<&str> = order.iter().map(|&i| rows[i]).collect();
        format!("uscc,matter_code,date,officers\n{}\n", body.join("\n"))
    };
    let hash = |text: String| {
        let p = parse(
            Kind::History,
            "h.csv",
            text.as_bytes(),
            Format::Auto,
            Encoding::Auto,
        )
        .unwrap();
        content_hash(&p.rows)
    };
    assert_eq!(hash(file(&[0, 1, 2, 3])), hash(file(&[3, 2, 1, 0])));
    assert_eq!(hash(file(&[0, 1, 2, 3])), hash(file(&[1, 0, 3, 2])));
    assert_ne!(hash(file(&[0, 1, 2, 3])), hash(file(&[0, 1, 3])));
}

#[test]
fn one_bad_row_at_the_end_of_100_000_is_the_only_problem() {
    let spec = GenerateSpec {
        entities: 100_000,
        officers: 20,
        seed: 7,
    };
    let directory = generate::generate(&spec);
    let mut bytes = canonical_csv(&Rows::Entities(directory.entities));
    // The last row's check character, changed to another valid symbol.
    let last_line = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    let check = last_line + 17;
    bytes[check] = if bytes[check] == b'0' { b'1' } else { b'0' };
    let e = entities("entities.csv", &bytes).unwrap_err();
    assert_eq!(places(&e), [(100_001, Some("uscc"))], "{e}");
    // Also as CRLF and as JSON Lines.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let e = entities("entities.csv", crlf(&text).as_bytes()).unwrap_err();
    assert_eq!(places(&e), [(100_001, Some("uscc"))], "{e}");
    let e = entities("entities.jsonl", &as_json_lines(&bytes)).unwrap_err();
    assert_eq!(places(&e), [(100_000, Some("uscc"))], "{e}");
}

#[test]
fn more_than_100_problems_show_100_and_the_count() {
    let mut text = String::from("card_no,uscc,reason\n");
    for i in 0..150 {
        text.push_str(&format!("T-{i},51310104000010370X,r\n"));
    }
    let e = parse(
        Kind::Recusals,
        "r.csv",
        text.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap_err();
    assert_eq!(e.0.len(), 150);
    let shown = e.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 101);
    assert!(
        lines[0].starts_with("r.csv:2: column 'uscc': "),
        "{}",
        lines[0]
    );
    assert!(
        lines[99].starts_with("r.csv:101: column 'uscc': "),
        "{}",
        lines[99]
    );
    assert_eq!(lines[100], "… and 50 more problems (150 in all)");
}

#[test]
fn references_of_a_recusals_file_are_checked_against_the_snapshots() {
    let text = "card_no,uscc,reason\nT-1,51310104000010370Y,a\nT-2,51310104000010370Y,b\nT-3,523101010000100008,c\n";
    let p = parse(
        Kind::Recusals,
        "r.csv",
        text.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap();
    // No officers yet: said once, not for each row.
    let known = Known {
        entities: Some(["51310104000010370Y".to_string()].into()),
        officers: None,
        matters: None,
    };
    let shown: Vec<String> = check_references(&p, "r.csv", &known)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            "r.csv: 引用了尚未导入的执法检查人员名录，请先导入执法检查人员名录 / refers to officers but none have been imported yet: import officers first",
            "r.csv:4: column 'uscc': 「523101010000100008」不在当前的检查对象名录中 / entity '523101010000100008' is not in the current entities",
        ]
    );
}

/// The shipped officers as a workbook, their card dates typed as Excel dates: the same rows,
/// the same content hash as the CSV (one snapshot).
#[test]
fn an_xlsx_import_is_the_csv_import() {
    let path = format!(
        "{}/registries/shanghai/officers.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let csv = parse(
        Kind::Officers,
        "officers.csv",
        text.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap();
    let workbook = common::xlsx_from_csv(&text, "名录", &["card_valid_until"]);
    // Whatever the file is called or the encoding asked for: the content says workbook.
    for (name, encoding) in [("officers.xlsx", Encoding::Auto), ("o.csv", Encoding::Gbk)] {
        let xlsx = parse(Kind::Officers, name, &workbook, Format::Auto, encoding)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(xlsx.read_as, ReadAs::Xlsx);
        assert_eq!(xlsx.label, format!("{name}[名录]"));
        assert_eq!(xlsx.lines, csv.lines, "sheet rows are CSV lines");
        assert_eq!(xlsx.rows, csv.rows);
        assert_eq!(content_hash(&xlsx.rows), content_hash(&csv.rows));
    }
    let e = parse(
        Kind::Officers,
        "o.xlsx",
        &workbook,
        Format::JsonLines,
        Encoding::Auto,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not JSON Lines"), "{e}");
}

#[test]
fn a_bad_cell_of_a_workbook_is_named_by_sheet_row_and_column() {
    let text = csv_text().replace(",B,正常,", ",Z,正常,");
    let workbook = common::xlsx_from_csv(&text, "名录", &[]);
    let e = entities("e.xlsx", &workbook).unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.starts_with("e.xlsx[名录]:3: column 'credit_grade': "),
        "{shown}"
    );
    assert_eq!(places(&e), [(3, Some("credit_grade"))]);
}

#[test]
fn an_xls_or_other_binary_is_refused_in_chinese_naming_the_file() {
    let xls = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0; 512]].concat();
    let noise = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8);
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
        .iter()
        .copied()
        .chain(noise)
        .collect();
    for (name, bytes) in [("old.xls", xls), ("photo.csv", png)] {
        let e = entities(name, &bytes).unwrap_err();
        assert_eq!(e.0.len(), 1);
        let shown = e.to_string();
        assert!(shown.starts_with(&format!("{name}: ")), "{shown}");
        assert!(shown.contains("请另存为 .xlsx 或 CSV UTF-8"), "{shown}");
    }
}
