//! The one error type of the API. Every failure becomes a status and a stable JSON body:
//! `{"error": {"code": "...", "message": "..."}}`. Codes are part of the API; messages are for
//! people and may change.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use bingo_service::{ErrorCode, ServiceError};
use serde::Serialize;
use std::fmt;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header (429s).
    pub retry_after: Option<u64>,
}

/// Every failure: a status and this body, with a stable code. Bad input of any kind is a 4xx.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub(crate) struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorDetail)]
pub(crate) struct Inner<'a> {
    /// Stable, machine-readable: bad_request, unauthorized, forbidden, not_found,
    /// method_not_allowed, payload_too_large, invalid, conflict, rate_limited, invalid_game,
    /// no_such_card, wrong_state, wrong_mode, out_of_range, already_called, cannot_void,
    /// all_balls_drawn, final_stage_won, card_not_issued, sales_closed, already_issued,
    /// corrupt_log, unavailable, not_ready, upgrade_required, draining, bad_handshake, internal.
    #[schema(examples("not_found"))]
    code: &'a str,
    /// For people; may change.
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 429, saying when to try again.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let secs = crate::rate::retry_after_secs(wait);
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; try again in {secs} s"),
        );
        error.retry_after = Some(secs);
        error
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "request failed");
        }
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, secs));
        }
        response.json(Body { error: Inner { code: self.code, message: &self.message } })
    }
}

/// The HTTP status of each service error code.
fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::NotFound | ErrorCode::NoSuchCard | ErrorCode::CardNotIssued => StatusCode::NOT_FOUND,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Invalid | ErrorCode::InvalidGame | ErrorCode::OutOfRange => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Conflict
        | ErrorCode::WrongState
        | ErrorCode::WrongMode
        | ErrorCode::AlreadyCalled
        | ErrorCode::CannotVoid
        | ErrorCode::AllBallsDrawn
        | ErrorCode::FinalStageWon
        | ErrorCode::SalesClosed
        | ErrorCode::AlreadyIssued => StatusCode::CONFLICT,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::CorruptLog | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let code = e.code();
        let status = status_of(code);
        // Internal details stay in the log, not in the response.
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "internal error");
            "something went wrong on the server; the error is logged".to_string()
        } else {
            e.to_string()
        };
        ApiError { status, code: code.as_str(), message, retry_after: None }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
