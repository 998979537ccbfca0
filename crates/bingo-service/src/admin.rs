//! The caller: the admin passphrase, console sessions, and which console controls a game.

use super::secrets::{new_token, random_code, token_hash};
use super::{now_ms, Result, Service, ServiceError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// How long a console login lasts.
pub const SESSION_MS: i64 = 12 * 60 * 60 * 1000;
/// How long a console keeps control of a game without sending a command.
pub const CONTROL_MS: u64 = 30 * 60 * 1000;
const GENERATED_PASSPHRASE_GROUPS: usize = 4;

/// A logged-in console.
#[derive(Clone, Debug)]
pub struct AdminSession {
    /// A stable, non-secret id of the session (from its token hash).
    pub id: String,
}

fn hash_passphrase(passphrase: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&super::secrets::random_bytes::<16>()?)
        .map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hashing the passphrase: {e}")))
}

const CONTROL_PREFIX: &str = "control:";

/// A console session's id (the holder of its control leases): the start of its token's hash.
fn session_id(token_hash: &[u8; 32]) -> String {
    hex::encode(&token_hash[..8])
}

fn control_lease(game_id: &str) -> String {
    format!("{CONTROL_PREFIX}{game_id}")
}

impl Service {
    /// Makes sure an admin passphrase exists. With `configured` (from a file), that passphrase
    /// is stored; otherwise, on the very first start, one is generated and returned, to be shown
    /// once. Returns `None` when nothing new needs showing.
    pub async fn ensure_admin(&self, configured: Option<String>) -> Result<Option<String>> {
        if let Some(passphrase) = configured {
            let passphrase = passphrase.trim().to_string();
            if passphrase.chars().count() < 8 {
                return Err(ServiceError::Invalid("the admin passphrase needs at least 8 characters".into()));
            }
            let hash = hash_passphrase(&passphrase)?;
            self.blocking(move |s| s.set_admin_passphrase_hash(&hash, now_ms())).await?;
            return Ok(None);
        }
        if self.blocking(|s| s.admin_passphrase_hash()).await?.is_some() {
            return Ok(None);
        }
        let groups: Vec<String> =
            (0..GENERATED_PASSPHRASE_GROUPS).map(|_| random_code(5)).collect::<std::result::Result<_, _>>()?;
        let passphrase = groups.join("-").to_lowercase();
        let hash = hash_passphrase(&passphrase)?;
        self.blocking(move |s| s.set_admin_passphrase_hash(&hash, now_ms())).await?;
        Ok(Some(passphrase))
    }

    /// Logs a console in; returns its bearer token.
    pub async fn login(&self, passphrase: &str) -> Result<String> {
        let stored = self.blocking(|s| s.admin_passphrase_hash()).await?;
        let refused = || ServiceError::Unauthorized("wrong passphrase".into());
        let stored = stored.ok_or_else(refused)?;
        let passphrase = passphrase.trim().to_string();
        // argon2 takes tens of milliseconds: keep it off the async workers.
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored)
                .map(|h| Argon2::default().verify_password(passphrase.as_bytes(), &h).is_ok())
                .unwrap_or(false)
        })
        .await?;
        if !ok {
            return Err(refused());
        }
        let token = new_token()?;
        let hash = token_hash(&token);
        let now = now_ms();
        self.blocking(move |s| s.create_session(&hash, now, now + SESSION_MS)).await?;
        Ok(token)
    }

    /// The console session a bearer token belongs to.
    pub async fn admin_session(&self, token: &str) -> Result<AdminSession> {
        let hash = token_hash(token);
        let now = now_ms();
        if self.blocking(move |s| s.session_valid(&hash, now)).await? {
            Ok(AdminSession { id: session_id(&hash) })
        } else {
            Err(ServiceError::Unauthorized("the console session is not valid or has expired; log in again".into()))
        }
    }

    /// Ends the console session and lets go of every game it controlled, so that the caller who
    /// logs in again (a new session) runs them without "take over control".
    pub async fn logout(&self, token: &str) -> Result<()> {
        let hash = token_hash(token);
        let holder = session_id(&hash);
        self.blocking(move |s| {
            s.delete_session(&hash)?;
            s.release_leases_of(&holder, CONTROL_PREFIX)
        })
        .await?;
        Ok(())
    }

    /// Makes `session` the console controlling the game, if no other console holds it.
    pub async fn require_control(&self, game_id: &str, session: &AdminSession) -> Result<()> {
        let (lease, holder, now) = (control_lease(game_id), session.id.clone(), now_ms());
        if self.blocking(move |s| s.try_acquire_lease(&lease, &holder, CONTROL_MS, now)).await? {
            Ok(())
        } else {
            Err(ServiceError::Conflict(
                "another console controls this game; take over control to run it from here".into(),
            ))
        }
    }

    /// Takes control of a game from whichever console had it.
    pub async fn take_control(&self, game_id: &str, session: &AdminSession) -> Result<()> {
        self.live(game_id).await?;
        let (lease, holder, now) = (control_lease(game_id), session.id.clone(), now_ms());
        self.blocking(move |s| {
            if let Some(current) = s.lease_holder(&lease, now)? {
                s.release_lease(&lease, &current)?;
            }
            if s.try_acquire_lease(&lease, &holder, CONTROL_MS, now)? {
                Ok(())
            } else {
                Err(bingo_storage::StoreError::Conflict {
                    kind: bingo_storage::ConflictKind::Concurrent,
                    message: "another console took control at the same moment; try again".into(),
                })
            }
        })
        .await
    }
}
