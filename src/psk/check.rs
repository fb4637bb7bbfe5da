//! `psk check`: the classic PSK mistakes, found before a broker or an attacker finds them.

use super::file::{LineKind, classify};
use super::key::{MIN_KEY_BYTES, decode_hex};
use crate::names;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Problem,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// 1-based line number; absent for findings about the whole file.
    pub line: Option<usize>,
    pub severity: Severity,
    /// A stable identifier, e.g. `shared-key`.
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: PathBuf,
    /// Whether the file could be read at all.
    pub readable: bool,
    pub entries: usize,
    pub findings: Vec<Finding>,
}

impl FileReport {
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// A key's SHA-256: keys are compared by digest, so the map that finds shared keys holds no
/// key material, and needs no hashing of its own.
type KeyDigest = [u8; 32];

/// The digest is already uniformly random (whatever the file holds), so its first eight bytes
/// are a perfect, collision-attack-free hash; SipHash over it was a quarter of `psk check`.
#[derive(Default, Clone, Copy)]
struct DigestHasher(u64);

impl std::hash::Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
}

type DigestMap<V> = HashMap<KeyDigest, V, std::hash::BuildHasherDefault<DigestHasher>>;

/// A map whose keys arrive already hashed (a digest, or an identity hashed in the parallel
/// scan): the same pass-through hasher serves both.
type PassThroughMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<DigestHasher>>;

fn digest(key: &[u8]) -> KeyDigest {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, key).as_ref());
    out
}

struct Seen {
    file: usize,
    line: usize,
    identity: String,
}

/// Where each key was first seen, across all files checked together: the same key under two
/// identities is a problem even when they sit in different brokers' files.
#[derive(Default)]
pub struct Checker {
    reports: Vec<FileReport>,
    keys: DigestMap<Seen>,
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    /// Checks one file; unreadable files become a report with one problem.
    pub fn check_file(&mut self, path: &Path) -> &FileReport {
        let mut report = FileReport {
            file: path.to_path_buf(),
            readable: false,
            entries: 0,
            findings: Vec::new(),
        };
        match crate::input::read(path, crate::input::Kind::PskFile) {
            Err(e) => report.findings.push(Finding {
                line: None,
                severity: Severity::Problem,
                code: "unreadable",
                message: e.reason(),
            }),
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                report.readable = true;
                if let Ok(meta) = std::fs::metadata(path) {
                    let mode = meta.permissions().mode() & 0o777;
                    if mode & 0o077 != 0 {
                        report.findings.push(Finding {
                            line: None,
                            severity: Severity::Problem,
                            code: "permissions",
                            message: format!(
                                "mode {mode:04o}: keys are readable by {}; chmod 600",
                                if mode & 0o007 != 0 {
                                    "everyone"
                                } else {
                                    "the group"
                                }
                            ),
                        });
                    }
                }
                self.check_lines(&bytes, &mut report);
            }
        }
        self.reports.push(report);
        let last = self.reports.len() - 1;
        &self.reports[last]
    }

    /// Checks the contents of a PSK file already in memory (no permission check).
    pub fn check_bytes(&mut self, path: &Path, bytes: &[u8]) -> &FileReport {
        let mut report = FileReport {
            file: path.to_path_buf(),
            readable: true,
            entries: 0,
            findings: Vec::new(),
        };
        self.check_lines(bytes, &mut report);
        self.reports.push(report);
        let last = self.reports.len() - 1;
        &self.reports[last]
    }

    fn check_lines(&mut self, bytes: &[u8], report: &mut FileReport) {
        let file_no = self.reports.len();
        // Identities are hashed once, in the parallel scan, so that the serial merge below only
        // probes the map; the state is random, so crafted identities cannot force collisions.
        let state = std::hash::RandomState::new();
        let mut identities: PassThroughMap<Ident<'_>, usize> = PassThroughMap::default();
        // Sized once for every line: growing a million-entry table rehashes it into fresh
        // pages again and again, and clearing those pages was most of the check's time.
        let lines_in_file = bytes.iter().filter(|b| **b == b'\n').count() + 1;
        identities.reserve(lines_in_file);
        self.keys.reserve(lines_in_file);
        let mut lines = bytes.split(|b| *b == b'\n').enumerate();
        loop {
            let block: Vec<(usize, &[u8])> = lines.by_ref().take(BLOCK).collect();
            if block.is_empty() {
                break;
            }
            let scanned: Vec<(usize, Scanned<'_>)> = block
                .par_iter()
                .filter_map(|(i, raw)| scan(i + 1, raw, &state).map(|s| (i + 1, s)))
                .collect();
            for (line, scanned) in scanned {
                self.merge(file_no, line, scanned, &mut identities, report);
            }
        }
    }

    /// Adds one scanned line's findings in the order a serial pass emits them: the line's form
    /// and identity, then a duplicate identity, then the key, then a key shared with another.
    fn merge<'a>(
        &mut self,
        file_no: usize,
        line: usize,
        scanned: Scanned<'a>,
        identities: &mut PassThroughMap<Ident<'a>, usize>,
        report: &mut FileReport,
    ) {
        report.findings.extend(scanned.before);
        let Some((ident, key_digest)) = scanned.entry else {
            return;
        };
        report.entries += 1;
        let identity = ident.name;
        let mut add = |severity, code, message: String| {
            report.findings.push(Finding {
                line: Some(line),
                severity,
                code,
                message,
            })
        };
        match identities.entry(ident) {
            std::collections::hash_map::Entry::Occupied(first) => add(
                Severity::Problem,
                "duplicate-identity",
                format!(
                    "{identity} also appears on line {}; Mosquitto uses the first and ignores this one",
                    first.get()
                ),
            ),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
            }
        }
        report.findings.extend(scanned.after);
        let Some(key_bytes) = key_digest else {
            return;
        };
        let mut add = |severity, code, message: String| {
            report.findings.push(Finding {
                line: Some(line),
                severity,
                code,
                message,
            })
        };
        match self.keys.get(&key_bytes) {
            Some(seen) if seen.identity != identity => {
                let place = if seen.file == file_no {
                    format!("line {}", seen.line)
                } else {
                    format!("{}:{}", self.reports[seen.file].file.display(), seen.line)
                };
                add(
                    Severity::Problem,
                    "shared-key",
                    format!(
                        "{identity} has the same key as {} ({place}): one extracted device clones the other",
                        seen.identity
                    ),
                );
            }
            Some(_) => {}
            None => {
                self.keys.insert(
                    key_bytes,
                    Seen {
                        file: file_no,
                        line,
                        identity: identity.to_string(),
                    },
                );
            }
        }
    }

    pub fn into_reports(self) -> Vec<FileReport> {
        self.reports
    }
}

/// Lines per block: enough to keep every core busy, few enough that the scanned block (about
/// 100 bytes a line) stays small beside the file itself.
const BLOCK: usize = 1 << 16;

/// An identity with its hash computed in the parallel scan; equality is by name, and equal names
/// have equal hashes because every hash comes from the same per-file state.
#[derive(Clone, Copy)]
struct Ident<'a> {
    hash: u64,
    name: &'a str,
}

impl std::hash::Hash for Ident<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Ident<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Ident<'_> {}

/// What one line yields on its own, before it meets the other lines.
struct Scanned<'a> {
    /// The identity, and the key's digest when the key decodes.
    entry: Option<(Ident<'a>, Option<KeyDigest>)>,
    /// Findings that precede the duplicate-identity check: the line's form, its identity.
    before: Vec<Finding>,
    /// Findings about the key, which follow it.
    after: Vec<Finding>,
}

/// Everything about one line that needs no other line: the independent, costly part of the
/// check (hex decoding, the weak and patterned key heuristics, the digest), run in parallel.
/// `None` for blank lines and comments.
fn scan<'a>(line: usize, raw: &'a [u8], state: &std::hash::RandomState) -> Option<Scanned<'a>> {
    use std::hash::BuildHasher;
    let finding = |severity, code, message| Finding {
        line: Some(line),
        severity,
        code,
        message,
    };
    let mut before = Vec::new();
    let Ok(text) = std::str::from_utf8(raw) else {
        before.push(finding(
            Severity::Problem,
            "not-text",
            "the line is not valid UTF-8".into(),
        ));
        return Some(Scanned {
            entry: None,
            before,
            after: Vec::new(),
        });
    };
    let (identity, key, extra) = match classify(text) {
        LineKind::Blank | LineKind::Comment => return None,
        LineKind::NoSeparator => {
            before.push(finding(
                Severity::Problem,
                "malformed",
                "no ':' between identity and key; Mosquitto skips this line silently".into(),
            ));
            return Some(Scanned {
                entry: None,
                before,
                after: Vec::new(),
            });
        }
        LineKind::Entry {
            identity,
            key,
            extra,
        } => (identity, key, extra),
    };
    if extra.is_some() {
        before.push(finding(
            Severity::Problem,
            "malformed",
            format!("{identity}: text after a second ':' is dropped by Mosquitto"),
        ));
    }
    check_identity(identity, &mut |severity, code, message| {
        before.push(finding(severity, code, message))
    });
    let mut after = Vec::new();
    let key_digest = check_key(identity, key, &mut |severity, code, message| {
        after.push(finding(severity, code, message))
    })
    .map(|decoded| digest(&decoded));
    let ident = Ident {
        hash: state.hash_one(identity),
        name: identity,
    };
    Some(Scanned {
        entry: Some((ident, key_digest)),
        before,
        after,
    })
}

fn check_identity(identity: &str, add: &mut impl FnMut(Severity, &'static str, String)) {
    if identity.is_empty() {
        add(Severity::Problem, "bad-identity", "empty identity".into());
        return;
    }
    if identity
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        add(
            Severity::Problem,
            "bad-identity",
            format!("identity {identity:?} contains whitespace or control characters"),
        );
    } else if let Err(e) = names::validate(identity) {
        add(
            Severity::Warning,
            "identity-chars",
            format!("{e}: unsafe as an MQTT username in ACL patterns and as a file name"),
        );
    }
}

/// Checks a key's encoding and strength; returns its bytes when it decodes.
fn check_key(
    identity: &str,
    key: &str,
    add: &mut impl FnMut(Severity, &'static str, String),
) -> Option<Zeroizing<Vec<u8>>> {
    if key.is_empty() {
        add(
            Severity::Problem,
            "empty-key",
            format!("{identity} has no key; Mosquitto refuses to start"),
        );
        return None;
    }
    // Bytewise: a non-ASCII character is no hex digit either way, and decoding chars was most
    // of the per-line work.
    if !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        add(
            Severity::Problem,
            "bad-hex",
            format!("the key of {identity} is not hexadecimal; Mosquitto refuses to start"),
        );
        return None;
    }
    let Some(bytes) = decode_hex(key) else {
        add(
            Severity::Problem,
            "odd-hex",
            format!(
                "the key of {identity} has an odd number of hex digits, so its bytes are ambiguous"
            ),
        );
        return None;
    };
    if bytes.len() < MIN_KEY_BYTES {
        add(
            Severity::Problem,
            "short-key",
            format!(
                "the key of {identity} is {} bytes; use at least {MIN_KEY_BYTES} random bytes",
                bytes.len()
            ),
        );
    } else if let Some(why) = weakness(&bytes) {
        add(
            Severity::Problem,
            "weak-key",
            format!("the key of {identity} {why}; generate keys with `mqauth psk gen`"),
        );
    } else if let Some(why) = pattern(&bytes) {
        add(
            Severity::Warning,
            "patterned-key",
            format!(
                "the key of {identity} {why}; a key typed by hand from a pattern is guessable: generate keys with `mqauth psk gen`"
            ),
        );
    }
    Some(bytes)
}

/// Random keys of 16+ bytes practically never look like this: the odds of 16 random bytes all
/// being printable ASCII are below 1 in 7 million, and of repeating half their values, far lower.
fn weakness(key: &[u8]) -> Option<&'static str> {
    if key.iter().all(|b| (0x20..0x7f).contains(b)) {
        return Some("is printable text (a password or a serial number, not random bytes)");
    }
    let mut seen = [false; 256];
    let distinct = key
        .iter()
        .filter(|b| !std::mem::replace(&mut seen[usize::from(**b)], true))
        .count();
    if distinct * 2 < key.len() {
        return Some("repeats a few byte values (not random bytes)");
    }
    None
}

/// Keys made by hand from a pattern: `00112233…eeff`, `000102…0f`, a block said again. Else the
/// differences between consecutive bytes repeat with a period of at most 4 (a counting
/// sequence has one constant difference; a repeated block of up to 4 bytes, its own period).
/// For 16 random bytes the odds are about 1 in 2^88, so a random key is never warned about.
fn pattern(key: &[u8]) -> Option<&'static str> {
    // The same block twice or more (`0123456789abcdef` said twice): 8 random bytes repeating
    // by chance is a 1 in 2^64 event.
    if (1..=key.len() / 2).any(|p| key[p..] == key[..key.len() - p]) {
        return Some("repeats a block of bytes (not random bytes)");
    }
    let steps: Vec<u8> = key.windows(2).map(|w| w[1].wrapping_sub(w[0])).collect();
    let period = (1..=4).find(|p| steps.iter().skip(*p).zip(&steps).all(|(a, b)| a == b))?;
    Some(if period == 1 {
        "counts up or down in equal steps (not random bytes)"
    } else {
        "follows a short repeating pattern (not random bytes)"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(Option<usize>, &'static str)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("psk");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut checker = Checker::new();
        checker
            .check_file(&path)
            .findings
            .iter()
            .map(|f| (f.line, f.code))
            .collect()
    }

    const K1: &str = "8f3a1c9e5b7d2f4a6c8e0b1d3f5a7c9e";
    const K2: &str = "1b2c3d4e5f60718293a4b5c6d7e8f901";

    #[test]
    fn a_clean_file_has_no_findings() {
        assert!(codes(&format!("# fleet\n\nd1:{K1}\nd2:{K2}\n")).is_empty());
    }

    #[test]
    fn finds_the_classic_mistakes() {
        let text = format!(
            "d1:{K1}\nd1:{K2}\nd3:{K1}\nnocolon\nd4:abc\nd5:zz11\nd6:00112233\nd7:{}\nd 8:{K2}\nd9:{K2}:x\nd10:\n",
            hex_of(b"supersecretpassw")
        );
        let found = codes(&text);
        for expected in [
            (Some(2), "duplicate-identity"),
            (Some(3), "shared-key"),
            (Some(4), "malformed"),
            (Some(5), "odd-hex"),
            (Some(6), "bad-hex"),
            (Some(7), "short-key"),
            (Some(8), "weak-key"),
            (Some(9), "bad-identity"),
            (Some(10), "malformed"),
            (Some(11), "empty-key"),
        ] {
            assert!(found.contains(&expected), "{expected:?} not in {found:?}");
        }
    }

    fn hex_of(bytes: &[u8]) -> String {
        let mut out = Vec::new();
        super::super::key::push_hex(&mut out, bytes);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn patterned_keys_are_warned_about() {
        for key in [
            "00112233445566778899aabbccddeeff",
            "000102030405060708090a0b0c0d0e0f",
            "ffeeddccbbaa99887766554433221100",
            "0123456789abcdef0123456789abcdef",
            "00012122424363648485a5a6c6c7e7e8",
        ] {
            let bytes = decode_hex(key).unwrap();
            assert!(
                weakness(&bytes).is_none(),
                "{key} is weak, not just patterned"
            );
            assert!(pattern(&bytes).is_some(), "{key}");
            let found = codes(&format!("d1:{key}\n"));
            assert_eq!(found, vec![(Some(1), "patterned-key")], "{key}");
        }
        assert!(codes(&format!("d1:{K1}\nd2:{K2}\n")).is_empty());
        let keys = super::super::key::random_keys(200, 16).unwrap();
        for key in keys.chunks(16) {
            assert!(pattern(key).is_none());
        }
    }

    #[test]
    fn repeated_bytes_are_weak() {
        assert!(weakness(&[0u8; 32]).is_some());
        assert!(weakness(&[1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 200]).is_some());
        assert!(weakness(&super::super::key::random_keys(1, 16).unwrap()).is_none());
    }
}
