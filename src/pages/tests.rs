//! Tests of the public pages: both languages, escaping of user data everywhere, links and
//! anchors, the verify commands, the CSV file (BOM, CRLF, formula injection, round trip) and
//! the chart (counts from the shipped sample bundles, SVG shape and escaping).

use super::model::*;
use super::{chart, csv, render};

const XSS: &str = "<script>alert(1)</script>";
const LOG_KEY: &str = "shuangsui.example+1a2b3c4d+AbCdEf0123456789abcdefGHIJKLmnopqrstuvwxyz01=";

fn code(code: &str, zh: &str, en: &str) -> CodeView {
    CodeView {
        code: code.into(),
        zh: zh.into(),
        en: en.into(),
        kind: "none".into(),
        parent: String::new(),
        path_zh: zh.into(),
        path_en: en.into(),
        leaf: true,
    }
}

fn target(
    position: i64,
    uscc: &str,
    name: &str,
    team: &[&str],
    result: Option<ResultView>,
) -> TargetView {
    TargetView {
        position,
        stratum: "高风险".into(),
        uscc: uscc.into(),
        name: name.into(),
        district: "浦东新区".into(),
        grade: "D".into(),
        team: team.iter().map(|s| s.to_string()).collect(),
        result,
        followup: None,
    }
}

/// A batch page with one inspected target, one corrected result, one without a team and
/// one whose name, note and district are a script.
fn sample_batch() -> BatchPage {
    BatchPage {
        id: "2025-007".into(),
        title: "2025年养老机构双随机抽查".into(),
        state: "published".into(),
        inspection_date: "2025-06-10".into(),
        inspection_end: "2025-07-09".into(),
        plan: shipped_plan(),
        drand: None,
        matters: vec![MatterView {
            code: "MZ-01".into(),
            name: "养老机构服务质量检查".into(),
            legal_basis: "《养老机构管理办法》第四十条".into(),
            inspecting_body: "上海市民政局执法总队".into(),
            content: "服务安全、消防安全".into(),
        }],
        strata: vec![StratumView {
            name: "高风险".into(),
            population: 120,
            excluded: 3,
            eligible: 117,
            size: 4,
            shortfall: 0,
        }],
        targets: vec![
            target(
                1,
                "91310000631696382C",
                "上海某某养老院",
                &["31000012345", "31000067890"],
                Some(ResultView {
                    id: 11,
                    measures: vec![],
                    codes: vec![code("1", "未发现问题", "No problem found")],
                    note: "".into(),
                    inspected_on: "2025-06-12".into(),
                    recorded_at: "2025-06-12T09:00:00+08:00".into(),
                    corrects: None,
                }),
            ),
            target(
                2,
                "91110108551385082Q",
                "某某护理站",
                &["31000011111", "31000022222"],
                Some(ResultView {
                    id: 13,
                    measures: vec![],
                    codes: vec![
                        code(
                            "A",
                            "发现问题待后续处理",
                            "Problem found, follow-up pending",
                        ),
                        code(
                            "B",
                            "未按规定公示应当公示的信息",
                            "Did not publish required information",
                        ),
                    ],
                    note: "复查".into(),
                    inspected_on: "2025-06-13".into(),
                    recorded_at: "2025-06-14T09:00:00+08:00".into(),
                    corrects: Some(12),
                }),
            ),
            target(3, "51310000MJ0000000X", "无人可派的机构", &[], None),
            {
                let mut t = target(
                    4,
                    "52310000MJ0000001X",
                    XSS,
                    &["3100\"<b>"],
                    Some(ResultView {
                        id: 14,
                        measures: vec![],
                        codes: vec![code("1", "未发现问题", "No problem found")],
                        note: XSS.into(),
                        inspected_on: "2025-06-13".into(),
                        recorded_at: "2025-06-14T09:00:00+08:00".into(),
                        corrects: None,
                    }),
                );
                t.district = XSS.into();
                t
            },
        ],
        chart: ChartData {
            by_district: vec![
                ChartBar {
                    label: "浦东新区".into(),
                    population: 100,
                    sample: 3,
                },
                ChartBar {
                    label: XSS.into(),
                    population: 20,
                    sample: 1,
                },
            ],
            by_grade: vec![ChartBar {
                label: "D".into(),
                population: 120,
                sample: 4,
            }],
        },
        commitment_hash: "c0ffee".repeat(10),
        committed_at: "2025-06-01T02:00:00Z".into(),
        drawn_at: "2025-06-03T10:00:00+08:00".into(),
        published_at: "2025-06-20T10:00:00+08:00".into(),
        withdrawn_at: String::new(),
        withdraw_reason: String::new(),
        log_entries: vec![
            log_entry(3, "batch.created", "2025-05-30T02:00:00Z", None),
            log_entry(4, "batch.committed", "2025-06-01T02:00:00Z", None),
            log_entry(9, "draw.started", "2025-06-03T02:00:00Z", None),
            log_entry(10, "batch.drawn", "2025-06-03T02:00:00Z", None),
            log_entry(20, "batch.published", "2025-06-20T02:00:00Z", None),
        ],
        results_logged: 3,
        approvals_logged: 2,
        returns_logged: 1,
        entropy: r#"{"digits":"31415926535897932384","kind":"ceremony"}"#.into(),
        seed: "5eed".repeat(16),
        bundle_sha256: "b0b0".repeat(16),
        checkpoint: "shuangsui.example/log\n42\nROOTHASH=\n\n— shuangsui.example SIGNATURE=\n"
            .into(),
        log_key: LOG_KEY.into(),
        log: LogView {
            size: 42,
            witnesses: vec![
                WitnessView {
                    name: "notary.example/w1".into(),
                    key: "notary.example/w1+01020304+AAAA".into(),
                    cosigned_size: 42,
                },
                WitnessView {
                    name: XSS.into(),
                    key: XSS.into(),
                    cosigned_size: 4,
                },
            ],
        },
        deadline: Some(DeadlineView {
            due: "2025-07-10".into(),
            overdue: false,
            unknown: String::new(),
            inspected_on: "2025-06-11".into(),
            working_days: 20,
            basis_zh: "《企业信息公示暂行条例》第六条".into(),
            basis_en: "Interim Regulations on Enterprise Information Publicity, Art. 6".into(),
        }),
        inspection: Some(InspectionView {
            end: "2025-07-09".into(),
            uninspected: 0,
            overdue: false,
        }),
        site_url: String::new(),
    }
}

/// The shipped elderly-care plan, as committed.
fn shipped_plan() -> crate::plan::Plan {
    crate::plan::Plan::from_toml(
        "elderly-care.toml",
        include_str!("../../registries/shanghai/plans/elderly-care.toml"),
    )
    .unwrap()
}

fn log_entry(seq: u64, kind: &str, time: &str, reason: Option<&str>) -> LogEntryView {
    LogEntryView {
        seq,
        kind: kind.into(),
        time: time.into(),
        reason: reason.map(String::from),
    }
}

/// The same batch announced only: committed, not drawn.
fn announced_batch() -> BatchPage {
    let mut page = sample_batch();
    page.state = "committed".into();
    page.strata.clear();
    page.targets.clear();
    page.chart = ChartData::default();
    page.drawn_at.clear();
    page.published_at.clear();
    page.entropy.clear();
    page.seed.clear();
    page.bundle_sha256.clear();
    page.deadline = None;
    page.results_logged = 0;
    page.log_entries.truncate(2);
    page
}

fn summary(
    id: &str,
    title: &str,
    state: &str,
    time: &str,
    due: &str,
    overdue: bool,
) -> BatchSummary {
    BatchSummary {
        id: id.into(),
        title: title.into(),
        state: state.into(),
        inspection_date: "2025-03-10".into(),
        inspection_end: String::new(),
        commitment_hash: "c0ffee".repeat(10),
        committed_at: "2025-02-01T02:00:00Z".into(),
        drawn_at: time.into(),
        published_at: if state == "published" {
            time.into()
        } else {
            String::new()
        },
        withdrawn_at: if state == "withdrawn" {
            time.into()
        } else {
            String::new()
        },
        withdraw_reason: if state == "withdrawn" {
            "计划有误".into()
        } else {
            String::new()
        },
        targets: 7,
        deadline: Some(DeadlineView {
            due: due.into(),
            overdue,
            unknown: String::new(),
            inspected_on: String::new(),
            working_days: 20,
            basis_zh: String::new(),
            basis_en: String::new(),
        }),
        inspection: None,
    }
}

fn sample_home() -> HomePage {
    HomePage {
        announced: vec![summary(
            "2025-004",
            "待抽取批次",
            "committed",
            "",
            "",
            false,
        )],
        drawn: vec![summary(
            "2025-003",
            "逾期批次",
            "results",
            "2025-03-11T02:00:00Z",
            "2025-04-30",
            true,
        )],
        published: vec![
            summary(
                "2025-002",
                "最新公示的批次",
                "published",
                "2025-05-01T10:00:00+08:00",
                "2025-04-20",
                true,
            ),
            summary(
                "2025-001",
                "较早公示的批次",
                "published",
                "2025-03-01T10:00:00+08:00",
                "2025-03-20",
                false,
            ),
        ],
        withdrawn: vec![summary(
            "2025-005",
            "撤回的批次",
            "withdrawn",
            "2025-02-02T02:00:00Z",
            "",
            false,
        )],
        annual: vec![crate::pages::model::AnnualLink {
            id: "SH-MZ-2026".into(),
            department: "上海市民政局".into(),
            year: 2026,
            title: "2026年度抽查工作计划".into(),
        }],
        log: LogView {
            size: 42,
            witnesses: Vec::new(),
        },
    }
}

fn sample_search() -> SearchPage {
    SearchPage {
        query: "养老".into(),
        hits: vec![
            SearchHit {
                batch_id: "2025-007".into(),
                batch_title: "2025年养老机构双随机抽查".into(),
                uscc: "91310000631696382C".into(),
                name: "上海某某养老院".into(),
                district: "浦东新区".into(),
                result: Some(ResultView {
                    id: 11,
                    measures: vec![],
                    codes: vec![code("1", "未发现问题", "No problem found")],
                    note: "".into(),
                    inspected_on: "2025-06-12".into(),
                    recorded_at: "2025-06-12T09:00:00+08:00".into(),
                    corrects: None,
                }),
            },
            SearchHit {
                batch_id: "2025-008".into(),
                batch_title: XSS.into(),
                uscc: "91110108551385082Q".into(),
                name: XSS.into(),
                district: XSS.into(),
                result: None,
            },
        ],
        truncated: true,
    }
}

/// Every page in both languages, with a name.
fn all_pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        pages.push((format!("home {lang:?}"), render::home(&sample_home(), lang)));
        pages.push((
            format!("batch {lang:?}"),
            render::batch(&sample_batch(), lang),
        ));
        pages.push((
            format!("search {lang:?}"),
            render::search(&sample_search(), lang),
        ));
        pages.push((format!("error {lang:?}"), render::error(404, XSS, lang)));
        pages.push((
            format!("empty search {lang:?}"),
            render::search(&SearchPage::default(), lang),
        ));
        pages.push((
            format!("empty home {lang:?}"),
            render::home(&HomePage::default(), lang),
        ));
    }
    pages
}

/// The `href` values of a page.
fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn chinese_batch_page_has_chinese_labels() {
    let html = render::batch(&sample_batch(), Lang::Zh);
    assert!(html.contains("<html lang=\"zh-CN\">"), "{html}");
    for label in [
        "抽查事项",
        "抽查依据",
        "抽查主体",
        "抽查内容",
        "《养老机构管理办法》第四十条",
        "样本量",
        "如何核验",
        "承诺哈希",
        "日志签名检查点",
        "未发现问题",
        "发现问题待后续处理",
        "更正",
        "未配齐",
        "尚无结果",
        "已公示",
        "2025-07-10",
    ] {
        assert!(html.contains(label), "missing {label}");
    }
    assert!(!html.contains("How to verify"));
    assert!(!html.contains("No problem found"));
}

#[test]
fn english_batch_page_has_english_labels() {
    let html = render::batch(&sample_batch(), Lang::En);
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    for label in [
        "Inspection matters",
        "Legal basis",
        "How to verify",
        "Commitment hash",
        "No problem found",
        "Problem found, follow-up pending",
        "corrected",
        "no team",
        "no result yet",
        "published",
    ] {
        assert!(html.contains(label), "missing {label}");
    }
    assert!(!html.contains("如何核验"));
    assert!(!html.contains("未配齐"));
}

#[test]
fn user_data_is_escaped_on_every_page() {
    for (name, html) in all_pages() {
        assert!(!html.contains(XSS), "{name}: raw script");
        assert!(
            !html.to_ascii_lowercase().contains("<script"),
            "{name}: a script tag"
        );
    }
    // The script is shown as text, in the table, the search hits and the chart.
    let batch = render::batch(&sample_batch(), Lang::Zh);
    assert!(
        batch
            .matches("&#60;script&#62;alert(1)&#60;/script&#62;")
            .count()
            >= 3,
        "{batch}"
    );
    assert!(
        batch.contains("&lt;script&gt;"),
        "the chart's label is escaped: {batch}"
    );
    assert!(
        batch.contains("3100&#34;&#60;b&#62;"),
        "a card number is escaped"
    );
    let search = render::search(&sample_search(), Lang::En);
    assert!(search.contains("&#60;script&#62;alert(1)"));
    let error = render::error(400, XSS, Lang::Zh);
    assert!(error.contains("&#60;script&#62;alert(1)"));
}

#[test]
fn no_page_has_a_script_or_an_external_resource() {
    for (name, html) in all_pages() {
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{name}");
        assert!(!lower.contains("<link"), "{name}");
        assert!(!lower.contains("<img"), "{name}");
        assert!(!lower.contains("src="), "{name}");
        assert!(!lower.contains("@import"), "{name}");
        let handler = lower
            .split(|c: char| c.is_whitespace() || c == '<')
            .find(|w| w.starts_with("on") && w.contains("=\""));
        assert_eq!(handler, None, "{name}: an event handler attribute");
        assert_eq!(lower.matches("<style>").count(), 1, "{name}");
        assert!(
            html.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            ),
            "{name}"
        );
        for href in hrefs(&html) {
            assert!(href.starts_with('/'), "{name}: {href} leaves the site");
        }
    }
}

#[test]
fn the_verify_command_downloads_from_the_site_when_its_address_is_known() {
    let page = BatchPage {
        site_url: "https://sjgk.example.gov.cn".into(),
        ..sample_batch()
    };
    let html = render::batch(&page, Lang::Zh);
    assert!(
        html.contains(
            "curl -o 2025-007.export.json https://sjgk.example.gov.cn/batches/2025-007/bundle.json"
        ),
        "{html}"
    );
    let relative = render::batch(&sample_batch(), Lang::Zh);
    assert!(html.len() < relative.len(), "no hint to add the address");
}

#[test]
fn the_verify_commands_name_the_batch_and_the_exact_log_key() {
    let html = render::batch(&sample_batch(), Lang::Zh);
    assert!(
        html.contains("curl -o 2025-007.export.json /batches/2025-007/bundle.json"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "shuangsui verify 2025-007.export.json --log-key &#39;{LOG_KEY}&#39;"
        )),
        "{html}"
    );
    assert!(html.contains("docs/DRAW-SPEC.md"));
    // The downloads.
    assert!(
        html.contains("<a href=\"/batches/2025-007/bundle.json\" download>"),
        "{html}"
    );
    assert!(html.contains("href=\"/batches/2025-007/results.csv\""));
    // The commitment section shows the values themselves.
    let page = sample_batch();
    for value in [
        &page.commitment_hash,
        &page.seed,
        &page.bundle_sha256,
        &page.log_key,
    ] {
        assert!(html.contains(value.as_str()), "missing {value}");
    }
    assert!(
        html.contains("<pre>{&#34;digits&#34;:&#34;31415926535897932384&#34;"),
        "{html}"
    );
    assert!(html.contains("<pre>shuangsui.example/log\n42\n"), "{html}");
    // Times are shown in China's time: 02:00 UTC is 10:00 in Beijing.
    assert!(html.contains("2025-06-01 10:00:00 +08:00"), "{html}");
}

#[test]
fn a_log_key_with_a_quote_stays_one_shell_word() {
    let mut page = sample_batch();
    page.log_key = "it's+abc+def".into();
    page.id = "a b".into();
    let html = render::batch(&page, Lang::En);
    assert!(
        html.contains("--log-key &#39;it&#39;\\&#39;&#39;s+abc+def&#39;"),
        "{html}"
    );
    assert!(
        html.contains("curl -o &#39;a b.export.json&#39; /batches/a%20b/bundle.json"),
        "{html}"
    );
}

#[test]
fn the_language_toggle_keeps_the_page_and_query() {
    let zh = render::batch(&sample_batch(), Lang::Zh);
    assert!(
        zh.contains(
            "<a href=\"/batches/2025-007?lang=en\" hreflang=\"en\" lang=\"en\">English</a>"
        ),
        "{zh}"
    );
    assert!(zh.contains("<strong>中文</strong>"));
    let en = render::batch(&sample_batch(), Lang::En);
    assert!(
        en.contains("<a href=\"/batches/2025-007\" hreflang=\"zh-CN\" lang=\"zh-CN\">中文</a>"),
        "{en}"
    );
    let search = render::search(&sample_search(), Lang::Zh);
    assert!(
        search.contains("href=\"/search?q=%E5%85%BB%E8%80%81&#38;lang=en\""),
        "{search}"
    );
    let home = render::home(&HomePage::default(), Lang::Zh);
    assert!(home.contains("href=\"/?lang=en\""), "{home}");
}

#[test]
fn in_english_every_internal_link_carries_lang_en() {
    for (name, html) in all_pages() {
        // Files (the specifications, the verifiers, the log) are the same in both languages.
        let links: Vec<&str> = hrefs(&html)
            .into_iter()
            .filter(|h| {
                !["/docs/", "/verify/", "/log/"]
                    .iter()
                    .any(|p| h.starts_with(p))
            })
            .collect();
        assert!(links.len() >= 3, "{name}");
        let english = links.iter().filter(|h| h.contains("lang=en")).count();
        if name.ends_with("En") {
            // All but the toggle back to Chinese.
            assert_eq!(english, links.len() - 1, "{name}: {links:?}");
            assert_eq!(html.matches("hreflang=\"zh-CN\"").count(), 1, "{name}");
            assert!(
                html.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">"),
                "{name}"
            );
        } else {
            assert_eq!(english, 1, "{name}: only the toggle is English");
            assert!(!html.contains("name=\"lang\""), "{name}");
        }
    }
}

#[test]
fn the_header_has_home_search_and_api_docs() {
    let html = render::home(&HomePage::default(), Lang::Zh);
    assert!(html.contains("<form method=\"get\" action=\"/search\""));
    assert!(html.contains("name=\"q\""));
    assert!(html.contains("<button type=\"submit\">搜索</button>"));
    assert!(html.contains("href=\"/api/v1/docs\""));
    assert!(html.contains("href=\"/\""));
}

#[test]
fn every_target_row_is_an_anchor() {
    let html = render::batch(&sample_batch(), Lang::Zh);
    for t in sample_batch().targets {
        assert!(
            html.contains(&format!("<tr id=\"t-{}\">", t.uscc)),
            "{}",
            t.uscc
        );
    }
    // The team: card numbers, and 未配齐 for the empty one.
    assert!(html.contains("<code>31000012345</code><br><code>31000067890</code>"));
    assert_eq!(html.matches("未配齐").count(), 1);
    // The strata table, each cell with its column's label (shown above it on a phone).
    assert!(html.contains("<td data-label=\"总体\" class=\"n\">120</td><td data-label=\"排除\" class=\"n\">3</td><td data-label=\"可抽取\" class=\"n\">117</td><td data-label=\"样本量\" class=\"n\">4</td>"), "{html}");
}

#[test]
fn the_home_page_lists_every_batch_by_where_it_stands() {
    let html = render::home(&sample_home(), Lang::Zh);
    let announced = html.find("已公告、待抽取").expect("announced section");
    let drawn = html.find("已抽取、待公示结果").expect("drawn section");
    let published = html.find("已公示的抽查批次").expect("published section");
    let withdrawn = html.find("已撤回的批次").expect("withdrawn section");
    assert!(announced < drawn && drawn < published && published < withdrawn);
    let waiting = html.find("待抽取批次").unwrap();
    assert!(
        announced < waiting && waiting < drawn,
        "the committed batch is announced"
    );
    assert!(
        html.contains(&"c0ffee".repeat(10)),
        "with its commitment hash"
    );
    assert!(
        html.contains("<span class=\"warn\">2025-04-30 已逾期</span>"),
        "{html}"
    );
    let newest = html.find("最新公示的批次").expect("newest listed");
    let older = html.find("较早公示的批次").expect("older listed");
    assert!(newest < older, "in the model's order: newest first");
    assert!(html.contains("<a href=\"/batches/2025-002\">最新公示的批次</a>"));
    assert!(html.contains("逾期公示"), "published late is flagged");
    assert!(html.contains("按期公示"));
    assert!(html.contains("2025-05-01"));
    assert!(
        html[withdrawn..].contains("计划有误"),
        "a withdrawal shows its reason"
    );
    assert!(html.contains("<a href=\"/batches/2025-005\">撤回的批次</a>"));
    let en = render::home(&sample_home(), Lang::En);
    assert!(en.contains("Announced, awaiting the draw"));
    assert!(en.contains("published late"));
    assert!(en.contains("<a href=\"/batches/2025-002?lang=en\">"));
}

#[test]
fn an_empty_home_page_says_so() {
    let zh = render::home(&HomePage::default(), Lang::Zh);
    assert!(zh.contains("暂无已公示的抽查批次"));
    assert!(zh.contains("暂无待抽取的批次"));
    assert!(zh.contains("暂无待公示的批次"));
    assert!(zh.contains("没有撤回的批次"));
    assert!(zh.contains("本日志尚无见证人联署"));
    let en = render::home(&HomePage::default(), Lang::En);
    assert!(en.contains("No batch has been published yet."));
    assert!(
        en.contains("Drawn, results awaiting publication"),
        "the section is never hidden"
    );
}

#[test]
fn an_announced_batch_shows_its_plan_in_words_and_its_commitment_but_no_target() {
    let html = render::batch(&announced_batch(), Lang::Zh);
    assert!(html.contains("抽查任务公告"));
    assert!(html.contains("已承诺"), "its state");
    // The shipped plan in words: population, strata, team, rules, entropy source.
    assert!(html.contains("行业领域：养老服务"), "{html}");
    assert!(
        html.contains(
            "投诉举报：列入以下任一名录 投诉举报；按比例 50% 抽取（向上取整）（不超过可抽取的单位数）"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "D级（高风险）：信用风险分类 D（已归入前面分层的除外）；按比例 30% 抽取（向上取整）"
        ),
        "{html}"
    );
    assert!(html.contains("每组 2 名执法人员"), "{html}");
    assert!(html.contains("异地检查"), "{html}");
    assert!(
        html.contains("见证人 陈思远、林晓岚、周文博 各自现场掷出 10 位数字"),
        "{html}"
    );
    assert!(
        html.contains("《养老机构管理办法》第四十条"),
        "the matter's legal basis"
    );
    assert!(html.contains(&"c0ffee".repeat(10)));
    assert!(html.contains("日志条目 #4"), "the commitment's log entry");
    assert!(
        html.contains("已见证：notary.example/w1"),
        "a witness that cosigned past it"
    );
    // Nothing the draw or the publication makes public yet.
    assert!(!html.contains("91310000631696382C"));
    assert!(!html.contains("bundle.json\" download"));
    assert!(!html.contains("results.csv"));
    assert!(!html.contains("id=\"verify-commands\""));
    assert!(!html.contains(&"5eed".repeat(16)));
    assert!(
        html.contains("密封"),
        "says the targets are sealed until publication"
    );
    let en = render::batch(&announced_batch(), Lang::En);
    assert!(en.contains("Announcement"));
    assert!(
        en.contains("witnesses 陈思远, 林晓岚, 周文博 each roll 10 digits"),
        "{en}"
    );
}

#[test]
fn a_drand_batch_says_which_round_and_when() {
    let mut page = announced_batch();
    page.plan.entropy = crate::plan::EntropyDeclaration::Drand {
        chain_hash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971".into(),
        round: 1_000_000,
    };
    page.drand = Some(DrandView {
        chain: "quicknet".into(),
        chain_hash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971".into(),
        round: 1_000_000,
        expected_at: "2026-12-24T02:00:00Z".into(),
    });
    let html = render::batch(&page, Lang::Zh);
    assert!(
        html.contains(
            "drand 公共随机信标 quicknet 链第 1000000 轮，预计于 2026-12-24 10:00:00 +08:00 产生"
        ),
        "{html}"
    );
}

#[test]
fn a_deadline_in_a_year_without_a_calendar_is_said_not_known_and_why() {
    let mut page = sample_batch();
    let why = "batch 2025-007: no working-day calendar for 2027";
    page.deadline = Some(DeadlineView {
        due: String::new(),
        overdue: false,
        unknown: why.into(),
        inspected_on: String::new(),
        working_days: 0,
        basis_zh: String::new(),
        basis_en: String::new(),
    });
    let html = render::batch(&page, Lang::Zh);
    assert!(html.contains("暂无法计算"), "{html}");
    assert!(html.contains(why), "{html}");
    let mut home = sample_home();
    home.drawn[0].deadline = page.deadline.clone();
    let html = render::home(&home, Lang::En);
    assert!(html.contains("not yet known"), "{html}");
}

#[test]
fn a_withdrawn_batch_shows_its_reason_and_log_entries() {
    let mut page = announced_batch();
    page.state = "withdrawn".into();
    page.withdrawn_at = "2025-06-02T02:00:00Z".into();
    page.withdraw_reason = "名录快照有误".into();
    page.log_entries.push(log_entry(
        5,
        "batch.withdrawn",
        "2025-06-02T02:00:00Z",
        Some("名录快照有误"),
    ));
    let html = render::batch(&page, Lang::Zh);
    assert!(html.contains("已撤回"));
    assert!(html.contains("本批次已在抽取前撤回"));
    assert_eq!(
        html.matches("名录快照有误").count(),
        2,
        "beside the state and in the log"
    );
    assert!(html.contains("撤回 <code>batch.withdrawn</code>"), "{html}");
}

#[test]
fn search_hits_link_to_the_target_row() {
    let html = render::search(&sample_search(), Lang::Zh);
    assert!(
        html.contains("href=\"/batches/2025-007#t-91310000631696382C\""),
        "{html}"
    );
    assert!(html.contains("value=\"养老\""), "the query is echoed");
    assert!(html.contains("未发现问题"));
    assert!(html.contains("尚无结果"));
    assert!(html.contains("仅显示前 2 条"), "{html}");
    let en = render::search(&sample_search(), Lang::En);
    assert!(
        en.contains("href=\"/batches/2025-007?lang=en#t-91310000631696382C\""),
        "{en}"
    );
    assert!(en.contains("Showing the first 2"));
    assert!(en.contains("no result yet"));
    let mut whole = sample_search();
    whole.truncated = false;
    assert!(!render::search(&whole, Lang::Zh).contains("仅显示前"));
}

#[test]
fn an_empty_query_gets_a_hint() {
    let html = render::search(&SearchPage::default(), Lang::Zh);
    assert!(html.contains("输入单位名称或统一社会信用代码"));
    assert!(!html.contains("没有找到"));
    let none = SearchPage {
        query: "不存在".into(),
        ..SearchPage::default()
    };
    let html = render::search(&none, Lang::En);
    assert!(html.contains("No organisation matched."));
    assert!(html.contains("value=\"不存在\""));
}

#[test]
fn the_error_page_shows_status_message_and_home() {
    let html = render::error(404, "没有这个批次", Lang::Zh);
    assert!(html.contains("404"));
    assert!(html.contains("没有这个批次"));
    assert!(html.contains("返回首页"));
    let en = render::error(503, "busy", Lang::En);
    assert!(en.contains("503") && en.contains("busy") && en.contains("Back to home"));
    assert!(en.contains("<a href=\"/?lang=en\">Back to home</a>"));
}

// ---- CSV ----

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(csv::BOM).expect("starts with the BOM");
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| {
            r.expect("a valid record")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect()
}

#[test]
fn the_csv_opens_in_excel_with_chinese_intact() {
    let bytes = csv::results_csv(&sample_batch());
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    assert!(text.starts_with("\u{feff}序号 (position),"), "{text}");
    assert_eq!(
        text.matches("\r\n").count(),
        text.matches('\n').count(),
        "CRLF only"
    );
    let rows = read_csv(&bytes);
    assert_eq!(rows.len(), 1 + sample_batch().targets.len());
    assert_eq!(rows[0], csv::HEADER.map(String::from).to_vec());
    assert_eq!(
        rows[1],
        [
            "1",
            "高风险",
            "91310000631696382C",
            "上海某某养老院",
            "浦东新区",
            "D",
            "31000012345;31000067890",
            "1",
            "未发现问题",
            "2025-06-12",
            "",
            ""
        ]
    );
    assert_eq!(rows[2][7], "A;B");
    assert_eq!(rows[2][8], "发现问题待后续处理;未按规定公示应当公示的信息");
    assert_eq!(rows[2][10], "复查");
    assert_eq!(rows[2][11], "12", "the corrected result's id");
    assert_eq!(rows[3][6], "", "no team");
    assert_eq!(rows[3][7..], ["", "", "", "", ""]);
}

#[test]
fn csv_formula_injection_is_neutralised() {
    let mut page = sample_batch();
    page.targets[0].name = "=HYPERLINK(\"http://x\",\"点我\")".into();
    page.targets[1].name = "+1+1".into();
    page.targets[2].name = "-2".into();
    page.targets[3].name = "@SUM(A1)".into();
    page.targets[0].district = "\tx".into();
    page.targets[1].district = "\rx".into();
    if let Some(r) = page.targets[0].result.as_mut() {
        r.note = "=1+2".into();
    }
    let rows = read_csv(&csv::results_csv(&page));
    assert_eq!(rows[1][3], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(rows[2][3], "'+1+1");
    assert_eq!(rows[3][3], "'-2");
    assert_eq!(rows[4][3], "'@SUM(A1)");
    assert_eq!(rows[1][4], "'\tx");
    assert_eq!(rows[2][4], "'\rx");
    assert_eq!(rows[1][10], "'=1+2");
    // Safe text is unchanged, and a sign later in the cell is no formula.
    assert_eq!(csv::neutralise("a=b"), "a=b");
    assert_eq!(csv::neutralise(""), "");
    assert_eq!(rows[1][2], "91310000631696382C");
}

// ---- chart ----

fn shipped_bundles() -> Vec<(String, crate::bundle::Bundle)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("registries/shanghai/bundles");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the shipped bundles") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.ends_with(".bundle.json") {
            let bytes = std::fs::read(&path).expect("readable");
            let bundle = serde_json::from_slice(&bytes).expect("a bundle");
            out.push((name, bundle));
        }
    }
    assert_eq!(out.len(), 4, "four shipped bundles");
    out
}

#[test]
fn chart_counts_agree_with_the_draw() {
    for (name, bundle) in shipped_bundles() {
        let data = chart::chart_data(&bundle);
        let targets = bundle.draw.targets().count() as u64;
        let population: u64 = bundle.draw.strata.iter().map(|s| s.population).sum();
        assert!(targets > 0, "{name}");
        let sum = |bars: &[ChartBar], f: fn(&ChartBar) -> u64| bars.iter().map(f).sum::<u64>();
        assert_eq!(sum(&data.by_district, |b| b.sample), targets, "{name}");
        assert_eq!(sum(&data.by_grade, |b| b.sample), targets, "{name}");
        assert_eq!(
            sum(&data.by_district, |b| b.population),
            population,
            "{name}"
        );
        assert_eq!(sum(&data.by_grade, |b| b.population), population, "{name}");
        assert!(
            population < bundle.commitment.snapshots.entities.len() as u64,
            "{name}: the population is a filtered part of the directory"
        );
        // Grades A–D in order; districts largest first, ties by name, each named once.
        let grades: Vec<&str> = data.by_grade.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(grades, ["A", "B", "C", "D"], "{name}");
        for pair in data.by_district.windows(2) {
            assert!(
                (pair[0].population, &pair[1].label) >= (pair[1].population, &pair[0].label),
                "{name}: {pair:?}"
            );
        }
        let mut labels: Vec<&str> = data.by_district.iter().map(|b| b.label.as_str()).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), data.by_district.len(), "{name}");
        for bar in data.by_district.iter().chain(&data.by_grade) {
            assert!(bar.sample <= bar.population, "{name}: {bar:?}");
        }
        // Each district's sample counted by hand from the targets.
        let district_of: std::collections::HashMap<&str, &str> = bundle
            .commitment
            .snapshots
            .entities
            .iter()
            .map(|e| (e.uscc.as_str(), e.district.as_str()))
            .collect();
        for bar in &data.by_district {
            let n = bundle
                .draw
                .targets()
                .filter(|t| district_of.get(t.uscc.as_str()) == Some(&bar.label.as_str()))
                .count() as u64;
            assert_eq!(bar.sample, n, "{name}: {}", bar.label);
        }
    }
}

fn count_tags(svg: &str, open: &str, close: &str) -> (usize, usize) {
    (svg.matches(open).count(), svg.matches(close).count())
}

#[test]
fn svg_has_two_rects_per_bar_a_legend_and_escaped_labels() {
    let data = sample_batch().chart;
    let svg = chart::svg_in(&data, Lang::Zh, &chart::WIDE);
    let bars = data.by_district.len() + data.by_grade.len();
    // Two legend rects per chart, two charts.
    assert_eq!(svg.matches("<rect").count(), 2 * bars + 4, "{svg}");
    assert_eq!(
        svg.matches("/>").count(),
        svg.matches("<rect").count(),
        "rects self-close"
    );
    for (open, close) in [
        ("<svg", "</svg>"),
        ("<g>", "</g>"),
        ("<text", "</text>"),
        ("<title>", "</title>"),
    ] {
        let (o, c) = count_tags(&svg, open, close);
        assert_eq!(o, c, "{open}");
        assert!(o > 0, "{open}");
    }
    assert_eq!(svg.matches("role=\"img\"").count(), 2);
    assert_eq!(svg.matches("viewBox=\"0 0 ").count(), 2);
    assert!(
        svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{svg}"
    );
    assert!(!svg.contains("<script"));
    assert!(svg.contains("总体") && svg.contains("样本") && svg.contains("按区"));
    assert!(
        svg.contains(">3 / 100</text>"),
        "the numbers are written: {svg}"
    );
    let en = chart::svg_in(&data, Lang::En, &chart::WIDE);
    assert!(en.contains("population") && en.contains("sample") && en.contains("By district"));
    // The page has both layouts, the phone's as wide as a phone's screen.
    let both = chart::svg(&data, Lang::Zh);
    assert_eq!(both.matches("<svg").count(), 4);
    assert_eq!(both.matches("class=\"wide\" viewBox=\"0 0 640 ").count(), 2);
    assert_eq!(
        both.matches("class=\"narrow\" viewBox=\"0 0 360 ").count(),
        2
    );
}

#[test]
fn svg_bars_scale_to_the_largest_and_small_samples_stay_visible() {
    let data = ChartData {
        by_district: vec![
            ChartBar {
                label: "大".into(),
                population: 1_000_000,
                sample: 1,
            },
            ChartBar {
                label: "小".into(),
                population: 500_000,
                sample: 0,
            },
        ],
        by_grade: vec![],
    };
    let svg = chart::svg_in(&data, Lang::Zh, &chart::WIDE);
    let widths: Vec<u64> = svg
        .split("<rect ")
        .skip(1)
        .filter_map(|r| r.split("width=\"").nth(1))
        .filter_map(|w| w.split('"').next())
        .filter_map(|w| w.parse().ok())
        .collect();
    // Legend (2), bar 1 (population, sample), bar 2, legend of the empty chart (2).
    assert_eq!(widths.len(), 8, "{svg}");
    assert_eq!(widths[2], 400, "the largest population is the full width");
    assert_eq!(widths[3], 1, "a sample of 1 in a million is still 1 wide");
    assert_eq!(widths[4], 200, "half the population, half the width");
    assert_eq!(widths[5], 0, "no sample, no bar");
    assert!(svg.contains("无数据"), "an empty chart says so");
}

#[test]
fn a_target_shows_its_follow_up_and_an_overdue_one_is_marked() {
    use crate::pages::followups::{FollowUpView, MeasureView};
    let mut page = sample_batch();
    page.targets[0].followup = Some(FollowUpView {
        state: "closed".into(),
        overdue_since: None,
        closed_on: Some("2025-07-01".into()),
        outcome: Some("已处罚".into()),
        outcome_text: Some("罚款<b>一千元</b>".into()),
        measures: Vec::new(),
    });
    page.targets[1].followup = Some(FollowUpView {
        state: "overdue".into(),
        overdue_since: Some("2025-07-02".into()),
        closed_on: None,
        outcome: None,
        outcome_text: None,
        measures: vec![MeasureView {
            measure: "责令限期整改".into(),
            due: "2025-07-01".into(),
            note: String::new(),
        }],
    });
    let zh = render::batch(&page, Lang::Zh);
    assert!(zh.contains("href=\"/followups\">后续处置</a>"), "{zh}");
    assert!(zh.contains("已完结（完结日期 2025-07-01）：已处罚，罚款"));
    assert!(!zh.contains("<b>一千元"), "the outcome text is escaped");
    assert!(zh.contains("<span class=\"warn\">已逾期未完结（逾期自 2025-07-02）；责令限期整改（期限 2025-07-01）</span>"), "{zh}");
    let en = render::batch(&page, Lang::En);
    assert!(
        en.contains("href=\"/followups?lang=en\">Follow-up</a>"),
        "{en}"
    );
    assert!(en.contains("closed（closed on 2025-07-01）：已处罚"));
}
