//! A game's report (docs/REPORT.md): its figures as JSON for the Console's printable page, and
//! as CSV for a spreadsheet. Both are derived from the game's ledger, as `bingo verify --ledger
//! FILE --report-csv OUT` derives them from the exported file, so the two CSVs are the same bytes.

use super::games::{game_id, GamePath};
use crate::auth::Admin;
use crate::error::Body as ErrorBody;
use crate::{ApiResult, ApiState};
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpResponse};
use bingo_core::report::{to_csv, Report};

/// The game's report: the game, the cards issued by channel, the balls, every prize paid and to
/// whom, what the house kept, the claims, the commitment and (once revealed) the seed.
#[utoipa::path(tag = "console", operation_id = "report", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "The report, derived from the game's ledger.", body = Report),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/report")]
pub async fn game_report(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<GamePath>,
) -> ApiResult<HttpResponse> {
    let report = state.service.report(&game_id(&path.id)?).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The game's report as one CSV table (RFC 4180; a `section` column says what each row is), as a
/// file to download. Cells a spreadsheet would run as a formula start with an apostrophe.
#[utoipa::path(tag = "console", operation_id = "report_csv", security(("adminBearer" = [])), params(GamePath), responses(
    (status = 200, description = "The report as CSV (UTF-8, CRLF line ends).", body = String, content_type = "text/csv",
        headers(("Content-Disposition" = String, description = "attachment; filename=\"bingo-report-<id>.csv\""))),
    (status = 404, description = "`not_found`: no such game.", body = ErrorBody),
))]
#[get("/api/v1/games/{id}/report.csv")]
pub async fn game_report_csv(
    state: web::Data<ApiState>,
    _admin: Admin,
    path: web::Path<GamePath>,
) -> ApiResult<HttpResponse> {
    let id = game_id(&path.id)?;
    let report = state.service.report(&id).await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        // The id is checked hex, so the name needs no escaping.
        parameters: vec![DispositionParam::Filename(format!("bingo-report-{id}.csv"))],
    };
    Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").insert_header(disposition).body(to_csv(&report)))
}
