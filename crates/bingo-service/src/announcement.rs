//! Announcements: what the caller tells the hall ("Eyes down in 5 minutes", "Last orders"),
//! shown by the Screen and every phone until replaced or cleared.
//!
//! An announcement is news, not history: it is not an event of the log (the ledger is the draw's
//! record, and a raffle notice has no place in it). It is kept on the game's row instead, because
//! a client connecting later must see it: a restarted node loads it with the game, another node
//! (realtime nodes behind Redis) follows the bus update and, after a missed notice, re-reads it
//! with the game's row (`refresh_cached`). Every snapshot (welcome, resync, the Screen's
//! `GET /api/v1/screen/{join_code}`) carries it.

use super::{Result, Service, ServiceError};

/// The longest announcement, in characters (two lines on a phone, one banner on the Screen).
pub const ANNOUNCEMENT_MAX_CHARS: usize = 200;

/// The announcement as stored: `raw` trimmed, `None` when blank (blank clears), refused when over
/// [`ANNOUNCEMENT_MAX_CHARS`] characters or holding control characters (line breaks, tabs,
/// escapes): one line of plain text, shown as text.
pub fn announcement_text(raw: Option<&str>) -> Result<Option<String>> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let chars = text.chars().count();
    if chars > ANNOUNCEMENT_MAX_CHARS {
        return Err(ServiceError::Invalid(format!(
            "an announcement is at most {ANNOUNCEMENT_MAX_CHARS} characters, got {chars}"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(ServiceError::Invalid(
            "an announcement cannot contain control characters (line breaks, tabs)".into(),
        ));
    }
    Ok(Some(text.to_string()))
}

impl Service {
    /// Shows `text` on the game's Screen and phones, replacing what was shown (`None` or blank
    /// clears it), in any state of the game. Stored first, then published.
    pub async fn set_announcement(&self, game_id: &str, text: Option<&str>) -> Result<()> {
        let text = announcement_text(text)?;
        let live = self.live(game_id).await?;
        // The lock is held from the write to the publication, so that two consoles announcing at
        // once publish in the order they were stored: the last one heard is the one kept.
        let mut live = live.lock().await;
        let (id, stored) = (game_id.to_string(), text.clone());
        self.blocking(move |s| s.set_announcement(&id, stored.as_deref())).await?;
        live.meta.announcement = text.clone();
        self.publish_update(game_id, bingo_bus::Update::Announcement { text }).await;
        Ok(())
    }

    /// Notes an announcement published on the bus (by this node or another).
    pub(crate) async fn follow_announcement(&self, game_id: &str, text: Option<String>) {
        if let Some(live) = self.cached(game_id) {
            live.lock().await.meta.announcement = text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_are_trimmed_single_lines_and_blank_clears() {
        assert_eq!(
            announcement_text(Some("  Eyes down in 5 minutes ")).ok(),
            Some(Some("Eyes down in 5 minutes".into()))
        );
        assert_eq!(announcement_text(None).ok(), Some(None));
        assert_eq!(announcement_text(Some(" \u{3000} ")).ok(), Some(None), "blank (any white space) clears");
        let longest = "é".repeat(ANNOUNCEMENT_MAX_CHARS);
        assert_eq!(announcement_text(Some(&longest)).ok(), Some(Some(longest.clone())));
        let too_long = "x".repeat(ANNOUNCEMENT_MAX_CHARS + 1);
        for bad in [too_long.as_str(), "two\nlines", "tab\there", "esc\u{1b}[31m", "c1\u{85}inside"] {
            assert!(matches!(announcement_text(Some(bad)), Err(ServiceError::Invalid(_))), "{bad:?}");
        }
    }
}
