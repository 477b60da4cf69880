//! The officer's result form on a target's page (检查结果录入), pure: the categories of the
//! target's sector as checkboxes (indented under their parents), each checklist item with
//! its answers, finding and measure, the note and the inspection date; filled from what was
//! submitted (so a refused form comes back as typed), and read back into what
//! `app::results::record` takes. Field names: `code` (repeated), `a:{matter}:{item}`,
//! `f:{matter}:{item}`, `m:{matter}:{item}`, `note`, `inspected_on`, `corrects`.

use crate::domain::checklist::{Checklist, Filled, FilledItem};
use crate::domain::codes::Measure;
use crate::domain::result_code::ResultCodes;

use super::model::Lang;

/// The fields of a submitted form, in order (a name may repeat).
#[derive(Debug, Default, Clone)]
pub struct Submitted(pub Vec<(String, String)>);

impl Submitted {
    /// The form body `application/x-www-form-urlencoded`.
    pub fn parse(body: &[u8]) -> Submitted {
        Submitted(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }
}

/// One category to tick.
pub struct CodeChoice {
    pub code: String,
    pub label: String,
    /// How far below the top of the list (0 at the top).
    pub depth: usize,
    pub checked: bool,
}

/// One answer of an item.
pub struct AnswerChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One checklist item's fields.
pub struct ItemFields {
    pub id: String,
    pub label: String,
    pub basis: String,
    pub answer_name: String,
    pub finding_name: String,
    pub measure_name: String,
    pub answers: Vec<AnswerChoice>,
    pub finding: String,
    pub measure: String,
}

/// One matter's checklist.
pub struct ChecklistFields {
    pub matter: String,
    pub title: String,
    pub items: Vec<ItemFields>,
}

/// The whole form.
pub struct ResultForm {
    pub codes: Vec<CodeChoice>,
    pub checklists: Vec<ChecklistFields>,
    /// (value, label) of each measure.
    pub measures: Vec<(&'static str, &'static str)>,
    pub note: String,
    pub inspected_on: String,
    /// The standing result a submission corrects.
    pub corrects: Option<i64>,
    /// The form's request id: a second submission of the same form records nothing more.
    pub request: String,
}

fn field(prefix: char, matter: &str, item: &str) -> String {
    format!("{prefix}:{matter}:{item}")
}

fn measure_label(m: Measure, lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        return m.as_str();
    }
    match m {
        Measure::CorrectedOnSite => "corrected on site",
        Measure::OrderToCorrect => "ordered to correct by a date",
        Measure::Interview => "interview",
        Measure::CaseOpened => "case opened",
        Measure::Referred => "referred",
        Measure::AbnormalList => "listed as abnormal",
        Measure::SeriousList => "listed as seriously dishonest",
    }
}

/// The form for a target of sector list `codes` with `checklists`, filled from `s` (empty
/// for a new form: today's date); `corrects` the standing result, if any; `request` the id
/// of a new form (a submitted one keeps its own).
pub fn form(
    codes: &ResultCodes,
    checklists: &[&Checklist],
    s: &Submitted,
    today: &str,
    corrects: Option<i64>,
    request: &str,
    lang: Lang,
) -> ResultForm {
    let ticked = s.all("code");
    let t = |zh: &str, en: &str| {
        if lang == Lang::En {
            en.to_string()
        } else {
            zh.to_string()
        }
    };
    ResultForm {
        codes: codes
            .iter()
            .map(|c| CodeChoice {
                code: c.code.clone(),
                label: t(&c.zh, &c.en),
                depth: codes.path(&c.code).len().saturating_sub(1),
                checked: ticked.contains(&c.code),
            })
            .collect(),
        checklists: checklists
            .iter()
            .map(|l| ChecklistFields {
                matter: l.matter.clone(),
                title: t(&l.zh, &l.en),
                items: l
                    .items
                    .iter()
                    .map(|i| {
                        let answer_name = field('a', &l.matter, &i.id);
                        let chosen = s.get(&answer_name).to_string();
                        ItemFields {
                            id: i.id.clone(),
                            label: t(&i.zh, &i.en),
                            basis: i.basis.clone(),
                            answers: std::iter::once(AnswerChoice {
                                value: String::new(),
                                label: t("未检查", "not checked"),
                                checked: chosen.is_empty(),
                            })
                            .chain(l.answers.iter().map(|a| AnswerChoice {
                                value: a.value.clone(),
                                label: t(&a.value, &a.en),
                                checked: chosen == a.value,
                            }))
                            .collect(),
                            finding: s.get(&field('f', &l.matter, &i.id)).to_string(),
                            measure: s.get(&field('m', &l.matter, &i.id)).to_string(),
                            finding_name: field('f', &l.matter, &i.id),
                            measure_name: field('m', &l.matter, &i.id),
                            answer_name,
                        }
                    })
                    .collect(),
            })
            .collect(),
        measures: Measure::ALL
            .iter()
            .map(|m| (m.as_str(), measure_label(*m, lang)))
            .collect(),
        note: s.get("note").to_string(),
        inspected_on: match s.get("inspected_on") {
            "" => today.to_string(),
            d => d.to_string(),
        },
        corrects,
        request: match s.get("request") {
            "" => request.to_string(),
            r => r.to_string(),
        },
    }
}

/// The filled checklists of a submission: each matter with at least one item answered,
/// every item of it (unanswered ones as not checked).
pub fn filled(checklists: &[&Checklist], s: &Submitted) -> Vec<Filled> {
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    checklists
        .iter()
        .map(|l| Filled {
            matter: l.matter.clone(),
            items: l
                .items
                .iter()
                .map(|i| FilledItem {
                    item: i.id.clone(),
                    answer: opt(s.get(&field('a', &l.matter, &i.id))),
                    finding: opt(s.get(&field('f', &l.matter, &i.id))),
                    measure: opt(s.get(&field('m', &l.matter, &i.id))),
                })
                .collect(),
        })
        .filter(|f| f.items.iter().any(|i| i.answer.is_some()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checklist::Book;
    use crate::domain::result_code::CodeBook;

    #[test]
    fn a_submission_comes_back_as_typed_and_reads_into_filled_checklists() {
        let book = Book::shipped();
        let list = book.get("MZ-YL-01").unwrap();
        let first = &list.items[0].id;
        let body = format!(
            "code=2&code=YL03&note=%E5%A4%87%E6%B3%A8&inspected_on=2026-12-01&a%3AMZ-YL-01%3A{first}=%E4%B8%8D%E7%AC%A6%E5%90%88&f%3AMZ-YL-01%3A{first}=x&m%3AMZ-YL-01%3A{first}=%E8%B4%A3%E4%BB%A4%E9%99%90%E6%9C%9F%E6%95%B4%E6%94%B9"
        );
        let s = Submitted::parse(body.as_bytes());
        assert_eq!(s.all("code"), ["2", "YL03"]);
        let codes = CodeBook::shipped();
        let f = form(
            codes.for_sector("养老服务"),
            &[list],
            &s,
            "2026-12-04",
            None,
            "r1",
            Lang::Zh,
        );
        assert_eq!(f.note, "备注");
        assert_eq!(f.inspected_on, "2026-12-01");
        assert!(
            f.codes
                .iter()
                .any(|c| c.code == "YL03" && c.checked && c.depth > 0)
        );
        let item = &f.checklists[0].items[0];
        assert!(
            item.answers
                .iter()
                .any(|a| a.value == "不符合" && a.checked)
        );
        assert_eq!(item.measure, "责令限期整改");
        let filled = filled(&[list], &s);
        assert_eq!(filled.len(), 1);
        assert_eq!(filled[0].items.len(), list.items.len());
        assert_eq!(filled[0].items[0].answer.as_deref(), Some("不符合"));
        assert_eq!(filled[0].items[1].answer, None);
        // Nothing answered: no checklist sent.
        assert!(super::filled(&[list], &Submitted::default()).is_empty());
    }
}
