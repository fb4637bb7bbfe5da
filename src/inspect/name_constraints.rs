//! RFC 5280 §4.2.1.10 name constraints: the names of every certificate below a CA that states
//! them must fall inside its permitted subtrees and outside its excluded ones.
//!
//! Matching follows OpenSSL's `NAME_CONSTRAINTS_check` (crypto/x509/v3_ncons.c) so that a chain
//! is refused for the same reason: DNS names by whole labels (a leading "." means subdomains
//! only), e-mail addresses by mailbox, host or domain, IP addresses by network and mask,
//! directory names by RDN prefix, URIs by host. A constraint of a type the leaf has no names of
//! does not apply; a name type the constraints cannot decide (X.400, EDI party, other names) with
//! a constraint of that type fails as unsupported, as OpenSSL does.

use x509_parser::extensions::{GeneralName, GeneralSubtree, NameConstraints};
use x509_parser::prelude::X509Name;

/// The most name-against-constraint comparisons one chain may cost. OpenSSL allows 2^20
/// (NAME_CHECK_MAX); above it a crafted certificate with thousands of names and thousands of
/// subtrees would make verification quadratic.
pub const BUDGET: usize = 1 << 20;

/// Why a name failed the constraints, as OpenSSL's error codes put it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    Permitted,
    Excluded,
    UnsupportedType,
    UnsupportedSyntax,
    /// More comparisons than [`BUDGET`].
    TooComplex,
}

impl Violation {
    pub fn code(self) -> &'static str {
        match self {
            Violation::Permitted => "X509_V_ERR_PERMITTED_VIOLATION",
            Violation::Excluded => "X509_V_ERR_EXCLUDED_VIOLATION",
            Violation::UnsupportedType => "X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE",
            Violation::UnsupportedSyntax => "X509_V_ERR_UNSUPPORTED_NAME_SYNTAX",
            Violation::TooComplex => "X509_V_ERR_UNSPECIFIED",
        }
    }

    pub fn reason(self) -> String {
        match self {
            Violation::Permitted => "permitted subtree violation".into(),
            Violation::Excluded => "excluded subtree violation".into(),
            Violation::UnsupportedType => "unsupported name constraint type".into(),
            Violation::UnsupportedSyntax => "unsupported or invalid name syntax".into(),
            Violation::TooComplex => format!(
                "name constraints too complex: more than {BUDGET} name comparisons (refused rather than checked slowly)"
            ),
        }
    }
}

/// A name of a certificate, as the constraints see it.
pub enum Name<'a> {
    General(&'a GeneralName<'a>),
    /// The subject DN.
    Subject(&'a X509Name<'a>),
    /// An emailAddress attribute of the subject DN.
    SubjectEmail(&'a str),
    /// A subject CN that looks like a host name, checked when the certificate has no DNS SAN
    /// (OpenSSL's NAME_CONSTRAINTS_check_CN, for leaves).
    HostLikeCn(&'a str),
}

/// Checks `names` against `constraints`, spending at most `budget` comparisons from the
/// chain's allowance.
pub fn check(
    constraints: &NameConstraints<'_>,
    names: &[Name<'_>],
    budget: &mut usize,
) -> Result<(), Violation> {
    let permitted = constraints.permitted_subtrees.as_deref().unwrap_or(&[]);
    let excluded = constraints.excluded_subtrees.as_deref().unwrap_or(&[]);
    let cost = names.len().saturating_mul(permitted.len() + excluded.len());
    if cost > *budget {
        return Err(Violation::TooComplex);
    }
    *budget -= cost;
    for name in names {
        check_one(name, permitted, excluded)?;
    }
    Ok(())
}

/// The kinds of names, so that a subtree only constrains names of its own kind.
#[derive(PartialEq, Eq)]
enum Kind {
    Dns,
    Email,
    Ip,
    Directory,
    Uri,
    Other,
}

fn kind_of_subtree(base: &GeneralName<'_>) -> Kind {
    match base {
        GeneralName::DNSName(_) => Kind::Dns,
        GeneralName::RFC822Name(_) => Kind::Email,
        GeneralName::IPAddress(_) => Kind::Ip,
        GeneralName::DirectoryName(_) => Kind::Directory,
        GeneralName::URI(_) => Kind::Uri,
        _ => Kind::Other,
    }
}

fn kind_of_name(name: &Name<'_>) -> Kind {
    match name {
        Name::General(g) => kind_of_subtree(g),
        Name::Subject(_) => Kind::Directory,
        Name::SubjectEmail(_) => Kind::Email,
        Name::HostLikeCn(_) => Kind::Dns,
    }
}

fn check_one(
    name: &Name<'_>,
    permitted: &[GeneralSubtree<'_>],
    excluded: &[GeneralSubtree<'_>],
) -> Result<(), Violation> {
    let kind = kind_of_name(name);
    if let Name::General(GeneralName::Invalid(..)) = name {
        return Err(Violation::UnsupportedSyntax);
    }
    let mut same_kind = permitted
        .iter()
        .filter(|s| kind_of_subtree(&s.base) == kind)
        .peekable();
    if same_kind.peek().is_some() {
        let mut inside = false;
        for subtree in same_kind {
            if matches(name, &subtree.base)? {
                inside = true;
                break;
            }
        }
        if !inside {
            return Err(Violation::Permitted);
        }
    }
    for subtree in excluded.iter().filter(|s| kind_of_subtree(&s.base) == kind) {
        if matches(name, &subtree.base)? {
            return Err(Violation::Excluded);
        }
    }
    Ok(())
}

/// Whether `name` lies in the subtree `base` (of the same kind).
fn matches(name: &Name<'_>, base: &GeneralName<'_>) -> Result<bool, Violation> {
    match (name, base) {
        (Name::General(GeneralName::DNSName(n)), GeneralName::DNSName(b))
        | (Name::HostLikeCn(n), GeneralName::DNSName(b)) => Ok(dns_in(n, b)),
        (Name::General(GeneralName::RFC822Name(n)), GeneralName::RFC822Name(b))
        | (Name::SubjectEmail(n), GeneralName::RFC822Name(b)) => email_in(n, b),
        (Name::General(GeneralName::IPAddress(n)), GeneralName::IPAddress(b)) => ip_in(n, b),
        (Name::General(GeneralName::DirectoryName(n)), GeneralName::DirectoryName(b)) => {
            Ok(dn_in(n, b))
        }
        (Name::Subject(n), GeneralName::DirectoryName(b)) => Ok(dn_in(n, b)),
        (Name::General(GeneralName::URI(n)), GeneralName::URI(b)) => uri_in(n, b),
        _ => Err(Violation::UnsupportedType),
    }
}

/// DNS: the name equals the base or ends with "." + base; a base with a leading "." matches
/// subdomains only; an empty base matches everything. Case-insensitive, as DNS is.
fn dns_in(name: &str, base: &str) -> bool {
    if base.is_empty() {
        return true;
    }
    let name = name.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if let Some(domain) = base.strip_prefix('.') {
        return name.len() > domain.len() + 1 && name.ends_with(&base);
    }
    name == base || (name.len() > base.len() && name.ends_with(&format!(".{base}")))
}

/// E-mail: a base with "@" is one mailbox (local part exact, host case-insensitive); a base
/// starting with "." is any host in that domain; otherwise exactly that host.
fn email_in(name: &str, base: &str) -> Result<bool, Violation> {
    let (local, host) = name.rsplit_once('@').ok_or(Violation::UnsupportedSyntax)?;
    if let Some((base_local, base_host)) = base.rsplit_once('@') {
        return Ok(local == base_local && host.eq_ignore_ascii_case(base_host));
    }
    if base.starts_with('.') {
        let host = host.to_ascii_lowercase();
        return Ok(host.ends_with(&base.to_ascii_lowercase()));
    }
    Ok(host.eq_ignore_ascii_case(base))
}

/// IP: the base is an address and a mask of the same family (8 or 32 bytes).
fn ip_in(addr: &[u8], base: &[u8]) -> Result<bool, Violation> {
    if base.len() != 8 && base.len() != 32 {
        return Err(Violation::UnsupportedSyntax);
    }
    let (network, mask) = base.split_at(base.len() / 2);
    if addr.len() != network.len() {
        // An IPv4 address is not in an IPv6 subtree, nor the reverse.
        return Ok(false);
    }
    Ok(addr
        .iter()
        .zip(network)
        .zip(mask)
        .all(|((a, n), m)| a & m == n & m))
}

/// Directory names: the base's RDNs are a prefix of the name's, compared as encoded (OpenSSL
/// compares the canonical encoding; mqauth's own names are consistently encoded).
fn dn_in(name: &X509Name<'_>, base: &X509Name<'_>) -> bool {
    let name: Vec<_> = name.iter().collect();
    let base: Vec<_> = base.iter().collect();
    base.len() <= name.len()
        && base.iter().zip(&name).all(|(b, n)| {
            b.iter().count() == n.iter().count()
                && b.iter().zip(n.iter()).all(|(ba, na)| {
                    ba.attr_type() == na.attr_type()
                        && match (ba.as_str(), na.as_str()) {
                            (Ok(x), Ok(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
                            _ => ba.attr_value().data == na.attr_value().data,
                        }
                })
        })
}

/// URIs: the host part, matched like a DNS name (a leading "." for subdomains only).
fn uri_in(uri: &str, base: &str) -> Result<bool, Violation> {
    let rest = uri
        .split_once("://")
        .map(|(_, rest)| rest)
        .ok_or(Violation::UnsupportedSyntax)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host_port.split(':').next().unwrap_or_default();
    if host.is_empty() {
        return Err(Violation::UnsupportedSyntax);
    }
    if let Some(domain) = base.strip_prefix('.') {
        return Ok(host.len() > domain.len() + 1
            && host
                .to_ascii_lowercase()
                .ends_with(&base.to_ascii_lowercase()));
    }
    Ok(host.eq_ignore_ascii_case(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_in("a.example.com", "example.com"));
        assert!(dns_in("EXAMPLE.com", "example.com"));
        assert!(!dns_in("badexample.com", "example.com"));
        assert!(dns_in("a.example.com", ".example.com"));
        assert!(!dns_in("example.com", ".example.com"));
        assert!(dns_in("anything", ""));
    }

    #[test]
    fn ip_subtrees() {
        let base = [10, 0, 0, 0, 255, 0, 0, 0];
        assert_eq!(ip_in(&[10, 1, 2, 3], &base), Ok(true));
        assert_eq!(ip_in(&[11, 1, 2, 3], &base), Ok(false));
        assert_eq!(ip_in(&[0; 16], &base), Ok(false));
        assert_eq!(
            ip_in(&[10, 1, 2, 3], &[10, 0]),
            Err(Violation::UnsupportedSyntax)
        );
    }

    #[test]
    fn email_subtrees() {
        assert_eq!(email_in("a@example.com", "example.com"), Ok(true));
        assert_eq!(email_in("a@x.example.com", ".example.com"), Ok(true));
        assert_eq!(email_in("a@example.com", ".example.com"), Ok(false));
        assert_eq!(email_in("a@example.com", "b@example.com"), Ok(false));
        assert_eq!(
            email_in("nobody", "example.com"),
            Err(Violation::UnsupportedSyntax)
        );
    }

    #[test]
    fn budget_is_spent_and_refused() {
        let nc = NameConstraints {
            permitted_subtrees: None,
            excluded_subtrees: None,
        };
        let mut budget = 0;
        assert_eq!(check(&nc, &[], &mut budget), Ok(()));
    }
}
