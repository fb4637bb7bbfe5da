//! CA keys in a PKCS#11 token (docs/hsm.md), on SoftHSM2: each test makes its own token
//! directory and token, so tests run in parallel and leave nothing behind.

use crate::common::{
    Broker, Tls, free_port, mqauth, openssl_verify, requires, round_trip, run_tool,
};
use crate::enroll_fixture::Rig;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "4711";

/// A SoftHSM2 token of its own: a config naming a token directory inside a temp dir, the token
/// initialised there, and the PIN in a file.
struct SoftHsm {
    tmp: tempfile::TempDir,
    label: String,
}

impl SoftHsm {
    fn new(label: &str) -> SoftHsm {
        let tmp = tempfile::tempdir().unwrap();
        let tokens = tmp.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        std::fs::write(
            tmp.path().join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                tokens.display()
            ),
        )
        .unwrap();
        std::fs::write(tmp.path().join("pin"), format!("{PIN}\n")).unwrap();
        std::fs::write(tmp.path().join("wrong-pin"), "0000\n").unwrap();
        let hsm = SoftHsm {
            tmp,
            label: label.to_string(),
        };
        let out = hsm.tool(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                "123456",
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        hsm
    }

    fn conf(&self) -> PathBuf {
        self.tmp.path().join("softhsm2.conf")
    }

    fn pin_file(&self) -> PathBuf {
        self.tmp.path().join("pin")
    }

    fn tool(&self, tool: &str, args: &[&str]) -> Output {
        std::process::Command::new(crate::common::tool_path(tool))
            .args(args)
            .env("SOFTHSM2_CONF", self.conf())
            .output()
            .unwrap()
    }

    /// `pkcs11-tool` logged in to this token.
    fn p11(&self, args: &[&str]) -> String {
        let mut all = vec![
            "--module",
            MODULE,
            "--token-label",
            &self.label,
            "--login",
            "--pin",
            PIN,
        ];
        all.extend(args);
        let out = self.tool("pkcs11-tool", &all);
        assert!(out.status.success(), "pkcs11-tool {args:?}: {}", text(&out));
        text(&out)
    }

    /// mqauth in `dir` reaching this token through the environment, as every command but
    /// `pki init` does.
    fn run(&self, dir: &Path, args: &str) -> Output {
        self.run_with_pin(dir, args, &self.pin_file())
    }

    fn run_with_pin(&self, dir: &Path, args: &str, pin: &Path) -> Output {
        mqauth()
            .current_dir(dir)
            .args(shell_words::split(args).unwrap())
            .env("SOFTHSM2_CONF", self.conf())
            .env("MQAUTH_PKCS11_MODULE", MODULE)
            .env("MQAUTH_PKCS11_PIN_FILE", pin)
            .output()
            .unwrap()
    }

    /// The environment every command but `pki init` reaches the token with.
    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("SOFTHSM2_CONF", self.conf()),
            ("MQAUTH_PKCS11_MODULE", PathBuf::from(MODULE)),
            ("MQAUTH_PKCS11_PIN_FILE", self.pin_file()),
        ]
    }

    fn ok(&self, dir: &Path, args: &str) -> String {
        let out = self.run(dir, args);
        assert!(out.status.success(), "mqauth {args}: {}", text(&out));
        text(&out)
    }

    /// `pki init` with the CA keys in this token (the intermediate's too, by default).
    fn init(&self, dir: &Path, extra: &str) -> String {
        self.ok(
            dir,
            &format!(
                "pki init --hsm 'pkcs11:token={};object=root' {extra}",
                self.label
            ),
        )
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn module_present() -> bool {
    // Like a missing tool: a skip locally, a failure under CI=true.
    if Path::new(MODULE).exists() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{MODULE} is missing"
    );
    eprintln!("skipped: {MODULE} is missing");
    false
}

fn ca_key_files(pki: &Path) -> Vec<PathBuf> {
    ["ca.key", "intermediate.key"]
        .iter()
        .map(|f| pki.join(f))
        .filter(|p| p.exists())
        .collect()
}

#[test]
fn a_pki_in_a_token_issues_what_openssl_and_pkilint_accept() {
    requires!("softhsm2-util", "pkcs11-tool", "openssl", "lint_pkix_cert");
    if !module_present() {
        return;
    }
    for key in ["p256", "p384"] {
        let hsm = SoftHsm::new("fleet");
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        let said = hsm.init(dir, &format!("--key {key}"));
        assert!(
            said.contains("key in pkcs11:token=fleet;object=root"),
            "{said}"
        );
        let pki = dir.join("pki");
        assert_eq!(ca_key_files(&pki), Vec::<PathBuf>::new(), "{key}");
        let recorded: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(pki.join("ca-keys.json")).unwrap())
                .unwrap();
        assert_eq!(recorded["root"]["uri"], "pkcs11:token=fleet;object=root");
        assert_eq!(
            recorded["intermediate"]["uri"],
            "pkcs11:token=fleet;object=root-issuing"
        );
        assert_eq!(recorded["hsm_only"], true);
        assert!(
            !std::fs::read_to_string(pki.join("ca-keys.json"))
                .unwrap()
                .contains(PIN)
        );

        hsm.ok(dir, "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1");
        hsm.ok(dir, "pki client d1 d2 d3");
        for (purpose, cert) in [
            ("sslserver", "issued/b1.crt"),
            ("sslclient", "issued/d1.crt"),
        ] {
            let (good, why) = openssl_verify(&pki, purpose, Path::new(cert), &[]);
            assert!(good, "{key} {cert}: {why}");
        }
        for file in [
            "ca.crt",
            "intermediate.crt",
            "issued/b1.crt",
            "issued/d1.crt",
        ] {
            let out = run_tool("lint_pkix_cert", &["lint", "-s", "WARNING", file], &pki);
            assert!(out.status.success(), "{key} {file}: {}", text(&out));
            assert!(text(&out).trim().is_empty(), "{key} {file}: {}", text(&out));
        }

        // The private keys are in the token, and the token will not give them out.
        let objects = hsm.p11(&["--list-objects", "--type", "privkey"]);
        for label in ["label:      root\n", "label:      root-issuing\n"] {
            assert!(objects.contains(label), "{objects}");
        }
        assert_eq!(
            objects
                .matches("sensitive, always sensitive, never extractable")
                .count(),
            2,
            "{objects}"
        );

        // CRLs signed through the token: the issuing CA's and the root's.
        hsm.ok(dir, "pki revoke d2");
        hsm.ok(dir, "pki crl --ca root");
        for (crl, ca) in [("crl.pem", "chain.pem"), ("ca.crl.pem", "ca.crt")] {
            let out = run_tool(
                "openssl",
                &["crl", "-in", crl, "-CAfile", ca, "-verify", "-noout"],
                &pki,
            );
            assert!(
                text(&out).contains("verify OK"),
                "{key} {crl}: {}",
                text(&out)
            );
        }
        let (good, why) = openssl_verify(
            &pki,
            "sslclient",
            Path::new("issued/d2.crt"),
            &["-crl_check", "-CRLfile", "crl.pem"],
        );
        assert!(!good && why.contains("revoked"), "{key}: {why}");

        // inspect --pki says where the keys are, and warns about a key file that should not be.
        let seen = hsm.ok(dir, "inspect --pki pki");
        assert!(
            seen.contains("root key: in token pkcs11:token=fleet;object=root"),
            "{seen}"
        );
        std::fs::copy(pki.join("issued/d1.crt"), pki.join("ca.key")).unwrap();
        let out = hsm.run(dir, "inspect --pki pki");
        assert!(text(&out).contains("hsm_only"), "{}", text(&out));
        std::fs::remove_file(pki.join("ca.key")).unwrap();
    }
}

#[test]
fn a_wrong_pin_is_one_line_and_writes_nothing() {
    requires!("softhsm2-util", "pkcs11-tool");
    if !module_present() {
        return;
    }
    let hsm = SoftHsm::new("fleet");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let wrong = hsm.tmp.path().join("wrong-pin");
    let once = |args: &str| {
        let out = hsm.run_with_pin(dir, args, &wrong);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{args}: {err}");
        assert_eq!(err.lines().count(), 1, "{args}: {err}");
        assert!(err.contains("PIN") && err.contains("incorrect"), "{err}");
        assert!(!err.contains("0000"), "{err}");
        err
    };
    once("pki init --hsm 'pkcs11:token=fleet;object=root'");
    assert!(!dir.join("pki").join("pki.db").exists());
    assert!(!dir.join("pki").join("ca.crt").exists());
    let objects = hsm.p11(&["--list-objects"]);
    assert!(!objects.contains("Private Key Object"), "{objects}");

    hsm.init(dir, "");
    once("pki client d9");
    assert!(!dir.join("pki/issued/d9.crt").exists());
    assert!(!dir.join("pki/private/d9.key").exists());

    // No token of that label: said, not a crash.
    let out = hsm.run(
        dir,
        "pki init --dir other --hsm 'pkcs11:token=nope;object=root'",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no token labelled \"nope\""),
        "{}",
        text(&out)
    );
}

#[test]
fn keys_already_in_the_token_are_used_not_replaced() {
    requires!("softhsm2-util", "pkcs11-tool", "openssl");
    if !module_present() {
        return;
    }
    let hsm = SoftHsm::new("fleet");
    hsm.p11(&[
        "--keypairgen",
        "--key-type",
        "EC:prime256v1",
        "--id",
        "0a",
        "--label",
        "mine",
        "--usage-sign",
    ]);
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let der = dir.join("mine.der");
    hsm.p11(&[
        "--read-object",
        "--type",
        "pubkey",
        "--label",
        "mine",
        "-o",
        der.to_str().unwrap(),
    ]);
    let in_token = run_tool(
        "openssl",
        &["pkey", "-pubin", "-inform", "DER", "-in", "mine.der"],
        dir,
    );
    hsm.ok(
        dir,
        "pki init --dir mine --no-intermediate --hsm 'pkcs11:token=fleet;object=mine;id=%0A'",
    );
    let in_cert = run_tool(
        "openssl",
        &["x509", "-in", "mine/ca.crt", "-noout", "-pubkey"],
        dir,
    );
    assert!(in_token.status.success(), "{}", text(&in_token));
    assert_eq!(text(&in_cert), text(&in_token));
    let objects = hsm.p11(&["--list-objects", "--type", "privkey"]);
    assert_eq!(objects.matches("label:      mine").count(), 1, "{objects}");
    hsm.ok(dir, "pki client --dir mine d1");
    let (good, why) = openssl_verify(
        &dir.join("mine"),
        "sslclient",
        Path::new("issued/d1.crt"),
        &[],
    );
    assert!(good, "{why}");
}

#[test]
fn mosquitto_admits_devices_whose_certificates_the_token_signed() {
    requires!(
        "softhsm2-util",
        "pkcs11-tool",
        "mosquitto",
        "mosquitto_pub",
        "mosquitto_sub"
    );
    if !module_present() {
        return;
    }
    let hsm = SoftHsm::new("fleet");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    hsm.init(dir, "");
    hsm.ok(
        dir,
        "pki broker broker1 --dns mqtt.acme.example --ip 127.0.0.1",
    );
    hsm.ok(dir, "pki client dev-1 dev-2");
    hsm.ok(dir, "pki revoke dev-2");
    let pki = dir.join("pki");
    let port = free_port();
    let config = format!(
        "per_listener_settings true\nlistener {port} 127.0.0.1\ncafile {p}/chain.pem\n\
         certfile {p}/issued/broker1.fullchain.pem\nkeyfile {p}/private/broker1.key\n\
         crlfile {p}/crl.pem\nrequire_certificate true\nuse_identity_as_username true\n\
         tls_version tlsv1.2\nallow_anonymous true\n",
        p = pki.display()
    );
    let broker = Broker::start(dir, &config, &[port]);
    let device = |name: &str| {
        Tls::cert(
            &pki.join("ca.crt"),
            &pki.join(format!("issued/{name}.crt")),
            &pki.join(format!("private/{name}.key")),
        )
    };
    let dev1 = device("dev-1");
    let got = round_trip(
        port,
        &dev1,
        "t/#",
        &dev1,
        "t/x",
        "hello",
        Duration::from_secs(5),
    );
    assert_eq!(got.as_deref(), Some("hello"), "{}", broker.log_text());
    // The CRL the token signed is enforced: the revoked device is refused.
    let out = crate::common::publish(port, &device("dev-2"), "t/x", "revoked");
    assert!(
        !out.status.success(),
        "a revoked device got in: {}",
        broker.log_text()
    );
}

#[test]
fn the_enrollment_service_signs_device_csrs_through_the_token() {
    requires!(
        "softhsm2-util",
        "pkcs11-tool",
        "mosquitto",
        "mosquitto_pub",
        "mosquitto_sub",
        "openssl"
    );
    if !module_present() {
        return;
    }
    let hsm = SoftHsm::new("fleet");
    let mut rig = Rig::new();
    let d = rig.path().to_path_buf();
    hsm.init(&d, "");
    hsm.ok(&d, "-q pki broker broker1 --ip 127.0.0.1");
    hsm.ok(&d, "-q pki client enroll-service");
    hsm.ok(&d, "-q psk gen --out bootstrap.psk dev1");
    std::fs::write(
        d.join("acl"),
        "pattern write mqauth/enroll/%u/csr\npattern read mqauth/enroll/%u/result\n\
         pattern readwrite devices/%u/#\nuser enroll-service\ntopic read mqauth/enroll/+/csr\n\
         topic write mqauth/enroll/+/result\n",
    )
    .unwrap();
    let p = d.display();
    rig.start_broker(&format!(
        "acl_file {p}/acl\nlistener {} 127.0.0.1\npsk_hint mqauth\npsk_file {p}/bootstrap.psk\n\
         use_identity_as_username true\nlistener {} 127.0.0.1\ncafile {p}/pki/chain.pem\n\
         certfile {p}/pki/issued/broker1.fullchain.pem\nkeyfile {p}/pki/private/broker1.key\n\
         require_certificate true\nuse_identity_as_username true\n",
        rig.psk_port, rig.tls_port
    ));
    let broker = format!("127.0.0.1:{}", rig.tls_port);
    let env = hsm.env();
    let env: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, v.as_path())).collect();
    let _service = rig.serve_env(
        &[
            "--broker",
            &broker,
            "--cafile",
            "pki/ca.crt",
            "--cert",
            "pki/issued/enroll-service.crt",
            "--key",
            "pki/private/enroll-service.key",
            "--bootstrap-psk-file",
            "bootstrap.psk",
        ],
        &env,
    );
    let csr = rig.csr("dev1", "dev1");
    let answer = rig
        .ask(
            &rig.psk("bootstrap.psk", "dev1"),
            "dev1",
            "dev1/csr",
            &csr,
            Duration::from_secs(15),
        )
        .unwrap_or_else(|| panic!("no answer: {}", rig.log_text()));
    let tls = rig.keep(&answer, "dev1", "dev1");
    let (good, why) = openssl_verify(&d.join("pki"), "sslclient", &d.join("dev1.crt"), &[]);
    assert!(good, "{why}");
    let got = round_trip(
        rig.tls_port,
        &tls,
        "devices/dev1/state",
        &tls,
        "devices/dev1/state",
        "online",
        Duration::from_secs(10),
    );
    assert_eq!(got.as_deref(), Some("online"));
    assert!(ca_key_files(&d.join("pki")).is_empty());
}

#[test]
fn a_file_key_moves_into_the_token_and_the_file_goes() {
    requires!("softhsm2-util", "pkcs11-tool", "openssl");
    if !module_present() {
        return;
    }
    let hsm = SoftHsm::new("fleet");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let pki = dir.join("pki");
    hsm.ok(dir, "-q pki init");
    hsm.ok(dir, "-q pki client d1");
    let said = hsm.ok(
        dir,
        "pki hsm import --hsm 'pkcs11:token=fleet;object=issuing'",
    );
    assert!(said.contains("test signature verified"), "{said}");
    assert!(!pki.join("intermediate.key").exists());
    assert!(pki.join("ca.key").exists());
    hsm.ok(dir, "-q pki client d2");
    hsm.ok(dir, "-q pki revoke d1");
    let (good, why) = openssl_verify(&pki, "sslclient", Path::new("issued/d2.crt"), &[]);
    assert!(good, "{why}");
    let out = run_tool(
        "openssl",
        &[
            "crl",
            "-in",
            "crl.pem",
            "-CAfile",
            "chain.pem",
            "-verify",
            "-noout",
        ],
        &pki,
    );
    assert!(text(&out).contains("verify OK"), "{}", text(&out));
    // The token holds it as sensitive; it was a file, so not "never extractable".
    let objects = hsm.p11(&["--list-objects", "--type", "privkey"]);
    assert!(objects.contains("label:      issuing"), "{objects}");
    assert!(objects.contains("sensitive"), "{objects}");

    // Twice is refused, and says so; the root follows, and the PKI is then HSM-only.
    let again = hsm.run(
        dir,
        "pki hsm import --hsm 'pkcs11:token=fleet;object=other'",
    );
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(
        text(&again).contains("already in a token"),
        "{}",
        text(&again)
    );
    hsm.ok(
        dir,
        "pki hsm import --ca root --hsm 'pkcs11:token=fleet;object=root'",
    );
    assert_eq!(ca_key_files(&pki), Vec::<PathBuf>::new());
    let recorded = std::fs::read_to_string(pki.join("ca-keys.json")).unwrap();
    assert!(recorded.contains("\"hsm_only\": true"), "{recorded}");
    hsm.ok(dir, "-q pki crl --ca root");
}
