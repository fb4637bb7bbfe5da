//! The service's Prometheus metrics, fed from the same [`ServiceEvent`]s as its log (so a
//! metric never says something the log does not), and written in the Prometheus text format
//! by `prometheus-client`.
//!
//! Every name starts with `mqauth_enroll_`; counters end in `_total`.

use super::protocol::{Ask, Rejection};
use super::service::ServiceEvent;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

/// The prefix of every metric's name.
pub const PREFIX: &str = "mqauth_enroll";

/// Answer latency buckets, in seconds: a batch signed in a millisecond up to a PKI stuck on
/// its lock for seconds.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Batch size buckets: powers of two up to the largest batch the service answers (256).
const BATCH_BUCKETS: [f64; 9] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// A request's labels: what it asked and what came of it (`issued`, `sent-again`, or the
/// rejection code).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    kind: &'static str,
    outcome: &'static str,
}

/// The metrics and the registry that writes them.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Histogram,
    batch_size: Histogram,
    issued: Counter,
    ignored: Counter,
    retired: Counter,
    connected: Gauge,
    reconnects: Counter,
    unreachable: Counter,
    /// Whether the service has been connected once: only the connections after the first are
    /// reconnects.
    was_connected: std::sync::atomic::AtomicBool,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix(PREFIX);
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests by kind (enroll, renew) and outcome (issued, sent-again, or the rejection code; rate-limited includes the ones refused without an answer)",
            requests.clone(),
        );
        let latency = Histogram::new(LATENCY_BUCKETS);
        registry.register_with_unit(
            "answer_duration",
            "Time from a request's arrival to its answer being queued",
            Unit::Seconds,
            latency.clone(),
        );
        let batch_size = Histogram::new(BATCH_BUCKETS);
        registry.register(
            "batch_size",
            "Requests answered together (one PKI lock, one transaction)",
            batch_size.clone(),
        );
        let issued = Counter::default();
        registry.register(
            "certificates_issued",
            "Certificates newly issued (not sent again)",
            issued.clone(),
        );
        let ignored = Counter::default();
        registry.register(
            "ignored_messages",
            "Messages on a subscribed topic that are not requests",
            ignored.clone(),
        );
        let retired = Counter::default();
        registry.register(
            "bootstrap_identities_retired",
            "Bootstrap identities removed from the psk_file after a first certificate",
            retired.clone(),
        );
        let connected = Gauge::default();
        registry.register(
            "broker_connected",
            "1 while connected to the broker and subscribed, 0 otherwise",
            connected.clone(),
        );
        let reconnects = Counter::default();
        registry.register(
            "broker_reconnects",
            "Connections to the broker after the first",
            reconnects.clone(),
        );
        let unreachable = Counter::default();
        registry.register(
            "broker_connection_failures",
            "Connections to the broker that failed or were lost",
            unreachable.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            batch_size,
            issued,
            ignored,
            retired,
            connected,
            reconnects,
            unreachable,
            was_connected: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Counts what `event` says happened.
    pub fn observe(&self, event: &ServiceEvent<'_>) {
        match event {
            ServiceEvent::Connected { .. } => {
                self.connected.set(1);
                if self
                    .was_connected
                    .swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    self.reconnects.inc();
                }
            }
            ServiceEvent::Unreachable { .. } => {
                self.connected.set(0);
                self.unreachable.inc();
            }
            ServiceEvent::Stopping { .. } => {
                self.connected.set(0);
            }
            ServiceEvent::Answered {
                ask,
                outcome,
                elapsed,
                ..
            } => {
                let result = match outcome.answer.code() {
                    Some(code) => code,
                    None if outcome.is_new() => "issued",
                    None => "sent-again",
                };
                if outcome.is_new() {
                    self.issued.inc();
                }
                self.request(*ask, result);
                self.latency.observe(elapsed.as_secs_f64());
            }
            ServiceEvent::Quiet { ask, .. } => {
                self.request(*ask, Rejection::RateLimited.code());
            }
            ServiceEvent::Batch { size } => {
                // A batch is at most a few hundred requests: exact as a float.
                self.batch_size.observe(*size as f64);
            }
            ServiceEvent::Ignored { .. } => {
                self.ignored.inc();
            }
            ServiceEvent::Retired { devices, .. } => {
                self.retired.inc_by(devices.len() as u64);
            }
            // Already counted one by one as `Quiet`.
            ServiceEvent::RateLimited { .. } => {}
            // Said in the log; the CRL's own next update is what to alert on.
            ServiceEvent::CrlRefreshed { .. } | ServiceEvent::CrlRefreshFailed { .. } => {}
        }
    }

    fn request(&self, ask: Ask, outcome: &'static str) {
        let kind = match ask {
            Ask::Enroll => "enroll",
            Ask::Renew => "renew",
        };
        self.requests
            .get_or_create(&RequestLabels { kind, outcome })
            .inc();
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enroll::Outcome;
    use std::time::Duration;

    #[test]
    fn events_become_counts() {
        let m = Metrics::new();
        m.observe(&ServiceEvent::Connected { broker: "b" });
        m.observe(&ServiceEvent::Batch { size: 3 });
        let rejected = Outcome::rejected(Rejection::UnknownDevice, "no");
        m.observe(&ServiceEvent::Answered {
            device: "d1",
            ask: Ask::Enroll,
            outcome: &rejected,
            elapsed: Duration::from_millis(3),
        });
        m.observe(&ServiceEvent::Quiet {
            device: "d1",
            ask: Ask::Renew,
        });
        m.observe(&ServiceEvent::Unreachable {
            broker: "b",
            error: "gone".into(),
            retry_in: Duration::from_secs(1),
        });
        m.observe(&ServiceEvent::Connected { broker: "b" });
        let text = m.encode().expect("encode");
        for line in [
            "mqauth_enroll_requests_total{kind=\"enroll\",outcome=\"unknown-device\"} 1",
            "mqauth_enroll_requests_total{kind=\"renew\",outcome=\"rate-limited\"} 1",
            "mqauth_enroll_answer_duration_seconds_bucket{le=\"0.005\"} 1",
            "mqauth_enroll_answer_duration_seconds_count 1",
            "mqauth_enroll_batch_size_bucket{le=\"4\"} 1",
            "mqauth_enroll_certificates_issued_total 0",
            "mqauth_enroll_broker_connected 1",
            "mqauth_enroll_broker_reconnects_total 1",
            "mqauth_enroll_broker_connection_failures_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }
}
