//! One year's calendar file: its TOML format, parsing and validation.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use toml::value::Datetime;

use super::CalendarError;

/// A statutory holiday period (放假调休), both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// Chinese name as in the State Council notice, e.g. `春节`.
    pub name: String,
    /// English name, e.g. `Spring Festival`.
    pub name_en: String,
    /// First day off.
    pub from: NaiveDate,
    /// Last day off.
    pub to: NaiveDate,
}

impl Holiday {
    /// True when `date` is one of the holiday's days off.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// One year's validated calendar: holidays and make-up working days (调休上班).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearData {
    file: String,
    year: i32,
    source: String,
    make_up_working_days: Vec<NaiveDate>,
    holidays: Vec<Holiday>,
}

impl YearData {
    /// The file name given when the data was parsed.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The calendar year covered.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice the data was taken from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Saturdays and Sundays declared working days, in date order.
    pub fn make_up_working_days(&self) -> &[NaiveDate] {
        &self.make_up_working_days
    }

    /// The holiday periods, in date order.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// True when `date` (which must lie in this year) is a working day.
    pub(super) fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.make_up_working_days.binary_search(&date).is_ok() {
            return true;
        }
        if self.holidays.iter().any(|h| h.contains(date)) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Parses and validates one year's TOML file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<YearData, CalendarError> {
        let raw: RawYear = toml::from_str(text).map_err(|e| CalendarError::Syntax {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        Checker { file, year: 0 }.year(raw)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i64,
    source: String,
    make_up_working_days: Vec<Datetime>,
    holiday: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    name_en: String,
    from: Datetime,
    to: Datetime,
}

/// Validates a raw file; every error names the file and the field.
struct Checker<'a> {
    file: &'a str,
    year: i32,
}

impl Checker<'_> {
    fn error(&self, field: impl Into<String>, message: impl Into<String>) -> CalendarError {
        CalendarError::Invalid {
            file: self.file.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }

    fn year(mut self, raw: RawYear) -> Result<YearData, CalendarError> {
        self.year = match i32::try_from(raw.year) {
            Ok(y) if (1..=9999).contains(&y) => y,
            _ => return Err(self.error("year", format!("{} is not a year", raw.year))),
        };
        let source = self.text("source", &raw.source)?;
        if raw.holiday.is_empty() {
            return Err(self.error("holiday", "no [[holiday]] is listed"));
        }
        let mut holidays = Vec::with_capacity(raw.holiday.len());
        for (i, h) in raw.holiday.iter().enumerate() {
            holidays.push(self.holiday(i + 1, h)?);
        }
        holidays.sort_by_key(|h| h.from);
        for pair in holidays.windows(2) {
            if let [a, b] = pair
                && b.from <= a.to
            {
                return Err(self.error(
                    "holiday",
                    format!(
                        "{} ({}..{}) overlaps {} ({}..{})",
                        a.name, a.from, a.to, b.name, b.from, b.to
                    ),
                ));
            }
        }
        let field = "make_up_working_days";
        let mut make_up = Vec::with_capacity(raw.make_up_working_days.len());
        for value in &raw.make_up_working_days {
            let day = self.date(field, value)?;
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(self.error(
                    field,
                    format!(
                        "{day} is a {}; a make-up working day must be a Saturday or Sunday",
                        weekday_name(day.weekday())
                    ),
                ));
            }
            if let Some(h) = holidays.iter().find(|h| h.contains(day)) {
                return Err(self.error(
                    field,
                    format!(
                        "{day} lies inside the holiday {} ({}..{})",
                        h.name, h.from, h.to
                    ),
                ));
            }
            if make_up.contains(&day) {
                return Err(self.error(field, format!("{day} is listed twice")));
            }
            make_up.push(day);
        }
        make_up.sort_unstable();
        Ok(YearData {
            file: self.file.to_string(),
            year: self.year,
            source,
            make_up_working_days: make_up,
            holidays,
        })
    }

    fn holiday(&self, number: usize, raw: &RawHoliday) -> Result<Holiday, CalendarError> {
        let field = |key: &str| format!("holiday #{number} ({}).{key}", raw.name.trim());
        let name = self.text(&field("name"), &raw.name)?;
        let name_en = self.text(&field("name_en"), &raw.name_en)?;
        let from = self.date(&field("from"), &raw.from)?;
        let to = self.date(&field("to"), &raw.to)?;
        if from > to {
            return Err(self.error(field("to"), format!("{to} is before from = {from}")));
        }
        Ok(Holiday {
            name,
            name_en,
            from,
            to,
        })
    }

    fn text(&self, field: &str, value: &str) -> Result<String, CalendarError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(self.error(field, "is empty"));
        }
        Ok(value.to_string())
    }

    /// A TOML local date (`2026-02-15`, no time, no offset) inside the declared year.
    fn date(&self, field: &str, value: &Datetime) -> Result<NaiveDate, CalendarError> {
        let date = match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        };
        let Some(date) = date else {
            return Err(self.error(
                field,
                format!("{value} is not a date like {}-01-31", self.year),
            ));
        };
        if date.year() != self.year {
            return Err(self.error(
                field,
                format!(
                    "{date} is not in the year {} declared by the file",
                    self.year
                ),
            ));
        }
        Ok(date)
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
