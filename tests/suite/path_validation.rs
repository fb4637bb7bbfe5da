//! `mqauth verify` against `openssl verify` on crafted chains: name constraints, critical and
//! malformed extensions, depth, weak roots, peer names, `--strict`. For every chain OpenSSL
//! refuses, mqauth must refuse it too, for the same class of reason.

use crate::common::*;
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType,
};
use std::fs;
use std::path::Path;

fn named(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

fn ca(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name = named(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.use_authority_key_identifier_extension = true;
    p
}

fn leaf(cn: &str, sans: &[&str]) -> CertificateParams {
    let mut p = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("params");
    p.distinguished_name = named(cn);
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    p.use_authority_key_identifier_extension = true;
    p
}

/// Writes root.pem, (inter.pem,) leaf.pem signed down the chain into `dir`.
fn write_chain(
    dir: &Path,
    root: CertificateParams,
    inter: Option<CertificateParams>,
    leaf: CertificateParams,
) {
    let root_key = KeyPair::generate().expect("key");
    let root_cert = root.self_signed(&root_key).expect("root");
    fs::write(dir.join("root.pem"), root_cert.pem()).expect("write");
    let mut issuer = Issuer::new(root, root_key);
    if let Some(inter) = inter {
        let key = KeyPair::generate().expect("key");
        let cert = inter.signed_by(&key, &issuer).expect("intermediate");
        fs::write(dir.join("inter.pem"), cert.pem()).expect("write");
        issuer = Issuer::new(inter, key);
    }
    let key = KeyPair::generate().expect("key");
    let cert = leaf.signed_by(&key, &issuer).expect("leaf");
    fs::write(dir.join("leaf.pem"), cert.pem()).expect("write");
}

/// OpenSSL's verdict and its words on the chain in `dir`.
fn openssl(dir: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["verify", "-CAfile", "root.pem"];
    if dir.join("inter.pem").exists() {
        args.extend(["-untrusted", "inter.pem"]);
    }
    args.extend(extra);
    args.push("leaf.pem");
    let out = run_tool("openssl", &args, dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// mqauth's verdict: `None` when it accepts, or the failure's code and reason.
fn mqauth_verdict(dir: &Path, extra: &[&str]) -> Option<(String, String)> {
    let mut args = vec!["-q", "verify", "--json", "--ca", "root.pem"];
    if dir.join("inter.pem").exists() {
        args.extend(["--untrusted", "inter.pem"]);
    }
    args.extend(extra);
    args.push("leaf.pem");
    let out = run(dir, args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify --json: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let row = &json[0];
    if row["ok"] == true {
        assert_eq!(out.status.code(), Some(0));
        return None;
    }
    assert_eq!(out.status.code(), Some(4), "{row}");
    Some((
        row["code"].as_str().unwrap_or_default().to_string(),
        row["error"].as_str().unwrap_or_default().to_string(),
    ))
}

/// Both refuse: OpenSSL with `openssl_words`, mqauth with `code` and the same words.
fn both_refuse(dir: &Path, flags: (&[&str], &[&str]), code: &str, openssl_words: &str) {
    let (ossl_ok, ossl_text) = openssl(dir, flags.1);
    assert!(!ossl_ok, "openssl accepted: {ossl_text}");
    assert!(ossl_text.contains(openssl_words), "openssl: {ossl_text}");
    let (got_code, reason) = mqauth_verdict(dir, flags.0).expect("mqauth must refuse");
    assert_eq!(got_code, code, "{reason}");
    assert!(reason.contains(openssl_words), "mqauth: {reason}");
}

fn both_accept(dir: &Path, flags: (&[&str], &[&str])) {
    let (ossl_ok, ossl_text) = openssl(dir, flags.1);
    assert!(ossl_ok, "openssl refused: {ossl_text}");
    assert_eq!(mqauth_verdict(dir, flags.0), None);
}

const NONE: (&[&str], &[&str]) = (&[], &[]);

/// Both refuse a certificate with a repeated or damaged extension: OpenSSL marks it invalid
/// ("invalid certificate") and then finds no issuer for it; mqauth names the extension.
fn both_refuse_invalid(dir: &Path) {
    let (ossl_ok, ossl_text) = openssl(dir, &[]);
    assert!(
        !ossl_ok && ossl_text.contains("invalid certificate"),
        "{ossl_text}"
    );
    let (code, reason) = mqauth_verdict(dir, &[]).expect("refused");
    assert_eq!(code, "X509_V_ERR_INVALID_EXTENSION", "{reason}");
}

#[test]
fn name_constraints_on_dns_ip_directory_and_email() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let constrained = |permitted: Vec<GeneralSubtree>, excluded: Vec<GeneralSubtree>| {
        let mut p = ca("Constrained CA");
        p.name_constraints = Some(NameConstraints {
            permitted_subtrees: permitted,
            excluded_subtrees: excluded,
        });
        p
    };
    let dns = || vec![GeneralSubtree::DnsName("example.com".into())];

    write_chain(
        d,
        ca("Root"),
        Some(constrained(dns(), vec![])),
        leaf("ok", &["mqtt.example.com"]),
    );
    both_accept(d, NONE);
    // Outside, and across a label boundary: "badexample.com" is not in example.com.
    for outside in ["mqtt.evil.org", "badexample.com"] {
        write_chain(
            d,
            ca("Root"),
            Some(constrained(dns(), vec![])),
            leaf("bad", &[outside]),
        );
        both_refuse(
            d,
            NONE,
            "X509_V_ERR_PERMITTED_VIOLATION",
            "permitted subtree violation",
        );
    }

    // On the trust anchor itself, an excluded IPv4 range.
    let ten = GeneralSubtree::IpAddress(CidrSubnet::V4([10, 0, 0, 0], [255, 0, 0, 0]));
    let mut root = ca("Root");
    root.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![],
        excluded_subtrees: vec![ten],
    });
    write_chain(d, root, None, leaf("bad", &["10.1.2.3"]));
    both_refuse(
        d,
        NONE,
        "X509_V_ERR_EXCLUDED_VIOLATION",
        "excluded subtree violation",
    );

    // Directory names: the subject must lie under O=Acme.
    let mut acme = DistinguishedName::new();
    acme.push(DnType::OrganizationName, "Acme");
    let mut other = leaf("device", &["device.example.com"]);
    other
        .distinguished_name
        .push(DnType::OrganizationName, "Other");
    write_chain(
        d,
        ca("Root"),
        Some(constrained(
            vec![GeneralSubtree::DirectoryName(acme)],
            vec![],
        )),
        other,
    );
    both_refuse(
        d,
        NONE,
        "X509_V_ERR_PERMITTED_VIOLATION",
        "permitted subtree violation",
    );

    // E-mail addresses in the SAN.
    let mut mail = leaf("mail", &[]);
    mail.subject_alt_names = vec![SanType::Rfc822Name("ops@evil.org".try_into().expect("ia5"))];
    write_chain(
        d,
        ca("Root"),
        Some(constrained(
            vec![GeneralSubtree::Rfc822Name("example.com".into())],
            vec![],
        )),
        mail,
    );
    both_refuse(
        d,
        NONE,
        "X509_V_ERR_PERMITTED_VIOLATION",
        "permitted subtree violation",
    );
}

#[test]
fn name_constraints_have_a_work_budget() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let mut inter = ca("Many constraints");
    inter.name_constraints = Some(NameConstraints {
        permitted_subtrees: (0..1100)
            .map(|i| GeneralSubtree::DnsName(format!("d{i}.example.com")))
            .collect(),
        excluded_subtrees: vec![],
    });
    let names: Vec<String> = (0..1000)
        .map(|i| format!("h{i}.d{i}.example.com"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    write_chain(d, ca("Root"), Some(inter), leaf("many", &names));
    let started = std::time::Instant::now();
    let (code, reason) = mqauth_verdict(d, &[]).expect("refused");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(code, "X509_V_ERR_UNSPECIFIED");
    assert!(reason.contains("name constraints too complex"), "{reason}");
    let (ossl_ok, _) = openssl(d, &[]);
    assert!(!ossl_ok, "openssl refuses it too, with its own budget");
}

/// A subjectAltName holding DNS:b.example.com, as DER.
fn b_example_com() -> Vec<u8> {
    let name = b"b.example.com";
    let mut der = vec![0x30, name.len() as u8 + 2, 0x82, name.len() as u8];
    der.extend_from_slice(name);
    der
}

/// A root and a leaf (SAN a.example.com) that carries `ext` besides rcgen's own extensions.
fn write_leaf_with(dir: &Path, cn: &str, ext: CustomExtension) {
    let mut p = leaf(cn, &["a.example.com"]);
    p.custom_extensions = vec![ext];
    write_chain(dir, ca("Root"), None, p);
}

/// An extension under `oid` with DER `content`.
fn extension(oid: &[u64], content: Vec<u8>, critical: bool) -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(oid, content);
    e.set_criticality(critical);
    e
}

#[test]
fn unknown_critical_repeated_and_malformed_extensions() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    // A private extension marked critical.
    write_leaf_with(
        d,
        "critical",
        extension(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![0x05, 0x00], true),
    );
    both_refuse(
        d,
        NONE,
        "X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
        "unhandled critical extension",
    );

    // authorityInfoAccess, well formed but critical: OpenSSL does not process it either.
    let url = b"http://ocsp.example.com";
    let mut access = vec![
        0x06,
        0x08,
        0x2b,
        0x06,
        0x01,
        0x05,
        0x05,
        0x07,
        0x30,
        0x01,
        0x86,
        url.len() as u8,
    ];
    access.extend_from_slice(url);
    let mut aia = vec![0x30, (access.len() + 2) as u8, 0x30, access.len() as u8];
    aia.extend(access);
    write_leaf_with(d, "aia", extension(&[1, 3, 6, 1, 5, 5, 7, 1, 1], aia, true));
    both_refuse(
        d,
        NONE,
        "X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
        "unhandled critical extension",
    );

    // The subjectAltName twice: OpenSSL marks the certificate invalid and then finds no
    // issuer for it; mqauth names the extension.
    write_leaf_with(
        d,
        "twice",
        extension(&[2, 5, 29, 17], b_example_com(), false),
    );
    both_refuse_invalid(d);

    // A basicConstraints that does not parse.
    write_leaf_with(
        d,
        "damaged",
        extension(&[2, 5, 29, 19], vec![0x04, 0x01, 0x00], true),
    );
    both_refuse_invalid(d);
}

#[test]
fn max_depth_counts_intermediates() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write_chain(
        d,
        ca("Root"),
        Some(ca("Intermediate")),
        leaf("leaf", &["a.example.com"]),
    );
    both_accept(d, (&["--max-depth", "1"], &["-verify_depth", "1"]));
    both_refuse(
        d,
        (&["--max-depth", "0"], &["-verify_depth", "0"]),
        "X509_V_ERR_CERT_CHAIN_TOO_LONG",
        "certificate chain too long",
    );
}

#[test]
fn roots_are_refused_for_their_real_fault() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let sh = |script: &str| {
        let out = run_tool("sh", &["-c", script], d);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let leaf_from = |root_key: &str| {
        format!(
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
             -subj /CN=leaf -out leaf.csr 2>/dev/null && \
             printf 'basicConstraints=critical,CA:FALSE\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\nsubjectAltName=DNS:leaf.example.com\\n' > leaf.ext && \
             openssl x509 -req -in leaf.csr -CA root.pem -CAkey {root_key} -CAcreateserial -days 30 -extfile leaf.ext -out leaf.pem 2>/dev/null"
        )
    };
    let root_ext =
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
    // RSA-1024: OpenSSL's default verification still accepts it; mqauth names the weak key
    // instead of failing to find an issuer.
    sh(&format!(
        "openssl req -x509 -newkey rsa:1024 -nodes -keyout root.key -subj /CN=weak-root -days 30 {root_ext} -out root.pem 2>/dev/null && {}",
        leaf_from("root.key")
    ));
    let (code, reason) = mqauth_verdict(d, &[]).expect("refused");
    assert_eq!(
        (code.as_str(), reason.as_str()),
        ("X509_V_ERR_CA_KEY_TOO_SMALL", "CA certificate key too weak")
    );

    // Explicit curve parameters: refused by both in strict mode, with OpenSSL's words.
    sh(&format!(
        "openssl ecparam -name prime256v1 -param_enc explicit -genkey -noout -out root.key && \
         openssl req -x509 -key root.key -subj /CN=explicit-root -days 30 {root_ext} -out root.pem 2>/dev/null && {}",
        leaf_from("root.key")
    ));
    both_refuse(
        d,
        (&["--strict"], &["-x509_strict"]),
        "X509_V_ERR_EC_KEY_EXPLICIT_PARAMS",
        "Certificate public key has explicit ECC parameters",
    );
}

#[test]
fn peer_names_as_a_tls_client_checks_them() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write_chain(
        d,
        ca("Root"),
        None,
        leaf("broker", &["*.example.com", "10.0.0.5"]),
    );
    both_accept(
        d,
        (
            &["--host", "mqtt.example.com"],
            &["-verify_hostname", "mqtt.example.com"],
        ),
    );
    both_accept(d, (&["--ip", "10.0.0.5"], &["-verify_ip", "10.0.0.5"]));
    for host in ["a.mqtt.example.com", "example.com", "mqtt.example.org"] {
        both_refuse(
            d,
            (&["--host", host], &["-verify_hostname", host]),
            "X509_V_ERR_HOSTNAME_MISMATCH",
            "hostname mismatch",
        );
    }
    both_refuse(
        d,
        (&["--ip", "10.0.0.6"], &["-verify_ip", "10.0.0.6"]),
        "X509_V_ERR_IP_ADDRESS_MISMATCH",
        "IP address mismatch",
    );
    // The CN is not consulted when the certificate has SANs.
    write_chain(
        d,
        ca("Root"),
        None,
        leaf("mqtt.example.com", &["other.example.com"]),
    );
    both_refuse(
        d,
        (
            &["--host", "mqtt.example.com"],
            &["-verify_hostname", "mqtt.example.com"],
        ),
        "X509_V_ERR_HOSTNAME_MISMATCH",
        "hostname mismatch",
    );
    // A wildcard over a public suffix covers nothing.
    write_chain(d, ca("Root"), None, leaf("broad", &["*.com"]));
    let refused = mqauth_verdict(d, &["--host", "example.com"]);
    assert_eq!(
        refused.map(|r| r.0).as_deref(),
        Some("X509_V_ERR_HOSTNAME_MISMATCH")
    );
    let usage_error = usage(d, "verify --ca root.pem --host bad..name leaf.pem");
    assert!(usage_error.contains("not a host name"), "{usage_error}");
}

#[test]
fn strict_applies_rfc_5280_rules_like_x509_strict() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let strict: (&[&str], &[&str]) = (&["--strict"], &["-x509_strict"]);

    // A CA whose basicConstraints is not critical.
    let mut lax = ca("Lax CA");
    lax.is_ca = IsCa::NoCa;
    lax.custom_extensions = vec![extension(
        &[2, 5, 29, 19],
        vec![0x30, 0x03, 0x01, 0x01, 0xff],
        false,
    )];
    write_chain(d, ca("Root"), Some(lax), leaf("leaf", &["a.example.com"]));
    both_accept(d, NONE);
    both_refuse(
        d,
        strict,
        "X509_V_ERR_CA_BCONS_NOT_CRITICAL",
        "Basic Constraints of CA cert not marked critical",
    );

    // keyCertSign on a leaf.
    let mut signer = leaf("leaf", &["a.example.com"]);
    signer.key_usages.push(KeyUsagePurpose::KeyCertSign);
    write_chain(d, ca("Root"), None, signer);
    both_refuse(
        d,
        strict,
        "X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA",
        "Key usage keyCertSign invalid for non-CA cert",
    );

    // No authorityKeyIdentifier.
    let mut anonymous = leaf("leaf", &["a.example.com"]);
    anonymous.use_authority_key_identifier_extension = false;
    write_chain(d, ca("Root"), None, anonymous);
    both_accept(d, NONE);
    both_refuse(
        d,
        strict,
        "X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER",
        "Missing Authority Key Identifier",
    );

    // An empty subject with a SAN that is not critical.
    // (rcgen marks its own SAN critical when the subject is empty, so the SAN is spelled out.)
    let mut nameless = leaf("x", &[]);
    nameless.distinguished_name = DistinguishedName::new();
    nameless.custom_extensions = vec![extension(&[2, 5, 29, 17], b_example_com(), false)];
    write_chain(d, ca("Root"), None, nameless);
    both_refuse(
        d,
        strict,
        "X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL",
        "Subject empty and Subject Alt Name extension not critical",
    );
}

#[test]
fn mqauths_own_pki_passes_strict_verification() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    ok(d, "-q pki init --pki pki");
    ok(
        d,
        "-q pki broker broker1 --dns mqtt.example.com --ip 127.0.0.1",
    );
    ok(d, "-q pki client device-1");
    ok(
        d,
        "-q verify --strict --pki pki --purpose server --host mqtt.example.com --ip 127.0.0.1 pki/issued/broker1.crt",
    );
    ok(
        d,
        "-q verify --strict --pki pki --purpose client pki/issued/device-1.crt",
    );
    let pki = d.join("pki");
    for (cert, purpose) in [
        ("issued/broker1.crt", "sslserver"),
        ("issued/device-1.crt", "sslclient"),
    ] {
        let (good, text) = openssl_verify(&pki, purpose, Path::new(cert), &["-x509_strict"]);
        assert!(good, "{text}");
    }
}

#[test]
fn crl_with_an_unhandled_critical_extension_is_not_relied_on() {
    requires!("openssl");
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let sh = |script: &str| {
        let out = run_tool("sh", &["-c", script], d);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // `openssl ca` writes a CRL with a private extension marked critical.
    sh(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
        -subj /CN=crl-root -days 30 -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign -out root.pem 2>/dev/null && \
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
        -subj /CN=leaf -out leaf.csr 2>/dev/null && \
        printf 'authorityKeyIdentifier=keyid\\nsubjectAltName=DNS:leaf.example.com\\n' > leaf.ext && \
        openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 \
        -extfile leaf.ext -out leaf.pem 2>/dev/null && \
        touch index.txt && echo 01 > crlnumber && \
        printf '[ca]\\ndefault_ca=c\\n[c]\\ndatabase=index.txt\\ncrlnumber=crlnumber\\ndefault_md=sha256\\ndefault_crl_days=7\\ncrl_extensions=e\\n[e]\\nauthorityKeyIdentifier=keyid\\n1.3.6.1.4.1.55555.2=critical,DER:05:00\\n' > ca.cnf && \
        openssl ca -config ca.cnf -gencrl -keyfile root.key -cert root.pem -out crl.pem 2>/dev/null",
    );
    both_refuse(
        d,
        (
            &["--crl", "crl.pem"],
            &["-crl_check", "-CRLfile", "crl.pem"],
        ),
        "X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION",
        "unhandled critical CRL extension",
    );
}
