//! A game's name, as the caller typed it ("Charity night – game 1"): shown on the Console, the
//! Screen and the phones. It is untrusted text: the rule keeps it to one short line of printable
//! characters, and the apps show it as text, never as HTML.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The longest name, in characters (a Screen's title line, a phone's header).
pub const MAX_NAME_CHARS: usize = 80;

/// A game's name: trimmed, at most [`MAX_NAME_CHARS`] characters, no control characters (no line
/// breaks, tabs or escapes). Empty when the caller gave none (games made before names, too).
/// Checked when parsed, so a config holding one always holds a good one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GameName(String);

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GameNameError {
    #[error("a game's name is at most {MAX_NAME_CHARS} characters, got {0}")]
    TooLong(usize),
    #[error("a game's name cannot contain control characters (line breaks, tabs)")]
    ControlCharacter,
}

impl GameName {
    /// `text` trimmed, if it keeps to the rule.
    pub fn parse(text: &str) -> Result<GameName, GameNameError> {
        let name = text.trim();
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(GameNameError::TooLong(chars));
        }
        if name.chars().any(char::is_control) {
            return Err(GameNameError::ControlCharacter);
        }
        Ok(GameName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<String> for GameName {
    type Error = GameNameError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        GameName::parse(&text)
    }
}

impl From<GameName> for String {
    fn from(name: GameName) -> String {
        name.0
    }
}

impl std::fmt::Display for GameName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_short_printable_lines() {
        assert_eq!(GameName::parse("  Charity night – game 1 ").map(String::from), Ok("Charity night – game 1".into()));
        assert_eq!(GameName::parse("   ").map(String::from), Ok(String::new()));
        assert_eq!(GameName::parse(&"é".repeat(MAX_NAME_CHARS)).map(|n| n.as_str().chars().count()), Ok(80));
        assert_eq!(GameName::parse(&"x".repeat(MAX_NAME_CHARS + 1)), Err(GameNameError::TooLong(81)));
        for bad in ["two\nlines", "tab\there", "bell\u{7}", "esc\u{1b}[31m", "c1\u{85}inside"] {
            assert_eq!(GameName::parse(bad), Err(GameNameError::ControlCharacter), "{bad:?}");
        }
        // Markup is text: it is kept as typed, and the apps never read it as HTML.
        assert_eq!(GameName::parse("<b>Bingo</b>").map(String::from), Ok("<b>Bingo</b>".into()));
    }

    #[test]
    fn a_name_is_checked_when_parsed_from_json() {
        let name: GameName = serde_json::from_str(r#"" Friday ""#).expect("a good name");
        assert_eq!(name.as_str(), "Friday");
        assert_eq!(serde_json::to_string(&name).expect("json"), r#""Friday""#);
        let err = serde_json::from_str::<GameName>(r#""a\nb""#).expect_err("a line break");
        assert!(err.to_string().contains("control characters"), "{err}");
    }
}
