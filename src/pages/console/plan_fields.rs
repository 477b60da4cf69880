//! The new-batch form's fields as the page lays them out, pure: each group (the batch, the
//! population, each stratum row, the teams, the constraints, the randomness) with its
//! inputs' labels above them, hints, values as typed and errors, Chinese first.

use super::plan_form::{PlanForm, STRATUM_IDS};
use super::{Console, FieldError};

/// One input of the form.
pub struct Input {
    pub id: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    /// `text`, `date`, `number`, `textarea`, `checkbox` or `exclusions` (a choice).
    pub kind: &'static str,
    pub value: String,
    pub checked: bool,
    pub error: Option<String>,
}

/// A group of inputs under its legend.
pub struct Group {
    pub id: &'static str,
    pub legend: String,
    pub inputs: Vec<Input>,
}

fn input(
    c: &Console,
    errors: &[FieldError],
    id: &'static str,
    (zh, en): (&'static str, &'static str),
    (hint_zh, hint_en): (&'static str, &'static str),
    kind: &'static str,
    value: &str,
) -> Input {
    Input {
        id,
        label: c.t(zh, en),
        hint: c.t(hint_zh, hint_en),
        kind,
        value: value.to_string(),
        checked: false,
        error: super::error_of(errors, id).map(str::to_string),
    }
}

fn check(c: &Console, id: &'static str, label: (&'static str, &'static str), on: bool) -> Input {
    Input {
        checked: on,
        ..input(c, &[], id, label, ("", ""), "checkbox", "on")
    }
}

const LIST: (&str, &str) = (
    "多项用逗号、顿号或换行分隔；留空为不限。",
    "Separate items with commas or new lines; leave empty for any.",
);
const NONE: (&str, &str) = ("", "");

/// The form's groups of inputs, filled with `f`'s values and `errors`.
pub fn groups(c: &Console, f: &PlanForm, errors: &[FieldError]) -> Vec<Group> {
    let i = |id, label, hint, kind, value: &str| input(c, errors, id, label, hint, kind, value);
    let mut groups = vec![
        Group {
            id: "basics",
            legend: c.t("批次", "Batch").into(),
            inputs: vec![
                i(
                    "id",
                    ("批次编号", "Batch id"),
                    (
                        "字母、数字、. _ -，例如 SH-MZ-2026-YL-02；公告后不能更改。",
                        "Letters, digits, . _ -, e.g. SH-MZ-2026-YL-02; fixed once announced.",
                    ),
                    "text",
                    &f.id,
                ),
                i("title", ("标题", "Title"), NONE, "text", &f.title),
                i(
                    "inspection_date",
                    ("检查时限首日", "First day of the inspection window"),
                    ("年-月-日", "YYYY-MM-DD"),
                    "date",
                    &f.inspection_date,
                ),
                i(
                    "inspection_end",
                    ("检查时限末日", "Last day of the inspection window"),
                    (
                        "执法证须在整个时限内有效。",
                        "Enforcement cards must be valid throughout.",
                    ),
                    "date",
                    &f.inspection_end,
                ),
                i(
                    "matters",
                    ("抽查事项编码", "Inspection matter codes"),
                    (
                        "抽查事项清单中的编码，例如 MZ-YL-01；多项用逗号分隔。",
                        "Codes from the matter list, e.g. MZ-YL-01; separate with commas.",
                    ),
                    "text",
                    &f.matters,
                ),
            ],
        },
        Group {
            id: "population",
            legend: c
                .t("抽查范围（定向条件）", "Population (directed draw)")
                .into(),
            inputs: vec![
                i(
                    "sectors",
                    ("行业领域", "Sectors"),
                    (
                        "留空：所选事项的行业领域。",
                        "Empty: the sectors of the matters.",
                    ),
                    "text",
                    &f.sectors,
                ),
                i(
                    "entity_types",
                    ("对象类型", "Entity types"),
                    LIST,
                    "text",
                    &f.entity_types,
                ),
                i("districts", ("区", "Districts"), LIST, "text", &f.districts),
                i(
                    "statuses",
                    ("登记状态", "Statuses"),
                    ("通常为“正常”。", "Usually 正常 (active)."),
                    "text",
                    &f.statuses,
                ),
            ],
        },
    ];
    for (row, ids) in STRATUM_IDS.iter().enumerate() {
        let v = &f.strata[row].values;
        groups.push(Group {
            id: ids[0],
            legend: if c.is_en() {
                format!("Stratum {}", row + 1)
            } else {
                format!("分层 {}", row + 1)
            },
            inputs: vec![
                i(
                    ids[0],
                    ("名称", "Name"),
                    ("留空的分层不计入计划。", "A blank stratum is left out."),
                    "text",
                    &v[0],
                ),
                i(
                    ids[1],
                    ("信用风险等级", "Credit grades"),
                    ("A、B、C、D；留空为不限。", "A, B, C, D; empty for any."),
                    "text",
                    &v[1],
                ),
                i(ids[2], ("区", "Districts"), LIST, "text", &v[2]),
                i(ids[3], ("对象类型", "Entity types"), LIST, "text", &v[3]),
                i(
                    ids[4],
                    ("名录（如投诉举报）", "Lists (e.g. complaints)"),
                    LIST,
                    "text",
                    &v[4],
                ),
                i(
                    ids[5],
                    ("抽取比例", "Ratio"),
                    (
                        "例如 30%、5‰ 或 3/100，向上取整。",
                        "E.g. 30%, 5‰ or 3/100, rounded up.",
                    ),
                    "text",
                    &v[5],
                ),
                i(
                    ids[6],
                    ("抽取家数", "Count"),
                    ("与比例同写时取较大者。", "With a ratio, the larger wins."),
                    "number",
                    &v[6],
                ),
                i(ids[7], ("最少家数", "Minimum"), NONE, "number", &v[7]),
                i(
                    ids[8],
                    ("排除规则", "Exclusion rules"),
                    (
                        "100% 分层须写明全覆盖优先还是排除优先。",
                        "A 100% stratum states which wins.",
                    ),
                    "exclusions",
                    &v[8],
                ),
            ],
        });
    }
    groups.push(Group {
        id: "team",
        legend: c.t("检查组", "Teams").into(),
        inputs: vec![
            i(
                "team_size",
                ("每组人数", "Officers per team"),
                ("执法人员不得少于两人。", "Never fewer than two."),
                "number",
                &f.team_size,
            ),
            i(
                "pool",
                ("执法人员所属部门（名录库）", "Officers' departments (pool)"),
                LIST,
                "text",
                &f.pool,
            ),
            i(
                "departments",
                (
                    "联合抽查部门（每组各一人）",
                    "Joint batch: one officer of each department",
                ),
                LIST,
                "text",
                &f.departments,
            ),
        ],
    });
    groups.push(Group {
        id: "constraints",
        legend: c.t("约束", "Constraints").into(),
        inputs: vec![
            check(
                c,
                "cross_district",
                (
                    "异地执法：区局人员不检查本区对象",
                    "Cross-district: no officer inspects their own district",
                ),
                f.cross_district,
            ),
            i(
                "exclude_days",
                (
                    "排除近期已检查（天）",
                    "Skip entities inspected within (days)",
                ),
                (
                    "同一事项在此天数内已检查的对象不抽。",
                    "For the same matters.",
                ),
                "number",
                &f.exclude_days,
            ),
            check(
                c,
                "exclude_year",
                (
                    "排除本年度已检查的对象",
                    "Skip entities inspected this calendar year",
                ),
                f.exclude_year,
            ),
            i(
                "no_repeat_days",
                (
                    "同一人员不重复检查（天）",
                    "No officer inspects the same entity within (days)",
                ),
                NONE,
                "number",
                &f.no_repeat_days,
            ),
            i(
                "max_targets",
                ("每名执法人员最多家数", "Most targets per officer"),
                NONE,
                "number",
                &f.max_targets,
            ),
        ],
    });
    groups.push(Group {
        id: "entropy",
        legend: c.t("随机数来源", "Where the randomness comes from").into(),
        inputs: vec![
            Input {
                checked: f.entropy != "drand",
                ..input(
                    c,
                    errors,
                    "entropy-ceremony",
                    (
                        "公开摇号仪式（见证人报数）",
                        "A public ceremony (witnesses' digits)",
                    ),
                    NONE,
                    "radio",
                    "ceremony",
                )
            },
            i(
                "witnesses",
                ("见证人", "Witnesses"),
                ("至少两人，每行一人。", "At least two, one a line."),
                "textarea",
                &f.witnesses,
            ),
            i(
                "digits",
                ("每人数字位数", "Digits per witness"),
                NONE,
                "number",
                &f.digits,
            ),
            Input {
                checked: f.entropy == "drand",
                ..input(
                    c,
                    errors,
                    "entropy-drand",
                    ("drand 公共随机信标的未来轮次", "A future drand round"),
                    NONE,
                    "radio",
                    "drand",
                )
            },
            i(
                "chain_hash",
                ("drand 链哈希", "drand chain hash"),
                NONE,
                "text",
                &f.chain_hash,
            ),
            i(
                "round",
                ("drand 轮次", "drand round"),
                ("须在提交承诺之后产生。", "Must come after the commitment."),
                "number",
                &f.round,
            ),
        ],
    });
    groups
}
