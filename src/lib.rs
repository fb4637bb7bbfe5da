//! mqauth: PKI and PSK toolkit for MQTT device fleets.
//!
//! The library holds all the work and never prints; the `mqauth` binary parses arguments,
//! calls into it and formats results.

pub mod atomic;
pub mod audit;
pub mod choice;
pub mod enroll;
pub mod export;
pub mod fleet;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod group;
pub mod input;
pub mod inspect;
pub mod lifetime;
pub mod lock;
pub mod names;
pub mod pki;
pub mod psk;
pub mod storm;
pub mod strict_der;
pub mod tls_psk;
