//! Certificates checked by other tools: `openssl verify`, `openssl pkey`, and pkilint.

use crate::common::{fails, ok, openssl_verify, requires, run_tool};
use std::fs;
use std::path::Path;

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Issues a broker and a client under a PKI of `key` type and checks purposes both ways.
fn profiles_verify(key: &str) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, &["pki", "init", "--key", key]);
    ok(dir, "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1");
    ok(dir, "pki client d1");
    let pki = dir.join("pki");
    let broker = Path::new("issued/b1.crt");
    let client = Path::new("issued/d1.crt");
    let (good, out) = openssl_verify(&pki, "sslserver", broker, &[]);
    assert!(good, "{key} broker as server: {out}");
    let (good, out) = openssl_verify(&pki, "sslclient", client, &[]);
    assert!(good, "{key} client as client: {out}");
    let (good, out) = openssl_verify(&pki, "sslserver", client, &[]);
    assert!(
        !good && out.contains("unsuitable certificate purpose"),
        "{key}: {out}"
    );
    let (good, out) = openssl_verify(&pki, "sslclient", broker, &[]);
    assert!(
        !good && out.contains("unsuitable certificate purpose"),
        "{key}: {out}"
    );
    // Keys are PKCS#8 that OpenSSL (and so Mosquitto) can load, matching their certificates.
    for name in ["b1", "d1"] {
        let key_pub = run_tool(
            "openssl",
            &["pkey", "-in", &format!("private/{name}.key"), "-pubout"],
            &pki,
        );
        assert!(key_pub.status.success(), "{key} {name}: {}", text(&key_pub));
        let cert_pub = run_tool(
            "openssl",
            &[
                "x509",
                "-in",
                &format!("issued/{name}.crt"),
                "-noout",
                "-pubkey",
            ],
            &pki,
        );
        assert_eq!(key_pub.stdout, cert_pub.stdout, "{key} {name}");
    }
}

#[test]
fn profiles_verify_with_openssl_p256() {
    requires!("openssl");
    profiles_verify("p256");
}

#[test]
fn profiles_verify_with_openssl_p384() {
    requires!("openssl");
    profiles_verify("p384");
}

#[test]
fn profiles_verify_with_openssl_ed25519() {
    requires!("openssl");
    profiles_verify("ed25519");
}

#[test]
fn profiles_verify_with_openssl_rsa2048() {
    requires!("openssl");
    profiles_verify("rsa2048");
}

#[test]
fn certificate_contents_follow_the_profiles() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(
        dir,
        &["pki", "init", "--key", "rsa2048", "--name", "Acme Fleet CA"],
    );
    ok(dir, "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1");
    ok(dir, "pki client d1 --key p256");
    let pki = dir.join("pki");
    let show = |file: &str| {
        let out = run_tool("openssl", &["x509", "-in", file, "-noout", "-text"], &pki);
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let root = show("ca.crt");
    assert!(root.contains("Subject: CN = Acme Fleet CA"), "{root}");
    assert!(
        root.contains("X509v3 Basic Constraints: critical\n                CA:TRUE\n"),
        "{root}"
    );
    assert!(
        root.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"),
        "{root}"
    );
    assert!(root.contains("Subject Key Identifier"));
    let inter = show("intermediate.crt");
    assert!(inter.contains("CA:TRUE, pathlen:0"), "{inter}");
    assert!(inter.contains("Authority Key Identifier"));
    assert!(inter.contains("Subject: CN = Acme Fleet CA Intermediate"));
    let broker = show("issued/b1.crt");
    assert!(
        broker.contains("Digital Signature, Key Encipherment"),
        "RSA broker: {broker}"
    );
    assert!(broker.contains("TLS Web Server Authentication"));
    assert!(broker.contains("DNS:mqtt.acme.example, IP Address:127.0.0.1"));
    assert!(broker.contains("CA:FALSE"));
    let client = show("issued/d1.crt");
    assert!(client.contains("Subject: CN = d1"));
    assert!(
        client.contains("X509v3 Key Usage: critical\n                Digital Signature\n"),
        "{client}"
    );
    assert!(client.contains("TLS Web Client Authentication"));
    assert!(
        client.contains("ASN1 OID: prime256v1"),
        "client key is P-256 under an RSA CA"
    );
    // notBefore is a few minutes in the past, for devices with slow clocks.
    let out = run_tool(
        "openssl",
        &["x509", "-in", "issued/d1.crt", "-noout", "-checkend", "0"],
        &pki,
    );
    assert!(out.status.success());
}

#[test]
fn pkilint_reports_nothing_at_warning() {
    requires!("lint_pkix_cert");
    for key in ["p256", "rsa3072", "ed25519"] {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        ok(dir, &["pki", "init", "--key", key]);
        ok(dir, "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1");
        ok(dir, "pki client d1");
        let pki = dir.join("pki");
        for file in [
            "ca.crt",
            "intermediate.crt",
            "issued/b1.crt",
            "issued/d1.crt",
        ] {
            let out = run_tool("lint_pkix_cert", &["lint", "-s", "WARNING", file], &pki);
            let findings = text(&out);
            assert!(out.status.success(), "{key} {file}: {findings}");
            assert!(findings.trim().is_empty(), "{key} {file}: {findings}");
        }
    }
}

#[test]
fn csrs_from_openssl_are_signed_with_their_own_key() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    // P-384 signed with SHA-256 is openssl's default and the case rcgen #448 gets wrong.
    let kinds: [(&str, &[&str]); 4] = [
        (
            "p256",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
        (
            "p384",
            &[
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-384",
                "-sha256",
            ],
        ),
        ("ed25519", &["-newkey", "ed25519"]),
        ("rsa", &["-newkey", "rsa:2048"]),
    ];
    for (name, keyargs) in kinds {
        let cn = format!("se-{name}");
        let mut args = vec!["req", "-new", "-nodes", "-keyout"];
        let keyfile = format!("{name}.key");
        let csrfile = format!("{name}.csr");
        args.push(&keyfile);
        args.extend(keyargs);
        let subj = format!("/CN={cn}/O=Ignored Org");
        args.extend([
            "-subj",
            &subj,
            "-addext",
            "subjectKeyIdentifier=hash",
            "-out",
            &csrfile,
        ]);
        let out = run_tool("openssl", &args, dir);
        assert!(out.status.success(), "{}", text(&out));
        ok(dir, &["pki", "sign", "--csr", &csrfile]);
        let pki = dir.join("pki");
        let cert = format!("issued/{cn}.crt");
        let (good, out) = openssl_verify(&pki, "sslclient", Path::new(&cert), &[]);
        assert!(good, "{name}: {out}");
        let cert_pub = run_tool(
            "openssl",
            &["x509", "-in", &cert, "-noout", "-pubkey"],
            &pki,
        );
        let csr_pub = run_tool(
            "openssl",
            &["req", "-in", &csrfile, "-noout", "-pubkey"],
            dir,
        );
        assert_eq!(
            cert_pub.stdout, csr_pub.stdout,
            "{name}: the CSR's key is certified"
        );
        let subject = run_tool(
            "openssl",
            &["x509", "-in", &cert, "-noout", "-subject"],
            &pki,
        );
        assert_eq!(
            String::from_utf8_lossy(&subject.stdout).trim(),
            format!("subject=CN = {cn}")
        );
        assert!(!pki.join(format!("private/{cn}.key")).exists());
    }

    // As a broker: the CSR's SANs and --ip, serverAuth.
    let out = run_tool(
        "openssl",
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "b.key",
            "-subj",
            "/CN=edge-broker",
            "-addext",
            "subjectAltName=DNS:edge.acme.example",
            "-out",
            "b.csr",
        ],
        dir,
    );
    assert!(out.status.success());
    ok(dir, "pki sign --csr b.csr --profile broker --ip 127.0.0.1");
    let pki = dir.join("pki");
    let (good, out) = openssl_verify(&pki, "sslserver", Path::new("issued/edge-broker.crt"), &[]);
    assert!(good, "{out}");
    let sans = run_tool(
        "openssl",
        &[
            "x509",
            "-in",
            "issued/edge-broker.crt",
            "-noout",
            "-ext",
            "subjectAltName",
        ],
        &pki,
    );
    assert!(
        String::from_utf8_lossy(&sans.stdout)
            .contains("DNS:edge.acme.example, IP Address:127.0.0.1")
    );
}

#[test]
fn csrs_asking_for_ca_rights_or_tampered_are_refused() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    let out = run_tool(
        "openssl",
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "ca.key",
            "-subj",
            "/CN=sneaky",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-out",
            "ca.csr",
        ],
        dir,
    );
    assert!(out.status.success());
    let err = fails(dir, "pki sign --csr ca.csr");
    assert!(err.contains("CA rights"), "{err}");

    let out = run_tool(
        "openssl",
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "d.key",
            "-subj",
            "/CN=device-9",
            "-outform",
            "DER",
            "-out",
            "d.der",
        ],
        dir,
    );
    assert!(out.status.success());
    // DER is accepted as is…
    ok(dir, "pki sign --csr d.der --name device-9");
    // …but not once a byte of the signed part changed.
    let mut der = fs::read(dir.join("d.der")).unwrap();
    let subject_at = der.windows(8).position(|w| w == b"device-9").unwrap();
    der[subject_at + 7] = b'8';
    fs::write(dir.join("t.der"), &der).unwrap();
    let err = fails(dir, "pki sign --csr t.der");
    assert!(err.contains("signature does not verify"), "{err}");
    assert!(!dir.join("pki/issued/device-8.crt").exists());
}

#[test]
fn encrypted_ca_keys_round_trip_through_openssl_pkey() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    crate::common::write_secret(&dir.join("pass"), "s3cret phrase\n");
    ok(dir, "pki init --passphrase-file pass");
    let pki = dir.join("pki");
    for (key, cert) in [
        ("ca.key", "ca.crt"),
        ("intermediate.key", "intermediate.crt"),
    ] {
        let out = run_tool(
            "openssl",
            &["pkey", "-in", key, "-passin", "file:../pass", "-pubout"],
            &pki,
        );
        assert!(out.status.success(), "{}", text(&out));
        let cert_pub = run_tool("openssl", &["x509", "-in", cert, "-noout", "-pubkey"], &pki);
        assert_eq!(out.stdout, cert_pub.stdout);
        let asn1 = run_tool("openssl", &["asn1parse", "-in", key], &pki);
        let asn1 = String::from_utf8_lossy(&asn1.stdout);
        assert!(asn1.contains("PBES2") && asn1.contains("PBKDF2"), "{asn1}");
        let wrong = run_tool(
            "openssl",
            &["pkey", "-in", key, "-passin", "pass:wrong", "-noout"],
            &pki,
        );
        assert!(!wrong.status.success());
    }
    // A key re-encrypted by openssl is read back by mqauth.
    let out = run_tool(
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "intermediate.key",
            "-passin",
            "file:../pass",
            "-passout",
            "pass:s3cret phrase",
            "-out",
            "reenc.key",
        ],
        &pki,
    );
    assert!(out.status.success(), "{}", text(&out));
    fs::rename(pki.join("reenc.key"), pki.join("intermediate.key")).unwrap();
    ok(dir, "pki client d1 --passphrase-file pass");
    let (good, out) = openssl_verify(&pki, "sslclient", Path::new("issued/d1.crt"), &[]);
    assert!(good, "{out}");
}
