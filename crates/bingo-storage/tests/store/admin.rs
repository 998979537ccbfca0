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
