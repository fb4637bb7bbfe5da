//! Issuing leaf certificates (brokers and clients), one or ten thousand at a time.

use super::ca::{SigningCa, not_before, now};
use super::entry::{Entry, Status, fingerprint, spki_sha256_of_certificate};
use super::error::PkiError;
use super::keys::{KeyAlgorithm, key_to_pem};
use super::profile::{CertSpec, Profile, San};
use super::records::Change;
use super::serial::Serial;
use super::store::Pki;
use crate::atomic::{self, Batch, Mode};
use crate::lifetime::Lifetime;
use crate::names;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use time::Duration;

/// Where the subject's key comes from.
#[derive(Debug, Clone)]
pub enum LeafKey {
    /// Generate a fresh key pair and write it to `private/NAME.key`.
    Generate(KeyAlgorithm),
    /// A public key made elsewhere (a CSR from a secure element, or a certificate being
    /// renewed without rekeying); no key file is written.
    Public {
        spki_der: Vec<u8>,
        algorithm: KeyAlgorithm,
    },
}

impl LeafKey {
    fn algorithm(&self) -> KeyAlgorithm {
        match self {
            LeafKey::Generate(alg) => *alg,
            LeafKey::Public { algorithm, .. } => *algorithm,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LeafRequest {
    pub name: String,
    pub profile: Profile,
    pub sans: Vec<San>,
    pub key: LeafKey,
    /// This certificate's lifetime when it differs from the batch's (renewals keep theirs).
    pub lifetime: Option<Duration>,
}

#[derive(Debug, Clone, Copy)]
pub struct IssueOptions {
    pub lifetime: Lifetime,
    /// Replace existing files and supersede the name's certificate in force.
    pub force: bool,
}

/// The end of `entry`'s validity when it is shorter than the `asked` lifetime: no certificate
/// outlives the CA that signs it, so a long lifetime is cut at the CA's expiry.
pub fn cut_short(entry: &Entry, asked: Duration) -> Option<time::OffsetDateTime> {
    let full = entry.not_before + super::ca::BACKDATE + asked;
    (entry.not_after + Duration::seconds(1) < full).then_some(entry.not_after)
}

/// Issues certificates for `requests` with `ca`, in parallel, and records them. Every refusal
/// (bad name, existing file, certificate in force) happens before any work; files and records
/// land together or not at all.
pub fn issue(
    pki: &mut Pki,
    ca: &SigningCa,
    requests: &[LeafRequest],
    opts: IssueOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Entry>, PkiError> {
    let issued = issue_batch(pki, ca, requests, opts, progress, false)?;
    Ok(issued.into_iter().map(|(entry, _)| entry).collect())
}

/// [`issue`], giving back each certificate's PEM with its record: for a caller that sends
/// the certificates on (the enrollment service) instead of reading the files back.
pub fn issue_with_pem(
    pki: &mut Pki,
    ca: &SigningCa,
    requests: &[LeafRequest],
    opts: IssueOptions,
) -> Result<Vec<(Entry, String)>, PkiError> {
    issue_batch(pki, ca, requests, opts, &|_| {}, true)
}

/// A batch keeps the PEMs only when asked: a million-certificate batch would hold them all.
fn issue_batch(
    pki: &mut Pki,
    ca: &SigningCa,
    requests: &[LeafRequest],
    opts: IssueOptions,
    progress: &(dyn Fn(u64) + Sync),
    keep_pem: bool,
) -> Result<Vec<(Entry, String)>, PkiError> {
    let in_force = check_requests(pki, requests, opts)?;
    let now = now();
    let start = not_before(now);
    // No leaf outlives the CA that signs it: it would fail verification from then on anyway.
    let end_of = |req: &LeafRequest| {
        (now + req.lifetime.unwrap_or(opts.lifetime.duration())).min(ca.not_after)
    };

    // 127 random bits: a clash with an earlier certificate is beyond belief, and the records'
    // primary key would refuse the batch if it happened; within the batch, make sure.
    let mut taken = HashSet::with_capacity(requests.len());
    let serials: Vec<Serial> = requests
        .iter()
        .map(|_| {
            let s = Serial::random_unique(&taken);
            taken.insert(s.clone());
            s
        })
        .collect();

    let layout = pki.layout.clone();
    let files = Batch::new(opts.force);
    let mut issued: Vec<(Entry, String, Vec<u8>)> = requests
        .par_iter()
        .zip(serials.par_iter())
        .map(|(req, serial)| {
            let end = end_of(req);
            let spec = CertSpec {
                profile: req.profile,
                common_name: &req.name,
                sans: &req.sans,
                serial,
                not_before: start,
                not_after: end,
                key: req.key.algorithm(),
            };
            let (cert, key_held) = match &req.key {
                LeafKey::Generate(alg) => {
                    let key = alg.generate()?;
                    let cert = spec.params(&key)?.signed_by(&key, &ca.issuer)?;
                    let pem = key_to_pem(&key, None)?;
                    files.stage(&layout.leaf_key(&req.name), pem.as_bytes(), Mode::Secret)?;
                    (cert, true)
                }
                LeafKey::Public { spki_der, .. } => {
                    let spki = rcgen::SubjectPublicKeyInfo::from_der(spki_der)?;
                    (spec.params(&spki)?.signed_by(&spki, &ca.issuer)?, false)
                }
            };
            let pem = cert.pem();
            files.stage(&layout.leaf_cert(&req.name), pem.as_bytes(), Mode::Public)?;
            if req.profile == Profile::Broker {
                let full = format!("{pem}{}", ca.chain_for_leaves());
                files.stage(
                    &layout.leaf_fullchain(&req.name),
                    full.as_bytes(),
                    Mode::Public,
                )?;
            }
            progress(1);
            let entry = Entry {
                serial: serial.clone(),
                name: req.name.clone(),
                profile: req.profile,
                subject: format!("CN={}", req.name),
                issuer: ca.subject.clone(),
                sans: req.sans.clone(),
                key: req.key.algorithm(),
                not_before: start,
                not_after: end,
                status: Status::Valid,
                revoked_at: None,
                reason: None,
                superseded_by: None,
                fingerprint_sha256: Some(fingerprint(cert.der())),
                key_held,
                // From the certificate as signed: the key a later CSR is compared with.
                spki_sha256: spki_sha256_of_certificate(cert.der()),
                allowed_at: None,
            };
            Ok((
                entry,
                if keep_pem { pem } else { String::new() },
                cert.der().to_vec(),
            ))
        })
        .collect::<Result<_, PkiError>>()?;

    let change = Change {
        operation: format!("issue {}", issued.len()),
        supersede: issued
            .iter()
            .filter_map(|(e, _, _)| {
                in_force
                    .get(&e.name)
                    .map(|old| (old.serial.clone(), e.serial.clone()))
            })
            .collect(),
        insert: issued.iter().map(|(e, _, _)| e.clone()).collect(),
        der: issued
            .iter_mut()
            .map(|(e, _, der)| (e.serial.clone(), std::mem::take(der)))
            .collect(),
        ..Change::default()
    };
    pki.commit(files, change)?;
    Ok(issued.into_iter().map(|(e, pem, _)| (e, pem)).collect())
}

/// Refuses what cannot be issued; returns the certificates in force for the names (those a
/// `force` batch supersedes).
fn check_requests(
    pki: &Pki,
    requests: &[LeafRequest],
    opts: IssueOptions,
) -> Result<HashMap<String, Entry>, PkiError> {
    if requests.is_empty() {
        return Err(PkiError::NothingToIssue);
    }
    let too_short = |d: Duration| d < Duration::hours(1);
    if too_short(opts.lifetime.duration())
        || requests.iter().any(|r| r.lifetime.is_some_and(too_short))
    {
        return Err(PkiError::ZeroLifetime);
    }
    let mut seen = HashSet::with_capacity(requests.len());
    for req in requests {
        names::validate_cert_name(&req.name)?;
        if !seen.insert(req.name.as_str()) {
            return Err(PkiError::DuplicateName {
                name: req.name.clone(),
            });
        }
        if req.profile == Profile::Broker && req.sans.is_empty() {
            return Err(PkiError::NoSan {
                name: req.name.clone(),
            });
        }
    }
    let names: Vec<&str> = requests.iter().map(|r| r.name.as_str()).collect();
    let in_force = pki.records().in_force_many(&names)?;
    if opts.force {
        return Ok(in_force);
    }
    let layout = &pki.layout;
    for req in requests {
        if let Some(e) = in_force.get(&req.name) {
            return Err(PkiError::AlreadyIssued {
                name: req.name.clone(),
                serial: e.serial.clone(),
            });
        }
        atomic::ensure_absent(&layout.leaf_cert(&req.name), false)?;
        if matches!(req.key, LeafKey::Generate(_)) {
            atomic::ensure_absent(&layout.leaf_key(&req.name), false)?;
        }
        if req.profile == Profile::Broker {
            atomic::ensure_absent(&layout.leaf_fullchain(&req.name), false)?;
        }
    }
    Ok(in_force)
}
