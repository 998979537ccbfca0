//! People's names as the game records them: a player's nickname, or the name a caller writes
//! down for a paper card's winner. Names come from strangers' phones and end up on the hall's
//! screen and in the ledger, so one rule holds everywhere: trimmed, 1 to `NAME_MAX_CHARS`
//! characters, no control characters.

/// The longest name, in characters (not bytes).
pub const NAME_MAX_CHARS: usize = 24;

/// Why a name is refused; the messages read after "a nickname" or "a winner's name".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("needs 1 to {NAME_MAX_CHARS} characters")]
    Length,
    #[error("cannot contain control characters")]
    Control,
}

/// The name as recorded: `raw` without surrounding spaces, if it keeps the rule.
pub fn person_name(raw: &str) -> Result<String, NameError> {
    let name = raw.trim();
    let count = name.chars().count();
    if count == 0 || count > NAME_MAX_CHARS {
        return Err(NameError::Length);
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::Control);
    }
    Ok(name.to_string())
}

/// Whether `name` is already in its recorded form (what a log replayed must hold).
pub fn is_recorded_form(name: &str) -> bool {
    person_name(name).is_ok_and(|tidy| tidy == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(person_name("  Ann  "), Ok("Ann".to_string()));
        assert_eq!(person_name(&"é".repeat(NAME_MAX_CHARS)), Ok("é".repeat(NAME_MAX_CHARS)));
        assert_eq!(person_name(&"é".repeat(NAME_MAX_CHARS + 1)), Err(NameError::Length));
        assert_eq!(person_name("   "), Err(NameError::Length));
        assert_eq!(person_name("A\u{7}nn"), Err(NameError::Control));
        assert_eq!(person_name("Ann\nBob"), Err(NameError::Control));
        assert!(is_recorded_form("Ann"));
        assert!(!is_recorded_form(" Ann"));
        assert!(!is_recorded_form(""));
    }
}
