//! The reference device (`mqauth enroll device`): what a firmware does to get a certificate from
//! `enroll serve`, written once so that firmware authors, the tests and the benchmark have one
//! thing to compare against. It makes a key and a CSR, connects (bootstrap PSK over TLS-PSK, or
//! its current certificate over mutual TLS), subscribes to its result topic before publishing,
//! sends the CSR with QoS 1 and MQTT 5 Correlation Data, and accepts only an answer to that
//! request whose certificate is for its new key, carries its id and chains to the CA it trusts.
//!
//! TLS-PSK comes from the system's OpenSSL (rustls has no external PSKs); the certificate mode
//! uses the service's own rustls configuration. MQTT is rumqttc's MQTT 5 packet codec, driven
//! here over the blocking TLS stream: a device asks one question and waits for one answer, so
//! there is no event loop to run (and rumqttc's cannot take a foreign stream).

use super::error::{EnrollError, TlsInput};
use super::protocol::{self, Ask};
use super::settings::{BrokerAddress, TlsFiles};
use crate::atomic::{Batch, FileError, Mode};
use crate::inspect::{InspectError, Purpose, VerifyOptions};
use crate::names::NameError;
use crate::pki::{KeyAlgorithm, KeyError};
use crate::psk::{LineKind, PskError};
use crate::tls_psk::{PskTlsError, one_line};
use bytes::{Bytes, BytesMut};
use rumqttc::v5::mqttbytes::v5::{
    ConnAck, Connect, ConnectProperties, ConnectReturnCode, Disconnect, DisconnectReasonCode,
    Filter, Packet, PingReq, PubAck, PubAckReason, Publish, PublishProperties, Subscribe,
    SubscribeReasonCode,
};
use rumqttc::v5::mqttbytes::{Error as CodecError, QoS};
use serde::Deserialize;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio_rustls::rustls;
use zeroize::Zeroizing;

/// The largest packet read from the broker: an answer is a certificate and its chain, a few
/// KiB; anything near this is not an answer.
const MAX_INCOMING_PACKET: u32 = 1024 * 1024;

/// Keep alive asked of the broker; the device pings after half of it without sending, so that
/// a long `timeout` does not get the connection dropped as dead.
const KEEP_ALIVE: u16 = 60;
const PING_AFTER: Duration = Duration::from_secs(30);

/// Packet identifiers of the subscription and of the request (one of each per connection).
const SUBSCRIBE_PKID: u16 = 1;
const PUBLISH_PKID: u16 = 2;

/// How the device proves who it is to the broker.
pub enum Credentials {
    /// The bootstrap PSK: the device's identity and its line in a Mosquitto psk_file (first
    /// certificate, on `/csr`).
    Psk { psk_file: PathBuf },
    /// The current certificate (with its chain) and key (renewal, on `/renew`).
    Certificate { cert: PathBuf, key: PathBuf },
}

impl Credentials {
    /// What these credentials ask for: a PSK enrolls, a certificate renews.
    pub fn ask(&self) -> Ask {
        match self {
            Credentials::Psk { .. } => Ask::Enroll,
            Credentials::Certificate { .. } => Ask::Renew,
        }
    }
}

/// One enrollment or renewal.
pub struct DeviceOptions {
    /// The device id: PSK identity, CN, topic level, file name.
    pub id: String,
    pub broker: BrokerAddress,
    pub credentials: Credentials,
    /// The CA the certificate must chain to (and, with a certificate, the broker's trust
    /// anchor).
    pub ca_file: PathBuf,
    pub prefix: String,
    pub key_type: KeyAlgorithm,
    /// The whole exchange, connection included, ends by then.
    pub timeout: Duration,
    /// Where `{id}.crt` and `{id}.key` are written.
    pub out: PathBuf,
    pub overwrite: bool,
}

/// A certificate received, checked and written.
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// `{id}.crt`: the certificate followed by the chain the service sent.
    pub certificate: PathBuf,
    /// `{id}.key`: the new key (unencrypted PKCS#8, 0600).
    pub key: PathBuf,
    pub serial: String,
    pub not_after: String,
    pub renew_after: String,
    /// False when the service sent a certificate it had issued for this key before.
    pub new: bool,
}

/// Why the device got no certificate. Messages name files and the broker, never flags.
#[derive(Debug, Error)]
pub enum DeviceError {
    #[error("invalid device id: {0}")]
    Name(#[from] NameError),
    #[error("prefix: {0}")]
    Prefix(String),
    #[error("{key_type}: the reference device makes P-256 or P-384 keys")]
    KeyType { key_type: &'static str },
    #[error(transparent)]
    Psk(#[from] PskError),
    #[error("{}: the key of {identity} is not hex", path.display())]
    PskKey { path: PathBuf, identity: String },
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Inspect(#[from] InspectError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Enroll(EnrollError),
    #[error("cannot make the CSR: {0}")]
    Csr(String),
    #[error("{}: cannot use it for TLS: {why}", path.display())]
    Tls {
        input: TlsInput,
        path: PathBuf,
        why: String,
    },
    #[error("{broker}: cannot connect: {why}")]
    Connect { broker: String, why: String },
    #[error(
        "{broker}: TLS-PSK handshake failed as {identity} (wrong PSK, or not the broker's PSK listener?): {why}"
    )]
    PskHandshake {
        broker: String,
        identity: String,
        why: String,
    },
    #[error("{broker}: TLS handshake failed: {why}")]
    Handshake { broker: String, why: String },
    #[error("{broker}: the broker refused the connection: {reason}")]
    ConnectRefused { broker: String, reason: String },
    #[error("{broker}: the connection failed: {why}")]
    Connection { broker: String, why: String },
    #[error(
        "the broker refused the subscription to {topic} ({reason}): its ACL must let the device read its result topic"
    )]
    SubscribeRefused { topic: String, reason: String },
    #[error(
        "the broker refused the request on {topic} ({reason}): its ACL must let the device publish there"
    )]
    PublishRefused { topic: String, reason: String },
    #[error("no answer: the broker has no subscriber for {topic}, so no enrollment service runs")]
    NoSubscriber { topic: String },
    #[error("no answer on {topic} within {} s: silence means the broker denied the publish or no enrollment service runs", waited.as_secs())]
    Silence { topic: String, waited: Duration },
    #[error("rejected: {code}: {message}{}", retry_after.map(|s| format!(" (ask again in {s} s)")).unwrap_or_default())]
    Rejected {
        code: String,
        message: String,
        retry_after: Option<u64>,
    },
    #[error("the answer cannot be used: {why}")]
    BadAnswer { why: String },
    #[error("the certificate received does not chain to {}: {why}", ca_file.display())]
    Untrusted { ca_file: PathBuf, why: String },
}

impl From<EnrollError> for DeviceError {
    fn from(e: EnrollError) -> Self {
        match e {
            EnrollError::Tls { input, path, why } => DeviceError::Tls { input, path, why },
            EnrollError::File(e) => DeviceError::File(e),
            other => DeviceError::Enroll(other),
        }
    }
}

/// What the TLS connection is made with, read before anything else happens.
enum Secret {
    Psk(Zeroizing<Vec<u8>>),
    Tls(Arc<rustls::ClientConfig>),
}

/// Where `id`'s certificate and key go in `out`.
pub fn targets(out: &Path, id: &str) -> (PathBuf, PathBuf) {
    (out.join(format!("{id}.crt")), out.join(format!("{id}.key")))
}

/// Enrolls (PSK) or renews (certificate) `options.id`, then writes `{id}.crt` and `{id}.key`.
pub fn enroll(options: &DeviceOptions) -> Result<Enrolled, DeviceError> {
    let deadline = Instant::now() + options.timeout;
    crate::names::validate_cert_name(&options.id)?;
    protocol::validate_prefix(&options.prefix).map_err(DeviceError::Prefix)?;
    if !matches!(options.key_type, KeyAlgorithm::P256 | KeyAlgorithm::P384) {
        return Err(DeviceError::KeyType {
            key_type: options.key_type.id(),
        });
    }
    // Everything that can be refused locally is, before the service is asked anything: a
    // certificate issued for a key that then cannot be written is a certificate lost.
    let (cert_path, key_path) = targets(&options.out, &options.id);
    crate::atomic::ensure_absent(&cert_path, options.overwrite)?;
    crate::atomic::ensure_absent(&key_path, options.overwrite)?;
    let anchors = crate::inspect::load_certificates(&options.ca_file)?;
    let secret = match &options.credentials {
        Credentials::Psk { psk_file } => Secret::Psk(read_psk(psk_file, &options.id)?),
        Credentials::Certificate { cert, key } => {
            Secret::Tls(Arc::new(super::tls::client_config(&TlsFiles {
                broker_ca: options.ca_file.clone(),
                cert: cert.clone(),
                key: key.clone(),
            })?))
        }
    };

    let key = options.key_type.generate()?;
    let csr = csr_pem(&key, &options.id)?;
    let key_pem = crate::pki::key_to_pem(&key, None)?;

    let broker = format!("{}:{}", options.broker.host, options.broker.port);
    let tcp = connect_tcp(&options.broker, deadline)?;
    let stream = match secret {
        Secret::Psk(psk) => psk_stream(tcp, options, &broker, psk, deadline)?,
        Secret::Tls(config) => mtls_stream(tcp, options, &broker, config, deadline)?,
    };
    let socket = stream.socket().map_err(|e| DeviceError::Connection {
        broker: broker.clone(),
        why: e.to_string(),
    })?;
    let mut session = Session {
        stream,
        socket,
        buf: BytesMut::new(),
        broker,
        last_sent: Instant::now(),
    };
    let payload = Bytes::from(csr.into_bytes());
    let answer = session.ask(options, payload.clone(), deadline)?;
    session.close();
    let issued = check_answer(answer, &key, options, &anchors)?;

    // Key and certificate land together or not at all (one atomic batch).
    let batch = Batch::new(options.overwrite);
    batch.stage(&key_path, key_pem.as_bytes(), Mode::Secret)?;
    let mut full_chain = issued.certificate.clone();
    if !full_chain.ends_with('\n') {
        full_chain.push('\n');
    }
    full_chain.push_str(&issued.chain);
    batch.stage(&cert_path, full_chain.as_bytes(), Mode::Public)?;
    batch.commit()?;
    Ok(Enrolled {
        certificate: cert_path,
        key: key_path,
        serial: issued.serial,
        not_after: issued.not_after,
        renew_after: issued.renew_after,
        new: issued.new,
    })
}

/// The hex key of `id` in a Mosquitto psk_file (the first line for it, as Mosquitto reads it).
fn read_psk(path: &Path, id: &str) -> Result<Zeroizing<Vec<u8>>, DeviceError> {
    let bytes = Zeroizing::new(crate::input::read(path, crate::input::Kind::PskFile)?);
    let text = String::from_utf8_lossy(&bytes);
    let hex = text
        .lines()
        .find_map(|line| match crate::psk::classify(line) {
            LineKind::Entry { identity, key, .. } if identity == id => {
                Some(Zeroizing::new(key.to_string()))
            }
            _ => None,
        })
        .ok_or_else(|| PskError::UnknownIdentity {
            path: path.to_path_buf(),
            identity: id.to_string(),
        })?;
    decode_hex(&hex).ok_or_else(|| DeviceError::PskKey {
        path: path.to_path_buf(),
        identity: id.to_string(),
    })
}

fn decode_hex(hex: &str) -> Option<Zeroizing<Vec<u8>>> {
    if hex.is_empty() || !hex.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(hex.len() / 2));
    for pair in hex.as_bytes().chunks(2) {
        let text = std::str::from_utf8(pair).ok()?;
        out.push(u8::from_str_radix(text, 16).ok()?);
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A PKCS#10 request for `key` with CN = `id` and nothing else: the service takes only the key
/// and the CN from it.
fn csr_pem(key: &rcgen::KeyPair, id: &str) -> Result<String, DeviceError> {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, id);
    params
        .serialize_request(key)
        .and_then(|csr| csr.pem())
        .map_err(|e| DeviceError::Csr(e.to_string()))
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

fn connect_tcp(broker: &BrokerAddress, deadline: Instant) -> Result<TcpStream, DeviceError> {
    let name = format!("{}:{}", broker.host, broker.port);
    let fail = |why: String| DeviceError::Connect {
        broker: name.clone(),
        why,
    };
    let addresses = (broker.host.as_str(), broker.port)
        .to_socket_addrs()
        .map_err(|e| fail(e.to_string()))?;
    let mut last = String::from("the name resolves to no address");
    for address in addresses {
        let Some(left) = remaining(deadline) else {
            return Err(fail("timed out".into()));
        };
        match TcpStream::connect_timeout(&address, left) {
            Ok(tcp) => {
                // One small request, one small answer: no Nagle delay.
                let _ = tcp.set_nodelay(true);
                return Ok(tcp);
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(fail(last))
}

/// A TLS stream over TCP; `socket` gives the TCP socket, for its read timeout.
trait Transport: Read + Write {
    fn socket(&self) -> std::io::Result<TcpStream>;
}

impl Transport for openssl::ssl::SslStream<TcpStream> {
    fn socket(&self) -> std::io::Result<TcpStream> {
        self.get_ref().try_clone()
    }
}

impl Transport for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn socket(&self) -> std::io::Result<TcpStream> {
        self.sock.try_clone()
    }
}

/// The handshake may take what is left of the whole exchange, and no more.
fn limit_io(tcp: &TcpStream, deadline: Instant) -> std::io::Result<()> {
    let left = remaining(deadline).unwrap_or(Duration::from_millis(1));
    tcp.set_read_timeout(Some(left))?;
    tcp.set_write_timeout(Some(left))
}

/// TLS-PSK with OpenSSL: the identity is the device id, the key its bootstrap PSK. The CA is
/// loaded too: should the server pick a certificate handshake instead (TLS 1.3 lets it), its
/// certificate must then chain to the fleet's CA and name the broker.
fn psk_stream(
    tcp: TcpStream,
    options: &DeviceOptions,
    broker: &str,
    psk: Zeroizing<Vec<u8>>,
    deadline: Instant,
) -> Result<Box<dyn Transport>, DeviceError> {
    let handshake = |why: String| DeviceError::PskHandshake {
        broker: broker.to_string(),
        identity: options.id.clone(),
        why,
    };
    let config = crate::tls_psk::connector(Some(&options.ca_file))
        .and_then(|connector| crate::tls_psk::configure(&connector, &options.id, psk))
        .map_err(|e| match e {
            PskTlsError::Ca(why) => DeviceError::Tls {
                input: TlsInput::BrokerCa,
                path: options.ca_file.clone(),
                why,
            },
            PskTlsError::Setup(why) => handshake(why),
        })?;
    limit_io(&tcp, deadline).map_err(|e| handshake(e.to_string()))?;
    let stream = config
        .connect(&options.broker.host, tcp)
        .map_err(|e| handshake(one_line(&e.to_string())))?;
    Ok(Box::new(stream))
}

/// Mutual TLS with the service's own rustls configuration: the broker's certificate must chain
/// to the CA file, and the device shows its current certificate.
fn mtls_stream(
    mut tcp: TcpStream,
    options: &DeviceOptions,
    broker: &str,
    config: Arc<rustls::ClientConfig>,
    deadline: Instant,
) -> Result<Box<dyn Transport>, DeviceError> {
    let handshake = |why: String| DeviceError::Handshake {
        broker: broker.to_string(),
        why,
    };
    let name = rustls::pki_types::ServerName::try_from(options.broker.host.clone())
        .map_err(|e| handshake(e.to_string()))?;
    let mut conn =
        rustls::ClientConnection::new(config, name).map_err(|e| handshake(e.to_string()))?;
    limit_io(&tcp, deadline).map_err(|e| handshake(e.to_string()))?;
    // The handshake now, so that its failure is told apart from a later one.
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)
            .map_err(|e| handshake(e.to_string()))?;
    }
    Ok(Box::new(rustls::StreamOwned::new(conn, tcp)))
}

/// The MQTT 5 session: one connection, one question.
struct Session {
    stream: Box<dyn Transport>,
    socket: TcpStream,
    buf: BytesMut,
    broker: String,
    last_sent: Instant,
}

impl Session {
    fn broken(&self, why: impl Into<String>) -> DeviceError {
        DeviceError::Connection {
            broker: self.broker.clone(),
            why: why.into(),
        }
    }

    fn send(&mut self, packet: Packet) -> Result<(), DeviceError> {
        let mut out = BytesMut::new();
        packet
            .write(&mut out, None)
            .map_err(|e| self.broken(e.to_string()))?;
        if let Err(e) = self
            .stream
            .write_all(&out)
            .and_then(|()| self.stream.flush())
        {
            return Err(self.broken(e.to_string()));
        }
        self.last_sent = Instant::now();
        Ok(())
    }

    /// The next packet from the broker, or `None` at the deadline. Pings while waiting.
    fn next(&mut self, deadline: Instant) -> Result<Option<Packet>, DeviceError> {
        let mut chunk = [0u8; 8192];
        loop {
            match Packet::read(&mut self.buf, Some(MAX_INCOMING_PACKET)) {
                Ok(Packet::Disconnect(d)) => {
                    return Err(
                        self.broken(format!("the broker disconnected ({:?})", d.reason_code))
                    );
                }
                Ok(packet) => return Ok(Some(packet)),
                Err(CodecError::InsufficientBytes(_)) => {}
                Err(e) => return Err(self.broken(format!("bad packet from the broker: {e}"))),
            }
            let Some(left) = remaining(deadline) else {
                return Ok(None);
            };
            let idle = self.last_sent.elapsed();
            if idle >= PING_AFTER {
                self.send(Packet::PingReq(PingReq))?;
                continue;
            }
            let wait = left.min(PING_AFTER - idle).max(Duration::from_millis(1));
            if let Err(e) = self.socket.set_read_timeout(Some(wait)) {
                return Err(self.broken(e.to_string()));
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(self.broken("the broker closed the connection")),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(self.broken(e.to_string())),
            }
        }
    }

    /// The next packet, which the deadline may not cut short (the steps before the wait for
    /// the answer): running out of time there is a failed connection, not silence.
    fn wait_for(&mut self, deadline: Instant, waiting_for: &str) -> Result<Packet, DeviceError> {
        self.next(deadline)?
            .ok_or_else(|| self.broken(format!("timed out waiting for the broker's {waiting_for}")))
    }

    /// Connects, subscribes to the result topic, publishes `payload` and returns the answer to
    /// it (its JSON).
    fn ask(
        &mut self,
        options: &DeviceOptions,
        payload: Bytes,
        deadline: Instant,
    ) -> Result<Received, DeviceError> {
        let mut properties = ConnectProperties::new();
        properties.max_packet_size = Some(MAX_INCOMING_PACKET);
        self.send(Packet::Connect(
            Connect {
                keep_alive: KEEP_ALIVE,
                client_id: options.id.clone(),
                // Nothing from an earlier run (an answer to another request) is wanted.
                clean_start: true,
                properties: Some(properties),
            },
            None,
            None,
        ))?;
        loop {
            match self.wait_for(deadline, "CONNACK")? {
                Packet::ConnAck(ConnAck {
                    code: ConnectReturnCode::Success,
                    ..
                }) => {
                    break;
                }
                Packet::ConnAck(ConnAck { code, .. }) => {
                    return Err(DeviceError::ConnectRefused {
                        broker: self.broker.clone(),
                        reason: format!("{code:?}"),
                    });
                }
                _ => {}
            }
        }

        // Subscribed, and acknowledged, before the request goes out: an answer published before
        // the broker holds the subscription would be lost.
        let result_topic = protocol::result_topic(&options.prefix, &options.id);
        self.send(Packet::Subscribe(Subscribe {
            pkid: SUBSCRIBE_PKID,
            filters: vec![Filter::new(result_topic.clone(), QoS::AtLeastOnce)],
            properties: None,
        }))?;
        loop {
            if let Packet::SubAck(ack) = self.wait_for(deadline, "SUBACK")? {
                if ack.pkid != SUBSCRIBE_PKID {
                    continue;
                }
                match ack.return_codes.first() {
                    Some(SubscribeReasonCode::Success(_)) => break,
                    other => {
                        return Err(DeviceError::SubscribeRefused {
                            topic: result_topic,
                            reason: other.map_or("no reason code".into(), |c| format!("{c:?}")),
                        });
                    }
                }
            }
        }

        let mut correlation = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut correlation)
            .map_err(|_| self.broken("no randomness for the correlation data"))?;
        let request_topic = format!(
            "{}/{}/{}",
            options.prefix,
            options.id,
            options.credentials.ask().topic_level()
        );
        let mut publish = Publish::new(
            request_topic.clone(),
            QoS::AtLeastOnce,
            payload.clone(),
            Some(PublishProperties {
                correlation_data: Some(Bytes::copy_from_slice(&correlation)),
                response_topic: Some(result_topic.clone()),
                content_type: Some("application/pkcs10".into()),
                ..PublishProperties::default()
            }),
        );
        publish.pkid = PUBLISH_PKID;
        self.send(Packet::Publish(publish))?;
        let digest = hex(ring::digest::digest(&ring::digest::SHA256, &payload).as_ref());

        let mut acknowledged = false;
        loop {
            let Some(packet) = self.next(deadline)? else {
                return Err(if acknowledged {
                    DeviceError::Silence {
                        topic: result_topic,
                        waited: options.timeout,
                    }
                } else {
                    self.broken("timed out waiting for the broker's PUBACK")
                });
            };
            match packet {
                Packet::PubAck(PubAck { pkid, reason, .. }) if pkid == PUBLISH_PKID => {
                    match reason {
                        PubAckReason::Success => acknowledged = true,
                        // Mosquitto says so when nobody subscribes: no service, not even one
                        // whose persistent session would queue the request.
                        PubAckReason::NoMatchingSubscribers => {
                            return Err(DeviceError::NoSubscriber {
                                topic: request_topic,
                            });
                        }
                        other => {
                            return Err(DeviceError::PublishRefused {
                                topic: request_topic,
                                reason: format!("{other:?}"),
                            });
                        }
                    }
                }
                Packet::Publish(message) => {
                    if message.qos == QoS::AtLeastOnce {
                        self.send(Packet::PubAck(PubAck::new(message.pkid, None)))?;
                    }
                    if message.topic != result_topic.as_bytes() {
                        continue;
                    }
                    // Correlation Data first: an answer to another request (an earlier run's)
                    // is passed over, not taken for this one's.
                    let echoed = message
                        .properties
                        .as_ref()
                        .and_then(|p| p.correlation_data.as_deref());
                    if echoed.is_some_and(|c| c != correlation) {
                        continue;
                    }
                    let received: Received =
                        serde_json::from_slice(&message.payload).map_err(|e| {
                            DeviceError::BadAnswer {
                                why: format!("not the protocol's JSON: {e}"),
                            }
                        })?;
                    // And the digest, which every answer carries (MQTT 3.1.1 devices have only
                    // that): it must be of exactly what was sent.
                    if received.request_sha256.as_deref() != Some(digest.as_str()) {
                        if echoed.is_some() {
                            return Err(DeviceError::BadAnswer {
                                why: "its request_sha256 is not that of the request sent".into(),
                            });
                        }
                        continue;
                    }
                    if echoed.is_none() {
                        return Err(DeviceError::BadAnswer {
                            why: "it does not echo the request's Correlation Data".into(),
                        });
                    }
                    return Ok(received);
                }
                _ => {}
            }
        }
    }

    /// A clean DISCONNECT; the answer is in hand, so a failure here changes nothing.
    fn close(mut self) {
        let _ = self.send(Packet::Disconnect(Disconnect::new(
            DisconnectReasonCode::NormalDisconnection,
        )));
    }
}

/// The answer as received (docs: README, "The protocol").
#[derive(Debug, Deserialize)]
struct Received {
    status: String,
    certificate: Option<String>,
    chain: Option<String>,
    serial: Option<String>,
    not_after: Option<String>,
    new: Option<bool>,
    renew_after: Option<String>,
    code: Option<String>,
    message: Option<String>,
    retry_after: Option<u64>,
    request_sha256: Option<String>,
}

struct Issued {
    certificate: String,
    chain: String,
    serial: String,
    not_after: String,
    renew_after: String,
    new: bool,
}

/// An `issued` answer whose certificate is for `key`, names the device, and chains (through
/// the answer's `chain`) to the CA file; a `rejected` one as its error.
fn check_answer(
    received: Received,
    key: &rcgen::KeyPair,
    options: &DeviceOptions,
    anchors: &[Vec<u8>],
) -> Result<Issued, DeviceError> {
    let bad = |why: &str| DeviceError::BadAnswer { why: why.into() };
    match received.status.as_str() {
        "rejected" => {
            return Err(DeviceError::Rejected {
                code: received.code.unwrap_or_else(|| "?".into()),
                message: received.message.unwrap_or_default(),
                retry_after: received.retry_after,
            });
        }
        "issued" => {}
        other => {
            return Err(DeviceError::BadAnswer {
                why: format!("unknown status {other:?}"),
            });
        }
    }
    let (
        Some(certificate),
        Some(chain),
        Some(serial),
        Some(not_after),
        Some(new),
        Some(renew_after),
    ) = (
        received.certificate,
        received.chain,
        received.serial,
        received.not_after,
        received.new,
        received.renew_after,
    )
    else {
        return Err(bad("an issued answer without all of its fields"));
    };
    let leaf = pem::parse(&certificate)
        .ok()
        .filter(|b| b.tag() == "CERTIFICATE")
        .ok_or_else(|| bad("its certificate is not a PEM CERTIFICATE"))?
        .into_contents();
    let (_, parsed) =
        x509_parser::parse_x509_certificate(&leaf).map_err(|e| DeviceError::BadAnswer {
            why: format!("its certificate does not parse: {e}"),
        })?;
    if parsed.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
        return Err(bad("the certificate is not for the key this request sent"));
    }
    let cn = parsed
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok());
    if cn != Some(options.id.as_str()) {
        return Err(DeviceError::BadAnswer {
            why: format!("the certificate's CN is {cn:?}, not {:?}", options.id),
        });
    }
    let intermediates: Vec<Vec<u8>> = if chain.trim().is_empty() {
        Vec::new()
    } else {
        pem::parse_many(&chain)
            .map_err(|e| DeviceError::BadAnswer {
                why: format!("its chain is not PEM: {e}"),
            })?
            .into_iter()
            .filter(|b| b.tag() == "CERTIFICATE")
            .map(pem::Pem::into_contents)
            .collect()
    };
    let mut verify = VerifyOptions::at(time::OffsetDateTime::now_utc());
    verify.purpose = Some(Purpose::Client);
    let label = PathBuf::from(format!("{}.crt", options.id));
    let verdict = crate::inspect::verify_der(&label, &leaf, anchors, &intermediates, &verify)?;
    if let Some(failure) = verdict.failure {
        return Err(DeviceError::Untrusted {
            ca_file: options.ca_file.clone(),
            why: format!("{} (depth {})", failure.reason(), failure.depth),
        });
    }
    Ok(Issued {
        certificate,
        chain,
        serial,
        not_after,
        renew_after,
        new,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_keys() {
        assert_eq!(
            decode_hex("00ff10").map(|k| k.to_vec()),
            Some(vec![0u8, 255, 16])
        );
        assert!(decode_hex("0").is_none());
        assert!(decode_hex("zz").is_none());
        assert!(decode_hex("").is_none());
    }

    #[test]
    fn the_csr_carries_the_id_and_the_key() {
        let key = KeyAlgorithm::P256.generate().expect("key");
        let pem = csr_pem(&key, "dev-1").expect("csr");
        let request = crate::pki::parse_csr(pem.as_bytes(), Path::new("x.csr")).expect("parse");
        assert_eq!(request.common_name.as_deref(), Some("dev-1"));
        assert_eq!(request.algorithm, KeyAlgorithm::P256);
    }
}
