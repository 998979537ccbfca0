//! The admin passphrase and console sessions.

use super::Store;
use crate::conn::on_conn;
use crate::error::Result;
use crate::rows::NewSessionRow;
use crate::schema::{admin, sessions};
use diesel::dsl::count_star;
use diesel::prelude::*;

impl Store {
    /// The admin passphrase hash (a PHC string), if one was set.
    pub fn admin_passphrase_hash(&self) -> Result<Option<String>> {
        let mut conn = self.conn()?;
        Ok(on_conn!(&mut *conn, c => admin::table
            .find(1i64)
            .select(admin::passphrase_hash)
            .first::<String>(c)
            .optional())?)
    }

    /// Sets (or replaces) the admin passphrase hash.
    pub fn set_admin_passphrase_hash(&self, phc: &str, now: i64) -> Result<()> {
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => diesel::insert_into(admin::table)
            .values((admin::id.eq(1i64), admin::passphrase_hash.eq(phc), admin::updated_at_ms.eq(now)))
            .on_conflict(admin::id)
            .do_update()
            .set((admin::passphrase_hash.eq(phc), admin::updated_at_ms.eq(now)))
            .execute(c))?;
        Ok(())
    }

    /// Stores an admin session (by its token's hash) valid until `expires_at_ms`.
    pub fn create_session(&self, token_hash: &[u8; 32], now: i64, expires_at_ms: i64) -> Result<()> {
        let row = NewSessionRow { token_hash: &token_hash[..], created_at_ms: now, expires_at_ms };
        let mut conn = self.conn()?;
        on_conn!(&mut *conn, c => diesel::insert_into(sessions::table).values(&row).execute(c))?;
        Ok(())
    }

    /// Whether a session with this token hash exists and has not expired at `now`.
    pub fn session_valid(&self, token_hash: &[u8; 32], now: i64) -> Result<bool> {
        let mut conn = self.conn()?;
        let n: i64 = on_conn!(&mut *conn, c => sessions::table
            .filter(sessions::token_hash.eq(&token_hash[..]))
            .filter(sessions::expires_at_ms.gt(now))
            .select(count_star())
            .first(c))?;
        Ok(n > 0)
    }

    /// Ends a session (log out); whether it existed.
    pub fn delete_session(&self, token_hash: &[u8; 32]) -> Result<bool> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(sessions::table.find(&token_hash[..])).execute(c))?;
        Ok(n > 0)
    }

    /// Deletes sessions expired at `now`; how many.
    pub fn delete_expired_sessions(&self, now: i64) -> Result<u64> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(sessions::table.filter(sessions::expires_at_ms.le(now))).execute(c))?;
        Ok(n as u64)
    }
}
