//! Every integration test, in one binary (linked once, run in parallel): the real `mqauth`
//! driven as users drive it, checked with the real `openssl`, `pkilint`, `mosquitto` and
//! friends where it matters.

mod common;

mod audit_checks;
mod broker_files;
mod cli_shape;
mod crash;
mod device_export;
mod device_stacks;
mod enroll_fleet;
mod enroll_mosquitto;
mod fleet_cli;
mod fleet_mosquitto;
mod fuzz_corpus;
mod hardening;
mod inspect;
mod limbo;
mod migration;
mod path_validation;
mod pki_cli;
mod pki_lifecycle;
mod pki_mosquitto;
mod pki_openssl;
mod psk_cli;
mod psk_mosquitto;
