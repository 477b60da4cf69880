//! The batch page's chart: sample against population by district and by credit grade.
//! `chart_data` counts them from a bundle with the draw core's own population rule;
//! `svg` draws them as two horizontal bar charts of inline SVG (no script, no external
//! resource), every text escaped.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::model::{ChartBar, ChartData, Lang};
use super::text;
use crate::bundle::Bundle;
use crate::domain::Grade;
use crate::draw::select::{attributes, in_population, memberships, sectors};

/// Population (the entities of the snapshot that are in the plan's population and in one of
/// its strata, or all of them when the plan has a floor, which draws from them all: as the
/// draw counts them) and
/// sample (the drawn targets), by district (largest population first, then by name) and by credit
/// grade (A, B, C, D, all four shown).
pub fn chart_data(bundle: &Bundle) -> ChartData {
    let commitment = &bundle.commitment;
    let plan = &commitment.header.plan;
    let sectors = sectors(commitment);
    let lists = memberships(commitment);
    let population: Vec<_> = commitment
        .snapshots
        .entities
        .iter()
        .filter(|e| {
            in_population(plan, &sectors, e)
                && (plan.floor().is_some() || plan.stratum_of(&attributes(e, &lists)).is_some())
        })
        .collect();
    let by_uscc: HashMap<&str, _> = population.iter().map(|e| (e.uscc.as_str(), *e)).collect();

    let mut districts: HashMap<&str, ChartBar> = HashMap::new();
    let mut grades: Vec<ChartBar> = Grade::ALL
        .iter()
        .map(|g| ChartBar {
            label: g.as_str().to_string(),
            population: 0,
            sample: 0,
        })
        .collect();
    let grade_index = |g: Grade| Grade::ALL.iter().position(|x| *x == g);

    for e in &population {
        district_bar(&mut districts, &e.district).population += 1;
        if let Some(bar) = grade_index(e.grade).and_then(|i| grades.get_mut(i)) {
            bar.population += 1;
        }
    }
    for target in bundle.draw.targets() {
        // A target is always in the population (the draw picks from it); one that is not
        // would be a broken bundle, which `verify` refuses, so it is not counted here.
        if let Some(e) = by_uscc.get(target.uscc.as_str()) {
            district_bar(&mut districts, &e.district).sample += 1;
            if let Some(bar) = grade_index(e.grade).and_then(|i| grades.get_mut(i)) {
                bar.sample += 1;
            }
        }
    }

    let mut by_district: Vec<ChartBar> = districts.into_values().collect();
    by_district.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then_with(|| a.label.cmp(&b.label))
    });
    ChartData {
        by_district,
        by_grade: grades,
    }
}

fn district_bar<'a, 'b>(
    bars: &'b mut HashMap<&'a str, ChartBar>,
    district: &'a str,
) -> &'b mut ChartBar {
    bars.entry(district).or_insert_with(|| ChartBar {
        label: district.to_string(),
        population: 0,
        sample: 0,
    })
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The geometry of a chart: its width in user units (a `viewBox` as wide as the space it
/// is shown in keeps its 13-unit text at about 13 CSS px), where bars start (labels are
/// right-aligned before it), the longest bar (numbers are written after it) and how many
/// characters of a label fit before it.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The CSS class of the `<svg>`: `wide` is shown above 600 px, `narrow` below.
    pub class: &'static str,
    pub width: u64,
    pub bar_x: u64,
    pub bar_max: u64,
    pub label_chars: usize,
}

/// For screens wider than 600 px (stretched up to 56rem: text 13 to 18 px).
pub const WIDE: Layout = Layout {
    class: "wide",
    width: 640,
    bar_x: 130,
    bar_max: 400,
    label_chars: 9,
};

/// For phones: 360 wide, so that on a 390 px screen its text stays near 13 px.
pub const NARROW: Layout = Layout {
    class: "narrow",
    width: 360,
    bar_x: 92,
    bar_max: 190,
    label_chars: 6,
};

const ROW: u64 = 26;
const BAR_H: u64 = 18;
const TOP: u64 = 56;
const LIGHT: &str = "#c9d6e3";
const DARK: &str = "#1f4e79";

/// Two charts (by district, by grade), each in both layouts (the page's CSS shows one).
pub fn svg(data: &ChartData, lang: Lang) -> String {
    let mut out = svg_in(data, lang, &WIDE);
    out.push_str(&svg_in(data, lang, &NARROW));
    out
}

/// Two charts (by district, by grade) in `layout`, each an `<svg role="img">` with a
/// `<title>`, a legend (two rects) and per bar a population rect (light) and a sample rect
/// (dark) over it, both scaled to the largest value; a non-zero sample is at least 1 unit
/// wide.
pub fn svg_in(data: &ChartData, lang: Lang, layout: &Layout) -> String {
    let t = text::text(lang);
    let mut out = String::new();
    one_chart(
        &mut out,
        &data.by_district,
        t.chart_by_district,
        lang,
        layout,
    );
    one_chart(&mut out, &data.by_grade, t.chart_by_grade, lang, layout);
    out
}

/// The width of `value` on a scale where `max` is `full`; at least 1 when non-zero.
fn scaled(value: u64, max: u64, full: u64) -> u64 {
    if value == 0 || max == 0 {
        return 0;
    }
    let w = u128::from(value) * u128::from(full) / u128::from(max);
    u64::try_from(w).unwrap_or(full).clamp(1, full)
}

/// `label`, cut to `chars` characters (the last one "…") if longer.
fn cut(label: &str, chars: usize) -> String {
    if label.chars().count() > chars {
        let mut s: String = label.chars().take(chars - 1).collect();
        s.push('…');
        s
    } else {
        label.to_string()
    }
}

/// The opening `<svg>` tag of a chart `height` high in `layout`.
fn open_svg(layout: &Layout, height: u64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"13\">",
        layout.class,
        w = layout.width,
    )
}

fn one_chart(out: &mut String, bars: &[ChartBar], heading: &str, lang: Lang, layout: &Layout) {
    let t = text::text(lang);
    let Layout {
        bar_x,
        bar_max,
        label_chars,
        ..
    } = *layout;
    let rows = bars.len().max(1) as u64;
    let height = TOP + rows * ROW + 8;
    let title = match lang {
        Lang::Zh => format!("{}：{}", t.chart_title, heading),
        Lang::En => format!("{}: {}", t.chart_title, heading),
    };
    let max = bars
        .iter()
        .map(|b| b.population.max(b.sample))
        .max()
        .unwrap_or(0);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{}<title>{}</title>\
<text x=\"0\" y=\"18\" font-weight=\"bold\" font-size=\"15\" fill=\"#1a1a1a\">{}</text>\
<rect x=\"{bar_x}\" y=\"28\" width=\"14\" height=\"12\" fill=\"{DARK}\"/>\
<text x=\"{}\" y=\"39\" fill=\"#1a1a1a\">{}</text>\
<rect x=\"{}\" y=\"28\" width=\"14\" height=\"12\" fill=\"{LIGHT}\"/>\
<text x=\"{}\" y=\"39\" fill=\"#1a1a1a\">{}</text>",
        open_svg(layout, height),
        escape(&title),
        escape(heading),
        bar_x + 20,
        escape(t.legend_sample),
        bar_x + 120,
        bar_x + 140,
        escape(t.legend_population),
    );
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{bar_x}\" y=\"{}\" fill=\"#555\">{}</text>",
            TOP + 13,
            escape(t.chart_empty)
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + i as u64 * ROW;
        let pop_w = scaled(bar.population, max, bar_max);
        let sample_w = scaled(bar.sample, max, bar_max);
        let text_y = y + 14;
        let _ = write!(
            out,
            "<g><title>{label}: {sample} / {population}</title>\
<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" fill=\"#1a1a1a\">{short}</text>\
<rect x=\"{bar_x}\" y=\"{y}\" width=\"{pop_w}\" height=\"{BAR_H}\" fill=\"{LIGHT}\"/>\
<rect x=\"{bar_x}\" y=\"{y}\" width=\"{sample_w}\" height=\"{BAR_H}\" fill=\"{DARK}\"/>\
<text x=\"{}\" y=\"{text_y}\" fill=\"#1a1a1a\">{sample} / {population}</text></g>",
            bar_x - 6,
            bar_x + pop_w.max(sample_w) + 6,
            label = escape(&bar.label),
            short = escape(&cut(&bar.label, label_chars)),
            sample = bar.sample,
            population = bar.population,
        );
    }
    out.push_str("</svg>");
}

/// One series of counts as a horizontal bar chart (the statistics page's): an
/// `<svg role="img">` titled `heading`, one bar per `(label, count)` in the order given,
/// scaled to the largest, each with its count after it and its full label in its
/// `<title>`.
/// In both layouts, as `svg`.
pub fn counts(heading: &str, bars: &[(String, u64)], lang: Lang) -> String {
    let mut out = counts_in(heading, bars, lang, &WIDE);
    out.push_str(&counts_in(heading, bars, lang, &NARROW));
    out
}

fn counts_in(heading: &str, bars: &[(String, u64)], lang: Lang, layout: &Layout) -> String {
    let t = text::text(lang);
    let Layout {
        bar_x,
        bar_max,
        label_chars,
        ..
    } = *layout;
    let rows = bars.len().max(1) as u64;
    let top = 32;
    let height = top + rows * ROW + 8;
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}<title>{heading}</title>\
<text x=\"0\" y=\"18\" font-weight=\"bold\" font-size=\"15\" fill=\"#1a1a1a\">{heading}</text>",
        open_svg(layout, height),
        heading = escape(heading),
    );
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{bar_x}\" y=\"{}\" fill=\"#555\">{}</text>",
            top + 13,
            escape(t.chart_empty)
        );
    }
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = top + i as u64 * ROW;
        let w = scaled(*n, max, bar_max);
        let text_y = y + 14;
        let _ = write!(
            out,
            "<g><title>{label}: {n}</title>\
<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" fill=\"#1a1a1a\">{short}</text>\
<rect x=\"{bar_x}\" y=\"{y}\" width=\"{w}\" height=\"{BAR_H}\" fill=\"{DARK}\"/>\
<text x=\"{}\" y=\"{text_y}\" fill=\"#1a1a1a\">{n}</text></g>",
            bar_x - 6,
            bar_x + w + 6,
            label = escape(label),
            short = escape(&cut(label, label_chars)),
        );
    }
    out.push_str("</svg>");
    out
}
