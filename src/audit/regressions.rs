//! The cases of issue #21, each a configuration the real Mosquitto 2.0.11 was measured on,
//! with the findings the audit must make (or must not).

use super::{Options, audit};
use std::collections::BTreeSet;
use std::path::Path;

fn codes(dir: &Path, conf: &str, acl: &str) -> (BTreeSet<&'static str>, super::Report) {
    std::fs::write(dir.join("acl"), acl).unwrap();
    let conf = conf.replace("ACL", &dir.join("acl").display().to_string());
    std::fs::write(dir.join("m.conf"), conf).unwrap();
    let opts = Options {
        at: time::OffsetDateTime::now_utc(),
        warn: time::Duration::days(30),
        hosts: Vec::new(),
    };
    let report = audit(&[dir.join("m.conf")], &opts).unwrap();
    let codes = report
        .findings
        .iter()
        .filter(|f| f.severity == super::Severity::Problem)
        .map(|f| f.code)
        .collect();
    (codes, report)
}

const PLAIN: &str = "listener 18001 127.0.0.1\nmax_connections 10\nacl_file ACL\n";

#[test]
fn values_mosquitto_accepts() {
    let d = tempfile::tempdir().unwrap();
    for anon in ["allow_anonymous 1", "allow_anonymous true   # comment"] {
        let (c, _) = codes(d.path(), &format!("{PLAIN}{anon}\n"), "topic read x\n");
        assert!(c.contains("MQA602"), "{anon}: {c:?}");
    }
    // per_listener_settings twice: the last one makes the broker's allow_anonymous apply.
    let (c, _) = codes(
        d.path(),
        &format!(
            "per_listener_settings true\n{PLAIN}per_listener_settings false\nallow_anonymous true\n"
        ),
        "topic read x\n",
    );
    assert!(c.contains("MQA602"), "{c:?}");
}

#[test]
fn listeners_nobody_wrote() {
    let d = tempfile::tempdir().unwrap();
    let (_, r) = codes(d.path(), &format!("{PLAIN}port 19161\n"), "");
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "MQA601" && f.listener.as_deref() == Some("default listener 19161"))
    );
    let (_, r) = codes(d.path(), &format!("max_connections 100\n{PLAIN}"), "");
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "MQA601" && f.listener.as_deref() == Some("default listener 1883"))
    );
}

#[test]
fn include_dir_order_and_fan_out() {
    let d = tempfile::tempdir().unwrap();
    let inc = d.path().join("inc");
    std::fs::create_dir(&inc).unwrap();
    std::fs::write(inc.join("a.conf"), "allow_anonymous true\n").unwrap();
    std::fs::write(inc.join("B.conf"), "allow_anonymous false\n").unwrap();
    let (c, _) = codes(
        d.path(),
        &format!("{PLAIN}include_dir {}\n", inc.display()),
        "topic read x\n",
    );
    assert!(!c.contains("MQA602"), "B.conf is read last: {c:?}");
    // Four levels of 25 files: Mosquitto follows only the main file's include_dir.
    let top = d.path().join("fan");
    for level in 0..4 {
        let dir = top.join(level.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..25 {
            std::fs::write(
                dir.join(format!("{i:02}.conf")),
                format!(
                    "include_dir {}\n",
                    top.join((level + 1).to_string()).display()
                ),
            )
            .unwrap();
        }
    }
    std::fs::create_dir_all(top.join("4")).unwrap();
    let (_, r) = codes(
        d.path(),
        &format!("{PLAIN}include_dir {}\n", top.join("0").display()),
        "",
    );
    assert_eq!(r.files.len(), 26);
}

#[test]
fn grants_that_cross_devices() {
    let d = tempfile::tempdir().unwrap();
    let anon = format!("{PLAIN}allow_anonymous true\n");
    let tree = "pattern readwrite devices/%u/#\n";
    for (acl, code) in [
        (format!("{tree}pattern readwrite devices/%c/#\n"), "MQA108"),
        (format!("topic read +/+/#\n{tree}"), "MQA109"),
        (format!("{tree}pattern read +/+/#\n"), "MQA109"),
        (format!("{tree}pattern read devices/#\n"), "MQA109"),
        (format!("{tree}pattern read devices/+/secret\n"), "MQA109"),
        (format!("{tree}user dev1\ntopic read devices/#\n"), "MQA109"),
    ] {
        let (c, _) = codes(d.path(), &anon, &acl);
        assert!(c.contains(code), "{acl}: {c:?}");
    }
    // Bound by use_username_as_clientid: %c is the username.
    let (c, _) = codes(
        d.path(),
        &format!("{PLAIN}password_file /dev/null\nuse_username_as_clientid true\n"),
        &format!("{tree}pattern readwrite devices/%c/#\n"),
    );
    assert!(!c.contains("MQA108"), "{c:?}");
    // A deny first cancels the grant.
    let (c, _) = codes(
        d.path(),
        &anon,
        &format!("{tree}user dev1\ntopic read devices/#\ntopic deny devices/#\n"),
    );
    assert!(!c.contains("MQA109"), "{c:?}");
}

#[test]
fn lines_the_broker_refuses() {
    let d = tempfile::tempdir().unwrap();
    for bad in ["allow_anonymous\ttrue", "  # indented comment"] {
        let (c, r) = codes(d.path(), &format!("{PLAIN}{bad}\n"), "");
        assert!(c.contains("MQA001"), "{bad:?}: {c:?}");
        let f = r.findings.iter().find(|f| f.code == "MQA001").unwrap();
        assert!(f.message.contains("will not start") && f.line == Some(4));
    }
}

#[test]
fn certificate_listener_with_allow_anonymous() {
    let d = tempfile::tempdir().unwrap();
    let (c, r) = codes(
        d.path(),
        "listener 8883 127.0.0.1\nmax_connections 10\ncafile /ca\ncertfile /c\nkeyfile /k\nrequire_certificate true\nallow_anonymous true\nacl_file ACL\n",
        "topic read x\n",
    );
    assert!(c.contains("MQA605") && !c.contains("MQA602"), "{c:?}");
    let f = r.findings.iter().find(|f| f.code == "MQA605").unwrap();
    assert!(f.fix.contains("use_identity_as_username true"));
}
