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
    /// Lines Mosquitto would refuse, with their numbers.
    pub bad_lines: Vec<usize>,
}

impl AclFile {
    /// Whether rules are keyed by the username (`user` blocks or `%u` patterns).
    pub fn keyed_by_username(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.user.is_some() || r.topic.contains("%u"))
    }
}

pub fn parse(path: &Path, text: &str) -> AclFile {
    let mut acl = AclFile {
        path: path.to_path_buf(),
        ..AclFile::default()
    };
    let mut user: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        let rest = rest.trim_start();
        match word {
            "user" if !rest.is_empty() => user = Some(rest.to_string()),
            "topic" | "pattern" => {
                // An access word is optional: without one the rule is readwrite.
                let (access, topic) = match rest.split_once([' ', '\t']) {
                    Some((a, t)) if Access::parse(a).is_some() => (
                        Access::parse(a).unwrap_or(Access::ReadWrite),
                        t.trim_start(),
                    ),
                    _ => (Access::ReadWrite, rest),
                };
                if topic.is_empty() {
                    acl.bad_lines.push(i + 1);
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
            _ => acl.bad_lines.push(i + 1),
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
        assert_eq!(acl.bad_lines, vec![6]);
        assert!(acl.keyed_by_username());
    }
}
