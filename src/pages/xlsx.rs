//! Tables as `.xlsx` workbooks (`rust_xlsxwriter`), pure: a header and rows of text in,
//! the workbook's bytes out. Every cell is a text cell (the columns formatted as text `@`
//! too), so a USCC or card number never becomes a number, and a cell that starts with
//! `=`, `+`, `-` or `@` is a string, never a formula: nothing needs neutralising, unlike
//! CSV (`pages::csv`), and the cells hold the data exactly. Used for a batch's published
//! results (the same columns as its CSV) and the corps' dispatch list; the annual coverage
//! report is to use it too.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::csv;
use super::model::{BatchPage, TargetView};

/// The MIME type of an `.xlsx` file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One sheet named `sheet` (at most 31 characters, none of `[]:*?/\`): `header` in bold on
/// row 1 (kept in view when scrolling), then `rows`. Fails only on what Excel cannot hold
/// (a cell over 32,767 characters, more than 1,048,576 rows or 16,384 columns).
pub fn workbook<R, C>(sheet: &str, header: &[&str], rows: R) -> Result<Vec<u8>, XlsxError>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.set_name(sheet)?;
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_num_format("@").set_bold();
    for (c, name) in header.iter().enumerate() {
        let c = column(c)?;
        s.set_column_format(c, &text)?;
        s.write_string_with_format(0, c, *name, &bold)?;
    }
    for (r, cells) in rows.into_iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in cells.into_iter().enumerate() {
            s.write_string(r, column(c)?, cell)?;
        }
    }
    s.set_freeze_panes(1, 0)?;
    s.autofit();
    book.save_to_buffer()
}

fn column(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// A published batch's targets and results: the CSV's columns and cells (`csv::HEADER`,
/// `csv::target_row`), as text cells.
pub fn results(page: &BatchPage) -> Result<Vec<u8>, XlsxError> {
    let rows = page.targets.iter().map(csv::target_row);
    workbook("抽查结果", &csv::HEADER, rows)
}

/// How many of the results columns the dispatch list has: position, stratum, USCC, name,
/// district, grade and team.
const DISPATCH_COLUMNS: usize = 7;

/// The dispatch list of a drawn batch (the corps'): each target with its team, the first
/// columns of the results table.
pub fn dispatch(targets: &[TargetView]) -> Result<Vec<u8>, XlsxError> {
    let rows = targets
        .iter()
        .map(|t| csv::target_row(t).into_iter().take(DISPATCH_COLUMNS));
    workbook("任务分配", &csv::HEADER[..DISPATCH_COLUMNS], rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    /// The cells of the first sheet, as calamine reads them, and its formulas.
    fn read(bytes: Vec<u8>) -> (String, Vec<Vec<Data>>, usize) {
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let name = book.sheet_names()[0].clone();
        let cells = book.worksheet_range(&name).unwrap();
        let formulas = book.worksheet_formula(&name).unwrap();
        let formula_count = formulas.used_cells().count();
        (
            name,
            cells.rows().map(<[Data]>::to_vec).collect(),
            formula_count,
        )
    }

    #[test]
    fn cells_are_text_and_never_formulas() {
        let hostile = [
            "=1+1",
            "+SUM(A1)",
            "-2",
            "@cmd",
            "913101000000000000",
            "0021",
        ];
        let rows = [hostile.map(String::from)];
        let bytes = workbook("表", &["a", "b", "c", "d", "e", "f"], rows).unwrap();
        let (name, cells, formulas) = read(bytes);
        assert_eq!(name, "表");
        assert_eq!(formulas, 0);
        assert_eq!(cells[0][0], Data::String("a".into()));
        let expected: Vec<Data> = hostile
            .iter()
            .map(|s| Data::String(s.to_string()))
            .collect();
        assert_eq!(cells[1], expected);
    }

    #[test]
    fn a_cell_excel_cannot_hold_is_an_error_not_a_panic() {
        let long = "长".repeat(32_768);
        assert!(workbook("s", &["a"], [[long]]).is_err());
        assert!(workbook("bad:name", &["a"], Vec::<Vec<String>>::new()).is_err());
    }
}
