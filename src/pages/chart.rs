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

const WIDTH: u64 = 640;
/// Where bars start (labels are right-aligned before it).
const BAR_X: u64 = 130;
/// The longest bar; the numbers are written after it.
const BAR_MAX: u64 = 400;
const ROW: u64 = 26;
const BAR_H: u64 = 18;
const TOP: u64 = 56;
const LIGHT: &str = "#c9d6e3";
const DARK: &str = "#1f4e79";
/// Labels longer than this are cut (with "…") so they stay left of the bars.
const LABEL_CHARS: usize = 9;

/// Two charts (by district, by grade), each an `<svg role="img">` with a `<title>`, a
/// legend (two rects) and per bar a population rect (light) and a sample rect (dark) over
/// it, both scaled to the largest value; a non-zero sample is at least 1 unit wide.
pub fn svg(data: &ChartData, lang: Lang) -> String {
    let t = text::text(lang);
    let mut out = String::new();
    one_chart(&mut out, &data.by_district, t.chart_by_district, lang);
    one_chart(&mut out, &data.by_grade, t.chart_by_grade, lang);
    out
}

/// The width of `value` on a scale where `max` is `BAR_MAX`; at least 1 when non-zero.
fn scaled(value: u64, max: u64) -> u64 {
    if value == 0 || max == 0 {
        return 0;
    }
    let w = u128::from(value) * u128::from(BAR_MAX) / u128::from(max);
    u64::try_from(w).unwrap_or(BAR_MAX).clamp(1, BAR_MAX)
}

fn cut(label: &str) -> String {
    if label.chars().count() > LABEL_CHARS {
        let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    } else {
        label.to_string()
    }
}

fn one_chart(out: &mut String, bars: &[ChartBar], heading: &str, lang: Lang) {
    let t = text::text(lang);
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
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"13\">\
<title>{}</title>\
<text x=\"0\" y=\"18\" font-weight=\"bold\" font-size=\"15\" fill=\"#1a1a1a\">{}</text>\
<rect x=\"{BAR_X}\" y=\"28\" width=\"14\" height=\"12\" fill=\"{DARK}\"/>\
<text x=\"{}\" y=\"39\" fill=\"#1a1a1a\">{}</text>\
<rect x=\"{}\" y=\"28\" width=\"14\" height=\"12\" fill=\"{LIGHT}\"/>\
<text x=\"{}\" y=\"39\" fill=\"#1a1a1a\">{}</text>",
        escape(&title),
        escape(heading),
        BAR_X + 20,
        escape(t.legend_sample),
        BAR_X + 120,
        BAR_X + 140,
        escape(t.legend_population),
    );
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{BAR_X}\" y=\"{}\" fill=\"#555\">{}</text>",
            TOP + 13,
            escape(t.chart_empty)
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + i as u64 * ROW;
        let pop_w = scaled(bar.population, max);
        let sample_w = scaled(bar.sample, max);
        let text_y = y + 14;
        let _ = write!(
            out,
            "<g><title>{label}: {sample} / {population}</title>\
<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" fill=\"#1a1a1a\">{short}</text>\
<rect x=\"{BAR_X}\" y=\"{y}\" width=\"{pop_w}\" height=\"{BAR_H}\" fill=\"{LIGHT}\"/>\
<rect x=\"{BAR_X}\" y=\"{y}\" width=\"{sample_w}\" height=\"{BAR_H}\" fill=\"{DARK}\"/>\
<text x=\"{}\" y=\"{text_y}\" fill=\"#1a1a1a\">{sample} / {population}</text></g>",
            BAR_X - 6,
            BAR_X + pop_w.max(sample_w) + 6,
            label = escape(&bar.label),
            short = escape(&cut(&bar.label)),
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
pub fn counts(heading: &str, bars: &[(String, u64)], lang: Lang) -> String {
    let t = text::text(lang);
    let rows = bars.len().max(1) as u64;
    let top = 32;
    let height = top + rows * ROW + 8;
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"13\">\
<title>{heading}</title>\
<text x=\"0\" y=\"18\" font-weight=\"bold\" font-size=\"15\" fill=\"#1a1a1a\">{heading}</text>",
        heading = escape(heading),
    );
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{BAR_X}\" y=\"{}\" fill=\"#555\">{}</text>",
            top + 13,
            escape(t.chart_empty)
        );
    }
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = top + i as u64 * ROW;
        let w = scaled(*n, max);
        let text_y = y + 14;
        let _ = write!(
            out,
            "<g><title>{label}: {n}</title>\
<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" fill=\"#1a1a1a\">{short}</text>\
<rect x=\"{BAR_X}\" y=\"{y}\" width=\"{w}\" height=\"{BAR_H}\" fill=\"{DARK}\"/>\
<text x=\"{}\" y=\"{text_y}\" fill=\"#1a1a1a\">{n}</text></g>",
            BAR_X - 6,
            BAR_X + w + 6,
            label = escape(label),
            short = escape(&cut(label)),
        );
    }
    out.push_str("</svg>");
    out
}
