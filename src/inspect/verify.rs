//! `verify`: build a certificate's chain to a trust anchor and check it the way OpenSSL does.
//!
//! The order of the checks follows OpenSSL's `X509_verify_cert` so that, for the same inputs,
//! the first failure reported is the one `openssl verify` reports: chain building, then
//! extensions (CA flags, path length, purpose, `--strict`'s RFC 5280 rules), then the peer name,
//! then revocation, then signatures and validity from the root down to the leaf, then name
//! constraints. Failures are [`VerifyError`]s, which carry OpenSSL's codes and wording.

use super::error::InspectError;
use super::extension_rules;
use super::name_constraints::{self, Name};
use super::peer_name::PeerName;
use super::revocation::CrlSet;
use super::verify_error::{CaProblem, VerifyError};
use crate::pki::Serial;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Most intermediates in a chain, as OpenSSL's default verify depth allows.
pub const DEFAULT_MAX_DEPTH: usize = 100;

/// Smallest RSA modulus accepted, in bits: NIST SP 800-131A disallowed smaller keys in 2013.
const MIN_RSA_BITS: usize = 2048;

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
    /// RFC 5280's rules for conforming CAs, as `openssl verify -x509_strict`.
    pub strict: bool,
    /// Most intermediate CAs between the certificate and its trust anchor (`-verify_depth`).
    pub max_depth: usize,
    /// Names a TLS client dials: the certificate must be valid for each.
    pub peer_names: Vec<PeerName>,
}

impl VerifyOptions {
    /// Options that check the chain at `at` and nothing beyond it.
    pub fn at(at: OffsetDateTime) -> VerifyOptions {
        VerifyOptions {
            purpose: None,
            at,
            crls: CrlSet::default(),
            strict: false,
            max_depth: DEFAULT_MAX_DEPTH,
            peer_names: Vec::new(),
        }
    }
}

/// Why a chain failed, at which depth (0 = the certificate itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub depth: usize,
    pub subject: String,
    pub error: VerifyError,
}

impl Failure {
    /// OpenSSL's name for the error, e.g. `X509_V_ERR_CERT_REVOKED`.
    pub fn code(&self) -> &'static str {
        self.error.code()
    }

    /// OpenSSL's description, e.g. `certificate revoked`.
    pub fn reason(&self) -> String {
        self.error.reason()
    }
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

    /// OpenSSL's X509_check_akid: an authorityKeyIdentifier that names the issuer's issuer and
    /// serial must name `issuer`'s.
    fn aki_names(&self, issuer: &Cert<'_>) -> bool {
        let Some(aki) = self
            .x
            .iter_extensions()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(aki) => Some(aki),
                _ => None,
            })
        else {
            return true;
        };
        let serial_ok = aki
            .authority_cert_serial
            .is_none_or(|s| Serial::from_bytes(s) == Serial::from_bytes(issuer.x.raw_serial()));
        let issuer_ok = aki.authority_cert_issuer.as_ref().is_none_or(|names| {
            names.iter().any(|n| {
                matches!(n, GeneralName::DirectoryName(dn) if dn.as_raw() == issuer.x.issuer().as_raw())
            })
        });
        serial_ok && issuer_ok
    }

    fn self_issued(&self) -> bool {
        self.x.subject().as_raw() == self.x.issuer().as_raw()
    }

    /// Self-signed as OpenSSL decides it (X509_self_signed without the signature check): self-
    /// issued, its key identifiers agree, and it may sign certificates. The signature is not
    /// what makes a root: a root with a key mqauth cannot use then fails for that reason, not
    /// with "unable to get issuer certificate".
    fn self_signed(&self) -> bool {
        self.issued_by(self)
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
        if !self.aki_names(issuer) {
            return false;
        }
        !matches!(issuer.x.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign())
    }
}

fn fail(depth: usize, cert: &Cert<'_>, error: VerifyError) -> Failure {
    Failure {
        depth,
        subject: cert.subject(),
        error,
    }
}

/// Verifies each of `files` as [`verify_file`] does, on all cores, in the order given.
pub fn verify_files(
    files: &[PathBuf],
    anchors: &[Vec<u8>],
    untrusted: &[Vec<u8>],
    opts: &VerifyOptions,
) -> Vec<Result<Verdict, InspectError>> {
    use rayon::prelude::*;
    let memo = SignatureMemo::default();
    let trust = Trust::parse(anchors, untrusted);
    files
        .par_iter()
        .map(|file| verify_with(file, &trust, opts, &memo))
        .collect()
}

/// The trust anchors and the untrusted intermediates, parsed once for every file verified.
struct Trust<'a> {
    anchors: Vec<Cert<'a>>,
    pool: Vec<Cert<'a>>,
}

impl<'a> Trust<'a> {
    fn parse(anchors: &'a [Vec<u8>], untrusted: &'a [Vec<u8>]) -> Trust<'a> {
        Trust {
            anchors: anchors
                .iter()
                .filter_map(|d| Cert::parse(d, true))
                .collect(),
            pool: untrusted
                .iter()
                .filter_map(|d| Cert::parse(d, false))
                .collect(),
        }
    }
}

/// Signatures already found good, of the certificates and CRLs every chain shares (the
/// intermediate's by the root, the CRL's by the intermediate), so that verifying 100,000 leaves
/// checks those once: keyed by the addresses of the signed object and of its issuer, which live
/// as long as the call that shares them.
#[derive(Default)]
struct SignatureMemo(std::sync::RwLock<std::collections::HashSet<(usize, usize)>>);

impl SignatureMemo {
    /// `verify()`, or a remembered success for `key` (`None`: the object is not shared).
    fn good(&self, key: Option<(usize, usize)>, verify: impl FnOnce() -> bool) -> bool {
        let Some(key) = key else {
            return verify();
        };
        if self.0.read().is_ok_and(|seen| seen.contains(&key)) {
            return true;
        }
        let good = verify();
        if good && let Ok(mut seen) = self.0.write() {
            seen.insert(key);
        }
        good
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
    let trust = Trust::parse(anchors, untrusted);
    verify_with(file, &trust, opts, &SignatureMemo::default())
}

fn verify_with(
    file: &Path,
    trust: &Trust<'_>,
    opts: &VerifyOptions,
    memo: &SignatureMemo,
) -> Result<Verdict, InspectError> {
    let ders = load_certificates(file)?;
    verify_leaf(file, &ders[0], trust, opts, memo)
}

/// Verifies a certificate held in memory (DER) as [`verify_file`] does; `label` names it in
/// the verdict and in errors (the enrollment device checks an answer before writing it).
pub fn verify_der(
    label: &Path,
    leaf_der: &[u8],
    anchors: &[Vec<u8>],
    untrusted: &[Vec<u8>],
    opts: &VerifyOptions,
) -> Result<Verdict, InspectError> {
    let trust = Trust::parse(anchors, untrusted);
    verify_leaf(label, leaf_der, &trust, opts, &SignatureMemo::default())
}

fn verify_leaf(
    file: &Path,
    leaf_der: &[u8],
    trust: &Trust<'_>,
    opts: &VerifyOptions,
    memo: &SignatureMemo,
) -> Result<Verdict, InspectError> {
    let leaf = Cert::parse(leaf_der, false).ok_or_else(|| InspectError::Certificates {
        path: file.to_path_buf(),
        message: "not a valid certificate".into(),
    })?;
    let leaf = Cert {
        trusted: trust.anchors.iter().any(|a| a.der == leaf.der),
        ..leaf
    };
    let (chain, failure) = build_chain(leaf, &trust.anchors, &trust.pool, opts.max_depth);
    let failure = failure
        .or_else(|| check_extensions(&chain, opts))
        .or_else(|| check_peer_names(&chain[0], &opts.peer_names))
        .or_else(|| check_revocation(&chain, opts, memo))
        .or_else(|| check_signatures_and_times(&chain, opts.at, memo))
        .or_else(|| check_name_constraints(&chain));
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
    max_depth: usize,
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
            let error = if depth == 0 {
                VerifyError::SelfSignedLeaf
            } else {
                VerifyError::SelfSignedInChain
            };
            let failure = fail(depth, current, error);
            return (chain, Some(failure));
        }
        // Neither the certificate nor its trust anchor count against the depth (as OpenSSL's
        // -verify_depth): N intermediates allow N + 2 certificates.
        if chain.len() > max_depth + 1 {
            let failure = fail(depth, current, VerifyError::ChainTooLong { max_depth });
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
                let error = if current.trusted {
                    VerifyError::AnchorIssuerMissing
                } else {
                    VerifyError::UnknownIssuer
                };
                let failure = fail(depth, current, error);
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

/// OpenSSL's check_chain_extensions: extensions understood and well formed, CA flags, key
/// strength, `--strict`'s rules, purpose, path lengths.
fn check_extensions(chain: &[Cert<'_>], opts: &VerifyOptions) -> Option<Failure> {
    let purpose = opts.purpose;
    let mut below = 0u32;
    for (depth, cert) in chain.iter().enumerate() {
        if let Some(error) =
            extension_rules::check_always(&cert.x).or_else(|| weak_key(cert, depth))
        {
            return Some(fail(depth, cert, error));
        }
        if opts.strict {
            let broken = extension_rules::check_strict(&cert.x, chain.len(), cert.self_signed())
                .or_else(|| (!cert.trusted).then(|| invalid_serial(cert)).flatten())
                .or_else(|| odd_rsa_size(cert));
            if let Some(error) = broken {
                return Some(fail(depth, cert, error));
            }
        }
        if depth > 0 {
            let ca = matches!(cert.x.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
            let can_sign = !matches!(cert.x.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign());
            if !ca || !can_sign {
                let problem = if ca {
                    CaProblem::NoKeyCertSign
                } else {
                    CaProblem::NotCa
                };
                return Some(fail(depth, cert, VerifyError::InvalidCa(problem)));
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
                    VerifyError::InvalidPurpose { purpose: p },
                ));
            }
        }
        let limit = match cert.x.basic_constraints() {
            Ok(Some(bc)) => bc.value.path_len_constraint,
            _ => None,
        };
        if depth > 1
            && let Some(limit) = limit.filter(|limit| below > *limit)
        {
            return Some(fail(
                depth,
                cert,
                VerifyError::PathLengthExceeded { limit, below },
            ));
        }
        if depth > 0 && !cert.self_issued() {
            below += 1;
        }
    }
    None
}

/// The size of an RSA modulus in bits, from its big-endian bytes.
fn rsa_bits(modulus: &[u8]) -> usize {
    let digits: &[u8] = match modulus.iter().position(|b| *b != 0) {
        Some(first) => &modulus[first..],
        None => &[],
    };
    digits
        .first()
        .map_or(0, |top| digits.len() * 8 - top.leading_zeros() as usize)
}

/// A key too weak to trust at any depth: RSA below [`MIN_RSA_BITS`] (with OpenSSL's codes for
/// keys below its security level), or an algorithm or curve mqauth does not accept (DSA, GOST,
/// curves other than P-256, P-384 and P-521).
fn weak_key(cert: &Cert<'_>, depth: usize) -> Option<VerifyError> {
    use x509_parser::public_key::PublicKey;
    const NAMED_CURVES: &[&str] = &["1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35"];
    let spki = cert.x.public_key();
    let unaccepted = |algorithm: &str| VerifyError::KeyAlgorithmNotAccepted {
        algorithm: algorithm.to_string(),
    };
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) if rsa_bits(rsa.modulus) < MIN_RSA_BITS => {
            let bits = rsa_bits(rsa.modulus);
            Some(if depth == 0 {
                VerifyError::EeKeyTooSmall { bits }
            } else {
                VerifyError::CaKeyTooSmall { bits }
            })
        }
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            // Explicit parameters are --strict's own finding, with OpenSSL's wording.
            let explicit = extension_rules::explicit_curve(&cert.x);
            match curve {
                Some(c) if NAMED_CURVES.contains(&c.as_str()) => None,
                _ if explicit => None,
                Some(c) => Some(unaccepted(&c)),
                None => Some(unaccepted("EC without a named curve")),
            }
        }
        Ok(PublicKey::DSA(_)) => Some(unaccepted("DSA")),
        Ok(PublicKey::GostR3410(_) | PublicKey::GostR3410_2012(_)) => Some(unaccepted("GOST")),
        _ => None,
    }
}

/// An RSA modulus that is not a whole number of bytes: CA/Browser Forum 6.1.5, and a sign of a
/// key made by broken or hostile software.
fn odd_rsa_size(cert: &Cert<'_>) -> Option<VerifyError> {
    match cert.x.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            let bits = rsa_bits(rsa.modulus);
            (!bits.is_multiple_of(8)).then_some(VerifyError::RsaModulusSize { bits })
        }
        _ => None,
    }
}

/// RFC 5280 4.1.2.2: a positive serial of at most 20 octets. OpenSSL does not check it.
fn invalid_serial(cert: &Cert<'_>) -> Option<VerifyError> {
    let raw = cert.x.raw_serial();
    let negative = raw.first().is_some_and(|b| b & 0x80 != 0);
    let zero = raw.iter().all(|b| *b == 0);
    (negative || zero || raw.len() > 21 || (raw.len() == 21 && raw[0] != 0))
        .then_some(VerifyError::InvalidSerial)
}

/// The certificate must be valid for every name the client dials (OpenSSL's check_id).
fn check_peer_names(leaf: &Cert<'_>, names: &[PeerName]) -> Option<Failure> {
    let missed = names.iter().find(|n| !n.matches(&leaf.x))?;
    Some(fail(0, leaf, missed.mismatch()))
}

/// The names of `cert` that name constraints apply to: its subject (unless empty), the
/// emailAddress attributes of its subject, its SANs, and for a leaf without DNS SANs a CN that
/// looks like a host name.
fn constrained_names<'c>(cert: &'c Cert<'c>, leaf: bool) -> Vec<Name<'c>> {
    let mut names = Vec::new();
    let subject = cert.x.subject();
    if subject.iter().next().is_some() {
        names.push(Name::Subject(subject));
    }
    for email in subject.iter_email() {
        if let Ok(text) = email.as_str() {
            names.push(Name::SubjectEmail(text));
        }
    }
    let mut has_dns = false;
    if let Ok(Some(san)) = cert.x.subject_alternative_name() {
        for g in &san.value.general_names {
            has_dns |= matches!(g, x509_parser::extensions::GeneralName::DNSName(_));
            names.push(Name::General(g));
        }
    }
    if leaf && !has_dns {
        for cn in subject.iter_common_name() {
            if let Ok(text) = cn.as_str()
                && looks_like_host(text)
            {
                names.push(Name::HostLikeCn(text));
            }
        }
    }
    names
}

/// OpenSSL's cn2dnsid: a CN is treated as a host name when it has a dot and only LDH labels.
fn looks_like_host(cn: &str) -> bool {
    cn.contains('.')
        && cn.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// RFC 5280 4.2.1.10: every CA's name constraints hold for the certificates below it (self-
/// issued intermediates excepted, the leaf always checked), within one comparison budget.
fn check_name_constraints(chain: &[Cert<'_>]) -> Option<Failure> {
    let mut budget = name_constraints::BUDGET;
    for (ca_depth, ca) in chain.iter().enumerate().skip(1) {
        let Ok(Some(nc)) = ca.x.name_constraints() else {
            continue;
        };
        for (depth, cert) in chain.iter().enumerate().take(ca_depth) {
            if depth > 0 && cert.self_issued() {
                continue;
            }
            let names = constrained_names(cert, depth == 0);
            if let Err(violation) = name_constraints::check(nc.value, &names, &mut budget) {
                return Some(fail(depth, cert, VerifyError::NameConstraint(violation)));
            }
        }
    }
    None
}

/// The leaf needs a current, correctly signed CRL from its issuer; the rest of the chain is
/// checked where a CRL from the issuer was given.
fn check_revocation(
    chain: &[Cert<'_>],
    opts: &VerifyOptions,
    memo: &SignatureMemo,
) -> Option<Failure> {
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
            .filter(|c| {
                let key = (
                    std::ptr::from_ref(**c) as usize,
                    issuer.der.as_ptr() as usize,
                );
                memo.good(Some(key), || c.signed_by(issuer.x.public_key()))
            })
            .collect();
        if crls.is_empty() {
            if !candidates.is_empty() {
                return Some(fail(depth, cert, VerifyError::CrlSignatureFailure));
            }
            if depth == 0 {
                return Some(fail(depth, cert, VerifyError::CrlMissing));
            }
            continue;
        }
        if matches!(issuer.x.key_usage(), Ok(Some(ku)) if !ku.value.crl_sign()) {
            return Some(fail(depth, cert, VerifyError::IssuerCannotSignCrl));
        }
        // The newest CRL decides.
        let crl = crls.iter().max_by_key(|c| c.this_update)?;
        if crl.this_update > opts.at {
            return Some(fail(
                depth,
                cert,
                VerifyError::CrlNotYetValid {
                    this_update: crl.this_update,
                },
            ));
        }
        if let Some(next_update) = crl.next_update.filter(|next| *next < opts.at) {
            return Some(fail(depth, cert, VerifyError::CrlExpired { next_update }));
        }
        if crl.unhandled_critical {
            return Some(fail(
                depth,
                cert,
                VerifyError::UnhandledCriticalCrlExtension,
            ));
        }
        if crl.revokes(cert.x.raw_serial()) {
            return Some(fail(depth, cert, VerifyError::Revoked));
        }
    }
    None
}

/// From the anchor down: each signature with its issuer's key, then each validity period.
fn check_signatures_and_times(
    chain: &[Cert<'_>],
    at: OffsetDateTime,
    memo: &SignatureMemo,
) -> Option<Failure> {
    for depth in (0..chain.len()).rev() {
        let cert = &chain[depth];
        // RFC 5280 4.1.1.2: the algorithm outside the signed part must be the one inside
        // (OpenSSL's X509_verify refuses the certificate otherwise).
        let bad_signature = chain.get(depth + 1).is_some_and(|issuer| {
            // The leaf's bytes are the caller's only for this file: never remembered.
            let shared =
                (depth > 0).then_some((cert.der.as_ptr() as usize, issuer.der.as_ptr() as usize));
            cert.x.signature_algorithm != cert.x.tbs_certificate.signature
                || !memo.good(shared, || {
                    cert.x.verify_signature(Some(issuer.x.public_key())).is_ok()
                })
        });
        if bad_signature {
            return Some(fail(depth, cert, VerifyError::BadSignature));
        }
        let validity = cert.x.validity();
        if validity.not_before.to_datetime() > at {
            return Some(fail(
                depth,
                cert,
                VerifyError::NotYetValid {
                    not_before: validity.not_before.to_datetime(),
                },
            ));
        }
        // OpenSSL (X509_cmp_time) counts the notAfter second itself as expired; RFC 5280 says
        // inclusive. mqauth never says OK where `openssl verify` says expired.
        if validity.not_after.to_datetime() <= at {
            return Some(fail(
                depth,
                cert,
                VerifyError::Expired {
                    not_after: validity.not_after.to_datetime(),
                },
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests;
