//! Working days and deadlines from the shipped holiday calendars (data, one file per year).
//!
//! A day is a working day unless it is a Saturday, a Sunday or inside a statutory holiday;
//! a make-up working day (调休上班, a Saturday or Sunday declared a working day) is one.
//! The data comes from the State Council's notice for each year, one TOML file per year in
//! `registries/calendar/` (format in its README), embedded in the binary. A date in a year
//! without data is an error ([`CalendarError::NoData`]), never a weekends-only guess.
//!
//! Pure: no file I/O, no clock. Callers with other files pass their text to
//! [`Calendar::from_files`] or [`Calendar::parse_year`].

mod error;
mod year;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

pub use error::CalendarError;
pub use year::{Holiday, YearData};

/// Working-day calendars for a set of years, each from one validated file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearData>,
}

impl Calendar {
    /// The files shipped in `registries/calendar/`, as `(file name, text)`.
    pub const SHIPPED_FILES: &'static [(&'static str, &'static str)] = &[
        (
            "registries/calendar/2025.toml",
            include_str!("../../registries/calendar/2025.toml"),
        ),
        (
            "registries/calendar/2026.toml",
            include_str!("../../registries/calendar/2026.toml"),
        ),
    ];

    /// A calendar without any year: every question about a date is [`CalendarError::NoData`].
    pub fn new() -> Calendar {
        Calendar::default()
    }

    /// The shipped calendars ([`Calendar::SHIPPED_FILES`]). A test proves they all parse;
    /// should one not, its year is left out (dates in it give `NoData`), never guessed.
    pub fn shipped() -> Calendar {
        let mut calendar = Calendar::new();
        for (file, text) in Calendar::SHIPPED_FILES {
            if let Ok(year) = YearData::parse(file, text) {
                // Cannot fail either: the shipped files declare different years (tested).
                let _ = calendar.add_year(year);
            }
        }
        calendar
    }

    /// Parses and validates one year's file; `file_name` names it in errors.
    pub fn parse_year(file_name: &str, text: &str) -> Result<YearData, CalendarError> {
        YearData::parse(file_name, text)
    }

    /// A calendar from `(file name, text)` pairs; the first bad file or repeated year is
    /// the error.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Calendar, CalendarError> {
        files
            .iter()
            .try_fold(Calendar::new(), |calendar, (file, text)| {
                calendar.with_year(YearData::parse(file, text)?)
            })
    }

    /// The calendar with one more year; a year already present is an error.
    pub fn with_year(mut self, year: YearData) -> Result<Calendar, CalendarError> {
        self.add_year(year)?;
        Ok(self)
    }

    /// Adds one year; a year already present is an error (the calendar is then unchanged).
    pub fn add_year(&mut self, year: YearData) -> Result<(), CalendarError> {
        if let Some(first) = self.years.get(&year.year()) {
            return Err(CalendarError::DuplicateYear {
                year: year.year(),
                first: first.file().to_string(),
                second: year.file().to_string(),
            });
        }
        self.years.insert(year.year(), year);
        Ok(())
    }

    /// The years with data, in order.
    pub fn years(&self) -> impl Iterator<Item = &YearData> {
        self.years.values()
    }

    /// One year's data, if loaded.
    pub fn year(&self, year: i32) -> Option<&YearData> {
        self.years.get(&year)
    }

    /// True when `date` is a working day; `NoData` when its year has no calendar.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let year = date.year();
        match self.years.get(&year) {
            Some(data) => Ok(data.is_working_day(date)),
            None => Err(CalendarError::NoData { year }),
        }
    }

    /// The `n`-th working day after `start`. The start day itself is not counted (民法典
    /// Art. 201), so the result is always a working day: a deadline never falls on a day off.
    /// `n = 0` is [`CalendarError::ZeroWorkingDays`]; reaching a year without data is `NoData`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return Err(CalendarError::ZeroWorkingDays);
        }
        let mut day = start;
        let mut counted = 0;
        loop {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                counted += 1;
                if counted == n {
                    return Ok(day);
                }
            }
        }
    }

    /// `date` if it is a working day, else the first working day after it: where a period
    /// counted in calendar days ends on a day off (民法典 Art. 203).
    pub fn first_working_day_from(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        while !self.is_working_day(day)? {
            day = next_day(day)?;
        }
        Ok(day)
    }

    /// The number of working days after `start` up to and including `end`: the days left
    /// until a deadline (`start` = today) or the days it is overdue (`start` = deadline).
    /// Negative when `end` is before `start`; `working_days_after(s, add_working_days(s, n))`
    /// is `n`. Every day counted needs data (`start` itself does not).
    pub fn working_days_after(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<i64, CalendarError> {
        let (from, to, sign) = if start <= end {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }
}

/// The next day; past chrono's last date, `NoData` for the year after.
fn next_day(day: NaiveDate) -> Result<NaiveDate, CalendarError> {
    day.succ_opt().ok_or(CalendarError::NoData {
        year: day.year().saturating_add(1),
    })
}
