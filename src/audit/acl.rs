//! Mosquitto's `acl_file`: `user NAME` starts a user's block, `topic [read|write|readwrite|deny]
//! TOPIC` grants in it (before any `user`: to anonymous clients), `pattern [access] TOPIC`
//! grants to every client with `%u` (username) and `%c` (client id) substituted.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
    Deny,
}

impl Access {
    fn parse(word: &str) -> Option<Access> {
        match word {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            "readwrite" => Some(Access::ReadWrite),
            "deny" => Some(Access::Deny),
            _ => None,
        }
    }

    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::ReadWrite)
    }

    pub fn grants(self) -> bool {
        self != Access::Deny
    }
}

#[derive(Debug, Clone)]
pub struct AclRule {
    pub line: usize,
    /// `None` for `pattern` lines and for `topic` lines before any `user`.
    pub user: Option<String>,
    pub pattern: bool,
    pub access: Access,
    pub topic: String,
}

#[derive(Debug, Default)]
pub struct AclFile {
    pub path: PathBuf,
    pub rules: Vec<AclRule>,
    /// Lines Mosquitto refuses (it then does not start), with their numbers and why.
    pub bad_lines: Vec<(usize, String)>,
}

impl AclFile {
    /// Whether rules are keyed by the username (`user` blocks or `%u` patterns).
    pub fn keyed_by_username(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.user.is_some() || r.topic.contains("%u"))
    }
}

/// A topic filter as `mosquitto_sub_topic_check` accepts it (lib/util_topic.c): `+` alone in
/// its level, `#` alone in the last one.
fn valid_filter(topic: &str) -> bool {
    let levels: Vec<&str> = topic.split('/').collect();
    levels.iter().enumerate().all(|(i, l)| {
        (!l.contains('+') || *l == "+")
            && (!l.contains('#') || (*l == "#" && i + 1 == levels.len()))
    })
}

/// Reads `text` as `aclfile__parse` (src/security_default.c:540-640, Mosquitto 2.0.11) does:
/// trailing blanks removed, `#` a comment only in the first column, words separated by spaces
/// only; `topic ACCESS TOPIC` or `topic TOPIC` (readwrite), `pattern …` likewise, `user NAME`.
/// Anything else stops the broker from starting.
pub fn parse(path: &Path, text: &str) -> AclFile {
    let mut acl = AclFile {
        path: path.to_path_buf(),
        ..AclFile::default()
    };
    let mut user: Option<String> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}');
        if line.starts_with('#') {
            continue;
        }
        let body = line.trim_start_matches(' ');
        if body.is_empty() {
            continue;
        }
        let (word, rest) = body.split_once(' ').unwrap_or((body, ""));
        let mut bad = |why: String| acl.bad_lines.push((i + 1, why));
        match word {
            "user" => match rest.trim_matches(|c: char| c.is_ascii_whitespace()) {
                "" => bad("user without a name".into()),
                name => user = Some(name.to_string()),
            },
            "topic" | "pattern" => {
                let rest = rest.trim_start_matches(' ');
                let (first, after) = rest.split_once(' ').unwrap_or((rest, ""));
                let after = after.trim_matches(|c: char| c.is_ascii_whitespace());
                if first.is_empty() {
                    bad(format!("{word} without a topic"));
                    continue;
                }
                // One word only: it is the topic, and the access is readwrite.
                let (access, topic) = if after.is_empty() {
                    (Some(Access::ReadWrite), first)
                } else {
                    (Access::parse(first), after)
                };
                let Some(access) = access else {
                    bad(format!("{first:?} is not read, write, readwrite or deny"));
                    continue;
                };
                if !valid_filter(topic) {
                    bad(format!("{topic:?} is not a valid topic filter"));
                    continue;
                }
                let pattern = word == "pattern";
                acl.rules.push(AclRule {
                    line: i + 1,
                    user: if pattern { None } else { user.clone() },
                    pattern,
                    access,
                    topic: topic.to_string(),
                });
            }
            _ if word.starts_with('#') => bad(
                "an indented `#`: Mosquitto takes `#` as a comment only in the first column".into(),
            ),
            _ => bad(format!("{word:?} is not user, topic or pattern")),
        }
    }
    acl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_topics_and_patterns() {
        let acl = parse(
            Path::new("acl"),
            "topic read public/#\nuser dev1\ntopic devices/dev1/#\ntopic deny devices/dev1/secret\npattern write devices/%u/state\nbogus line\n",
        );
        assert_eq!(acl.rules.len(), 4);
        assert_eq!(acl.rules[0].user, None);
        assert_eq!(acl.rules[1].user.as_deref(), Some("dev1"));
        assert_eq!(acl.rules[1].access, Access::ReadWrite);
        assert_eq!(acl.rules[2].access, Access::Deny);
        assert!(acl.rules[3].pattern && acl.rules[3].user.is_none());
        assert_eq!(acl.bad_lines.len(), 1);
        assert_eq!(acl.bad_lines[0].0, 6);
        let odd = parse(
            Path::new("acl"),
            "  # x\ntopic\tread a\ntopic read a/#/b\ntopic read\n",
        );
        assert_eq!(odd.bad_lines.len(), 3);
        assert_eq!(odd.rules[0].topic, "read");
        assert!(acl.keyed_by_username());
    }
}
