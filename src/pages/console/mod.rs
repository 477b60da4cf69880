//! The console's pages (`/console/`), pure: what a signed-in person of the corps, an
//! officer, a reviewer or an auditor sees, from plain data, as askama templates under
//! `templates/console/`. Chinese first, English on the toggle (`?lang=en`, remembered by the
//! web adapter); labels above fields, an error summary at the top linking to each field
//! marked (the GOV.UK Design System's patterns); no JavaScript needed (the new-batch form
//! alone loads a script file, for counts its button also gives); every form that changes
//! anything carries the session's CSRF token. Both languages of a label sit side by side
//! in the template: `c.t("登录", "Sign in")`.

pub mod ceremony;
pub mod dispatch;
pub mod followups;
pub mod new_batch;
pub mod plan_fields;
pub mod plan_form;
pub mod two_step;
pub mod upload;

use askama::Template;

use super::model::Lang;
use crate::app::users::Role;

/// What every console page knows: the language, who is signed in, the session's CSRF
/// token, and the link to this page in the other language.
pub struct Console {
    pub lang: Lang,
    /// The signed-in person's name, if any.
    pub who: Option<String>,
    pub csrf: String,
    pub toggle_href: String,
}

impl Console {
    /// `path` is this page's path (without query): the toggle links to it in the other
    /// language.
    pub fn new(lang: Lang, who: Option<String>, csrf: String, path: &str) -> Console {
        let other = if lang == Lang::En { "zh" } else { "en" };
        Console {
            lang,
            who,
            csrf,
            toggle_href: format!("{path}?lang={other}"),
        }
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    /// The label in the page's language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.is_en() { en } else { zh }
    }
}

/// A field's error: the field's id (the summary links to it) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    /// An application's message on a page in `lang`: on the field the message names, else
    /// on `fallback`.
    pub fn of(m: &crate::domain::Message, fallback: &'static str, lang: Lang) -> FieldError {
        FieldError {
            field: m.field.unwrap_or(fallback),
            message: m.in_lang(lang == Lang::En).to_string(),
        }
    }
}

/// The message of `field`'s error, if it has one.
fn error_of<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A role's name for people.
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::Corps, Lang::Zh) => "执法总队",
        (Role::Officer, Lang::Zh) => "执法人员",
        (Role::Auditor, Lang::Zh) => "审计监督",
        (Role::Reviewer, Lang::Zh) => "审核人员",
        (Role::Corps, Lang::En) => "enforcement corps",
        (Role::Officer, Lang::En) => "officer",
        (Role::Auditor, Lang::En) => "auditor",
        (Role::Reviewer, Lang::En) => "reviewer",
    }
}

fn finish(result: askama::Result<String>) -> String {
    result.unwrap_or_else(|e| format!("<!DOCTYPE html><meta charset=\"utf-8\"><p>500: {e}</p>"))
}

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInTemplate<'a> {
    c: &'a Console,
    errors: &'a [FieldError],
    has_errors: bool,
    name: &'a str,
    next: &'a str,
    notice: Option<&'a str>,
}

/// The sign-in form: `name` as typed before, `next` the console page to go to after,
/// `notice` a line above the form (signed out, session ended…).
pub fn sign_in(
    c: &Console,
    errors: &[FieldError],
    name: &str,
    next: &str,
    notice: Option<&str>,
) -> String {
    finish(
        SignInTemplate {
            c,
            errors,
            has_errors: !errors.is_empty(),
            name,
            next,
            notice,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomeTemplate<'a> {
    c: &'a Console,
    name: &'a str,
    role: &'static str,
    card_no: Option<&'a str>,
    menu: Vec<(&'static str, &'static str)>,
    notice: Option<&'a str>,
}

/// What each role finds on its console home: (link, label).
fn menu(role: Role, lang: Lang) -> Vec<(&'static str, &'static str)> {
    let t = |zh: &'static str, en: &'static str| if lang == Lang::En { en } else { zh };
    let mut items = Vec::new();
    if role == Role::Officer {
        items.push(("/console/tasks", t("我的检查任务", "My inspection tasks")));
    }
    if matches!(role, Role::Corps | Role::Auditor) {
        items.push(("/console/directories", t("名录", "Directories")));
    }
    if role == Role::Corps {
        items.push(("/console/batches", t("抽查批次", "Batches")));
        items.push(("/console/followups", t("后续处置", "Follow-ups")));
        items.push(("/console/users", t("人员与账号", "People and accounts")));
        items.push(("/console/two-step", t("两步验证", "Second factor")));
    }
    if role == Role::Reviewer {
        items.push(("/console/review", t("结果审核", "Review results")));
    }
    items.push(("/", t("公示页面", "Public pages")));
    items.push(("/api/v1/docs", t("接口文档", "API documentation")));
    items.push(("/console/password", t("修改密码", "Change password")));
    items
}

/// The console's home for a signed-in person.
pub fn home(
    c: &Console,
    name: &str,
    role: Role,
    card_no: Option<&str>,
    notice: Option<&str>,
) -> String {
    finish(
        HomeTemplate {
            c,
            name,
            role: role_label(role, c.lang),
            card_no,
            menu: menu(role, c.lang),
            notice,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "console/password.html")]
struct PasswordTemplate<'a> {
    c: &'a Console,
    errors: &'a [FieldError],
}

impl PasswordTemplate<'_> {
    fn error_of(&self, field: &str) -> Option<&str> {
        error_of(self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.error_of(field).is_some()
    }
}

/// The form to change one's own password.
pub fn password(c: &Console, errors: &[FieldError]) -> String {
    finish(PasswordTemplate { c, errors }.render())
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessageTemplate<'a> {
    c: &'a Console,
    title: &'a str,
    message: &'a str,
    back: &'a str,
}

/// A page saying one thing (a refusal, an error), with a link back.
pub fn message(c: &Console, title: &str, message: &str, back: &str) -> String {
    finish(
        MessageTemplate {
            c,
            title,
            message,
            back,
        }
        .render(),
    )
}

/// A person as the users page lists them.
pub struct UserLine {
    pub id: i64,
    pub name: String,
    /// The role's name for people.
    pub role: &'static str,
    pub card_no: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// Signs in with a one-time code too (`app::totp`).
    pub two_step: bool,
}

/// What the add form was filled with (shown again beside its errors).
#[derive(Debug, Default)]
pub struct NewPersonForm {
    pub name: String,
    pub role: String,
    pub card: String,
}

#[derive(Template)]
#[template(path = "console/users.html")]
struct UsersTemplate<'a> {
    c: &'a Console,
    errors: &'a [FieldError],
    users: &'a [UserLine],
    /// The signed-in corps user: no reset or disable on their own line.
    me: i64,
    roles: Vec<(&'static str, &'static str)>,
    form_name: &'a str,
    form_role: &'a str,
    form_card: &'a str,
}

impl UsersTemplate<'_> {
    fn error_of(&self, field: &str) -> Option<&str> {
        error_of(self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.error_of(field).is_some()
    }
}

/// The corps' page of people: the add form (with its errors) and everyone, each with a
/// password reset and a disable form while active.
pub fn users(
    c: &Console,
    errors: &[FieldError],
    users: &[UserLine],
    me: i64,
    form: &NewPersonForm,
) -> String {
    finish(
        UsersTemplate {
            c,
            errors,
            users,
            me,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), role_label(*r, c.lang)))
                .collect(),
            form_name: &form.name,
            form_role: if form.role.is_empty() {
                Role::Officer.as_str()
            } else {
                &form.role
            },
            form_card: &form.card,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "console/issued.html")]
struct IssuedTemplate<'a> {
    c: &'a Console,
    title: &'a str,
    name: &'a str,
    password: Option<&'a str>,
    token: Option<&'a str>,
}

/// A password and/or token just made, shown this once.
pub fn issued(
    c: &Console,
    title: &str,
    name: &str,
    password: Option<&str>,
    token: Option<&str>,
) -> String {
    finish(
        IssuedTemplate {
            c,
            title,
            name,
            password,
            token,
        }
        .render(),
    )
}

/// One batch of an officer's tasks.
pub struct TaskGroup {
    pub batch_id: String,
    pub title: String,
    pub state: &'static str,
    /// The last day of the inspection window.
    pub due: Option<String>,
    /// Targets without a result yet.
    pub open: usize,
    pub tasks: Vec<TaskLine>,
}

/// One target in the task list.
pub struct TaskLine {
    pub href: String,
    pub name: String,
    pub district: String,
    pub status: String,
    /// No result recorded yet.
    pub open: bool,
}

/// A batch's state for people.
pub fn state_label(state: &str, lang: Lang) -> &'static str {
    match (state, lang) {
        ("draft", Lang::Zh) => "草稿",
        ("draft", Lang::En) => "draft",
        ("committed", Lang::Zh) => "已承诺并公告，待摇号",
        ("committed", Lang::En) => "committed and announced, awaiting the draw",
        ("drawn", Lang::Zh) => "已抽取，检查中",
        ("results", Lang::Zh) => "检查结果录入中",
        ("results", Lang::En) => "results being recorded",
        ("published", Lang::Zh) => "已公示",
        ("withdrawn", Lang::Zh) => "已撤回",
        ("drawn", Lang::En) => "drawn, inspecting",
        ("published", Lang::En) => "published",
        ("withdrawn", Lang::En) => "withdrawn",
        (_, Lang::Zh) => "其他",
        (_, Lang::En) => "other",
    }
}

/// What a target's standing result says, in a few words.
fn status_of(target: &super::model::TargetView, lang: Lang) -> String {
    match &target.result {
        None => (if lang == Lang::En {
            "not recorded"
        } else {
            "未录入"
        })
        .into(),
        Some(r) => {
            let labels: Vec<&str> = r
                .codes
                .iter()
                .map(|c| {
                    if lang == Lang::En {
                        c.en.as_str()
                    } else {
                        c.zh.as_str()
                    }
                })
                .collect();
            let head = if lang == Lang::En {
                "recorded"
            } else {
                "已录入"
            };
            format!("{head} {}：{}", r.inspected_on, labels.join("、"))
        }
    }
}

/// An officer's tasks by batch: the batches with targets still to record first, the
/// earliest inspection deadline first; in each, the targets to record first, then in draw
/// order.
pub fn task_groups(tasks: &[crate::app::tasks::Task], lang: Lang) -> Vec<TaskGroup> {
    let mut groups: Vec<TaskGroup> = Vec::new();
    for t in tasks {
        if groups.last().is_none_or(|g| g.batch_id != t.batch_id) {
            groups.push(TaskGroup {
                batch_id: t.batch_id.clone(),
                title: t.batch_title.clone(),
                state: state_label(&t.batch_state, lang),
                due: t.inspection_end.map(|d| d.to_string()),
                open: 0,
                tasks: Vec::new(),
            });
        }
        if let Some(g) = groups.last_mut() {
            g.open += usize::from(t.target.result.is_none());
            g.tasks.push(TaskLine {
                href: task_href(&t.batch_id, &t.target.uscc),
                name: t.target.name.clone(),
                district: t.target.district.clone(),
                status: status_of(&t.target, lang),
                open: t.target.result.is_none(),
            });
        }
    }
    // Stable sorts: draw order within a batch, the store's order among equals.
    for g in &mut groups {
        g.tasks.sort_by_key(|l| !l.open);
    }
    groups.sort_by(|a, b| {
        (a.open == 0, a.due.is_none(), &a.due).cmp(&(b.open == 0, b.due.is_none(), &b.due))
    });
    groups
}

#[derive(Template)]
#[template(path = "console/tasks.html")]
struct TasksTemplate<'a> {
    c: &'a Console,
    groups: &'a [TaskGroup],
}

/// The officer's task list.
pub fn tasks(c: &Console, groups: &[TaskGroup]) -> String {
    finish(TasksTemplate { c, groups }.render())
}

#[derive(Template)]
#[template(path = "console/task.html")]
struct TaskTemplate<'a> {
    c: &'a Console,
    name: &'a str,
    uscc: &'a str,
    address: &'a str,
    legal_representative: &'a str,
    contact: &'a str,
    district: &'a str,
    batch_id: &'a str,
    batch_title: &'a str,
    due: Option<String>,
    team: String,
    status: String,
    action: String,
    /// The printable notice and record form of the target.
    notice_href: String,
    record_href: String,
    form: &'a super::result_form::ResultForm,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

/// A target of the officer's: where it is, who answers for it, its result, and the form
/// to record (or correct) it with the checklist of each matter of its batch.
pub fn task(
    c: &Console,
    d: &crate::app::tasks::TaskDetail,
    form: &super::result_form::ResultForm,
    errors: &[FieldError],
    notice: Option<&str>,
) -> String {
    let t = &d.task.target;
    finish(
        TaskTemplate {
            c,
            name: &t.name,
            uscc: &t.uscc,
            address: &d.address,
            legal_representative: &d.legal_representative,
            contact: &d.contact,
            district: &t.district,
            batch_id: &d.task.batch_id,
            batch_title: &d.task.batch_title,
            due: d.task.inspection_end.map(|e| e.to_string()),
            team: t.team.join("、"),
            status: status_of(t, c.lang),
            action: task_href(&d.task.batch_id, &t.uscc),
            notice_href: dispatch::notice_href(&d.task.batch_id, &t.uscc),
            record_href: dispatch::record_href(&d.task.batch_id, &t.uscc),
            form,
            errors,
            notice,
        }
        .render(),
    )
}

/// The console page of a task.
pub fn task_href(batch: &str, uscc: &str) -> String {
    format!(
        "/console/tasks/{}/{}",
        super::render::encode(batch),
        super::render::encode(uscc)
    )
}

/// A drawn batch on the reviewer's list.
pub struct ReviewBatch {
    pub id: String,
    pub title: String,
    pub href: String,
    pub staffed: usize,
    pub awaiting: usize,
    pub returned: usize,
    pub approved: usize,
}

/// A result awaiting review.
pub struct ReviewItem {
    pub id: i64,
    pub target: String,
    pub corrects: Option<i64>,
    pub inspected_on: String,
    pub recorded_by: String,
    /// The categories' labels, joined.
    pub codes: String,
    pub measures: String,
    pub note: String,
    pub approve: String,
    pub return_to: String,
}

/// The console page of a batch's review.
pub fn review_href(batch: &str) -> String {
    format!("/console/review/{}", super::render::encode(batch))
}

#[derive(Template)]
#[template(path = "console/review_list.html")]
struct ReviewListTemplate<'a> {
    c: &'a Console,
    batches: &'a [ReviewBatch],
}

/// The reviewer's list of drawn batches with their review progress.
pub fn review_list(c: &Console, batches: &[ReviewBatch]) -> String {
    finish(ReviewListTemplate { c, batches }.render())
}

#[derive(Template)]
#[template(path = "console/review_batch.html")]
struct ReviewBatchTemplate<'a> {
    c: &'a Console,
    title: &'a str,
    items: &'a [ReviewItem],
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

/// A batch's results awaiting review, each with its approve and return forms.
pub fn review_batch(
    c: &Console,
    title: &str,
    items: &[ReviewItem],
    errors: &[FieldError],
    notice: Option<&str>,
) -> String {
    finish(
        ReviewBatchTemplate {
            c,
            title,
            items,
            errors,
            notice,
        }
        .render(),
    )
}

/// A batch on the corps' list.
pub struct BatchLine {
    pub id: String,
    pub title: String,
    /// Its review progress, in words, once drawn.
    pub progress: Option<String>,
    pub reason: Option<String>,
    /// Shown on the public pages (from its commitment on).
    pub public: bool,
    pub can_publish: bool,
    pub can_withdraw: bool,
    /// Committed, not drawn: its ceremony is open.
    pub committed: bool,
    /// Drawn: its draw record and dispatch.
    pub drawn: bool,
}

#[derive(Template)]
#[template(path = "console/batches.html")]
struct BatchesTemplate<'a> {
    c: &'a Console,
    groups: Vec<(&'static str, &'a [BatchLine])>,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

/// The corps' batches by state: in progress (drawn), committed, drafts, published,
/// withdrawn; `lines` holds them in that order of groups.
pub fn batches(
    c: &Console,
    lines: &[(&'static str, Vec<BatchLine>)],
    errors: &[FieldError],
    notice: Option<&str>,
) -> String {
    finish(
        BatchesTemplate {
            c,
            groups: lines.iter().map(|(t, l)| (*t, l.as_slice())).collect(),
            errors,
            notice,
        }
        .render(),
    )
}

/// One version of a directory table.
pub struct VersionLine {
    pub version: i64,
    pub rows: i64,
    pub imported_at: String,
    pub source: String,
    pub encoding: String,
    pub content_sha256: String,
}

/// A directory table and its versions, newest first.
pub struct TableLine {
    pub word: &'static str,
    pub name: &'static str,
    pub versions: Vec<VersionLine>,
}

/// A directory table's name for people.
pub fn table_name(kind: crate::import::Kind, lang: Lang) -> &'static str {
    use crate::import::Kind;
    match (kind, lang) {
        (Kind::Entities, Lang::Zh) => "检查对象名录",
        (Kind::Officers, Lang::Zh) => "执法检查人员名录",
        (Kind::Matters, Lang::Zh) => "抽查事项清单",
        (Kind::Recusals, Lang::Zh) => "回避关系",
        (Kind::History, Lang::Zh) => "既往检查记录",
        (Kind::Lists, Lang::Zh) => "名录名单（异常名录等）",
        (Kind::Entities, Lang::En) => "Supervised entities",
        (Kind::Officers, Lang::En) => "Officers",
        (Kind::Matters, Lang::En) => "Inspection matters",
        (Kind::Recusals, Lang::En) => "Recusals",
        (Kind::History, Lang::En) => "Past inspections",
        (Kind::Lists, Lang::En) => "List memberships",
    }
}

#[derive(Template)]
#[template(path = "console/directories.html")]
struct DirectoriesTemplate<'a> {
    c: &'a Console,
    tables: &'a [TableLine],
    can_upload: bool,
}

/// The directory tables with their versions; for the corps (`can_upload`), a form under
/// each to upload a new version to a preview.
pub fn directories(c: &Console, tables: &[TableLine], can_upload: bool) -> String {
    finish(
        DirectoriesTemplate {
            c,
            tables,
            can_upload,
        }
        .render(),
    )
}
