use crate::error::ValidationError;

/// Free text that must be present: trimmed, non-empty, bounded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredText(String);

impl RequiredText {
    pub fn parse(field: &'static str, raw: &str, max_chars: usize) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::Required { field });
        }
        if trimmed.chars().count() > max_chars {
            return Err(ValidationError::TooLong { field, max: max_chars });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequiredText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text that may be absent; blank input counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OptionalText(Option<String>);

impl OptionalText {
    pub fn parse(field: &'static str, raw: Option<&str>, max_chars: usize) -> Result<Self, ValidationError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(Self(None)),
            Some(text) => RequiredText::parse(field, text, max_chars).map(|t| Self(Some(t.0))),
        }
    }

    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The text, or "" when there is none (for views and messages, where absent and empty read the same).
    pub fn or_empty(&self) -> &str {
        self.0.as_deref().unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}
