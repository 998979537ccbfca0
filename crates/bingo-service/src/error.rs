//! The service's errors. Each has a stable code; the API turns them into HTTP statuses and
//! `{"error": {"code", "message"}}` bodies, the realtime hub into `error` messages.

use bingo_core::GameError;
use bingo_storage::StoreError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Game(#[from] GameError),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

impl ServiceError {
    /// The stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Unauthorized(_) => "unauthorized",
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::Invalid(_) => "invalid",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::Game(e) => match e {
                GameError::InvalidConfig(_) | GameError::Pattern(_) => "invalid_game",
                GameError::Card(_) => "no_such_card",
                GameError::WrongState { .. } => "wrong_state",
                GameError::WrongMode { .. } => "wrong_mode",
                GameError::OutOfRange { .. } => "out_of_range",
                GameError::AlreadyCalled { .. } => "already_called",
                GameError::NothingToVoid | GameError::VoidAfterClaim { .. } => "cannot_void",
                GameError::AllBallsDrawn => "all_balls_drawn",
                GameError::FinalStageWon => "final_stage_won",
                GameError::NotIssued { .. } => "card_not_issued",
                GameError::SalesClosed { .. } => "sales_closed",
                GameError::AlreadyIssued { .. } => "already_issued",
                GameError::SeedMismatch | GameError::BadLog { .. } => "corrupt_log",
            },
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => ServiceError::NotFound(e.to_string()),
            StoreError::Conflict { .. } => ServiceError::Conflict(e.to_string()),
            StoreError::Unavailable(_) => ServiceError::Unavailable(e.to_string()),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<getrandom::Error> for ServiceError {
    fn from(e: getrandom::Error) -> Self {
        ServiceError::Internal(format!("the system's random number source failed: {e}"))
    }
}

impl From<tokio::task::JoinError> for ServiceError {
    fn from(e: tokio::task::JoinError) -> Self {
        ServiceError::Internal(format!("a storage task failed: {e}"))
    }
}
