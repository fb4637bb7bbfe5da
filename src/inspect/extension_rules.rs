//! What a certificate's extensions must be for `verify`: the ones always enforced (known critical
//! extensions only, none repeated or damaged, as OpenSSL's `check_extensions` and its extension
//! cache decide) and RFC 5280's rules for conforming CAs that `--strict` adds, as
//! `openssl verify -x509_strict` does, with OpenSSL's codes and wording.

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::X509Certificate;
use x509_parser::x509::X509Version;

/// OpenSSL's code and description of a failed rule.
pub type Broken = (&'static str, &'static str);

const INVALID_EXTENSION: Broken = (
    "X509_V_ERR_INVALID_EXTENSION",
    "invalid or inconsistent certificate extension",
);

/// The extensions a verifier must understand to accept them marked critical: those mqauth
/// checks, plus the policy extensions OpenSSL also accepts without `-policy_check`.
const HANDLED_CRITICAL: &[&str] = &[
    "2.5.29.15", // keyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.19", // basicConstraints
    "2.5.29.30", // nameConstraints
    "2.5.29.32", // certificatePolicies
    "2.5.29.33", // policyMappings
    "2.5.29.36", // policyConstraints
    "2.5.29.37", // extKeyUsage
    "2.5.29.54", // inhibitAnyPolicy
];

/// The checks every verification makes of one certificate's extensions.
pub fn check_always(cert: &X509Certificate<'_>) -> Option<Broken> {
    let extensions = cert.extensions();
    for (i, e) in extensions.iter().enumerate() {
        // Repeated (RFC 5280 4.2: "MUST NOT include more than one instance") or unparsable.
        if extensions[..i].iter().any(|other| other.oid == e.oid)
            || matches!(e.parsed_extension(), ParsedExtension::ParseError { .. })
        {
            return Some(INVALID_EXTENSION);
        }
    }
    if extensions
        .iter()
        .any(|e| e.critical && !HANDLED_CRITICAL.contains(&e.oid.to_id_string().as_str()))
    {
        return Some((
            "X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
            "unhandled critical extension",
        ));
    }
    // A SAN whose names do not parse, or a basicConstraints pathLen on a non-CA.
    if let Ok(Some(san)) = cert.subject_alternative_name()
        && san
            .value
            .general_names
            .iter()
            .any(|g| matches!(g, GeneralName::Invalid(..)))
    {
        return Some(INVALID_EXTENSION);
    }
    if let Ok(Some(bc)) = cert.basic_constraints()
        && !bc.value.ca
        && bc.value.path_len_constraint.is_some()
    {
        return Some(INVALID_EXTENSION);
    }
    None
}

/// RFC 5280's rules for certificates issued by conforming CAs (`--strict`), for a certificate
/// at `depth` of a chain of `len` certificates. Like OpenSSL, a lone self-issued leaf is spared
/// (RFC 6818 §2).
pub fn check_strict(cert: &X509Certificate<'_>, len: usize, self_signed: bool) -> Option<Broken> {
    if len < 2 {
        return None;
    }
    let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    let bc = cert.basic_constraints().ok().flatten();
    let ku = cert.key_usage().ok().flatten();
    let cert_sign = ku.as_ref().is_some_and(|k| k.value.key_cert_sign());
    let crl_sign = ku.as_ref().is_some_and(|k| k.value.crl_sign());
    let san = cert.subject_alternative_name().ok().flatten();
    let subject_empty = cert.subject().iter().next().is_none();
    let critical = |oid: &str| {
        cert.extensions()
            .iter()
            .any(|e| e.critical && e.oid.to_id_string() == oid)
    };
    let aki = cert
        .extensions()
        .iter()
        .any(|e| e.oid.to_id_string() == "2.5.29.35");
    let ski = cert
        .extensions()
        .iter()
        .any(|e| e.oid.to_id_string() == "2.5.29.14");
    let rules: [(bool, Broken); 15] = [
        (
            explicit_curve(cert),
            (
                "X509_V_ERR_EC_KEY_EXPLICIT_PARAMS",
                "Certificate public key has explicit ECC parameters",
            ),
        ),
        (
            bc.as_ref()
                .is_some_and(|b| b.value.path_len_constraint.is_some())
                && !is_ca,
            (
                "X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA",
                "Path length invalid for non-CA cert",
            ),
        ),
        (
            bc.as_ref()
                .is_some_and(|b| b.value.path_len_constraint.is_some())
                && !cert_sign,
            (
                "X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN",
                "Path length given without key usage keyCertSign",
            ),
        ),
        (
            is_ca && !critical("2.5.29.19"),
            (
                "X509_V_ERR_CA_BCONS_NOT_CRITICAL",
                "Basic Constraints of CA cert not marked critical",
            ),
        ),
        (
            is_ca && ku.is_none(),
            (
                "X509_V_ERR_CA_CERT_MISSING_KEY_USAGE",
                "CA cert does not include key usage extension",
            ),
        ),
        (
            !is_ca && cert_sign,
            (
                "X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA",
                "Key usage keyCertSign invalid for non-CA cert",
            ),
        ),
        (
            cert.issuer().iter().next().is_none(),
            ("X509_V_ERR_ISSUER_NAME_EMPTY", "Issuer name empty"),
        ),
        (
            (is_ca || crl_sign || san.is_none()) && subject_empty,
            ("X509_V_ERR_SUBJECT_NAME_EMPTY", "Subject name empty"),
        ),
        (
            subject_empty && san.is_some() && !critical("2.5.29.17"),
            (
                "X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL",
                "Subject empty and Subject Alt Name extension not critical",
            ),
        ),
        (
            san.as_ref()
                .is_some_and(|s| s.value.general_names.is_empty()),
            (
                "X509_V_ERR_EMPTY_SUBJECT_ALT_NAME",
                "Empty Subject Alternative Name extension",
            ),
        ),
        (
            cert.signature_algorithm != cert.tbs_certificate.signature,
            (
                "X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY",
                "cert info signature and signature algorithm mismatch",
            ),
        ),
        (
            critical("2.5.29.35"),
            (
                "X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL",
                "Authority Key Identifier marked critical",
            ),
        ),
        (
            critical("2.5.29.14"),
            (
                "X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL",
                "Subject Key Identifier marked critical",
            ),
        ),
        (
            cert.version() == X509Version::V3 && !aki && !self_signed,
            (
                "X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER",
                "Missing Authority Key Identifier",
            ),
        ),
        (
            cert.version() == X509Version::V3 && is_ca && !ski,
            (
                "X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER",
                "Missing Subject Key Identifier",
            ),
        ),
    ];
    if let Some((_, broken)) = rules.iter().find(|(failed, _)| *failed) {
        return Some(*broken);
    }
    if let Some(broken) = name_constraints_misused(cert, is_ca) {
        return Some(broken);
    }
    if san.as_ref().is_some_and(|s| {
        s.value.general_names.iter().any(|g| match g {
            GeneralName::DNSName(name) => !dns_name_syntax(name),
            GeneralName::RFC822Name(mail) => !mail.contains('@'),
            _ => false,
        })
    }) {
        return Some((
            "MQAUTH_SAN_SYNTAX",
            "subjectAltName entry not in preferred name syntax (RFC 5280 4.2.1.6)",
        ));
    }
    if cert.version() != X509Version::V3 && !cert.extensions().is_empty() {
        return Some((
            "X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3",
            "Using cert extension requires at least X509v3",
        ));
    }
    None
}

/// RFC 5280 4.2.1.10: name constraints only in CA certificates, marked critical, with at least
/// one subtree.
fn name_constraints_misused(cert: &X509Certificate<'_>, is_ca: bool) -> Option<Broken> {
    let e = cert
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == "2.5.29.30")?;
    let empty = match e.parsed_extension() {
        ParsedExtension::NameConstraints(nc) => {
            nc.permitted_subtrees.as_ref().is_none_or(Vec::is_empty)
                && nc.excluded_subtrees.as_ref().is_none_or(Vec::is_empty)
        }
        _ => true,
    };
    if !is_ca {
        Some((
            "MQAUTH_NAME_CONSTRAINTS_IN_LEAF",
            "name constraints in a certificate that is not a CA (RFC 5280 4.2.1.10)",
        ))
    } else if !e.critical {
        Some((
            "MQAUTH_NAME_CONSTRAINTS_NOT_CRITICAL",
            "name constraints not marked critical (RFC 5280 4.2.1.10)",
        ))
    } else if empty {
        Some((
            "MQAUTH_NAME_CONSTRAINTS_EMPTY",
            "name constraints with neither permitted nor excluded subtrees (RFC 5280 4.2.1.10)",
        ))
    } else {
        None
    }
}

/// RFC 1034's preferred name syntax, as RFC 5280 4.2.1.6 requires of dNSName: letters, digits
/// and hyphens in non-empty labels, a wildcard only as a whole left-most label.
fn dns_name_syntax(name: &str) -> bool {
    super::peer_name::ldh_labels(name.strip_prefix("*.").unwrap_or(name), false)
}

/// An EC public key whose parameters are spelled out instead of naming a curve (RFC 5480 §2.1.1
/// forbids them for PKIX; they hide weak or backdoored curves).
pub fn explicit_curve(cert: &X509Certificate<'_>) -> bool {
    let alg = &cert.public_key().algorithm;
    alg.algorithm.to_id_string() == "1.2.840.10045.2.1"
        && alg
            .parameters
            .as_ref()
            .is_some_and(|p| p.tag() == x509_parser::der_parser::asn1_rs::Tag::Sequence)
}
