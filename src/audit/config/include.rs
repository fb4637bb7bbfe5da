//! `include_dir` as Mosquitto 2.0.11 follows it, and the bounds on what the audit reads.
//!
//! - Only the main file's `include_dir` is followed; in an included file the directive is
//!   accepted and ignored (conf.c:1319-1321, `if(level == 0)`), so nesting cannot fan out.
//! - The files are the directory's entries whose names end in `.conf` and are longer than
//!   five bytes (conf_includedir.c:158-160), whatever their type: a directory named `x.conf`
//!   is opened as a file and refused ("Config file … is a directory", conf.c:2197-2202).
//! - They are read in the order of `scmp_p` (conf_includedir.c:52-74): byte by byte,
//!   upper-cased first, the case deciding only at the first byte where the upper-cased bytes
//!   agree and the bytes do not. `B.conf` comes after `a.conf`, and `_x` after `Ax`.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// Most configuration files the audit reads for one `--config` (the main file included).
/// Mosquitto itself has no limit; a real broker has a handful, and a directory of thousands
/// is a mistake or an attack on the auditor.
pub const MAX_FILES: usize = 1_000;
/// Most bytes of configuration read for one `--config`, all files together.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Most directory entries looked at for one `include_dir` (to sort them, all must be listed).
pub const MAX_ENTRIES: usize = 100_000;

/// `scmp_p`: Mosquitto's order of include_dir files.
pub fn mosquitto_order(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let upper = x.to_ascii_uppercase().cmp(&y.to_ascii_uppercase());
        if upper != Ordering::Equal {
            return upper;
        }
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// What listing an include directory gave.
pub struct Listing {
    pub files: Vec<PathBuf>,
    /// More entries than [`MAX_ENTRIES`]: the rest were not looked at.
    pub truncated: bool,
}

/// The files of `dir` Mosquitto reads, in its order. `dir` is the value as written (Mosquitto
/// joins it and the name with `/`).
pub fn list(dir: &str) -> std::io::Result<Listing> {
    use std::os::unix::ffi::OsStrExt;
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut truncated = false;
    for entry in std::fs::read_dir(Path::new(dir))? {
        let entry = entry?;
        if names.len() >= MAX_ENTRIES {
            truncated = true;
            break;
        }
        let name = entry.file_name().as_bytes().to_vec();
        if name.len() > 5 && name.ends_with(b".conf") {
            names.push(name);
        }
    }
    let mut paths: Vec<Vec<u8>> = names
        .into_iter()
        .map(|n| {
            let mut p = dir.as_bytes().to_vec();
            p.push(b'/');
            p.extend(n);
            p
        })
        .collect();
    paths.sort_by(|a, b| mosquitto_order(a, b));
    let files = paths
        .into_iter()
        .map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(&p)))
        .collect();
    Ok(Listing { files, truncated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_first() {
        let mut names = vec!["b.conf", "B.conf", "a.conf", "_x.conf", "Ax.conf", "A.conf"];
        names.sort_by(|a, b| mosquitto_order(a.as_bytes(), b.as_bytes()));
        assert_eq!(
            names,
            ["A.conf", "Ax.conf", "a.conf", "B.conf", "b.conf", "_x.conf"]
        );
    }
}
