//! Enrollment over MQTT: devices send a CSR on `{prefix}/{id}/csr` (first certificate, with
//! their bootstrap PSK) or `{prefix}/{id}/renew` (with their current certificate) and receive
//! the answer on `{prefix}/{id}/result`.

mod answer;
mod error;
mod policy;
pub mod protocol;
mod service;

pub use answer::{Outcome, Request, answer_batch, precheck};
pub use error::EnrollError;
pub use policy::{Policy, RateLimit};
pub use protocol::{Answer, Ask, DEFAULT_PREFIX, Rejection};
pub use service::{Log, ServiceConfig, ServiceEvent, serve};
