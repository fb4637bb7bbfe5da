//! The identity alphabet shared by certificates, PSK identities and ACL usernames.
//!
//! A device or broker name becomes a file name (`issued/NAME.crt`), a certificate CN, a PSK
//! identity and, through `use_identity_as_username`, an MQTT username inside ACL patterns. The
//! alphabet is the intersection of what is safe in all of those places: no path separators, no
//! MQTT wildcards (`+`, `#`), no `:` (the PSK file separator), no whitespace.

mod template;

pub use template::{NameTemplate, TemplateError};

/// Longest accepted name. Mosquitto accepts longer identities, but file systems and
/// embedded devices are happier with short ones.
pub const MAX_NAME_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name is empty")]
    Empty,
    #[error("name {name:?} is longer than {MAX_NAME_LEN} characters")]
    TooLong { name: String },
    #[error("name {name:?} starts with '.'")]
    LeadingDot { name: String },
    #[error("name {name:?} contains {found}; allowed are A-Z a-z 0-9 . _ -")]
    BadCharacter { name: String, found: String },
}

/// Checks that `name` may be used as a certificate name, PSK identity and MQTT username.
pub fn validate(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if let Some(c) = name.chars().find(|c| !is_name_char(*c)) {
        return Err(NameError::BadCharacter {
            name: name.to_string(),
            found: describe_char(c),
        });
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong {
            name: name.to_string(),
        });
    }
    if name.starts_with('.') {
        return Err(NameError::LeadingDot {
            name: name.to_string(),
        });
    }
    Ok(())
}

pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn describe_char(c: char) -> String {
    match c {
        '/' => "'/' (a path separator)".into(),
        '+' | '#' => format!("'{c}' (an MQTT wildcard)"),
        ':' => "':' (the PSK file separator)".into(),
        c if c.is_whitespace() => "whitespace".into(),
        c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        c => format!("'{c}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_alphabet() {
        for ok in [
            "device-0001",
            "a",
            "Broker_1.local",
            "x".repeat(128).as_str(),
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_dangerous_names() {
        for bad in [
            "",
            ".hidden",
            "a/b",
            "dev+1",
            "dev#",
            "id:key",
            "has space",
            "tab\t",
            "nul\0",
            "é",
            "..",
        ] {
            assert!(validate(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(matches!(
            validate(&"x".repeat(129)),
            Err(NameError::TooLong { .. })
        ));
    }
}
