//! The OpenAPI document says what each operation takes and answers, and the docs page shows
//! it; a directory upload sent as a `multipart/form-data` form imports as the same file sent
//! as the body does.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

/// The POST operations that take no body (the test checks that they declare none).
const BODILESS: &[&str] = &[
    "/api/v1/batches/{id}/commit",
    "/api/v1/batches/{id}/publish",
    "/api/v1/batches/{id}/results/{result}/approve",
];

const UPLOAD: &str = "/api/v1/directories/{kind}";

async fn document(router: &Router) -> Value {
    let r = call(router, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()
}

/// Every `$ref` in `v` (JSON pointers into the document).
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// What is wrong with the document, one line per problem.
fn problems(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut all_refs = Vec::new();
    refs(doc, &mut all_refs);
    for r in all_refs {
        if doc.pointer(r.trim_start_matches('#')).is_none() {
            out.push(format!("$ref {r} points nowhere"));
        }
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        let in_path: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name))
            .collect();
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            for field in ["summary", "description"] {
                if op[field].as_str().is_none_or(|s| s.trim().is_empty()) {
                    out.push(format!("{at}: no {field}"));
                }
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: BTreeSet<&str> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            if declared != in_path {
                out.push(format!(
                    "{at}: path parameters {declared:?}, the path has {in_path:?}"
                ));
            }
            for p in &params {
                let name = p["name"].as_str().unwrap_or_default();
                if !["path", "query", "header"].contains(&p["in"].as_str().unwrap_or_default()) {
                    out.push(format!("{at}: parameter {name} in {}", p["in"]));
                }
                if p["in"] == "path" && p["required"] != json!(true) {
                    out.push(format!("{at}: path parameter {name} not required"));
                }
                if p["description"].as_str().is_none_or(str::is_empty) {
                    out.push(format!("{at}: parameter {name} has no description"));
                }
            }
            let body = op.get("requestBody");
            let takes_body = ["post", "put", "patch"].contains(&method.as_str());
            match (takes_body && !BODILESS.contains(&path.as_str()), body) {
                (true, None) => out.push(format!("{at}: no requestBody")),
                (true, Some(body)) => {
                    let content = body["content"].as_object().cloned().unwrap_or_default();
                    if content.is_empty() {
                        out.push(format!("{at}: a requestBody without content"));
                    }
                    for (content_type, media) in content {
                        if media.get("schema").is_none() {
                            out.push(format!("{at}: {content_type} has no schema"));
                        }
                        if media.get("example").is_none() && media.get("examples").is_none() {
                            out.push(format!("{at}: {content_type} has no example"));
                        }
                    }
                }
                (false, Some(_)) => {
                    out.push(format!("{at}: a requestBody, but listed as bodiless"))
                }
                (false, None) => {}
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if response["description"].as_str().is_none_or(str::is_empty) {
                    out.push(format!("{at}: response {status} has no description"));
                }
                let error = &response["content"]["application/json"];
                if error["schema"]["$ref"] == "#/components/schemas/ErrorBody"
                    && error["example"]["error"]["status"].as_u64() != status.parse::<u64>().ok()
                {
                    out.push(format!(
                        "{at}: error response {status} has no example of its own status"
                    ));
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_says_what_it_takes_and_the_page_shows_it() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let doc = document(&router).await;
    let found = problems(&doc);
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The checks catch what they look for.
    let mut broken = doc.clone();
    let upload = &mut broken["paths"][UPLOAD]["post"];
    upload["parameters"][1]["in"] = json!("path");
    upload["description"] = json!("");
    upload["requestBody"]["content"]["text/csv"]
        .as_object_mut()
        .unwrap()
        .remove("example");
    let found = problems(&broken);
    assert_eq!(found.len(), 4, "{found:#?}");

    let upload = &doc["paths"][UPLOAD]["post"];
    let content = upload["requestBody"]["content"].as_object().unwrap();
    assert!(content.contains_key("multipart/form-data") && content.contains_key("text/csv"));
    for name in ["format", "encoding", "name"] {
        let p = upload["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no parameter {name}"));
        assert_eq!((&p["in"], &p["required"]), (&json!("query"), &json!(false)));
    }

    let page = call(&router, Method::GET, "/api/v1/docs", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    let section = page
        .split("<section class=\"op\" id=\"op-upload\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the upload's section");
    for shown in [
        "<code>format</code></td><td data-label=\"In\">query</td><td data-label=\"Required\">no</td>",
        "<code>kind</code></td><td data-label=\"In\">path</td><td data-label=\"Required\">yes</td>",
        "Content type <code>multipart/form-data</code>",
        "Content type <code>text/csv</code>",
        "Content-Disposition: form-data; name=&quot;file&quot;; filename=&quot;entities.csv&quot;",
        "uscc,name,sector",
        "a new version",
        "import_rejected",
    ] {
        assert!(
            section.contains(shown),
            "the upload's section lacks {shown}:\n{section}"
        );
    }
    let draw = page
        .split("id=\"op-draw\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the draw's section");
    assert!(
        draw.contains("<code>entropy</code>") && draw.contains("陈思远="),
        "{draw}"
    );
}

/// The upload's examples from the document: the raw CSV, and the form with its boundary.
fn upload_examples(doc: &Value) -> (String, String, String) {
    let content = &doc["paths"][UPLOAD]["post"]["requestBody"]["content"];
    let csv = content["text/csv"]["example"].as_str().unwrap().to_string();
    let form = content["multipart/form-data"]["example"]
        .as_str()
        .unwrap()
        .to_string();
    let boundary = form
        .lines()
        .next()
        .unwrap()
        .strip_prefix("--")
        .unwrap()
        .to_string();
    (csv, form, boundary)
}

fn form_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// A form with one part named `file` holding `content` as `file_name`.
fn form(boundary: &str, file_name: &str, content: &[u8]) -> Vec<u8> {
    [
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nskipped\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
        content,
        format!("\r\n--{boundary}--\r\n").as_bytes(),
    ]
    .concat()
}

async fn post(
    router: &Router,
    demo: &Demo,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Reply {
    call(
        router,
        Method::POST,
        &format!("/api/v1/directories/entities{query}"),
        Some(&demo.corps),
        Some((content_type, body)),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_upload_imports_as_the_raw_body_does() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let (csv, example_form, boundary) = upload_examples(&document(&router).await);

    // The documented form: a new version, named by the file part's filename.
    let r = post(
        &router,
        &demo,
        "",
        &form_type(&boundary),
        example_form.into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json()["snapshot"].clone();
    assert_eq!(created["source_name"], "entities.csv");
    assert_eq!(created["rows"], 2);
    // The same file as the body: the same content, so the same version.
    let r = post(
        &router,
        &demo,
        "?name=entities.csv",
        "text/csv",
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["outcome"], "unchanged");
    assert_eq!(r.json()["snapshot"]["id"], created["id"]);

    // The same rows as JSON Lines in a form: the filename says the format.
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let jsonl: String = lines
        .map(|l| {
            let row: serde_json::Map<String, Value> = header
                .iter()
                .zip(l.split(','))
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            format!("{}\n", Value::Object(row))
        })
        .collect();
    let r = post(
        &router,
        &demo,
        "",
        &form_type(&boundary),
        form(&boundary, "rows.jsonl", jsonl.as_bytes()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["snapshot"]["id"], created["id"]);

    // The whole sample file in a form, then as the body.
    let entities = std::fs::read(root().join("registries/shanghai/entities.csv")).unwrap();
    let r = post(
        &router,
        &demo,
        "",
        &form_type(&boundary),
        form(&boundary, "C:\\fakepath\\entities.csv", &entities),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let whole = r.json()["snapshot"].clone();
    assert_eq!(
        (&whole["rows"], &whole["source_name"]),
        (&json!(1300), &json!("entities.csv"))
    );
    let r = post(&router, &demo, "?name=entities.csv", "text/csv", entities).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["snapshot"]["id"], whole["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_a_file_part_is_400_and_imports_nothing() {
    let demo = demo();
    let router = router(&demo, 1_000).await;
    let boundary = "XyZ123";
    let versions = || async {
        call(
            &router,
            Method::GET,
            "/api/v1/directories/entities",
            Some(&demo.corps),
            None,
        )
        .await
        .json()
        .as_array()
        .unwrap()
        .len()
    };
    let before = versions().await;
    let text_only = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nuscc,name\r\n--{boundary}--\r\n"
    );
    let r = post(
        &router,
        &demo,
        "",
        &form_type(boundary),
        text_only.into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), "bad_request");
    let e = &r.json()["error"];
    assert!(
        e["message"].as_str().unwrap().contains("没有文件部分")
            && e["message_en"].as_str().unwrap().contains("no file part"),
        "{e}"
    );
    let r = post(&router, &demo, "", "multipart/form-data", b"x".to_vec()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.error_code(), "bad_request");
    assert_eq!(versions().await, before);
}
