//! Enrollment configured by a fleet manifest: `fleet apply` gives enrolling devices a bootstrap
//! PSK and no certificate, issues the service's certificate and renders ACLs that reserve the
//! enrollment topics; `enroll serve -m` answers on a real Mosquitto running those files.

use crate::common::{Mosquitto, Tls, ok, publish, requires, round_trip};
use crate::enroll_fixture::{Rig, Service};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn manifest(dir: &Path, mtls: u16, psk: u16, mosquitto: &Mosquitto) -> String {
    let release = mosquitto.flow_fields();
    format!(
        r#"fleet: acme
brokers:
  - {{ name: broker1, listen: 127.0.0.1, ip: [127.0.0.1], mtls_port: {mtls}, psk_port: {psk}{release} }}
groups:
  sensors: {{ auth: mtls, publish: ["devices/{{id}}/telemetry"] }}
  meters: {{ auth: mtls, enroll: true, readwrite: ["devices/{{id}}/telemetry"] }}
devices:
  - {{ id: sensor-1, group: sensors }}
  - {{ template: "meter-{{n}}", from: 1, to: 3, group: meters }}
enroll:
  days: 30d
  bootstrap: once
  reload_command: "kill -HUP $(cat {pid})"
"#,
        pid = dir.join("mosquitto.pid").display()
    )
}

/// A fleet directory made by `fleet apply` from [`manifest`], then Mosquitto on the files it
/// rendered and `enroll serve -m fleet.yaml`. The rest is the shared [`Rig`].
struct Site {
    // Dropped first: the service stops before its broker and directory go.
    _service: Option<Service>,
    rig: Rig,
    mosquitto: Mosquitto,
}

impl Site {
    fn new() -> Site {
        Site::on(&Mosquitto::debian())
    }

    /// The site with its broker on `mosquitto`.
    fn on(mosquitto: &Mosquitto) -> Site {
        let rig = Rig::new();
        let dir = rig.path();
        fs::write(
            dir.join("fleet.yaml"),
            manifest(dir, rig.tls_port, rig.psk_port, mosquitto),
        )
        .expect("manifest");
        ok(dir, "-q fleet apply");
        Site {
            _service: None,
            rig,
            mosquitto: mosquitto.clone(),
        }
    }

    fn dir(&self) -> PathBuf {
        self.rig.path().to_path_buf()
    }

    fn mtls(&self) -> u16 {
        self.rig.tls_port
    }

    fn psk(&self) -> u16 {
        self.rig.psk_port
    }

    fn start(&mut self) {
        let rendered =
            fs::read_to_string(self.dir().join("brokers/broker1/mosquitto.conf")).expect("conf");
        self.start_with(&rendered);
    }

    /// Starts Mosquitto on `rendered` and the enrollment service.
    fn start_with(&mut self, rendered: &str) {
        self.rig.start_broker_on(&self.mosquitto, rendered);
        self._service = Some(self.rig.serve(&["-m", "fleet.yaml"]));
    }

    fn log(&self) -> String {
        self.rig.log_text()
    }

    fn bootstrap(&self, device: &str) -> Tls {
        self.rig.psk("psk/devices.psk", device)
    }

    fn csr(&self, name: &str, cn: &str) -> PathBuf {
        self.rig.csr(name, cn)
    }

    /// `device` asks under `other`'s id, which the broker drops (the service never hears of
    /// it), then under its own, which is answered; returns that answer.
    fn enrolls_only_as_itself(&self, device: &str, key: &str, other: &str) -> serde_json::Value {
        let boot = self.bootstrap(device);
        let csr = self.csr(key, device);
        assert!(self.enroll(&boot, device, other, &csr, 2).is_none());
        let answer = self
            .enroll(&boot, device, device, &csr, 15)
            .expect("answer");
        assert_eq!(answer["status"], "issued", "{answer}");
        let log = self.log();
        assert!(!log.contains(&format!("\"device\":\"{other}\"")), "{log}");
        answer
    }

    /// Stores the certificate of an `issued` answer next to the key `key` (from `csr`) and
    /// says whether `device` then publishes its telemetry over mTLS and reads it back.
    fn publishes_with(&self, device: &str, key: &str, answer: &serde_json::Value) -> bool {
        let tls = self.rig.keep(answer, key, key);
        let topic = format!("devices/{device}/telemetry");
        round_trip(
            self.mtls(),
            &tls,
            &topic,
            &tls,
            &topic,
            "21.5",
            Duration::from_secs(10),
        )
        .as_deref()
            == Some("21.5")
    }

    /// Publishes a CSR as `device` to `topic_id`'s `/csr` on the PSK listener; the answer on the
    /// device's own result topic, if one comes within `wait` seconds.
    fn enroll(
        &self,
        device: &Tls,
        own: &str,
        topic_id: &str,
        csr: &Path,
        wait: u64,
    ) -> Option<serde_json::Value> {
        self.rig.ask(
            device,
            own,
            &format!("{topic_id}/csr"),
            csr,
            Duration::from_secs(wait),
        )
    }
}

#[test]
fn a_manifest_enrollment_runs_on_the_files_fleet_apply_renders() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    manifest_enrollment_on(&Mosquitto::debian());
}

/// The enrollment of [`manifest`] on the files `fleet apply` renders for `mosquitto`: the
/// per-listener scopes hold and devices enroll as themselves only; returns the broker's log.
pub(crate) fn manifest_enrollment_on(mosquitto: &Mosquitto) -> String {
    let mut site = Site::on(mosquitto);
    let d = site.dir();
    // Enrolling devices get a bootstrap key and no certificate; the service gets one.
    assert!(!d.join("pki/issued/meter-1.crt").exists());
    assert!(d.join("pki/issued/mqauth-enroll.crt").exists());
    assert!(d.join("pki/issued/sensor-1.crt").exists());
    let psk_acl = fs::read_to_string(d.join("brokers/broker1/psk.acl")).expect("acl");
    assert!(
        psk_acl.contains("pattern write mqauth/enroll/%u/csr")
            && psk_acl.contains("pattern read mqauth/enroll/%u/result"),
        "{psk_acl}"
    );
    assert!(
        !psk_acl.contains("telemetry"),
        "no group rules on a bootstrap key: {psk_acl}"
    );
    let mtls_acl = fs::read_to_string(d.join("brokers/broker1/mtls.acl")).expect("acl");
    assert!(
        mtls_acl.contains("user mqauth-enroll\ntopic read mqauth/enroll/+/csr\ntopic read mqauth/enroll/+/renew\ntopic write mqauth/enroll/+/result"),
        "{mtls_acl}"
    );
    assert!(
        !mtls_acl.contains("user sensor-1\ntopic write mqauth"),
        "{mtls_acl}"
    );
    site.start();

    // A device's bootstrap key cannot reach telemetry: the broker's ACL says so.
    let boot1 = site.bootstrap("meter-1");
    let sensor = Tls::cert(
        &d.join("pki/ca.crt"),
        &d.join("pki/issued/sensor-1.crt"),
        &d.join("pki/private/sensor-1.key"),
    );
    assert!(
        round_trip(
            site.psk(),
            &boot1,
            "devices/meter-1/telemetry",
            &boot1,
            "devices/meter-1/telemetry",
            "x",
            Duration::from_secs(2)
        )
        .is_none(),
        "a bootstrap key may only enroll"
    );

    // meter-2 asks under meter-1's id: the broker drops it (the service never hears of it),
    // then under its own id, which is answered.
    site.enrolls_only_as_itself("meter-2", "m2", "meter-1");
    // A plain mTLS device is not the service: its request never arrives.
    let _ = publish(site.mtls(), &sensor, "mqauth/enroll/sensor-1/renew", "x");

    // meter-1 enrolls, and its certificate works on the mTLS listener with its group's rules.
    let csr1 = site.csr("m1", "meter-1");
    let answer = site
        .enroll(&boot1, "meter-1", "meter-1", &csr1, 15)
        .expect("answer");
    assert!(site.publishes_with("meter-1", "m1", &answer));
    let not_after = answer["not_after"].as_str().expect("not_after");
    assert!(
        not_after.starts_with(
            &(time::OffsetDateTime::now_utc() + time::Duration::days(30))
                .year()
                .to_string()
        )
    );

    // bootstrap: once — the key is gone from the store and the broker's file, the broker was
    // reloaded, and the same PSK no longer completes a handshake.
    site.rig.wait_for_log(|l| l.contains("removed"), 2);
    for file in ["psk/devices.psk", "brokers/broker1/psk.txt"] {
        let text = fs::read_to_string(d.join(file)).expect("psk");
        assert!(
            !text.contains("meter-1:") && text.contains("meter-3:"),
            "{file}: {text}"
        );
    }
    // Each removal ran the reload command: wait until the broker has reloaded twice.
    site.rig
        .wait_for_broker_log("two reloads", |l| l.contains("Reloading config."), 2);
    assert!(
        !publish(site.psk(), &boot1, "mqauth/enroll/meter-1/csr", "x")
            .status
            .success()
    );
    // sensor-1's stray request was never delivered to the service.
    assert!(!site.log().contains("sensor-1"), "{}", site.log());

    // apply afterwards changes nothing: no new bootstrap key, no certificate for meters.
    let plan = ok(&d, "fleet plan --exit-code");
    assert!(String::from_utf8_lossy(&plan.stderr).contains("nothing to do"));
    site.rig.broker_log()
}

#[test]
fn a_rendered_broker_refuses_an_oversized_request_and_audits_clean() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let mut site = Site::new();
    let d = site.dir();
    let conf = d.join("brokers/broker1/mosquitto.conf");
    let text = fs::read_to_string(&conf).expect("conf");
    assert!(text.contains("\nmax_packet_size 262144\n"), "{text}");
    let audit = crate::common::run(&d, format!("audit --config {}", conf.display()));
    assert_eq!(
        audit.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    site.start();
    let boot = site.bootstrap("meter-1");
    fs::write(d.join("huge"), vec![b'A'; 2 * 1024 * 1024]).expect("write");
    let out = std::process::Command::new(crate::common::tool_path("mosquitto_pub"))
        .args(["-h", "127.0.0.1", "-p", &site.psk().to_string(), "-q", "1"])
        .args(&boot.args)
        .args(["-t", "mqauth/enroll/meter-1/csr", "-f"])
        .arg(d.join("huge"))
        .output()
        .expect("mosquitto_pub");
    assert!(!out.status.success(), "the broker takes no 2 MB packet");
    // The device is answered once it sends what it should.
    let csr = site.csr("m1", "meter-1");
    let answer = site
        .enroll(&boot, "meter-1", "meter-1", &csr, 15)
        .expect("answer");
    assert_eq!(answer["status"], "issued", "{answer}");
}

/// The same enrollment with the dynamic-security plugin instead of acl_files: the JSON
/// `acl render --format dynsec` makes lets a device ask for its own certificate only, and the
/// service answer.
#[test]
fn the_dynamic_security_json_lets_devices_enroll_and_nothing_more() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let Some(plugin) = [
        "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
        "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists()) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and the Mosquitto dynamic-security plugin is missing");
        }
        eprintln!("SKIP the_dynamic_security_json_lets_devices_enroll_and_nothing_more: no plugin");
        return;
    };
    let mut site = Site::new();
    let d = site.dir();
    ok(
        &d,
        "acl render -m fleet.yaml --format dynsec --out dynsec.json",
    );
    // The plugin is global: one authorization for both listeners.
    let conf = format!(
        "per_listener_settings false\nallow_anonymous false\nplugin {plugin}\nplugin_opt_config_file {json}\n\
         listener {m} 127.0.0.1\ncafile {pki}/chain.pem\ncertfile {pki}/issued/broker1.fullchain.pem\n\
         keyfile {pki}/private/broker1.key\nrequire_certificate true\nuse_identity_as_username true\n\
         listener {p} 127.0.0.1\npsk_hint acme\npsk_file {psk}\nuse_identity_as_username true\n",
        plugin = plugin.display(),
        json = d.join("dynsec.json").display(),
        m = site.mtls(),
        p = site.psk(),
        pki = d.join("pki").display(),
        psk = d.join("brokers/broker1/psk.txt").display(),
    );
    site.start_with(&conf);
    let answer = site.enrolls_only_as_itself("meter-2", "m2", "meter-1");
    assert!(site.publishes_with("meter-2", "m2", &answer));
}
