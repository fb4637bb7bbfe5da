//! MQTT topic rules as RabbitMQ topic permissions on `amq.topic`.
//!
//! The RabbitMQ MQTT plugin (3.10) turns a topic into a routing key by replacing `/` with `.`
//! and `+` with `*`, and checks topic permissions — regular expressions — against that key: the
//! routing key of a publish (write), the binding key of a subscription (read). Two things follow:
//!
//! - a `.` in a topic is a level separator to RabbitMQ (`a.b/c` and `a/b/c` are the same key),
//!   and a level that is a literal `*` becomes a wildcard when subscribed to; neither can be
//!   granted without granting more than the rule says, so such rules are refused;
//! - a read permission is matched against the *filter* a device subscribes with, so its regular
//!   expression must accept every filter that selects a subset of the rule's topics (`a/x` and
//!   `a/+` under `a/#`) and no filter that selects more (`a/#` under `a/+`): a `+` in a rule
//!   accepts any one level but `#`, and a trailing `#` accepts any rest.

use crate::fleet::TopicTemplate;

/// Why a rule cannot be written as a RabbitMQ topic permission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unexpressible {
    #[error(
        "topic {0:?} contains '.', which RabbitMQ reads as a level separator (a/b.c is a/b/c to it): granting it would grant other topics"
    )]
    Dot(String),
    #[error(
        "topic {0:?} has a level that is a literal '*', which RabbitMQ reads as a wildcard when subscribed to"
    )]
    Star(String),
    #[error(
        "device id {0:?} contains '.', which RabbitMQ reads as a level separator in its topics: another device's topics could match"
    )]
    DeviceId(String),
}

/// Checks that a rule (with `{id}` still in it) can be translated exactly.
pub fn check_rule(topic: &TopicTemplate) -> Result<(), Unexpressible> {
    let text = topic.as_str();
    if text.contains('.') {
        return Err(Unexpressible::Dot(text.to_string()));
    }
    if text.split('/').any(|level| level == "*") {
        return Err(Unexpressible::Star(text.to_string()));
    }
    Ok(())
}

/// Checks a device id that rules put into topics (`{id}`).
pub fn check_id(id: &str) -> Result<(), Unexpressible> {
    if id.contains('.') {
        return Err(Unexpressible::DeviceId(id.to_string()));
    }
    Ok(())
}

/// A regular expression that matches one byte sequence literally (Erlang's `re`, PCRE: a
/// backslash before any ASCII character that is not a letter or digit makes it literal).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The unanchored expression for one filter, `{id}` already substituted.
fn body(filter: &str) -> String {
    let levels: Vec<&str> = filter.split('/').collect();
    let (levels, rest) = match levels.split_last() {
        Some((&"#", init)) => (init, true),
        _ => (levels.as_slice(), false),
    };
    let mut out = levels
        .iter()
        .map(|level| match *level {
            // One level of any name, or a `*` (the same thing), never a `#`.
            "+" => "[^.#]*".to_string(),
            text => literal(text),
        })
        .collect::<Vec<_>>()
        .join("\\.");
    if rest {
        if levels.is_empty() {
            out.push_str(".*");
        } else {
            // MQTT's `a/#` is `a` and everything below it.
            out.push_str("(\\..*)?");
        }
    }
    out
}

/// The permission for a device's filters: matches exactly the routing keys (and binding keys)
/// within them. No filter: nothing (an MQTT topic is never empty, so `^$` matches no key).
pub fn permission<'a>(filters: impl IntoIterator<Item = &'a str>) -> String {
    let bodies: Vec<String> = filters.into_iter().map(body).collect();
    if bodies.is_empty() {
        return "^$".to_string();
    }
    format!("^(?:{})$", bodies.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TopicTemplate {
        TopicTemplate::parse(s).unwrap()
    }

    #[test]
    fn translates_levels_and_wildcards() {
        assert_eq!(
            permission(["devices/d1/x", "a/+/c", "b/#", "#"]),
            r"^(?:devices\.d1\.x|a\.[^.#]*\.c|b(\..*)?|.*)$"
        );
        assert_eq!(permission([]), "^$");
        assert_eq!(permission(["$SYS/a-b"]), r"^(?:\$SYS\.a\-b)$");
    }

    #[test]
    fn reads_accept_narrower_filters_only() {
        // `+` never accepts the `#` of a wider filter; `a/#` stops at a level boundary.
        assert_eq!(permission(["a/+"]), r"^(?:a\.[^.#]*)$");
        assert_eq!(permission(["devices/d1/#"]), r"^(?:devices\.d1(\..*)?)$");
    }

    #[test]
    fn refuses_what_would_grant_more() {
        assert!(matches!(
            check_rule(&t("a.b/{id}")),
            Err(Unexpressible::Dot(_))
        ));
        assert!(matches!(
            check_rule(&t("a/*/b")),
            Err(Unexpressible::Star(_))
        ));
        assert_eq!(check_rule(&t("a/x*/{id}/+/#")), Ok(()));
        assert!(check_id("dev.1").is_err());
        assert_eq!(check_id("dev-1_a"), Ok(()));
    }
}
