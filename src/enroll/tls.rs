//! The service's own TLS client configuration: the broker's trust anchors, the service's
//! certificate and key, read from their files once at start.

use super::error::{EnrollError, TlsInput};
use super::settings::TlsFiles;
use crate::input::{self, Kind};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn unusable(input: TlsInput, path: &Path, why: impl Into<String>) -> EnrollError {
    EnrollError::Tls {
        input,
        path: path.to_path_buf(),
        why: why.into(),
    }
}

fn certificates(input: TlsInput, path: &Path) -> Result<Vec<CertificateDer<'static>>, EnrollError> {
    let bytes = input::read(path, Kind::Certificates)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| unusable(input, path, "not PEM text"))?;
    let blocks = pem::parse_many(text).map_err(|e| unusable(input, path, e.to_string()))?;
    let ders: Vec<_> = blocks
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(|b| CertificateDer::from(b.into_contents()))
        .collect();
    if ders.is_empty() {
        return Err(unusable(input, path, "no CERTIFICATE block"));
    }
    Ok(ders)
}

fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, EnrollError> {
    let bytes = zeroize::Zeroizing::new(input::read(path, Kind::PrivateKey)?);
    let text =
        std::str::from_utf8(&bytes).map_err(|_| unusable(TlsInput::Key, path, "not PEM text"))?;
    let block = pem::parse(text).map_err(|e| unusable(TlsInput::Key, path, e.to_string()))?;
    if block.tag() != "PRIVATE KEY" {
        return Err(unusable(
            TlsInput::Key,
            path,
            format!(
                "expected an unencrypted PKCS#8 PRIVATE KEY, found {}",
                block.tag()
            ),
        ));
    }
    Ok(PrivateKeyDer::Pkcs8(block.into_contents().into()))
}

/// The client configuration for the service's connection, from `files`.
pub fn client_config(files: &TlsFiles) -> Result<rustls::ClientConfig, EnrollError> {
    let mut roots = rustls::RootCertStore::empty();
    for der in certificates(TlsInput::BrokerCa, &files.broker_ca)? {
        roots
            .add(der)
            .map_err(|e| unusable(TlsInput::BrokerCa, &files.broker_ca, e.to_string()))?;
    }
    let chain = certificates(TlsInput::Cert, &files.cert)?;
    let key = private_key(&files.key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_root_certificates(roots)
                .with_client_auth_cert(chain, key)
        })
        .map_err(|e| unusable(TlsInput::CertAndKey, &files.cert, e.to_string()))
}
