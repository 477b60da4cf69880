//! Unit tests of `import::parse` on small inputs.

use super::*;

const ENTITIES: &str =
    "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact
51310104000010370Y,上海市徐汇区测试社会团体01,社会组织,社会团体,徐汇,徐汇区测试路1号,B,正常,,
533101060000107409,上海市静安区测试基金会02,社会组织,基金会,静安,,C,active,,
";

fn entities(bytes: &[u8], name: &str) -> Result<Parsed, ImportErrors> {
    parse(Kind::Entities, name, bytes, Format::Auto, Encoding::Auto)
}

#[test]
fn reads_csv_rows_with_their_lines() {
    let p = entities(ENTITIES.as_bytes(), "e.csv").unwrap();
    assert_eq!(p.lines, [2, 3]);
    assert_eq!((p.read_as, p.format_used), (ReadAs::Utf8, Format::Csv));
    let Rows::Entities(rows) = &p.rows else {
        panic!("not entities")
    };
    assert_eq!(rows[1].status.as_str(), "正常");
}

#[test]
fn header_only_is_an_empty_table_and_nothing_is_an_error() {
    let header = ENTITIES.lines().next().unwrap();
    assert!(
        entities(header.as_bytes(), "e.csv")
            .unwrap()
            .rows
            .is_empty()
    );
    for empty in ["", "\n\r\n  "] {
        let e = entities(empty.as_bytes(), "e.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "e.csv: 文件为空（没有表头行） / the file is empty (no header line)"
        );
        let e = entities(empty.as_bytes(), "e.jsonl").unwrap_err();
        assert_eq!(
            e.to_string(),
            "e.jsonl: 文件为空（没有数据行） / the file is empty (no rows)"
        );
    }
}

#[test]
fn formats_resolve_from_the_extension() {
    assert_eq!(Format::Auto.resolve("a.JSONL"), Format::JsonLines);
    assert_eq!(Format::Auto.resolve("a.ndjson"), Format::JsonLines);
    assert_eq!(Format::Auto.resolve("a.txt"), Format::Csv);
    assert_eq!(Format::Csv.resolve("a.jsonl"), Format::Csv);
    assert_eq!(Format::parse("NDJSON"), Some(Format::JsonLines));
}

#[test]
fn recusal_pairs_are_unique_and_history_may_repeat() {
    let recusals = "card_no,uscc,reason\nT-1,51310104000010370Y,a\nT-2,51310104000010370Y,b\nT-1,51310104000010370y,c\n";
    let e = parse(
        Kind::Recusals,
        "r.csv",
        recusals.as_bytes(),
        Format::Csv,
        Encoding::Auto,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "r.csv:4: column 'uscc': 同一执法人员与对象已在第 2 行申报 / the same officer and entity are declared at line 2"
    );
    let history = "uscc,matter_code,date,officers\n51310104000010370Y,M,2026-01-05,T-1;T-2\n51310104000010370Y,M,2026-01-05,T-1;T-2\n";
    let p = parse(
        Kind::History,
        "h.csv",
        history.as_bytes(),
        Format::Csv,
        Encoding::Auto,
    )
    .unwrap();
    assert_eq!(p.rows.len(), 2);
}

#[test]
fn jsonl_rows_use_the_same_field_rules() {
    let text = concat!(
        r#"{"card_no":"T-1","name":"张三","department":"市民政执法总队","district":"全市","sectors":["养老服务","社会组织"],"card_valid_until":"2028-12-31","status":"active"}"#,
        "\n\n",
        r#"{"card_no":"T 2","name":"","department":"d","district":"全市","sectors":"养老服务；社会组织","card_valid_until":"2028-2-31","status":"在岗"}"#,
        "\n",
    );
    let e = parse(
        Kind::Officers,
        "o.jsonl",
        text.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap_err();
    let columns: Vec<_> =
        e.0.iter()
            .map(|e| (e.line, e.column.clone().unwrap()))
            .collect();
    assert_eq!(
        columns,
        [
            (3, "card_no".to_string()),
            (3, "name".to_string()),
            (3, "card_valid_until".to_string())
        ]
    );
    let good = text.lines().next().unwrap();
    let p = parse(
        Kind::Officers,
        "o",
        good.as_bytes(),
        Format::JsonLines,
        Encoding::Auto,
    )
    .unwrap();
    let Rows::Officers(rows) = &p.rows else {
        panic!("not officers")
    };
    assert_eq!(rows[0].sectors, ["养老服务", "社会组织"]);
}

#[test]
fn jsonl_list_items_may_not_hold_separators() {
    let line = r#"{"uscc":"51310104000010370Y","matter_code":"M","date":"2026-01-05","officers":["T-1;T-2"]}"#;
    let e = parse(
        Kind::History,
        "h.jsonl",
        line.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("h.jsonl:1: column 'officers': has an item 'T-1;T-2'"),
        "{e}"
    );
    let line =
        r#"{"uscc":["51310104000010370Y"],"matter_code":"M","date":"2026-01-05","officers":[]}"#;
    let e = parse(
        Kind::History,
        "h.jsonl",
        line.as_bytes(),
        Format::Auto,
        Encoding::Auto,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "h.jsonl:1: column 'uscc': must be a JSON string, not an array\nh.jsonl:1: column 'officers': is an empty list"
    );
}

#[test]
fn references_are_checked_against_known_keys() {
    let history = "uscc,matter_code,date,officers\n51310104000010370Y,M,2026-01-05,T-1;T-2\n533101060000107409,N,2026-01-05,T-1\n";
    let p = parse(
        Kind::History,
        "h.csv",
        history.as_bytes(),
        Format::Csv,
        Encoding::Auto,
    )
    .unwrap();
    let set = |keys: &[&str]| Some(keys.iter().map(|k| k.to_string()).collect());
    let known = Known {
        entities: set(&["51310104000010370Y"]),
        officers: set(&["T-1"]),
        matters: None,
    };
    let text: Vec<String> = check_references(&p, "h.csv", &known)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        text,
        [
            "h.csv: 引用了尚未导入的抽查事项清单，请先导入抽查事项清单 / refers to matters but none have been imported yet: import matters first",
            "h.csv:2: column 'officers': 「T-2」不在当前的执法检查人员名录中 / officer 'T-2' is not in the current officers",
            "h.csv:3: column 'uscc': 「533101060000107409」不在当前的检查对象名录中 / entity '533101060000107409' is not in the current entities",
        ]
    );
    let entities_file = entities(ENTITIES.as_bytes(), "e.csv").unwrap();
    assert!(check_references(&entities_file, "e.csv", &Known::default()).is_empty());
}

#[test]
fn canonical_csv_sorts_rows_and_spells_values_canonically() {
    let p = entities(ENTITIES.as_bytes(), "e.csv").unwrap();
    let text = String::from_utf8(canonical_csv(&p.rows)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], Kind::Entities.columns().join(","));
    assert!(lines[1].starts_with("51310104000010370Y,"));
    assert!(lines[2].ends_with(",C,正常,,"), "{}", lines[2]);
    assert!(!text.contains('\r'));
    assert_eq!(content_hash(&p.rows).len(), 64);
}

#[test]
fn sort_puts_rows_in_the_order_the_canonical_csv_writes_them() {
    use crate::registry::generate::{GenerateSpec, generate};
    let d = generate(&GenerateSpec {
        entities: 400,
        officers: 30,
        seed: 5,
    });
    // Several inspections of one entity: ties of the key, to be ordered by the whole record.
    let mut history = d.history.clone();
    for h in d.history.iter().take(20) {
        let mut other_matter = h.clone();
        other_matter.matter_code = "A-LATER".into();
        let mut earlier = h.clone();
        earlier.date = earlier.date.pred_opt().unwrap();
        history.extend([other_matter, earlier]);
    }
    history.reverse();
    let (written, canonical) = sorted_then_written(Rows::History(history));
    assert_eq!(written, canonical);
    let mut entities = d.entities.clone();
    entities.reverse();
    let (written, canonical) = sorted_then_written(Rows::Entities(entities));
    assert_eq!(written, canonical);
}

/// `rows` sorted by `sort`, written in that order; and their canonical CSV.
fn sorted_then_written(mut rows: Rows) -> (Vec<u8>, Vec<u8>) {
    use crate::registry::write::{entity_record, inspection_record, write_table};
    sort(&mut rows);
    let columns = rows.kind().columns();
    let mut written = Vec::new();
    match &rows {
        Rows::History(r) => write_table(&mut written, columns, r.iter().map(inspection_record)),
        Rows::Entities(r) => write_table(&mut written, columns, r.iter().map(entity_record)),
        _ => unreachable!("the test sorts history and entities"),
    }
    .unwrap();
    let canonical = canonical_csv(&rows);
    (written, canonical)
}

#[test]
fn a_bad_list_row_is_named_by_file_line_and_column_and_a_pair_is_unique() {
    let lists = "uscc,list,listed_on,reason
51310104000010370Y,活动异常名录,2026-06-30,未按时报送年度工作报告
51310104000010370Y,投诉举报,2026-13-01,
51310104000010370Y, ,2026-07-01,
51310104000010370y,活动异常名录,2026-08-01,再次列入
";
    let e = parse(
        Kind::Lists,
        "lists.csv",
        lists.as_bytes(),
        Format::Csv,
        Encoding::Auto,
    )
    .unwrap_err();
    let shown: Vec<String> = e.0.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(
        shown[0].starts_with("lists.csv:3: column 'listed_on'"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("lists.csv:4: column 'list'"),
        "{shown:?}"
    );
    assert_eq!(
        shown[2],
        "lists.csv:5: column 'list': 该对象已在第 2 行列入同一名录 / the same entity is on this list at line 2"
    );
    // Good rows: the reason may be empty; references are checked against the entities.
    let good = "uscc,list,listed_on,reason\n51310104000010370Y,投诉举报,2026-08-01,\n";
    let parsed = parse(
        Kind::Lists,
        "l.csv",
        good.as_bytes(),
        Format::Csv,
        Encoding::Auto,
    )
    .unwrap();
    let known = Known {
        entities: Some(["533101060000107409".to_string()].into()),
        ..Known::default()
    };
    let problems = check_references(&parsed, "l.csv", &known);
    assert_eq!(
        problems[0].to_string(),
        "l.csv:2: column 'uscc': 「51310104000010370Y」不在当前的检查对象名录中 / entity '51310104000010370Y' is not in the current entities"
    );
    let none = check_references(&parsed, "l.csv", &Known::default());
    assert!(none[0].reason.contains("import entities first"), "{none:?}");
}
