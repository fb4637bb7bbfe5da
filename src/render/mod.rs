//! Turning a fleet into broker files: ACLs (Mosquitto acl_file, dynamic-security JSON, EMQX
//! acl.conf) and broker configurations from templates.

pub mod config_value;
pub mod dynsec;
pub mod emqx_acl;
pub mod mosquitto_acl;
mod policy;
pub mod templates;

pub use policy::{DeviceRules, Policy, Scope};
