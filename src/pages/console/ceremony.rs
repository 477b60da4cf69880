//! The ceremony's pages (摇号), pure: the form with one hidden-as-typed field per witness
//! (`templates/console/ceremony.html`; nothing typed is ever written back into it), and the
//! recorded draw as a printable A4 sheet, the 摇号记录, with the witnesses' and the clerk's
//! signature lines (`templates/console/draw_record.html` over `print_base.html`).

use askama::Template;

use super::{Console, finish};
use crate::app::ceremony::Record;
use crate::entropy::ceremony::DigitsProblem;

/// One witness's field on the form.
pub struct WitnessField {
    /// The field's id and name: `w0`, `w1`, … in declared order.
    pub id: String,
    pub name: String,
    pub error: Option<String>,
}

/// What the ceremony page shows of a batch that is not open for the ceremony.
pub enum Closed<'a> {
    /// It draws from this drand round.
    Drand(u64),
    /// A draft or withdrawn batch (its state word).
    State(&'a str),
}

#[derive(Template)]
#[template(path = "console/ceremony.html")]
struct CeremonyTemplate<'a> {
    c: &'a Console,
    batch_id: &'a str,
    title: &'a str,
    action: String,
    digits: u32,
    fields: &'a [WitnessField],
    has_errors: bool,
    confirm_error: Option<&'a str>,
    drand: Option<u64>,
    closed: Option<&'a str>,
    /// A refusal of the draw itself (not of one field).
    refusal: Option<&'a str>,
}

/// The console path of a batch's ceremony.
pub fn ceremony_href(batch: &str) -> String {
    format!(
        "/console/batches/{}/ceremony",
        crate::pages::render::encode(batch)
    )
}

/// A witness's problem in words.
pub fn problem_words(c: &Console, witness: &str, digits: u32, p: DigitsProblem) -> String {
    match p {
        DigitsProblem::Missing => {
            if c.is_en() {
                format!("{witness}: enter {digits} digits")
            } else {
                format!("{witness}：请输入 {digits} 位数字")
            }
        }
        DigitsProblem::NotDigits => {
            if c.is_en() {
                format!("{witness}: only the digits 0-9, {digits} of them")
            } else {
                format!("{witness}：只能输入数字 0-9，共 {digits} 位")
            }
        }
        DigitsProblem::Count { given } => {
            if c.is_en() {
                format!("{witness}: {digits} digits are needed, {given} were entered")
            } else {
                format!("{witness}：应为 {digits} 位数字，输入了 {given} 位")
            }
        }
    }
}

/// What the ceremony form shows besides its fields.
#[derive(Default)]
pub struct FormNotes<'a> {
    /// The confirmation box was not ticked.
    pub confirm_error: Option<&'a str>,
    /// A refusal of the draw itself (not of one field).
    pub refusal: Option<&'a str>,
}

/// The ceremony form of a committed batch: one empty field per witness, with its error.
pub fn form(
    c: &Console,
    batch_id: &str,
    title: &str,
    digits: u32,
    fields: &[WitnessField],
    notes: FormNotes<'_>,
) -> String {
    finish(
        CeremonyTemplate {
            c,
            batch_id,
            title,
            action: ceremony_href(batch_id),
            digits,
            fields,
            has_errors: fields.iter().any(|f| f.error.is_some()) || notes.confirm_error.is_some(),
            confirm_error: notes.confirm_error,
            drand: None,
            closed: None,
            refusal: notes.refusal,
        }
        .render(),
    )
}

/// The ceremony page of a batch that holds no ceremony (drand, draft, withdrawn).
pub fn closed(c: &Console, batch_id: &str, title: &str, why: Closed<'_>) -> String {
    let (drand, closed) = match why {
        Closed::Drand(round) => (Some(round), None),
        Closed::State(state) => (None, Some(state)),
    };
    finish(
        CeremonyTemplate {
            c,
            batch_id,
            title,
            action: ceremony_href(batch_id),
            digits: 0,
            fields: &[],
            has_errors: false,
            confirm_error: None,
            drand,
            closed,
            refusal: None,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "console/draw_record.html")]
struct RecordTemplate<'a> {
    c: &'a Console,
    r: &'a Record,
    back: &'a str,
    notice: Option<&'a str>,
    drawn_at: String,
}

/// The recorded draw, printable as the 摇号记录.
pub fn record(c: &Console, r: &Record, notice: Option<&str>) -> String {
    let drawn_at = crate::app::batch::china_time(&r.drawn_at).unwrap_or_else(|| r.drawn_at.clone());
    finish(
        RecordTemplate {
            c,
            r,
            back: "/console/batches",
            notice,
            drawn_at,
        }
        .render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::model::Lang;

    fn console() -> Console {
        Console::new(Lang::Zh, Some("张伟".into()), "t0k3n".into(), "/console/")
    }

    #[test]
    fn the_form_hides_the_digits_and_a_drand_batch_has_none() {
        let c = console();
        let fields = [WitnessField {
            id: "w0".into(),
            name: "陈思远".into(),
            error: Some(problem_words(
                &c,
                "陈思远",
                10,
                DigitsProblem::Count { given: 3 },
            )),
        }];
        let html = form(&c, "B-1", "批次", 10, &fields, FormNotes::default());
        assert!(
            html.contains("陈思远：应为 10 位数字，输入了 3 位"),
            "{html}"
        );
        assert!(
            html.contains("type=\"password\" id=\"w0\" name=\"w0\" inputmode=\"numeric\" autocomplete=\"off\" data-digits=\"10\" value=\"\""),
            "{html}"
        );
        let html = closed(&c, "B-2", "批次", Closed::Drand(4_200_000));
        assert!(html.contains("drand") && html.contains("4200000"), "{html}");
        assert!(
            !html.contains("action=\"/console/batches/B-2/ceremony\""),
            "{html}"
        );
        let html = closed(&c, "B-3", "批次", Closed::State("draft"));
        assert!(html.contains("草稿"), "{html}");
    }
}
