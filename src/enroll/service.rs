//! `enroll serve`: the long-running MQTT client that answers enrollment requests.
//!
//! One connection to the fleet's broker over mutual TLS with a persistent session and QoS 1, so
//! requests published while the service was down are delivered when it comes back. Requests are
//! acknowledged only after their answer is queued: a service killed mid-batch gets the
//! unanswered ones again from the broker, and answers them idempotently (the same key gets the
//! same certificate). Requests that arrive together are answered together: one PKI lock and
//! one database transaction per batch.

use super::answer::{Outcome, Request, answer_batch};
use super::error::EnrollError;
use super::policy::{Policy, RateLimit};
use super::protocol::{self, Answer, Ask, Rejection};
use crate::pki::Passphrase;
use rumqttc::{AsyncClient, Event as MqttEvent, MqttOptions, Outgoing, Packet, Publish, QoS};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_rustls::rustls;

/// Everything `serve` needs, read and checked by the caller.
pub struct ServiceConfig {
    pub host: String,
    pub port: u16,
    pub client_id: String,
    /// Trust anchors for the broker's certificate (PEM).
    pub broker_ca_pem: Vec<u8>,
    /// The service's own certificate (and chain) and key (PEM).
    pub cert_pem: Vec<u8>,
    pub key_pem: zeroize::Zeroizing<Vec<u8>>,
    pub pki_dir: PathBuf,
    pub passphrase: Option<Passphrase>,
    pub prefix: String,
    pub policy: Policy,
    /// Requests per device per minute.
    pub rate_per_minute: usize,
    /// Most requests answered in one batch.
    pub batch_max: usize,
    /// `bootstrap: once`: the psk_files whose identity a device loses with its first
    /// certificate, so that a factory PSK that leaks later enrolls nothing (a fleet's store and
    /// every broker's copy of it).
    pub retire_bootstrap: Vec<PathBuf>,
    /// Locked while identities are removed: the fleet directory, which `fleet apply` also
    /// writes.
    pub retire_lock: Option<PathBuf>,
    /// Run (by `sh -c`) after identities were removed, so the broker reloads its psk_file.
    pub reload_command: Option<String>,
}

/// What the service reports as it runs; the caller turns these into log lines.
#[derive(Debug)]
pub enum ServiceEvent<'a> {
    Connected {
        broker: &'a str,
    },
    Unreachable {
        broker: &'a str,
        error: String,
        retry_in: Duration,
    },
    Answered {
        device: &'a str,
        ask: Ask,
        outcome: &'a Outcome,
        elapsed: Duration,
    },
    Ignored {
        topic: &'a str,
    },
    /// Bootstrap identities removed from the psk_file after their first certificate.
    Retired {
        devices: &'a [String],
        error: Option<String>,
    },
    Stopping {
        signal: &'static str,
    },
}

/// The largest MQTT packet the service accepts from the broker.
pub const MAX_INCOMING_PACKET: usize = 1024 * 1024;

pub type Log = Arc<dyn Fn(ServiceEvent<'_>) + Send + Sync>;

fn tls_config(config: &ServiceConfig) -> Result<rustls::ClientConfig, EnrollError> {
    let certs = |pem_bytes: &[u8], what: &'static str| -> Result<Vec<_>, EnrollError> {
        let text = std::str::from_utf8(pem_bytes).map_err(|_| EnrollError::Tls {
            what,
            why: "not PEM text".into(),
        })?;
        let blocks = pem::parse_many(text).map_err(|e| EnrollError::Tls {
            what,
            why: e.to_string(),
        })?;
        let ders: Vec<_> = blocks
            .into_iter()
            .filter(|b| b.tag() == "CERTIFICATE")
            .map(|b| rustls::pki_types::CertificateDer::from(b.into_contents()))
            .collect();
        if ders.is_empty() {
            return Err(EnrollError::Tls {
                what,
                why: "no CERTIFICATE block".into(),
            });
        }
        Ok(ders)
    };
    let mut roots = rustls::RootCertStore::empty();
    for der in certs(&config.broker_ca_pem, "--cafile")? {
        roots.add(der).map_err(|e| EnrollError::Tls {
            what: "--cafile",
            why: e.to_string(),
        })?;
    }
    let chain = certs(&config.cert_pem, "--cert")?;
    let key_text = std::str::from_utf8(&config.key_pem).map_err(|_| EnrollError::Tls {
        what: "--key",
        why: "not PEM text".into(),
    })?;
    let key_block = pem::parse(key_text).map_err(|e| EnrollError::Tls {
        what: "--key",
        why: e.to_string(),
    })?;
    if key_block.tag() != "PRIVATE KEY" {
        return Err(EnrollError::Tls {
            what: "--key",
            why: format!(
                "expected an unencrypted PKCS#8 PRIVATE KEY, found {}",
                key_block.tag()
            ),
        });
    }
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_block.into_contents().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_root_certificates(roots)
                .with_client_auth_cert(chain, key)
        })
        .map_err(|e| EnrollError::Tls {
            what: "--cert/--key",
            why: e.to_string(),
        })
}

/// Runs until SIGTERM or SIGINT: finishes the batch in hand, then disconnects.
pub fn serve(config: ServiceConfig, log: Log) -> Result<(), EnrollError> {
    let tls = tls_config(&config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(EnrollError::Runtime)?;
    runtime.block_on(run(config, tls, log))
}

async fn run(
    config: ServiceConfig,
    tls: rustls::ClientConfig,
    log: Log,
) -> Result<(), EnrollError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut opts = MqttOptions::new(config.client_id.clone(), config.host.clone(), config.port);
    opts.set_clean_session(false)
        .set_manual_acks(true)
        .set_keep_alive(Duration::from_secs(30))
        // Requests over 16 KiB are answered too-large; a packet over this limit would make the
        // client drop the connection, and the broker would deliver it again: the broker's
        // max_packet_size must be below it (README).
        .set_max_packet_size(MAX_INCOMING_PACKET, 64 * 1024)
        .set_transport(rumqttc::Transport::tls_with_config(
            rumqttc::TlsConfiguration::Rustls(Arc::new(tls)),
        ));
    let (client, mut eventloop) = AsyncClient::new(opts, 10_000);
    let (tx, mut rx) = mpsc::unbounded_channel::<Publish>();
    let broker = format!("{}:{}", config.host, config.port);

    let loop_client = client.clone();
    let loop_log = log.clone();
    let filters = protocol::request_filters(&config.prefix);
    let loop_broker = broker.clone();
    let network = tokio::spawn(async move {
        let mut backoff = Duration::from_secs(1);
        loop {
            match eventloop.poll().await {
                Ok(MqttEvent::Incoming(Packet::ConnAck(_))) => {
                    backoff = Duration::from_secs(1);
                    // The session keeps them, but a first run (or a broker that lost its
                    // persistence) needs them asked for.
                    let wanted = filters
                        .iter()
                        .map(|f| rumqttc::SubscribeFilter::new(f.clone(), QoS::AtLeastOnce));
                    let _ = loop_client.subscribe_many(wanted).await;
                }
                // Only once the broker holds the subscription does a request published from
                // now on reach the service, even if it dies at once.
                Ok(MqttEvent::Incoming(Packet::SubAck(_))) => {
                    loop_log(ServiceEvent::Connected {
                        broker: &loop_broker,
                    });
                }
                Ok(MqttEvent::Incoming(Packet::Publish(p))) => {
                    if tx.send(p).is_err() {
                        break;
                    }
                }
                Ok(MqttEvent::Outgoing(Outgoing::Disconnect)) => break,
                Ok(_) => {}
                Err(e) => {
                    loop_log(ServiceEvent::Unreachable {
                        broker: &loop_broker,
                        error: e.to_string(),
                        retry_in: backoff,
                    });
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
            }
        }
    });

    let mut sigterm = signal(SignalKind::terminate()).map_err(EnrollError::Runtime)?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(EnrollError::Runtime)?;
    let shared = Arc::new(Shared {
        pki_dir: config.pki_dir.clone(),
        passphrase: config.passphrase,
        policy: config.policy.clone(),
        retire_bootstrap: config.retire_bootstrap.clone(),
        retire_lock: config.retire_lock.clone(),
        reload_command: config.reload_command.clone(),
    });
    let mut limit = RateLimit::new(config.rate_per_minute, Duration::from_secs(60));
    let mut held_back: Vec<(Publish, Instant)> = Vec::new();
    let signal_name = loop {
        if held_back.is_empty() {
            tokio::select! {
                _ = sigterm.recv() => break "SIGTERM",
                _ = sigint.recv() => break "SIGINT",
                first = rx.recv() => match first {
                    Some(p) => held_back.push((p, Instant::now())),
                    None => break "disconnect",
                },
            }
        }
        while held_back.len() < config.batch_max {
            match rx.try_recv() {
                Ok(p) => held_back.push((p, Instant::now())),
                Err(_) => break,
            }
        }
        // Each device once per batch; its later requests wait for the next one.
        let mut batch = Vec::new();
        let mut later = Vec::new();
        let mut devices = std::collections::HashSet::new();
        for (p, at) in held_back.drain(..) {
            let first_of_device = protocol::parse_topic(&config.prefix, &p.topic)
                .is_none_or(|(d, _)| devices.insert(d.to_string()));
            if first_of_device {
                batch.push((p, at));
            } else {
                later.push((p, at));
            }
        }
        held_back = later;
        answer(&client, &config.prefix, &shared, &mut limit, batch, &log).await;
    };
    log(ServiceEvent::Stopping {
        signal: signal_name,
    });
    let _ = client.disconnect().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), network).await;
    Ok(())
}

struct Shared {
    pki_dir: PathBuf,
    passphrase: Option<Passphrase>,
    policy: Policy,
    retire_bootstrap: Vec<PathBuf>,
    retire_lock: Option<PathBuf>,
    reload_command: Option<String>,
}

/// Removes the bootstrap identities of `devices` that are still in `psk_file` (a device whose
/// answer is sent again may have lost its identity already), then runs the reload command.
/// Done before the answers go out: a crash in between sends the answer again, and this again.
fn retire(
    psk_files: &[PathBuf],
    lock: Option<&std::path::Path>,
    reload: Option<&str>,
    devices: &[String],
) -> Result<Vec<String>, String> {
    let _lock = lock
        .map(crate::lock::lock_dir)
        .transpose()
        .map_err(|e| e.to_string())?;
    let mut gone: Vec<String> = Vec::new();
    for psk_file in psk_files.iter().filter(|f| f.exists()) {
        let present: std::collections::HashSet<String> = crate::psk::PskFile::open(psk_file)
            .map_err(|e| e.to_string())?
            .identities()
            .map(str::to_string)
            .collect();
        let here: Vec<String> = devices
            .iter()
            .filter(|d| present.contains(*d))
            .cloned()
            .collect();
        if !here.is_empty() {
            crate::psk::revoke(psk_file, &here).map_err(|e| e.to_string())?;
        }
        gone.extend(here);
    }
    gone.sort();
    gone.dedup();
    if gone.is_empty() {
        return Ok(gone);
    }
    if let Some(command) = reload {
        let status = std::process::Command::new("sh")
            .args(["-c", command])
            .stdin(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("reload command: {e}"))?;
        if !status.success() {
            return Err(format!("reload command exited with {status}"));
        }
    }
    Ok(gone)
}

async fn answer(
    client: &AsyncClient,
    prefix: &str,
    shared: &Arc<Shared>,
    limit: &mut RateLimit,
    batch: Vec<(Publish, Instant)>,
    log: &Log,
) {
    let mut requests = Vec::new();
    let mut sources = Vec::new();
    let mut answered: Vec<(Publish, Instant, String, Ask, Outcome)> = Vec::new();
    for (p, at) in batch {
        let Some((device, ask)) = protocol::parse_topic(prefix, &p.topic) else {
            log(ServiceEvent::Ignored { topic: &p.topic });
            let _ = client.ack(&p).await;
            continue;
        };
        let device = device.to_string();
        if !limit.allow(&device, Instant::now()) {
            let outcome = Outcome {
                answer: Answer::rejected(
                    Rejection::RateLimited,
                    "too many requests; wait a minute",
                ),
                serial: None,
                issued: false,
            };
            answered.push((p, at, device, ask, outcome));
            continue;
        }
        requests.push(Request {
            device: device.clone(),
            ask,
            payload: p.payload.to_vec(),
        });
        sources.push((p, at, device, ask));
    }
    if !requests.is_empty() {
        let work = shared.clone();
        let outcomes = tokio::task::spawn_blocking(move || {
            answer_batch(
                &work.pki_dir,
                work.passphrase.as_ref(),
                &work.policy,
                &requests,
            )
        })
        .await
        .unwrap_or_default();
        for ((p, at, device, ask), outcome) in sources.into_iter().zip(outcomes) {
            answered.push((p, at, device, ask, outcome));
        }
    }
    if !shared.retire_bootstrap.is_empty() {
        let enrolled: Vec<String> = answered
            .iter()
            .filter(|(_, _, _, ask, o)| {
                *ask == Ask::Enroll && matches!(o.answer, Answer::Issued { .. })
            })
            .map(|(_, _, device, _, _)| device.clone())
            .collect();
        if !enrolled.is_empty() {
            let work = shared.clone();
            let result = tokio::task::spawn_blocking(move || {
                retire(
                    &work.retire_bootstrap,
                    work.retire_lock.as_deref(),
                    work.reload_command.as_deref(),
                    &enrolled,
                )
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            match result {
                Ok(gone) if gone.is_empty() => {}
                Ok(gone) => log(ServiceEvent::Retired {
                    devices: &gone,
                    error: None,
                }),
                Err(error) => log(ServiceEvent::Retired {
                    devices: &[],
                    error: Some(error),
                }),
            }
        }
    }
    for (p, at, device, ask, outcome) in answered {
        let topic = protocol::result_topic(prefix, &device);
        // Queued before the acknowledgement: if the service dies between the two, the broker
        // sends the request again and the answer is sent again.
        let _ = client
            .publish(topic, QoS::AtLeastOnce, false, outcome.answer.to_json())
            .await;
        let _ = client.ack(&p).await;
        log(ServiceEvent::Answered {
            device: &device,
            ask,
            outcome: &outcome,
            elapsed: at.elapsed(),
        });
    }
}
