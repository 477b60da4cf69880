//! The OpenAPI document (`/api/v1/openapi.json`), from the handlers' `utoipa` annotations
//! (each with a summary line and a description; request bodies with examples from
//! `examples`) and two modifiers: the bearer token scheme, and the one error shape's
//! description and example on every error response (`ERRORS`). `docs_page` renders it.

use axum::Json;
use serde_json::json;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Response};

use super::{
    annual, batches, directories, followups, log, officers, public, reviews, stats, views,
};
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

/// What each error status means here: its `code` in the body, when it is answered, and an
/// example message.
pub const ERRORS: &[(&str, &str, &str, (&str, &str))] = &[
    (
        "400",
        "bad_request",
        "The request cannot be read: a control character in the address, an unreadable body, a form without its file part.",
        crate::web::upload::NO_FILE_PART,
    ),
    (
        "401",
        "unauthenticated",
        "No token, or a token that is not valid (malformed, unknown or revoked).",
        (
            "这个接口需要令牌：Authorization: Bearer TOKEN",
            "this route needs a token: Authorization: Bearer TOKEN",
        ),
    ),
    (
        "403",
        "forbidden",
        "The token's role may not use this route.",
        (
            "角色 officer 不能使用这个接口（仅限 corps）",
            "role officer may not use this route (it is for corps)",
        ),
    ),
    (
        "404",
        "not_found",
        "No such thing, or nothing the caller may see (the same answer for both).",
        ("没有批次 SH-MZ-2026-XX-01", "no batch 'SH-MZ-2026-XX-01'"),
    ),
    (
        "409",
        "refused",
        "Refused in the current state; the message says why.",
        (
            "批次 SH-MZ-2026-YL-01 为已抽取，不是草稿：一个批次只承诺一次",
            "batch SH-MZ-2026-YL-01 is drawn, not a draft: a batch is committed once",
        ),
    ),
    (
        "413",
        "payload_too_large",
        "The body is larger than the limit.",
        (
            "请求体过大（上传文件至多 268435456 字节）",
            "request body too large (an upload is at most 268435456 bytes)",
        ),
    ),
    (
        "422",
        "invalid",
        "The input breaks a rule; the message says which and `field` names the field (an import: every bad row, code `import_rejected`).",
        (
            "检查日期 2026-13-01 无效：应为 YYYY-MM-DD 格式的日期",
            "inspected_on '2026-13-01': a date YYYY-MM-DD",
        ),
    ),
];

/// Every secured operation may answer 401; every error response gets the meaning of its
/// status and an example body of the one error shape.
struct Errors;

impl utoipa::Modify for Errors {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        for item in api.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                describe_errors(op);
            }
        }
    }
}

fn describe_errors(op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    if secured && !op.responses.responses.contains_key("401") {
        let mut unauthenticated = Response::new("");
        unauthenticated.content.insert(
            "application/json".into(),
            utoipa::openapi::Content::new(Some(RefOr::Ref(
                utoipa::openapi::Ref::from_schema_name("ErrorBody"),
            ))),
        );
        op.responses
            .responses
            .insert("401".into(), RefOr::T(unauthenticated));
    }
    for (status, response) in op.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let Some((_, code, meaning, message)) = ERRORS.iter().find(|e| e.0 == status) else {
            continue;
        };
        if response.description.is_empty() {
            response.description = (*meaning).to_string();
        }
        for content in response.content.values_mut() {
            if content.example.is_none() {
                content.example = Some(json!({"error": {
                    "status": status.parse::<u16>().unwrap_or_default(),
                    "code": code,
                    "message": message.0,
                    "message_en": message.1,
                }}));
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shuangsui API",
        description = "双随机、一公开 inspection draws: directories, batches, the draw (exactly once), results, publication, bundles and the hash-audited log. Public routes need no token and show every batch from its commitment on (targets and results once published); the others need `Authorization: Bearer TOKEN` and a role: corps, officer (own assignments only), auditor (read only) or reviewer (approves or returns results before publication). Every error has the shape {\"error\": {\"status\", \"code\", \"message\", \"message_en\", \"field\"}}: a stable code, the message in Chinese and in English, and the field it is about when there is one."
    ),
    modifiers(&Security, &Errors),
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
