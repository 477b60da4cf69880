//! A batch's targets and results as a CSV file that opens in Excel with the Chinese intact:
//! UTF-8 with a byte order mark, CRLF line ends, a bilingual header. Cells that a
//! spreadsheet would take for a formula are neutralised with a leading `'` (OWASP, CSV
//! injection), since names and notes are data the bureau does not control.

use super::model::{BatchPage, TargetView};

/// The UTF-8 byte order mark, which tells Excel the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header row: Chinese, with the English in brackets.
pub const HEADER: [&str; 12] = [
    "序号 (position)",
    "分层 (stratum)",
    "统一社会信用代码 (uscc)",
    "单位名称 (name)",
    "区 (district)",
    "信用风险分类 (grade)",
    "检查人员执法证号 (team)",
    "结果代码 (result codes)",
    "检查结果 (result)",
    "检查日期 (inspected on)",
    "备注 (note)",
    "更正的结果 (corrects)",
];

/// One row per target, in draw order: position, stratum, USCC, name, district, grade, team
/// (card numbers joined with `;`), result codes (joined with `;`) and the Chinese labels of
/// the result's leaves, each with its path from the top of its list (joined with `;`),
/// inspected date, note, and the id of the result a correction replaces.
pub fn results_csv(page: &BatchPage) -> Vec<u8> {
    table(&HEADER, page.targets.iter().map(target_row))
}

/// A table as CSV for Excel: the BOM, `header`, then `rows`, every cell neutralised, CRLF
/// line ends.
pub fn table<R, C>(header: &[&str], rows: R) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut out = BOM.to_vec();
    // Writing into a Vec cannot fail, so neither can this; were it to, the rows written so
    // far are returned rather than a panic.
    let _ = write_rows(header, rows, &mut out);
    out
}

fn write_rows<R, C>(header: &[&str], rows: R, out: &mut Vec<u8>) -> csv::Result<()>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header.iter().map(|h| neutralise(h).into_owned()))?;
    for row in rows {
        w.write_record(row.into_iter().map(|cell| neutralise(&cell).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// The cells of one target's row, under `HEADER` (the CSV's and the `.xlsx`'s).
pub fn target_row(t: &TargetView) -> [String; 12] {
    let (codes, labels, inspected_on, note, corrects) = match &t.result {
        Some(r) => (
            join(r.codes.iter().map(|c| c.code.as_str())),
            join(
                r.codes
                    .iter()
                    .filter(|c| c.leaf)
                    .map(|c| c.path_zh.as_str()),
            ),
            r.inspected_on.clone(),
            r.note.clone(),
            r.corrects.map(|id| id.to_string()).unwrap_or_default(),
        ),
        None => Default::default(),
    };
    [
        t.position.to_string(),
        t.stratum.clone(),
        t.uscc.clone(),
        t.name.clone(),
        t.district.clone(),
        t.grade.clone(),
        join(t.team.iter().map(String::as_str)),
        codes,
        labels,
        inspected_on,
        note,
        corrects,
    ]
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join(";")
}

/// A cell a spreadsheet would read as a formula (first character `=`, `+`, `-`, `@`, tab or
/// carriage return) gets a leading `'`; any other cell is unchanged.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}
