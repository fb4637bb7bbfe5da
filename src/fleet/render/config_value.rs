//! What may be written as a value into a broker configuration.
//!
//! Mosquitto reads its configuration line by line and takes the rest of a line as a value, and
//! EMQX's HOCON puts paths between double quotes. A newline in a path from the manifest, `--out`
//! or `--path-base` would therefore add directives of its author's choosing (`listener …`,
//! `allow_anonymous true`) to the broker's configuration, and a quote would end a HOCON string.
//! Every value is checked here before it is rendered, whatever checked it before.

/// Why a value cannot go into a configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeValue {
    #[error("it contains a line break")]
    LineBreak,
    #[error("it contains a control character")]
    Control,
    #[error("it starts or ends with whitespace, which Mosquitto strips")]
    Whitespace,
    #[error("it contains a double quote or a backslash, which would end or escape a quoted value")]
    Quote,
    #[error("it is empty")]
    Empty,
    #[error("it is not valid UTF-8, which Mosquitto refuses")]
    NotUtf8,
    #[error("it contains '#', which starts a comment in rabbitmq.conf")]
    Comment,
}

/// Checks a value for rabbitmq.conf, whose values end where a `#` comment starts.
pub fn check_rabbitmq_conf(value: &str) -> Result<(), UnsafeValue> {
    check(value)?;
    if value.contains('#') {
        return Err(UnsafeValue::Comment);
    }
    Ok(())
}

/// Checks one value for a Mosquitto or EMQX configuration.
pub fn check(value: &str) -> Result<(), UnsafeValue> {
    if value.is_empty() {
        return Err(UnsafeValue::Empty);
    }
    if value.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']) {
        return Err(UnsafeValue::LineBreak);
    }
    if value.chars().any(char::is_control) {
        return Err(UnsafeValue::Control);
    }
    if value.trim() != value {
        return Err(UnsafeValue::Whitespace);
    }
    if value.contains(['"', '\\']) {
        return Err(UnsafeValue::Quote);
    }
    // What a lossy conversion of a path that is not UTF-8 leaves behind.
    if value.contains('\u{fffd}') {
        return Err(UnsafeValue::NotUtf8);
    }
    Ok(())
}

/// Checks every string in `context` (anything serialisable), returning the first bad one.
pub fn check_all(context: &impl serde::Serialize) -> Result<(), (String, UnsafeValue)> {
    fn walk(v: &serde_json::Value) -> Result<(), (String, UnsafeValue)> {
        match v {
            serde_json::Value::String(s) => check(s).map_err(|why| (s.clone(), why)),
            serde_json::Value::Array(items) => items.iter().try_for_each(walk),
            serde_json::Value::Object(map) => map.values().try_for_each(walk),
            _ => Ok(()),
        }
    }
    match serde_json::to_value(context) {
        Ok(value) => walk(&value),
        Err(_) => Err((String::new(), UnsafeValue::Control)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_would_leave_its_line_or_quotes() {
        assert_eq!(check("/srv/fleet/pki/ca.crt"), Ok(()));
        assert_eq!(check("/srv/my fleet/ca.crt"), Ok(()));
        assert_eq!(
            check("pki\nuser root\nallow_anonymous true"),
            Err(UnsafeValue::LineBreak)
        );
        assert_eq!(check("a\rb"), Err(UnsafeValue::LineBreak));
        assert_eq!(check("a\u{1b}b"), Err(UnsafeValue::Control));
        assert_eq!(check(" a"), Err(UnsafeValue::Whitespace));
        assert_eq!(check("a\"b"), Err(UnsafeValue::Quote));
        assert_eq!(check(""), Err(UnsafeValue::Empty));
    }
}
