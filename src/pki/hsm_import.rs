//! `pki hsm import`: moving an existing PKI's CA key from its file into a token.
//!
//! The key file is removed only after a signature made through the token verifies against the
//! CA certificate and the new location is committed; until then the file stays the key.

use super::ca::SigningCa;
use super::ca_key::{CaKey, CaKeyLocations, TokenLocation};
use super::error::PkiError;
use super::keys::KeyAlgorithm;
use super::passphrase::Passphrase;
use super::profile::Profile;
use super::records::Change;
use super::store::Pki;
use super::token::{Pkcs11Uri, TokenAccess, TokenError};
use crate::atomic::{Batch, FileError, Mode};
use rcgen::{PublicKeyData, SigningKey};
use std::path::PathBuf;
use zeroize::Zeroizing;

/// What an import did.
#[derive(Debug, Clone)]
pub struct Import {
    pub profile: Profile,
    pub uri: String,
    /// The key file, now removed.
    pub removed: PathBuf,
}

/// Imports the key of `profile` (the root, or the intermediate) into the token `uri` names.
pub fn import_ca_key(
    pki: &mut Pki,
    profile: Profile,
    passphrase: Option<&Passphrase>,
    access: &TokenAccess,
    uri: &Pkcs11Uri,
) -> Result<Import, PkiError> {
    let layout = pki.layout().clone();
    let (cert_path, key_path) = match profile {
        Profile::Root => (layout.ca_cert(), layout.ca_key()),
        _ => (layout.intermediate_cert(), layout.intermediate_key()),
    };
    let mut locations = CaKeyLocations::read(&layout)?;
    if let Some(there) = locations.of(profile) {
        return Err(TokenError::AlreadyInToken {
            uri: there.uri.clone(),
        }
        .into());
    }
    let ca = SigningCa::load(profile, &cert_path, &key_path, passphrase)?;
    let CaKey::File(file_key) = ca.issuer.key() else {
        return Err(TokenError::UnsupportedKey("a key already in a token").into());
    };
    let algorithm = if file_key.algorithm() == &rcgen::PKCS_ECDSA_P256_SHA256 {
        KeyAlgorithm::P256
    } else if file_key.algorithm() == &rcgen::PKCS_ECDSA_P384_SHA384 {
        KeyAlgorithm::P384
    } else {
        return Err(TokenError::UnsupportedKey("a non-EC key").into());
    };
    let scalar = ec_scalar(&file_key.serialize_der()).ok_or_else(|| PkiError::Certificate {
        path: key_path.clone(),
        message: "cannot read the EC private key".into(),
    })?;
    let key = access.import_key(uri, algorithm, &scalar, file_key.der_bytes())?;

    // The proof that the token holds this CA's key: a signature its certificate verifies.
    let check = b"mqauth pki hsm import: test signature";
    let verified = key.sign(check).ok().is_some_and(|sig| {
        let alg: &dyn ring::signature::VerificationAlgorithm = match algorithm {
            KeyAlgorithm::P384 => &ring::signature::ECDSA_P384_SHA384_ASN1,
            _ => &ring::signature::ECDSA_P256_SHA256_ASN1,
        };
        ring::signature::UnparsedPublicKey::new(alg, file_key.der_bytes())
            .verify(check, &sig)
            .is_ok()
    });
    if !verified {
        // Leave the token as it was; the file is still the key.
        let _ = key.destroy();
        return Err(TokenError::ImportCheck {
            uri: uri.to_string(),
        }
        .into());
    }

    let location = TokenLocation {
        uri: uri.to_string(),
        module: access.module_path(uri)?,
    };
    match profile {
        Profile::Root => locations.root = Some(location),
        _ => locations.intermediate = Some(location),
    }
    let has_intermediate = layout.intermediate_cert().exists();
    locations.hsm_only =
        locations.root.is_some() && (!has_intermediate || locations.intermediate.is_some());
    let files = Batch::new(false);
    files.stage_replacing(
        &layout.ca_keys(),
        locations.to_json().as_bytes(),
        Mode::Public,
    )?;
    pki.commit(
        files,
        Change {
            operation: "hsm-import".into(),
            ..Change::default()
        },
    )?;
    std::fs::remove_file(&key_path).map_err(|e| FileError::io("remove", &key_path, e))?;
    Ok(Import {
        profile,
        uri: uri.to_string(),
        removed: key_path,
    })
}

/// The private scalar of a PKCS#8 EC key.
fn ec_scalar(pkcs8_der: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(pkcs8_der).ok()?;
    let ec = sec1::EcPrivateKey::try_from(info.private_key.as_bytes()).ok()?;
    Some(Zeroizing::new(ec.private_key.to_vec()))
}
