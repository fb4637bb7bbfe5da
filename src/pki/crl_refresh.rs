//! Keeping a CRL from expiring. Once its nextUpdate passes, a broker that checks it refuses
//! every client, so something must sign it again in time: `pki crl --refresh-before` run by a
//! timer, or `enroll serve` while it runs. Both sign only when the CRL is due, so running them
//! often costs nothing and never burns CRL numbers.

use super::ca::{SigningCa, now};
use super::crl::{CrlInfo, CrlSigner, next_update, publish_crl};
use super::error::PkiError;
use super::layout::Layout;
use super::passphrase::Passphrase;
use super::store::Pki;
use crate::lifetime::Lifetime;
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

/// The file the CRL `signer` signs is published in: the root signs `ca.crl.pem` only when
/// there is an intermediate to cover, otherwise it is the issuing CA.
pub fn crl_path(layout: &Layout, signer: CrlSigner) -> PathBuf {
    match signer {
        CrlSigner::Root if layout.intermediate_cert().exists() => layout.root_crl(),
        _ => layout.crl(),
    }
}

/// The CRL's nextUpdate when it is further than `before` from `at`: the CRL is current. `None`
/// when it must be signed again (closer than that, passed, missing or unreadable).
pub fn crl_current_until(
    path: &Path,
    before: Duration,
    at: OffsetDateTime,
) -> Option<OffsetDateTime> {
    next_update(path).filter(|next| *next - at > before)
}

/// What [`refresh_crl`] did.
#[derive(Debug, Clone)]
pub enum CrlRefresh {
    /// The CRL was current; nothing was signed.
    Current {
        path: PathBuf,
        next_update: OffsetDateTime,
    },
    Signed(CrlInfo),
}

/// Signs the issuing CA's CRL of the PKI at `dir` again, for `lifetime`, when it is closer than
/// `before` to its nextUpdate; otherwise touches nothing (the CA key is not even read).
pub fn refresh_crl(
    dir: &Path,
    passphrase: Option<&Passphrase>,
    before: Duration,
    lifetime: Lifetime,
) -> Result<CrlRefresh, PkiError> {
    let path = crl_path(&Layout::new(dir), CrlSigner::Issuing);
    if let Some(next_update) = crl_current_until(&path, before, now()) {
        return Ok(CrlRefresh::Current { path, next_update });
    }
    let mut pki = Pki::open(dir)?;
    let ca = SigningCa::issuing(&pki, passphrase)?;
    Ok(CrlRefresh::Signed(publish_crl(&mut pki, &ca, lifetime)?))
}
