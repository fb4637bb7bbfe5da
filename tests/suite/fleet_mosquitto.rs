//! The broker files `fleet apply` renders, run as they are by a real Mosquitto, and the
//! dynamic-security JSON loaded by the real plugin: least privilege over both listeners.

use crate::common::{
    Broker, Mosquitto, Tls, free_port, is_root, ok, publish, requires, round_trip, tool_path,
};
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

/// Two mTLS groups that share one rule (so it can be a pattern) and differ otherwise (so the
/// rest must not be), and a PSK group of gateways; the broker runs `mosquitto`.
fn manifest(mtls_port: u16, psk_port: u16, mosquitto: &Mosquitto) -> String {
    let release = mosquitto.block_fields();
    format!(
        r#"fleet: acme
brokers:
  - name: broker1
    listen: 127.0.0.1
    dns: [mqtt.acme.example]
    ip: [127.0.0.1]
    mtls_port: {mtls_port}
    psk_port: {psk_port}
{release}groups:
  sensors:
    auth: mtls
    publish: ["devices/{{id}}/telemetry", "devices/{{id}}/status"]
    subscribe: ["devices/{{id}}/cmd/#"]
  actuators:
    auth: mtls
    publish: ["actuators/{{id}}/state", "devices/{{id}}/status"]
    subscribe: ["actuators/{{id}}/set"]
  gateways:
    auth: psk
    publish: ["gateways/{{id}}/#"]
    subscribe: ["devices/+/telemetry", "devices/+/status"]
devices:
  - {{ template: "sensor-{{n}}", from: 1, to: 3, group: sensors }}
  - {{ id: act-1, group: actuators }}
  - {{ id: gw-01, group: gateways }}
  - {{ id: gw-02, group: gateways, publish: ["devices/+/cmd/reboot"] }}
"#
    )
}

struct Fleet {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    mtls: u16,
    psk: u16,
    mosquitto: Mosquitto,
}

impl Fleet {
    fn new(mosquitto: &Mosquitto) -> Fleet {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let (mtls, psk) = (free_port(), free_port());
        fs::write(dir.join("fleet.yaml"), manifest(mtls, psk, mosquitto)).unwrap();
        ok(&dir, "fleet apply --out out");
        Fleet {
            _tmp: tmp,
            dir,
            mtls,
            psk,
            mosquitto: mosquitto.clone(),
        }
    }

    /// The manifest this fleet was made from.
    fn manifest(&self) -> String {
        manifest(self.mtls, self.psk, &self.mosquitto)
    }

    fn pki(&self) -> PathBuf {
        self.dir.join("out/pki")
    }

    fn device(&self, id: &str) -> Tls {
        let pki = self.pki();
        Tls::cert(
            &pki.join("ca.crt"),
            &pki.join(format!("issued/{id}.crt")),
            &pki.join(format!("private/{id}.key")),
        )
    }

    fn gateway(&self, id: &str) -> Tls {
        Tls::psk(id, &self.psk_key(id))
    }

    fn psk_key(&self, id: &str) -> String {
        fs::read_to_string(self.dir.join("out/psk/devices.psk"))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{id}:")).map(str::to_string))
            .unwrap()
    }

    /// The rendered mosquitto.conf as it is, with `user root` in front when the tests run as root.
    fn start_rendered(&self) -> Broker {
        let rendered =
            fs::read_to_string(self.dir.join("out/brokers/broker1/mosquitto.conf")).unwrap();
        let log = self.dir.join("broker.log");
        let mut conf = String::new();
        if is_root() {
            conf.push_str("user root\n");
        }
        conf.push_str(&format!("log_dest file {}\nlog_type all\n", log.display()));
        conf.push_str(&rendered);
        let path = self.dir.join("run.conf");
        fs::write(&path, conf).unwrap();
        Broker::start_on(&self.mosquitto, &path, &log, &[self.mtls, self.psk])
    }

    /// Whether `message`, published by `from` on `topic`, reaches `to` subscribed to `filter`.
    fn delivered(
        &self,
        to: (&Tls, u16),
        filter: &str,
        from: (&Tls, u16),
        topic: &str,
        wait: u64,
    ) -> bool {
        let (sub_tls, sub_port) = to;
        let (pub_tls, pub_port) = from;
        if sub_port == pub_port {
            return round_trip(
                sub_port,
                sub_tls,
                filter,
                pub_tls,
                topic,
                "m",
                Duration::from_secs(wait),
            )
            .is_some();
        }
        cross_listener(
            sub_port,
            sub_tls,
            filter,
            pub_port,
            pub_tls,
            topic,
            Duration::from_secs(wait),
        )
    }
}

/// A subscriber on one listener and a publisher on the other.
fn cross_listener(
    sub_port: u16,
    sub: &Tls,
    filter: &str,
    pub_port: u16,
    publ: &Tls,
    topic: &str,
    wait: Duration,
) -> bool {
    let mut child = std::process::Command::new(tool_path("mosquitto_sub"))
        .args(["-h", "127.0.0.1", "-p", &sub_port.to_string(), "-q", "1"])
        .args(&sub.args)
        .args(["-t", filter, "-C", "1", "-W"])
        .arg(wait.as_secs().max(1).to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + wait;
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        let _ = publish(pub_port, publ, topic, "m");
        std::thread::sleep(Duration::from_millis(150));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    !String::from_utf8_lossy(&out.stdout).trim().is_empty()
}

#[test]
fn rendered_mosquitto_config_enforces_least_privilege() {
    requires!("mosquitto");
    least_privilege_on(&Mosquitto::debian());
}

/// The rendered files of [`manifest`] on `mosquitto`: each device reaches its own topics over
/// either listener and nothing else; returns the broker's log.
pub(crate) fn least_privilege_on(mosquitto: &Mosquitto) -> String {
    let f = Fleet::new(mosquitto);
    let acl = fs::read_to_string(f.dir.join("out/brokers/broker1/mtls.acl")).unwrap();
    // The rule both mTLS groups hold is one pattern line; the rest is per device.
    assert!(acl.contains("pattern write devices/%u/status"), "{acl}");
    assert!(!acl.contains("pattern write devices/%u/telemetry"), "{acl}");
    assert!(
        acl.contains(
            "user act-1\ntopic read actuators/act-1/set\ntopic write actuators/act-1/state"
        ),
        "{acl}"
    );
    let broker = f.start_rendered();
    let (m, p) = (f.mtls, f.psk);
    let s1 = f.device("sensor-1");
    let s2 = f.device("sensor-2");
    let act = f.device("act-1");
    let gw1 = f.gateway("gw-01");
    let gw2 = f.gateway("gw-02");

    // A device publishes to its own topic; a PSK gateway reads it on the other listener.
    assert!(
        f.delivered(
            (&gw1, p),
            "devices/+/telemetry",
            (&s1, m),
            "devices/sensor-1/telemetry",
            5
        ),
        "sensor-1 -> gw-01 over both listeners: {}",
        broker.log_text()
    );
    assert!(f.delivered(
        (&gw1, p),
        "devices/+/status",
        (&s1, m),
        "devices/sensor-1/status",
        5
    ));
    // A device cannot publish into another device's topics: nothing arrives.
    assert!(!f.delivered(
        (&gw1, p),
        "devices/+/telemetry",
        (&s1, m),
        "devices/sensor-2/telemetry",
        2
    ));
    // The actuator holds the shared status rule but not the sensors' telemetry rule.
    assert!(f.delivered(
        (&gw1, p),
        "devices/+/status",
        (&act, m),
        "devices/act-1/status",
        5
    ));
    assert!(!f.delivered(
        (&gw1, p),
        "devices/+/telemetry",
        (&act, m),
        "devices/act-1/telemetry",
        2
    ));
    // A device cannot read another device's commands; its own arrive (gw-02 may send reboots).
    assert!(f.delivered(
        (&s1, m),
        "devices/sensor-1/cmd/#",
        (&gw2, p),
        "devices/sensor-1/cmd/reboot",
        5
    ));
    assert!(!f.delivered(
        (&s2, m),
        "devices/sensor-1/cmd/#",
        (&gw2, p),
        "devices/sensor-1/cmd/reboot",
        2
    ));
    // gw-01 has no reboot rule; a sensor reads only what it may read.
    assert!(!f.delivered(
        (&s1, m),
        "devices/sensor-1/cmd/#",
        (&gw1, p),
        "devices/sensor-1/cmd/reboot",
        2
    ));
    assert!(!f.delivered((&s2, m), "#", (&s1, m), "devices/sensor-1/telemetry", 2));

    // Refused: a wrong PSK, an unknown identity, no certificate, and anonymous TLS.
    let wrong = Tls::psk("gw-01", &f.psk_key("gw-02"));
    assert!(!publish(p, &wrong, "gateways/gw-01/x", "x").status.success());
    assert!(
        !publish(
            p,
            &Tls::psk("stranger", &f.psk_key("gw-01")),
            "gateways/stranger/x",
            "x"
        )
        .status
        .success()
    );
    assert!(
        !publish(
            m,
            &Tls::ca_only(&f.pki().join("ca.crt")),
            "devices/x/status",
            "x"
        )
        .status
        .success()
    );
    let plain = std::process::Command::new(tool_path("mosquitto_pub"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &m.to_string(),
            "-t",
            "x",
            "-m",
            "x",
        ])
        .output()
        .unwrap();
    assert!(!plain.status.success(), "plain MQTT on the TLS port");
    broker.log_text()
}

#[test]
fn removed_devices_lose_their_rights_and_prune_revokes_them() {
    requires!("mosquitto");
    removed_devices_on(&Mosquitto::debian());
}

/// Devices removed from the manifest keep nothing on `mosquitto`; pruned ones are refused.
pub(crate) fn removed_devices_on(mosquitto: &Mosquitto) {
    let f = Fleet::new(mosquitto);
    // Remove sensor-3 and gw-02 from the manifest.
    let text = f
        .manifest()
        .replace("to: 3, group: sensors", "to: 2, group: sensors")
        .replace(
            "  - { id: gw-02, group: gateways, publish: [\"devices/+/cmd/reboot\"] }\n",
            "",
        );
    fs::write(f.dir.join("fleet.yaml"), &text).unwrap();
    let out = ok(&f.dir, "fleet apply --out out");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("sensor-3") && report.contains("orphaned"),
        "{report}"
    );
    let acl = fs::read_to_string(f.dir.join("out/brokers/broker1/mtls.acl")).unwrap();
    assert!(acl.contains("user sensor-3\ntopic deny #"), "{acl}");
    let psk_acl = fs::read_to_string(f.dir.join("out/brokers/broker1/psk.acl")).unwrap();
    assert!(psk_acl.contains("user gw-02\ntopic deny #"), "{psk_acl}");

    let broker = f.start_rendered();
    let (m, p) = (f.mtls, f.psk);
    let s3 = f.device("sensor-3");
    let gw1 = f.gateway("gw-01");
    // Still able to connect, but nothing it sends arrives.
    assert!(
        publish(m, &s3, "devices/sensor-3/telemetry", "x")
            .status
            .success()
    );
    assert!(!f.delivered(
        (&gw1, p),
        "devices/+/telemetry",
        (&s3, m),
        "devices/sensor-3/telemetry",
        2
    ));
    assert!(
        f.delivered(
            (&gw1, p),
            "devices/+/telemetry",
            (&f.device("sensor-2"), m),
            "devices/sensor-2/telemetry",
            5
        ),
        "{}",
        broker.log_text()
    );
    drop(broker);

    // --prune revokes the certificate and removes the PSK; the broker refuses both.
    let gw2_key = f.psk_key("gw-02");
    let out = ok(&f.dir, "fleet apply --out out --prune");
    assert!(String::from_utf8_lossy(&out.stdout).contains("remove"));
    let conf = fs::read_to_string(f.dir.join("out/brokers/broker1/mosquitto.conf")).unwrap();
    assert!(conf.contains("crlfile "), "{conf}");
    let _broker = f.start_rendered();
    assert!(
        !publish(m, &s3, "devices/sensor-3/telemetry", "x")
            .status
            .success()
    );
    assert!(
        !publish(p, &Tls::psk("gw-02", &gw2_key), "gateways/gw-02/x", "x")
            .status
            .success()
    );
    assert!(publish(p, &gw1, "gateways/gw-01/x", "x").status.success());
}

#[test]
fn dynamic_security_json_enforces_the_same_rules() {
    requires!("mosquitto");
    dynamic_security_on(&Mosquitto::debian());
}

/// `acl render --format dynsec` loaded by `mosquitto`'s dynamic-security plugin; returns the
/// broker's log.
pub(crate) fn dynamic_security_on(mosquitto: &Mosquitto) -> String {
    let Some(plugin) = mosquitto.plugin("mosquitto_dynamic_security.so") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and the Mosquitto dynamic-security plugin is missing");
        }
        eprintln!(
            "SKIP dynamic_security_json_enforces_the_same_rules: no mosquitto_dynamic_security.so"
        );
        return String::new();
    };
    let f = Fleet::new(mosquitto);
    ok(&f.dir, "acl render --format dynsec --out dynsec.json");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(f.dir.join("dynsec.json")).unwrap()).unwrap();
    assert_eq!(json["defaultACLAccess"]["publishClientSend"], false);
    // The plugin is global, so listeners share one authorization: on 2.0 per_listener_settings
    // false; on 2.1 (which deprecates that option) one named instance every listener uses.
    let pki = f.pki();
    let out = f.dir.join("out");
    let log = f.dir.join("dynsec.log");
    let v21 = mosquitto.version == Some("2.1");
    let (global, each) = match v21 {
        false => (
            "per_listener_settings false\nallow_anonymous false\nplugin",
            "",
        ),
        true => (
            "plugin_load dynsec",
            "listener_allow_anonymous false\nplugin_use dynsec\n",
        ),
    };
    let conf = format!(
        "{root}log_dest file {log}\nlog_type all\n\
         {global} {plugin}\nplugin_opt_config_file {json}\n\
         listener {m} 127.0.0.1\n{each}cafile {pki}/chain.pem\ncertfile {pki}/issued/broker1.fullchain.pem\nkeyfile {pki}/private/broker1.key\n\
         require_certificate true\nuse_identity_as_username true\n\
         listener {p} 127.0.0.1\n{each}psk_hint acme\npsk_file {out}/brokers/broker1/psk.txt\nuse_identity_as_username true\n",
        root = if is_root() { "user root\n" } else { "" },
        log = log.display(),
        plugin = plugin.display(),
        json = f.dir.join("dynsec.json").display(),
        m = f.mtls,
        p = f.psk,
        pki = pki.display(),
        out = out.display(),
    );
    let path = f.dir.join("dynsec.conf");
    fs::write(&path, conf).unwrap();
    let broker = Broker::start_on(mosquitto, &path, &log, &[f.mtls, f.psk]);
    let (m, p) = (f.mtls, f.psk);
    let (s1, act) = (f.device("sensor-1"), f.device("act-1"));
    let gw1 = f.gateway("gw-01");
    assert!(
        f.delivered(
            (&gw1, p),
            "devices/+/telemetry",
            (&s1, m),
            "devices/sensor-1/telemetry",
            5
        ),
        "{}",
        broker.log_text()
    );
    assert!(!f.delivered(
        (&gw1, p),
        "devices/+/telemetry",
        (&s1, m),
        "devices/sensor-2/telemetry",
        2
    ));
    assert!(!f.delivered(
        (&gw1, p),
        "devices/+/telemetry",
        (&act, m),
        "devices/act-1/telemetry",
        2
    ));
    assert!(f.delivered(
        (&gw1, p),
        "devices/+/status",
        (&act, m),
        "devices/act-1/status",
        5
    ));
    // dynsec also checks subscriptions: a sensor may not subscribe to another's commands.
    assert!(!f.delivered(
        (&f.device("sensor-2"), m),
        "devices/sensor-1/cmd/#",
        (&f.gateway("gw-02"), p),
        "devices/sensor-1/cmd/reboot",
        2
    ));
    assert!(f.delivered(
        (&s1, m),
        "devices/sensor-1/cmd/#",
        (&f.gateway("gw-02"), p),
        "devices/sensor-1/cmd/reboot",
        5
    ));
    broker.log_text()
}

#[test]
fn a_reload_is_enough_to_lock_out_a_pruned_device() {
    requires!("mosquitto");
    reload_locks_out_on(&Mosquitto::debian());
}

/// A device pruned (its certificate revoked, the CRL re-signed) is refused by `mosquitto` after
/// a SIGHUP, without a restart.
pub(crate) fn reload_locks_out_on(mosquitto: &Mosquitto) {
    let f = Fleet::new(mosquitto);
    // Mosquitto ignores a crlfile added after it started, even on SIGHUP: the first apply must
    // name one already.
    let conf = fs::read_to_string(f.dir.join("out/brokers/broker1/mosquitto.conf")).unwrap();
    assert!(conf.contains("crlfile "), "{conf}");
    let broker = f.start_rendered();
    let m = f.mtls;
    let s3 = f.device("sensor-3");
    assert!(
        publish(m, &s3, "devices/sensor-3/telemetry", "x")
            .status
            .success(),
        "{}",
        broker.log_text()
    );
    let text = f
        .manifest()
        .replace("to: 3, group: sensors", "to: 2, group: sensors");
    fs::write(f.dir.join("fleet.yaml"), &text).unwrap();
    ok(&f.dir, "fleet apply --out out --prune");
    let reloaded = std::process::Command::new("kill")
        .args(["-HUP", &broker.pid().to_string()])
        .status()
        .unwrap();
    assert!(reloaded.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while publish(m, &s3, "devices/sensor-3/telemetry", "x")
        .status
        .success()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "sensor-3 still connects after the reload: {}",
            broker.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        publish(m, &f.device("sensor-2"), "devices/sensor-2/telemetry", "x")
            .status
            .success()
    );
}
