//! An `.xlsx` workbook (read by `calamine`) as CSV text, so that a workbook goes through the
//! same table reader, row parsers and messages as a CSV file. Pure: bytes in, text out.
//!
//! Which sheet: the one named like the table (`entities`, any case), otherwise the first.
//! Its first non-empty row is the header. Line *n* of the text is row *n* of the sheet (empty
//! rows, and the rows above the header, become blank lines, which the reader skips), so a
//! problem is reported at the row number Excel shows, under the name `file[sheet]`.
//!
//! Each cell becomes the text a person typed and sees:
//! - text as it is; an empty cell as an empty field;
//! - a whole number (an integer, or a float with no fraction) as its digits, without `.0`,
//!   exponent or separators; any other number to Excel's 15 significant digits;
//! - a date (a number with a date format) as `YYYY-MM-DD`, with ` HH:MM:SS` only when it
//!   has a time of day;
//! - `TRUE` / `FALSE` for a logical cell.
//!
//! Refused, naming the cell's row and column: a whole number of 16 or more digits (Excel
//! keeps 15 significant digits, so the last ones of a USCC typed as a number are already
//! lost), a duration, an error value (`#N/A`, …) and a line break inside a cell.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::error::RowError;

/// Where the text came from: `file[sheet]`, as messages name it.
pub fn label(file: &str, sheet: &str) -> String {
    format!("{file}[{sheet}]")
}

/// The sheet of the workbook `bytes` that holds `table`, as CSV text, with the label its
/// messages use. A workbook that cannot be opened is one error naming `file`; bad cells are
/// one error each.
pub fn to_csv(file: &str, bytes: &[u8], table: &str) -> Result<(String, String), Vec<RowError>> {
    let whole = |reason: String| {
        vec![RowError {
            file: file.to_string(),
            line: 0,
            column: None,
            reason,
        }]
    };
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        whole(format!(
            "不是可读取的 .xlsx 工作簿（{e}）：请另存为 .xlsx 或 CSV UTF-8 \
             (not a readable .xlsx workbook: save it as .xlsx or CSV UTF-8)"
        ))
    })?;
    let names = workbook.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(table))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| whole("工作簿中没有工作表 (the workbook has no sheet)".into()))?;
    let label = label(file, &sheet);
    let range = workbook.worksheet_range(&sheet).map_err(|e| {
        whole(format!(
            "无法读取工作表 '{sheet}'（{e}）：请另存为 .xlsx 或 CSV UTF-8 \
             (cannot read the sheet: save it as .xlsx or CSV UTF-8)"
        ))
    })?;
    let Some((first_row, _)) = range.start() else {
        return Ok((String::new(), label));
    };
    let rows: Vec<&[Data]> = range.rows().collect();
    // Trailing columns that are empty in every row are not columns.
    let width = rows
        .iter()
        .filter_map(|r| r.iter().rposition(|c| !matches!(c, Data::Empty)))
        .max()
        .map_or(0, |last| last + 1);
    let header = rows
        .iter()
        .find(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
        .copied()
        .unwrap_or_default();
    let column_name = |i: usize| match header.get(i) {
        Some(Data::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => format!("column {}", letters(i)),
    };
    let mut out = "\n".repeat(first_row as usize);
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = u64::from(first_row) + i as u64 + 1;
        for (c, cell) in row.iter().take(width).enumerate() {
            if c > 0 {
                out.push(',');
            }
            match cell_text(cell) {
                Ok(text) => push_field(&mut out, &text),
                Err(reason) => errors.push(RowError {
                    file: label.clone(),
                    line,
                    column: Some(column_name(c)),
                    reason,
                }),
            }
        }
        out.push('\n');
    }
    if errors.is_empty() {
        Ok((out, label))
    } else {
        Err(errors)
    }
}

/// The column letters Excel shows for 0-based column `i`: A … Z, AA, ….
fn letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A field in CSV quoting: in double quotes, with `""` for a quote, when it holds a comma
/// or a quote.
fn push_field(out: &mut String, text: &str) {
    if text.contains([',', '"']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// The text of one cell (the module's rules), or why it has none.
fn cell_text(cell: &Data) -> Result<Cow<'_, str>, String> {
    match cell {
        Data::Empty => Ok("".into()),
        Data::String(s) => {
            let s = if s.contains(['\n', '\r']) {
                s.trim()
            } else {
                s
            };
            if s.contains(['\n', '\r']) {
                Err("单元格内有换行 (a line break inside the cell)".into())
            } else {
                Ok(s.into())
            }
        }
        Data::Int(i) => Ok(i.to_string().into()),
        Data::Float(f) => number_text(*f).map(Into::into),
        Data::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(d) if d.is_duration() => Err(DURATION.into()),
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            Ok(if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
            }
            .into())
        }
        Data::DateTimeIso(s) => Ok(s.strip_suffix("T00:00:00").unwrap_or(s).into()),
        Data::DurationIso(_) => Err(DURATION.into()),
        Data::Error(e) => Err(format!(
            "单元格是 Excel 错误值 {e} (the cell shows the Excel error {e})"
        )),
    }
}

const DURATION: &str = "单元格是时长，不是日期 (a duration, not a date)";

/// A number as it shows in Excel's General format: whole numbers as digits, others to 15
/// significant digits; a whole number of 16 or more digits was cut by Excel and is refused.
fn number_text(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err("单元格不是有效数字 (not a finite number)".into());
    }
    if f.fract() == 0.0 {
        if f.abs() < 1e15 {
            return Ok(format!("{}", f as i64));
        }
        return Err(
            "数字超过 15 位，Excel 已丢失末尾几位：请把该列设为“文本”后重新输入 \
             (a number of 16 or more digits: Excel keeps 15, so the last ones are lost; \
             format the column as text and type it again)"
                .into(),
        );
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    Ok(format!("{rounded}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn book(build: impl FnOnce(&mut Workbook)) -> Vec<u8> {
        let mut workbook = Workbook::new();
        build(&mut workbook);
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn cells_become_the_text_a_person_typed() {
        let bytes = book(|w| {
            let s = w.add_worksheet();
            let date = Format::new().set_num_format("yyyy-mm-dd");
            let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            for (c, h) in ["a", "b", "c", "d", "e", "f", "g"].iter().enumerate() {
                s.write_string(2, c as u16, *h).unwrap();
            }
            s.write_number(3, 0, 42.0).unwrap();
            s.write_number(3, 1, 0.1 + 0.2).unwrap();
            let day = ExcelDateTime::from_ymd(2026, 12, 15).unwrap();
            s.write_datetime_with_format(3, 2, &day, &date).unwrap();
            let at = ExcelDateTime::parse_from_str("2026-12-15 09:30:00").unwrap();
            s.write_datetime_with_format(3, 3, &at, &stamp).unwrap();
            s.write_boolean(3, 4, true).unwrap();
            s.write_string(3, 5, "养老,\"服务\"").unwrap();
            s.write_string(3, 6, "=1+1").unwrap();
            s.write_string(5, 0, "-3").unwrap();
        });
        let (text, label) = to_csv("e.xlsx", &bytes, "entities").unwrap();
        assert_eq!(label, "e.xlsx[Sheet1]");
        assert_eq!(
            text,
            "\n\na,b,c,d,e,f,g\n42,0.3,2026-12-15,2026-12-15 09:30:00,TRUE,\"养老,\"\"服务\"\"\",=1+1\n\
             ,,,,,,\n-3,,,,,,\n"
        );
    }

    #[test]
    fn the_sheet_named_like_the_table_is_read() {
        let bytes = book(|w| {
            w.add_worksheet().write_string(0, 0, "first").unwrap();
            let s = w.add_worksheet().set_name("Officers").unwrap();
            s.write_string(0, 0, "card_no").unwrap();
        });
        let (text, label) = to_csv("o.xlsx", &bytes, "officers").unwrap();
        assert_eq!(
            (text.as_str(), label.as_str()),
            ("card_no\n", "o.xlsx[Officers]")
        );
        let (text, _) = to_csv("o.xlsx", &bytes, "matters").unwrap();
        assert_eq!(text, "first\n");
    }

    #[test]
    fn bad_cells_name_their_row_and_column() {
        let bytes = book(|w| {
            let s = w.add_worksheet().set_name("名录").unwrap();
            s.write_string(0, 0, "uscc").unwrap();
            s.write_string(0, 1, "name").unwrap();
            s.write_number(1, 0, 913_101_000_000_000_000.0).unwrap();
            s.write_string(2, 1, "两行\n文字").unwrap();
        });
        let errors = to_csv("e.xlsx", &bytes, "entities").unwrap_err();
        let places: Vec<(String, u64, Option<String>)> = errors
            .iter()
            .map(|e| (e.file.clone(), e.line, e.column.clone()))
            .collect();
        assert_eq!(
            places,
            [
                ("e.xlsx[名录]".into(), 2, Some("uscc".into())),
                ("e.xlsx[名录]".into(), 3, Some("name".into())),
            ]
        );
        assert!(errors[0].reason.contains("15"), "{}", errors[0]);
    }

    #[test]
    fn numbers_and_letters() {
        assert_eq!(number_text(3.0).unwrap(), "3");
        assert_eq!(number_text(-12.0).unwrap(), "-12");
        assert_eq!(number_text(2.5).unwrap(), "2.5");
        assert_eq!(
            number_text(999_999_999_999_999.0).unwrap(),
            "999999999999999"
        );
        assert!(number_text(1e15).is_err());
        assert_eq!(
            (letters(0), letters(25), letters(26), letters(701)),
            ("A".into(), "Z".into(), "AA".into(), "ZZ".into())
        );
    }

    #[test]
    fn not_a_workbook_is_one_error_naming_the_file() {
        let errors = to_csv("x.xlsx", b"PK\x03\x04 not really", "entities").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].to_string().starts_with("x.xlsx: "),
            "{}",
            errors[0]
        );
        assert!(errors[0].reason.contains("请另存为 .xlsx 或 CSV UTF-8"));
    }
}
