//! Tests of the calendar: shipped data, counting rules, refused files.

use chrono::NaiveDate;

use super::{Calendar, CalendarError};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn shipped() -> Calendar {
    Calendar::from_files(Calendar::SHIPPED_FILES).unwrap()
}

#[test]
fn shipped_files_parse_and_cover_2025_and_2026() {
    let calendar = shipped();
    let years: Vec<i32> = calendar.years().map(|y| y.year()).collect();
    assert_eq!(years, [2025, 2026]);
    assert_eq!(Calendar::shipped(), calendar);
    let y2026 = calendar.year(2026).unwrap();
    assert_eq!(y2026.make_up_working_days().len(), 6);
    assert_eq!(y2026.holidays().len(), 7);
    assert!(y2026.source().contains("2026"));
}

#[test]
fn twenty_working_days_after_2026_02_10_is_2026_03_16() {
    let calendar = shipped();
    assert_eq!(
        calendar.add_working_days(d(2026, 2, 10), 20),
        Ok(d(2026, 3, 16))
    );
    assert_eq!(
        calendar.working_days_after(d(2026, 2, 10), d(2026, 3, 16)),
        Ok(20)
    );
    assert_eq!(
        calendar.working_days_after(d(2026, 3, 16), d(2026, 2, 10)),
        Ok(-20)
    );
}

#[test]
fn make_up_saturday_counts() {
    let calendar = shipped();
    // 2026-02-14 is a Saturday declared a working day; 2026-02-07 an ordinary Saturday.
    assert_eq!(calendar.is_working_day(d(2026, 2, 14)), Ok(true));
    assert_eq!(calendar.is_working_day(d(2026, 2, 7)), Ok(false));
    // Friday 2026-02-13 + 1 working day is that Saturday.
    assert_eq!(
        calendar.add_working_days(d(2026, 2, 13), 1),
        Ok(d(2026, 2, 14))
    );
    // 2025-01-26 is a make-up Sunday.
    assert_eq!(calendar.is_working_day(d(2025, 1, 26)), Ok(true));
}

#[test]
fn holiday_is_skipped() {
    let calendar = shipped();
    // Thursday 2026-10-01 is National Day; the week is off up to Wednesday 10-07.
    assert_eq!(calendar.is_working_day(d(2026, 10, 1)), Ok(false));
    assert_eq!(calendar.is_working_day(d(2026, 10, 7)), Ok(false));
    assert_eq!(
        calendar.add_working_days(d(2026, 9, 30), 1),
        Ok(d(2026, 10, 8))
    );
    // Monday 2026-02-23 is the last day of the Spring Festival holiday.
    assert_eq!(calendar.is_working_day(d(2026, 2, 23)), Ok(false));
    assert_eq!(calendar.is_working_day(d(2026, 2, 24)), Ok(true));
}

#[test]
fn ordinary_weekdays_and_weekends() {
    let calendar = shipped();
    assert_eq!(calendar.is_working_day(d(2026, 3, 11)), Ok(true));
    assert_eq!(calendar.is_working_day(d(2026, 3, 14)), Ok(false));
    assert_eq!(calendar.is_working_day(d(2026, 3, 15)), Ok(false));
}

#[test]
fn crossing_from_2025_into_2026() {
    let calendar = shipped();
    // Wed 12-31 → Thu 01-01..Sat 01-03 off, Sun 01-04 make-up day, Mon 01-05.
    assert_eq!(
        calendar.add_working_days(d(2025, 12, 30), 1),
        Ok(d(2025, 12, 31))
    );
    assert_eq!(
        calendar.add_working_days(d(2025, 12, 30), 2),
        Ok(d(2026, 1, 4))
    );
    assert_eq!(
        calendar.add_working_days(d(2025, 12, 30), 3),
        Ok(d(2026, 1, 5))
    );
    assert_eq!(
        calendar.working_days_after(d(2025, 12, 30), d(2026, 1, 5)),
        Ok(3)
    );
}

#[test]
fn reaching_into_2027_is_no_data() {
    let calendar = shipped();
    assert_eq!(
        calendar.add_working_days(d(2026, 12, 30), 5),
        Err(CalendarError::NoData { year: 2027 })
    );
    assert_eq!(
        calendar.is_working_day(d(2027, 1, 4)),
        Err(CalendarError::NoData { year: 2027 })
    );
    assert_eq!(
        calendar.is_working_day(d(2024, 6, 3)),
        Err(CalendarError::NoData { year: 2024 })
    );
    let message = CalendarError::NoData { year: 2027 }.to_string();
    assert!(
        message.contains("2027") && message.contains("refused on purpose"),
        "{message}"
    );
    // The start day is not counted, so it needs no data.
    assert_eq!(
        calendar.add_working_days(d(2024, 12, 31), 1),
        Ok(d(2025, 1, 2))
    );
}

#[test]
fn zero_days_is_refused() {
    assert_eq!(
        shipped().add_working_days(d(2026, 3, 2), 0),
        Err(CalendarError::ZeroWorkingDays)
    );
}

#[test]
fn first_working_day_from_rolls_forward() {
    let calendar = shipped();
    assert_eq!(
        calendar.first_working_day_from(d(2026, 2, 15)),
        Ok(d(2026, 2, 24))
    );
    assert_eq!(
        calendar.first_working_day_from(d(2026, 2, 24)),
        Ok(d(2026, 2, 24))
    );
}

#[test]
fn add_then_count_agree() {
    let calendar = shipped();
    let start = d(2025, 1, 1);
    for n in 1..=400 {
        let end = calendar.add_working_days(start, n).unwrap();
        assert_eq!(calendar.is_working_day(end), Ok(true));
        assert_eq!(calendar.working_days_after(start, end), Ok(i64::from(n)));
    }
}

const GOOD: &str = r#"
year = 2027
source = "test"
make_up_working_days = [2027-02-06]
[[holiday]]
name = "春节"
name_en = "Spring Festival"
from = 2027-02-10
to = 2027-02-16
"#;

fn invalid_field(text: &str) -> (String, String) {
    match Calendar::parse_year("2027.toml", text) {
        Err(CalendarError::Invalid {
            file,
            field,
            message,
        }) => {
            assert_eq!(file, "2027.toml");
            (field, message)
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn callers_can_add_a_year() {
    let extra = Calendar::parse_year("2027.toml", GOOD).unwrap();
    let calendar = shipped().with_year(extra).unwrap();
    assert_eq!(calendar.is_working_day(d(2027, 2, 6)), Ok(true));
    assert_eq!(calendar.is_working_day(d(2027, 2, 10)), Ok(false));
    assert_eq!(
        calendar.add_working_days(d(2026, 12, 30), 5),
        Ok(d(2027, 1, 6))
    );
}

#[test]
fn make_up_day_on_a_wednesday_is_refused() {
    let (field, message) = invalid_field(&GOOD.replace("[2027-02-06]", "[2027-02-03]"));
    assert_eq!(field, "make_up_working_days");
    assert!(message.contains("Wednesday"), "{message}");
}

#[test]
fn make_up_day_inside_a_holiday_is_refused() {
    let (field, message) = invalid_field(&GOOD.replace("[2027-02-06]", "[2027-02-13]"));
    assert_eq!(field, "make_up_working_days");
    assert!(message.contains("春节"), "{message}");
}

#[test]
fn date_outside_the_year_is_refused() {
    let (field, message) = invalid_field(&GOOD.replace("to = 2027-02-16", "to = 2028-02-16"));
    assert_eq!(field, "holiday #1 (春节).to");
    assert!(message.contains("2027"), "{message}");
    let (field, _) = invalid_field(&GOOD.replace("[2027-02-06]", "[2026-02-14]"));
    assert_eq!(field, "make_up_working_days");
}

#[test]
fn from_after_to_is_refused() {
    let (field, _) = invalid_field(&GOOD.replace("to = 2027-02-16", "to = 2027-02-09"));
    assert_eq!(field, "holiday #1 (春节).to");
}

#[test]
fn a_date_with_a_time_is_refused() {
    let (field, _) =
        invalid_field(&GOOD.replace("from = 2027-02-10", "from = 2027-02-10T08:00:00"));
    assert_eq!(field, "holiday #1 (春节).from");
}

#[test]
fn unknown_key_is_refused_by_name() {
    for text in [
        GOOD.replace("source = \"test\"", "source = \"test\"\nextra = 1"),
        GOOD.replace("to = 2027-02-16", "to = 2027-02-16\nnote = \"x\""),
    ] {
        match Calendar::parse_year("2027.toml", &text) {
            Err(e @ CalendarError::Syntax { .. }) => {
                let message = e.to_string();
                assert!(message.starts_with("2027.toml: "), "{message}");
                assert!(
                    message.contains("extra") || message.contains("note"),
                    "{message}"
                );
            }
            other => panic!("expected Syntax, got {other:?}"),
        }
    }
}

#[test]
fn missing_key_is_refused() {
    let text = GOOD.replace("source = \"test\"\n", "");
    let message = Calendar::parse_year("2027.toml", &text)
        .unwrap_err()
        .to_string();
    assert!(message.contains("source"), "{message}");
}

#[test]
fn a_year_given_twice_is_refused() {
    let a = ("a/2027.toml", GOOD);
    let b = ("b/2027.toml", GOOD);
    assert_eq!(
        Calendar::from_files(&[a, b]),
        Err(CalendarError::DuplicateYear {
            year: 2027,
            first: "a/2027.toml".into(),
            second: "b/2027.toml".into(),
        })
    );
}

#[test]
fn overlapping_holidays_are_refused() {
    let text = format!(
        "{GOOD}[[holiday]]\nname = \"x\"\nname_en = \"x\"\nfrom = 2027-02-16\nto = 2027-02-17\n"
    );
    let (field, _) = invalid_field(&text);
    assert_eq!(field, "holiday");
}
