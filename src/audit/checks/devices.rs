//! Which devices an ACL rule reaches, with Mosquitto 2.0.11's matching
//! (`src/security_default.c`, `mosquitto_acl_check_default`, lines 368-511; `lib/util_topic.c`
//! for `+` and `#`):
//!
//! - A device tree is where the ACL puts a device's id: the level of `%u` or `%c` in a
//!   pattern, or of a user's own name in its `user` block (`devices/%u/#`, `devices/dev1/#`),
//!   below a literal prefix.
//! - A grant reaches every device of a tree when a wildcard stands at or before the device
//!   level (`devices/+/state`, `+/+/#`, `devices/#`), and one other device when it names
//!   another user's id.
//! - A deny in the same list that covers the grant's every topic cancels it: denies are
//!   checked first (security_default.c:272, 352), a user's list before the patterns.

use crate::audit::acl::{AclFile, AclRule};
use std::collections::HashMap;

/// Where devices' ids are: `prefix/ID/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub prefix: Vec<String>,
    /// Made by a `%u`/`%c` pattern: every client is a device in it.
    pub by_pattern: bool,
}

impl Tree {
    pub fn show(&self) -> String {
        format!("{}/<device>/…", self.prefix.join("/"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Level<'a> {
    Lit(&'a str),
    Plus,
    Hash,
    /// The grantee's own username (`%u`, or its name in its own block).
    User,
    /// `%c`: the client id.
    Client,
}

fn levels(rule: &AclRule) -> Vec<Level<'_>> {
    rule.topic
        .split('/')
        .map(|l| match l {
            "+" => Level::Plus,
            "#" => Level::Hash,
            _ if rule.pattern && l.contains("%u") => Level::User,
            _ if rule.pattern && l.contains("%c") => Level::Client,
            _ if !rule.pattern && rule.user.as_deref() == Some(l) => Level::User,
            _ => Level::Lit(l),
        })
        .collect()
}

/// The device trees of `acl`.
pub fn trees(acl: &AclFile) -> Vec<Tree> {
    let mut out: Vec<Tree> = Vec::new();
    let mut index: HashMap<Vec<String>, usize> = HashMap::new();
    for rule in acl.rules.iter().filter(|r| r.access.grants()) {
        let ls = levels(rule);
        let Some(k) = ls
            .iter()
            .position(|l| matches!(l, Level::User | Level::Client))
        else {
            continue;
        };
        let prefix: Option<Vec<String>> = ls[..k]
            .iter()
            .map(|l| match l {
                Level::Lit(s) => Some(s.to_string()),
                _ => None,
            })
            .collect();
        let Some(prefix) = prefix else { continue };
        match index.get(&prefix) {
            Some(&i) => out[i].by_pattern |= rule.pattern,
            None => {
                index.insert(prefix.clone(), out.len());
                out.push(Tree {
                    prefix,
                    by_pattern: rule.pattern,
                });
            }
        }
    }
    out
}

/// How far a rule reaches into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Not into its devices' topics.
    Outside,
    /// The grantee's own id only.
    Own,
    /// The client id's: as far as the client id is bound.
    ClientId,
    /// One named device.
    Named(String),
    /// Every device.
    All,
}

pub fn reach(rule: &AclRule, tree: &Tree) -> Reach {
    let ls = levels(rule);
    let depth = tree.prefix.len();
    for i in 0..=depth {
        let Some(level) = ls.get(i) else {
            return Reach::Outside;
        };
        match level {
            Level::Hash => return Reach::All,
            _ if i < depth => match level {
                Level::Plus => {}
                Level::Lit(s) if *s == tree.prefix[i] => {}
                _ => return Reach::Outside,
            },
            Level::Plus => return Reach::All,
            Level::User => return Reach::Own,
            Level::Client => return Reach::ClientId,
            Level::Lit(s) => return Reach::Named(s.to_string()),
        }
    }
    Reach::Outside
}

/// `deny` matches every topic `grant` matches.
fn covers(deny: &str, grant: &str) -> bool {
    let d: Vec<&str> = deny.split('/').collect();
    let g: Vec<&str> = grant.split('/').collect();
    for (i, dl) in d.iter().enumerate() {
        if *dl == "#" {
            return true;
        }
        match g.get(i) {
            None => return false,
            Some(&"#") => return false,
            Some(gl) if *dl == "+" || dl == gl => {}
            Some(_) => return false,
        }
    }
    d.len() == g.len()
}

/// The deny rules of an ACL by the list Mosquitto keeps them in (the patterns, or one user's
/// block), so that checking a grant against them does not scan the whole file.
pub struct Denies<'a>(HashMap<(bool, Option<&'a str>), Vec<&'a str>>);

impl<'a> Denies<'a> {
    pub fn of(acl: &'a AclFile) -> Denies<'a> {
        let mut map: HashMap<(bool, Option<&str>), Vec<&str>> = HashMap::new();
        for d in acl.rules.iter().filter(|r| !r.access.grants()) {
            map.entry((d.pattern, d.user.as_deref()))
                .or_default()
                .push(&d.topic);
        }
        Denies(map)
    }

    /// A deny that Mosquitto checks before `rule` and that covers all of it.
    pub fn cancel(&self, rule: &AclRule) -> bool {
        self.0
            .get(&(rule.pattern, rule.user.as_deref()))
            .is_some_and(|ds| ds.iter().any(|d| covers(d, &rule.topic)))
    }
}

/// Whether `user` is one of the devices of `trees` (patterns make every client one; a user
/// block with its own id in a tree makes that user one).
pub fn is_device(acl: &AclFile, trees: &[Tree], user: &str) -> bool {
    trees.iter().any(|t| t.by_pattern)
        || acl.rules.iter().any(|r| {
            !r.pattern
                && r.user.as_deref() == Some(user)
                && trees.iter().any(|t| reach(r, t) == Reach::Own)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn acl(text: &str) -> AclFile {
        crate::audit::acl::parse(Path::new("acl"), text)
    }

    #[test]
    fn reaches() {
        let a = acl(
            "user dev1\ntopic read devices/dev1/#\ntopic read devices/#\ntopic read devices/dev2/x\npattern read +/+/#\npattern read devices/%c/#\npattern read devices/+/secret\n",
        );
        let t = trees(&a);
        assert_eq!(t.len(), 1);
        let r: Vec<Reach> = a.rules.iter().map(|r| reach(r, &t[0])).collect();
        assert_eq!(
            r,
            [
                Reach::Own,
                Reach::All,
                Reach::Named("dev2".into()),
                Reach::All,
                Reach::ClientId,
                Reach::All
            ]
        );
        assert!(is_device(&a, &t, "dev1"));
        let a = acl("user gw\ntopic read devices/+/x\ntopic deny devices/#\n");
        assert!(Denies::of(&a).cancel(&a.rules[0]));
    }
}
