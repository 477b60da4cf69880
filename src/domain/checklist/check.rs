//! The one checker of a filled checklist: what an officer sends ([`Filled`]) against the
//! checklists of the batch's matters and the result's categories, giving what is logged
//! ([`Checked`]). Every refusal names the matter and the item, in Chinese, then English.

use serde::{Deserialize, Serialize};

use super::{AnswerKind, Book, Checklist};
use crate::domain::{codes::Measure, result_code::Kind, text};

/// One checklist as the officer fills it: the matter, and every item of its checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filled {
    pub matter: String,
    pub items: Vec<FilledItem>,
}

/// One item as filled: no answer (absent or null) means not checked (未检查), and then
/// nothing else is given; a problem answer has its finding; a measure where one was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilledItem {
    pub item: String,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub finding: Option<String>,
    #[serde(default)]
    pub measure: Option<String>,
}

/// A filled checklist as checked: the checklist named by its content hash, its items in
/// the checklist's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub matter: String,
    /// The content hash of the checklist filled ([`Checklist::sha256`]).
    pub sha256: String,
    pub items: Vec<FormItem>,
}

/// One item as checked: `answer` None is 未检查.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormItem {
    pub item: String,
    pub answer: Option<String>,
    /// The finding (a working note, never published); only with a problem answer.
    pub finding: Option<String>,
    pub measure: Option<Measure>,
}

impl Book {
    /// Checks the checklists a result fills. `matters` are the batch's matters, `kinds` the
    /// kinds of the result's categories. Refused: no checklist, a matter that is not the
    /// batch's or has no checklist, a matter twice; an unknown item, an item twice, an item
    /// missing; an answer not allowed; an unchecked item with a finding or a measure; a
    /// problem answer without a finding; a finding or a measure on an answer that is not a
    /// problem; an unknown measure; and a checklist that contradicts the categories: a
    /// problem answer with no finding category (e.g. with 1 未发现问题), a finding category
    /// with no problem answer, 未发现问题 with no item checked.
    pub fn check(
        &self,
        matters: &[String],
        kinds: &[Kind],
        filled: &[Filled],
    ) -> Result<Vec<Form>, String> {
        if filled.is_empty() {
            return Err(
                "checklist: 未填写检查表单 (no checklist is filled: fill the checklist of at least one matter of the batch)"
                    .into(),
            );
        }
        let mut forms: Vec<Form> = Vec::with_capacity(filled.len());
        for f in filled {
            let matter = f.matter.trim();
            if !matters.iter().any(|m| m == matter) {
                return Err(format!(
                    "checklist {matter}: 不是本批次的抽查事项 (is not a matter of the batch: {})",
                    matters.join(", ")
                ));
            }
            if forms.iter().any(|x| x.matter == matter) {
                return Err(format!("checklist {matter}: 重复填写 (is filled twice)"));
            }
            let list = self.get(matter).ok_or_else(|| {
                format!("checklist {matter}: 该事项没有检查表单 (the matter has no checklist)")
            })?;
            forms.push(fill(list, f)?);
        }
        // In the batch's order of matters.
        forms.sort_by_key(|x| matters.iter().position(|m| *m == x.matter));
        contradictions(self, kinds, &forms)?;
        Ok(forms)
    }
}

fn fill(list: &Checklist, f: &Filled) -> Result<Form, String> {
    let matter = &list.matter;
    let mut answered: Vec<Option<FormItem>> = vec![None; list.items.len()];
    for it in &f.items {
        let id = it.item.trim();
        let at = format!("checklist {matter} item {id}");
        let n =
            list.items.iter().position(|i| i.id == id).ok_or_else(|| {
                format!("{at}: 检查表单中没有此项 (no such item in the checklist)")
            })?;
        if answered[n].is_some() {
            return Err(format!("{at}: 重复填写 (is filled twice)"));
        }
        let finding = match it.finding.as_deref().map(text::optional).transpose() {
            Ok(f) => f.filter(|f| !f.is_empty()),
            Err(e) => return Err(format!("{at}: finding: {e}")),
        };
        let measure = it
            .measure
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| {
                Measure::parse(m).map_err(|e| format!("{at}: measure: 处置措施不在词表中 ({e})"))
            })
            .transpose()?;
        let answer = it
            .answer
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let kind = match answer {
            None => {
                if finding.is_some() || measure.is_some() {
                    return Err(format!(
                        "{at}: 未检查的项不能有问题或处置措施 (an unchecked item has no finding or measure)"
                    ));
                }
                None
            }
            Some(a) => {
                let allowed = list.answer(a).ok_or_else(|| {
                    let all: Vec<&str> = list.answers.iter().map(|x| x.value.as_str()).collect();
                    format!(
                        "{at}: answer: '{a}' 不是允许的答案 (is not an allowed answer: {}; leave it out for 未检查)",
                        all.join(", ")
                    )
                })?;
                Some(allowed.kind)
            }
        };
        let problem = kind == Some(AnswerKind::Problem);
        if problem && finding.is_none() {
            return Err(format!(
                "{at}: 答「{}」须写明发现的问题 (a problem answer needs its finding)",
                answer.unwrap_or_default()
            ));
        }
        if !problem && kind.is_some() && (finding.is_some() || measure.is_some()) {
            return Err(format!(
                "{at}: 只有发现问题的项才写问题和处置措施 (a finding or a measure goes only with a problem answer)"
            ));
        }
        answered[n] = Some(FormItem {
            item: list.items[n].id.clone(),
            answer: answer.map(str::to_string),
            finding,
            measure,
        });
    }
    let missing: Vec<&str> = list
        .items
        .iter()
        .zip(&answered)
        .filter(|(_, a)| a.is_none())
        .map(|(i, _)| i.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "checklist {matter} item {}: 未填写（未检查的项也须列出，不写答案）(missing: list every item, an unchecked one without an answer)",
            missing.join(", ")
        ));
    }
    Ok(Form {
        matter: matter.clone(),
        sha256: list.sha256(),
        items: answered.into_iter().flatten().collect(),
    })
}

/// Refuses a checklist that says otherwise than the result's categories.
fn contradictions(book: &Book, kinds: &[Kind], forms: &[Form]) -> Result<(), String> {
    let kind_of = |form: &Form, item: &FormItem| {
        item.answer.as_deref().and_then(|a| {
            book.get(&form.matter)
                .and_then(|l| l.answer(a))
                .map(|x| x.kind)
        })
    };
    let problem = forms.iter().find_map(|f| {
        f.items
            .iter()
            .find(|i| kind_of(f, i) == Some(AnswerKind::Problem))
            .map(|i| (f, i))
    });
    let finding = kinds.contains(&Kind::Finding);
    if let Some((f, i)) = problem
        && !finding
    {
        return Err(format!(
            "checklist {} item {}: 答「{}」，但结果类别中没有发现问题的类别{} (answered as a problem, but no category of the result is a finding{})",
            f.matter,
            i.item,
            i.answer.as_deref().unwrap_or_default(),
            if kinds.contains(&Kind::NoProblem) {
                "（已选「未发现问题」）"
            } else {
                ""
            },
            if kinds.contains(&Kind::NoProblem) {
                ": the result says no problem was found"
            } else {
                ""
            },
        ));
    }
    if finding && problem.is_none() {
        return Err(
            "checklist: 结果类别为发现问题，但检查表单中没有不符合的项 (a category of the result is a finding, but no item of the checklist is answered as a problem)"
                .into(),
        );
    }
    if kinds.contains(&Kind::NoProblem)
        && forms
            .iter()
            .all(|f| f.items.iter().all(|i| i.answer.is_none()))
    {
        return Err(
            "checklist: 结果为「未发现问题」，但检查表单中没有检查任何项 (the result says no problem was found, but no item was checked)"
                .into(),
        );
    }
    Ok(())
}
