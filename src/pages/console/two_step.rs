//! The corps' second factor in the console (`/console/two-step`): off, the secret to add to
//! an authenticator app (a QR code of its `otpauth://` URI, and the secret as text in
//! groups of four for typing) and the field for the code it shows; on, the form to turn it
//! off with a code. Pure: the enrolment in, HTML out; the QR code is inline SVG (no script,
//! no image request).

use askama::Template;
use qrcode::QrCode;
use qrcode::render::svg;

use super::{Console, FieldError, error_of, finish};
use crate::app::totp::Enrolment;

#[derive(Template)]
#[template(path = "console/two_step.html")]
struct TwoStepTemplate<'a> {
    c: &'a Console,
    errors: &'a [FieldError],
    /// Off: the secret offered (raw, for the form) and as shown, and its QR code.
    offer: Option<Offer<'a>>,
}

struct Offer<'a> {
    secret: &'a str,
    /// Binds the secret to the session it is offered to (`app::totp::offer_tag`).
    tag: &'a str,
    grouped: String,
    qr: String,
}

impl TwoStepTemplate<'_> {
    fn error_of(&self, field: &str) -> Option<&str> {
        error_of(self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.error_of(field).is_some()
    }
}

/// `text` as a QR code in inline SVG (no XML declaration), or empty if it does not fit one.
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    match image.find("<svg") {
        Some(at) => image[at..].to_string(),
        None => String::new(),
    }
}

/// `secret` in groups of four characters, as authenticator apps ask it typed.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page: `offer` the secret to turn it on with and its tag (None when it is on
/// already).
pub fn two_step(c: &Console, errors: &[FieldError], offer: Option<(&Enrolment, &str)>) -> String {
    finish(
        TwoStepTemplate {
            c,
            errors,
            offer: offer.map(|(e, tag)| Offer {
                secret: &e.secret,
                tag,
                grouped: grouped(&e.secret),
                qr: qr_svg(&e.uri),
            }),
        }
        .render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::model::Lang;

    #[test]
    fn the_offer_shows_its_secret_as_qr_and_text_and_asks_for_a_code() {
        let c = Console::new(
            Lang::Zh,
            Some("总队一".into()),
            "tok".into(),
            "/console/two-step",
        );
        let e = Enrolment {
            secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            uri: "otpauth://totp/shuangsui:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=shuangsui"
                .into(),
        };
        let html = two_step(&c, &[], Some((&e, "the-tag")));
        assert!(html.contains("<svg xmlns"), "{html}");
        assert!(!html.contains("<?xml"), "{html}");
        assert!(
            html.contains("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"),
            "{html}"
        );
        assert!(
            html.contains(r#"name="secret" value="GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ""#),
            "{html}"
        );
        assert!(html.contains(r#"name="offer" value="the-tag""#), "{html}");
        assert!(html.contains(r#"name="code""#), "{html}");
        assert!(html.contains(r#"action="/console/two-step""#), "{html}");
        let on = two_step(&c, &[], None);
        assert!(!on.contains("<svg"), "{on}");
        assert!(on.contains(r#"action="/console/two-step/off""#), "{on}");
    }

    #[test]
    fn a_qr_code_too_long_for_one_is_left_out() {
        assert!(qr_svg("x").starts_with("<svg"));
        assert_eq!(qr_svg(&"x".repeat(8000)), "");
    }
}
