use super::*;

fn target(sector: &str, staffed: bool, codes: Option<&[&str]>) -> TargetFacts {
    TargetFacts {
        sector: sector.into(),
        staffed,
        codes: codes.map(|c| c.iter().map(|s| s.to_string()).collect()),
    }
}

fn batch(id: &str, state: &str, counted: bool, targets: Vec<TargetFacts>) -> BatchFacts {
    BatchFacts {
        id: id.into(),
        title: format!("{id} title"),
        state: state.into(),
        counted,
        targets,
        timeliness: None,
        inspection_overdue: false,
        followups: Counts::default(),
    }
}

#[test]
fn timeliness_follows_the_state_and_the_deadline() {
    use Timeliness::*;
    let cases = [
        (true, Due::Counted { overdue: false }, OnTime),
        (true, Due::Counted { overdue: true }, Late),
        (true, Due::NoResult, OnTime),
        (true, Due::Unknown, Unknown),
        (false, Due::Counted { overdue: true }, Overdue),
        (false, Due::Counted { overdue: false }, InTime),
        (false, Due::NoResult, NoResult),
        (false, Due::Unknown, Unknown),
    ];
    for (published, due, expected) in cases {
        assert_eq!(
            Timeliness::of(published, due),
            expected,
            "{published} {due:?}"
        );
    }
}

/// Two published batches and one in progress: the counts worked by hand.
#[test]
fn a_year_is_counted_by_hand() {
    let book = CodeBook::shipped();
    let mut published = batch(
        "P1",
        "published",
        true,
        vec![
            // A finding under 2 with its follow-up A: codes 2, YL01, A.
            target("养老服务", true, Some(&["2", "YL01", "A"])),
            target("养老服务", true, Some(&["1"])),
            target("养老服务", true, Some(&["2", "YL01", "A"])),
            // Unstaffed: drawn, not staffed, no result.
            target("养老服务", false, None),
        ],
    );
    published.timeliness = Some(Timeliness::Late);
    published.followups = Counts {
        open: 1,
        closed: 1,
        ..Counts::default()
    };
    let mut second = batch(
        "P2",
        "published",
        true,
        vec![target("养老服务", true, Some(&["1"]))],
    );
    second.timeliness = Some(Timeliness::OnTime);
    second.followups = Counts {
        overdue: 1,
        lapsed: 1,
        ..Counts::default()
    };
    // In progress and not counted (the public's scope): its timeliness and inspection
    // overdue still count, its targets and follow-ups do not.
    let mut open = batch(
        "R1",
        "results",
        false,
        vec![target("养老服务", true, Some(&["2", "YL02", "A"]))],
    );
    open.timeliness = Some(Timeliness::Overdue);
    open.inspection_overdue = true;
    open.followups = Counts {
        open: 5,
        ..Counts::default()
    };
    let batches = [
        published,
        second,
        open,
        batch("C1", "committed", false, vec![]),
        batch("W1", "withdrawn", false, vec![]),
    ];
    let s = compute(2026, "published", &batches, &book);
    assert_eq!(
        s.batches,
        BatchCounts {
            total: 5,
            announced: 1,
            in_progress: 1,
            published: 2,
            withdrawn: 1,
        }
    );
    assert_eq!(
        (
            s.targets.drawn,
            s.targets.staffed,
            s.targets.inspected,
            s.targets.with_finding
        ),
        (5, 4, 4, 2)
    );
    assert_eq!(s.targets.finding_rate, "50.00");
    let got: Vec<(&str, usize)> = s
        .categories
        .iter()
        .map(|c| (c.code.as_str(), c.count))
        .collect();
    // In the list's order: 1, 2, YL01, …, A; YL02 (only in the uncounted batch) absent.
    assert_eq!(got, [("1", 2), ("2", 2), ("YL01", 2), ("A", 2)]);
    let yl01 = &s.categories[2];
    assert_eq!(yl01.list, "elderly-care");
    assert_eq!(yl01.kind, "finding");
    assert_eq!(
        yl01.path_zh,
        "违反养老服务管理规定 › 未按规定备案或备案事项与实际不符"
    );
    // Opened: 1 open + 1 closed + 1 overdue = 3, closed 1: 33.33%; lapsed not opened.
    assert_eq!(
        s.followups,
        Counts {
            open: 1,
            overdue: 1,
            closed: 1,
            pending: 0,
            lapsed: 1,
        }
    );
    assert_eq!(s.closure_rate, "33.33");
    assert_eq!(
        (
            s.timeliness.on_time,
            s.timeliness.late,
            s.timeliness.overdue,
            s.timeliness.inspection_overdue
        ),
        (1, 1, 1, 1)
    );
    let lines: Vec<(&str, usize, usize, usize, &str)> = s
        .per_batch
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.targets,
                l.inspected,
                l.with_finding,
                l.timeliness.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("P1", 4, 3, 2, "late"),
            ("P2", 1, 1, 0, "on_time"),
            ("R1", 0, 0, 0, "overdue"),
            ("C1", 0, 0, 0, ""),
            ("W1", 0, 0, 0, ""),
        ]
    );
}

#[test]
fn a_year_without_batches_has_no_rates() {
    let s = compute(2025, "all", &[], &CodeBook::shipped());
    assert_eq!(s.batches.total, 0);
    assert!(s.categories.is_empty());
    assert_eq!(
        (s.closure_rate.as_str(), s.targets.finding_rate.as_str()),
        ("", "")
    );
}

#[test]
fn a_code_no_list_knows_is_counted_as_itself() {
    let b = batch(
        "P1",
        "published",
        true,
        vec![target("养老服务", true, Some(&["ZZ9"]))],
    );
    let s = compute(2026, "all", &[b], &CodeBook::shipped());
    assert_eq!(s.categories.len(), 1);
    assert_eq!(
        (s.categories[0].code.as_str(), s.categories[0].count),
        ("ZZ9", 1)
    );
    assert_eq!(s.categories[0].path_zh, "ZZ9");
}

/// `E` (发现问题经责令已改正) alone, as the general list allows for a sector without its own
/// list: a problem was found (and corrected), so it counts among those with a finding,
/// though it opens no follow-up.
#[test]
fn a_problem_corrected_on_order_counts_as_found() {
    let book = CodeBook::shipped();
    let codes = vec!["E".to_string()];
    assert!(
        book.check("婚姻介绍", &codes).is_ok(),
        "E alone is a result there"
    );
    assert!(!book.has_finding("婚姻介绍", &codes));
    let b = batch(
        "P1",
        "published",
        true,
        vec![target("婚姻介绍", true, Some(&["E"]))],
    );
    let s = compute(2026, "all", &[b], &book);
    assert_eq!(s.targets.with_finding, 1);
    assert_eq!(s.per_batch[0].with_finding, 1);
}
