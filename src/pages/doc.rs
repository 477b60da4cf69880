//! The project's specifications and explainers as readable pages: Markdown (CommonMark with
//! tables) to HTML by `pulldown-cmark`. The texts are our own, but any raw HTML in them is
//! shown as text, never passed through, so a page carries nothing the style sheet and the
//! security policy did not expect.

use pulldown_cmark::{Event, Options, Parser, html};

/// The HTML body of a Markdown text.
pub fn markdown_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// The title of a Markdown text: its first level-1 heading, or `fallback`.
pub fn title<'a>(markdown: &'a str, fallback: &'a str) -> &'a str {
    markdown
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(str::trim)
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_headings_and_code_become_html() {
        let html = markdown_html("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`x < y`\n");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>2</td>"), "{html}");
        assert!(html.contains("<code>x &lt; y</code>"), "{html}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = markdown_html("before <script>alert(1)</script> after\n\n<div onclick=x>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn the_title_is_the_first_heading() {
        assert_eq!(
            title("intro\n# 为什么可以相信\n## x", "f"),
            "为什么可以相信"
        );
        assert_eq!(title("no heading", "f"), "f");
    }
}
