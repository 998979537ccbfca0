//! A backup directory's text files, which `bingo restore` and the retention sweep read and which
//! may be foreign or edited: bytes -> the manifest (`Manifest::parse`), the `.sha256` lines
//! (`parse_checksums`), a file name (`parse_own_name`) and its time (`Stamp::parse_compact`). The
//! binary's own module, compiled in here as `config` is: it lives in the binary crate.
#![no_main]

#[allow(dead_code)] // Only the parsers are run here.
#[path = "../../crates/bingo/src/backup/format.rs"]
mod format;

use format::{checksum_line, parse_checksums, parse_own_name, Manifest, Stamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A manifest that reads is written back as `bingo backup` writes it and must read the same.
    if let Some(manifest) = Manifest::parse(data) {
        let again = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
        assert_eq!(Manifest::parse(&again).as_ref(), Some(&manifest));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pairs) = parse_checksums(text) {
        for (hash, name) in pairs {
            assert!(hash.len() == 64 && hash.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
            // The line the tool writes for a name it could have written reads back the same.
            if !name.chars().any(char::is_control) {
                assert_eq!(parse_checksums(&checksum_line(&hash, &name)), Ok(vec![(hash, name)]));
            }
        }
    }
    if let Some(own) = parse_own_name(text) {
        assert_eq!(format!("{}{}", own.dump, own.suffix), text);
        assert_eq!(Stamp::parse_compact(&own.stamp.compact()), Some(own.stamp));
    }
    if let Some(stamp) = Stamp::parse_compact(text) {
        assert_eq!(Stamp::parse_compact(&stamp.compact()), Some(stamp));
        let _ = stamp.rfc3339();
    }
});
