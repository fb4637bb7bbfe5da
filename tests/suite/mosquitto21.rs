//! Mosquitto 2.1: the fleet's rendered files run by Mosquitto 2.1.2 built from its release
//! source (.ci/mosquitto21.sh, once per run), with the same checks as on Debian's 2.0 —
//! isolation over both listeners, PSK devices, removal and pruning, revocation on a reload,
//! enrollment, the dynamic-security JSON — and a broker log free of the deprecation and
//! permission warnings 2.1 gives 2.0-style configurations.

use crate::common::{
    Broker, Mosquitto, Tls, fails, free_port, is_root, mode, ok, publish, requires, round_trip,
};
use crate::enroll_fleet::manifest_enrollment_on;
use crate::fleet_mosquitto::{
    dynamic_security_on, least_privilege_on, reload_locks_out_on, removed_devices_on,
};
use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::time::Duration;

/// Mosquitto 2.1.2, or return (skipping, or failing under CI=true) when it cannot be built.
macro_rules! mosquitto21 {
    () => {
        match Mosquitto::v21() {
            Some(m) => m,
            None => return,
        }
    };
}

/// What 2.1 logs about a 2.0-style configuration (MEASURED.md, "Mosquitto 2.1.2"): none of it
/// may appear for one rendered for 2.1.
fn assert_no_upgrade_warnings(log: &str) {
    for warning in [
        "deprecated",
        "per_listener_settings",
        "listener_allow_anonymous",
        "world readable",
        "refuse to load",
    ] {
        assert!(
            !log.to_lowercase().contains(warning),
            "the broker warns about {warning:?}:\n{log}"
        );
    }
    assert!(log.contains("mosquitto version 2.1"), "{log}");
}

#[test]
fn a_fleet_rendered_for_2_1_isolates_devices_on_2_1_without_warnings() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    let log = least_privilege_on(&m);
    assert_no_upgrade_warnings(&log);
}

#[test]
fn removed_and_pruned_devices_are_refused_by_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    removed_devices_on(&m);
}

#[test]
fn a_reload_locks_a_revoked_certificate_out_of_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    reload_locks_out_on(&m);
}

#[test]
fn a_manifest_enrollment_runs_on_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub", "openssl");
    let m = mosquitto21!();
    let log = manifest_enrollment_on(&m);
    assert_no_upgrade_warnings(&log);
}

#[test]
fn the_dynamic_security_json_enforces_the_rules_on_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    let log = dynamic_security_on(&m);
    assert_no_upgrade_warnings(&log);
}

/// What a 2.1 configuration says, and the ACL files' modes (2.1 warns about readable ones).
/// Needs no broker.
#[test]
fn a_2_1_broker_gets_plugins_per_listener_and_private_acl_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mtls, psk) = (free_port(), free_port());
    let manifest = format!(
        "fleet: acme\nbrokers:\n  - {{ name: b1, ip: [127.0.0.1], mtls_port: {mtls}, psk_port: {psk} }}\n\
         groups:\n  s: {{ auth: mtls, publish: [\"d/{{id}}\"] }}\n  g: {{ auth: psk, publish: [\"g/{{id}}\"] }}\n\
         devices:\n  - {{ id: s1, group: s }}\n  - {{ id: g1, group: g }}\n"
    );
    fs::write(d.join("fleet.yaml"), &manifest).unwrap();
    ok(d, "fleet apply");
    let conf = d.join("brokers/b1/mosquitto.conf");
    let v20 = fs::read_to_string(&conf).unwrap();
    assert!(v20.contains("per_listener_settings true"), "{v20}");
    assert_eq!(mode(&d.join("brokers/b1/mtls.acl")), 0o644);

    // The switch is a change `fleet plan` shows: the configuration, and the ACL files, whose
    // text is the same but whose mode is not.
    fs::write(
        d.join("fleet.yaml"),
        manifest.replace(
            &format!("psk_port: {psk} }}"),
            &format!("psk_port: {psk}, mosquitto: \"2.1\", plugin_dir: /opt/mosquitto/lib }}"),
        ),
    )
    .unwrap();
    let plan = ok(d, "fleet plan");
    let plan = String::from_utf8_lossy(&plan.stdout);
    for file in ["mosquitto.conf", "mtls.acl", "psk.acl"] {
        assert!(plan.contains(file), "{file}: {plan}");
    }
    ok(d, "fleet apply");
    let v21 = fs::read_to_string(&conf).unwrap();
    let acl = |name: &str| d.join("brokers/b1").join(name).display().to_string();
    for line in [
        "plugin_load acl_mtls /opt/mosquitto/lib/mosquitto_acl_file.so".to_string(),
        format!("plugin_opt_acl_file {}", acl("mtls.acl")),
        "plugin_load acl_psk /opt/mosquitto/lib/mosquitto_acl_file.so".to_string(),
        format!("plugin_opt_acl_file {}", acl("psk.acl")),
        "listener_allow_anonymous false\ncafile".to_string(),
        "plugin_use acl_mtls\n".to_string(),
        "listener_allow_anonymous false\npsk_hint".to_string(),
        "plugin_use acl_psk\n".to_string(),
    ] {
        assert!(v21.contains(&line), "{line}: {v21}");
    }
    for gone in [
        "\nper_listener_settings",
        "\nallow_anonymous",
        "\nacl_file",
        "max_packet_size",
    ] {
        assert!(!v21.contains(gone), "{gone}: {v21}");
    }
    for file in ["mtls.acl", "psk.acl", "psk.txt"] {
        assert_eq!(mode(&d.join("brokers/b1").join(file)), 0o600, "{file}");
    }
    let again = ok(d, "fleet plan --exit-code");
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to do"));
}

#[test]
fn an_unsupported_release_is_refused_where_the_manifest_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("fleet.yaml"),
        "fleet: acme\nbrokers:\n  - name: b1\n    ip: [127.0.0.1]\n    mtls_port: 8883\n    mosquitto: \"3.0\"\n\
         groups:\n  s: { auth: mtls }\ndevices:\n  - { id: s1, group: s }\n",
    )
    .unwrap();
    let err = fails(d, "fleet plan");
    assert!(err.contains("fleet.yaml:6:16"), "{err}");
    assert!(err.contains("\"3.0\"") && err.contains("2.1"), "{err}");
    let err = crate::common::usage(
        d,
        "broker snippet --pki pki --broker b1 --mosquitto-version 3.0",
    );
    assert!(err.contains("3.0"), "{err}");
}

/// `broker snippet --mosquitto-version 2.1` for a plain PKI starts on 2.1 without warnings and
/// serves both listeners.
#[test]
fn a_2_1_snippet_runs_on_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, "-q pki init");
    ok(d, "-q pki broker broker1 --dns localhost --ip 127.0.0.1");
    ok(d, "-q pki client dev1");
    fs::create_dir(d.join("psk")).unwrap();
    ok(d, "-q psk gen gw1 --out psk/psk.txt");
    let (mtls, psk) = (free_port(), free_port());
    let snippet = String::from_utf8_lossy(
        &ok(d, format!("broker snippet --broker broker1 --listen 127.0.0.1 --mtls-port {mtls} --psk-file psk/psk.txt --psk-port {psk} --mosquitto-version 2.1")).stdout,
    )
    .into_owned();
    assert!(!snippet.contains("\nper_listener_settings"), "{snippet}");
    assert!(
        snippet.contains("listener_allow_anonymous false"),
        "{snippet}"
    );
    let log = d.join("broker.log");
    let conf = d.join("run.conf");
    let root = if is_root() { "user root\n" } else { "" };
    fs::write(
        &conf,
        format!(
            "{root}log_dest file {}\nlog_type all\n{snippet}",
            log.display()
        ),
    )
    .unwrap();
    let broker = Broker::start_on(&m, &conf, &log, &[mtls, psk]);
    let pki = d.join("pki");
    let dev1 = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/dev1.crt"),
        &pki.join("private/dev1.key"),
    );
    let got = round_trip(
        mtls,
        &dev1,
        "t/1",
        &dev1,
        "t/1",
        "m",
        Duration::from_secs(10),
    );
    assert_eq!(got.as_deref(), Some("m"), "{}", broker.log_text());
    let keys = fs::read_to_string(d.join("psk/psk.txt")).unwrap();
    let hex = keys.lines().find_map(|l| l.strip_prefix("gw1:")).unwrap();
    assert!(
        publish(psk, &Tls::psk("gw1", hex), "t/2", "m")
            .status
            .success()
    );
    assert_no_upgrade_warnings(&broker.log_text());
}

/// With `--group mosquitto` a 2.1 broker's ACL files are its group's (0640), not world
/// readable, and a 2.1 broker started as root drops to the mosquitto user and still reads them:
/// devices are served and the ACL holds.
#[test]
fn a_2_1_broker_reads_its_group_acl_files_as_its_own_user() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    if !is_root() {
        eprintln!("SKIP a_2_1_broker_reads_its_group_acl_files_as_its_own_user: needs root");
        return;
    }
    let Ok(gid) = mqauth::group::group_id("mosquitto") else {
        eprintln!(
            "SKIP a_2_1_broker_reads_its_group_acl_files_as_its_own_user: no mosquitto group"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    let (mtls, psk) = (free_port(), free_port());
    fs::write(
        d.join("fleet.yaml"),
        format!(
            "fleet: acme\nbrokers:\n  - {{ name: b1, listen: 127.0.0.1, ip: [127.0.0.1], mtls_port: {mtls}, psk_port: {psk}{} }}\n\
             groups:\n  s: {{ auth: mtls, readwrite: [\"d/{{id}}\"] }}\n  g: {{ auth: psk, publish: [\"g/{{id}}\"] }}\n\
             devices:\n  - {{ id: s1, group: s }}\n  - {{ id: g1, group: g }}\n",
            m.flow_fields()
        ),
    )
    .unwrap();
    ok(d, "-q fleet apply --group mosquitto");
    for file in ["mtls.acl", "psk.acl", "psk.txt"] {
        let path = d.join("brokers/b1").join(file);
        assert_eq!(mode(&path), 0o640, "{file}");
        assert_eq!(fs::metadata(&path).unwrap().gid(), gid, "{file}");
    }
    let rendered = fs::read_to_string(d.join("brokers/b1/mosquitto.conf")).unwrap();
    let log = d.join("broker.log");
    let conf = d.join("run.conf");
    // No `user root`: Mosquitto drops to the mosquitto user before it reads the files, and
    // before it opens its log, which it must be able to write.
    fs::write(&log, "").unwrap();
    fs::set_permissions(&log, fs::Permissions::from_mode(0o666)).unwrap();
    fs::write(
        &conf,
        format!("log_dest file {}\nlog_type all\n{rendered}", log.display()),
    )
    .unwrap();
    let broker = Broker::start_on(&m, &conf, &log, &[mtls, psk]);
    let pki = d.join("pki");
    let s1 = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/s1.crt"),
        &pki.join("private/s1.key"),
    );
    let got = round_trip(mtls, &s1, "d/s1", &s1, "d/s1", "m", Duration::from_secs(10));
    assert_eq!(got.as_deref(), Some("m"), "{}", broker.log_text());
    // The ACL was read: s1 may not use g1's topic.
    let denied = round_trip(mtls, &s1, "g/g1", &s1, "g/g1", "m", Duration::from_secs(2));
    assert_eq!(denied, None, "{}", broker.log_text());
    // 2.1 also wants the files it reads owned by the user it runs as; `--group` shares them
    // with its group but leaves them root's, which 2.1 notes (docs/mosquitto-2.1.md). Nothing
    // else is reported.
    let log = broker.log_text();
    let others: Vec<&str> = log
        .lines()
        .filter(|l| !l.contains("owner is not mosquitto"))
        .collect();
    assert_no_upgrade_warnings(&others.join("\n"));
}

/// `--mosquitto-version` is the release of brokers whose entry has none; the manifest wins.
#[test]
fn the_flag_is_the_release_of_brokers_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("fleet.yaml"),
        "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 18883 }\n  - { name: b2, ip: [127.0.0.1], mtls_port: 18884, mosquitto: \"2.0\" }\n\
         groups:\n  s: { auth: mtls }\ndevices:\n  - { id: s1, group: s }\n",
    )
    .unwrap();
    ok(d, "-q fleet apply");
    ok(d, "-q broker render --mosquitto-version 2.1");
    let conf =
        |b: &str| fs::read_to_string(d.join("brokers").join(b).join("mosquitto.conf")).unwrap();
    assert!(conf("b1").contains("plugin_use acl_mtls"), "{}", conf("b1"));
    assert!(
        conf("b2").contains("per_listener_settings true"),
        "{}",
        conf("b2")
    );
}
