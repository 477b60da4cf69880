//! HTML of the public pages, from the plain data in `model`: askama templates under
//! `templates/` (auto-escaped), Simplified Chinese first and English on `?lang=en`. No
//! JavaScript, no external resources: one inline style sheet, the chart as inline SVG.
//!
//! Links use the routes the web adapter serves: `/`, `/batches/{id}`,
//! `/batches/{id}/results.csv` (and `.xlsx`), `/batches/{id}/bundle.json`, `/search?q=…`, `/api/v1/docs`;
//! in English every internal link carries `lang=en`.

use askama::Template;

use super::chart;
use super::model::{BatchPage, CodeView, HomePage, Lang, ResultView, SearchPage};
use super::text::{self, Text};

/// The home page: the batches awaiting their draw, drawn, published and withdrawn, in the
/// model's order (as `app::public::home` gives them), and the log's witnesses.
pub fn home(page: &HomePage, lang: Lang) -> String {
    let tpl = HomeTemplate {
        ctx: Ctx::new(lang, "/", &[]),
        page,
    };
    finish(tpl.render(), lang)
}

/// The public page of one batch.
pub fn batch(page: &BatchPage, lang: Lang) -> String {
    let path = batch_path(&page.id);
    let tpl = BatchTemplate {
        ctx: Ctx::new(lang, &path, &[]),
        page,
        chart_svg: chart::svg(&page.chart, lang),
        verify_commands: verify_commands(page),
        verify_tool: verify_tool(page),
        plan_lines: super::plan_words::plan_lines(page, lang),
    };
    finish(tpl.render(), lang)
}

/// The search page: the query echoed, its hits, or a hint when the query is empty.
pub fn search(page: &SearchPage, lang: Lang) -> String {
    let query = page.query.trim();
    let ctx = Ctx::new(lang, "/search", &[("q", query)]);
    let t = ctx.t;
    let truncated = format!(
        "{}{}{}",
        t.search_truncated.0,
        page.hits.len(),
        t.search_truncated.1
    );
    let tpl = SearchTemplate {
        ctx,
        page,
        empty_query: query.is_empty(),
        truncated,
    };
    finish(tpl.render(), lang)
}

/// A specification or explainer as a page: `body` is `doc::markdown_html` of the Markdown
/// text served at `source`.
pub fn doc(path: &str, title: &str, source: &str, body: &str, lang: Lang) -> String {
    let tpl = DocTemplate {
        ctx: Ctx::new(lang, path, &[]),
        title,
        source,
        body,
    };
    finish(tpl.render(), lang)
}

/// A small error page: the status, the message and a link home.
pub fn error(status: u16, message: &str, lang: Lang) -> String {
    let tpl = ErrorTemplate {
        ctx: Ctx::new(lang, "/", &[]),
        status,
        message,
    };
    match tpl.render() {
        Ok(html) => html,
        // Rendering into a String does not fail; if it ever did, a bare page still says why.
        Err(_) => fallback(status, lang),
    }
}

/// A rendered page, or the plain error page if rendering failed (it writes to a String and
/// fails only if a Display implementation does).
pub(crate) fn finish(result: askama::Result<String>, lang: Lang) -> String {
    result.unwrap_or_else(|_| error(500, "", lang))
}

fn fallback(status: u16, lang: Lang) -> String {
    let html_lang = html_lang(lang);
    format!(
        "<!DOCTYPE html><html lang=\"{html_lang}\"><meta charset=\"utf-8\"><title>{status}</title><p>{status}</p><p><a href=\"/\">/</a></p></html>"
    )
}

fn html_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The path of a batch page.
fn batch_path(id: &str) -> String {
    format!("/batches/{}", encode(id))
}

/// The shell commands that verify a batch offline, as shown under "How to verify".
fn verify_commands(page: &BatchPage) -> String {
    let file = shell_word(&format!("{}.export.json", page.id));
    let url = shell_word(&format!(
        "{}{}/bundle.json",
        page.site_url,
        batch_path(&page.id)
    ));
    let verifier = shell_word(&format!("{}{VERIFIER_PATH}", page.site_url));
    format!(
        "curl -o {file} {url}\ncurl -o verify_bundle.py {verifier}\npython3 verify_bundle.py {file} --log-key {}",
        shell_quote(&page.log_key)
    )
}

/// Where the site serves the standard-library Python verifier.
pub const VERIFIER_PATH: &str = "/verify/verify_bundle.py";

/// The same check with our own tool, for those who have it.
fn verify_tool(page: &BatchPage) -> String {
    format!(
        "shuangsui verify {} --log-key {}",
        shell_word(&format!("{}.export.json", page.id)),
        shell_quote(&page.log_key)
    )
}

/// A word for a POSIX shell: as it is when it holds only safe characters, else quoted.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:+=@%,".contains(c));
    if safe {
        word.to_string()
    } else {
        shell_quote(word)
    }
}

/// Single-quoted for a POSIX shell (`'` written as `'\''`).
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a path segment, a
/// query value or a fragment.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// What every page needs: language, labels, the toggle's two links.
pub(crate) struct Ctx {
    pub lang: Lang,
    pub t: &'static Text,
    pub html_lang: &'static str,
    /// This page (same path and query) in Chinese and in English.
    pub zh_href: String,
    pub en_href: String,
}

impl Ctx {
    /// `path` is this page's path, `params` its query parameters other than `lang`.
    pub(crate) fn new(lang: Lang, path: &str, params: &[(&str, &str)]) -> Ctx {
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let zh_href = if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let en_href = with_lang_en(&zh_href);
        Ctx {
            lang,
            t: text::text(lang),
            html_lang: html_lang(lang),
            zh_href,
            en_href,
        }
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    /// An internal link: `lang=en` added in English.
    pub fn href(&self, path: &str) -> String {
        if self.is_en() {
            with_lang_en(path)
        } else {
            path.to_string()
        }
    }

    pub fn batch_href(&self, id: &str) -> String {
        self.href(&batch_path(id))
    }

    pub fn csv_href(&self, id: &str) -> String {
        self.href(&format!("{}/results.csv", batch_path(id)))
    }

    pub fn xlsx_href(&self, id: &str) -> String {
        self.href(&format!("{}/results.xlsx", batch_path(id)))
    }

    pub fn bundle_href(&self, id: &str) -> String {
        self.href(&format!("{}/bundle.json", batch_path(id)))
    }

    /// A follow-up word in the page language (`pages::followups::label`).
    pub fn followup_label(&self, key: &str) -> &'static str {
        super::followups::label(self.lang, key)
    }

    /// A target's follow-up in one line (`pages::followups::summary`).
    pub fn followup_summary(&self, f: &super::followups::FollowUpView) -> String {
        super::followups::summary(self.lang, f)
    }

    /// A target's row on its batch page.
    pub fn target_href(&self, batch_id: &str, uscc: &str) -> String {
        format!("{}#t-{}", self.batch_href(batch_id), encode(uscc))
    }

    /// A result code's label in the page language, with its path from the top of its list
    /// (`发现问题待后续处理 › 违反… › 通过登记的住所无法联系`).
    pub fn code_label<'a>(&self, code: &'a CodeView) -> &'a str {
        match self.lang {
            Lang::Zh => &code.path_zh,
            Lang::En => &code.path_en,
        }
    }

    /// The codes that say a result: its leaves (a parent shows in its children's paths).
    pub fn result_codes<'a>(&self, result: &'a ResultView) -> Vec<&'a CodeView> {
        result.codes.iter().filter(|c| c.leaf).collect()
    }

    /// A result's leaves, each as its code and path, joined.
    pub fn result_labels(&self, result: &ResultView) -> String {
        let sep = match self.lang {
            Lang::Zh => "；",
            Lang::En => "; ",
        };
        self.result_codes(result)
            .into_iter()
            .map(|c| format!("{} {}", c.code, self.code_label(c)))
            .collect::<Vec<_>>()
            .join(sep)
    }

    pub fn state_label<'a>(&self, state: &'a str) -> &'a str {
        text::state_label(self.lang, state)
    }

    /// An RFC 3339 time as date and time in China (UTC+8); as given when it does not parse.
    pub fn when(&self, time: &str) -> String {
        china_time(time)
    }

    /// A log entry's kind in words.
    pub fn kind_label<'a>(&self, kind: &'a str) -> &'a str {
        text::kind_label(self.lang, kind)
    }

    /// The date part of an RFC 3339 time (in China), for lists.
    pub fn date(&self, time: &str) -> String {
        let full = self.when(time);
        match full.get(..10) {
            Some(d) if full.len() > 10 => d.to_string(),
            _ => full,
        }
    }
}

/// An RFC 3339 time as date and time in China (UTC+8); as given when it does not parse.
pub(crate) fn china_time(time: &str) -> String {
    let parsed = chrono::DateTime::parse_from_rfc3339(time).ok();
    match (parsed, chrono::FixedOffset::east_opt(8 * 3600)) {
        (Some(t), Some(china)) => t
            .with_timezone(&china)
            .format("%Y-%m-%d %H:%M:%S +08:00")
            .to_string(),
        _ => time.to_string(),
    }
}

fn with_lang_en(href: &str) -> String {
    let (before, fragment) = match href.find('#') {
        Some(i) => href.split_at(i),
        None => (href, ""),
    };
    let sep = if before.contains('?') { '&' } else { '?' };
    format!("{before}{sep}lang=en{fragment}")
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate<'a> {
    ctx: Ctx,
    page: &'a HomePage,
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchTemplate<'a> {
    ctx: Ctx,
    page: &'a BatchPage,
    /// Made by `chart::svg`, which escapes every text it writes.
    chart_svg: String,
    verify_commands: String,
    verify_tool: String,
    plan_lines: Vec<super::plan_words::PlanLine>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate<'a> {
    ctx: Ctx,
    page: &'a SearchPage,
    empty_query: bool,
    truncated: String,
}

#[derive(Template)]
#[template(path = "doc.html")]
struct DocTemplate<'a> {
    ctx: Ctx,
    title: &'a str,
    source: &'a str,
    /// Made by `doc::markdown_html`, which shows any raw HTML as text.
    body: &'a str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    ctx: Ctx,
    status: u16,
    message: &'a str,
}
