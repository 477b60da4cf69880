//! What an officer does: see their own assignments, record (or correct) the result of a
//! target in their team. Recording for any other target is refused by `app::results`.

use crate::domain::Message;
use crate::msg;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ApiJson;
use super::views::{AssignmentView, MeView, ResultRequest};
use crate::app::users::Role;
use crate::app::{batch, public, results};
use crate::pages::model::ResultView;
use crate::web::auth::Caller;
use crate::web::error::{ApiError, ApiResult};
use crate::web::state::AppState;

/// Who the token belongs to.
///
/// The user's name, role and (for an officer) card number. Any role.
#[utoipa::path(get, path = "/api/v1/me", tag = "officers",
    security(("token" = [])),
    responses((status = 200, body = MeView, description = "the caller", example = super::examples::me)))]
pub async fn me(caller: Caller) -> ApiResult<Json<MeView>> {
    let p = caller.require(&Role::ALL)?;
    Ok(Json(MeView {
        name: p.name.clone(),
        role: p.role.as_str().to_string(),
        card_no: p.card_no.clone(),
    }))
}

/// The calling officer's own assignments.
///
/// Newest draw first: each target in the officer's teams with its batch, sector, the id of
/// its result list and its standing result. For officers.
#[utoipa::path(get, path = "/api/v1/me/assignments", tag = "officers",
    security(("token" = [])),
    responses((status = 200, body = Vec<AssignmentView>, description = "the assignments"), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn assignments(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<AssignmentView>>> {
    let p = caller.require(&[Role::Officer])?;
    let card = p.card_no.as_deref().unwrap_or_default();
    let out = crate::app::tasks::of_officer(&state.app, card)
        .await?
        .into_iter()
        .map(|t| AssignmentView {
            batch_id: t.batch_id,
            batch_title: t.batch_title,
            batch_state: t.batch_state,
            sector: t.sector,
            result_codes: t.result_codes,
            target: t.target,
        })
        .collect();
    Ok(Json(out))
}

/// The header that makes a retry safe.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Set on the answer to a retry: the result was recorded by an earlier request.
pub const REPLAYED: &str = "idempotent-replayed";

/// The request's `Idempotency-Key`, if it has one (at most one, visible ASCII).
pub(super) fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<&str>> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::invalid(
            Message::new(
                "Idempotency-Key 只能给一次",
                "Idempotency-Key: give it once",
            )
            .on("Idempotency-Key"),
        ));
    }
    let key = value.to_str().map_err(|_| {
        ApiError::invalid(
            Message::new(
                "Idempotency-Key 应为 1 至 128 个可打印的 ASCII 字符，不含空格",
                "Idempotency-Key: 1 to 128 printable ASCII characters without spaces",
            )
            .on("Idempotency-Key"),
        )
    })?;
    Ok(Some(results::request_id(key)?))
}

/// Records the result of a target in the caller's team.
///
/// Or a correction (`corrects`) of the result that stands. A second result that is not a
/// correction is refused (409, naming the standing one). With an `Idempotency-Key` header
/// (1 to 128 printable ASCII characters, scoped to the batch and the caller), a retry
/// returns the first result (201 again, with `Idempotent-Replayed: true`) and adds
/// nothing; the same key with other content is 422. Anything not the caller's (no such
/// batch, not drawn, a target of another team, no target) is one and the same 404. For
/// officers.
#[utoipa::path(post, path = "/api/v1/batches/{id}/results", tag = "officers",
    security(("token" = [])),
    params(("id" = String, Path, description = "batch id"), ("Idempotency-Key" = Option<String>, Header, description = "makes a retry return the first result")),
    request_body(content = ResultRequest, description = "the result", example = super::examples::result),
    responses((status = 201, body = ResultView, description = "the result as recorded (or, for a retry, as first recorded)"), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ResultRequest>,
) -> ApiResult<Response> {
    let p = caller.require(&[Role::Officer])?;
    let key = idempotency_key(&headers)?;
    let card = p.card_no.as_deref().ok_or_else(|| {
        ApiError::forbidden(Message::new(
            "这个执法人员用户没有执法证号",
            "this officer's user has no card number",
        ))
    })?;
    let inspected_on = chrono::NaiveDate::parse_from_str(&request.inspected_on, "%Y-%m-%d")
        .map_err(|_| {
            let on = &request.inspected_on;
            ApiError::invalid(
                msg!(
                    "检查日期 {on} 无效：应为 YYYY-MM-DD 格式的日期",
                    "inspected_on '{on}': a date YYYY-MM-DD"
                )
                .on("inspected_on"),
            )
        })?;
    let report = results::Report {
        batch: &id,
        uscc: &request.uscc,
        officer: card,
        codes: &request.codes,
        note: &request.note,
        inspected_on,
        corrects: request.corrects,
        request: key,
        checklist: &request.checklist,
        asker: results::Asker::Officer,
    };
    let recorded = results::record(&state.app, &report, batch::china_today()).await?;
    state.refresh().await;
    let sector = crate::app::codes::sector_of(&state.app, &id, &recorded.row.uscc)
        .await?
        .unwrap_or_default();
    let mut response = (
        StatusCode::CREATED,
        Json(public::result_view(
            &state.app.codes,
            &sector,
            &recorded.row,
        )),
    )
        .into_response();
    if recorded.replayed {
        response
            .headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The empty form of a batch (检查表单).
///
/// The checklist of each of the batch's matters (items, legal basis, answers allowed,
/// content hash) and the template an officer fills and sends as a result's `checklist`.
/// The plan's matters are public from its commitment and the checklists are public: any
/// user may ask, and for a draft only the corps (to anyone else a draft answers as a batch
/// that does not exist).
#[utoipa::path(get, path = "/api/v1/batches/{id}/form", tag = "officers",
    security(("token" = [])), params(("id" = String, Path, description = "batch id")),
    responses((status = 200, body = crate::app::checklists::FormView, description = "the form"), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<crate::app::checklists::FormView>> {
    let who = caller.require(&[Role::Corps, Role::Officer, Role::Auditor, Role::Reviewer])?;
    let drafts = who.role == Role::Corps;
    Ok(Json(
        crate::app::checklists::form(&state.app, &id, drafts).await?,
    ))
}
