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

/// The stable, machine-readable codes of [`ServiceError`]: `code` in the API's error bodies and
/// in the socket's `error` messages (docs/PROTOCOL.md), written in snake case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Unauthorized,
    Forbidden,
    Invalid,
    Conflict,
    InvalidGame,
    NoSuchCard,
    WrongState,
    WrongMode,
    OutOfRange,
    AlreadyCalled,
    CannotVoid,
    AllBallsDrawn,
    FinalStageWon,
    CardNotIssued,
    SalesClosed,
    AlreadyIssued,
    CorruptLog,
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::NotFound,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::Invalid,
        ErrorCode::Conflict,
        ErrorCode::InvalidGame,
        ErrorCode::NoSuchCard,
        ErrorCode::WrongState,
        ErrorCode::WrongMode,
        ErrorCode::OutOfRange,
        ErrorCode::AlreadyCalled,
        ErrorCode::CannotVoid,
        ErrorCode::AllBallsDrawn,
        ErrorCode::FinalStageWon,
        ErrorCode::CardNotIssued,
        ErrorCode::SalesClosed,
        ErrorCode::AlreadyIssued,
        ErrorCode::CorruptLog,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];

    /// The code as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InvalidGame => "invalid_game",
            ErrorCode::NoSuchCard => "no_such_card",
            ErrorCode::WrongState => "wrong_state",
            ErrorCode::WrongMode => "wrong_mode",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::AlreadyCalled => "already_called",
            ErrorCode::CannotVoid => "cannot_void",
            ErrorCode::AllBallsDrawn => "all_balls_drawn",
            ErrorCode::FinalStageWon => "final_stage_won",
            ErrorCode::CardNotIssued => "card_not_issued",
            ErrorCode::SalesClosed => "sales_closed",
            ErrorCode::AlreadyIssued => "already_issued",
            ErrorCode::CorruptLog => "corrupt_log",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

impl ServiceError {
    /// The stable, machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ServiceError::NotFound(_) => ErrorCode::NotFound,
            ServiceError::Unauthorized(_) => ErrorCode::Unauthorized,
            ServiceError::Forbidden(_) => ErrorCode::Forbidden,
            ServiceError::Invalid(_) => ErrorCode::Invalid,
            ServiceError::Conflict(_) => ErrorCode::Conflict,
            ServiceError::Game(e) => match e {
                GameError::InvalidConfig(_) | GameError::Pattern(_) => ErrorCode::InvalidGame,
                GameError::InvalidName(_) => ErrorCode::Invalid,
                GameError::Card(_) => ErrorCode::NoSuchCard,
                GameError::WrongState { .. } => ErrorCode::WrongState,
                GameError::WrongMode { .. } => ErrorCode::WrongMode,
                GameError::OutOfRange { .. } => ErrorCode::OutOfRange,
                GameError::AlreadyCalled { .. } => ErrorCode::AlreadyCalled,
                GameError::NothingToVoid | GameError::VoidAfterClaim { .. } => ErrorCode::CannotVoid,
                GameError::AllBallsDrawn => ErrorCode::AllBallsDrawn,
                GameError::FinalStageWon => ErrorCode::FinalStageWon,
                GameError::NotIssued { .. } => ErrorCode::CardNotIssued,
                GameError::SalesClosed { .. } => ErrorCode::SalesClosed,
                GameError::AlreadyIssued { .. } => ErrorCode::AlreadyIssued,
                GameError::SeedMismatch | GameError::BadLog { .. } => ErrorCode::CorruptLog,
            },
            ServiceError::Unavailable(_) => ErrorCode::Unavailable,
            ServiceError::Internal(_) => ErrorCode::Internal,
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

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_written_as_serde_writes_them() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::Value::from(code.as_str())));
        }
    }
}
