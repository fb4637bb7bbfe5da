//! `mqauth export` read by the consumer of each format: mosquitto_pub for the directory,
//! `openssl pkcs12`, `openssl x509/pkey` for PEM and DER, a C program built against mbedTLS for
//! the header (connecting to a real Mosquitto), and the broker's pin computed independently
//! from what the running broker serves.

use crate::common::{
    Broker, Tls, c_header_installed, compile_device, fails, free_port, mode, ok, requires,
    run_tool, tool_path, usage, write_secret,
};
use base64::Engine as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A PKI with a broker reachable as `localhost`, a device certificate, a PSK device, and a
/// Mosquitto running the `broker snippet` for it.
struct Site {
    dir: tempfile::TempDir,
    mtls: u16,
    psk: u16,
    _broker: Broker,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        ok(d, "-q pki init");
        ok(d, "-q pki broker broker1 --dns localhost --ip 127.0.0.1");
        ok(d, "-q pki client dev1 listener");
        ok(d, "-q psk gen gw1 --out psk.txt");
        let (mtls, psk) = (free_port(), free_port());
        let snippet = ok(
            d,
            format!(
                "broker snippet --broker broker1 --listen 127.0.0.1 --mtls-port {mtls} --psk-file psk.txt --psk-port {psk}"
            ),
        );
        let broker = Broker::start(d, &String::from_utf8_lossy(&snippet.stdout), &[mtls, psk]);
        Site {
            dir,
            mtls,
            psk,
            _broker: broker,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn export(&self, args: &str) -> std::process::Output {
        ok(self.path(), format!("export {args}"))
    }

    /// Runs a program built from an exported header while `listener` waits on `topic`;
    /// returns the program's output and what the listener received.
    fn run_device(&self, program: &Path, topic: &str) -> (bool, String, Option<String>) {
        let pki = self.path().join("pki");
        let listener = Tls::cert(
            &pki.join("ca.crt"),
            &pki.join("issued/listener.crt"),
            &pki.join("private/listener.key"),
        );
        let sub = Command::new(tool_path("mosquitto_sub"))
            .args(["-h", "127.0.0.1", "-p", &self.mtls.to_string()])
            .args(&listener.args)
            .args(["-t", topic, "-C", "1", "-W", "10"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto_sub");
        std::thread::sleep(Duration::from_millis(500));
        let out = Command::new(program).arg(topic).output().expect("device");
        let got = sub.wait_with_output().expect("mosquitto_sub");
        let received = String::from_utf8_lossy(&got.stdout).trim().to_string();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            (!received.is_empty()).then_some(received),
        )
    }
}

/// The broker's pin from what it serves, computed by openssl alone.
fn served_pin(dir: &Path, port: u16) -> String {
    let script = format!(
        "openssl s_client -connect 127.0.0.1:{port} -servername localhost -CAfile pki/ca.crt \
         -cert pki/issued/dev1.crt -key pki/private/dev1.key </dev/null 2>/dev/null \
         | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der \
         | openssl dgst -sha256 -binary | base64"
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir)
        .output()
        .expect("sh");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn every_format_is_read_by_its_consumer() {
    requires!(
        "mosquitto",
        "mosquitto_pub",
        "mosquitto_sub",
        "openssl",
        "cc"
    );
    if !c_header_installed("mbedtls/ssl.h") {
        return;
    }
    let site = Site::new();
    let d = site.path();

    // dir: what mosquitto_pub needs, and the pin of the certificate the broker really serves.
    let said = site.export(&format!("dev1 --port {}", site.mtls));
    assert!(said.stdout.is_empty(), "nothing secret on stdout");
    assert_eq!(mode(&d.join("dev1/client.key")), 0o600);
    assert_eq!(mode(&d.join("dev1/client.crt")), 0o644);
    let connection: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("dev1/connection.json")).unwrap()).unwrap();
    let pin = connection["broker_pin_sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(pin, served_pin(d, site.mtls));
    assert_eq!(connection["host"], "localhost");
    assert_eq!(
        String::from_utf8_lossy(&ok(d, "pki pin broker1").stdout).trim(),
        format!("sha256//{pin}")
    );
    let device = Tls::cert(
        &d.join("dev1/ca.crt"),
        &d.join("dev1/client.crt"),
        &d.join("dev1/client.key"),
    );
    let sent = crate::common::publish(site.mtls, &device, "devices/dev1/state", "up");
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );

    // pkcs12: openssl 3 reads it with the passphrase, and finds AES-256-CBC under PBKDF2.
    assert!(usage(d, "export dev1 --format pkcs12").contains("--p12-passphrase-file"));
    fs::write(d.join("p12.pass"), "correct horse\n").unwrap();
    site.export("dev1 --format pkcs12 --p12-passphrase-file p12.pass");
    assert_eq!(mode(&d.join("dev1.p12")), 0o600);
    let info = run_tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-in",
            "dev1.p12",
            "-passin",
            "file:p12.pass",
            "-nodes",
        ],
        d,
    );
    let text =
        String::from_utf8_lossy(&info.stdout).into_owned() + &String::from_utf8_lossy(&info.stderr);
    assert!(info.status.success(), "{text}");
    assert!(text.contains("PBES2, PBKDF2, AES-256-CBC"), "{text}");
    assert_eq!(
        text.matches("BEGIN CERTIFICATE").count(),
        3,
        "device, issuing CA, root"
    );
    assert!(text.contains("BEGIN PRIVATE KEY"));
    fs::write(d.join("wrong.pass"), "wrong\n").unwrap();
    assert!(
        !run_tool(
            "openssl",
            &[
                "pkcs12",
                "-info",
                "-in",
                "dev1.p12",
                "-passin",
                "file:wrong.pass",
                "-nodes"
            ],
            d
        )
        .status
        .success()
    );
    // Never over an existing file without --force.
    assert!(
        fails(
            d,
            "export dev1 --format pkcs12 --p12-passphrase-file p12.pass"
        )
        .contains("already exists")
    );

    // pem and der: openssl reads each part.
    site.export("dev1 --format pem");
    for what in [["x509", "-noout"], ["pkey", "-noout"]] {
        let out = run_tool("openssl", &[what[0], "-in", "dev1.pem", what[1]], d);
        assert!(out.status.success(), "{what:?}");
    }
    site.export("dev1 --format der --out flash");
    for (tool, file) in [
        ("x509", "flash/client.der"),
        ("pkey", "flash/client.key.der"),
        ("x509", "flash/ca.der"),
    ] {
        let out = run_tool(
            "openssl",
            &[tool, "-inform", "der", "-in", file, "-noout"],
            d,
        );
        assert!(out.status.success(), "{file}");
    }

    // json and env carry the same certificate the PKI issued.
    let json = site.export("dev1 --format json --out -");
    let record: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        record["certificate_pem"].as_str().unwrap(),
        fs::read_to_string(d.join("pki/issued/dev1.crt")).unwrap()
    );
    assert!(
        record["private_key_pem"]
            .as_str()
            .unwrap()
            .contains("PRIVATE KEY")
    );
    site.export("dev1 --format env");
    assert_eq!(mode(&d.join("dev1.env")), 0o600);
    let env = fs::read_to_string(d.join("dev1.env")).unwrap();
    let b64 = env
        .lines()
        .find_map(|l| l.strip_prefix("MQTT_TLS_CERT_DER_B64="))
        .unwrap();
    let der = run_tool(
        "openssl",
        &["x509", "-in", "pki/issued/dev1.crt", "-outform", "der"],
        d,
    );
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
        der.stdout
    );

    // c-header: firmware built against mbedTLS parses the arrays, checks the pin, connects
    // over mTLS, and its message reaches a subscriber; the PSK device's header too.
    fs::create_dir(d.join("fw")).unwrap();
    site.export(&format!(
        "dev1 --format c-header --out fw/credentials.h --port {}",
        site.mtls
    ));
    assert_eq!(mode(&d.join("fw/credentials.h")), 0o600);
    let libs = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];
    let program = compile_device(d, "mbedtls_device.c", &d.join("fw"), &libs);
    let (good, said, got) = site.run_device(&program, "devices/dev1/telemetry");
    assert!(
        good && said.contains("pin ok") && said.contains("connack 0"),
        "{said}"
    );
    assert_eq!(got.as_deref(), Some("hello from mbedtls"));
    fs::create_dir(d.join("fw-psk")).unwrap();
    site.export(&format!(
        "gw1 --psk-file psk.txt --format c-header --out fw-psk/credentials.h --port {}",
        site.psk
    ));
    let header = fs::read_to_string(d.join("fw-psk/credentials.h")).unwrap();
    assert!(
        header.contains("#define MQAUTH_PSK_IDENTITY \"gw1\""),
        "{header}"
    );
    let dir = d.join("psk-build");
    fs::create_dir(&dir).unwrap();
    let program = compile_device(&dir, "mbedtls_device.c", &d.join("fw-psk"), &libs);
    let out = Command::new(&program).arg("gateways/gw1").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("connack 0"), "{said}");
}

/// A manifest's devices, streamed for a factory line.
#[test]
fn the_whole_fleet_streams_to_one_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("fleet.yaml"),
        "fleet: acme\nbrokers:\n  - { name: b1, dns: [mqtt.acme.example], mtls_port: 8883, psk_port: 8884 }\ngroups:\n  s: { auth: mtls }\n  g: { auth: psk }\ndevices:\n  - { template: \"s-{n}\", from: 1, to: 5, group: s }\n  - { template: \"g-{n}\", from: 1, to: 3, group: g }\n",
    )
    .unwrap();
    ok(d, "-q fleet apply");
    // What an export killed with -9 left (its temporary, keys and all) goes with the next one.
    let leftover = d.join(".factory.jsonl.mqauth-tmp-0123456789abcdef");
    fs::write(&leftover, "half a stream").unwrap();
    ok(d, "export --all -m fleet.yaml --out factory.jsonl");
    assert!(!leftover.exists());
    assert_eq!(mode(&d.join("factory.jsonl")), 0o600);
    let text = fs::read_to_string(d.join("factory.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 8);
    assert!(
        records
            .iter()
            .all(|r| r["private_key_pem"].is_null() && r["psk_hex"].is_null())
    );
    assert!(records.iter().all(|r| r["host"] == "mqtt.acme.example"));
    // The pin is of the certificate an mTLS listener presents; a PSK listener presents none.
    assert!(
        records
            .iter()
            .all(|r| (r["auth"] == "mtls") == r["broker_pin_sha256"].is_string())
    );
    assert!(records.iter().any(|r| r["auth"] == "psk"));
    assert_eq!(records[6]["port"], 8884);
    ok(
        d,
        "export --all -m fleet.yaml --format csv --include-keys --out factory.csv --force",
    );
    let csv = fs::read_to_string(d.join("factory.csv")).unwrap();
    assert!(csv.starts_with("device,auth,broker,host,port,"), "{csv}");
    let hex = fs::read_to_string(d.join("psk/devices.psk"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("g-2:").map(str::to_string))
        .unwrap();
    assert!(csv.contains(&hex), "the PSK is included when asked");
    assert!(csv.contains("-----BEGIN PRIVATE KEY-----"));
    assert!(usage(d, "export --all -m fleet.yaml --format pem").contains("--all streams"));
    assert!(usage(d, "export s-1 --format jsonl -m fleet.yaml").contains("is for --all"));
    assert!(fails(d, "export nobody -m fleet.yaml").contains("nobody: no certificate in force"));
}

/// Where stdout is asked for, and only then, a key is printed.
#[test]
fn secrets_reach_stdout_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "-q pki init");
    ok(d, "-q pki client dev1");
    let out = ok(d, "export dev1 --format json");
    assert!(out.stdout.is_empty());
    let out = ok(d, "export dev1 --format pem --out -");
    assert!(String::from_utf8_lossy(&out.stdout).contains("PRIVATE KEY"));
    assert!(usage(d, "export dev1 --format dir --out -").contains("one-file format"));
    assert!(usage(d, "export dev1 dev1 --format json --out twice").contains("named twice"));
    assert!(!d.join("twice").exists());
    assert!(fails(d, "export dev1 --pki /dev/zero").contains("holds no PKI"));
    assert_eq!(mode(&d.join("dev1.json")), 0o600);
}

#[test]
fn names_from_a_psk_file_never_leave_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let d = root.join("a/b");
    fs::create_dir_all(&d).unwrap();
    let outside = root.join("abs-target");
    let key = "00112233445566778899aabbccddeeff";
    write_secret(
        &d.join("psk.txt"),
        &format!(
            "../../pwned:{key}\n{}:{key}\n.hidden:{key}\ngood:{key}\n",
            outside.display()
        ),
    );
    let line = fails(&d, "export ../../pwned --psk-file psk.txt --format json");
    assert!(
        line.contains("../../pwned") && line.contains("name rules"),
        "{line}"
    );
    assert!(!root.join("pwned.json").exists());
    let abs = outside.display().to_string();
    let line = fails(
        &d,
        &["export", &abs, "--psk-file", "psk.txt", "--format", "json"],
    );
    assert!(line.contains("name rules"), "{line}");
    assert!(!root.join("abs-target.json").exists());
    fails(
        &d,
        "export good ../../pwned --psk-file psk.txt --format json --out out",
    );
    fails(&d, "export good .hidden --psk-file psk.txt --out out");
    assert!(
        !d.join("out").exists(),
        "nothing is written when one name is refused"
    );
    ok(
        &d,
        "export good --psk-file psk.txt --format json --out ok/good.json",
    );
    assert!(d.join("ok/good.json").exists());
}

/// An export written beside the PSK file it reads: the reader does not hold the directory's
/// writers' lock that the export's own output takes (it waited 30 s and failed before).
#[test]
fn an_export_beside_its_psk_file_does_not_wait_for_itself() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "-q psk gen gw1 gw2 --out psk.txt");
    let started = std::time::Instant::now();
    ok(d, "-q export gw1 --psk-file psk.txt --format json");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("gw1.json")).unwrap()).unwrap();
    assert_eq!(json["device"], "gw1", "{json}");
}
