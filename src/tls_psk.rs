//! The client side of TLS-PSK, from the system's OpenSSL (rustls has no external PSKs), shared
//! by the reference device (`enroll device`) and the storm's PSK clients so that both offer the
//! broker exactly the same handshake. The connector (suites, trust anchors) is made once; each
//! connection gets its own identity and key.

use openssl::ex_data::Index;
use openssl::ssl::{ConnectConfiguration, Ssl, SslConnector, SslMethod, SslVerifyMode};
use std::path::Path;
use std::sync::OnceLock;
use thiserror::Error;
use zeroize::Zeroizing;

/// Why no connector or connection could be set up.
#[derive(Debug, Error)]
pub enum PskTlsError {
    /// The CA file cannot be loaded by OpenSSL.
    #[error("{0}")]
    Ca(String),
    /// OpenSSL refused a setting (an OpenSSL built without PSK suites, say).
    #[error("{0}")]
    Setup(String),
}

/// One connection's identity (NUL-terminated, as OpenSSL copies it) and key.
struct Identity {
    identity: Vec<u8>,
    psk: Zeroizing<Vec<u8>>,
}

/// Where each connection keeps its [`Identity`]: the connector's callback is shared, the
/// identity is not (OpenSSL sets PSK callbacks on the context only).
fn identity_index() -> Result<Index<Ssl, Identity>, PskTlsError> {
    static INDEX: OnceLock<Index<Ssl, Identity>> = OnceLock::new();
    if let Some(index) = INDEX.get() {
        return Ok(*index);
    }
    let index = Ssl::new_ex_index().map_err(setup)?;
    // Two threads may both make one; the first stored wins and the other is never used.
    Ok(*INDEX.get_or_init(|| index))
}

fn setup(e: openssl::error::ErrorStack) -> PskTlsError {
    PskTlsError::Setup(one_line(&e.to_string()))
}

/// A TLS client connector that offers only PSK cipher suites (TLS 1.2), so that the PSK is
/// what authenticates the broker. With `ca_file` the server's certificate is verified too:
/// should the server pick a certificate handshake instead (TLS 1.3 lets it), it must chain to
/// the fleet's CA and name the broker. Building it reads the system's trust store, so it is
/// made once and shared by every connection.
pub fn connector(ca_file: Option<&Path>) -> Result<SslConnector, PskTlsError> {
    let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(setup)?;
    match ca_file {
        Some(path) => {
            builder
                .set_ca_file(path)
                .map_err(|e| PskTlsError::Ca(one_line(&e.to_string())))?;
            builder.set_verify(SslVerifyMode::PEER);
        }
        // Nothing to check a certificate against; the PSK suites carry none.
        None => builder.set_verify(SslVerifyMode::NONE),
    }
    builder
        .set_cipher_list("PSK:!aNULL:!eNULL")
        .map_err(setup)?;
    let index = identity_index()?;
    builder.set_psk_client_callback(move |ssl, _hint, identity_out, psk_out| {
        let Some(Identity { identity, psk }) = ssl.ex_data(index) else {
            return Err(openssl::error::ErrorStack::get());
        };
        // OpenSSL's buffers are large (128 and 256 bytes); ids are at most 64 bytes and PSKs
        // from `psk gen` 32, but a file may hold anything: refuse rather than truncate.
        if identity.len() > identity_out.len() || psk.len() > psk_out.len() {
            return Err(openssl::error::ErrorStack::get());
        }
        identity_out[..identity.len()].copy_from_slice(identity);
        psk_out[..psk.len()].copy_from_slice(psk);
        Ok(psk.len())
    });
    Ok(builder.build())
}

/// One connection's configuration: `identity` with `psk`. The caller connects it.
pub fn configure(
    connector: &SslConnector,
    identity: &str,
    psk: Zeroizing<Vec<u8>>,
) -> Result<ConnectConfiguration, PskTlsError> {
    let mut config = connector.configure().map_err(setup)?;
    if connector.context().verify_mode() == SslVerifyMode::NONE {
        // Without trust anchors there is no name to check either.
        config.set_verify_hostname(false);
    }
    config.set_ex_data(
        identity_index()?,
        Identity {
            identity: identity.as_bytes().iter().copied().chain([0]).collect(),
            psk,
        },
    );
    Ok(config)
}

/// OpenSSL's error stacks may span lines; callers print one.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
