//! The verifier on chains built in-process with rcgen, one family of checks at a time, asserting
//! the [`VerifyError`] variant (not its wording) and the depth it is reported at, as
//! rustls-webpki's own tests do. The CLI's words are covered by the integration suite.

use super::*;
use crate::inspect::Violation;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CustomExtension,
    DistinguishedName, DnType, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod,
    KeyPair, KeyUsagePurpose, NameConstraints, RevokedCertParams, SerialNumber,
};
use time::macros::datetime;

/// The moment every chain is verified at; certificates are valid 2020 to 2040.
const AT: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);

fn params(cn: &str, serial: u64) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = datetime!(2020-01-01 0:00 UTC);
    p.not_after = datetime!(2040-01-01 0:00 UTC);
    p.serial_number = Some(SerialNumber::from(serial));
    p.use_authority_key_identifier_extension = true;
    p
}

fn ca(cn: &str, serial: u64) -> CertificateParams {
    let mut p = params(cn, serial);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

fn leaf(cn: &str, sans: &[&str]) -> CertificateParams {
    let mut p = params(cn, 100);
    p.subject_alt_names =
        CertificateParams::new(sans.iter().map(|s| (*s).to_string()).collect::<Vec<_>>())
            .expect("SANs")
            .subject_alt_names;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    p
}

/// A CA that can sign: its certificate and the means to issue under it.
struct Ca {
    der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
    key_id: Vec<u8>,
}

impl Ca {
    fn root(p: CertificateParams) -> Ca {
        let key = KeyPair::generate().expect("key");
        let der = p.self_signed(&key).expect("root").der().to_vec();
        Ca::new(der, p, key)
    }

    fn new(der: Vec<u8>, p: CertificateParams, key: KeyPair) -> Ca {
        let key_id = p.key_identifier(&key);
        Ca {
            der,
            issuer: Issuer::new(p, key),
            key_id,
        }
    }

    fn intermediate(&self, p: CertificateParams) -> Ca {
        let key = KeyPair::generate().expect("key");
        let der = p.signed_by(&key, &self.issuer).expect("CA").der().to_vec();
        Ca::new(der, p, key)
    }

    fn issue(&self, p: CertificateParams) -> Vec<u8> {
        let key = KeyPair::generate().expect("key");
        p.signed_by(&key, &self.issuer)
            .expect("leaf")
            .der()
            .to_vec()
    }

    /// A CRL from this CA, valid until `next_update`, listing `serials`.
    fn crl(&self, serials: &[u64], next_update: OffsetDateTime) -> Vec<u8> {
        let params = CertificateRevocationListParams {
            this_update: datetime!(2029-12-01 0:00 UTC),
            next_update,
            crl_number: SerialNumber::from(1),
            issuing_distribution_point: None,
            revoked_certs: serials
                .iter()
                .map(|s| RevokedCertParams {
                    serial_number: SerialNumber::from(*s),
                    revocation_time: datetime!(2029-12-01 0:00 UTC),
                    reason_code: None,
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::PreSpecified(self.key_id.clone()),
        };
        params.signed_by(&self.issuer).expect("CRL").der().to_vec()
    }
}

/// What a test hands the verifier besides the leaf.
#[derive(Default)]
struct Setup {
    anchors: Vec<Vec<u8>>,
    untrusted: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
}

fn trusting(root: &Ca) -> Setup {
    Setup {
        anchors: vec![root.der.clone()],
        ..Setup::default()
    }
}

impl Setup {
    fn with(mut self, inter: &Ca) -> Setup {
        self.untrusted.push(inter.der.clone());
        self
    }

    fn verdict(&self, leaf: &[u8], opts: VerifyOptions) -> Verdict {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("leaf.der");
        std::fs::write(&file, leaf).expect("write");
        let mut opts = opts;
        for (i, crl) in self.crls.iter().enumerate() {
            opts.crls
                .add(&dir.path().join(format!("{i}.crl")), crl)
                .expect("CRL");
        }
        verify_file(&file, &self.anchors, &self.untrusted, &opts).expect("verify")
    }

    fn check(&self, leaf: &[u8], opts: VerifyOptions) -> Option<(usize, VerifyError)> {
        self.verdict(leaf, opts).failure.map(|f| (f.depth, f.error))
    }

    fn check_at(&self, leaf: &[u8]) -> Option<(usize, VerifyError)> {
        self.check(leaf, VerifyOptions::at(AT))
    }
}

fn for_purpose(purpose: Purpose) -> VerifyOptions {
    VerifyOptions {
        purpose: Some(purpose),
        ..VerifyOptions::at(AT)
    }
}

#[test]
fn ok_chain_through_an_intermediate() {
    let root = Ca::root(ca("Root", 1));
    let inter = root.intermediate(ca("Intermediate", 2));
    let leaf = inter.issue(leaf("device", &["device.example.com"]));
    let verdict = trusting(&root)
        .with(&inter)
        .verdict(&leaf, for_purpose(Purpose::Client));
    assert_eq!(verdict.failure, None);
    assert_eq!(verdict.chain, ["CN=device", "CN=Intermediate", "CN=Root"]);
    assert_eq!(verdict.cn.as_deref(), Some("device"));
}

#[test]
fn validity_periods() {
    let root = Ca::root(ca("Root", 1));
    let mut expired = leaf("old", &[]);
    expired.not_after = datetime!(2025-01-01 0:00 UTC);
    assert_eq!(
        trusting(&root).check_at(&root.issue(expired)),
        Some((
            0,
            VerifyError::Expired {
                not_after: datetime!(2025-01-01 0:00 UTC)
            }
        ))
    );
    let mut early = leaf("early", &[]);
    early.not_before = datetime!(2035-01-01 0:00 UTC);
    assert_eq!(
        trusting(&root).check_at(&root.issue(early)),
        Some((
            0,
            VerifyError::NotYetValid {
                not_before: datetime!(2035-01-01 0:00 UTC)
            }
        ))
    );
    // OpenSSL counts the notAfter second itself as expired.
    let mut edge = leaf("edge", &[]);
    edge.not_after = AT;
    assert!(matches!(
        trusting(&root).check_at(&root.issue(edge)),
        Some((0, VerifyError::Expired { .. }))
    ));
}

#[test]
fn chains_that_cannot_be_built() {
    let root = Ca::root(ca("Root", 1));
    let inter = root.intermediate(ca("Intermediate", 2));
    let device = inter.issue(leaf("device", &[]));
    // The intermediate not given.
    assert_eq!(
        trusting(&root).check_at(&device),
        Some((0, VerifyError::UnknownIssuer))
    );
    // Another root of the same name is not the issuer: the key identifiers differ.
    let impostor = Ca::root(ca("Root", 1));
    assert_eq!(
        trusting(&impostor).with(&inter).check_at(&device),
        Some((1, VerifyError::UnknownIssuer))
    );
    // A trust anchor that is not self-signed, with its own issuer missing.
    let anchored_at_inter = Setup {
        anchors: vec![inter.der.clone()],
        ..Setup::default()
    };
    assert_eq!(
        anchored_at_inter.check_at(&device),
        Some((1, VerifyError::AnchorIssuerMissing))
    );
    // A self-signed certificate that is not trusted, alone or ending the chain.
    assert_eq!(
        trusting(&impostor).check_at(&root.der),
        Some((0, VerifyError::SelfSignedLeaf))
    );
    let mut untrusted_root = trusting(&impostor).with(&inter);
    untrusted_root.untrusted.push(root.der.clone());
    assert_eq!(
        untrusted_root.check_at(&device),
        Some((2, VerifyError::SelfSignedInChain))
    );
}

#[test]
fn chain_longer_than_the_depth_allows() {
    let root = Ca::root(ca("Root", 1));
    let inter = root.intermediate(ca("Intermediate", 2));
    let device = inter.issue(leaf("device", &[]));
    let shallow = VerifyOptions {
        max_depth: 0,
        ..VerifyOptions::at(AT)
    };
    assert_eq!(
        trusting(&root).with(&inter).check(&device, shallow),
        Some((1, VerifyError::ChainTooLong { max_depth: 0 }))
    );
}

#[test]
fn damaged_signature() {
    let root = Ca::root(ca("Root", 1));
    let mut device = root.issue(leaf("device", &[]));
    // The last byte is inside the ECDSA signature's s value: it still parses, and is wrong.
    if let Some(last) = device.last_mut() {
        *last ^= 0x01;
    }
    assert_eq!(
        trusting(&root).check_at(&device),
        Some((0, VerifyError::BadSignature))
    );
}

#[test]
fn issuer_without_the_ca_flag() {
    let root = Ca::root(ca("Root", 1));
    let mut not_ca = ca("Not a CA", 2);
    not_ca.is_ca = IsCa::ExplicitNoCa;
    let inter = root.intermediate(not_ca);
    let device = inter.issue(leaf("device", &[]));
    assert_eq!(
        trusting(&root).with(&inter).check_at(&device),
        Some((1, VerifyError::InvalidCa(CaProblem::NotCa)))
    );
}

#[test]
fn path_length_exceeded() {
    let mut constrained = ca("Root", 1);
    constrained.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let root = Ca::root(constrained);
    let inter = root.intermediate(ca("Intermediate", 2));
    let device = inter.issue(leaf("device", &[]));
    assert_eq!(
        trusting(&root).with(&inter).check_at(&device),
        Some((2, VerifyError::PathLengthExceeded { limit: 0, below: 1 }))
    );
}

#[test]
fn purpose_from_the_extended_key_usage() {
    let root = Ca::root(ca("Root", 1));
    let mut server_only = leaf("broker", &["mqtt.example.com"]);
    server_only.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let broker = root.issue(server_only);
    assert_eq!(
        trusting(&root).check(&broker, for_purpose(Purpose::Server)),
        None
    );
    assert_eq!(
        trusting(&root).check(&broker, for_purpose(Purpose::Client)),
        Some((
            0,
            VerifyError::InvalidPurpose {
                purpose: Purpose::Client
            }
        ))
    );
}

#[test]
fn revocation_by_crl() {
    let root = Ca::root(ca("Root", 1));
    let device = root.issue(leaf("device", &[]));
    let mut setup = trusting(&root);
    setup
        .crls
        .push(root.crl(&[7], datetime!(2030-02-01 0:00 UTC)));
    assert_eq!(setup.check_at(&device), None);
    setup.crls = vec![root.crl(&[100], datetime!(2030-02-01 0:00 UTC))];
    assert_eq!(setup.check_at(&device), Some((0, VerifyError::Revoked)));
    setup.crls = vec![root.crl(&[], datetime!(2029-12-15 0:00 UTC))];
    assert_eq!(
        setup.check_at(&device),
        Some((
            0,
            VerifyError::CrlExpired {
                next_update: datetime!(2029-12-15 0:00 UTC)
            }
        ))
    );
    // CRLs given, but none from the leaf's issuer.
    let inter = root.intermediate(ca("Intermediate", 2));
    let below = inter.issue(leaf("device", &[]));
    setup.crls = vec![root.crl(&[], datetime!(2030-02-01 0:00 UTC))];
    assert_eq!(
        setup.with(&inter).check_at(&below),
        Some((0, VerifyError::CrlMissing))
    );
}

#[test]
fn name_constraints_of_an_intermediate() {
    let root = Ca::root(ca("Root", 1));
    let mut constrained = ca("Constrained", 2);
    constrained.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".into())],
        excluded_subtrees: vec![GeneralSubtree::DnsName("bad.example.com".into())],
    });
    let inter = root.intermediate(constrained);
    let setup = trusting(&root).with(&inter);
    let inside = inter.issue(leaf("ok", &["mqtt.example.com"]));
    assert_eq!(setup.check_at(&inside), None);
    let outside = inter.issue(leaf("evil", &["mqtt.evil.org"]));
    assert_eq!(
        setup.check_at(&outside),
        Some((0, VerifyError::NameConstraint(Violation::Permitted)))
    );
    let excluded = inter.issue(leaf("bad", &["x.bad.example.com"]));
    assert_eq!(
        setup.check_at(&excluded),
        Some((0, VerifyError::NameConstraint(Violation::Excluded)))
    );
}

#[test]
fn peer_names() {
    let root = Ca::root(ca("Root", 1));
    let broker = root.issue(leaf("broker", &["mqtt.example.com", "10.0.0.1"]));
    let dialling = |names: Vec<PeerName>| VerifyOptions {
        peer_names: names,
        ..VerifyOptions::at(AT)
    };
    let host = |h: &str| PeerName::host(h).expect("host");
    let ip = |a: &str| PeerName::ip(a).expect("ip");
    assert_eq!(
        trusting(&root).check(
            &broker,
            dialling(vec![host("mqtt.example.com"), ip("10.0.0.1")])
        ),
        None
    );
    assert_eq!(
        trusting(&root).check(&broker, dialling(vec![host("other.example.com")])),
        Some((0, VerifyError::HostnameMismatch("other.example.com".into())))
    );
    assert_eq!(
        trusting(&root).check(&broker, dialling(vec![ip("10.0.0.2")])),
        Some((0, VerifyError::IpAddressMismatch([10, 0, 0, 2].into())))
    );
}

#[test]
fn unhandled_critical_extension() {
    let root = Ca::root(ca("Root", 1));
    let mut odd = leaf("device", &[]);
    let mut ext = CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![5, 0]);
    ext.set_criticality(true);
    odd.custom_extensions = vec![ext];
    assert_eq!(
        trusting(&root).check_at(&root.issue(odd)),
        Some((
            0,
            VerifyError::UnhandledCriticalExtension {
                oid: "1.3.6.1.4.1.99999.1".into()
            }
        ))
    );
}

/// DER of a tag and its contents.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// An RSA public key with a modulus of exactly `bits` bits. Nothing ever signs with it, so it
/// need not be a real key: the verifier only measures it.
fn rsa_spki(bits: usize) -> rcgen::SubjectPublicKeyInfo {
    let mut modulus = vec![0u8; bits.div_ceil(8)];
    modulus.fill(0xA5);
    modulus[0] = 0xFF >> ((8 - bits % 8) % 8);
    // DER integers are minimal and signed: a zero byte only before a set top bit.
    if modulus[0] & 0x80 != 0 {
        modulus.insert(0, 0);
    }
    let rsa_key = tlv(
        0x30,
        &[tlv(0x02, &modulus), tlv(0x02, &[0x01, 0x00, 0x01])].concat(),
    );
    let rsa_encryption = [
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let spki = tlv(
        0x30,
        &[
            tlv(0x30, &rsa_encryption),
            tlv(0x03, &[&[0u8][..], &rsa_key].concat()),
        ]
        .concat(),
    );
    rcgen::SubjectPublicKeyInfo::from_der(&spki).expect("SPKI")
}

#[test]
fn weak_and_odd_rsa_keys() {
    let root = Ca::root(ca("Root", 1));
    let with_key = |bits: usize| {
        leaf("device", &["device.example.com"])
            .signed_by(&rsa_spki(bits), &root.issuer)
            .expect("leaf")
            .der()
            .to_vec()
    };
    assert_eq!(
        trusting(&root).check_at(&with_key(1024)),
        Some((0, VerifyError::EeKeyTooSmall { bits: 1024 }))
    );
    let strict = VerifyOptions {
        strict: true,
        ..VerifyOptions::at(AT)
    };
    let odd = with_key(2055);
    assert_eq!(trusting(&root).check_at(&odd), None);
    assert_eq!(
        trusting(&root).check(&odd, strict.clone()),
        Some((0, VerifyError::RsaModulusSize { bits: 2055 }))
    );
    assert_eq!(trusting(&root).check(&with_key(2048), strict), None);
}

#[test]
fn strict_rules_for_conforming_cas() {
    let root = Ca::root(ca("Root", 1));
    let mut signing_leaf = leaf("device", &["device.example.com"]);
    signing_leaf.key_usages.push(KeyUsagePurpose::KeyCertSign);
    let device = root.issue(signing_leaf);
    let strict = VerifyOptions {
        strict: true,
        ..VerifyOptions::at(AT)
    };
    assert_eq!(trusting(&root).check_at(&device), None);
    assert_eq!(
        trusting(&root).check(&device, strict.clone()),
        Some((0, VerifyError::KeyCertSignOnNonCa))
    );
    let mut no_aki = leaf("device", &["device.example.com"]);
    no_aki.use_authority_key_identifier_extension = false;
    assert_eq!(
        trusting(&root).check(&root.issue(no_aki), strict.clone()),
        Some((0, VerifyError::MissingAuthorityKeyId))
    );
    let bad_san = leaf("device", &["under_score.example.com"]);
    assert_eq!(
        trusting(&root).check(&root.issue(bad_san), strict),
        Some((
            0,
            VerifyError::SanSyntax {
                name: "under_score.example.com".into()
            }
        ))
    );
}
