//! What a certificate's extensions must be for `verify`: the ones always enforced (known critical
//! extensions only, none repeated or damaged, as OpenSSL's `check_extensions` and its extension
//! cache decide) and RFC 5280's rules for conforming CAs that `--strict` adds, as
//! `openssl verify -x509_strict` does, with OpenSSL's codes and wording.

use super::verify_error::{ExtensionProblem, VerifyError};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::X509Certificate;
use x509_parser::x509::X509Version;

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
pub fn check_always(cert: &X509Certificate<'_>) -> Option<VerifyError> {
    let extensions = cert.extensions();
    for (i, e) in extensions.iter().enumerate() {
        let oid = || e.oid.to_id_string();
        // Repeated (RFC 5280 4.2: "MUST NOT include more than one instance") or unparsable.
        if extensions[..i].iter().any(|other| other.oid == e.oid) {
            return Some(VerifyError::InvalidExtension(ExtensionProblem::Repeated {
                oid: oid(),
            }));
        }
        if matches!(e.parsed_extension(), ParsedExtension::ParseError { .. }) {
            return Some(VerifyError::InvalidExtension(ExtensionProblem::Damaged {
                oid: oid(),
            }));
        }
    }
    if let Some(e) = extensions
        .iter()
        .find(|e| e.critical && !HANDLED_CRITICAL.contains(&e.oid.to_id_string().as_str()))
    {
        return Some(VerifyError::UnhandledCriticalExtension {
            oid: e.oid.to_id_string(),
        });
    }
    // A SAN whose names do not parse, or a basicConstraints pathLen on a non-CA.
    if let Ok(Some(san)) = cert.subject_alternative_name()
        && san
            .value
            .general_names
            .iter()
            .any(|g| matches!(g, GeneralName::Invalid(..)))
    {
        return Some(VerifyError::InvalidExtension(ExtensionProblem::SanEntry));
    }
    if let Ok(Some(bc)) = cert.basic_constraints()
        && !bc.value.ca
        && bc.value.path_len_constraint.is_some()
    {
        return Some(VerifyError::InvalidExtension(
            ExtensionProblem::PathLenWithoutCa,
        ));
    }
    None
}

/// RFC 5280's rules for certificates issued by conforming CAs (`--strict`), for a certificate
/// at `depth` of a chain of `len` certificates. Like OpenSSL, a lone self-issued leaf is spared
/// (RFC 6818 §2).
pub fn check_strict(
    cert: &X509Certificate<'_>,
    len: usize,
    self_signed: bool,
) -> Option<VerifyError> {
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
    use VerifyError::*;
    let has_path_len = bc
        .as_ref()
        .is_some_and(|b| b.value.path_len_constraint.is_some());
    let rules = [
        (explicit_curve(cert), ExplicitCurveParameters),
        (has_path_len && !is_ca, PathLenForNonCa),
        (has_path_len && !cert_sign, PathLenWithoutKeyCertSign),
        (
            is_ca && !critical("2.5.29.19"),
            CaBasicConstraintsNotCritical,
        ),
        (is_ca && ku.is_none(), CaWithoutKeyUsage),
        (!is_ca && cert_sign, KeyCertSignOnNonCa),
        (cert.issuer().iter().next().is_none(), IssuerNameEmpty),
        (
            (is_ca || crl_sign || san.is_none()) && subject_empty,
            SubjectNameEmpty,
        ),
        (
            subject_empty && san.is_some() && !critical("2.5.29.17"),
            EmptySubjectSanNotCritical,
        ),
        (
            san.as_ref()
                .is_some_and(|s| s.value.general_names.is_empty()),
            EmptySubjectAltName,
        ),
        (
            cert.signature_algorithm != cert.tbs_certificate.signature,
            SignatureAlgorithmMismatch,
        ),
        (critical("2.5.29.35"), AuthorityKeyIdCritical),
        (critical("2.5.29.14"), SubjectKeyIdCritical),
        (
            cert.version() == X509Version::V3 && !aki && !self_signed,
            MissingAuthorityKeyId,
        ),
        (
            cert.version() == X509Version::V3 && is_ca && !ski,
            MissingSubjectKeyId,
        ),
    ];
    if let Some((_, broken)) = rules.into_iter().find(|(failed, _)| *failed) {
        return Some(broken);
    }
    if let Some(broken) = name_constraints_misused(cert, is_ca) {
        return Some(broken);
    }
    let misspelt = san.as_ref().and_then(|s| {
        s.value.general_names.iter().find_map(|g| match g {
            GeneralName::DNSName(name) if !dns_name_syntax(name) => Some(name.to_string()),
            GeneralName::RFC822Name(mail) if !mail.contains('@') => Some(mail.to_string()),
            _ => None,
        })
    });
    if let Some(name) = misspelt {
        return Some(SanSyntax { name });
    }
    if cert.version() != X509Version::V3 && !cert.extensions().is_empty() {
        return Some(ExtensionsRequireV3);
    }
    None
}

/// RFC 5280 4.2.1.10: name constraints only in CA certificates, marked critical, with at least
/// one subtree.
fn name_constraints_misused(cert: &X509Certificate<'_>, is_ca: bool) -> Option<VerifyError> {
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
        Some(VerifyError::NameConstraintsInLeaf)
    } else if !e.critical {
        Some(VerifyError::NameConstraintsNotCritical)
    } else if empty {
        Some(VerifyError::NameConstraintsEmpty)
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
