//! `enroll serve`: the long-running MQTT client that answers enrollment requests.
//!
//! One connection to the fleet's broker over mutual TLS with a persistent session and QoS 1, so
//! requests published while the service was down are delivered when it comes back. Requests are
//! acknowledged only after their answer is queued: a service killed mid-batch gets the
//! unanswered ones again from the broker, and answers them idempotently (the same key gets the
//! same certificate). Requests that arrive together are answered together: one PKI lock and
//! one database transaction per batch.
//!
//! The shape is rumqttd's router: the state in [`Service`], one loop waiting for the next
//! [`Event`], a `handle_*` method per event, the network behind [`Link`].

use super::answer::{Outcome, Request, answer_batch};
use super::error::EnrollError;
use super::link::{Link, LinkEvent, LinkOptions, Publish};
use super::monitor::Monitor;
use super::policy::{Policy, RATE_WINDOW, RateLimit, RateVerdict};
use super::protocol::{self, Answer, Ask, Rejection};
use super::retire::retire;
use super::settings::{BootstrapRetirement, ServiceSettings};
use crate::pki::Passphrase;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::signal::unix::{Signal, SignalKind, signal};

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
    /// A batch of `size` requests is about to be answered.
    Batch {
        size: usize,
    },
    /// A request refused for its rate without an answer (the device was answered
    /// `rate-limited` once in this window already). No log line: see `RateLimited`.
    Quiet {
        device: &'a str,
        ask: Ask,
    },
    /// How many requests of `device` were refused quietly in the last minute.
    RateLimited {
        device: &'a str,
        count: u64,
    },
    /// Bootstrap identities removed from the psk_file after their first certificate.
    Retired {
        devices: &'a [String],
        error: Option<String>,
    },
    Stopping {
        signal: &'static str,
    },
    /// The CRL was close to its next update and was signed again.
    CrlRefreshed {
        number: u64,
        next_update: time::OffsetDateTime,
    },
    /// The CRL is due but could not be signed (the PKI is busy or damaged): tried again at the
    /// next check.
    CrlRefreshFailed {
        error: String,
    },
}

pub type Log = Arc<dyn Fn(ServiceEvent<'_>) + Send + Sync>;

/// Runs until SIGTERM or SIGINT: finishes the batch in hand, then disconnects. The PKI and the
/// TLS files are checked before anything connects. With a `monitor`, every event is counted
/// before it is logged, and `/metrics` and `/healthz` are served in the service's runtime.
pub fn serve(
    settings: ServiceSettings,
    passphrase: Option<Passphrase>,
    log: Log,
    monitor: Option<Monitor>,
) -> Result<(), EnrollError> {
    // The PKI must be there and usable (an interrupted run finished, an index.json migrated)
    // before the service says it runs; it is opened again for each batch.
    drop(crate::pki::Pki::open(&settings.pki_dir)?);
    let tls = super::tls::client_config(&settings.tls)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(EnrollError::Runtime)?;
    let log = match &monitor {
        Some(monitor) => monitor.observing(log),
        None => log,
    };
    runtime.block_on(async move {
        if let Some(monitor) = monitor {
            monitor.spawn(settings.pki_dir.clone())?;
        }
        let client_id = settings.client_id.clone();
        let service = Service::start(settings, passphrase, tls, log)?;
        match service.run().await {
            Stop::Signal | Stop::Disconnected => Ok(()),
            Stop::TakenOver => Err(EnrollError::TakenOver { client_id }),
        }
    })
}

/// How often, in minute ticks, the service looks at the CRL.
const CRL_CHECK_TICKS: u32 = 60;

/// How close to its next update the CRL is signed again: well within its 7-day lifetime, so
/// that a service down for a day or two still finds it current when it comes back.
const CRL_REFRESH_BEFORE: time::Duration = time::Duration::days(3);

/// What answering a batch needs, shared with the blocking task that does it.
struct Signer {
    pki_dir: PathBuf,
    passphrase: Option<Passphrase>,
    policy: Policy,
    retirement: Option<BootstrapRetirement>,
}

/// What the loop waits for.
enum Event {
    Stop(&'static str),
    Link(LinkEvent),
    LinkClosed,
    /// Once a minute: the rate-limit summary.
    Tick,
}

/// Why the loop ended.
enum Stop {
    Signal,
    Disconnected,
    TakenOver,
}

/// A message off the broker and when it arrived (for the answer's latency).
struct Arrived {
    message: Box<Publish>,
    at: Instant,
}

impl Arrived {
    /// The topic as text; a topic that is not UTF-8 is nobody's request.
    fn topic(&self) -> &str {
        std::str::from_utf8(&self.message.topic).unwrap_or("")
    }
}

/// A request of the batch and, once decided, its outcome.
struct Handled {
    arrived: Arrived,
    device: String,
    ask: Ask,
    outcome: Outcome,
}

/// What becomes of a message before the PKI is asked.
#[derive(Debug, PartialEq, Eq)]
enum Triage {
    /// Not a request topic of the protocol: acknowledged and logged, never answered.
    Ignore,
    /// Over the device's rate: answered `rate-limited` without asking the PKI.
    RateLimited {
        device: String,
        ask: Ask,
    },
    /// Over the device's rate again in the same window: acknowledged, counted, not answered.
    Quiet {
        device: String,
        ask: Ask,
    },
    Sign {
        device: String,
        ask: Ask,
    },
}

fn triage(prefix: &str, limit: &mut RateLimit, topic: &str, at: Instant) -> Triage {
    let Some((device, ask)) = protocol::parse_topic(prefix, topic) else {
        return Triage::Ignore;
    };
    let device = device.to_string();
    match limit.check(&device, at) {
        RateVerdict::Allow => Triage::Sign { device, ask },
        RateVerdict::Refuse => Triage::RateLimited { device, ask },
        RateVerdict::RefuseQuietly => Triage::Quiet { device, ask },
    }
}

struct Service {
    prefix: String,
    broker: String,
    batch_max: usize,
    signer: Arc<Signer>,
    limit: RateLimit,
    link: Link,
    log: Log,
    sigterm: Signal,
    sigint: Signal,
    minute: tokio::time::Interval,
    /// Minute ticks until the next CRL check.
    ticks_to_crl_check: u32,
}

impl Service {
    fn start(
        settings: ServiceSettings,
        passphrase: Option<Passphrase>,
        tls: tokio_rustls::rustls::ClientConfig,
        log: Log,
    ) -> Result<Service, EnrollError> {
        let sigterm = signal(SignalKind::terminate()).map_err(EnrollError::Runtime)?;
        let sigint = signal(SignalKind::interrupt()).map_err(EnrollError::Runtime)?;
        let link = Link::open(LinkOptions {
            host: &settings.broker.host,
            port: settings.broker.port,
            client_id: &settings.client_id,
            share_group: settings.share_group.as_deref(),
            prefix: &settings.prefix,
            tls,
        });
        Ok(Service {
            broker: settings.broker.to_string(),
            batch_max: settings.batch_max.max(1),
            limit: RateLimit::new(
                usize::from(settings.rate_per_minute),
                Duration::from_secs(60),
            ),
            signer: Arc::new(Signer {
                pki_dir: settings.pki_dir,
                passphrase,
                policy: settings.policy,
                retirement: settings.retirement,
            }),
            prefix: settings.prefix,
            link,
            log,
            sigterm,
            sigint,
            minute: tokio::time::interval_at(
                tokio::time::Instant::now() + RATE_WINDOW,
                RATE_WINDOW,
            ),
            ticks_to_crl_check: 1,
        })
    }

    async fn run(mut self) -> Stop {
        self.keep_crl_fresh().await;
        let (signal, stop) = loop {
            match self.next_event().await {
                Event::Stop(signal) => break (signal, Stop::Signal),
                Event::LinkClosed => break ("disconnect", Stop::Disconnected),
                Event::Link(LinkEvent::TakenOver) => break ("session taken over", Stop::TakenOver),
                Event::Link(LinkEvent::Message(first)) => {
                    let batch = self.gather(first);
                    self.handle_batch(batch).await;
                }
                Event::Link(status) => self.handle_status(status),
                Event::Tick => {
                    self.handle_tick();
                    self.keep_crl_fresh().await;
                }
            }
        };
        self.handle_tick();
        (self.log)(ServiceEvent::Stopping { signal });
        self.link.close().await;
        stop
    }

    /// Signals are looked at between batches: the batch in hand is always finished.
    async fn next_event(&mut self) -> Event {
        tokio::select! {
            _ = self.sigterm.recv() => Event::Stop("SIGTERM"),
            _ = self.sigint.recv() => Event::Stop("SIGINT"),
            _ = self.minute.tick() => Event::Tick,
            event = self.link.next() => match event {
                Some(event) => Event::Link(event),
                None => Event::LinkClosed,
            },
        }
    }

    /// `first` and the messages already waiting behind it, up to the batch size; connection
    /// news met on the way is handled in order.
    fn gather(&mut self, first: Box<Publish>) -> Vec<Arrived> {
        let mut batch = vec![Arrived {
            message: first,
            at: Instant::now(),
        }];
        while batch.len() < self.batch_max {
            match self.link.try_next() {
                Some(LinkEvent::Message(message)) => batch.push(Arrived {
                    message,
                    at: Instant::now(),
                }),
                Some(status) => self.handle_status(status),
                None => break,
            }
        }
        batch
    }

    fn handle_status(&mut self, event: LinkEvent) {
        match event {
            LinkEvent::Subscribed => (self.log)(ServiceEvent::Connected {
                broker: &self.broker,
            }),
            LinkEvent::Unreachable { error, retry_in } => (self.log)(ServiceEvent::Unreachable {
                broker: &self.broker,
                error,
                retry_in,
            }),
            // Handled by the loop, which stops.
            LinkEvent::TakenOver => {}
            // Messages are gathered into batches, never handled here.
            LinkEvent::Message(message) => (self.log)(ServiceEvent::Ignored {
                topic: &String::from_utf8_lossy(&message.topic),
            }),
        }
    }

    /// Once an hour (the first minute included): signs the CRL again when it is within
    /// [`CRL_REFRESH_BEFORE`] of its next update, so that brokers checking it never find it
    /// expired while the service runs. Brokers still need a reload to read the new one.
    async fn keep_crl_fresh(&mut self) {
        self.ticks_to_crl_check = self.ticks_to_crl_check.saturating_sub(1);
        if self.ticks_to_crl_check > 0 {
            return;
        }
        self.ticks_to_crl_check = CRL_CHECK_TICKS;
        let signer = self.signer.clone();
        let refreshed = tokio::task::spawn_blocking(move || {
            crate::pki::refresh_crl(
                &signer.pki_dir,
                signer.passphrase.as_ref(),
                CRL_REFRESH_BEFORE,
                crate::pki::DEFAULT_CRL_LIFETIME,
            )
            .map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_else(|e| Err(format!("the CRL check failed: {e}")));
        match refreshed {
            Ok(crate::pki::CrlRefresh::Current { .. }) => {}
            Ok(crate::pki::CrlRefresh::Signed(info)) => (self.log)(ServiceEvent::CrlRefreshed {
                number: info.number,
                next_update: info.next_update,
            }),
            Err(error) => (self.log)(ServiceEvent::CrlRefreshFailed { error }),
        }
    }

    /// The devices refused quietly in the last minute: one line each.
    fn handle_tick(&mut self) {
        for (device, count) in self.limit.take_quiet() {
            (self.log)(ServiceEvent::RateLimited {
                device: &device,
                count,
            });
        }
    }

    async fn handle_batch(&mut self, batch: Vec<Arrived>) {
        let mut handled = Vec::with_capacity(batch.len());
        let mut to_sign = Vec::new();
        for arrived in batch {
            match triage(&self.prefix, &mut self.limit, arrived.topic(), arrived.at) {
                Triage::Ignore => {
                    (self.log)(ServiceEvent::Ignored {
                        topic: &String::from_utf8_lossy(&arrived.message.topic),
                    });
                    self.link.acknowledge(&arrived.message).await;
                }
                Triage::Quiet { device, ask } => {
                    (self.log)(ServiceEvent::Quiet {
                        device: &device,
                        ask,
                    });
                    self.link.acknowledge(&arrived.message).await;
                }
                Triage::Sign { device, ask } => to_sign.push((arrived, device, ask)),
                Triage::RateLimited { device, ask } => handled.push(Handled {
                    arrived,
                    device,
                    ask,
                    outcome: Outcome::rejected(
                        Rejection::RateLimited,
                        "too many requests; wait a minute",
                    ),
                }),
            }
        }
        handled.extend(self.sign(to_sign).await);
        self.retire_enrolled(&handled).await;
        for done in handled {
            self.handle_answer(done).await;
        }
    }

    /// Answers the requests with the PKI, off the async thread. A batch that fails as a whole
    /// (its task panicked) is answered `internal-error`, request by request.
    async fn sign(&self, to_sign: Vec<(Arrived, String, Ask)>) -> Vec<Handled> {
        if to_sign.is_empty() {
            return Vec::new();
        }
        (self.log)(ServiceEvent::Batch {
            size: to_sign.len(),
        });
        let requests: Vec<Request> = to_sign
            .iter()
            .map(|(arrived, device, ask)| Request {
                device: device.clone(),
                ask: *ask,
                payload: arrived.message.payload.to_vec(),
            })
            .collect();
        let signer = self.signer.clone();
        let outcomes = tokio::task::spawn_blocking(move || {
            answer_batch(
                &signer.pki_dir,
                signer.passphrase.as_ref(),
                &signer.policy,
                &requests,
            )
        })
        .await;
        let outcomes: Vec<Outcome> = match outcomes {
            Ok(outcomes) => outcomes,
            Err(e) => {
                let failed = Outcome::internal(format!("the batch failed: {e}"));
                vec![failed; to_sign.len()]
            }
        };
        to_sign
            .into_iter()
            .zip(outcomes)
            .map(|((arrived, device, ask), outcome)| Handled {
                arrived,
                device,
                ask,
                outcome,
            })
            .collect()
    }

    /// `bootstrap: once`: the devices that just enrolled lose their factory identity before
    /// their answers go out.
    async fn retire_enrolled(&self, handled: &[Handled]) {
        if self.signer.retirement.is_none() {
            return;
        }
        let enrolled: Vec<String> = handled
            .iter()
            .filter(|h| h.ask == Ask::Enroll && h.outcome.answer.is_issued())
            .map(|h| h.device.clone())
            .collect();
        if enrolled.is_empty() {
            return;
        }
        let signer = self.signer.clone();
        let result = tokio::task::spawn_blocking(move || match &signer.retirement {
            Some(retirement) => retire(retirement, &enrolled).map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        })
        .await
        .unwrap_or_else(|e| Err(format!("the removal failed: {e}")));
        match result {
            Ok(gone) if gone.is_empty() => {}
            Ok(gone) => (self.log)(ServiceEvent::Retired {
                devices: &gone,
                error: None,
            }),
            Err(error) => (self.log)(ServiceEvent::Retired {
                devices: &[],
                error: Some(error),
            }),
        }
    }

    async fn handle_answer(&self, mut done: Handled) {
        let answer: Answer = done
            .outcome
            .answer
            .clone()
            .to_request(&done.arrived.message.payload);
        let payload = match answer.to_json() {
            Ok(payload) => payload,
            Err(e) => {
                done.outcome = Outcome::internal(format!("the answer cannot be written: {e}"));
                done.outcome.answer.to_json().unwrap_or_else(|_| {
                    br#"{"status":"rejected","code":"internal-error","message":"try again later"}"#
                        .to_vec()
                })
            }
        };
        let topic = protocol::result_topic(&self.prefix, &done.device);
        self.link
            .answer(&done.arrived.message, topic, payload)
            .await;
        (self.log)(ServiceEvent::Answered {
            device: &done.device,
            ask: done.ask,
            outcome: &done.outcome,
            elapsed: done.arrived.at.elapsed(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triage_ignores_what_is_not_a_request_and_limits_each_device() {
        let mut limit = RateLimit::new(2, Duration::from_secs(60));
        let now = Instant::now();
        let mut t = |topic: &str| triage("p", &mut limit, topic, now);
        assert_eq!(t("p/d1/result"), Triage::Ignore);
        assert_eq!(t("other/d1/csr"), Triage::Ignore);
        let sign = |d: &str, ask| Triage::Sign {
            device: d.into(),
            ask,
        };
        assert_eq!(t("p/d1/csr"), sign("d1", Ask::Enroll));
        assert_eq!(t("p/d1/renew"), sign("d1", Ask::Renew));
        assert_eq!(
            t("p/d1/csr"),
            Triage::RateLimited {
                device: "d1".into(),
                ask: Ask::Enroll
            }
        );
        assert_eq!(t("p/d2/csr"), sign("d2", Ask::Enroll));
    }
}
