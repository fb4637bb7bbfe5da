//! Every parser of file contents, reachable from bytes: the entry points of the cargo-fuzz
//! targets in `fuzz/` and of the test that runs their corpus, so both exercise the same code.
//! Each must return (any result) for any input: no panic, no hang.

use std::path::Path;

const PATH: &str = "fuzz-input";

/// Certificates: PEM (single, bundles, with text around) or DER, as `inspect` reads them.
pub fn certificate(bytes: &[u8]) {
    let input = crate::inspect::Input {
        path: Path::new("fuzz-input.pem").to_path_buf(),
        named: true,
    };
    let _ = crate::inspect::decode(&input, bytes, crate::inspect::CertFacts::read);
    let _ = crate::strict_der::check(bytes);
}

/// Certificate signing requests, as `pki sign` reads them (signature check included).
pub fn csr(bytes: &[u8]) {
    let _ = crate::pki::parse_csr(bytes, Path::new(PATH));
}

/// Certificate revocation lists, as `inspect --crl` and `verify --crl` read them.
pub fn crl(bytes: &[u8]) {
    let mut set = crate::inspect::CrlSet::default();
    let _ = set.add(Path::new(PATH), bytes);
}

/// Mosquitto PSK files, as `psk check` reads them.
pub fn psk_file(bytes: &[u8]) {
    let mut checker = crate::psk::Checker::new();
    checker.check_bytes(Path::new(PATH), bytes);
    let _ = checker.into_reports();
}

/// Fleet manifests, parsed and validated.
pub fn manifest(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = crate::fleet::parse(text, Path::new(PATH));
    }
}

/// The PKI's index.
pub fn index(bytes: &[u8]) {
    let _ = crate::pki::LegacyIndex::parse(bytes, Path::new(PATH));
}

/// Private keys (PEM: PKCS#8, encrypted PKCS#8, SEC1, PKCS#1), as CA keys are loaded.
pub fn private_key(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let pass = crate::pki::Passphrase::from_bytes(b"fuzz".to_vec());
        let _ = crate::pki::key_from_pem(text, Path::new(PATH), pass.as_ref());
    }
}

/// Enrollment requests as they come off the broker: byte 0 picks /csr or /renew, the bytes up
/// to the first NUL are the topic's device id, the rest is the payload. Also the topic parser.
pub fn enroll_request(bytes: &[u8]) {
    use crate::enroll::{Ask, Policy, Request, precheck, protocol};
    let Some((&first, rest)) = bytes.split_first() else {
        return;
    };
    let (device, payload) = match rest.iter().position(|b| *b == 0) {
        Some(end) => (&rest[..end], &rest[end + 1..]),
        None => (rest, &[][..]),
    };
    let device = String::from_utf8_lossy(device).into_owned();
    let _ = protocol::parse_topic("mqauth/enroll", &device);
    let policy = Policy {
        lifetime: crate::lifetime::Lifetime::days(30),
        renew_window: 1.0 / 3.0,
        keys: vec![
            crate::pki::KeyAlgorithm::P256,
            crate::pki::KeyAlgorithm::Ed25519,
        ],
        enrollers: None,
        renewers: None,
        reenroll: false,
    };
    let request = Request {
        device,
        ask: if first % 2 == 0 {
            Ask::Enroll
        } else {
            Ask::Renew
        },
        payload: payload.to_vec(),
    };
    let _ = precheck(&request, &policy);
}

/// A parser entry point.
pub type Target = fn(&[u8]);

/// The targets by name, for the corpus test.
/// Mosquitto configurations and acl_files, as `audit` reads them.
pub fn mosquitto_config(bytes: &[u8]) {
    crate::audit::parse_for_fuzzing(&String::from_utf8_lossy(bytes));
}

pub const TARGETS: [(&str, Target); 9] = [
    ("certificate", certificate),
    ("csr", csr),
    ("crl", crl),
    ("psk_file", psk_file),
    ("manifest", manifest),
    ("index", index),
    ("private_key", private_key),
    ("enroll_request", enroll_request),
    ("mosquitto_config", mosquitto_config),
];
