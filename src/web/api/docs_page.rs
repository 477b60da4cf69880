//! `/api/v1/docs`: the OpenAPI document as one readable page, made on the server (no
//! JavaScript, no CDN). Per operation: its summary and description, whether it needs a
//! token, its parameters (name, location, required, type, description), its request body
//! (content types, schema, example) and its responses (status, meaning, schema, example);
//! then every schema with its fields. It reads the document as JSON, so whatever the
//! annotations say is what the page shows.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::fmt::Write as _;
use utoipa::OpenApi;

use super::docs::ApiDoc;
use crate::pages::chart::escape;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:64rem;margin:auto;padding:1rem;line-height:1.5;color:#1a1a1a}\
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}\
code{background:#f3f3f3;padding:0 .2em;overflow-wrap:anywhere}\
pre{background:#f6f6f6;border:1px solid #ddd;padding:.5rem;overflow-x:auto;max-height:24rem}\
.op{border-top:2px solid #8c1c13;margin-top:1.5rem;padding-top:.5rem}\
.op h3{margin:.2rem 0;font-size:1.05rem}.m{display:inline-block;min-width:3.5rem;font-weight:bold}\
.lock{color:#a33}table{border-collapse:collapse;width:100%;margin:.3rem 0}\
th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}\
th{background:#f3f0ea}h4{margin:.8rem 0 .2rem}\
@media (max-width:600px){table,tbody,tr,td{display:block}thead{display:none}tr{border:1px solid #ccc;margin:.4rem 0}td{border:0}\
td::before{content:attr(data-label) \": \";font-weight:bold}}";

/// `/api/v1/docs`.
pub async fn page() -> Response {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let mut r = render(&doc).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// The operations of the document in its path order, each as (path, method, operation).
fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push((path.as_str(), method, op));
                }
            }
        }
    }
    out
}

/// The page for `doc` (an OpenAPI document as JSON).
pub fn render(doc: &Value) -> String {
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>shuangsui API</title><style>{STYLE}</style></head><body>"
    );
    let info = &doc["info"];
    let _ = write!(
        html,
        "<h1>{} <small>{}</small></h1>{}<p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {}).</p>",
        escape(info["title"].as_str().unwrap_or_default()),
        escape(info["version"].as_str().unwrap_or_default()),
        prose(info["description"].as_str().unwrap_or_default()),
        escape(doc["openapi"].as_str().unwrap_or_default()),
    );
    let ops = operations(doc);
    html.push_str("<h2>Operations</h2><ul>");
    for (path, method, op) in &ops {
        let _ = write!(
            html,
            "<li><a href=\"#{}\"><span class=\"m\">{}</span> <code>{}</code></a> {}</li>",
            anchor(op),
            method.to_uppercase(),
            escape(path),
            escape(op["summary"].as_str().unwrap_or_default()),
        );
    }
    html.push_str("</ul>");
    for (path, method, op) in &ops {
        operation(&mut html, doc, path, method, op);
    }
    schemas(&mut html, doc);
    html.push_str("</body></html>");
    html
}

fn anchor(op: &Value) -> String {
    format!(
        "op-{}",
        escape(op["operationId"].as_str().unwrap_or_default())
    )
}

/// Text with blank-line paragraphs and `code` spans, escaped.
fn prose(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        out.push_str("<p>");
        for (i, part) in escape(para).split('`').enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<code>{part}</code>");
            } else {
                out.push_str(part);
            }
        }
        out.push_str("</p>");
    }
    out
}

fn operation(html: &mut String, doc: &Value, path: &str, method: &str, op: &Value) {
    let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
    let _ = write!(
        html,
        "<section class=\"op\" id=\"{}\"><h3><span class=\"m\">{}</span> <code>{}</code> {}</h3><p><strong>{}</strong></p>{}",
        anchor(op),
        method.to_uppercase(),
        escape(path),
        if secured {
            "<span class=\"lock\">token</span>"
        } else {
            "public"
        },
        escape(op["summary"].as_str().unwrap_or_default()),
        prose(op["description"].as_str().unwrap_or_default()),
    );
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        html.push_str("<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th></tr></thead><tbody>");
        for p in params {
            let _ = write!(
                html,
                "<tr><td data-label=\"Name\"><code>{}</code></td><td data-label=\"In\">{}</td><td data-label=\"Required\">{}</td><td data-label=\"Type\">{}</td><td data-label=\"Description\">{}</td></tr>",
                escape(p["name"].as_str().unwrap_or_default()),
                escape(p["in"].as_str().unwrap_or_default()),
                if p["required"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                type_of(&p["schema"]),
                escape(p["description"].as_str().unwrap_or_default()),
            );
        }
        html.push_str("</tbody></table>");
    }
    let body = &op["requestBody"];
    if let Some(content) = body["content"].as_object() {
        let _ = write!(
            html,
            "<h4>Request body{}</h4>{}",
            if body["required"].as_bool() == Some(true) {
                " (required)"
            } else {
                ""
            },
            prose(body["description"].as_str().unwrap_or_default()),
        );
        for (content_type, media) in content {
            let _ = write!(
                html,
                "<p>Content type <code>{}</code>: {}</p>",
                escape(content_type),
                type_of(&media["schema"])
            );
            fields(html, doc, &media["schema"]);
            example(html, doc, media, true);
        }
    }
    html.push_str("<h4>Responses</h4><table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>");
    if let Some(responses) = op["responses"].as_object() {
        for (status, response) in responses {
            let _ = write!(
                html,
                "<tr><td data-label=\"Status\">{}</td><td data-label=\"Meaning\">{}</td><td data-label=\"Body\">",
                escape(status),
                escape(response["description"].as_str().unwrap_or_default()),
            );
            if let Some(content) = response["content"].as_object() {
                for (content_type, media) in content {
                    let _ = write!(
                        html,
                        "<code>{}</code> {}",
                        escape(content_type),
                        type_of(&media["schema"])
                    );
                    example(html, doc, media, false);
                }
            }
            html.push_str("</td></tr>");
        }
    }
    html.push_str("</tbody></table></section>");
}

/// The name a `$ref` points to.
fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// A schema in a few words: a link to a named schema, `array of …`, a type and format.
fn type_of(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        let name = escape(name);
        return format!("<a href=\"#schema-{name}\">{name}</a>");
    }
    if let Some(any) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return any.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    let kind = match &schema["type"] {
        Value::String(s) => s.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => return "any".into(),
    };
    if kind.starts_with("array") {
        return format!("array of {}", type_of(&schema["items"]));
    }
    match schema["format"].as_str() {
        Some(format) => format!("{} ({})", escape(&kind), escape(format)),
        None => escape(&kind),
    }
}

/// The fields of an object schema (named or inline), as a table.
fn fields(html: &mut String, doc: &Value, schema: &Value) {
    let schema = match ref_name(schema) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    };
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    html.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>");
    for (name, field) in properties {
        let _ = write!(
            html,
            "<tr><td data-label=\"Field\"><code>{}</code></td><td data-label=\"Type\">{}</td><td data-label=\"Required\">{}</td><td data-label=\"Description\">{}</td></tr>",
            escape(name),
            type_of(field),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            escape(field["description"].as_str().unwrap_or_default()),
        );
    }
    html.push_str("</tbody></table>");
}

/// A media type's example, else its named schema's: a string as it is (a TOML plan, a
/// CSV file, a form), anything else as indented JSON; a request's shown open.
fn example(html: &mut String, doc: &Value, media: &Value, open: bool) {
    let example = media.get("example").or_else(|| {
        ref_name(&media["schema"]).and_then(|n| doc["components"]["schemas"][n].get("example"))
    });
    let Some(example) = example else { return };
    let text = match example {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    let _ = write!(
        html,
        "<details{}><summary>Example</summary><pre>{}</pre></details>",
        if open { " open" } else { "" },
        escape(&text)
    );
}

fn schemas(html: &mut String, doc: &Value) {
    let Some(all) = doc["components"]["schemas"].as_object() else {
        return;
    };
    html.push_str("<h2>Schemas</h2>");
    for (name, schema) in all {
        let name = escape(name);
        let _ = write!(
            html,
            "<section class=\"op\" id=\"schema-{name}\"><h3>{name}</h3>{}",
            prose(schema["description"].as_str().unwrap_or_default())
        );
        if schema["properties"].is_object() {
            fields(html, doc, schema);
        } else {
            let _ = write!(html, "<p>{}</p>", type_of(schema));
        }
        html.push_str("</section>");
    }
}
