//! Errors of the working-day calendar: bad data files, and dates the data does not cover.

/// Why a calendar file was refused or a working-day question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A date falls in a year for which no calendar file was loaded.
    #[error(
        "no working-day calendar for {year}: add registries/calendar/{year}.toml from the State \
         Council's holiday notice (published each November). Counting weekends only is refused \
         on purpose: it would give wrong legal deadlines"
    )]
    NoData {
        /// The year without data.
        year: i32,
    },
    /// The file is not valid TOML, a value has the wrong type, a key is missing or unknown.
    #[error("{file}: {message}")]
    Syntax {
        /// Name of the file, as given by the caller.
        file: String,
        /// The TOML reader's message (it names the key and the line).
        message: String,
    },
    /// A value is well-formed but wrong (date outside the year, make-up day on a weekday…).
    #[error("{file}: {field}: {message}")]
    Invalid {
        /// Name of the file, as given by the caller.
        file: String,
        /// The field at fault, e.g. `make_up_working_days` or `holiday #2 (春节).to`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Two files declare the same year.
    #[error("year {year} is given twice: in {first} and in {second}")]
    DuplicateYear {
        /// The year declared twice.
        year: i32,
        /// The file loaded first.
        first: String,
        /// The file refused.
        second: String,
    },
    /// `add_working_days` was asked for 0 days: the start day is never counted, so there is
    /// no 0th working day after it.
    #[error("a count of working days must be at least 1 (the start day is never counted)")]
    ZeroWorkingDays,
}
