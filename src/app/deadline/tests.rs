use super::*;
use crate::domain::publication::PublicationRules;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn limit(days: u32) -> Limit {
    Limit {
        working_days: days,
        basis_zh: "测试".into(),
        basis_en: "test".into(),
    }
}

/// Around each long holiday of 2025 and 2026: the inspection date, its deadline under the
/// default 20 working days and under 社会组织's 5. The expected days were counted by hand
/// from the State Council's notices (registries/calendar/), make-up working days included.
#[test]
fn deadlines_count_working_days_from_the_inspection_across_each_holiday() {
    let c = Calendar::shipped();
    let rules = PublicationRules::shipped();
    let (default, social) = (rules.for_sector("养老服务"), rules.for_sector("社会组织"));
    for (inspected, twenty, five, holiday) in [
        (
            "2025-01-24",
            "2025-02-27",
            "2025-02-07",
            "Spring Festival 2025",
        ),
        ("2025-04-03", "2025-05-06", "2025-04-11", "Qingming 2025"),
        ("2025-04-30", "2025-06-03", "2025-05-12", "Labour Day 2025"),
        (
            "2025-09-30",
            "2025-11-04",
            "2025-10-14",
            "National Day 2025",
        ),
        (
            "2026-02-06",
            "2026-03-12",
            "2026-02-13",
            "Spring Festival 2026",
        ),
        ("2026-04-03", "2026-05-07", "2026-04-13", "Qingming 2026"),
        ("2026-04-30", "2026-06-01", "2026-05-11", "Labour Day 2026"),
        (
            "2026-09-30",
            "2026-11-03",
            "2026-10-13",
            "National Day 2026",
        ),
    ] {
        let day = d(inspected);
        let a = publication_deadline(&c, day, default, None, day).unwrap();
        assert_eq!(a.due, d(twenty), "{holiday}: 20 working days");
        assert_eq!(a.working_days_left, 20, "{holiday}");
        let b = publication_deadline(&c, day, social, None, day).unwrap();
        assert_eq!(b.due, d(five), "{holiday}: 5 working days");
    }
}

/// The case: inspected on 2026-02-06, typed in on 2026-03-02. The deadline counts
/// from the inspection (2026-03-12), not from the typing (which gave 2026-03-30).
#[test]
fn the_deadline_counts_from_the_inspection_not_from_data_entry() {
    let c = Calendar::shipped();
    let entered = d("2026-03-02");
    let x = publication_deadline(&c, d("2026-02-06"), &limit(20), None, entered).unwrap();
    assert_eq!(x.due, d("2026-03-12"));
    assert!(!x.overdue);
    assert_eq!(x.working_days_left, 8);
}

#[test]
fn overdue_the_day_after_and_in_time_when_published_on_the_last_day() {
    let c = Calendar::shipped();
    let l = limit(20);
    let open = publication_deadline(&c, d("2026-02-10"), &l, None, d("2026-03-13")).unwrap();
    assert_eq!(open.due, d("2026-03-16"));
    assert!(!open.overdue);
    assert_eq!(open.working_days_left, 1);
    let late = publication_deadline(&c, d("2026-02-10"), &l, None, d("2026-03-18")).unwrap();
    assert!(late.overdue);
    assert_eq!(late.working_days_left, -2);
    let on_time = publication_deadline(
        &c,
        d("2026-02-10"),
        &l,
        Some(d("2026-03-16")),
        d("2026-06-01"),
    )
    .unwrap();
    assert!(!on_time.overdue, "published on the last day is in time");
    let after = publication_deadline(
        &c,
        d("2026-02-10"),
        &l,
        Some(d("2026-03-17")),
        d("2026-03-17"),
    )
    .unwrap();
    assert!(after.overdue);
}

#[test]
fn a_batch_is_due_at_the_earliest_of_its_results_deadlines() {
    let c = Calendar::shipped();
    let (twenty, five) = (limit(20), limit(5));
    let today = d("2026-10-09");
    // A 社会组织 result inspected later can still be due first.
    let x = earliest(
        &c,
        &[(d("2026-09-28"), &twenty), (d("2026-09-30"), &five)],
        None,
        today,
    )
    .unwrap()
    .unwrap();
    assert_eq!(x.due, d("2026-10-13"));
    assert_eq!(x.inspected_on, d("2026-09-30"));
    assert_eq!(x.limit, five);
    assert!(earliest(&c, &[], None, today).is_none());
}

#[test]
fn a_deadline_in_a_year_without_a_calendar_is_not_guessed() {
    let c = Calendar::shipped();
    let l = limit(20);
    let e = publication_deadline(&c, d("2026-12-20"), &l, None, d("2026-12-21")).unwrap_err();
    assert!(e.to_string().contains("2027"), "{e}");
    // Alone it is the error; beside one that can be counted, the counted one is earlier.
    let only = earliest(&c, &[(d("2026-12-20"), &l)], None, d("2026-12-21")).unwrap();
    assert!(only.is_err());
    let both = earliest(
        &c,
        &[(d("2026-12-20"), &l), (d("2026-11-02"), &l)],
        None,
        d("2026-12-21"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(both.due, d("2026-11-30"));
}
