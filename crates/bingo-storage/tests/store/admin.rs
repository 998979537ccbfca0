//! The admin passphrase and sessions.

use crate::db::{TestDb, T};
use bingo_storage::{ConflictKind, StoreError};

both_backends!(passphrase_and_sessions);

fn passphrase_and_sessions(db: &TestDb) {
    let s = &db.store;
    assert_eq!(s.admin_passphrase_hash().expect("get"), None);
    s.set_admin_passphrase_hash("$argon2id$v=19$m=19456,t=2,p=1$one", T).expect("set");
    assert_eq!(s.admin_passphrase_hash().expect("get").as_deref(), Some("$argon2id$v=19$m=19456,t=2,p=1$one"));
    s.set_admin_passphrase_hash("$argon2id$v=19$m=19456,t=2,p=1$two", T + 1).expect("replace");
    assert_eq!(s.admin_passphrase_hash().expect("get").as_deref(), Some("$argon2id$v=19$m=19456,t=2,p=1$two"));

    let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    s.create_session(&a, T, T + 1000).expect("a");
    s.create_session(&b, T, T + 10).expect("b");
    assert!(matches!(s.create_session(&a, T, T + 5), Err(StoreError::Conflict { kind: ConflictKind::Duplicate, .. })));
    assert!(s.session_valid(&a, T + 5).expect("valid"));
    assert!(s.session_valid(&b, T + 9).expect("valid"));
    assert!(!s.session_valid(&b, T + 10).expect("expired at its expiry"));
    assert!(!s.session_valid(&c, T).expect("unknown"));
    assert_eq!(s.delete_expired_sessions(T + 10).expect("cleanup"), 1);
    assert_eq!(s.delete_expired_sessions(T + 10).expect("cleanup"), 0);
    assert!(s.session_valid(&a, T + 10).expect("still valid"));
    assert!(s.delete_session(&a).expect("logout"));
    assert!(!s.delete_session(&a).expect("gone"));
    assert!(!s.session_valid(&a, T).expect("gone"));
}

both_backends!(a_holder_lets_go_of_its_leases_by_prefix);

/// A console logging out releases the games it controls, and only those: not another console's,
/// not a lease of another kind, and a prefix's `_` or `%` matches only itself.
fn a_holder_lets_go_of_its_leases_by_prefix(db: &TestDb) {
    let s = &db.store;
    for (name, holder) in [
        ("control:g1", "me"),
        ("control:g2", "me"),
        ("control:g3", "other"),
        ("auto-draw:g1", "me"),
        ("controlXg4", "me"),
    ] {
        assert!(s.try_acquire_lease(name, holder, 60_000, T).expect("acquire"));
    }
    assert_eq!(s.release_leases_of("me", "control:").expect("release"), 2);
    assert_eq!(s.lease_holder("control:g1", T).expect("holder"), None);
    assert_eq!(s.lease_holder("control:g3", T).expect("holder").as_deref(), Some("other"));
    assert_eq!(s.lease_holder("auto-draw:g1", T).expect("holder").as_deref(), Some("me"));
    assert_eq!(s.release_leases_of("me", "control_").expect("a literal underscore"), 0);
    assert_eq!(s.lease_holder("controlXg4", T).expect("holder").as_deref(), Some("me"));
}
