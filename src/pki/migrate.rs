//! `pki migrate`: moves a PKI's records from `pki.db` (SQLite) into an empty PostgreSQL
//! database, certificates (DER) included, in one transaction, then checks the copy field by
//! field before the directory switches to it.
//!
//! The commit point is `records.url`: until it is written the PKI uses `pki.db` (a copy that
//! failed its check changes nothing); once it is, every command uses the database, and
//! `pki.db` is kept as `pki.db.migrated`.

use super::entry::Entry;
use super::error::PkiError;
use super::layout::Layout;
use super::profile::Profile;
use super::records::{self, Change, Records};
use super::serial::Serial;
use super::store::{Pki, ServerRecords, name_server};
use crate::atomic::FileError;
use std::path::{Path, PathBuf};
use x509_parser::prelude::{FromDer, X509Certificate};

/// What [`move_records`] moved.
#[derive(Debug, Clone)]
pub struct Moved {
    pub certificates: usize,
    /// Of them, those whose certificate file was still there to copy.
    pub with_der: usize,
    pub kept_as: PathBuf,
}

/// The certificate file of `e`, when it still holds that certificate: its DER.
fn der_of(layout: &Layout, e: &Entry) -> Option<Vec<u8>> {
    let path = match e.profile {
        Profile::Root => layout.ca_cert(),
        Profile::Intermediate => layout.intermediate_cert(),
        _ => layout.leaf_cert(&e.name),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let der = pem::parse(&text).ok()?.into_contents();
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    (Serial::from_bytes(cert.raw_serial()) == e.serial).then_some(der)
}

/// Moves the records of the SQLite PKI at `dir` into `server`'s empty database.
pub fn move_records(dir: &Path, server: &ServerRecords) -> Result<Moved, PkiError> {
    let layout = Layout::new(dir);
    if layout.records_url().exists() {
        return Err(PkiError::RecordsOnServer {
            dir: dir.to_path_buf(),
            file: layout.records_url(),
        });
    }
    // Opened for writing: no other writer on this host until the switch is made.
    let pki = Pki::open(dir)?;
    let source = pki.records();
    let settings = source.settings()?;
    let snapshot = source.snapshot()?;
    let der: Vec<(Serial, Vec<u8>)> = snapshot
        .certificates
        .iter()
        .filter_map(|e| der_of(&layout, e).map(|d| (e.serial.clone(), d)))
        .collect();
    let url = server.location.url.clone();
    let mut target = records::open_postgres(&server.location)?;
    target.lock_writers()?;
    if target.initialised()? || !target.matching("*")?.is_empty() {
        return Err(PkiError::ServerNotEmpty { url });
    }
    let change = Change {
        operation: format!(
            "migrate {} certificates from pki.db",
            snapshot.certificates.len()
        ),
        settings: Some(settings),
        insert: snapshot.certificates.clone(),
        der: der.clone(),
        ..Change::default()
    };
    target.commit("migration", &change)?;
    verify(
        target.as_ref(),
        &url,
        settings,
        &snapshot.certificates,
        &der,
    )?;
    name_server(&layout, server)?;
    drop(target);
    drop(pki);
    let kept_as = layout.dir().join("pki.db.migrated");
    std::fs::rename(layout.db(), &kept_as).map_err(|e| FileError::io("rename", layout.db(), e))?;
    Ok(Moved {
        certificates: snapshot.certificates.len(),
        with_der: der.len(),
        kept_as,
    })
}

/// Reads the copy back and compares it with what was copied: settings, every field of every
/// certificate in order, and each certificate's DER.
fn verify(
    target: &dyn Records,
    url: &str,
    settings: records::Settings,
    source: &[Entry],
    der: &[(Serial, Vec<u8>)],
) -> Result<(), PkiError> {
    let differs = |what: String| PkiError::CopyDiffers {
        url: url.to_string(),
        what,
    };
    if target.settings()? != settings {
        return Err(differs("settings".into()));
    }
    let copy = target.snapshot()?.certificates;
    if copy.len() != source.len() {
        return Err(differs(format!(
            "{} certificates instead of {}",
            copy.len(),
            source.len()
        )));
    }
    for (a, b) in source.iter().zip(&copy) {
        // Every field, as the JSON output shows them.
        if serde_json::to_value(a).ok() != serde_json::to_value(b).ok() {
            return Err(differs(format!("certificate {}", a.serial)));
        }
    }
    for (serial, bytes) in der {
        if target.certificate_der(serial)?.as_deref() != Some(bytes.as_slice()) {
            return Err(differs(format!("the DER of certificate {serial}")));
        }
    }
    Ok(())
}
