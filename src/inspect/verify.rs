//! `verify`: build a certificate's chain to a trust anchor and check it the way OpenSSL does.
//!
//! The order of the checks follows OpenSSL's `X509_verify_cert` so that, for the same inputs,
//! the first failure reported is the one `openssl verify` reports: chain building, then
//! extensions (CA flags, path length, purpose), then revocation, then signatures and validity
//! from the root down to the leaf. Reasons use OpenSSL's wording.

use super::error::InspectError;
use super::revocation::CrlSet;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Longest chain built, as OpenSSL's default verify depth allows.
const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// TLS client authentication (`openssl verify -purpose sslclient`).
    Client,
    /// TLS server authentication (`-purpose sslserver`).
    Server,
}

impl crate::choice::Choice for Purpose {
    const ALL: &'static [Self] = &[Purpose::Client, Purpose::Server];
    fn id(self) -> &'static str {
        match self {
            Purpose::Client => "client",
            Purpose::Server => "server",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Purpose::Client => "TLS client (like openssl's sslclient)",
            Purpose::Server => "TLS server (like openssl's sslserver)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub purpose: Option<Purpose>,
    /// The time the chain must be valid at.
    pub at: OffsetDateTime,
    /// With CRLs, the leaf must be covered by one from its issuer (like `-crl_check`); other
    /// certificates of the chain are checked when a CRL from their issuer was given.
    pub crls: CrlSet,
}

/// Why a chain failed, at which depth (0 = the certificate itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub depth: usize,
    pub subject: String,
    /// OpenSSL's name for the error, e.g. `X509_V_ERR_CERT_REVOKED`.
    pub code: &'static str,
    /// OpenSSL's description, e.g. `certificate revoked`.
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub file: PathBuf,
    /// The certificate's subject (a DN) and its CN.
    pub subject: String,
    pub cn: Option<String>,
    /// The chain's subjects from the certificate up to the trust anchor, as far as it was built.
    pub chain: Vec<String>,
    pub failure: Option<Failure>,
}

/// What a PKI directory offers `verify`: its root as the trust anchor, its intermediate as an
/// untrusted certificate that may complete chains, and the CRLs it has published.
#[derive(Debug, Clone, Default)]
pub struct PkiTrust {
    pub anchors: Vec<PathBuf>,
    pub untrusted: Vec<PathBuf>,
    pub crls: Vec<PathBuf>,
}

impl PkiTrust {
    pub fn of(dir: &Path) -> Result<PkiTrust, InspectError> {
        let layout = crate::pki::Layout::new(dir);
        if !layout.ca_cert().exists() {
            return Err(crate::pki::PkiError::Missing {
                dir: dir.to_path_buf(),
                file: layout.ca_cert(),
            }
            .into());
        }
        let existing = |paths: Vec<PathBuf>| paths.into_iter().filter(|p| p.exists()).collect();
        Ok(PkiTrust {
            anchors: vec![layout.ca_cert()],
            untrusted: existing(vec![layout.intermediate_cert()]),
            crls: existing(vec![layout.crl(), layout.root_crl()]),
        })
    }
}

/// Certificates from PEM bundles or DER files, as DER.
pub fn load_certificates(path: &Path) -> Result<Vec<Vec<u8>>, InspectError> {
    let bytes = crate::input::read(path, crate::input::Kind::Certificates).map_err(|e| {
        InspectError::Certificates {
            path: path.to_path_buf(),
            message: e.reason(),
        }
    })?;
    let input = super::source::Input {
        path: path.to_path_buf(),
        named: true,
    };
    match super::source::decode(&input, &bytes, |der, _| der.to_vec()) {
        super::source::Contents::Certificates(ders) => Ok(ders),
        super::source::Contents::Problem(message) | super::source::Contents::Skipped(message) => {
            Err(InspectError::Certificates {
                path: path.to_path_buf(),
                message,
            })
        }
    }
}

struct Cert<'a> {
    der: &'a [u8],
    x: X509Certificate<'a>,
    trusted: bool,
}

impl<'a> Cert<'a> {
    fn parse(der: &'a [u8], trusted: bool) -> Option<Cert<'a>> {
        X509Certificate::from_der(der)
            .ok()
            .map(|(_, x)| Cert { der, x, trusted })
    }

    fn subject(&self) -> String {
        self.x.subject().to_string()
    }

    fn ski(&self) -> Option<&[u8]> {
        self.x
            .iter_extensions()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0),
                _ => None,
            })
    }

    fn aki(&self) -> Option<&[u8]> {
        self.x
            .iter_extensions()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|k| k.0)
                }
                _ => None,
            })
    }

    fn self_issued(&self) -> bool {
        self.x.subject().as_raw() == self.x.issuer().as_raw()
    }

    /// Self-issued and signed by its own key.
    fn self_signed(&self) -> bool {
        self.self_issued() && self.x.verify_signature(None).is_ok()
    }

    /// Whether `issuer` may have issued this certificate: names and key identifiers agree and,
    /// when it states key usages, the issuer may sign certificates (OpenSSL's check_issued).
    fn issued_by(&self, issuer: &Cert<'_>) -> bool {
        if self.x.issuer().as_raw() != issuer.x.subject().as_raw() {
            return false;
        }
        if let (Some(aki), Some(ski)) = (self.aki(), issuer.ski())
            && aki != ski
        {
            return false;
        }
        !matches!(issuer.x.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign())
    }
}

fn fail(depth: usize, cert: &Cert<'_>, code: &'static str, reason: impl Into<String>) -> Failure {
    Failure {
        depth,
        subject: cert.subject(),
        code,
        reason: reason.into(),
    }
}

/// Verifies the first certificate in `file` (as `openssl verify` does) against `anchors`
/// (trusted) with the help of `untrusted` intermediates.
pub fn verify_file(
    file: &Path,
    anchors: &[Vec<u8>],
    untrusted: &[Vec<u8>],
    opts: &VerifyOptions,
) -> Result<Verdict, InspectError> {
    let ders = load_certificates(file)?;
    let leaf_der = &ders[0];
    let leaf = Cert::parse(leaf_der, false).ok_or_else(|| InspectError::Certificates {
        path: file.to_path_buf(),
        message: "not a valid certificate".into(),
    })?;
    let anchors: Vec<Cert<'_>> = anchors
        .iter()
        .filter_map(|d| Cert::parse(d, true))
        .collect();
    let pool: Vec<Cert<'_>> = untrusted
        .iter()
        .filter_map(|d| Cert::parse(d, false))
        .collect();
    let leaf = Cert {
        trusted: anchors.iter().any(|a| a.der == leaf.der),
        ..leaf
    };
    let (chain, failure) = build_chain(leaf, &anchors, &pool);
    let failure = failure
        .or_else(|| check_extensions(&chain, opts.purpose))
        .or_else(|| check_revocation(&chain, opts))
        .or_else(|| check_signatures_and_times(&chain, opts.at));
    Ok(Verdict {
        file: file.to_path_buf(),
        subject: chain[0].subject(),
        cn: chain[0]
            .x
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_string),
        chain: chain.iter().map(Cert::subject).collect(),
        failure,
    })
}

fn build_chain<'a>(
    leaf: Cert<'a>,
    anchors: &'a [Cert<'a>],
    pool: &'a [Cert<'a>],
) -> (Vec<Cert<'a>>, Option<Failure>) {
    let mut chain = vec![leaf];
    loop {
        let current = &chain[chain.len() - 1];
        let depth = chain.len() - 1;
        // A trust anchor ends the chain once it is self-signed (no partial chains).
        if current.trusted && current.self_signed() {
            return (chain, None);
        }
        if current.self_signed() {
            let (code, reason) = if depth == 0 {
                (
                    "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
                    "self-signed certificate",
                )
            } else {
                (
                    "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
                    "self-signed certificate in certificate chain",
                )
            };
            let failure = fail(depth, current, code, reason);
            return (chain, Some(failure));
        }
        if chain.len() > MAX_DEPTH {
            let failure = fail(
                depth,
                current,
                "X509_V_ERR_CERT_CHAIN_TOO_LONG",
                "certificate chain too long",
            );
            return (chain, Some(failure));
        }
        let in_chain = |c: &Cert<'_>| chain.iter().any(|x| x.der == c.der);
        // Trusted first, as OpenSSL does by default.
        let next = anchors
            .iter()
            .chain(pool.iter())
            .find(|c| !in_chain(c) && current.issued_by(c));
        match next {
            Some(issuer) => chain.push(Cert {
                der: issuer.der,
                x: issuer.x.clone(),
                trusted: issuer.trusted,
            }),
            None => {
                let (code, reason) = if current.trusted {
                    (
                        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT",
                        "unable to get issuer certificate",
                    )
                } else {
                    (
                        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
                        "unable to get local issuer certificate",
                    )
                };
                let failure = fail(depth, current, code, reason);
                return (chain, Some(failure));
            }
        }
    }
}

fn eku_allows(cert: &Cert<'_>, purpose: Purpose) -> bool {
    match cert.x.extended_key_usage() {
        Ok(Some(eku)) => match purpose {
            Purpose::Client => eku.value.client_auth,
            Purpose::Server => eku.value.server_auth,
        },
        Ok(None) => true,
        Err(_) => false,
    }
}

fn leaf_ku_allows(cert: &Cert<'_>, purpose: Purpose) -> bool {
    match cert.x.key_usage() {
        Ok(Some(ku)) => {
            let ku = ku.value;
            match purpose {
                Purpose::Client => ku.digital_signature() || ku.key_agreement(),
                Purpose::Server => {
                    ku.digital_signature() || ku.key_encipherment() || ku.key_agreement()
                }
            }
        }
        Ok(None) => true,
        Err(_) => false,
    }
}

/// OpenSSL's check_chain_extensions: critical extensions, CA flags, path lengths, purpose.
fn check_extensions(chain: &[Cert<'_>], purpose: Option<Purpose>) -> Option<Failure> {
    let mut below = 0u32;
    for (depth, cert) in chain.iter().enumerate() {
        let unhandled = cert.x.iter_extensions().any(|e| {
            e.critical
                && matches!(
                    e.parsed_extension(),
                    ParsedExtension::UnsupportedExtension { .. }
                )
        });
        if unhandled {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
                "unhandled critical extension",
            ));
        }
        if depth > 0 {
            let ca = matches!(cert.x.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
            let can_sign = !matches!(cert.x.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign());
            if !ca || !can_sign {
                return Some(fail(
                    depth,
                    cert,
                    "X509_V_ERR_INVALID_CA",
                    "invalid CA certificate",
                ));
            }
        }
        if let Some(p) = purpose {
            let ok = if depth == 0 {
                eku_allows(cert, p) && leaf_ku_allows(cert, p)
            } else {
                eku_allows(cert, p)
            };
            if !ok {
                return Some(fail(
                    depth,
                    cert,
                    "X509_V_ERR_INVALID_PURPOSE",
                    "unsuitable certificate purpose",
                ));
            }
        }
        let limit = match cert.x.basic_constraints() {
            Ok(Some(bc)) => bc.value.path_len_constraint,
            _ => None,
        };
        if depth > 1 && limit.is_some_and(|limit| below > limit) {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_PATH_LENGTH_EXCEEDED",
                "path length constraint exceeded",
            ));
        }
        if depth > 0 && !cert.self_issued() {
            below += 1;
        }
    }
    None
}

/// The leaf needs a current, correctly signed CRL from its issuer; the rest of the chain is
/// checked where a CRL from the issuer was given.
fn check_revocation(chain: &[Cert<'_>], opts: &VerifyOptions) -> Option<Failure> {
    if opts.crls.is_empty() {
        return None;
    }
    for depth in 0..chain.len().saturating_sub(1) {
        let cert = &chain[depth];
        let issuer = &chain[depth + 1];
        // Like OpenSSL, a CRL is the issuer's when both its name and its key identifier match.
        let candidates: Vec<_> = opts
            .crls
            .by_issuer(cert.x.issuer().as_raw())
            .filter(|c| c.from_key(issuer.ski()))
            .collect();
        let crls: Vec<_> = candidates
            .iter()
            .filter(|c| c.signed_by(issuer.x.public_key()))
            .collect();
        if crls.is_empty() {
            if !candidates.is_empty() {
                return Some(fail(
                    depth,
                    cert,
                    "X509_V_ERR_CRL_SIGNATURE_FAILURE",
                    "CRL signature failure",
                ));
            }
            if depth == 0 {
                return Some(fail(
                    depth,
                    cert,
                    "X509_V_ERR_UNABLE_TO_GET_CRL",
                    "unable to get certificate CRL",
                ));
            }
            continue;
        }
        if matches!(issuer.x.key_usage(), Ok(Some(ku)) if !ku.value.crl_sign()) {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_KEYUSAGE_NO_CRL_SIGN",
                "key usage does not include CRL signing",
            ));
        }
        // The newest CRL decides.
        let crl = crls.iter().max_by_key(|c| c.this_update)?;
        if crl.this_update > opts.at {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_CRL_NOT_YET_VALID",
                "CRL is not yet valid",
            ));
        }
        if crl.next_update.is_some_and(|next| next < opts.at) {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_CRL_HAS_EXPIRED",
                "CRL has expired",
            ));
        }
        if crl.revokes(cert.x.raw_serial()) {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_CERT_REVOKED",
                "certificate revoked",
            ));
        }
    }
    None
}

/// From the anchor down: each signature with its issuer's key, then each validity period.
fn check_signatures_and_times(chain: &[Cert<'_>], at: OffsetDateTime) -> Option<Failure> {
    for depth in (0..chain.len()).rev() {
        let cert = &chain[depth];
        // RFC 5280 4.1.1.2: the algorithm outside the signed part must be the one inside
        // (OpenSSL's X509_verify refuses the certificate otherwise).
        let bad_signature = chain.get(depth + 1).is_some_and(|issuer| {
            cert.x.signature_algorithm != cert.x.tbs_certificate.signature
                || cert
                    .x
                    .verify_signature(Some(issuer.x.public_key()))
                    .is_err()
        });
        if bad_signature {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_CERT_SIGNATURE_FAILURE",
                "certificate signature failure",
            ));
        }
        let validity = cert.x.validity();
        if validity.not_before.to_datetime() > at {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_CERT_NOT_YET_VALID",
                "certificate is not yet valid",
            ));
        }
        if validity.not_after.to_datetime() < at {
            return Some(fail(
                depth,
                cert,
                "X509_V_ERR_CERT_HAS_EXPIRED",
                "certificate has expired",
            ));
        }
    }
    None
}
