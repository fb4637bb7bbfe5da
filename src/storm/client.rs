//! One device's connection in a storm: TCP, TLS (its certificate over rustls, or its PSK over
//! OpenSSL), MQTT 5 CONNECT and CONNACK, optionally one QoS 1 PUBLISH and its PUBACK, then a
//! clean DISCONNECT. Every step runs against the client's deadline; whatever happens ends up
//! in its [`Outcome`], never as an error of the storm.

use super::devices::{Credential, Device};
use super::psk_stream::{self, PskFailure, PskStream};
use super::report::{Failure, FailureKind, Outcome};
use bytes::{Bytes, BytesMut};
use openssl::ssl::SslConnector;
use rumqttc::v5::mqttbytes::v5::{
    ConnAck, Connect, ConnectProperties, ConnectReturnCode, Disconnect, DisconnectReasonCode,
    Packet, PubAck, PubAckReason, Publish,
};
use rumqttc::v5::mqttbytes::{Error as CodecError, QoS};
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

/// The largest packet read from the broker: a CONNACK or a PUBACK is a few bytes.
const MAX_INCOMING_PACKET: u32 = 64 * 1024;
/// Keep alive asked of the broker; a storm client is gone long before it matters.
const KEEP_ALIVE: u16 = 60;
const PUBLISH_PKID: u16 = 1;

/// What every client of a storm shares.
pub(crate) struct Shared {
    /// The host the clients connect to: SNI, and the name the broker's certificate must hold.
    pub host: String,
    pub server_name: ServerName<'static>,
    pub addresses: HashMap<u16, Vec<SocketAddr>>,
    pub roots: Option<Arc<rustls::RootCertStore>>,
    pub provider: Arc<rustls::crypto::CryptoProvider>,
    pub psk: Option<SslConnector>,
    pub publish: Option<String>,
    pub timeout: Duration,
}

enum Wire {
    Tls(Box<TlsStream<TcpStream>>),
    Psk(PskStream),
}

impl Wire {
    async fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Wire::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
            Wire::Psk(s) => s.write_all(bytes).await,
        }
    }

    async fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Wire::Tls(s) => s.read(buf).await,
            Wire::Psk(s) => s.read(buf).await,
        }
    }

    /// DISCONNECT was sent; close the TLS session as politely as the broker lets us.
    async fn close(self) {
        match self {
            Wire::Tls(mut s) => {
                let _ = s.shutdown().await;
            }
            Wire::Psk(mut s) => s.shutdown(),
        }
    }
}

fn failure(kind: FailureKind, detail: impl Into<String>) -> Failure {
    Failure {
        kind,
        detail: detail.into(),
    }
}

/// `CertificateRevoked` → "certificate revoked", as OpenSSL names alerts.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A rustls-side I/O error as a failure: the alert the broker sent when there is one.
fn tls_failure(e: &io::Error, otherwise: FailureKind) -> Failure {
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match tls {
            rustls::Error::AlertReceived(alert) => {
                failure(FailureKind::TlsAlert, words(&format!("{alert:?}")))
            }
            other => failure(FailureKind::Handshake, other.to_string()),
        };
    }
    if e.kind() == io::ErrorKind::UnexpectedEof {
        return failure(otherwise, "the broker closed the connection");
    }
    failure(otherwise, e.to_string())
}

/// The device's certificate and key as a rustls client configuration. Read here, as the
/// client starts, so a storm of 100,000 holds only the keys in use.
fn client_config(
    shared: &Shared,
    cert: &Path,
    key: &Path,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let read = |path: &Path, kind| crate::input::read(path, kind).map_err(|e| e.to_string());
    let cert_pem = read(cert, crate::input::Kind::Certificates)?;
    let chain: Vec<CertificateDer<'static>> = pem::parse_many(&cert_pem)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(|b| CertificateDer::from(b.into_contents()))
        .collect();
    if chain.is_empty() {
        return Err(format!("{}: no CERTIFICATE block", cert.display()));
    }
    let key_pem = zeroize::Zeroizing::new(read(key, crate::input::Kind::PrivateKey)?);
    let block = pem::parse(&*key_pem).map_err(|e| format!("{}: {e}", key.display()))?;
    let der = block.contents().to_vec();
    let private = match block.tag() {
        "PRIVATE KEY" => PrivateKeyDer::Pkcs8(der.into()),
        "EC PRIVATE KEY" => PrivateKeyDer::Sec1(der.into()),
        "RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(der.into()),
        other => {
            return Err(format!(
                "{}: {other} is not an unencrypted private key",
                key.display()
            ));
        }
    };
    let Some(roots) = shared.roots.clone() else {
        return Err("no CA to verify the broker with".into());
    };
    rustls::ClientConfig::builder_with_provider(shared.provider.clone())
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_root_certificates(roots)
                .with_client_auth_cert(chain, private)
        })
        .map(Arc::new)
        .map_err(|e| format!("{}: {e}", cert.display()))
}

/// Where a client was when its time ran out.
#[derive(Clone, Copy)]
enum Step {
    Tcp,
    Handshake,
    Connack,
    Puback,
}

impl Step {
    fn waiting_for(self) -> &'static str {
        match self {
            Step::Tcp => "TCP connect",
            Step::Handshake => "TLS handshake",
            Step::Connack => "CONNACK",
            Step::Puback => "PUBACK",
        }
    }
}

/// Runs one device until `storm_end` at the latest.
pub(crate) async fn run(shared: &Shared, device: &Device, storm_end: Instant) -> Outcome {
    let mut outcome = Outcome {
        id: device.id.clone(),
        handshake: None,
        connack: None,
        failure: None,
        published: None,
        cut_off: false,
    };
    let own_end = Instant::now() + shared.timeout;
    let deadline = own_end.min(storm_end);
    let mut step = Step::Tcp;
    let result = timeout_at(deadline, connect(shared, device, &mut outcome, &mut step)).await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(f)) => outcome.failure = Some(f),
        Err(_) => {
            outcome.cut_off = storm_end < own_end;
            let what = step.waiting_for();
            if let Step::Puback = step {
                outcome.published = Some(Err("no PUBACK in time".into()));
            } else {
                outcome.failure = Some(failure(FailureKind::Timeout, what));
            }
        }
    }
    outcome
}

async fn connect(
    shared: &Shared,
    device: &Device,
    outcome: &mut Outcome,
    step: &mut Step,
) -> Result<(), Failure> {
    // Credentials first, outside the timings: reading files is the tool's cost, not the
    // broker's.
    let config = match &device.credential {
        Credential::Certificate { cert, key } => Some(
            client_config(shared, cert, key)
                .map_err(|why| failure(FailureKind::Credentials, why))?,
        ),
        Credential::Psk(_) => None,
    };
    let addresses = shared
        .addresses
        .get(&device.port)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let started = Instant::now();
    *step = Step::Tcp;
    let tcp = TcpStream::connect(addresses)
        .await
        .map_err(|e| failure(FailureKind::Connect, e.to_string()))?;
    // Small packets, one at a time: no Nagle delay in the latencies.
    let _ = tcp.set_nodelay(true);
    *step = Step::Handshake;
    let mut wire = match (&device.credential, config) {
        (Credential::Certificate { .. }, Some(config)) => {
            let connector = tokio_rustls::TlsConnector::from(config);
            let stream = connector
                .connect(shared.server_name.clone(), tcp)
                .await
                .map_err(|e| tls_failure(&e, FailureKind::Handshake))?;
            Wire::Tls(Box::new(stream))
        }
        (Credential::Psk(key), _) => {
            let Some(connector) = &shared.psk else {
                return Err(failure(FailureKind::Credentials, "no TLS-PSK connector"));
            };
            let config = crate::tls_psk::configure(connector, &device.id, key.clone())
                .map_err(|e| failure(FailureKind::Handshake, e.to_string()))?;
            let stream = psk_stream::connect(config, &shared.host, tcp)
                .await
                .map_err(|e| match e {
                    PskFailure::Alert(alert) => failure(FailureKind::TlsAlert, alert),
                    PskFailure::Other(why) => failure(FailureKind::Handshake, why),
                })?;
            Wire::Psk(stream)
        }
        (Credential::Certificate { .. }, None) => {
            return Err(failure(FailureKind::Credentials, "no certificate"));
        }
    };
    outcome.handshake = Some(started.elapsed());

    let mut session = Session {
        wire,
        buf: BytesMut::new(),
    };
    *step = Step::Connack;
    let mut properties = ConnectProperties::new();
    properties.max_packet_size = Some(MAX_INCOMING_PACKET);
    let sent = Instant::now();
    session
        .send(Packet::Connect(
            Connect {
                keep_alive: KEEP_ALIVE,
                client_id: device.id.clone(),
                clean_start: true,
                properties: Some(properties),
            },
            None,
            None,
        ))
        .await?;
    loop {
        match session.next().await? {
            Packet::ConnAck(ConnAck {
                code: ConnectReturnCode::Success,
                ..
            }) => break,
            Packet::ConnAck(ConnAck { code, .. }) => {
                return Err(failure(FailureKind::Connack, format!("{code:?}")));
            }
            _ => {}
        }
    }
    outcome.connack = Some(sent.elapsed());

    if let Some(template) = &shared.publish {
        *step = Step::Puback;
        outcome.published = Some(session.publish(&template.replace("{id}", &device.id)).await);
    }
    let _ = session
        .send(Packet::Disconnect(Disconnect::new(
            DisconnectReasonCode::NormalDisconnection,
        )))
        .await;
    wire = session.wire;
    wire.close().await;
    Ok(())
}

struct Session {
    wire: Wire,
    buf: BytesMut,
}

impl Session {
    async fn send(&mut self, packet: Packet) -> Result<(), Failure> {
        let mut out = BytesMut::new();
        packet
            .write(&mut out, None)
            .map_err(|e| failure(FailureKind::Connection, e.to_string()))?;
        self.wire
            .send(&out)
            .await
            .map_err(|e| tls_failure(&e, FailureKind::Connection))
    }

    /// The next packet; a DISCONNECT from the broker or a closed connection is a failure.
    async fn next(&mut self) -> Result<Packet, Failure> {
        let mut chunk = [0u8; 4096];
        loop {
            match Packet::read(&mut self.buf, Some(MAX_INCOMING_PACKET)) {
                Ok(Packet::Disconnect(d)) => {
                    return Err(failure(
                        FailureKind::Connection,
                        format!("the broker disconnected ({:?})", d.reason_code),
                    ));
                }
                Ok(packet) => return Ok(packet),
                Err(CodecError::InsufficientBytes(_)) => {}
                Err(e) => {
                    return Err(failure(
                        FailureKind::Connection,
                        format!("bad packet from the broker: {e}"),
                    ));
                }
            }
            match self.wire.recv(&mut chunk).await {
                Ok(0) => {
                    return Err(failure(
                        FailureKind::Connection,
                        "the broker closed the connection",
                    ));
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(tls_failure(&e, FailureKind::Connection)),
            }
        }
    }

    /// One QoS 1 message on `topic`; Ok once the broker acknowledged it with success.
    async fn publish(&mut self, topic: &str) -> Result<(), String> {
        let mut publish = Publish::new(
            topic.to_string(),
            QoS::AtLeastOnce,
            Bytes::from_static(b"storm"),
            None,
        );
        publish.pkid = PUBLISH_PKID;
        self.send(Packet::Publish(publish))
            .await
            .map_err(|f| f.to_string())?;
        loop {
            match self.next().await.map_err(|f| f.to_string())? {
                Packet::PubAck(PubAck { pkid, reason, .. }) if pkid == PUBLISH_PKID => {
                    return match reason {
                        // Nobody subscribes to a storm's topics: accepted all the same.
                        PubAckReason::Success | PubAckReason::NoMatchingSubscribers => Ok(()),
                        other => Err(format!("PUBACK {other:?}")),
                    };
                }
                _ => {}
            }
        }
    }
}
