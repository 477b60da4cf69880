//! Reading one checklist (`registries/checklists/*.toml`) and refusing a bad one, every
//! error naming the file, the item and the field.

use super::{AnswerKind, Checklist};

/// The longest item id.
const ID_MAX: usize = 16;

/// Parses and validates one checklist; `file` names it in errors. Refused: unknown keys;
/// an empty matter, label, source, item text or basis; no item; an item id that is empty,
/// longer than 16 characters, not ASCII letters, digits and `-`, or given twice; no answer,
/// an answer given twice, or answers without one of kind `ok` and one of kind `problem`.
pub(super) fn checklist(file: &str, text: &str) -> Result<Checklist, String> {
    let mut list: Checklist = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    for (name, value) in [
        ("matter", &mut list.matter),
        ("zh", &mut list.zh),
        ("en", &mut list.en),
        ("source", &mut list.source),
    ] {
        *value = value.trim().to_string();
        if value.is_empty() {
            return Err(format!("{file}: {name}: 为空 (is empty)"));
        }
    }
    if list.items.is_empty() {
        return Err(format!("{file}: item: 没有检查项 (no item)"));
    }
    for (n, item) in list.items.iter_mut().enumerate() {
        let at = format!("{file}: item {}", n + 1);
        item.id = item.id.trim().to_string();
        if item.id.is_empty()
            || item.id.len() > ID_MAX
            || !item
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "{at}: id: '{}' 不是 1 至 {ID_MAX} 个字母、数字或 - (is not 1 to {ID_MAX} ASCII letters, digits or -)",
                item.id
            ));
        }
        for (name, value) in [
            ("zh", &mut item.zh),
            ("en", &mut item.en),
            ("basis", &mut item.basis),
        ] {
            *value = value.trim().to_string();
            if value.is_empty() {
                return Err(format!("{at} ('{}'): {name}: 为空 (is empty)", item.id));
            }
        }
    }
    for (n, item) in list.items.iter().enumerate() {
        if list.items[..n].iter().any(|i| i.id == item.id) {
            return Err(format!(
                "{file}: item {}: id: '{}' 重复 (is given twice)",
                n + 1,
                item.id
            ));
        }
    }
    for (n, answer) in list.answers.iter_mut().enumerate() {
        answer.value = answer.value.trim().to_string();
        answer.en = answer.en.trim().to_string();
        if answer.value.is_empty() || answer.en.is_empty() {
            return Err(format!(
                "{file}: answer {}: value/en: 为空 (is empty)",
                n + 1
            ));
        }
    }
    for (n, answer) in list.answers.iter().enumerate() {
        if list.answers[..n].iter().any(|a| a.value == answer.value) {
            return Err(format!(
                "{file}: answer {}: value: '{}' 重复 (is given twice)",
                n + 1,
                answer.value
            ));
        }
    }
    for kind in [AnswerKind::Ok, AnswerKind::Problem] {
        if !list.answers.iter().any(|a| a.kind == kind) {
            return Err(format!(
                "{file}: answer: 缺少 kind = \"{}\" 的答案 (no answer of kind \"{}\")",
                kind_word(kind),
                kind_word(kind)
            ));
        }
    }
    Ok(list)
}

fn kind_word(kind: AnswerKind) -> &'static str {
    match kind {
        AnswerKind::Ok => "ok",
        AnswerKind::Problem => "problem",
        AnswerKind::NotApplicable => "not-applicable",
    }
}
