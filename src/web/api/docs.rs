//! The OpenAPI document (`/api/v1/openapi.json`, from the handlers' `utoipa` annotations)
//! and a readable page made from it on the server (`/api/v1/docs`: no JavaScript, no CDN).

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::{
    annual, batches, directories, followups, log, officers, public, reviews, stats, views,
};
use crate::pages::chart::escape;
use crate::pages::model;
use crate::web::error;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `shuangsui user add NAME --role corps|officer|auditor|reviewer`",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shuangsui API",
        description = "双随机、一公开 inspection draws: directories, batches, the draw (exactly once), results, publication, bundles and the hash-audited log. Public routes need no token and show every batch from its commitment on (targets and results once published); the others need `Authorization: Bearer TOKEN` and a role: corps, officer (own assignments only), auditor (read only) or reviewer (approves or returns results before publication). Every error has the shape {\"error\": {\"status\", \"code\", \"message\"}}."
    ),
    modifiers(&Security),
    paths(
        public::batches, public::batch_page, public::bundle, public::search, public::result_codes,
        annual::list, annual::get, stats::public, stats::all,
        log::checkpoint, log::key, log::proof,
        officers::me, officers::assignments, officers::record, officers::form,
        directories::current, directories::versions, directories::upload,
        batches::list, batches::get, batches::create, batches::commit, batches::draw,
        batches::withdraw, batches::publish, batches::auditor_bundle, batches::dispatch_xlsx,
        reviews::awaiting, reviews::approve, reviews::return_result,
        followups::of_batch, followups::list, followups::measure, followups::close,
    ),
    components(schemas(
        error::ErrorBody, error::ErrorDetail,
        model::BatchPage, model::HomePage, model::SearchPage, model::SearchHit, model::BatchSummary,
        model::TargetView, model::ResultView, model::CodeView, model::MatterView, model::StratumView,
        model::ChartData, model::ChartBar, model::DeadlineView,
        views::BatchView, views::BatchDetail, views::SnapshotView, views::ImportView,
        views::DrawRequest, views::WithdrawRequest, views::ResultRequest, views::MeView, crate::app::checklists::FormView,
        views::AssignmentView, views::CheckpointView, views::LogKeyView, crate::app::log::Proof,
        views::CategoryView, views::CodeListView, views::RuleView,
        views::ReturnRequest, views::ReviewView, crate::app::reviews::Progress,
        annual::AnnualPlanView, crate::annual::report::AnnualReport, crate::annual::report::VersionView,
        crate::annual::report::FloorView, crate::annual::report::PlannedBatch,
        crate::annual::coverage::Coverage, crate::annual::coverage::CoverageRow, crate::annual::coverage::Repeat,
        crate::stats::YearStats, crate::stats::BatchCounts, crate::stats::TargetCounts,
        crate::stats::TimelinessCounts, crate::stats::CategoryCount, crate::stats::BatchLine,
        views::MeasureRequest, views::ClosureRequest, crate::domain::followup::Counts,
        crate::app::followups::FollowUp, crate::app::followups::BatchFollowUps,
        crate::store::followups::MeasureRow, crate::store::followups::ClosureRow,
    )),
    tags(
        (name = "public", description = "No token: published batches, search, result categories, annual plans (年度抽查计划) with their coverage"),
        (name = "log", description = "The hash-audited log"),
        (name = "officers", description = "An officer's own assignments and results"),
        (name = "directories", description = "Directory snapshots and imports (corps)"),
        (name = "batches", description = "The batch lifecycle (corps; auditors read)"),
        (name = "bundles", description = "Exports with the log's evidence"),
        (name = "reviews", description = "Review before publication (审核): reviewers approve or return results"),
        (name = "followups", description = "Follow-ups of findings (后续处置 / 查处结果): the corps records measures and closures"),
    )
)]
pub struct ApiDoc;

/// `/api/v1/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// `/api/v1/docs`: every operation with its method, path, summary, roles and responses.
pub async fn page() -> Response {
    let api = ApiDoc::openapi();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>shuangsui API</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.5}\
         code{background:#f3f3f3;padding:0 .2em}.op{border-top:1px solid #ddd;padding:.5rem 0}\
         .m{display:inline-block;min-width:3.5rem;font-weight:bold}.lock{color:#a33}</style></head><body>",
    );
    html.push_str(&format!(
        "<h1>{} <small>{}</small></h1><p>{}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {}).</p>",
        escape(&api.info.title),
        escape(&api.info.version),
        escape(api.info.description.as_deref().unwrap_or_default()),
        "3.1"
    ));
    for (path, item) in &api.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            html.push_str(&format!(
                "<div class=\"op\"><span class=\"m\">{method}</span> <code>{}</code> {}<br>{}",
                escape(path),
                if secured {
                    "<span class=\"lock\">token</span>"
                } else {
                    "public"
                },
                escape(
                    op.description
                        .as_deref()
                        .or(op.summary.as_deref())
                        .unwrap_or_default()
                )
            ));
            let codes: Vec<String> = op.responses.responses.keys().map(|c| escape(c)).collect();
            html.push_str(&format!(
                "<br><small>responses: {}</small></div>",
                codes.join(", ")
            ));
        }
    }
    html.push_str("</body></html>");
    let mut r = html.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
