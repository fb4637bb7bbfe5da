//! TLS pre-shared keys: per-device batches in Mosquitto's `identity:hexkey` format, rotation,
//! revocation, and a linter for the classic mistakes.

mod check;
mod edit;
mod error;
mod file;
mod generate;
mod key;

pub use check::{Checker, FileReport, Finding, Severity};
pub use edit::{ChangedOut, Rotation, Selection, append, revoke, rotate, write_new};
pub use error::PskError;
pub use file::{LineKind, PskFile, classify};
pub use generate::{Format, Identities, PskBatch, check_identities, check_unique, generate_pairs};
pub use key::{
    DEFAULT_KEY_BYTES, MAX_KEY_BYTES, MIN_KEY_BYTES, check_key_size, decode_hex, push_hex,
};
