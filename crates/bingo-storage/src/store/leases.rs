//! Leases: a named lock held by one holder until it expires (a game's auto-draw, a console's
//! control of a game).

use super::Store;
use crate::conn::{on_conn, write_tx};
use crate::error::Result;
use crate::schema::leases;
use diesel::prelude::*;

impl Store {
    /// Takes or renews the lease `name` for `holder` until `now + ttl_ms`, if it is free,
    /// expired (`expires_at_ms <= now`) or already `holder`'s. Returns whether `holder` holds it
    /// now. Exactly one of several racing holders wins: an `INSERT ... ON CONFLICT DO NOTHING`
    /// followed by a conditional `UPDATE`, in one write transaction (`BEGIN IMMEDIATE` on SQLite;
    /// on PostgreSQL the conflicting insert waits for the other and the `UPDATE` re-checks its
    /// condition on the locked row).
    pub fn try_acquire_lease(&self, name: &str, holder: &str, ttl_ms: u64, now: i64) -> Result<bool> {
        let expires = now.saturating_add(i64::try_from(ttl_ms).unwrap_or(i64::MAX));
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, c => {
            let inserted = diesel::insert_into(leases::table)
                .values((leases::name.eq(name), leases::holder.eq(holder), leases::expires_at_ms.eq(expires)))
                .on_conflict_do_nothing()
                .execute(c)?;
            if inserted == 1 {
                return Ok(true);
            }
            let updated = diesel::update(
                leases::table
                    .filter(leases::name.eq(name))
                    .filter(leases::holder.eq(holder).or(leases::expires_at_ms.le(now))),
            )
            .set((leases::holder.eq(holder), leases::expires_at_ms.eq(expires)))
            .execute(c)?;
            Ok(updated == 1)
        })
    }

    /// Gives up the lease if `holder` holds it; whether it did.
    pub fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        let mut conn = self.conn()?;
        let n = on_conn!(&mut *conn, c => diesel::delete(
            leases::table.filter(leases::name.eq(name)).filter(leases::holder.eq(holder))
        )
        .execute(c))?;
        Ok(n > 0)
    }

    /// Gives up every lease named `prefix…` that `holder` holds (a console logging out lets go of
    /// every game it controls); how many.
    pub fn release_leases_of(&self, holder: &str, prefix: &str) -> Result<usize> {
        let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut conn = self.conn()?;
        Ok(on_conn!(&mut *conn, c => diesel::delete(
            leases::table.filter(leases::holder.eq(holder)).filter(leases::name.like(&pattern).escape('\\'))
        )
        .execute(c))?)
    }

    /// Who holds the lease at `now`, if anyone.
    pub fn lease_holder(&self, name: &str, now: i64) -> Result<Option<String>> {
        let mut conn = self.conn()?;
        Ok(on_conn!(&mut *conn, c => leases::table
            .filter(leases::name.eq(name))
            .filter(leases::expires_at_ms.gt(now))
            .select(leases::holder)
            .first::<String>(c)
            .optional())?)
    }
}
