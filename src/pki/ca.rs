//! The certificate authorities: creating the root and intermediate, and loading the one that
//! signs.

use super::ca_key::{CaKey, CaKeyLocations, TokenLocation};
use super::entry::{Entry, Status, fingerprint};
use super::error::PkiError;
use super::keys::{KeyAlgorithm, key_from_pem, key_to_pem};
use super::passphrase::Passphrase;
use super::profile::{CertSpec, Profile};
use super::records::{Change, Settings};
use super::serial::Serial;
use super::store::{Pki, ServerRecords};
use super::token::{Pkcs11Uri, TokenAccess};
use crate::atomic::{Batch, Mode};
use crate::input::Kind;
use crate::lifetime::Lifetime;
use crate::names;
use rcgen::{Issuer, PublicKeyData};
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Certificates start a few minutes in the past so devices with a slightly slow clock accept them.
pub const BACKDATE: Duration = Duration::minutes(5);

pub const DEFAULT_CA_NAME: &str = "mqauth Root CA";

#[derive(Debug)]
pub struct InitOptions<'a> {
    pub name: String,
    pub key: KeyAlgorithm,
    pub root_lifetime: Lifetime,
    pub intermediate_lifetime: Lifetime,
    pub intermediate: bool,
    pub passphrase: Option<&'a Passphrase>,
    /// A PostgreSQL database for the records, instead of `pki.db`.
    pub records: Option<&'a ServerRecords>,
    /// Keep the CA keys in a token instead of files.
    pub hsm: Option<HsmPlan>,
}

/// Where `init` puts (or finds) the CA keys in a token.
#[derive(Debug, Clone)]
pub struct HsmPlan {
    pub access: TokenAccess,
    /// The root's key.
    pub root: Pkcs11Uri,
    /// The intermediate's key; by default the root's URI with the object `<object>-issuing`.
    pub intermediate: Option<Pkcs11Uri>,
}

impl HsmPlan {
    fn intermediate_uri(&self) -> Pkcs11Uri {
        self.intermediate.clone().unwrap_or_else(|| {
            let base = self.root.object.clone().unwrap_or_else(|| "ca".into());
            self.root.with_object(format!("{base}-issuing"))
        })
    }
}

/// A CA key for `init`: generated in the token (or found there) or generated in memory to be
/// written to a file; the location to record when it is in a token.
fn init_key(
    opts: &InitOptions<'_>,
    uri: Option<Pkcs11Uri>,
) -> Result<(CaKey, Option<TokenLocation>), PkiError> {
    match (&opts.hsm, uri) {
        (Some(plan), Some(uri)) => {
            let (key, _generated) = plan.access.open_or_generate(&uri, opts.key)?;
            let location = TokenLocation {
                // A pin-source names a file, never the PIN, so the whole URI is recorded.
                uri: uri.to_string(),
                module: plan.access.module_path(&uri)?,
            };
            Ok((CaKey::Token(key), Some(location)))
        }
        _ => Ok((CaKey::File(opts.key.generate()?), None)),
    }
}

fn stage_key_file(
    files: &Batch,
    path: &Path,
    key: &CaKey,
    passphrase: Option<&Passphrase>,
) -> Result<(), PkiError> {
    if let CaKey::File(k) = key {
        files.stage(path, key_to_pem(k, passphrase)?.as_bytes(), Mode::Secret)?;
    }
    Ok(())
}

/// The current time at the precision certificates record (whole seconds), so the records say
/// exactly what the certificates say.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// The start of a validity period that begins now.
pub fn not_before(now: OffsetDateTime) -> OffsetDateTime {
    now - BACKDATE
}

/// The Common Name of the intermediate for a root named `root_name`.
pub fn intermediate_name(root_name: &str) -> String {
    format!("{root_name} Intermediate")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaNameError {
    #[error("the CA name is empty")]
    Empty,
    #[error("the CA name {0:?} contains a control character")]
    Control(String),
    #[error("the CA name {0:?} starts or ends with whitespace")]
    Whitespace(String),
    #[error(
        "the CA name {name:?} is {len} characters; a CN holds at most {} (X.520){}",
        names::MAX_CERT_NAME_LEN,
        if *intermediate { ", and the intermediate's CN adds \" Intermediate\"" } else { "" }
    )]
    TooLong {
        name: String,
        len: usize,
        intermediate: bool,
    },
}

/// Checks a CA's Common Name (and, with an intermediate, the CN derived from it): printable
/// text, at most 64 characters.
pub fn check_ca_name(name: &str, intermediate: bool) -> Result<(), CaNameError> {
    if name.trim().is_empty() {
        return Err(CaNameError::Empty);
    }
    if name.chars().any(char::is_control) {
        return Err(CaNameError::Control(name.to_string()));
    }
    if name.trim() != name {
        return Err(CaNameError::Whitespace(name.to_string()));
    }
    let longest = if intermediate {
        intermediate_name(name)
    } else {
        name.to_string()
    };
    if longest.chars().count() > names::MAX_CERT_NAME_LEN {
        return Err(CaNameError::TooLong {
            name: name.to_string(),
            len: name.chars().count(),
            intermediate,
        });
    }
    Ok(())
}

/// Creates a root CA (and an intermediate signed by it) in `dir`, which must not hold a PKI.
pub fn init(dir: &Path, opts: &InitOptions<'_>) -> Result<Pki, PkiError> {
    if opts.root_lifetime.is_zero() || opts.intermediate_lifetime.is_zero() {
        return Err(PkiError::ZeroLifetime);
    }
    check_ca_name(&opts.name, opts.intermediate)?;
    if let Some(plan) = &opts.hsm {
        plan.access.login(&plan.root)?;
        if opts.intermediate {
            plan.access.login(&plan.intermediate_uri())?;
        }
    }
    let mut pki = Pki::create(dir, opts.records)?;
    let layout = pki.layout().clone();
    let now = now();
    let start = not_before(now);

    let mut locations = CaKeyLocations::default();
    let (root_key, root_location) = init_key(opts, opts.hsm.as_ref().map(|p| p.root.clone()))?;
    locations.root = root_location;
    let root_serial = Serial::random();
    let root_spec = CertSpec {
        profile: Profile::Root,
        common_name: &opts.name,
        sans: &[],
        serial: &root_serial,
        not_before: start,
        not_after: now + opts.root_lifetime.duration(),
        key: opts.key,
    };
    let root_params = root_spec.params(&root_key)?;
    let root_cert = root_params.self_signed(&root_key)?;
    let mut inserted = vec![ca_entry(&root_spec, &opts.name, root_cert.der())];
    let mut der = vec![(root_serial.clone(), root_cert.der().to_vec())];

    let files = Batch::new(false);
    stage_key_file(&files, &layout.ca_key(), &root_key, opts.passphrase)?;
    files.stage(&layout.ca_cert(), root_cert.pem().as_bytes(), Mode::Public)?;

    let mut chain = String::new();
    if opts.intermediate {
        let root_issuer = Issuer::new(root_params, root_key);
        let (key, location) = init_key(opts, opts.hsm.as_ref().map(HsmPlan::intermediate_uri))?;
        locations.intermediate = location;
        let serial = Serial::random_unique(&[root_serial.clone()].into());
        let name = intermediate_name(&opts.name);
        let spec = CertSpec {
            profile: Profile::Intermediate,
            common_name: &name,
            sans: &[],
            serial: &serial,
            not_before: start,
            // An intermediate that outlives its root would fail verification anyway.
            not_after: (now + opts.intermediate_lifetime.duration()).min(root_spec.not_after),
            key: opts.key,
        };
        let cert = spec.params(&key)?.signed_by(&key, &root_issuer)?;
        stage_key_file(&files, &layout.intermediate_key(), &key, opts.passphrase)?;
        files.stage(
            &layout.intermediate_cert(),
            cert.pem().as_bytes(),
            Mode::Public,
        )?;
        inserted.push(ca_entry(&spec, &opts.name, cert.der()));
        der.push((serial.clone(), cert.der().to_vec()));
        chain.push_str(&cert.pem());
    }
    chain.push_str(&root_cert.pem());
    files.stage(&layout.chain(), chain.as_bytes(), Mode::Public)?;
    if opts.hsm.is_some() {
        locations.hsm_only = true;
        files.stage(
            &layout.ca_keys(),
            locations.to_json().as_bytes(),
            Mode::Public,
        )?;
    }
    let change = Change {
        operation: "init".into(),
        settings: Some(Settings {
            key: opts.key,
            crl_number: 0,
            root_crl_number: 0,
        }),
        insert: inserted,
        der,
        ..Change::default()
    };
    pki.commit(files, change)?;
    // Its own batch: a crash before it leaves a PKI without a CRL, which `pki crl` (or the
    // next `fleet apply`) signs as before.
    let ca = SigningCa::issuing(&pki, opts.passphrase)?;
    super::crl::publish_initial_crl(&mut pki, &ca)?;
    Ok(pki)
}

fn ca_entry(spec: &CertSpec<'_>, issuer_cn: &str, der: &[u8]) -> Entry {
    Entry {
        serial: spec.serial.clone(),
        name: spec.profile.id().to_string(),
        profile: spec.profile,
        subject: format!("CN={}", spec.common_name),
        issuer: format!("CN={issuer_cn}"),
        sans: Vec::new(),
        key: spec.key,
        not_before: spec.not_before,
        not_after: spec.not_after,
        status: Status::Valid,
        revoked_at: None,
        reason: None,
        superseded_by: None,
        fingerprint_sha256: Some(fingerprint(der)),
        key_held: true,
        spki_sha256: super::entry::spki_sha256_of_certificate(der),
        allowed_at: None,
    }
}

/// A CA certificate with its private key, ready to sign.
pub struct SigningCa {
    pub profile: Profile,
    pub cert_path: PathBuf,
    pub cert_pem: String,
    pub subject: String,
    pub not_after: OffsetDateTime,
    pub key_identifier: Vec<u8>,
    pub issuer: Issuer<'static, CaKey>,
}

impl std::fmt::Debug for SigningCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningCa")
            .field("profile", &self.profile)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl SigningCa {
    /// Loads a CA from its certificate and key files, checking that they belong together.
    pub fn load(
        profile: Profile,
        cert_path: &Path,
        key_path: &Path,
        passphrase: Option<&Passphrase>,
    ) -> Result<SigningCa, PkiError> {
        let key_pem = zeroize::Zeroizing::new(read_text(key_path, Kind::PrivateKey)?);
        let key = CaKey::File(key_from_pem(&key_pem, key_path, passphrase)?);
        SigningCa::with_key(profile, cert_path, key, &key_path.display().to_string())
    }

    /// Loads a CA's certificate and pairs it with `key` (found at `key_place`), checking that
    /// they belong together.
    pub fn with_key(
        profile: Profile,
        cert_path: &Path,
        key: CaKey,
        key_place: &str,
    ) -> Result<SigningCa, PkiError> {
        let cert_pem = read_text(cert_path, Kind::Certificates)?;
        let bad_cert = |message: String| PkiError::Certificate {
            path: cert_path.to_path_buf(),
            message,
        };
        let block =
            pem::parse(&cert_pem).map_err(|e| bad_cert(format!("not a PEM certificate: {e}")))?;
        let (_, cert) = X509Certificate::from_der(block.contents())
            .map_err(|e| bad_cert(format!("cannot parse certificate: {e}")))?;
        if cert.public_key().subject_public_key.data.as_ref() != key.der_bytes() {
            return Err(bad_cert(format!(
                "its public key does not match {key_place}"
            )));
        }
        let subject = cert.subject().to_string();
        let not_after = cert.validity().not_after.to_datetime();
        let key_identifier = cert
            .iter_extensions()
            .find_map(|ext| match ext.parsed_extension() {
                x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => {
                    Some(id.0.to_vec())
                }
                _ => None,
            })
            .ok_or_else(|| bad_cert("the CA certificate has no subject key identifier".into()))?;
        let issuer = Issuer::from_ca_cert_pem(&cert_pem, key)?;
        Ok(SigningCa {
            profile,
            cert_path: cert_path.to_path_buf(),
            cert_pem,
            subject,
            not_after,
            key_identifier,
            issuer,
        })
    }

    /// The CA that issues leaf certificates: the intermediate, or the root when there is none.
    pub fn issuing(pki: &Pki, passphrase: Option<&Passphrase>) -> Result<SigningCa, PkiError> {
        let layout = pki.layout();
        if layout.intermediate_cert().exists() {
            SigningCa::located(
                pki,
                Profile::Intermediate,
                &layout.intermediate_cert(),
                &layout.intermediate_key(),
                passphrase,
            )
        } else {
            SigningCa::root(pki, passphrase)
        }
    }

    pub fn root(pki: &Pki, passphrase: Option<&Passphrase>) -> Result<SigningCa, PkiError> {
        let layout = pki.layout();
        SigningCa::located(
            pki,
            Profile::Root,
            &layout.ca_cert(),
            &layout.ca_key(),
            passphrase,
        )
    }

    /// Loads a CA whose key is wherever `ca-keys.json` says: in a token, or the key file.
    fn located(
        pki: &Pki,
        profile: Profile,
        cert_path: &Path,
        key_path: &Path,
        passphrase: Option<&Passphrase>,
    ) -> Result<SigningCa, PkiError> {
        match CaKeyLocations::read(pki.layout())?.of(profile) {
            Some(location) => {
                let key = CaKey::Token(location.open()?);
                SigningCa::with_key(profile, cert_path, key, &location.uri)
            }
            None => SigningCa::load(profile, cert_path, key_path, passphrase),
        }
    }

    /// What servers send after their own certificate: the intermediate, or nothing.
    pub fn chain_for_leaves(&self) -> &str {
        match self.profile {
            Profile::Intermediate => &self.cert_pem,
            _ => "",
        }
    }
}

pub(super) fn read_text(path: &Path, kind: crate::input::Kind) -> Result<String, PkiError> {
    Ok(crate::input::read_text(path, kind)?)
}
