//! The demo's filled checklists (检查表单): for each plausible result, the checklist of the
//! matter its target fits (and in a joint batch those of the other departments' own
//! matters) (by the kind of organisation its name shows), answered in
//! agreement with the result's categories: a finding makes the item its note is about
//! 不符合, with the note as the finding and a measure; a status (closed, not found)
//! leaves every item unchecked; otherwise every item is 符合.

use crate::app::App;
use crate::domain::checklist::{Book, Filled, FilledItem};
use crate::domain::result_code::Kind;
use crate::store::batches::Assignment;

/// Which matter of a batch an entity's name suggests (the first that fits, else the
/// batch's first matter that has a checklist).
fn matter_for<'a>(matters: &'a [String], name: &str) -> Option<&'a str> {
    const HINTS: &[(&str, &[&str])] = &[
        ("MZ-SZ-03", &["基金会"]),
        (
            "MZ-SZ-01",
            &[
                "协会",
                "学会",
                "商会",
                "联合会",
                "研究会",
                "促进会",
                "联谊会",
            ],
        ),
        ("MZ-BZ-02", &["公墓", "陵园"]),
    ];
    let book = Book::shipped();
    let has = |m: &str| matters.iter().any(|x| x == m) && book.get(m).is_some();
    HINTS
        .iter()
        .find(|(m, words)| has(m) && words.iter().any(|w| name.contains(w)))
        .map(|(m, _)| *m)
        .or_else(|| {
            matters
                .iter()
                .filter(|m| !matches!(m.as_str(), "MZ-SZ-01" | "MZ-SZ-03" | "MZ-BZ-02"))
                .chain(matters)
                .find(|m| book.get(m).is_some())
                .map(String::as_str)
        })
}

/// The filled checklists of one demo result (`codes`, `note`): the one of the matter its
/// target fits, which holds the finding, and in a joint batch those of the other
/// departments' own matters (`own`: the matters `team.department_matters` names), all
/// 符合, or unchecked with a status; none when no matter of the batch has a checklist.
pub(super) fn filled(
    app: &App,
    matters: &[String],
    own: &[String],
    t: &Assignment,
    codes: &[String],
    note: &str,
) -> Vec<Filled> {
    let Some(list) = matter_for(matters, &t.entity_name).and_then(|m| Book::shipped().get(m))
    else {
        return Vec::new();
    };
    let kinds: Vec<Kind> = codes
        .iter()
        .filter_map(|c| app.codes.for_sector(&t.sector).get(c).map(|c| c.kind))
        .collect();
    let finding = kinds.contains(&Kind::Finding);
    let unchecked = !finding && !kinds.contains(&Kind::NoProblem);
    // The item the note is about: the first whose text shares a word with it.
    const WORDS: &[&str] = &[
        "消防", "公示", "收费", "备案", "年度", "住所", "登记", "档案", "财务",
    ];
    let about = list
        .items
        .iter()
        .position(|i| WORDS.iter().any(|w| note.contains(w) && i.zh.contains(w)))
        .unwrap_or(0);
    let measure = if note.contains("当场") {
        "当场整改"
    } else if note.contains("异常名录") {
        "列入活动异常名录"
    } else {
        "责令限期整改"
    };
    let items = list
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let problem = finding && n == about;
            FilledItem {
                item: i.id.clone(),
                answer: (!unchecked).then(|| if problem { "不符合" } else { "符合" }.into()),
                finding: problem.then(|| note.to_string()),
                measure: problem.then(|| measure.to_string()),
            }
        })
        .collect();
    let mut filled = vec![Filled {
        matter: list.matter.clone(),
        items,
    }];
    for other in own.iter().filter(|m| **m != list.matter) {
        if let Some(other) = Book::shipped().get(other) {
            let items = other.items.iter().map(|i| FilledItem {
                item: i.id.clone(),
                answer: (!unchecked).then(|| "符合".into()),
                finding: None,
                measure: None,
            });
            filled.push(Filled {
                matter: other.matter.clone(),
                items: items.collect(),
            });
        }
    }
    filled
}
