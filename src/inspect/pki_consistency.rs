//! `inspect --pki DIR`: the certificates a PKI has in force, checked against its records (pki.db)
//! and keys. Not `mqauth audit` (src/audit/), which reviews a Mosquitto deployment.

use super::error::InspectError;
use super::scan::{FileNote, InspectOptions, Inspection, Row, read_input};
use super::source::Input;
use crate::pki::{self, Entry, Layout, Profile, Status};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Something on disk that disagrees with the records (pki.db).
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub path: PathBuf,
    pub message: String,
}

/// The certificate file of an index entry in force.
fn cert_path(layout: &Layout, e: &Entry) -> PathBuf {
    match e.profile {
        Profile::Root => layout.ca_cert(),
        Profile::Intermediate => layout.intermediate_cert(),
        _ => layout.leaf_cert(&e.name),
    }
}

fn key_path(layout: &Layout, e: &Entry) -> PathBuf {
    match e.profile {
        Profile::Root => layout.ca_key(),
        Profile::Intermediate => layout.intermediate_key(),
        _ => layout.leaf_key(&e.name),
    }
}

/// What reading the private key of a certificate found.
struct KeyCheck {
    /// Whether it belongs to the certificate; `None` when that cannot be told without a
    /// passphrase.
    matches: Option<bool>,
    exposed: Option<pki::Exposure>,
}

/// Reads the private key at `path` (`Ok(None)` when there is none: a CSR's certificate) and
/// compares the public key it holds with `public_key`, the certificate's subjectPublicKey bits.
fn check_key(path: &Path, public_key: &[u8]) -> Result<Option<KeyCheck>, String> {
    let (bytes, meta) = match crate::input::read_with_metadata(path, crate::input::Kind::PrivateKey)
    {
        Ok(read) => read,
        Err(crate::atomic::FileError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.reason()),
    };
    let exposed = pki::exposure_of(path, &meta);
    let text = zeroize::Zeroizing::new(
        String::from_utf8(bytes).map_err(|_| "not valid UTF-8 text".to_string())?,
    );
    let matches = match pki::public_key_of_pem(&text, path) {
        Ok(held) => Some(held == public_key),
        Err(pki::KeyError::NeedsPassphrase { .. }) => None,
        Err(e) => return Err(e.to_string()),
    };
    Ok(Some(KeyCheck { matches, exposed }))
}

fn names_in(dir: &Path, suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        return None;
                    }
                    name.strip_suffix(suffix).map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

type InputResult = Result<Vec<Row>, (bool, FileNote)>;

/// What `inspect --pki` found.
#[derive(Debug, Default)]
pub struct PkiConsistency {
    pub inspection: Inspection,
    /// Disagreements between the index and the files: problems.
    pub mismatches: Vec<Mismatch>,
    /// Keys (and the key directory) that others can read: warnings.
    pub exposures: Vec<pki::Exposure>,
    /// Where each CA key is, when the PKI records one in a token (`ca-keys.json`).
    pub ca_keys: Vec<CaKeyPlace>,
    /// CA key files in a PKI marked HSM-only: warnings.
    pub stray_ca_keys: Vec<PathBuf>,
}

/// Where one CA's key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaKeyPlace {
    pub profile: Profile,
    /// A token URI (without PIN), or the key file's path.
    pub location: String,
    pub in_token: bool,
}

/// The CA keys' places, and key files a PKI marked HSM-only should not have.
fn ca_key_places(
    layout: &Layout,
    index: &pki::Snapshot,
) -> Result<(Vec<CaKeyPlace>, Vec<PathBuf>), InspectError> {
    let recorded = pki::CaKeyLocations::read(layout)?;
    if recorded == pki::CaKeyLocations::default() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut places = Vec::new();
    let mut stray = Vec::new();
    for e in index
        .certificates
        .iter()
        .filter(|e| e.profile.is_ca() && e.status == Status::Valid)
    {
        let file = match e.profile {
            Profile::Root => layout.ca_key(),
            _ => layout.intermediate_key(),
        };
        match recorded.of(e.profile) {
            Some(token) => places.push(CaKeyPlace {
                profile: e.profile,
                location: token.uri.clone(),
                in_token: true,
            }),
            None => places.push(CaKeyPlace {
                profile: e.profile,
                location: file.display().to_string(),
                in_token: false,
            }),
        }
        if recorded.hsm_only && file.exists() {
            stray.push(file);
        }
    }
    Ok((places, stray))
}

/// Reads the certificate file of an index entry in force and compares it, and its key, with
/// the index.
fn check_entry(
    layout: &Layout,
    e: &Entry,
    opts: &InspectOptions,
) -> (InputResult, Vec<Mismatch>, Option<pki::Exposure>) {
    let path = cert_path(layout, e);
    let mut found = Vec::new();
    if !path.exists() {
        found.push(Mismatch {
            path,
            message: format!(
                "missing: pki.db lists serial {} for {} as valid",
                e.serial, e.name
            ),
        });
        return (Ok(Vec::new()), found, None);
    }
    let result = read_input(
        &Input {
            path: path.clone(),
            named: true,
        },
        opts,
    );
    let Some(first) = result.as_ref().ok().and_then(|rows| rows.first()) else {
        return (result, found, None);
    };
    if first.facts.serial != e.serial.to_string() {
        found.push(Mismatch {
            path: path.clone(),
            message: format!(
                "holds serial {}, but the records (pki.db) say {} is in force",
                first.facts.serial, e.serial
            ),
        });
    }
    let key = key_path(layout, e);
    let mut exposed = None;
    match check_key(&key, &first.facts.public_key) {
        Ok(Some(check)) => {
            // A broker's key given to the broker's group (`--group`) is shared on purpose.
            exposed = check.exposed.filter(|x| {
                !(e.profile == pki::Profile::Broker
                    && x.mode & 0o7777 == crate::atomic::SHARED_KEY_MODE)
            });
            if check.matches == Some(false) {
                found.push(Mismatch {
                    path: key,
                    message: format!("does not match {}", path.display()),
                });
            }
        }
        Ok(None) => {}
        Err(why) => found.push(Mismatch {
            path: key,
            message: format!("unreadable private key: {why}"),
        }),
    }
    (result, found, exposed)
}

/// Inspects the certificates in force in the PKI at `dir` and lists every disagreement between
/// the records and the files: missing files, a file holding another serial, a key that does not
/// match its certificate, certificates and keys the index does not know.
pub fn check_pki_consistency(
    dir: &Path,
    opts: &InspectOptions,
) -> Result<PkiConsistency, InspectError> {
    let index = pki::snapshot(dir)?;
    let layout = Layout::new(dir);
    // In force: CAs, and the newest valid certificate of each leaf name.
    let current = index.current_leaves();
    let in_force: Vec<&Entry> = index
        .certificates
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            if e.profile.is_ca() {
                e.status == Status::Valid
            } else {
                current.get(e.name.as_str()) == Some(i)
            }
        })
        .map(|(_, e)| e)
        .collect();

    let checked: Vec<_> = in_force
        .par_iter()
        .map(|e| check_entry(&layout, e, opts))
        .collect();

    let mut inspection = Inspection::default();
    let mut mismatches = Vec::new();
    let mut exposures = Vec::new();
    if let Some(journal) = pki::interrupted_run(dir) {
        mismatches.push(Mismatch {
            path: journal,
            message: "a run was interrupted here; the next command that changes the PKI finishes or undoes it".into(),
        });
    }
    if let Some(exposed) = pki::exposure(&layout.private_dir()) {
        exposures.push(exposed);
    }
    for (result, found, exposed) in checked {
        match result {
            Ok(rows) => inspection.rows.extend(rows),
            Err((_, note)) => inspection.problems.push(note),
        }
        mismatches.extend(found);
        exposures.extend(exposed);
    }

    // Files the index does not know.
    let known: HashSet<&str> = index
        .certificates
        .iter()
        .filter(|e| !e.profile.is_ca())
        .map(|e| e.name.as_str())
        .collect();
    for name in names_in(&layout.issued_dir(), ".crt") {
        if !known.contains(name.as_str()) {
            mismatches.push(Mismatch {
                path: layout.leaf_cert(&name),
                message: "not in pki.db".into(),
            });
        }
    }
    for name in names_in(&layout.private_dir(), ".key") {
        if !known.contains(name.as_str()) {
            mismatches.push(Mismatch {
                path: layout.leaf_key(&name),
                message: "a key with no certificate in pki.db".into(),
            });
        }
    }
    let (ca_keys, stray_ca_keys) = ca_key_places(&layout, &index)?;
    Ok(PkiConsistency {
        inspection,
        mismatches,
        exposures,
        ca_keys,
        stray_ca_keys,
    })
}
