//! The server's settings file (`--config`, TOML): bytes -> `ServerArgs` (toml, as
//! `ServerArgs::resolve` reads the file), then resolved into a `Config`, which checks each value
//! (addresses, URLs, trusted proxies, ranges). The binary's own module, compiled in here: it lives
//! in the binary crate, which a fuzz target cannot depend on.
#![no_main]

#[allow(dead_code)] // Only the file's parsing and resolution are run here.
#[path = "../../crates/bingo/src/server/config.rs"]
mod config;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut args) = toml::from_str::<config::ServerArgs>(text) else {
        return;
    };
    // Files named in the settings are not opened from here, and the defaults that would read
    // /etc/hostname or the CPU count are given, so that a run does no I/O.
    args.database_url_file = None;
    args.redis_url_file = None;
    args.admin_passphrase_file = None;
    args.node_id.get_or_insert_with(|| "fuzz".into());
    args.workers.get_or_insert(1);
    let _ = args.resolve("fuzz");
});
