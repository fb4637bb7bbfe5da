//! What device TLS stacks cannot use. Each rule is a behaviour measured against the real library
//! (docs/design-notes.md, "Device TLS stacks"; tests/suite/device_stacks.rs repeats them),
//! except where a rule says it comes from the library's documentation.

use crate::pki::{KeyAlgorithm, San};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    Mbedtls2,
    Mbedtls3,
    Wolfssl,
    Openssl,
}

impl crate::choice::Choice for Stack {
    const ALL: &'static [Self] = &[
        Stack::Mbedtls2,
        Stack::Mbedtls3,
        Stack::Wolfssl,
        Stack::Openssl,
    ];
    fn id(self) -> &'static str {
        match self {
            Stack::Mbedtls2 => "mbedtls2",
            Stack::Mbedtls3 => "mbedtls3",
            Stack::Wolfssl => "wolfssl",
            Stack::Openssl => "openssl",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Stack::Mbedtls2 => "mbedTLS 2.x (2.28 LTS: ESP-IDF 4, many RTOS SDKs)",
            Stack::Mbedtls3 => "mbedTLS 3.x (ESP-IDF 5, Zephyr)",
            Stack::Wolfssl => "wolfSSL 5.x",
            Stack::Openssl => "OpenSSL 3 (Linux gateways, paho, mosquitto clients)",
        }
    }
}

/// Whether the device keeps time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A battery-backed clock, NTP, GNSS or network time.
    Synced,
    /// No reliable time at all.
    None,
}

impl crate::choice::Choice for Clock {
    const ALL: &'static [Self] = &[Clock::Synced, Clock::None];
    fn id(self) -> &'static str {
        match self {
            Clock::Synced => "synced",
            Clock::None => "none",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Clock::Synced => "the device knows the time (RTC, NTP, GNSS, cellular)",
            Clock::None => "the device has no reliable time",
        }
    }
}

/// What is known about the credentials a device will use; every field is optional, so each
/// command states what it has.
#[derive(Debug, Default, Clone)]
pub struct StackFacts<'a> {
    /// The key of the device's own certificate.
    pub device_key: Option<KeyAlgorithm>,
    /// Keys of the CAs whose signatures the device verifies, and of the broker's certificate.
    pub chain_keys: Vec<(&'a str, KeyAlgorithm)>,
    /// The broker certificate's names.
    pub broker_sans: Option<&'a [San]>,
    /// The name the device dials.
    pub dial: Option<&'a str>,
    pub psk_bytes: Option<usize>,
    /// The device certificate's lifetime.
    pub lifetime: Option<Duration>,
    pub clock: Option<Clock>,
    /// How long a device without a clock must keep working on one certificate.
    pub service_life: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Works, given something the broker or firmware must do; never refused.
    Note,
    /// Will not work as it is; `--strict` refuses.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
}

/// The key algorithms of a root and an issuing CA (DER), for [`StackFacts::chain_keys`].
pub fn ca_keys(root_der: &[u8], intermediate_der: &[u8]) -> Vec<(&'static str, KeyAlgorithm)> {
    [
        ("the root CA", root_der),
        ("the issuing CA", intermediate_der),
    ]
    .into_iter()
    .filter_map(|(what, der)| {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        KeyAlgorithm::of_public_key(cert.public_key()).map(|k| (what, k))
    })
    .collect()
}

/// [`ca_keys`] of the PKI in `layout`; empty when its CA files cannot be read.
pub fn pki_ca_keys(layout: &crate::pki::Layout) -> Vec<(&'static str, KeyAlgorithm)> {
    let der = |path: std::path::PathBuf| -> Option<Vec<u8>> {
        let text = crate::input::read_text(&path, crate::input::Kind::Certificates).ok()?;
        pem::parse(text).ok().map(pem::Pem::into_contents)
    };
    match (der(layout.ca_cert()), der(layout.intermediate_cert())) {
        (Some(root), Some(intermediate)) => ca_keys(&root, &intermediate),
        _ => Vec::new(),
    }
}

/// mbedTLS's default `MBEDTLS_PSK_MAX_LEN`, in 2.x and 3.x.
const MBEDTLS_PSK_MAX_LEN: usize = 32;

fn warn(out: &mut Vec<Finding>, message: String) {
    out.push(Finding {
        severity: Severity::Warning,
        message,
    });
}

fn note(out: &mut Vec<Finding>, message: String) {
    out.push(Finding {
        severity: Severity::Note,
        message,
    });
}

/// The findings for `stack`; without a stack, only the stack-independent ones.
pub fn check(stack: Option<Stack>, facts: &StackFacts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mbedtls = matches!(stack, Some(Stack::Mbedtls2 | Stack::Mbedtls3));
    let name = stack.map(crate::choice::Choice::id).unwrap_or_default();
    if mbedtls {
        let why = if stack == Some(Stack::Mbedtls2) {
            "mbedTLS 2.28 cannot parse Ed25519 certificates (-0x262e) or keys (-0x3c80)"
        } else {
            "mbedTLS 3.x has no Ed25519 in X.509 (per its documentation; not measured here)"
        };
        if facts.device_key == Some(KeyAlgorithm::Ed25519) {
            warn(
                &mut out,
                format!("{why}: give the device a p256 key (--key p256)"),
            );
        }
        for (what, key) in &facts.chain_keys {
            if *key == KeyAlgorithm::Ed25519 {
                warn(
                    &mut out,
                    format!("{why}, so a {name} device cannot verify {what} (an Ed25519 key)"),
                );
            }
        }
        if let Some(bytes) = facts.psk_bytes.filter(|b| *b > MBEDTLS_PSK_MAX_LEN) {
            warn(
                &mut out,
                format!(
                    "mbedTLS's default MBEDTLS_PSK_MAX_LEN is {MBEDTLS_PSK_MAX_LEN} bytes: a {bytes}-byte PSK fails the handshake (-0x7100); use --bytes 32 or raise MBEDTLS_PSK_MAX_LEN in the firmware"
                ),
            );
        }
    }
    let ip_only = facts
        .broker_sans
        .is_some_and(|sans| !sans.is_empty() && sans.iter().all(|s| matches!(s, San::Ip(_))));
    if stack == Some(Stack::Mbedtls2) {
        if ip_only {
            warn(
                &mut out,
                "mbedTLS 2.x does not match IP-address SANs, and the broker certificate has only those: give it a DNS name (--dns) that devices dial".into(),
            );
        } else if let Some(dial) = facts.dial.filter(|d| d.parse::<std::net::IpAddr>().is_ok()) {
            warn(
                &mut out,
                format!(
                    "mbedTLS 2.x does not match IP-address SANs: a device dialling {dial} fails hostname verification; dial one of the broker's DNS names (--host)"
                ),
            );
        }
    } else if ip_only && stack.is_some() {
        warn(
            &mut out,
            "the broker certificate has only IP-address SANs: a device that dials a name fails, and an address that changes needs a new certificate; add a DNS name (--dns)".into(),
        );
    }
    if stack == Some(Stack::Wolfssl) && facts.psk_bytes.is_some() {
        note(
            &mut out,
            "wolfSSL 5.5's TLS 1.3 PSK binds the key to AES-128-GCM: the broker's PSK listener must offer TLS_AES_128_GCM_SHA256 first in ciphers_tls1.3 (the configs mqauth renders do); for TLS 1.2 ECDHE-PSK the broker must not pick X25519".into(),
        );
    }
    if facts.clock == Some(Clock::None) {
        note(
            &mut out,
            "a device without a clock must skip the certificate date checks (mbedTLS: build without MBEDTLS_HAVE_TIME_DATE) or it refuses the broker as not yet valid; it keeps checking the chain and the name".into(),
        );
        if let (Some(life), Some(needed)) = (facts.lifetime, facts.service_life)
            && life < needed
        {
            warn(
                &mut out,
                format!(
                    "a device without a clock cannot tell when to renew: its certificate lasts {} days, less than the {} days it must work unattended; issue it for longer or give it a time source (field guide, pitfall 3)",
                    life.as_secs() / 86_400,
                    needed.as_secs() / 86_400
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_fires_only_for_its_stack() {
        let ed = StackFacts {
            device_key: Some(KeyAlgorithm::Ed25519),
            ..Default::default()
        };
        assert_eq!(check(Some(Stack::Mbedtls2), &ed).len(), 1);
        assert!(check(Some(Stack::Wolfssl), &ed).is_empty());
        assert!(check(Some(Stack::Openssl), &ed).is_empty());
        let psk = StackFacts {
            psk_bytes: Some(64),
            ..Default::default()
        };
        assert_eq!(
            check(Some(Stack::Mbedtls3), &psk)[0].severity,
            Severity::Warning
        );
        assert!(
            check(
                Some(Stack::Mbedtls2),
                &StackFacts {
                    psk_bytes: Some(32),
                    ..Default::default()
                }
            )
            .is_empty()
        );
        let sans = [San::Ip("127.0.0.1".parse().unwrap())];
        let ip = StackFacts {
            broker_sans: Some(&sans),
            ..Default::default()
        };
        assert!(
            check(Some(Stack::Mbedtls2), &ip)[0]
                .message
                .contains("IP-address")
        );
        assert!(check(None, &ip).is_empty());
        let clockless = StackFacts {
            lifetime: Some(Duration::from_secs(30 * 86_400)),
            clock: Some(Clock::None),
            service_life: Some(Duration::from_secs(3650 * 86_400)),
            ..Default::default()
        };
        let found = check(None, &clockless);
        assert!(
            found
                .iter()
                .any(|f| f.severity == Severity::Warning && f.message.contains("30 days"))
        );
    }
}
