//! Making the credentials the changes ask for: the CAs, certificates, revocations, the CRL and
//! the PSK store, each step an atomic batch that a crash leaves for the next run to finish or
//! undo.

use super::changes::Changes;
use super::files::store_text;
use super::survey::Survey;
use crate::atomic::{self, Mode};
use crate::fleet::error::FleetError;
use crate::fleet::layout::FleetDir;
use crate::fleet::model::{Auth, Fleet};
use crate::pki::{
    self, InitOptions, IssueOptions, Passphrase, Pki, Profile, Reason, RevokeTarget, SigningCa,
    Snapshot,
};
use std::collections::HashSet;
use zeroize::Zeroizing;

/// The state of the credentials after [`make`].
pub(super) struct Made {
    /// The index, when the PKI changed (otherwise the survey's is current).
    pub(super) index: Option<Snapshot>,
    /// The PSK store's text.
    pub(super) psk_store: Zeroizing<Vec<u8>>,
}

pub(super) fn make(
    fleet: &Fleet,
    dir: &FleetDir,
    c: &Changes,
    survey: &Survey,
    prune: bool,
    passphrase: Option<&Passphrase>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Made, FleetError> {
    let index = certificates(fleet, dir, c, prune, passphrase, progress)?;
    let psk_store = psk_store(fleet, dir, c, survey, prune)?;
    Ok(Made { index, psk_store })
}

fn certificates(
    fleet: &Fleet,
    dir: &FleetDir,
    c: &Changes,
    prune: bool,
    passphrase: Option<&Passphrase>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Option<Snapshot>, FleetError> {
    if c.init_pki {
        pki::init(
            dir.pki(),
            &InitOptions {
                name: fleet.pki.ca_name.clone(),
                key: fleet.pki.key,
                root_lifetime: Profile::Root.default_lifetime(),
                intermediate_lifetime: Profile::Intermediate.default_lifetime(),
                intermediate: true,
                passphrase,
                hsm: None,
                records: None,
            },
        )?;
    }
    let revokes = prune && !c.orphan_certs.is_empty();
    if c.issue_new.is_empty() && c.issue_again.is_empty() && !revokes && !c.crl {
        return Ok(None);
    }
    let mut store = Pki::open(dir.pki())?;
    let ca = SigningCa::issuing(&store, passphrase)?;
    let batch = |force| IssueOptions {
        lifetime: fleet.pki.client_lifetime,
        force,
    };
    if !c.issue_new.is_empty() {
        pki::issue(&mut store, &ca, &c.issue_new, batch(false), progress)?;
    }
    if !c.issue_again.is_empty() {
        pki::issue(&mut store, &ca, &c.issue_again, batch(true), progress)?;
    }
    if revokes {
        let targets: Vec<RevokeTarget> = c
            .orphan_certs
            .iter()
            .cloned()
            .map(RevokeTarget::Name)
            .collect();
        pki::revoke(
            &mut store,
            &ca,
            &targets,
            Reason::CessationOfOperation,
            pki::DEFAULT_CRL_LIFETIME,
        )?;
    } else if c.crl {
        pki::publish_crl(&mut store, &ca, pki::DEFAULT_CRL_LIFETIME)?;
    }
    Ok(Some(
        store.records().snapshot().map_err(pki::PkiError::from)?,
    ))
}

/// The PSK store: new identities get keys, pruned ones go.
fn psk_store(
    fleet: &Fleet,
    dir: &FleetDir,
    c: &Changes,
    survey: &Survey,
    prune: bool,
) -> Result<Zeroizing<Vec<u8>>, FleetError> {
    let orphans: HashSet<&String> = c.orphan_psk.iter().collect();
    let mut entries: Vec<(String, Zeroizing<String>)> = survey
        .psk
        .iter()
        .filter(|(id, _)| !(prune && orphans.contains(id)))
        .map(|(id, k)| (id.clone(), k.clone()))
        .collect();
    entries.extend(crate::psk::generate_pairs(&c.psk_new, fleet.psk_bytes)?);
    let text = store_text(&entries);
    let changed = !c.psk_new.is_empty() || (prune && !c.orphan_psk.is_empty());
    if changed || (fleet.uses(Auth::Psk) && !dir.psk_store().exists()) {
        let path = dir.psk_store();
        if let Some(parent) = path.parent() {
            atomic::create_dir(parent, 0o700)?;
        }
        atomic::write_file(&path, &text, Mode::Secret, true)?;
    }
    Ok(text)
}
