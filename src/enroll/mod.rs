//! Enrollment over MQTT: devices send a CSR on `{prefix}/{id}/csr` (first certificate, with
//! their bootstrap PSK) or `{prefix}/{id}/renew` (with their current certificate) and receive
//! the answer on `{prefix}/{id}/result`.
//!
//! `settings` resolves what the service runs with (from a manifest or from flags), `service`
//! is its event loop, `link` its MQTT connection, `answer` decides each request against the
//! PKI, `batch` splits what arrived together, `retire` removes used bootstrap identities.
//! `monitor` serves `/metrics` (`metrics`) and `/healthz` (`health`) over a small HTTP
//! responder (`http`); `systemd` writes a hardened unit for the service.
//! `device` is the other side: the reference device (`enroll device`).

mod answer;
mod batch;
pub mod device;
mod error;
mod health;
mod http;
mod link;
mod metrics;
mod monitor;
mod policy;
pub mod protocol;
mod retire;
mod service;
mod settings;
mod systemd;
mod tls;

pub use answer::{Outcome, Request, answer_batch, precheck};
pub use error::{EnrollError, SettingsError, TlsInput};
pub use link::MAX_INCOMING_PACKET;
pub use metrics::Metrics;
pub use monitor::Monitor;
pub use policy::{Policy, RateLimit};
pub use protocol::{Answer, Ask, DEFAULT_PREFIX, Rejection, validate_prefix};
pub use retire::RetireError;
pub use service::{Log, ServiceEvent, serve};
pub use settings::{
    Bootstrap, BootstrapRetirement, BrokerAddress, Given, Overrides, ServiceSettings, Setting,
    TlsFiles, defaults, share_group,
};
pub use systemd::SystemdUnit;
