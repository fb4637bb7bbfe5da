//! PKCS#12 bundles with what `openssl pkcs12` 3.0 writes by default: keys and certificates
//! encrypted with AES-256-CBC under PBKDF2-HMAC-SHA-256, and an HMAC-SHA-256 MAC. The encoding
//! is p12-keystore's; this only says what goes in.

use super::bundle::{Bundle, Credential};
use super::error::ExportError;
use crate::pki::Passphrase;
use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use zeroize::Zeroizing;

/// PBKDF2 rounds, and rounds of the MAC's key derivation. OpenSSL 3.0 writes 2,048; more costs a
/// guesser more and a device importing the bundle once nothing it notices.
const ITERATIONS: u32 = 100_000;

/// The device's key with its chain (device, issuing CA, root), as one bundle.
pub fn render(bundle: &Bundle, passphrase: &Passphrase) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let Credential::Certificate {
        cert_der,
        key_der,
        ca_der,
        intermediate_der,
        ..
    } = &bundle.credential
    else {
        return Err(ExportError::Pkcs12(format!(
            "{} is a PSK device: PKCS#12 holds certificates and keys",
            bundle.device
        )));
    };
    let Some(key_der) = key_der else {
        return Err(ExportError::Pkcs12(format!(
            "mqauth does not hold the private key of {} (it was signed from a CSR)",
            bundle.device
        )));
    };
    let bad = |e: p12_keystore::error::Error| ExportError::Pkcs12(e.to_string());
    let password = std::str::from_utf8(passphrase.as_bytes())
        .map_err(|_| ExportError::Pkcs12("the passphrase must be UTF-8 text".into()))?;
    let certs = [cert_der, intermediate_der, ca_der]
        .into_iter()
        .map(|der| Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    let key = PrivateKey::from_der(key_der).map_err(bad)?;
    let local_id = ring::digest::digest(&ring::digest::SHA256, cert_der);
    let chain = PrivateKeyChain::new(&local_id.as_ref()[..20], key, certs);
    let mut store = KeyStore::new();
    store.add_entry(&bundle.device, KeyStoreEntry::PrivateKeyChain(chain));
    let bytes = store
        .writer(password)
        .encryption_algorithm(EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
        .encryption_iterations(ITERATIONS)
        .mac_algorithm(MacAlgorithm::HmacSha256)
        .mac_iterations(ITERATIONS)
        .write()
        .map_err(bad)?;
    Ok(Zeroizing::new(bytes))
}
