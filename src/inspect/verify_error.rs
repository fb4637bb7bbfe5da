//! Why `verify` refused a chain: one variant per kind of failure, carrying what the check found,
//! so that callers and tests match on the kind instead of comparing strings. The code and the
//! reason shown to users are derived from the variant, with OpenSSL's names and wording (its
//! `X509_V_ERR_*` codes and `X509_verify_cert_error_string`) so that scripts written against
//! `openssl verify` keep working; checks OpenSSL does not make have codes starting `MQAUTH_`.

use super::name_constraints::Violation;
use super::verify::Purpose;
use std::net::IpAddr;
use time::OffsetDateTime;

/// A verification failure. `Display` (and [`VerifyError::reason`]) is the reason as users see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    // Building the chain.
    /// The certificate is self-signed and not a trust anchor.
    #[error("self-signed certificate")]
    SelfSignedLeaf,
    /// A self-signed certificate that is not a trust anchor ends the chain.
    #[error("self-signed certificate in certificate chain")]
    SelfSignedInChain,
    /// More intermediates than the allowed depth.
    #[error("certificate chain too long")]
    ChainTooLong { max_depth: usize },
    /// No trust anchor or given intermediate issued the certificate.
    #[error("unable to get local issuer certificate")]
    UnknownIssuer,
    /// The chain reached a trust anchor that is not self-signed, and no partial chains are
    /// accepted: its own issuer is missing.
    #[error("unable to get issuer certificate")]
    AnchorIssuerMissing,

    // Extensions checked on every verification.
    #[error("invalid or inconsistent certificate extension")]
    InvalidExtension(ExtensionProblem),
    /// A critical extension mqauth does not apply, by OID.
    #[error("unhandled critical extension")]
    UnhandledCriticalExtension { oid: String },

    // Keys.
    #[error("EE certificate key too weak")]
    EeKeyTooSmall { bits: usize },
    #[error("CA certificate key too weak")]
    CaKeyTooSmall { bits: usize },
    /// DSA, GOST or an EC curve other than P-256, P-384 and P-521: the algorithm's name or the
    /// curve's OID.
    #[error(
        "public key algorithm or curve not accepted (DSA, GOST or a curve other than P-256, P-384, P-521)"
    )]
    KeyAlgorithmNotAccepted { algorithm: String },

    // `--strict`: RFC 5280's rules for conforming CAs, as `openssl verify -x509_strict`.
    #[error("Certificate public key has explicit ECC parameters")]
    ExplicitCurveParameters,
    #[error("Path length invalid for non-CA cert")]
    PathLenForNonCa,
    #[error("Path length given without key usage keyCertSign")]
    PathLenWithoutKeyCertSign,
    #[error("Basic Constraints of CA cert not marked critical")]
    CaBasicConstraintsNotCritical,
    #[error("CA cert does not include key usage extension")]
    CaWithoutKeyUsage,
    #[error("Key usage keyCertSign invalid for non-CA cert")]
    KeyCertSignOnNonCa,
    #[error("Issuer name empty")]
    IssuerNameEmpty,
    #[error("Subject name empty")]
    SubjectNameEmpty,
    #[error("Subject empty and Subject Alt Name extension not critical")]
    EmptySubjectSanNotCritical,
    #[error("Empty Subject Alternative Name extension")]
    EmptySubjectAltName,
    #[error("cert info signature and signature algorithm mismatch")]
    SignatureAlgorithmMismatch,
    #[error("Authority Key Identifier marked critical")]
    AuthorityKeyIdCritical,
    #[error("Subject Key Identifier marked critical")]
    SubjectKeyIdCritical,
    #[error("Missing Authority Key Identifier")]
    MissingAuthorityKeyId,
    #[error("Missing Subject Key Identifier")]
    MissingSubjectKeyId,
    #[error("name constraints in a certificate that is not a CA (RFC 5280 4.2.1.10)")]
    NameConstraintsInLeaf,
    #[error("name constraints not marked critical (RFC 5280 4.2.1.10)")]
    NameConstraintsNotCritical,
    #[error("name constraints with neither permitted nor excluded subtrees (RFC 5280 4.2.1.10)")]
    NameConstraintsEmpty,
    /// The first SAN entry out of its preferred syntax.
    #[error("subjectAltName entry not in preferred name syntax (RFC 5280 4.2.1.6)")]
    SanSyntax { name: String },
    #[error("Using cert extension requires at least X509v3")]
    ExtensionsRequireV3,
    #[error("serial number not a positive integer of at most 20 octets (RFC 5280 4.1.2.2)")]
    InvalidSerial,
    #[error("RSA modulus size not a multiple of 8 bits")]
    RsaModulusSize { bits: usize },

    // CA flags, purpose and path length.
    #[error("invalid CA certificate")]
    InvalidCa(CaProblem),
    #[error("unsuitable certificate purpose")]
    InvalidPurpose { purpose: Purpose },
    /// `limit` is the CA's pathLenConstraint, `below` the intermediates under it.
    #[error("path length constraint exceeded")]
    PathLengthExceeded { limit: u32, below: u32 },

    // The name a client dials.
    #[error("hostname mismatch: not valid for {0}")]
    HostnameMismatch(String),
    #[error("IP address mismatch: not valid for {0}")]
    IpAddressMismatch(IpAddr),

    // Revocation.
    #[error("CRL signature failure")]
    CrlSignatureFailure,
    /// The leaf's issuer published no CRL among those given.
    #[error("unable to get certificate CRL")]
    CrlMissing,
    #[error("key usage does not include CRL signing")]
    IssuerCannotSignCrl,
    #[error("CRL is not yet valid")]
    CrlNotYetValid { this_update: OffsetDateTime },
    #[error("CRL has expired")]
    CrlExpired { next_update: OffsetDateTime },
    #[error("unhandled critical CRL extension")]
    UnhandledCriticalCrlExtension,
    #[error("certificate revoked")]
    Revoked,

    // Signatures and validity.
    #[error("certificate signature failure")]
    BadSignature,
    #[error("certificate is not yet valid")]
    NotYetValid { not_before: OffsetDateTime },
    #[error("certificate has expired")]
    Expired { not_after: OffsetDateTime },

    // Name constraints of a CA above.
    #[error("{}", .0.reason())]
    NameConstraint(Violation),
}

/// What made an extension invalid or inconsistent (all `X509_V_ERR_INVALID_EXTENSION`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionProblem {
    /// The extension appears twice (RFC 5280 4.2), by OID.
    Repeated { oid: String },
    /// The extension's value does not parse, by OID.
    Damaged { oid: String },
    /// A subjectAltName entry that does not parse.
    SanEntry,
    /// basicConstraints with a pathLen but no CA flag.
    PathLenWithoutCa,
}

/// Why an issuer cannot act as a CA (`X509_V_ERR_INVALID_CA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaProblem {
    /// No basicConstraints, or its CA flag is false.
    NotCa,
    /// A keyUsage without keyCertSign.
    NoKeyCertSign,
}

impl VerifyError {
    /// OpenSSL's name for the error (`X509_V_ERR_CERT_REVOKED`), or mqauth's own `MQAUTH_*`.
    pub fn code(&self) -> &'static str {
        use VerifyError::*;
        match self {
            SelfSignedLeaf => "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
            SelfSignedInChain => "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
            ChainTooLong { .. } => "X509_V_ERR_CERT_CHAIN_TOO_LONG",
            UnknownIssuer => "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
            AnchorIssuerMissing => "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT",
            InvalidExtension(_) => "X509_V_ERR_INVALID_EXTENSION",
            UnhandledCriticalExtension { .. } => "X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
            EeKeyTooSmall { .. } => "X509_V_ERR_EE_KEY_TOO_SMALL",
            CaKeyTooSmall { .. } => "X509_V_ERR_CA_KEY_TOO_SMALL",
            KeyAlgorithmNotAccepted { .. } => "MQAUTH_KEY_ALGORITHM",
            ExplicitCurveParameters => "X509_V_ERR_EC_KEY_EXPLICIT_PARAMS",
            PathLenForNonCa => "X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA",
            PathLenWithoutKeyCertSign => "X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN",
            CaBasicConstraintsNotCritical => "X509_V_ERR_CA_BCONS_NOT_CRITICAL",
            CaWithoutKeyUsage => "X509_V_ERR_CA_CERT_MISSING_KEY_USAGE",
            KeyCertSignOnNonCa => "X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA",
            IssuerNameEmpty => "X509_V_ERR_ISSUER_NAME_EMPTY",
            SubjectNameEmpty => "X509_V_ERR_SUBJECT_NAME_EMPTY",
            EmptySubjectSanNotCritical => "X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL",
            EmptySubjectAltName => "X509_V_ERR_EMPTY_SUBJECT_ALT_NAME",
            SignatureAlgorithmMismatch => "X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY",
            AuthorityKeyIdCritical => "X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL",
            SubjectKeyIdCritical => "X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL",
            MissingAuthorityKeyId => "X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER",
            MissingSubjectKeyId => "X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER",
            NameConstraintsInLeaf => "MQAUTH_NAME_CONSTRAINTS_IN_LEAF",
            NameConstraintsNotCritical => "MQAUTH_NAME_CONSTRAINTS_NOT_CRITICAL",
            NameConstraintsEmpty => "MQAUTH_NAME_CONSTRAINTS_EMPTY",
            SanSyntax { .. } => "MQAUTH_SAN_SYNTAX",
            ExtensionsRequireV3 => "X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3",
            InvalidSerial => "MQAUTH_INVALID_SERIAL",
            RsaModulusSize { .. } => "MQAUTH_RSA_KEY_SIZE",
            InvalidCa(_) => "X509_V_ERR_INVALID_CA",
            InvalidPurpose { .. } => "X509_V_ERR_INVALID_PURPOSE",
            PathLengthExceeded { .. } => "X509_V_ERR_PATH_LENGTH_EXCEEDED",
            HostnameMismatch(_) => "X509_V_ERR_HOSTNAME_MISMATCH",
            IpAddressMismatch(_) => "X509_V_ERR_IP_ADDRESS_MISMATCH",
            CrlSignatureFailure => "X509_V_ERR_CRL_SIGNATURE_FAILURE",
            CrlMissing => "X509_V_ERR_UNABLE_TO_GET_CRL",
            IssuerCannotSignCrl => "X509_V_ERR_KEYUSAGE_NO_CRL_SIGN",
            CrlNotYetValid { .. } => "X509_V_ERR_CRL_NOT_YET_VALID",
            CrlExpired { .. } => "X509_V_ERR_CRL_HAS_EXPIRED",
            UnhandledCriticalCrlExtension => "X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION",
            Revoked => "X509_V_ERR_CERT_REVOKED",
            BadSignature => "X509_V_ERR_CERT_SIGNATURE_FAILURE",
            NotYetValid { .. } => "X509_V_ERR_CERT_NOT_YET_VALID",
            Expired { .. } => "X509_V_ERR_CERT_HAS_EXPIRED",
            NameConstraint(v) => v.code(),
        }
    }

    /// OpenSSL's description (`certificate revoked`), as `verify` prints it.
    pub fn reason(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words and codes scripts match on: those with context in them, and those delegated.
    #[test]
    fn codes_and_reasons_as_openssl_words_them() {
        let cases = [
            (
                VerifyError::HostnameMismatch("mqtt.example.com".into()),
                "X509_V_ERR_HOSTNAME_MISMATCH",
                "hostname mismatch: not valid for mqtt.example.com",
            ),
            (
                VerifyError::IpAddressMismatch("::1".parse().expect("ip")),
                "X509_V_ERR_IP_ADDRESS_MISMATCH",
                "IP address mismatch: not valid for ::1",
            ),
            (
                VerifyError::NameConstraint(Violation::Excluded),
                "X509_V_ERR_EXCLUDED_VIOLATION",
                "excluded subtree violation",
            ),
            (
                VerifyError::InvalidExtension(ExtensionProblem::SanEntry),
                "X509_V_ERR_INVALID_EXTENSION",
                "invalid or inconsistent certificate extension",
            ),
            (
                VerifyError::RsaModulusSize { bits: 2047 },
                "MQAUTH_RSA_KEY_SIZE",
                "RSA modulus size not a multiple of 8 bits",
            ),
            (
                VerifyError::Expired {
                    not_after: OffsetDateTime::UNIX_EPOCH,
                },
                "X509_V_ERR_CERT_HAS_EXPIRED",
                "certificate has expired",
            ),
        ];
        for (error, code, reason) in cases {
            assert_eq!((error.code(), error.reason().as_str()), (code, reason));
        }
        let too_complex = VerifyError::NameConstraint(Violation::TooComplex).reason();
        assert!(too_complex.starts_with("name constraints too complex: more than 1048576"));
    }
}
