//! Whether a server certificate is good for the name a client dials, as a TLS client decides it
//! (RFC 6125 §6.4, RFC 9525): subjectAltName dNSName entries with at most a whole left-most
//! wildcard label, never a wildcard over a public suffix; iPAddress entries matched exactly;
//! the subject CN only when the certificate has no subjectAltName at all.

use super::verify_error::VerifyError;
use std::net::IpAddr;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::X509Certificate;

/// The name a client connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerName {
    Host(String),
    Ip(IpAddr),
}

impl PeerName {
    /// A host name as a client would dial it: LDH labels (letters, digits, hyphens, or an IDNA
    /// A-label), no empty label, at most 253 characters; a trailing dot is dropped.
    pub fn host(name: &str) -> Result<PeerName, String> {
        let trimmed = name.strip_suffix('.').unwrap_or(name);
        // Underscores are tolerated in what a client dials (some internal names have them).
        let valid = trimmed.len() <= 253 && ldh_labels(trimmed, true);
        if !valid || trimmed.parse::<IpAddr>().is_ok() {
            return Err(format!("{name:?} is not a host name"));
        }
        Ok(PeerName::Host(trimmed.to_ascii_lowercase()))
    }

    pub fn ip(addr: &str) -> Result<PeerName, String> {
        addr.parse()
            .map(PeerName::Ip)
            .map_err(|_| format!("{addr:?} is not an IPv4 or IPv6 address"))
    }

    /// The failure when a certificate does not cover this name.
    pub fn mismatch(&self) -> VerifyError {
        match self {
            PeerName::Host(host) => VerifyError::HostnameMismatch(host.clone()),
            PeerName::Ip(ip) => VerifyError::IpAddressMismatch(*ip),
        }
    }

    /// Whether `cert` is valid for this name.
    pub fn matches(&self, cert: &X509Certificate<'_>) -> bool {
        let san = match cert.subject_alternative_name() {
            Ok(san) => san,
            // A damaged or repeated SAN extension covers nothing.
            Err(_) => return false,
        };
        let names: &[GeneralName<'_>] = san.as_ref().map_or(&[], |s| &s.value.general_names);
        let dns: Vec<&str> = names
            .iter()
            .filter_map(|g| match g {
                GeneralName::DNSName(d) => Some(*d),
                _ => None,
            })
            .collect();
        let ips: Vec<IpAddr> = names
            .iter()
            .filter_map(|g| match g {
                GeneralName::IPAddress(raw) => ip_of(raw),
                _ => None,
            })
            .collect();
        let cns: Vec<&str> = cert
            .subject()
            .iter_common_name()
            .filter_map(|cn| cn.as_str().ok())
            .collect();
        self.covered(&dns, &ips, san.is_some(), &cns)
    }

    /// Whether a certificate described by `facts` (as `inspect` shows it) is valid for this name.
    pub fn covers(&self, facts: &super::CertFacts) -> bool {
        let dns: Vec<&str> = facts
            .sans
            .iter()
            .filter_map(|s| s.strip_prefix("DNS:"))
            .collect();
        let ips: Vec<IpAddr> = facts
            .sans
            .iter()
            .filter_map(|s| s.strip_prefix("IP:")?.parse().ok())
            .collect();
        let cns: Vec<&str> = facts.cn.iter().map(String::as_str).collect();
        self.covered(&dns, &ips, !facts.sans.is_empty(), &cns)
    }

    fn covered(&self, dns: &[&str], ips: &[IpAddr], has_san: bool, cns: &[&str]) -> bool {
        match self {
            PeerName::Host(host) if has_san => dns.iter().any(|p| host_matches(p, host)),
            // RFC 6125 6.4.4: the CN only without any subjectAltName; never for an address.
            PeerName::Host(host) => cns
                .iter()
                .any(|cn| !cn.contains('*') && cn.eq_ignore_ascii_case(host)),
            PeerName::Ip(ip) => ips.contains(ip),
        }
    }
}

/// Dot-separated labels of letters, digits and hyphens (RFC 1034's preferred name syntax), each
/// 1 to 63 characters without a hyphen at either end; `underscore` also allows `_`.
pub(super) fn ldh_labels(name: &str, underscore: bool) -> bool {
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || (underscore && b == b'_'))
        })
}

fn ip_of(raw: &[u8]) -> Option<IpAddr> {
    match raw.len() {
        4 => <[u8; 4]>::try_from(raw).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(raw).ok().map(IpAddr::from),
        _ => None,
    }
}

impl std::fmt::Display for PeerName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeerName::Host(h) => f.write_str(h),
            PeerName::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Whether the SAN dNSName `pattern` covers `host` (lowercase, no trailing dot).
fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern
        .strip_suffix('.')
        .unwrap_or(pattern)
        .to_ascii_lowercase();
    let Some(rest) = pattern.strip_prefix("*.") else {
        return !pattern.contains('*') && pattern == host;
    };
    // A wildcard is the whole left-most label, and covers exactly one label of a name that
    // keeps at least two labels under it: "*.com" or "*.co" would cover a public suffix. mqauth
    // carries no public suffix list, so a wildcard needs two labels after it, as OpenSSL and
    // browsers require at the least; IDNA A-labels are never wildcarded.
    if rest.contains('*') || rest.split('.').count() < 2 || rest.split('.').any(str::is_empty) {
        return false;
    }
    match host.split_once('.') {
        Some((first, host_rest)) => {
            !first.is_empty() && !first.starts_with("xn--") && host_rest == rest
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_left_most_label() {
        assert!(host_matches("*.example.com", "mqtt.example.com"));
        assert!(host_matches("*.EXAMPLE.com", "mqtt.example.com"));
        assert!(!host_matches("*.example.com", "a.mqtt.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(!host_matches("m*.example.com", "mqtt.example.com"));
        assert!(!host_matches("mqtt.*.com", "mqtt.example.com"));
        assert!(!host_matches("*.com", "example.com"));
        assert!(host_matches("mqtt.example.com.", "mqtt.example.com"));
    }

    #[test]
    fn dialled_names_are_checked() {
        assert!(PeerName::host("mqtt.example.com").is_ok());
        assert!(PeerName::host("mqtt..example.com").is_err());
        assert!(PeerName::host("10.0.0.1").is_err());
        assert!(PeerName::ip("::1").is_ok());
        assert!(PeerName::ip("mqtt").is_err());
    }
}
