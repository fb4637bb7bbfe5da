//! Topic rules of a fleet: MQTT topic filters that may contain `{id}`, the device's identity.

use std::fmt;

/// What a rule allows, in Mosquitto's words: `write` is publishing, `read` is receiving
/// (subscribing and being delivered to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    pub fn id(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::ReadWrite => "readwrite",
        }
    }

    pub fn reads(self) -> bool {
        matches!(self, Access::Read | Access::ReadWrite)
    }

    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::ReadWrite)
    }

    fn union(self, other: Access) -> Access {
        if self == other {
            self
        } else {
            Access::ReadWrite
        }
    }
}

/// A topic filter with `{id}` placeholders, already checked to be a valid MQTT filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicTemplate(String);

pub const ID_PLACEHOLDER: &str = "{id}";

impl TopicTemplate {
    /// Checks an MQTT topic filter as a rule: `#` only as the whole last level, `+` only as a
    /// whole level, `{id}` the only placeholder.
    pub fn parse(text: &str) -> Result<TopicTemplate, String> {
        if text.is_empty() {
            return Err("empty topic".into());
        }
        if text.len() > 65_535 {
            return Err("topic longer than MQTT's 65535 bytes".into());
        }
        if text.trim() != text {
            return Err(format!("topic {text:?} starts or ends with whitespace"));
        }
        if text.chars().any(char::is_control) {
            return Err(format!("topic {text:?} contains a control character"));
        }
        let levels: Vec<&str> = text.split('/').collect();
        for (i, level) in levels.iter().enumerate() {
            if level.contains('#') && (*level != "#" || i + 1 != levels.len()) {
                return Err(format!(
                    "topic {text:?}: '#' must be the last level, on its own"
                ));
            }
            if level.contains('+') && *level != "+" {
                return Err(format!(
                    "topic {text:?}: '+' must fill a whole level (found {level:?})"
                ));
            }
        }
        let without_id = text.replace(ID_PLACEHOLDER, "");
        if without_id.contains('{') || without_id.contains('}') {
            return Err(format!(
                "topic {text:?}: the only placeholder is {{id}}, the device's identity"
            ));
        }
        Ok(TopicTemplate(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn has_id(&self) -> bool {
        self.0.contains(ID_PLACEHOLDER)
    }

    /// The topic for one device.
    pub fn for_device(&self, id: &str) -> String {
        self.0.replace(ID_PLACEHOLDER, id)
    }

    /// Whether some topic matches both this filter and `filter` (a plain MQTT filter). A level
    /// holding `{id}` stands for any one level: the rule is granted for every device.
    pub fn overlaps(&self, filter: &str) -> bool {
        let mut mine = self.0.split('/');
        let mut theirs = filter.split('/');
        loop {
            match (mine.next(), theirs.next()) {
                (Some("#"), _) | (_, Some("#")) => return true,
                (None, None) => return true,
                // `a/#` also matches `a`; any other difference in depth never matches.
                (None, Some(_)) | (Some(_), None) => return false,
                (Some(a), Some(b)) => {
                    let wild = |l: &str| l == "+" || l.contains(ID_PLACEHOLDER);
                    if !(a == b || wild(a) || wild(b)) {
                        return false;
                    }
                }
            }
        }
    }

    /// The topic with `{id}` written as `replacement` (`%u`, `${username}`).
    pub fn with_placeholder(&self, replacement: &str) -> String {
        self.0.replace(ID_PLACEHOLDER, replacement)
    }
}

impl fmt::Display for TopicTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One permission of a group or device.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rule {
    pub access: Access,
    pub topic: TopicTemplate,
}

/// Merges rules on the same topic (`publish` and `subscribe` on one topic become `readwrite`)
/// and sorts them, so equal permission sets compare equal.
pub fn normalize(rules: impl IntoIterator<Item = Rule>) -> Vec<Rule> {
    let mut merged: std::collections::BTreeMap<TopicTemplate, Access> = Default::default();
    for rule in rules {
        merged
            .entry(rule.topic)
            .and_modify(|a| *a = a.union(rule.access))
            .or_insert(rule.access);
    }
    merged
        .into_iter()
        .map(|(topic, access)| Rule { access, topic })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_filters() {
        for ok in [
            "a",
            "a/b",
            "devices/{id}/cmd/#",
            "+/x/+",
            "#",
            "a//b",
            "$SYS/#",
            "d/{id}-x",
        ] {
            assert!(TopicTemplate::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a/#/b", "a/b#", "a+/b", "a/+x", "a/{name}", "a/{id", " a", "a\n", "#/x",
        ] {
            assert!(TopicTemplate::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn publish_and_subscribe_on_one_topic_merge() {
        let t = |s| TopicTemplate::parse(s).unwrap();
        let rules = normalize([
            Rule {
                access: Access::Write,
                topic: t("a/{id}"),
            },
            Rule {
                access: Access::Read,
                topic: t("b"),
            },
            Rule {
                access: Access::Read,
                topic: t("a/{id}"),
            },
        ]);
        assert_eq!(
            rules,
            vec![
                Rule {
                    access: Access::ReadWrite,
                    topic: t("a/{id}")
                },
                Rule {
                    access: Access::Read,
                    topic: t("b")
                },
            ]
        );
        assert_eq!(t("a/{id}/x").for_device("d1"), "a/d1/x");
        for (rule, filter, overlap) in [
            ("#", "mqauth/enroll/#", true),
            ("+/enroll/x", "mqauth/enroll/#", true),
            ("mqauth/{id}/x", "mqauth/enroll/#", true),
            ("mqauth/enroll", "mqauth/enroll/#", true),
            ("mqauth", "mqauth/enroll/#", false),
            ("devices/{id}/t", "mqauth/enroll/#", false),
            ("mqauth/other/#", "mqauth/enroll/#", false),
        ] {
            assert_eq!(t(rule).overlaps(filter), overlap, "{rule} vs {filter}");
        }
        assert_eq!(t("a/{id}").with_placeholder("%u"), "a/%u");
    }
}
