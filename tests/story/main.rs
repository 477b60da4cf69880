//! The story suite: what the corps, officers and auditors do, run against every database
//! (SQLite always; PostgreSQL at 127.0.0.1:5432 when it answers, required in CI).

mod backends;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use shuangsui::app::{self, App, AppError, directory::Imported, export::Audience};
use shuangsui::bundle::{self, Bundle, evidence};
use shuangsui::import::{Encoding, Format, Kind};
use shuangsui::plan::{EntropyDeclaration, Plan};

use backends::TestDb;

pub fn shanghai(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("registries/shanghai")
        .join(file)
}

/// Initialises the database and imports the six shipped Shanghai tables.
pub async fn setup(db: &TestDb) -> App {
    app::init(&db.url, &db.key(), "shuangsui.test/log")
        .await
        .unwrap();
    let app = App::open(&db.url, Some(&db.key())).await.unwrap();
    for kind in Kind::ALL {
        let path = shanghai(kind.file_name());
        let bytes = std::fs::read(&path).unwrap();
        let outcome = app::directory::import(
            &app,
            kind,
            kind.file_name(),
            &bytes,
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await
        .unwrap();
        assert!(
            matches!(outcome, Imported::Created(_)),
            "{}: {outcome:?}",
            db.name
        );
    }
    app
}

/// A shipped plan with its inspection window moved to start today (results are dated
/// today, inside it), as the demo does.
pub fn plan_text(name: &str) -> String {
    let text = std::fs::read_to_string(shanghai(&format!("plans/{name}.toml"))).unwrap();
    shuangsui::plan::window::with_window(&text, today(), today() + chrono::Days::new(45))
}

/// Witness digits for a ceremony plan (any digits do; these are fixed for the tests).
pub fn entropy_for(plan: &Plan, salt: u32) -> String {
    let EntropyDeclaration::Ceremony { witnesses, digits } = &plan.entropy else {
        panic!("ceremony plans only")
    };
    witnesses
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let d: String = (0..*digits)
                .map(|k| char::from(b'0' + ((k + i as u32 * 3 + salt) % 10) as u8))
                .collect();
            format!("{w}={d}")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Creates, commits and draws the plan `name`; returns the plan.
pub async fn drawn(app: &App, name: &str) -> Plan {
    let b = app::batch::create(app, name, &plan_text(name))
        .await
        .unwrap();
    app::batch::commit(app, &b.id).await.unwrap();
    let plan = app::batch::plan(&app::batch::get(app, &b.id).await.unwrap()).unwrap();
    app::draw::draw(app, &plan.id, &entropy_for(&plan, 0))
        .await
        .unwrap();
    plan
}

pub fn today() -> NaiveDate {
    app::batch::china_today()
}

/// A calendar for this year and the next in which every weekday works and 1 January is
/// the one holiday: deadlines in the stories then never depend on which calendar years ship.
pub fn weekday_calendar() -> shuangsui::calendar::Calendar {
    use chrono::Datelike;
    let year = today().year();
    let text = |y: i32| {
        format!(
            "year = {y}\nsource = \"test\"\nmake_up_working_days = []\n[[holiday]]\nname = \"元旦\"\nname_en = \"New Year\"\nfrom = {y}-01-01\nto = {y}-01-01\n"
        )
    };
    let (a, b) = (text(year), text(year + 1));
    shuangsui::calendar::Calendar::from_files(&[
        ("this.toml", a.as_str()),
        ("next.toml", b.as_str()),
    ])
    .unwrap()
}

/// Records "1 未发现问题" for every staffed target, by the first officer of its team.
pub async fn record_all(app: &App, batch: &str) -> usize {
    let targets = shuangsui::store::batches::assignments(&app.store, batch)
        .await
        .unwrap();
    let mut n = 0;
    for t in targets.iter().filter(|t| !t.team.is_empty()) {
        let codes = vec!["1".to_string()];
        let report = app::results::Report {
            batch,
            uscc: &t.uscc,
            officer: &t.team[0],
            codes: &codes,
            note: "现场检查未发现问题",
            inspected_on: today(),
            corrects: None,
            request: None,
            checklist: &[],
            asker: app::results::Asker::Corps,
        };
        app::results::record(app, &report, today()).await.unwrap();
        n += 1;
    }
    n
}

/// The story reviewer's user id: added (role reviewer) the first time it is asked for.
pub async fn reviewer(app: &App) -> i64 {
    const NAME: &str = "story-reviewer";
    let users = shuangsui::store::users::all(&app.store).await.unwrap();
    if let Some(u) = users.iter().find(|u| u.name == NAME) {
        return u.id;
    }
    app::users::add(app, NAME, app::users::Role::Reviewer, None)
        .await
        .unwrap()
        .0
        .id
}

/// Approves, as the story reviewer, every standing result of `batch` awaiting review (what
/// publication needs); returns how many.
pub async fn approve_all(app: &App, batch: &str) -> usize {
    let who = reviewer(app).await;
    let waiting = app::reviews::awaiting(app, batch).await.unwrap();
    for r in &waiting {
        app::reviews::review(app, batch, r.id, who, app::reviews::Verdict::Approve)
            .await
            .unwrap();
    }
    waiting.len()
}

mod annual;
mod checklists;
mod deadlines;
mod draw_once;
mod followups;
mod imports;
mod lifecycle;
mod no_reroll;
mod results;
mod reviews;
mod sign_in;
mod tamper;
mod tamper_matrix;
mod two_step;
mod verify_live;

/// Checks an export offline, as `shuangsui verify` does: the bundle re-derives, and the
/// log's evidence proves its entries under a checkpoint signed with `key`.
pub fn verify_export(bytes: &[u8], key: &str) -> evidence::Checked {
    let (bundle_bytes, ev) = evidence::split(bytes)
        .expect("an export")
        .expect("a well-formed export");
    let bundle: Bundle = serde_json::from_slice(bundle_bytes).unwrap();
    bundle::verify(&bundle).expect("the bundle verifies");
    let pinned = shuangsui::ledger::VerifierKey::parse(key).unwrap();
    evidence::check(&ev, &bundle, bundle_bytes, Some(&pinned)).unwrap()
}

pub fn refused(e: AppError) -> String {
    match e {
        AppError::Refused(m) | AppError::Invalid(m) => m.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub type Story = (App, TestDb);

pub async fn each_backend() -> Vec<Story> {
    let mut out = Vec::new();
    for db in backends::all().await {
        out.push((setup(&db).await, db));
    }
    out
}

pub type Aud = Audience;
pub type K = Kind;
