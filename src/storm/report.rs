//! What a storm found: counts, the reasons of failures, latency percentiles, the sustained
//! connection rate and the broker's CPU time. Serialised as is for `--json`.

use super::latency::Latency;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// How a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// No TCP connection (refused, unreachable, out of file descriptors).
    Connect,
    /// The broker ended the TLS handshake with an alert (a revoked certificate, a wrong PSK).
    TlsAlert,
    /// The TLS handshake failed otherwise (the broker's certificate, a closed connection).
    Handshake,
    /// The broker answered CONNECT with an error code.
    Connack,
    /// A step took longer than the client's timeout, or the storm's duration ran out.
    Timeout,
    /// The broker closed the connection or sent something unexpected after the handshake.
    Connection,
    /// The device's own files could not be used.
    Credentials,
}

impl FailureKind {
    pub fn id(self) -> &'static str {
        match self {
            FailureKind::Connect => "connect",
            FailureKind::TlsAlert => "TLS alert",
            FailureKind::Handshake => "TLS handshake",
            FailureKind::Connack => "CONNACK",
            FailureKind::Timeout => "timeout",
            FailureKind::Connection => "connection",
            FailureKind::Credentials => "credentials",
        }
    }
}

/// One failure reason and how many connections ended with it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Failure {
    pub kind: FailureKind,
    /// The alert, the code, the step that timed out: the same for every client it hits.
    pub detail: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.id(), self.detail)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FailureCount {
    #[serde(flatten)]
    pub failure: Failure,
    pub count: usize,
    /// Some of the devices it hit, to look up.
    pub examples: Vec<String>,
}

/// The messages published, one per connected client.
#[derive(Debug, Clone, Serialize)]
pub struct PublishReport {
    pub topic: String,
    pub attempted: usize,
    /// Acknowledged with success (PUBACK reason code 0).
    pub acknowledged: usize,
    /// Reason → count: PUBACK reason codes and failures before one came.
    pub failed: BTreeMap<String, usize>,
}

/// The broker's CPU time (user + system) over the storm.
#[derive(Debug, Clone, Serialize)]
pub struct BrokerCpu {
    pub pid: u32,
    pub seconds: f64,
    /// Per 1,000 connections attempted (failed handshakes cost the broker too).
    pub per_1000_connections: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StormReport {
    /// What connected: "certificate", "psk", or both; a comparison's kind.
    pub kind: String,
    pub broker: String,
    pub clients: usize,
    /// Clients started (the rest were cut off by the duration).
    pub attempted: usize,
    /// Clients the broker accepted (CONNACK success).
    pub succeeded: usize,
    pub failed: usize,
    pub not_started: usize,
    pub failures: Vec<FailureCount>,
    /// TCP connect to the end of the TLS handshake.
    pub handshake_ms: Option<Latency>,
    /// CONNECT sent to CONNACK received.
    pub connack_ms: Option<Latency>,
    pub publish: Option<PublishReport>,
    /// From the first client's start to the last client's end.
    pub elapsed_s: f64,
    /// Accepted connections per second over `elapsed_s`.
    pub connections_per_s: f64,
    /// Whether the duration ran out before every client had finished.
    pub stopped_by_duration: bool,
    pub broker_cpu: Option<BrokerCpu>,
}

/// One client's result.
pub(crate) struct Outcome {
    pub id: String,
    pub handshake: Option<Duration>,
    pub connack: Option<Duration>,
    pub failure: Option<Failure>,
    /// Set when the client published: None for success, else the reason.
    pub published: Option<Result<(), String>>,
    pub cut_off: bool,
}

/// How many example devices a failure keeps.
const EXAMPLES: usize = 3;

pub(crate) struct Tally {
    handshakes: Vec<Duration>,
    connacks: Vec<Duration>,
    failures: BTreeMap<Failure, (usize, Vec<String>)>,
    succeeded: usize,
    finished: usize,
    published: usize,
    publish_attempted: usize,
    publish_failed: BTreeMap<String, usize>,
    cut_off: bool,
}

impl Tally {
    pub fn new() -> Self {
        Tally {
            handshakes: Vec::new(),
            connacks: Vec::new(),
            failures: BTreeMap::new(),
            succeeded: 0,
            finished: 0,
            published: 0,
            publish_attempted: 0,
            publish_failed: BTreeMap::new(),
            cut_off: false,
        }
    }

    pub fn add(&mut self, outcome: Outcome) {
        self.finished += 1;
        self.cut_off |= outcome.cut_off;
        if let Some(d) = outcome.handshake {
            self.handshakes.push(d);
        }
        if let Some(d) = outcome.connack {
            self.connacks.push(d);
        }
        match outcome.failure {
            None => self.succeeded += 1,
            Some(failure) => {
                let entry = self.failures.entry(failure).or_default();
                entry.0 += 1;
                if entry.1.len() < EXAMPLES {
                    entry.1.push(outcome.id);
                }
            }
        }
        match outcome.published {
            None => {}
            Some(Ok(())) => {
                self.publish_attempted += 1;
                self.published += 1;
            }
            Some(Err(reason)) => {
                self.publish_attempted += 1;
                *self.publish_failed.entry(reason).or_default() += 1;
            }
        }
    }

    pub fn finished(&self) -> usize {
        self.finished
    }

    /// The report, once every client has finished.
    pub fn report(mut self, summary: Summary) -> StormReport {
        let mut failures: Vec<FailureCount> = self
            .failures
            .into_iter()
            .map(|(failure, (count, examples))| FailureCount {
                failure,
                count,
                examples,
            })
            .collect();
        failures.sort_by(|a, b| b.count.cmp(&a.count).then(a.failure.cmp(&b.failure)));
        let elapsed = summary.elapsed.as_secs_f64();
        StormReport {
            kind: summary.kind,
            broker: summary.broker,
            clients: summary.clients,
            attempted: self.finished,
            succeeded: self.succeeded,
            failed: self.finished - self.succeeded,
            not_started: summary.clients.saturating_sub(self.finished),
            failures,
            handshake_ms: Latency::of(&mut self.handshakes),
            connack_ms: Latency::of(&mut self.connacks),
            publish: summary.topic.map(|topic| PublishReport {
                topic,
                attempted: self.publish_attempted,
                acknowledged: self.published,
                failed: self.publish_failed,
            }),
            elapsed_s: (elapsed * 1000.0).round() / 1000.0,
            connections_per_s: if elapsed > 0.0 {
                (self.succeeded as f64 / elapsed * 10.0).round() / 10.0
            } else {
                0.0
            },
            stopped_by_duration: self.cut_off || self.finished < summary.clients,
            broker_cpu: summary.cpu_seconds.map(|(pid, seconds)| BrokerCpu {
                pid,
                seconds,
                per_1000_connections: if self.finished > 0 {
                    (seconds * 1000.0 / self.finished as f64 * 1000.0).round() / 1000.0
                } else {
                    0.0
                },
            }),
        }
    }
}

/// What the engine knows besides the outcomes.
pub(crate) struct Summary {
    pub kind: String,
    pub broker: String,
    pub clients: usize,
    /// The topic template, when clients published.
    pub topic: Option<String>,
    pub elapsed: Duration,
    pub cpu_seconds: Option<(u32, f64)>,
}
