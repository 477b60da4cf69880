use super::*;
use crate::domain::codes::Measure;
use crate::domain::result_code::Kind;

fn book() -> &'static Book {
    Book::shipped()
}

fn matters() -> Vec<String> {
    vec!["MZ-BZ-01".into(), "MZ-BZ-02".into()]
}

/// MZ-BZ-01 filled: every item 符合, but `changes` (item, answer, finding, measure).
/// (item, answer, finding, measure)
type Change<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn filled(changes: &[Change<'_>]) -> Vec<Filled> {
    let list = book().get("MZ-BZ-01").unwrap();
    let items = list
        .items
        .iter()
        .map(|i| {
            let c = changes.iter().find(|c| c.0 == i.id);
            FilledItem {
                item: i.id.clone(),
                answer: c.map_or(Some("符合".to_string()), |c| c.1.map(str::to_string)),
                finding: c.and_then(|c| c.2.map(str::to_string)),
                measure: c.and_then(|c| c.3.map(str::to_string)),
            }
        })
        .collect();
    vec![Filled {
        matter: "MZ-BZ-01".into(),
        items,
    }]
}

fn refused(kinds: &[Kind], f: &[Filled]) -> String {
    book().check(&matters(), kinds, f).unwrap_err()
}

#[test]
fn every_shipped_checklist_loads_and_every_matter_the_shipped_plans_use_has_one() {
    let parsed = Book::parse(&SHIPPED).unwrap();
    assert_eq!(parsed.lists().len(), SHIPPED.len());
    for (file, _) in SHIPPED {
        let matter = file
            .trim_start_matches("registries/checklists/")
            .trim_end_matches(".toml");
        let list = parsed.get(matter).unwrap_or_else(|| panic!("{file}"));
        assert!(!list.items.is_empty(), "{file}");
    }
    let plans = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/registries/shanghai/plans"
    ))
    .unwrap();
    let mut used = 0;
    for plan in plans {
        let text = std::fs::read_to_string(plan.unwrap().path()).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        for m in value["matters"].as_array().unwrap() {
            let m = m.as_str().unwrap();
            assert!(parsed.get(m).is_some(), "matter {m} has no checklist");
            used += 1;
        }
    }
    assert!(used >= 7, "{used}");
    // Every matter named has a row in matters.csv.
    let csv = include_str!("../../../registries/shanghai/matters.csv");
    for l in parsed.lists() {
        assert!(
            csv.lines()
                .any(|r| r.starts_with(&format!("{},", l.matter))),
            "{}",
            l.matter
        );
    }
}

#[test]
fn the_content_hash_ignores_comments_and_follows_the_content() {
    let (file, text) = SHIPPED[0];
    let a = parse::checklist(file, text).unwrap();
    let b = parse::checklist(file, &format!("# another comment\n{text}")).unwrap();
    assert_eq!(a.sha256(), b.sha256());
    let c = parse::checklist(file, &text.replacen("已向民政部门备案", "已备案", 1)).unwrap();
    assert_ne!(a.sha256(), c.sha256());
    assert_eq!(a.sha256().len(), 64);
}

#[test]
fn a_bad_checklist_file_is_refused_naming_file_item_and_field() {
    let (file, text) = SHIPPED[0];
    let cases = [
        (
            text.replacen("id = \"02\"", "id = \"01\"", 1),
            "item 2: id: '01'",
        ),
        (
            text.replacen("id = \"03\"", "id = \"a b\"", 1),
            "item 3: id",
        ),
        (
            text.replacen(
                "basis = \"《养老机构管理办法》（民政部令第66号）\"",
                "basis = \" \"",
                1,
            ),
            "item 1 ('01'): basis",
        ),
        (
            text.replacen("kind = \"problem\"", "kind = \"ok\"", 1),
            "no answer of kind \"problem\"",
        ),
        (
            text.replacen("matter = \"MZ-YL-01\"", "matter = \"\"", 1),
            "matter: ",
        ),
        (
            text.replacen(
                "[[item]]\nid = \"01\"",
                "[[item]]\nnote = \"x\"\nid = \"01\"",
                1,
            ),
            "unknown field",
        ),
    ];
    for (bad, needle) in cases {
        let e = parse::checklist(file, &bad).unwrap_err();
        assert!(e.starts_with(file) && e.contains(needle), "{needle}: {e}");
    }
    let twice = Book::parse(&[SHIPPED[0], ("other.toml", SHIPPED[0].1)]).unwrap_err();
    assert!(twice.contains("other.toml: matter"), "{twice}");
}

#[test]
fn a_complete_checklist_is_checked_in_order_and_pinned_by_hash() {
    let f = filled(&[
        (
            "03",
            Some("不符合"),
            Some(" 销售纸扎迷信用品 "),
            Some("当场整改"),
        ),
        ("05", None, None, None),
    ]);
    let forms = book().check(&matters(), &[Kind::Finding], &f).unwrap();
    assert_eq!(forms.len(), 1);
    let form = &forms[0];
    assert_eq!(form.sha256, book().get("MZ-BZ-01").unwrap().sha256());
    let ids: Vec<&str> = form.items.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(ids, ["01", "02", "03", "04", "05"]);
    assert_eq!(form.items[2].finding.as_deref(), Some("销售纸扎迷信用品"));
    assert_eq!(form.items[2].measure, Some(Measure::CorrectedOnSite));
    assert_eq!(form.items[4].answer, None);
    // Items given in another order give the same form.
    let mut shuffled = f.clone();
    shuffled[0].items.reverse();
    assert_eq!(
        book()
            .check(&matters(), &[Kind::Finding], &shuffled)
            .unwrap(),
        forms
    );
    // All 符合 with 未发现问题.
    assert!(
        book()
            .check(&matters(), &[Kind::NoProblem], &filled(&[]))
            .is_ok()
    );
}

#[test]
fn the_checker_refuses_what_a_checklist_cannot_say() {
    let ok = &[Kind::NoProblem];
    let mut unknown = filled(&[]);
    unknown[0].items.push(FilledItem {
        item: "99".into(),
        answer: Some("符合".into()),
        finding: None,
        measure: None,
    });
    assert!(refused(ok, &unknown).contains("item 99: 检查表单中没有此项"));
    let mut missing = filled(&[]);
    missing[0].items.remove(1);
    assert!(refused(ok, &missing).contains("item 02: 未填写"));
    let mut twice = filled(&[]);
    let first = twice[0].items[0].clone();
    twice[0].items.push(first);
    assert!(refused(ok, &twice).contains("item 01: 重复填写"));
    assert!(
        refused(ok, &filled(&[("02", Some("是"), None, None)]))
            .contains("item 02: answer: '是' 不是允许的答案")
    );
    let e = refused(
        &[Kind::Finding],
        &filled(&[("04", Some("不符合"), None, None)]),
    );
    assert!(e.contains("item 04: 答「不符合」须写明发现的问题"), "{e}");
    let e = refused(ok, &filled(&[("01", Some("符合"), Some("x"), None)]));
    assert!(e.contains("item 01: 只有发现问题的项"), "{e}");
    let e = refused(ok, &filled(&[("01", Some("不适用"), None, Some("约谈"))]));
    assert!(e.contains("item 01: 只有发现问题的项"), "{e}");
    let e = refused(ok, &filled(&[("01", None, None, Some("约谈"))]));
    assert!(e.contains("item 01: 未检查的项"), "{e}");
    let e = refused(
        &[Kind::Finding],
        &filled(&[("01", Some("不符合"), Some("x"), Some("罚款"))]),
    );
    assert!(e.contains("item 01: measure"), "{e}");
    // Contradictions with the categories.
    let e = refused(ok, &filled(&[("03", Some("不符合"), Some("x"), None)]));
    assert!(e.contains("item 03") && e.contains("未发现问题"), "{e}");
    let e = refused(&[Kind::Finding], &filled(&[]));
    assert!(e.contains("没有不符合的项"), "{e}");
    let none: Vec<Change<'_>> = ["01", "02", "03", "04", "05"]
        .iter()
        .map(|i| (*i, None, None, None))
        .collect();
    assert!(refused(ok, &filled(&none)).contains("没有检查任何项"));
    // A status (closed, refused the inspection) may leave every item unchecked.
    assert!(
        book()
            .check(&matters(), &[Kind::Status], &filled(&none))
            .is_ok()
    );
    // Matters.
    assert!(refused(ok, &[]).contains("未填写检查表单"));
    let e = book()
        .check(&["MZ-YL-01".into()], ok, &filled(&[]))
        .unwrap_err();
    assert!(
        e.contains("checklist MZ-BZ-01: 不是本批次的抽查事项"),
        "{e}"
    );
    let e = book()
        .check(
            &["MZ-ET-01".into()],
            ok,
            &[Filled {
                matter: "MZ-ET-01".into(),
                items: vec![],
            }],
        )
        .unwrap_err();
    assert!(e.contains("该事项没有检查表单"), "{e}");
    let mut both = filled(&[]);
    both.push(both[0].clone());
    assert!(refused(ok, &both).contains("checklist MZ-BZ-01: 重复填写"));
}
