//! Renewal: re-issue certificates before they expire, keeping their key unless asked to rekey.

use super::ca::{BACKDATE, SigningCa, now};
use super::entry::{Entry, Status};
use super::error::PkiError;
use super::issue::{IssueOptions, LeafKey, LeafRequest, issue};
use super::layout::Layout;
use super::store::Pki;
use crate::lifetime::Lifetime;
use rayon::prelude::*;
use std::collections::HashSet;
use time::Duration;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Which certificates to renew.
#[derive(Debug, Clone)]
pub enum RenewSelection {
    /// These names' certificates in force, whatever their expiry.
    Names(Vec<String>),
    /// Every certificate in force that expires within this window (or already has).
    Within(Duration),
}

#[derive(Debug, Clone, Copy)]
pub struct RenewOptions {
    /// Generate a new key instead of certifying the existing one again.
    pub rekey: bool,
    /// Lifetime of the new certificates; by default each keeps its previous lifetime.
    pub lifetime: Option<Lifetime>,
}

#[derive(Debug, Clone)]
pub struct Renewal {
    pub old: Entry,
    pub new: Entry,
    pub rekeyed: bool,
}

/// What a renewal would do: the certificates it renews, and those it selected but skips.
#[derive(Debug, Clone, Default)]
pub struct RenewPlan {
    /// Renewed, oldest expiry first.
    pub chosen: Vec<Entry>,
    /// Selected, but renewing them now would not push their expiry back by a day (a
    /// certificate that was just renewed, or whose lifetime is longer than what is left of
    /// it), oldest expiry first.
    pub not_extended: Vec<Entry>,
}

/// The certificates `selection` picks, oldest expiry first. A certificate is skipped when
/// renewing it would not push its expiry back by at least a day (unless new keys are asked
/// for), so running the same renewal twice renews nothing the second time.
pub fn select(
    pki: &Pki,
    selection: &RenewSelection,
    opts: RenewOptions,
) -> Result<Vec<Entry>, PkiError> {
    Ok(plan(pki, selection, opts)?.chosen)
}

/// Like [`select`], keeping the certificates it skips and why: what `--dry-run` shows and
/// what "nothing to renew" explains.
pub fn plan(
    pki: &Pki,
    selection: &RenewSelection,
    opts: RenewOptions,
) -> Result<RenewPlan, PkiError> {
    let records = pki.records();
    let now = now();
    let selected: Vec<Entry> = match selection {
        RenewSelection::Names(names) => {
            let mut seen = HashSet::new();
            let mut selected = Vec::with_capacity(names.len());
            for name in names {
                if !seen.insert(name.as_str()) {
                    return Err(PkiError::DuplicateName { name: name.clone() });
                }
                let e = match records.in_force(name)? {
                    Some(e) => e,
                    None if records.by_name(name)?.iter().any(|e| !e.profile.is_ca()) => {
                        return Err(PkiError::NothingToRenew { name: name.clone() });
                    }
                    None => return Err(PkiError::UnknownName { name: name.clone() }),
                };
                selected.push(e);
            }
            selected
        }
        RenewSelection::Within(window) => records
            .expiring(now + *window)?
            .into_iter()
            .filter(|e| e.status == Status::Valid)
            .collect(),
    };
    let (mut chosen, mut not_extended): (Vec<Entry>, Vec<Entry>) = selected
        .into_iter()
        .partition(|e| opts.rekey || extends(e, opts, now));
    let order = |a: &Entry, b: &Entry| a.not_after.cmp(&b.not_after).then(a.name.cmp(&b.name));
    chosen.sort_by(order);
    not_extended.sort_by(order);
    Ok(RenewPlan {
        chosen,
        not_extended,
    })
}

/// Whether renewing `e` now would push its expiry back by at least a day.
fn extends(e: &Entry, opts: RenewOptions, now: time::OffsetDateTime) -> bool {
    now + new_lifetime(e, opts) > e.not_after + Duration::days(1)
}

/// Re-issues the certificates [`select`] chose; the old ones become `superseded` (not revoked:
/// a device keeps working with its old certificate until it has fetched the new one).
pub fn renew(
    pki: &mut Pki,
    ca: &SigningCa,
    old: Vec<Entry>,
    opts: RenewOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Renewal>, PkiError> {
    if old.is_empty() {
        return Ok(Vec::new());
    }
    let layout = &pki.layout;
    // Certificates another host issued (records in PostgreSQL) have no file here: their
    // records' copies, read before the parallel part (the records are one connection).
    let mut stored = std::collections::HashMap::new();
    for e in &old {
        if !layout.leaf_cert(&e.name).exists()
            && let Some(der) = pki.records().certificate_der(&e.serial)?
        {
            stored.insert(e.serial.clone(), der);
        }
    }
    let requests = old
        .par_iter()
        .map(|e| renewal_request(layout, stored.get(&e.serial).map(Vec::as_slice), e, opts))
        .collect::<Result<Vec<_>, _>>()?;
    let fallback = opts
        .lifetime
        .unwrap_or(super::profile::Profile::Client.default_lifetime());
    let new = issue(
        pki,
        ca,
        &requests,
        IssueOptions {
            lifetime: fallback,
            force: true,
        },
        progress,
    )?;
    Ok(old
        .into_iter()
        .zip(new)
        .map(|(old, new)| Renewal {
            old,
            new,
            rekeyed: opts.rekey,
        })
        .collect())
}

fn renewal_request(
    layout: &Layout,
    stored: Option<&[u8]>,
    e: &Entry,
    opts: RenewOptions,
) -> Result<LeafRequest, PkiError> {
    let key = if opts.rekey {
        // A key we never held (a CSR from a secure element) must be replaced on the device.
        if !layout.leaf_key(&e.name).exists() {
            return Err(PkiError::RekeyWithoutKey {
                name: e.name.clone(),
            });
        }
        LeafKey::Generate(e.key)
    } else {
        LeafKey::Public {
            spki_der: current_public_key(layout, stored, e)?,
            algorithm: e.key,
        }
    };
    Ok(LeafRequest {
        name: e.name.clone(),
        profile: e.profile,
        sans: e.sans.clone(),
        key,
        lifetime: Some(new_lifetime(e, opts)),
    })
}

/// The lifetime a renewal of `e` gets: as asked, or the same as before.
fn new_lifetime(e: &Entry, opts: RenewOptions) -> Duration {
    match opts.lifetime {
        Some(l) => l.duration(),
        None => (e.not_after - e.not_before - BACKDATE).max(Duration::hours(1)),
    }
}

/// The public key of the certificate in force, read from its file after checking that the
/// file really holds the certificate the index names.
fn current_public_key(
    layout: &Layout,
    stored: Option<&[u8]>,
    e: &Entry,
) -> Result<Vec<u8>, PkiError> {
    let path = layout.leaf_cert(&e.name);
    let bad = |message: String| PkiError::Certificate {
        path: path.clone(),
        message,
    };
    // A certificate another host issued (records in PostgreSQL) has no file here.
    let der = match stored {
        Some(der) => der.to_vec(),
        None => {
            let text = super::ca::read_text(&path, crate::input::Kind::Certificates)?;
            pem::parse(&text)
                .map_err(|err| bad(format!("not a PEM certificate: {err}")))?
                .into_contents()
        }
    };
    let (_, cert) = X509Certificate::from_der(&der)
        .map_err(|err| bad(format!("cannot parse certificate: {err}")))?;
    let serial = super::serial::Serial::from_bytes(cert.raw_serial());
    if serial != e.serial {
        return Err(bad(format!(
            "holds serial {serial}, but the records (pki.db) say {}; was it replaced by hand?",
            e.serial
        )));
    }
    Ok(cert.public_key().raw.to_vec())
}
