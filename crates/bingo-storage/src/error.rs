//! The one error type of the storage, shaped so the API can map each variant to an HTTP status.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What went wrong. Nothing in this crate panics; every failure is one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist (HTTP 404).
    #[error("{what} {key:?} not found")]
    NotFound { what: &'static str, key: String },
    /// Another writer got there first, or a unique value is taken (HTTP 409). See [`ConflictKind`].
    #[error("conflict: {message}")]
    Conflict { kind: ConflictKind, message: String },
    /// The database cannot be reached, the pool is exhausted, SQLite stayed locked past its busy
    /// timeout, or the disk is full (HTTP 503; retrying later may succeed).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Stored data does not parse or does not add up: a payload that is not an event, a broken
    /// hash chain, a hash of the wrong length (HTTP 500; needs a person).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The caller passed something the storage refuses: an unsupported URL, events whose sequence
    /// numbers do not continue the log, a number out of range (HTTP 400 or 500: a caller bug).
    #[error("invalid request to storage: {0}")]
    Invalid(String),
    /// Anything else the database reported.
    #[error("storage error: {0}")]
    Other(String),
}

/// Which kind of [`StoreError::Conflict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictKind {
    /// `append_events` was told the log ended at `expected`, but it ends at `actual`: another
    /// writer appended first. Reload the game and try again.
    StaleLog { expected: u64, actual: u64 },
    /// The join code is already used by an unfinished game: pick another.
    JoinCodeTaken,
    /// Another unique value (an id, a token hash, a recovery code hash) is taken.
    Duplicate,
    /// The database aborted the transaction because of a concurrent one (serialization failure):
    /// try again.
    Concurrent,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        StoreError::NotFound { what, key: key.into() }
    }

    pub(crate) fn conflict(kind: ConflictKind, message: impl Into<String>) -> Self {
        StoreError::Conflict { kind, message: message.into() }
    }
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StoreError::not_found("row", ""),
            DieselError::DatabaseError(kind, info) => {
                let message = info.message().to_string();
                let mentions =
                    |word: &str| message.contains(word) || info.constraint_name().is_some_and(|c| c.contains(word));
                match kind {
                    DatabaseErrorKind::UniqueViolation if mentions("join_code") => {
                        StoreError::conflict(ConflictKind::JoinCodeTaken, "the join code is used by an unfinished game")
                    }
                    DatabaseErrorKind::UniqueViolation => StoreError::conflict(ConflictKind::Duplicate, message),
                    DatabaseErrorKind::SerializationFailure => StoreError::conflict(ConflictKind::Concurrent, message),
                    DatabaseErrorKind::ClosedConnection => StoreError::Unavailable(message),
                    DatabaseErrorKind::ForeignKeyViolation
                    | DatabaseErrorKind::NotNullViolation
                    | DatabaseErrorKind::CheckViolation => StoreError::Invalid(message),
                    _ if is_busy(&message) => StoreError::Unavailable(message),
                    _ if is_disk_full(&message) => StoreError::Unavailable(format!("the disk is full ({message})")),
                    _ => StoreError::Other(message),
                }
            }
            DieselError::DeserializationError(e) => StoreError::Corrupt(e.to_string()),
            other => StoreError::Other(other.to_string()),
        }
    }
}

/// SQLite's "database is locked" / "database is busy" after the busy timeout, and PostgreSQL's
/// messages for a lost server.
fn is_busy(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["database is locked", "database is busy", "terminating connection", "server closed the connection"]
        .iter()
        .any(|needle| m.contains(needle))
}

/// SQLite's SQLITE_FULL and PostgreSQL's disk_full (53100): nothing was written, and the write
/// succeeds once space is freed, so the caller is told so rather than given a 500.
fn is_disk_full(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("database or disk is full") || m.contains("no space left on device")
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(e: diesel::ConnectionError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}
