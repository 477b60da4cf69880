//! Excel in and out over HTTP: an `.xlsx` upload is the same snapshot as the CSV it was made
//! from, an old `.xls` or another binary is refused in Chinese, and the published results
//! and the corps' dispatch list download as workbooks that hold the right cells.

use axum::http::{Method, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use shuangsui::pages::csv::{HEADER, neutralise};

use super::*;

#[path = "../common/mod.rs"]
#[allow(unused_imports)]
pub mod common;

/// The first sheet's cells as text.
fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    first_sheet(bytes).1
}

/// The first sheet's name, and its cells as text (every cell must be text or empty).
pub fn first_sheet(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let cells = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => panic!("a cell that is not text: {other:?}"),
                })
                .collect()
        })
        .collect();
    (name, cells)
}

async fn upload(router: &Router, token: &str, name: &str, bytes: Vec<u8>) -> Reply {
    let path = format!("/api/v1/directories/entities?name={name}");
    let body = Some(("application/octet-stream", bytes));
    call(router, Method::POST, &path, Some(token), body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workbooks_in_and_out() {
    let demo = demo();
    let router = router(&demo, 1_000).await;

    // The demo imported registries/shanghai/entities.csv: the same rows as a workbook are
    // the same snapshot.
    let csv = std::fs::read_to_string(root().join("registries/shanghai/entities.csv")).unwrap();
    let workbook = common::xlsx_from_csv(&csv, "entities", &[]);
    let r = upload(&router, &demo.corps, "entities.xlsx", workbook).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["outcome"], "unchanged", "{}", r.text());

    let xls = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0; 1024]].concat();
    let binary: Vec<u8> = (0..2048u32).map(|i| (i * 7 % 256) as u8).collect();
    for (name, bytes) in [("old.xls", xls), ("scan.csv", binary)] {
        let r = upload(&router, &demo.corps, name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.error_code(), "import_rejected");
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(name), "{message}");
        assert!(message.contains("请另存为 .xlsx 或 CSV UTF-8"), "{message}");
    }

    // The published results: the CSV's columns and cells, as text.
    let path = format!("/batches/{PUBLISHED}/results");
    let xlsx = call(&router, Method::GET, &format!("{path}.xlsx"), None, None).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.headers[header::CONTENT_TYPE],
        shuangsui::pages::xlsx::CONTENT_TYPE
    );
    let csv = call(&router, Method::GET, &format!("{path}.csv"), None, None).await;
    let csv_rows: Vec<Vec<String>> = csv::Reader::from_reader(&csv.body[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let cells = sheet(&xlsx.body);
    assert_eq!(cells[0], HEADER);
    assert_eq!(cells.len(), csv_rows.len() + 1);
    assert!(csv_rows.len() > 3);
    for (x, c) in cells[1..].iter().zip(&csv_rows) {
        let neutralised: Vec<String> = x.iter().map(|s| neutralise(s).into_owned()).collect();
        assert_eq!(&neutralised, c);
    }
    let page = call(
        &router,
        Method::GET,
        &format!("/batches/{PUBLISHED}"),
        None,
        None,
    )
    .await;
    assert!(
        page.text().contains(&format!("{path}.xlsx")),
        "the page links it"
    );
    let hidden = format!("/batches/{IN_PROGRESS}/results.xlsx");
    let r = call(&router, Method::GET, &hidden, None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The dispatch list of a drawn batch: each target with its team, for the corps.
    let path = format!("/api/v1/batches/{IN_PROGRESS}/dispatch.xlsx");
    let r = call(&router, Method::GET, &path, Some(&demo.corps), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let app = App::open(&demo.url, None).await.unwrap();
    let assignments = shuangsui::store::batches::assignments(&app.store, IN_PROGRESS)
        .await
        .unwrap();
    let cells = sheet(&r.body);
    assert_eq!(cells[0], HEADER[..7]);
    assert_eq!(cells.len(), assignments.len() + 1);
    for (row, a) in cells[1..].iter().zip(&assignments) {
        assert_eq!(row[0], (a.position + 1).to_string());
        assert_eq!(row[2], a.uscc);
        assert_eq!(row[6], a.team.join(";"));
    }
}
