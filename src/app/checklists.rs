//! A result's filled checklists (检查表单): checked by `domain::checklist` against the
//! batch's matters and the result's categories, then split into what is logged (answers,
//! measures, each checklist named by its content hash, and a salted hash of the findings)
//! and the findings' opening, kept beside the result and never published (docs/LOG.md).
//! Also the empty form of a batch, for the officer who fills it.

use crate::domain::Message;
use crate::msg;
use serde_json::{Value, json};

use super::{App, AppError, Result, batch};
use crate::domain::{
    checklist::{Book, Filled, Form, FormItem},
    codes::Measure,
    result_code::Kind,
};
use crate::store::results::ResultRow;

/// The forms a result fills, checked: `codes` are the result's (checked) category codes
/// of the list of `sector`, `matters` the batch's. Nothing filled gives no form.
pub fn check(
    app: &App,
    matters: &[String],
    sector: &str,
    codes: &[String],
    filled: &[Filled],
) -> Result<Vec<Form>> {
    if filled.is_empty() {
        return Ok(Vec::new());
    }
    let list = app.codes.for_sector(sector);
    let kinds: Vec<Kind> = codes
        .iter()
        .filter_map(|c| list.get(c).map(|c| c.kind))
        .collect();
    Book::shipped()
        .check(matters, &kinds, filled)
        .map_err(|e| AppError::Invalid(Message::same(e).on("checklist")))
}

/// What the log and the row keep of `forms`: the entry's `checklist` value (null for no
/// form) and the findings' opening (none when no item has a finding), sealed by `salt`.
pub fn logged(forms: &[Form], salt: &[u8; 32]) -> (Value, Option<String>) {
    if forms.is_empty() {
        return (Value::Null, None);
    }
    let findings: Vec<Value> = forms
        .iter()
        .flat_map(|f| {
            f.items.iter().filter_map(move |i| {
                i.finding
                    .as_ref()
                    .map(|t| json!({"matter": f.matter, "item": i.item, "text": t}))
            })
        })
        .collect();
    let opening = (!findings.is_empty()).then(|| {
        let v = json!({"findings": findings, "salt": hex::encode(salt)});
        String::from_utf8(crate::canonical::to_vec(&v)).unwrap_or_default()
    });
    let filled: Vec<Value> = forms
        .iter()
        .map(|f| {
            let items: Vec<Value> = f
                .items
                .iter()
                .map(|i| json!({"item": i.item, "answer": i.answer, "measure": i.measure}))
                .collect();
            json!({"matter": f.matter, "sha256": f.sha256, "items": items})
        })
        .collect();
    let hash = opening
        .as_deref()
        .map(|o| crate::canonical::sha256_hex(o.as_bytes()));
    (json!({"filled": filled, "findings_sha256": hash}), opening)
}

/// The canonical text of a logged `checklist` value, as the row stores it (None for null).
pub fn text_of(checklist: &Value) -> Option<String> {
    (!checklist.is_null())
        .then(|| String::from_utf8(crate::canonical::to_vec(checklist)).unwrap_or_default())
}

/// The forms a stored result filled, findings included (for a retry's comparison and the
/// officer's own view); empty when it filled none. `None` if the stored text does not read.
pub fn forms_of(r: &ResultRow) -> Option<Vec<Form>> {
    let Some(text) = r.checklist.as_deref() else {
        return Some(Vec::new());
    };
    let logged: Value = serde_json::from_str(text).ok()?;
    let findings: Vec<Value> = match r.findings.as_deref() {
        Some(o) => serde_json::from_str::<Value>(o)
            .ok()?
            .get("findings")?
            .as_array()?
            .clone(),
        None => Vec::new(),
    };
    let finding = |matter: &str, item: &str| {
        findings
            .iter()
            .find(|f| f["matter"] == matter && f["item"] == item)
            .and_then(|f| f["text"].as_str().map(str::to_string))
    };
    logged["filled"]
        .as_array()?
        .iter()
        .map(|f| {
            let matter = f["matter"].as_str()?.to_string();
            let items = f["items"]
                .as_array()?
                .iter()
                .map(|i| {
                    let item = i["item"].as_str()?.to_string();
                    Some(FormItem {
                        finding: finding(&matter, &item),
                        answer: i["answer"].as_str().map(str::to_string),
                        measure: serde_json::from_value(i["measure"].clone()).ok()?,
                        item,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Form {
                sha256: f["sha256"].as_str()?.to_string(),
                matter,
                items,
            })
        })
        .collect()
}

/// The measures a result's checklist records, each once, in the vocabulary's order: what
/// the public sees of a checklist (with the categories), never the findings.
pub fn measures(r: &ResultRow) -> Vec<Measure> {
    let mut all: Vec<Measure> = forms_of(r)
        .unwrap_or_default()
        .iter()
        .flat_map(|f| f.items.iter().filter_map(|i| i.measure))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The empty form of a batch, for the officer who fills it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FormView {
    pub batch: String,
    /// The batch's matters, in its plan's order.
    pub matters: Vec<String>,
    /// The checklist of each matter that has one: `matter`, `sha256` (its content hash),
    /// `zh`, `en`, `answers` [{`value`, `en`, `kind`: ok, problem or not-applicable}],
    /// `items` [{`id`, `zh`, `en`, `basis`}].
    #[schema(value_type = Vec<Object>)]
    pub checklists: Vec<Value>,
    /// The measures (处置措施) an item may record.
    pub measures: Vec<String>,
    /// What to fill and send as a result's `checklist` (keep the matters inspected):
    /// [{`matter`, `items`: [{`item`, `answer`, `finding`, `measure`}]}], every answer null
    /// (null: not checked, 未检查).
    #[schema(value_type = Vec<Object>)]
    pub template: Vec<Value>,
}

/// The empty form of a batch: for each of its matters that has a checklist, the checklist
/// (items, legal basis, answers allowed, content hash) and a template to fill, every item
/// unanswered (未检查). A draft's only when `drafts` (the corps').
pub async fn form(app: &App, id: &str, drafts: bool) -> Result<FormView> {
    let row = batch::get(app, id).await?;
    if row.state == "draft" && !drafts {
        // Not announced: to whoever may not see drafts, as a batch that does not exist.
        return Err(AppError::NotFound(msg!("没有批次 {id}", "no batch '{id}'")));
    }
    let plan = batch::plan(&row)?;
    let lists: Vec<&crate::domain::checklist::Checklist> = plan
        .matters
        .iter()
        .filter_map(|m| Book::shipped().get(m))
        .collect();
    let checklists = lists
        .iter()
        .map(|l| {
            json!({
                "matter": l.matter,
                "sha256": l.sha256(),
                "zh": l.zh,
                "en": l.en,
                "answers": l.answers,
                "items": l.items,
            })
        })
        .collect();
    let template = lists
        .iter()
        .map(|l| {
            let items: Vec<Value> = l
                .items
                .iter()
                .map(|i| json!({"item": i.id, "answer": null, "finding": null, "measure": null}))
                .collect();
            json!({"matter": l.matter, "items": items})
        })
        .collect();
    Ok(FormView {
        batch: id.to_string(),
        matters: plan.matters.clone(),
        checklists,
        measures: Measure::ALL
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        template,
    })
}
