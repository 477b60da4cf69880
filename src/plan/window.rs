//! A plan file's inspection window moved to other days, for the demo: the shipped plans
//! name fixed days, and a demonstration recorded on any day needs a window around it. Only
//! the two top-level lines are rewritten; the rest of the file stays as it is.

use chrono::NaiveDate;

/// `plan_toml` with `inspection_date` and `inspection_end` set to `start` and `end` (the
/// end line added after the start line if the file has none). A file without an
/// `inspection_date` line is returned unchanged (`Plan::from_toml` then says what is
/// missing).
pub fn with_window(plan_toml: &str, start: NaiveDate, end: NaiveDate) -> String {
    let key = |line: &str, name: &str| {
        line.strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    let has_end = plan_toml.lines().any(|l| key(l, "inspection_end"));
    let mut out = String::with_capacity(plan_toml.len() + 32);
    for line in plan_toml.lines() {
        if key(line, "inspection_date") {
            out.push_str(&format!("inspection_date = \"{start}\"\n"));
            if !has_end {
                out.push_str(&format!("inspection_end = \"{end}\"\n"));
            }
        } else if key(line, "inspection_end") {
            out.push_str(&format!("inspection_end = \"{end}\"\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Plan;

    #[test]
    fn the_window_moves_and_nothing_else_changes() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/registries/shanghai/plans/elderly-care.toml"
        ))
        .unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let moved = with_window(&text, day("2027-03-01"), day("2027-03-31"));
        let (a, b) = (
            Plan::from_toml("a", &text).unwrap(),
            Plan::from_toml("b", &moved).unwrap(),
        );
        assert_eq!(b.window().unwrap(), (day("2027-03-01"), day("2027-03-31")));
        let mut same = b.clone();
        same.inspection_date = a.inspection_date;
        same.inspection_end = a.inspection_end;
        assert_eq!(same, a);
        // A plan without an end gets one after its first day.
        let old = text.replace("inspection_end = \"2027-01-29\"\n", "");
        assert!(Plan::from_toml("c", &old).unwrap().window().is_err());
        let given = with_window(&old, day("2027-03-01"), day("2027-03-31"));
        assert_eq!(
            Plan::from_toml("d", &given).unwrap().window().unwrap(),
            (day("2027-03-01"), day("2027-03-31"))
        );
    }
}
