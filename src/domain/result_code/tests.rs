//! Tests of the result lists: the shipped files, the checker (every rule kind, table-driven)
//! and the refusal of bad files.

use super::*;

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| c.to_string()).collect()
}

fn book() -> CodeBook {
    CodeBook::parse(&book::SHIPPED).unwrap()
}

#[test]
fn shipped_lists_parse_and_cover_the_sample_sectors() {
    let b = book();
    assert_eq!(CodeBook::shipped(), b);
    let ids: Vec<&str> = b.lists().iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["market", "social-orgs", "elderly-care", "funeral"]);
    assert_eq!(b.for_sector("社会组织").id, "social-orgs");
    assert_eq!(b.for_sector("养老服务").id, "elderly-care");
    assert_eq!(b.for_sector("殡葬服务").id, "funeral");
    for other in ["婚姻介绍", "儿童福利", "假肢矫形器", ""] {
        assert_eq!(b.for_sector(other).id, "market", "{other}");
    }
    for list in b.lists() {
        assert!(!list.source.is_empty(), "{}", list.id);
        let one = list.get("1").unwrap();
        assert!(one.alone && one.kind == Kind::NoProblem, "{}", list.id);
        // 6 住所无法联系 is a violation wherever it is listed, never a status.
        if let Some(six) = list.get("6") {
            assert_eq!(six.kind, Kind::Finding, "{}", list.id);
        }
    }
}

#[test]
fn market_list_nests_as_provincial_forms() {
    let m = book().for_sector("").clone();
    let all: Vec<&str> = m.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        all,
        [
            "1", "A", "2", "B", "C", "6", "D", "3", "4", "5", "E", "7", "8", "9", "10", "11", "12",
            "F"
        ]
    );
    let path: Vec<&str> = m.path("6").iter().map(|c| c.code.as_str()).collect();
    assert_eq!(path, ["A", "2", "6"]);
    assert!(m.is_below("B", "A") && !m.is_below("A", "B") && !m.is_below("A", "A"));
    assert_eq!(m.children("2"), ["B", "C", "6", "D"]);
}

/// (sector, selection, expected: Ok(canonical) or Err(a piece of the reason)).
type Case = (
    &'static str,
    &'static [&'static str],
    Result<&'static [&'static str], &'static str>,
);

const CASES: &[Case] = &[
    // Valid, nested, returned in canonical order.
    ("社会组织", &["SZ01", "A", "2"], Ok(&["2", "SZ01", "A"])),
    (
        "社会组织",
        &["e", "2", "sz03", "5"],
        Ok(&["2", "SZ03", "5", "E"]),
    ),
    (
        "养老服务",
        &["A", "YL06", "2", "5"],
        Ok(&["2", "YL06", "5", "A"]),
    ),
    ("殡葬服务", &["2", "BZ01", "E"], Ok(&["2", "BZ01", "E"])),
    ("", &["6", "2", "A"], Ok(&["A", "2", "6"])),
    ("", &["E"], Ok(&["E"])),
    ("社会组织", &["1"], Ok(&["1"])),
    ("社会组织", &["7", "8"], Ok(&["7", "8"])),
    // alone
    ("社会组织", &["1", "A"], Err("「1 未发现问题」须单独选择")),
    (
        "养老服务",
        &["9", "7"],
        Err("9 \"Deregistered\" must be selected alone"),
    ),
    // a child needs its parent
    (
        "社会组织",
        &["6", "A"],
        Err(
            "「6 通过登记的住所无法与社会组织取得联系」须同时选择其上级「2 违反社会组织登记管理规定」",
        ),
    ),
    (
        "",
        &["B"],
        Err(
            "B \"Information required to be made public was not made public as required\" needs its parent 2",
        ),
    ),
    // a parent needs a child
    (
        "社会组织",
        &["2", "A"],
        Err(
            "「2 违反社会组织登记管理规定」须至少选择一个下级代码（SZ01、6、B、C、SZ02、SZ03、SZ04、SZ05、SZ06、SZ07、D）",
        ),
    ),
    (
        "",
        &["A"],
        Err("needs at least one of its children (2, 3, 4, 5)"),
    ),
    // exclude (a set, at most one)
    (
        "",
        &["A", "E"],
        Err("「A 发现问题待后续处理」与「E 发现问题经责令已改正」只能选一"),
    ),
    ("社会组织", &["A", "E", "2", "D"], Err("exclude each other")),
    // exclude (codes with others)
    (
        "社会组织",
        &["E", "2", "6"],
        Err("无法联系的社会组织无从责令改正"),
    ),
    (
        "养老服务",
        &["E", "2", "YL06"],
        Err("重大事故隐患须跟踪整治"),
    ),
    (
        "殡葬服务",
        &["8", "F"],
        Err("「8 不配合检查情节严重」不能与"),
    ),
    // require
    (
        "社会组织",
        &["2", "SZ01"],
        Err("发现的问题（2、5）须选择其处理"),
    ),
    ("殡葬服务", &["A"], Err("须说明发现的问题")),
    ("养老服务", &["5"], Err("needs its follow-up")),
    // 8, 9, E, F: every rule it breaks is named.
    ("", &["8", "9", "E", "F"], Err("「9 注销」须单独选择")),
    ("", &["8", "E", "F"], Err("「8 不配合检查情节严重」不能与")),
];

#[test]
fn every_rule_kind_refuses_with_its_reason() {
    let b = book();
    for (sector, selection, expected) in CASES {
        let got = b.check(sector, &codes(selection));
        match (expected, got) {
            (Ok(want), Ok(got)) => assert_eq!(got, codes(want), "{sector} {selection:?}"),
            (Err(piece), Err(why)) => {
                assert!(why.starts_with("codes"), "{why}");
                assert!(
                    why.contains(piece),
                    "{sector} {selection:?}: {piece}: {why}"
                );
            }
            (want, got) => panic!("{sector} {selection:?}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn all_broken_rules_are_named_chinese_first() {
    let why = book()
        .check("社会组织", &codes(&["8", "9", "E", "F"]))
        .unwrap_err();
    // 9 must be alone; E needs a problem; 8 excludes E and F.
    let zh = why.find("须单独选择").unwrap();
    let en = why.find("must be selected alone").unwrap();
    assert!(zh < en, "{why}");
    for piece in [
        "「9 已注销登记」须单独选择",
        "须说明发现的问题",
        "「8 不配合检查情节严重」不能与",
    ] {
        assert!(why.contains(piece), "{piece}: {why}");
    }
}

#[test]
fn a_code_of_another_sector_is_unknown_here() {
    let b = book();
    let why = b
        .check("社会组织", &codes(&["A", "2", "YL06"]))
        .unwrap_err();
    assert!(
        why.contains("'YL06'") && why.contains("social-orgs"),
        "{why}"
    );
    assert!(b.check("养老服务", &codes(&["A", "2", "YL06"])).is_ok());
    // The market list's department codes are not civil affairs'.
    let why = b.check("养老服务", &codes(&["A", "3"])).unwrap_err();
    assert!(why.contains("'3'"), "{why}");
}

#[test]
fn empty_unknown_and_repeated_selections_are_refused() {
    let b = book();
    let why = b.check("社会组织", &[]).unwrap_err();
    assert!(why.contains("at least one"), "{why}");
    let why = b.check("", &codes(&["A", "Z", "13"])).unwrap_err();
    assert!(
        why.contains("'Z', '13'") && why.contains("known: 1, A, 2"),
        "{why}"
    );
    let why = b.check("", &codes(&["B", "A", "b"])).unwrap_err();
    assert!(why.contains("'b' is selected twice"), "{why}");
}

#[test]
fn old_codes_keep_their_labels_through_the_fallback() {
    let b = book();
    let (list, c) = b.label("社会组织", "6").unwrap();
    assert_eq!(
        (list.id.as_str(), c.zh.as_str()),
        ("social-orgs", "通过登记的住所无法与社会组织取得联系")
    );
    // Recorded under the flat market list before the lists were per sector.
    let (list, c) = b.label("社会组织", "3").unwrap();
    assert_eq!((list.id.as_str(), c.code.as_str()), ("market", "3"));
    assert!(b.label("社会组织", "ZZ").is_none());
}

const ONE: &str = "id = \"x\"\nzh = \"x\"\nen = \"x\"\nsectors = [\"s\"]\nsource = \"ours\"\n\n[[category]]\ncode = \"1\"\nzh = \"未发现问题\"\nen = \"No problem found\"\nkind = \"none\"\nalone = true\n";

fn with(extra: &str) -> String {
    format!("{ONE}{extra}")
}

const CHILD: &str =
    "[[category]]\ncode = \"2\"\nzh = \"违规\"\nen = \"Violation\"\nkind = \"finding\"\n";

#[test]
fn bad_files_are_refused_naming_the_field() {
    let cases = [
        (ONE.replace("alone", "alon"), "alon"),
        (ONE.replace("\"none\"", "\"fine\""), "fine"),
        (ONE.replace("zh = \"未发现问题\"\n", ""), "zh"),
        (
            ONE.replace("en = \"No problem found\"", "en = \" \""),
            "(1).en: is empty",
        ),
        (
            ONE.replace("code = \"1\"", "code = \"1 A\""),
            "letters and digits",
        ),
        (
            ONE.replace("source = \"ours\"", "source = \"\""),
            "source: is empty",
        ),
        (
            ONE.replace("sectors = [\"s\"]\n", ""),
            "sectors: name at least one",
        ),
        (
            with(&ONE[ONE.find("[[category]]").unwrap()..]),
            "given twice",
        ),
        (
            with(&CHILD.replace("kind", "parent = \"9\"\nkind")),
            "'9' is not a code",
        ),
        (
            with(&CHILD.replace("kind", "parent = \"2\"\nkind")),
            "make a cycle",
        ),
        (
            with(&CHILD.replace("kind", "needs_child = true\nkind")),
            "has no children",
        ),
        (
            with(&format!(
                "{CHILD}[[exclude]]\ncodes = [\"1\"]\nzh = \"x\"\nen = \"x\"\n"
            )),
            "exclude #1.codes",
        ),
        (
            with(&format!(
                "{CHILD}[[exclude]]\ncodes = [\"1\", \"Q\"]\nzh = \"x\"\nen = \"x\"\n"
            )),
            "'Q' is not a code",
        ),
        (
            with(&format!(
                "{CHILD}[[require]]\ncodes = [\"2\"]\nany = [\"1\"]\nzh = \"\"\nen = \"x\"\n"
            )),
            "require #1: zh and en",
        ),
        ("".to_string(), "id"),
    ];
    for (text, expected) in cases {
        let error = ResultCodes::parse("x.toml", &text).unwrap_err();
        assert!(error.starts_with("x.toml"), "{error}");
        assert!(error.contains(expected), "{expected}: {error}");
    }
}

#[test]
fn the_book_refuses_overlapping_sectors_and_fallbacks() {
    let a = ONE.to_string();
    let b = ONE.replace("id = \"x\"", "id = \"y\"");
    let why = CodeBook::parse(&[("a.toml", &a), ("b.toml", &b)]).unwrap_err();
    assert!(why.contains("'s' is named by the list 'x'"), "{why}");
    let why = CodeBook::parse(&[("a.toml", &a)]).unwrap_err();
    assert!(why.contains("none is the fallback"), "{why}");
    let general = ONE.replace("sectors = [\"s\"]", "fallback = true");
    let twice = general.replace("id = \"x\"", "id = \"z\"");
    let why = CodeBook::parse(&[("a.toml", &general), ("b.toml", &twice)]).unwrap_err();
    assert!(why.contains("more than one"), "{why}");
    let ok = CodeBook::parse(&[
        ("a.toml", &a),
        ("g.toml", &general.replace("id = \"x\"", "id = \"g\"")),
    ])
    .unwrap();
    assert_eq!(ok.for_sector("other").id, "g");
}

#[test]
fn a_local_code_can_be_added() {
    let text = format!(
        "{}\n[[category]]\ncode = \"G\"\nparent = \"A\"\nzh = \"违反公安部门相关规定\"\nen = \"Violation of public security rules\"\nkind = \"finding\"\n",
        book::SHIPPED[0].1
    );
    let list = ResultCodes::parse("local.toml", &text).unwrap();
    assert_eq!(list.len(), 19);
    assert_eq!(
        list.check_selection(&codes(&["G", "A"])),
        Ok(codes(&["A", "G"]))
    );
}
