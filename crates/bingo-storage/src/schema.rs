//! The tables, one portable description for both backends (the migrations in
//! `migrations/sqlite` and `migrations/postgres` create them with each database's spelling of
//! the same types: TEXT, BIGINT, BOOLEAN, BLOB/BYTEA).

diesel::table! {
    games (id) {
        id -> Text,
        join_code -> Text,
        kind -> Text,
        state -> Text,
        seed -> Binary,
        commitment -> Text,
        epoch -> Text,
        last_seq -> BigInt,
        next_serial -> BigInt,
        auto_draw -> Bool,
        next_draw_at_ms -> Nullable<BigInt>,
        created_at_ms -> BigInt,
        updated_at_ms -> BigInt,
        name -> Text,
        announcement -> Nullable<Text>,
        session_id -> Nullable<Text>,
        session_position -> Nullable<BigInt>,
    }
}

diesel::table! {
    events (game_id, seq) {
        game_id -> Text,
        seq -> BigInt,
        at_ms -> BigInt,
        kind -> Text,
        payload -> Text,
        prev_hash -> Binary,
        hash -> Binary,
    }
}

diesel::table! {
    players (id) {
        id -> Text,
        game_id -> Text,
        nickname -> Text,
        token_hash -> Binary,
        recovery_code_hash -> Binary,
        created_at_ms -> BigInt,
    }
}

diesel::table! {
    cards (game_id, serial) {
        game_id -> Text,
        serial -> BigInt,
        player_id -> Nullable<Text>,
        issued_at_ms -> BigInt,
    }
}

diesel::table! {
    daubs (player_id, serial, number) {
        player_id -> Text,
        serial -> BigInt,
        number -> BigInt,
    }
}

diesel::table! {
    admin (id) {
        id -> BigInt,
        passphrase_hash -> Text,
        updated_at_ms -> BigInt,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Binary,
        created_at_ms -> BigInt,
        expires_at_ms -> BigInt,
    }
}

diesel::table! {
    leases (name) {
        name -> Text,
        holder -> Text,
        expires_at_ms -> BigInt,
    }
}

diesel::table! {
    hall_sessions (id) {
        id -> Text,
        name -> Text,
        plan -> Text,
        created_at_ms -> BigInt,
        interval_until_ms -> Nullable<BigInt>,
    }
}

diesel::table! {
    session_templates (name) {
        name -> Text,
        plan -> Text,
        updated_at_ms -> BigInt,
    }
}

diesel::table! {
    snowball (id) {
        id -> Text,
        pot -> BigInt,
        in_play_game -> Nullable<Text>,
    }
}

diesel::joinable!(events -> games (game_id));
diesel::joinable!(players -> games (game_id));
diesel::joinable!(cards -> games (game_id));
diesel::joinable!(daubs -> players (player_id));

diesel::allow_tables_to_appear_in_same_query!(
    games,
    events,
    players,
    cards,
    daubs,
    admin,
    sessions,
    leases,
    hall_sessions,
    session_templates,
    snowball
);
