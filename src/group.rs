//! Looking up a Unix group by name, for files shared with a broker's group.
//!
//! Neither std nor rustix resolves group names (that is the C library's NSS, which may ask
//! LDAP or sssd as well as /etc/group), and calling `getgrnam_r` ourselves would be the crate's
//! only `unsafe`. `getent group NAME` asks NSS exactly as the C library would, so mqauth asks
//! it; where `getent` is missing (a minimal container), /etc/group is the only database anyway
//! and is read directly.

use std::io;
use std::path::Path;
use std::process::Command;

/// Why a group could not be found.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("no group named {name:?} on this system")]
    Unknown { name: String },
    #[error("cannot look up group {name:?}: {why}")]
    Lookup { name: String, why: String },
}

/// The id of the group named `name`, or of a numeric gid given as such.
pub fn group_id(name: &str) -> Result<u32, GroupError> {
    if let Ok(gid) = name.parse::<u32>() {
        return Ok(gid);
    }
    let lookup = |why: String| GroupError::Lookup {
        name: name.to_owned(),
        why,
    };
    // A name getent would read as an option, or one that cannot be a field of a group entry,
    // names no group.
    if name.is_empty() || name.starts_with('-') || name.contains([':', '\n', '\0']) {
        return Err(GroupError::Unknown {
            name: name.to_owned(),
        });
    }
    let found = match Command::new("getent").args(["group", name]).output() {
        // getent's status 2: no such key.
        Ok(out) if out.status.code() == Some(2) => None,
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            Some(
                text.lines()
                    .find_map(|line| gid_in_entry(line, name))
                    .ok_or_else(|| lookup(format!("getent printed {:?}", text.trim_end())))?,
            )
        }
        Ok(out) => {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(lookup(format!(
                "getent failed ({}): {}",
                out.status,
                err.trim()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            gid_in_file(Path::new("/etc/group"), name).map_err(|e| lookup(e.to_string()))?
        }
        Err(e) => return Err(lookup(format!("cannot run getent: {e}"))),
    };
    found.ok_or_else(|| GroupError::Unknown {
        name: name.to_owned(),
    })
}

/// The gid in the group(5) database `path` for `name`, if listed.
fn gid_in_file(path: &Path, name: &str) -> io::Result<Option<u32>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text.lines().find_map(|line| gid_in_entry(line, name)))
}

/// The gid of a group(5) line `name:password:gid:members`, when it is `name`'s.
fn gid_in_entry(line: &str, name: &str) -> Option<u32> {
    let mut fields = line.split(':');
    if fields.next()? != name {
        return None;
    }
    fields.nth(1)?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_group_entries() {
        assert_eq!(gid_in_entry("mosquitto:x:101:", "mosquitto"), Some(101));
        assert_eq!(gid_in_entry("mosquitto:x:101:a,b", "mosquitto"), Some(101));
        assert_eq!(gid_in_entry("mosquittoo:x:102:", "mosquitto"), None);
        assert_eq!(gid_in_entry("broken", "broken"), None);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("group");
        std::fs::write(&file, "root:x:0:\n# comment\nbroker:x:998:\n").unwrap();
        assert_eq!(gid_in_file(&file, "broker").unwrap(), Some(998));
        assert_eq!(gid_in_file(&file, "nobody-here").unwrap(), None);
    }

    #[test]
    fn resolves_root_and_numbers_and_refuses_unknown_names() {
        assert_eq!(group_id("0").unwrap(), 0);
        assert_eq!(group_id("4242").unwrap(), 4242);
        assert_eq!(group_id("root").unwrap(), 0);
        for name in ["mqauth-no-such-group", "-x", "a:b", ""] {
            assert!(
                matches!(group_id(name), Err(GroupError::Unknown { .. })),
                "{name}"
            );
        }
    }
}
