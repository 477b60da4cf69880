//! The public site as a reader uses it, in headless Chromium driven over WebDriver
//! (fantoccini and Debian's chromedriver): the home page, a published batch, a search for
//! one of its targets and the target's row, the bundle downloaded by the browser and checked
//! by `shuangsui verify`, and the English page; the corps user making and committing a batch
//! in the console (`new_batch`). Then, on a 390 × 844 phone (Chromium's
//! mobile emulation), the home, batch and search pages: nothing scrolls sideways, tables are
//! cards whose cells carry their column's label, chart text is at least 11 px, links are
//! large enough to tap. The corps uploads a changed officers table through the console's
//! file input, previews it and confirms the import (`upload`), records a follow-up's measure
//! (`followups`), and turns on the second factor and signs in with a code (`two_step`).
//! Leaves screenshots of the batch page in `target/browser/batch-page.png` and
//! `target/browser/batch-page-phone.png`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`scripts/install-browser.sh`).
//! Without them the test says it skipped and passes, unless `SHUANGSUI_REQUIRE_BROWSER=1`
//! (as in CI), where it fails.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

mod ceremony;
mod followups;
mod new_batch;
mod publish;
mod two_step;
mod upload;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The whole test, set-up included: past it the test fails instead of hanging.
const OVERALL: Duration = Duration::from_secs(240);
/// One wait in the browser (an element, a navigation).
const STEP: Duration = Duration::from_secs(15);
/// The browser's download of the bundle.
const DOWNLOAD: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_finds_a_target_and_verifies_its_bundle_in_chromium() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var("SHUANGSUI_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "SHUANGSUI_REQUIRE_BROWSER=1 but {missing:?} not installed: run scripts/install-browser.sh"
        );
        println!(
            "SKIPPED browser test: chromium/chromedriver not installed (scripts/install-browser.sh)"
        );
        return;
    }
    let started = Instant::now();
    tokio::time::timeout(OVERALL, reader())
        .await
        .unwrap_or_else(|_| panic!("the browser test took longer than {OVERALL:?}"));
    println!("browser test done in {:.1?}", started.elapsed());
}

async fn reader() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_path_buf();
    let (server, base, (officer, corps, reviewer)) = blocking(move || {
        let people = demo(&work);
        let (server, base) = serve(&work);
        (server, base, people)
    })
    .await;
    let downloads = dir.path().join("downloads");
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::create_dir_all(&profile).unwrap();
    let driver_log = dir.path().join("chromedriver.log");
    let (driver, driver_url) = blocking(move || chromedriver(&driver_log)).await;

    let c = browser(&driver_url, &profile, &downloads).await;
    let run = Reader {
        c: &c,
        base: &base,
        downloads: &downloads,
        log_key_url: format!("{base}/api/v1/log/key"),
    };
    run.walk().await;
    let batch = new_batch::corps_creates_and_commits_a_batch(&c, &base, &corps).await;
    ceremony::corps_runs_the_ceremony_and_prints(&c, &base, &batch).await;
    let (work, who) = (dir.path().to_path_buf(), reviewer.0.clone());
    let left = {
        let batch = batch.clone();
        blocking(move || publish::record_all_and_approve_but_one(&work, &batch, &who)).await
    };
    publish::reviewer_approves_corps_publishes_public_finds(
        &c, &base, &batch, &left, &reviewer, &corps,
    )
    .await;
    c.close().await.expect("closing the browser session");

    let phone_profile = dir.path().join("profile-phone");
    std::fs::create_dir_all(&phone_profile).unwrap();
    let c = phone(&driver_url, &phone_profile).await;
    phone_pages(&c, &base).await;
    console_on_phone(&c, &base, &officer).await;
    upload::corps_uploads_a_directory(&c, &base, &corps).await;
    followups::corps_records_a_measure(&c, &base, &corps).await;
    two_step::corps_turns_on_the_second_factor(&c, &base, &corps).await;
    refused_in_the_browser(&c, &base, &officer, &dir.path().join("shuangsui.db")).await;
    c.close().await.expect("closing the phone's session");
    drop(driver);
    drop(server);
}

struct Reader<'a> {
    c: &'a Client,
    base: &'a str,
    downloads: &'a Path,
    log_key_url: String,
}

/// A target of the batch, as its row in the targets table shows it.
struct Target {
    uscc: String,
    name: String,
    result: String,
}

impl Reader<'_> {
    async fn walk(&self) {
        let id = self.home_to_a_batch().await;
        let target = self.batch_page(&id).await;
        self.search_and_follow(&id, &target).await;
        self.download_and_verify(&id).await;
        self.english(&id).await;
    }

    /// The home page lists the published batches; the reader follows the first.
    async fn home_to_a_batch(&self) -> String {
        self.c.goto(&format!("{}/", self.base)).await.unwrap();
        assert_eq!(self.attr("html", "lang").await, "zh-CN");
        assert_eq!(self.text("main h1").await, "抽查批次");
        let link = self
            .find("#published tbody tr td:first-child a")
            .await
            .expect("a published batch on the home page");
        let href = link.attr("href").await.unwrap().expect("the batch's link");
        let id = href
            .strip_prefix("/batches/")
            .unwrap_or_else(|| panic!("batch link {href}"))
            .to_string();
        assert!(!id.is_empty() && !id.contains('/'), "batch link {href}");
        let title = link.text().await.unwrap();
        assert!(!title.is_empty(), "the batch's link has no title");
        assert_eq!(
            self.text("#published tbody tr td:nth-child(2)").await,
            id,
            "the id column of the first published batch"
        );
        link.click().await.unwrap();
        self.wait_url(&format!("{}/batches/{id}", self.base)).await;
        assert_eq!(self.text("main h1").await, title);
        id
    }

    /// The batch page: its id, the Chinese headings, the chart, the targets table; the
    /// screenshot; one target with a result.
    async fn batch_page(&self, id: &str) -> Target {
        assert_eq!(self.text("main dl dd.hash").await, id, "the batch id shown");
        assert_eq!(self.text("#chart h2").await, "样本分布");
        assert_eq!(self.text("#targets h2").await, "抽查对象与检查结果");
        assert_eq!(self.text("#commitment h2").await, "承诺与随机数");
        let chart = self.find("#chart svg").await.expect("the chart");
        assert!(chart.is_displayed().await.unwrap(), "the chart is hidden");
        let (_, _, w, h) = chart.rectangle().await.unwrap();
        assert!(w > 100.0 && h > 100.0, "the chart is {w}x{h}");

        let png = self.c.screenshot().await.unwrap();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "the screenshot is no PNG"
        );
        let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
        std::fs::create_dir_all(&shot).unwrap();
        std::fs::write(shot.join("batch-page.png"), &png).unwrap();

        let rows = self
            .c
            .find_all(Locator::Css("#targets tbody tr"))
            .await
            .unwrap();
        assert!(!rows.is_empty(), "no target rows on the batch page");
        for row in rows {
            let cells = row.find_all(Locator::Css("td")).await.unwrap();
            assert_eq!(cells.len(), 12, "a target row has 12 columns");
            let result_class = cells[7].attr("class").await.unwrap().unwrap_or_default();
            if result_class.contains("muted") {
                continue;
            }
            let target = Target {
                name: cells[2].text().await.unwrap(),
                uscc: cells[3].text().await.unwrap(),
                result: cells[7].text().await.unwrap(),
            };
            assert_eq!(
                target.uscc.len(),
                18,
                "a USCC has 18 characters: {}",
                target.uscc
            );
            assert!(!target.name.is_empty() && !target.result.is_empty());
            let row_id = row.attr("id").await.unwrap();
            assert_eq!(
                row_id.as_deref(),
                Some(format!("t-{}", target.uscc).as_str())
            );
            return target;
        }
        panic!("no target of the published batch {id} shows a result");
    }

    /// The reader types the organisation's name into the header's search form, finds it
    /// and follows the hit to its row in the batch.
    async fn search_and_follow(&self, id: &str, t: &Target) {
        let q = self
            .find("header form input[name=q]")
            .await
            .expect("the search box");
        q.send_keys(&t.name).await.unwrap();
        self.find("header form button[type=submit]")
            .await
            .expect("the search button")
            .click()
            .await
            .unwrap();
        self.wait(
            |url| url.starts_with(&format!("{}/search?", self.base)),
            "the search page",
        )
        .await;
        assert_eq!(self.text("main h1").await, "查询");
        let fragment = format!("/batches/{id}#t-{}", t.uscc);
        let hit = self
            .find(&format!("main table a[href=\"{fragment}\"]"))
            .await
            .unwrap_or_else(|| panic!("no search hit links to {fragment}"));
        assert_eq!(hit.text().await.unwrap(), t.name);
        hit.click().await.unwrap();
        self.wait_url(&format!("{}{fragment}", self.base)).await;
        let row = self
            .find(&format!("#t-{}", t.uscc))
            .await
            .expect("the target's row");
        let text = row.text().await.unwrap();
        assert!(text.contains(&t.name) && text.contains(&t.result), "{text}");
        let targeted = self
            .c
            .execute(
                "const t = document.querySelector(':target'); return t ? t.id : null;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            targeted,
            json!(format!("t-{}", t.uscc)),
            "the row is the :target"
        );
        assert!(row.is_displayed().await.unwrap());
    }

    /// The reader downloads the bundle with the page's link; `shuangsui verify` passes it
    /// with the log key the API gives, which the page shows too.
    async fn download_and_verify(&self, id: &str) {
        let key_json = blocking({
            let url = self.log_key_url.clone();
            move || get(&url)
        })
        .await;
        let key: serde_json::Value = serde_json::from_str(&key_json).unwrap();
        let key = key["verifier_key"]
            .as_str()
            .unwrap_or_else(|| panic!("no verifier_key in {key_json}"))
            .to_string();
        let page = self.c.source().await.unwrap();
        assert!(
            page.contains(&key),
            "the batch page does not show the log key {key}"
        );

        self.find(&format!("a[href=\"/batches/{id}/bundle.json\"]"))
            .await
            .expect("the bundle's download link")
            .click()
            .await
            .unwrap();
        let file = self.downloaded().await;
        println!("the browser downloaded {}", file.display());
        let out = blocking(move || {
            bounded(
                Command::new(env!("CARGO_BIN_EXE_shuangsui"))
                    .arg("verify")
                    .arg(&file)
                    .args(["--log-key", &key]),
                Duration::from_secs(30),
            )
        })
        .await;
        let said = text(&out);
        assert_eq!(out.status.code(), Some(0), "verify: {said}");
        assert!(said.contains("PASS"), "verify: {said}");
    }

    /// The file the browser saved, once whole.
    async fn downloaded(&self) -> PathBuf {
        let until = Instant::now() + DOWNLOAD;
        loop {
            let done: Vec<PathBuf> = std::fs::read_dir(self.downloads)
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    !name.ends_with(".crdownload") && !name.starts_with(".")
                })
                .collect();
            if let [file] = done.as_slice()
                && std::fs::metadata(file).is_ok_and(|m| m.len() > 0)
            {
                return file.clone();
            }
            assert!(done.len() <= 1, "more than one download: {done:?}");
            assert!(
                Instant::now() < until,
                "the browser did not download the bundle within {DOWNLOAD:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The language toggle leads to the same batch in English.
    async fn english(&self, id: &str) {
        let toggle = self
            .find(".lang a[hreflang=en]")
            .await
            .expect("the English toggle");
        assert_eq!(toggle.text().await.unwrap(), "English");
        toggle.click().await.unwrap();
        self.wait_url(&format!("{}/batches/{id}?lang=en", self.base))
            .await;
        assert_eq!(self.attr("html", "lang").await, "en");
        assert_eq!(self.text("#targets h2").await, "Targets and results");
        assert_eq!(self.text("#chart h2").await, "Sample distribution");
        assert_eq!(self.text("main dl dd.hash").await, id);
        assert!(
            self.find(".lang a[hreflang=zh-CN]").await.is_some(),
            "no way back to Chinese"
        );
    }

    async fn find(&self, css: &str) -> Option<fantoccini::elements::Element> {
        self.c
            .wait()
            .at_most(STEP)
            .for_element(Locator::Css(css))
            .await
            .ok()
    }

    async fn text(&self, css: &str) -> String {
        let Some(e) = self.find(css).await else {
            panic!("no {css} on {}", self.url().await);
        };
        e.text().await.unwrap().trim().to_string()
    }

    async fn attr(&self, css: &str, name: &str) -> String {
        let e = self.find(css).await.unwrap_or_else(|| panic!("no {css}"));
        e.attr(name).await.unwrap().unwrap_or_default()
    }

    async fn url(&self) -> String {
        self.c.current_url().await.unwrap().to_string()
    }

    async fn wait_url(&self, want: &str) {
        self.wait(|url| url == want, want).await;
    }

    async fn wait(&self, ok: impl Fn(&str) -> bool, what: &str) {
        let until = Instant::now() + STEP;
        loop {
            let url = self.url().await;
            if ok(&url) {
                return;
            }
            assert!(Instant::now() < until, "waited for {what}, at {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Headless Chromium with a fresh profile, downloads saved to `downloads` without asking.
async fn browser(driver_url: &str, profile: &Path, downloads: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,2000",
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            },
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    // Plain HTTP to the local chromedriver: no TLS stack to build.
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(driver_url)
        .await
        .unwrap_or_else(|e| panic!("chromedriver at {driver_url} started no browser: {e}"))
}

/// Headless Chromium emulating a 390 × 844 phone (CSS pixels, two device pixels each).
async fn phone(driver_url: &str, profile: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                format!("--user-data-dir={}", profile.display()),
            ],
            "mobileEmulation": {
                "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": true},
            },
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(driver_url)
        .await
        .unwrap_or_else(|e| panic!("chromedriver at {driver_url} started no phone browser: {e}"))
}

/// What is wrong with the page shown, for a phone: the page or a region of it scrolling
/// sideways, a table cell without its column's label, chart text under 11 px (its box's
/// height, and its font size as drawn), a link in a table or the language toggle under
/// 40 px tall. Also counts the chart texts shown.
const PHONE_CHECKS: &str = r#"
const problems = [];
const vw = window.innerWidth;
const page = document.documentElement.scrollWidth;
if (page > vw) problems.push(`the page is ${page} px wide in a ${vw} px window`);
for (const el of document.querySelectorAll('body *')) {
  const ox = getComputedStyle(el).overflowX;
  if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
    problems.push(`<${el.tagName.toLowerCase()} class="${el.className}"> scrolls sideways: ${el.scrollWidth} px in ${el.clientWidth}`);
  }
}
const texts = [...document.querySelectorAll('svg text')].filter(t => t.getBoundingClientRect().height > 0);
for (const t of texts) {
  const svg = t.ownerSVGElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const size = parseFloat(getComputedStyle(t).fontSize) * scale;
  const h = t.getBoundingClientRect().height;
  if (h < 11 || size < 11) problems.push(`chart text "${t.textContent}" is ${h.toFixed(1)} px tall, font ${size.toFixed(1)} px`);
}
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
let cells = 0;
for (const table of document.querySelectorAll('main table')) {
  const heads = [...table.querySelectorAll('thead th')].map(th => norm(th.textContent));
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.children].forEach((td, i) => {
      cells += 1;
      if (norm(td.dataset.label) !== heads[i]) problems.push(`a cell of column "${heads[i]}" is labelled "${td.dataset.label}"`);
    });
  }
  const a = table.querySelector('tbody a');
  if (a && a.getBoundingClientRect().height < 40) problems.push(`a link in a table is ${a.getBoundingClientRect().height} px tall`);
}
const toggle = document.querySelector('.lang a');
if (toggle.getBoundingClientRect().height < 40) problems.push(`the language toggle is ${toggle.getBoundingClientRect().height} px tall`);
return {problems, charts: texts.length, cells, width: vw};
"#;

/// The home page, a published batch and a search on a phone; a screenshot of the batch.
async fn phone_pages(c: &Client, base: &str) {
    c.goto(&format!("{base}/")).await.unwrap();
    let link = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("#published tbody tr td:first-child a"))
        .await
        .expect("a published batch on the home page");
    let batch = link.attr("href").await.unwrap().expect("the batch's link");
    let mut charts = check_on_phone(c, base, "/").await;
    charts += check_on_phone(c, base, &batch).await;
    // The screenshot shows the targets as cards.
    c.execute(
        "document.querySelector('#targets').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    let png = c.screenshot().await.unwrap();
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&shot).unwrap();
    std::fs::write(shot.join("batch-page-phone.png"), &png).unwrap();
    let name = c
        .find(Locator::Css("#targets tbody tr td:nth-child(3)"))
        .await
        .expect("a target's name")
        .text()
        .await
        .unwrap();
    let query: String = url_encode(&name);
    charts += check_on_phone(c, base, &format!("/search?q={query}")).await;
    assert!(charts > 0, "no chart text shown on the phone");
}

/// Loads `path` on the phone, checks it (`PHONE_CHECKS`) and returns how many chart
/// texts it shows.
async fn check_on_phone(c: &Client, base: &str, path: &str) -> u64 {
    c.goto(&format!("{base}{path}")).await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("main table"))
        .await
        .unwrap_or_else(|_| panic!("no table on {path}"));
    let found = c.execute(PHONE_CHECKS, vec![]).await.unwrap();
    println!("{path} on a phone: {found}");
    assert_eq!(found["width"], json!(390), "the phone's window");
    assert!(
        found["cells"].as_u64().unwrap() > 0,
        "no table cells on {path}"
    );
    assert_eq!(found["problems"], json!([]), "{path} on a 390 px phone");
    found["charts"].as_u64().unwrap()
}

/// `text` percent-encoded for a query.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A child process killed (with its process group, for chromedriver's browsers) when
/// dropped, on failure too.
struct Killed {
    child: Child,
    group: bool,
}

impl Drop for Killed {
    fn drop(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        if self.group {
            // SAFETY: kill(2) on the process group this test made for the child.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `f` on a blocking thread; its panic is this task's.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// The demo database in `dir` (`shuangsui demo --no-serve`); the names and console
/// passwords of the demo's officer, corps user and reviewer, as it prints them.
fn demo(dir: &Path) -> ((String, String), (String, String), (String, String)) {
    let out = bounded(
        Command::new(env!("CARGO_BIN_EXE_shuangsui"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["demo", "--no-serve", "--bind", "127.0.0.1:0", "--out"])
            .arg(dir)
            .env_remove("DATABASE_URL")
            .env_remove("SHUANGSUI_LOG_KEY"),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(0), "demo: {}", text(&out));
    assert!(dir.join("shuangsui.db").exists());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // Lines of "role name password token".
    let person = |role: &str| {
        stdout
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.len() == 4 && w[0] == role && w[3].starts_with("ss1."))
            .map(|w| (w[1].to_string(), w[2].to_string()))
            .unwrap_or_else(|| panic!("no {role} in the demo's output: {stdout}"))
    };
    (person("officer"), person("corps"), person("reviewer"))
}

/// What is wrong with a console page on a phone: the page scrolling sideways, a link,
/// button or field under 44 px tall (a checkbox or radio button counts by its label, whose
/// height is checked with the labels).
const CONSOLE_PHONE_CHECKS: &str = r#"
const problems = [];
const vw = window.innerWidth;
if (document.documentElement.scrollWidth > vw) problems.push(`the page is ${document.documentElement.scrollWidth} px wide in ${vw}`);
for (const el of document.querySelectorAll('main a, main button, main input:not([type=hidden]), main select, label.check, header a, header button')) {
  const h = el.getBoundingClientRect().height;
  if (h > 0 && h < 44 && el.type !== 'checkbox' && el.type !== 'radio') problems.push(`<${el.tagName.toLowerCase()}> "${el.textContent.trim()}" is ${h} px tall`);
}
return {problems, width: vw};
"#;

async fn check_console(c: &Client, what: &str) {
    let found = c.execute(CONSOLE_PHONE_CHECKS, vec![]).await.unwrap();
    println!("{what} on a phone: {found}");
    assert_eq!(found["problems"], json!([]), "{what} on a 390 px phone");
}

/// Signs out by the console header's button, back to the sign-in form.
async fn sign_out(c: &Client) {
    c.find(Locator::Css("header form button"))
        .await
        .expect("the sign-out button")
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("input#name"))
        .await
        .expect("signed out: the sign-in form");
}

/// Signs `name` in through the console's form.
async fn sign_in_by_form(c: &Client, base: &str, name: &str, password: &str) {
    sign_in_with_code(c, base, name, password, None).await;
}

/// As `sign_in_by_form`, typing `code` into the one-time code field if given.
async fn sign_in_with_code(c: &Client, base: &str, name: &str, password: &str, code: Option<&str>) {
    c.goto(&format!("{base}/console/sign-in")).await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("input#name"))
        .await
        .expect("the sign-in form")
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("input#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    if let Some(code) = code {
        c.find(Locator::Css("input#code"))
            .await
            .unwrap()
            .send_keys(code)
            .await
            .unwrap();
    }
    c.find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("nav.menu"))
        .await
        .expect("signed in: the console's menu");
}

/// What the browser itself is refused: a form another site posts (here a `data:` page,
/// whose posts carry `Origin: null` and no SameSite=Strict cookie) changes nothing and is
/// 403; a session idle past its limit leads back to the sign-in form.
async fn refused_in_the_browser(
    c: &Client,
    base: &str,
    (name, password): &(String, String),
    db: &Path,
) {
    sign_in_by_form(c, base, name, password).await;
    let forged = format!(
        "data:text/html;charset=utf-8,<form method=post action='{base}/console/password'><input name=csrf value=x><input name=current value=x><input name=new value=quiet-harbour-lantern-8><input name=confirm value=quiet-harbour-lantern-8></form><script>document.forms[0].submit()</script>"
    );
    c.goto(&forged).await.unwrap();
    let heading = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("main h1"))
        .await
        .expect("the answer to a cross-site post");
    assert_eq!(heading.text().await.unwrap(), "请求被拒绝");
    // Still signed in, with the same password.
    c.goto(&format!("{base}/console/")).await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("nav.menu"))
        .await
        .expect("still signed in after the cross-site post");
    // Idle for an hour: the session has ended.
    let app = shuangsui::app::App::open(&format!("sqlite://{}", db.display()), None)
        .await
        .unwrap();
    let shuangsui::store::Store::Sqlite(pool) = &app.store else {
        unreachable!("the demo is SQLite")
    };
    sqlx::query("UPDATE sessions SET last_seen = last_seen - 3600, created = created - 3600")
        .execute(pool)
        .await
        .unwrap();
    app.store.close().await;
    c.goto(&format!("{base}/console/tasks")).await.unwrap();
    let notice = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("p.notice"))
        .await
        .expect("the sign-in form, saying the session ended");
    assert!(notice.text().await.unwrap().contains("会话已结束"));
    assert!(c.find(Locator::Css("input#name")).await.is_ok());
    // The password was never changed: it still signs in.
    sign_in_by_form(c, base, name, password).await;
}

/// The officer on the phone: signs in through the form (a real browser's form post must
/// pass the same-origin check), sees their tasks, opens a target, signs out.
async fn console_on_phone(c: &Client, base: &str, (name, password): &(String, String)) {
    c.goto(&format!("{base}/console/")).await.unwrap();
    let field = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("input#name"))
        .await
        .expect("the sign-in form");
    check_console(c, "the sign-in form").await;
    field.send_keys(name).await.unwrap();
    c.find(Locator::Css("input#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let menu = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("nav.menu a[href='/console/tasks']"))
        .await
        .expect("signed in: the officer's menu");
    check_console(c, "the console's home").await;
    menu.click().await.unwrap();
    let task = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("ul.tasks a"))
        .await
        .expect("a task");
    check_console(c, "my tasks").await;
    let png = c.screenshot().await.unwrap();
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::write(shot.join("console-tasks-phone.png"), &png).unwrap();
    task.click().await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("ol.checklist"))
        .await
        .expect("the target's checklist");
    check_console(c, "a target").await;
    // The result: no problem found, the first item of the checklist checked and compliant.
    c.find(Locator::Css("input[name='code'][value='1']"))
        .await
        .expect("the category 未发现问题")
        .click()
        .await
        .unwrap();
    c.find(Locator::Css(
        "ol.checklist li input[type='radio'][value='符合']",
    ))
    .await
    .expect("an item's answer 符合")
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("p.notice"))
        .await
        .expect("the result recorded");
    assert!(notice.text().await.unwrap().contains("检查结果已录入"));
    assert!(
        c.find(Locator::Css("input[name='corrects']")).await.is_ok(),
        "the form now corrects the recorded result"
    );
    check_console(c, "a target with its result").await;
    c.execute("document.querySelector('#record').scrollIntoView()", vec![])
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(shot.join("console-result-phone.png"), &png).unwrap();
    sign_out(c).await;
    c.goto(&format!("{base}/console/tasks")).await.unwrap();
    c.wait()
        .at_most(STEP)
        .for_element(Locator::Css("input#name"))
        .await
        .expect("after sign-out the tasks lead to the sign-in form");
}

/// `shuangsui serve` on a free port; its address, read from its first line.
fn serve(dir: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("serve")
        .args(["--bind", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", dir.join("shuangsui.db").display()))
        .arg("--key")
        .arg(dir.join("log.key"))
        .env_remove("DATABASE_URL")
        .env_remove("SHUANGSUI_LOG_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Killed {
        child,
        group: false,
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Reads every line, so the server never blocks on a full pipe.
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("listening on ") {
                let _ = tx.send(addr.trim().to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server printed no `listening on` line within 30 s");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    (server, base)
}

/// chromedriver on a free port, once it says it is ready.
fn chromedriver(log: &Path) -> (Killed, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let driver = Killed { child, group: true };
    let url = format!("http://127.0.0.1:{port}");
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(status) = try_get(&format!("{url}/status"))
            && serde_json::from_str::<serde_json::Value>(&status)
                .is_ok_and(|s| s["value"]["ready"] == json!(true))
        {
            return (driver, url);
        }
        assert!(
            Instant::now() < until,
            "chromedriver not ready on {url} in 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent()
}

fn try_get(url: &str) -> Result<String, ureq::Error> {
    agent().get(url).call()?.body_mut().read_to_string()
}

fn get(url: &str) -> String {
    try_get(url).unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// Runs `cmd` to its end, killed and failed past `limit`.
fn bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let until = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
