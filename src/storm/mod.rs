//! `mqauth storm`: what a reconnect storm costs a broker, measured with the fleet's own
//! credentials. N distinct devices connect (each with its certificate and key, or its PSK
//! identity) at a given rate or all at once, optionally publish once each, and disconnect; the
//! report counts what happened, by reason, with latency percentiles and, for a local broker,
//! the broker's CPU time per 1,000 connections.
//!
//! `plan` holds the options and their bounds, `devices` reads the credentials from a fleet, a
//! PKI or a PSK file, `engine` paces the clients, `client` is one device's connection (over
//! `psk_stream` for TLS-PSK), `report` and `latency` sum them up, `broker_cpu` reads the
//! broker's CPU time, and `compare` runs one storm per credential kind against a temporary
//! fleet and its own `local_broker`.

mod broker_cpu;
mod client;
mod compare;
mod devices;
mod engine;
mod error;
mod latency;
mod local_broker;
mod plan;
mod psk_stream;
mod report;
mod temp_dir;

pub use compare::{CompareOptions, CredentialKind, compare};
pub use engine::storm;
pub use error::StormError;
pub use latency::Latency;
pub use plan::{DEFAULT_TIMEOUT, MAX_CLIENTS, MAX_DURATION, Pace, Source, StormOptions, Target};
pub use report::{BrokerCpu, Failure, FailureKind, PublishReport, StormReport};

/// What the caller hears while a storm runs (the CLI draws a progress bar from it).
pub trait Observer: Sync {
    /// A new phase begins: `label` (making credentials, a storm), `total` steps in it.
    fn phase(&self, label: &str, total: u64);
    /// `n` more steps of the current phase are done.
    fn advance(&self, n: u64);
}

/// An observer that hears nothing.
pub struct Silent;

impl Observer for Silent {
    fn phase(&self, _label: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
}
