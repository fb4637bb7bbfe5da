//! The identity alphabet shared by certificates, PSK identities and ACL usernames.
//!
//! A device or broker name becomes a file name (`issued/NAME.crt`), a certificate CN, a PSK
//! identity and, through `use_identity_as_username`, an MQTT username inside ACL patterns. The
//! alphabet is the intersection of what is safe in all of those places: no path separators, no
//! MQTT wildcards (`+`, `#`), no `:` (the PSK file separator), no whitespace.

mod template;

pub use template::{NameTemplate, TemplateError};

/// Longest accepted PSK identity. Mosquitto accepts longer identities, but file systems and
/// embedded devices are happier with short ones.
pub const MAX_NAME_LEN: usize = 128;

/// Longest name of a certificate: it becomes the CN, which X.520 limits to 64 characters
/// (pkilint calls a longer one fatal, and strict TLS stacks refuse it).
pub const MAX_CERT_NAME_LEN: usize = 64;

/// The most names one command or manifest handles: devices in a manifest, names in a
/// `--count` batch. Far beyond one batch of a factory line, and what fits in memory and time
/// on a small machine (a plan of a million devices takes seconds, not minutes).
pub const MAX_BATCH: u64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name is empty")]
    Empty,
    #[error("name {name:?} is longer than {max} characters{why}")]
    TooLong {
        name: String,
        max: usize,
        why: &'static str,
    },
    #[error("name {name:?} starts with '.'")]
    LeadingDot { name: String },
    #[error("name {name:?} contains {found}; allowed are A-Z a-z 0-9 . _ -")]
    BadCharacter { name: String, found: String },
}

/// Checks that `name` may be used as a PSK identity and MQTT username.
pub fn validate(name: &str) -> Result<(), NameError> {
    validate_up_to(name, MAX_NAME_LEN, "")
}

/// Checks that `name` may be used as a certificate name (its CN and file name) as well.
pub fn validate_cert_name(name: &str) -> Result<(), NameError> {
    validate_up_to(
        name,
        MAX_CERT_NAME_LEN,
        ", the most a certificate's CN may hold (X.520)",
    )
}

fn validate_up_to(name: &str, max: usize, why: &'static str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if let Some(c) = name.chars().find(|c| !is_name_char(*c)) {
        return Err(NameError::BadCharacter {
            name: name.to_string(),
            found: describe_char(c),
        });
    }
    if name.len() > max {
        return Err(NameError::TooLong {
            name: name.to_string(),
            max,
            why,
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
        assert!(validate_cert_name(&"x".repeat(64)).is_ok());
        let e = validate_cert_name(&"x".repeat(65)).unwrap_err().to_string();
        assert!(
            e.contains("longer than 64 characters") && e.contains("X.520"),
            "{e}"
        );
    }
}
