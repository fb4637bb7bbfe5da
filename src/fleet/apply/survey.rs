//! What is in a fleet directory now: the PKI's index, the PSK store, the CRL.

use super::super::error::FleetError;
use super::super::layout::FleetDir;
use super::super::model::{Auth, Fleet};
use super::super::outputs::Unmanaged;
use crate::atomic;
use crate::lock::Lock;
use crate::pki::{self, Profile, Snapshot, Status};
use crate::psk::PskFile;
use std::collections::HashSet;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// What is there now.
pub(super) struct Survey {
    pub(super) index: Option<Snapshot>,
    /// identity -> hex key, from the PSK store, in file order.
    pub(super) psk: Vec<(String, Zeroizing<String>)>,
    /// The PSK store, open (and locked) while apply may rewrite it.
    pub(super) _psk_file: Option<PskFile>,
    /// When the CRL the brokers load must be replaced, if there is one.
    pub(super) crl_next_update: Option<OffsetDateTime>,
    /// Brokers whose full chain or key file is missing.
    pub(super) brokers_without_files: HashSet<String>,
}

impl Survey {
    /// An empty fleet directory.
    #[cfg(test)]
    pub(super) fn empty() -> Survey {
        Survey {
            index: None,
            psk: Vec::new(),
            _psk_file: None,
            crl_next_update: None,
            brokers_without_files: HashSet::new(),
        }
    }
}

pub(super) fn survey(fleet: &Fleet, dir: &FleetDir) -> Result<Survey, FleetError> {
    let index = match pki::snapshot(dir.pki()) {
        Ok(index) => Some(index),
        Err(pki::PkiError::Missing { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let store = dir.psk_store();
    let (psk, psk_file) = if store.exists() {
        let file = PskFile::open(&store)?;
        let psk = file
            .identities()
            .map(|id| {
                (
                    id.to_string(),
                    Zeroizing::new(file.key_of(id).unwrap_or_default().to_string()),
                )
            })
            .collect();
        (psk, Some(file))
    } else {
        (Vec::new(), None)
    };
    let layout = pki::Layout::new(dir.pki());
    let brokers_without_files = fleet
        .brokers
        .iter()
        .filter(|b| !layout.leaf_fullchain(&b.name).exists() || !layout.leaf_key(&b.name).exists())
        .map(|b| b.name.clone())
        .collect();
    Ok(Survey {
        index,
        psk,
        _psk_file: psk_file,
        crl_next_update: pki::crl_next_update(&layout.crl()),
        brokers_without_files,
    })
}

/// Takes the fleet directory's lock, finishes or undoes what an interrupted run left, and
/// migrates the PKI's records from an `index.json` (returned, to be reported).
pub(super) fn open_dir(dir: &FleetDir) -> Result<(Lock, Option<pki::Migration>), FleetError> {
    atomic::create_dir(dir.root(), 0o755)?;
    let lock = crate::lock::lock_dir(dir.root())?;
    atomic::recover(&dir.journal())?;
    let (_, migration) = pki::prepare(dir.pki())?;
    for owned in dir.owned_dirs() {
        atomic::sweep_temporaries(&owned);
    }
    atomic::sweep_temporaries_of(&dir.psk_store());
    Ok((lock, migration))
}

/// Who can authenticate without being a device of the manifest, as things stand.
pub(super) fn unmanaged_now(fleet: &Fleet, survey: &Survey, now: OffsetDateTime) -> Unmanaged {
    let psk_devices: HashSet<&str> = fleet
        .devices_with(Auth::Psk)
        .map(|d| d.id.as_str())
        .collect();
    Unmanaged {
        mtls: unmanaged_certs(fleet, survey.index.as_ref(), now),
        psk: survey
            .psk
            .iter()
            .filter(|(id, _)| !psk_devices.contains(id.as_str()))
            .map(|(id, _)| id.clone())
            .collect(),
    }
}

/// Client certificates that can still authenticate but are not mTLS devices.
pub(super) fn unmanaged_certs(
    fleet: &Fleet,
    index: Option<&Snapshot>,
    now: OffsetDateTime,
) -> Vec<String> {
    let Some(index) = index else {
        return Vec::new();
    };
    let mtls: HashSet<&str> = fleet
        .devices_with(Auth::Mtls)
        .map(|d| d.id.as_str())
        .chain(fleet.enroll_service())
        .collect();
    let mut names: Vec<String> = index
        .certificates
        .iter()
        .filter(|e| {
            e.profile == Profile::Client && e.status != Status::Revoked && !e.is_expired_at(now)
        })
        .filter(|e| !mtls.contains(e.name.as_str()))
        .map(|e| e.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Devices of the manifest that hold a certificate only through a revoked one: left revoked by
/// apply, so brokers that cannot deny an authenticated user (RabbitMQ) give them no user.
pub(super) fn revoked_devices(fleet: &Fleet, index: Option<&Snapshot>) -> Vec<String> {
    let Some(index) = index else {
        return Vec::new();
    };
    let has = |id: &str, status: Status| {
        index
            .certificates
            .iter()
            .any(|e| e.profile == Profile::Client && e.name == id && e.status == status)
    };
    fleet
        .devices_with(Auth::Mtls)
        .map(|d| d.id.as_str())
        .filter(|id| has(id, Status::Revoked) && !has(id, Status::Valid))
        .map(str::to_string)
        .collect()
}
