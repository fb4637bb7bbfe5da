//! `mqauth audit`: for every check a configuration that differs from a clean one in one thing
//! and triggers exactly that finding; the real Mosquitto showing that what the behavioural
//! findings warn about happens; the field guide's recipes; what mqauth renders audits clean;
//! JSON, SARIF (validated against the OASIS schema) and the exit statuses.

use crate::common::{Broker, Tls, free_port, ok, publish, requires, round_trip, run, run_tool};
use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

const ACL: &str = "pattern readwrite devices/%u/#\n";

/// A deployment made with mqauth: a broker certificate, two devices, two PSK gateways, an ACL,
/// a CRL, and a configuration with an mTLS and a PSK listener that audits clean.
struct Deployment {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    mtls: u16,
    psk: u16,
}

impl Deployment {
    fn new() -> Deployment {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        ok(&dir, "-q pki init");
        ok(&dir, "-q pki broker b1 --dns localhost --ip 127.0.0.1");
        ok(&dir, "-q pki client dev1 dev2");
        ok(&dir, "-q pki crl");
        ok(&dir, "-q psk gen gw1 gw2 --out psk.txt");
        fs::write(dir.join("acl"), ACL).unwrap();
        Deployment {
            _tmp: tmp,
            dir,
            mtls: free_port(),
            psk: free_port(),
        }
    }

    fn p(&self, rel: &str) -> String {
        self.dir.join(rel).display().to_string()
    }

    /// The clean configuration; `edit` changes its lines before it is written.
    fn config(&self, edit: impl Fn(Vec<String>) -> Vec<String>) -> PathBuf {
        let lines: Vec<String> = format!(
            "per_listener_settings true\n\
             listener {} 127.0.0.1\nmax_connections 1000\ncafile {}\ncertfile {}\nkeyfile {}\n\
             require_certificate true\nuse_identity_as_username true\ntls_version tlsv1.2\n\
             crlfile {}\nacl_file {}\n\
             listener {} 127.0.0.1\nmax_connections 1000\npsk_hint h\npsk_file {}\n\
             use_identity_as_username true\ntls_version tlsv1.2\nacl_file {}\n",
            self.mtls,
            self.p("pki/chain.pem"),
            self.p("pki/issued/b1.fullchain.pem"),
            self.p("pki/private/b1.key"),
            self.p("pki/crl.pem"),
            self.p("acl"),
            self.psk,
            self.p("psk.txt"),
            self.p("acl"),
        )
        .lines()
        .map(str::to_string)
        .collect();
        let path = self.dir.join("mosquitto-under-audit.conf");
        fs::write(&path, edit(lines).join("\n") + "\n").unwrap();
        path
    }

    /// The codes of the findings at `min` severity or above, and the exit status.
    fn audit(
        &self,
        conf: &Path,
        extra: &str,
        min: &str,
    ) -> (BTreeSet<String>, i32, serde_json::Value) {
        let out = run(
            &self.dir,
            format!(
                "audit --config {} --json --min-severity {min} {extra}",
                conf.display()
            ),
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let codes = json
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        (codes, out.status.code().unwrap_or(-1), json)
    }

    fn dev(&self, id: &str) -> Tls {
        Tls::cert(
            &self.dir.join("pki/ca.crt"),
            &self.dir.join(format!("pki/issued/{id}.crt")),
            &self.dir.join(format!("pki/private/{id}.key")),
        )
    }

    /// Whether, with Mosquitto running `conf`, a message `from` publishes on `topic` reaches
    /// `to` subscribed to `filter` (on the mTLS listener).
    fn flows(&self, conf: &Path, to: &Tls, filter: &str, from: &Tls, topic: &str) -> bool {
        let _broker = self.start(conf, &[self.mtls, self.psk]);
        round_trip(
            self.mtls,
            to,
            filter,
            from,
            topic,
            "m",
            Duration::from_secs(3),
        )
        .is_some()
    }

    /// Mosquitto running `conf` (with `user root` and a log, as the tests run it).
    fn start(&self, conf: &Path, ports: &[u16]) -> Broker {
        let text = fs::read_to_string(conf).unwrap();
        let dir = self.dir.join(format!("run-{}", ports[0]));
        fs::create_dir_all(&dir).unwrap();
        Broker::start(&dir, &text, ports)
    }
}

fn remove(key: &'static str) -> impl Fn(Vec<String>) -> Vec<String> {
    move |lines| lines.into_iter().filter(|l| !l.starts_with(key)).collect()
}

/// Replaces the first line starting with `key` by `with`.
fn replace_first(lines: Vec<String>, key: &str, with: &str) -> Vec<String> {
    let mut done = false;
    lines
        .into_iter()
        .map(|l| {
            if !done && l.starts_with(key) {
                done = true;
                with.to_string()
            } else {
                l
            }
        })
        .collect()
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

/// A certificate for the broker's key made by openssl with `ext` extensions, issued by the
/// intermediate; returns the path of leaf + intermediate.
fn openssl_broker_cert(d: &Deployment, name: &str, ext: &str) -> String {
    fs::write(d.dir.join(format!("{name}.ext")), ext).unwrap();
    let out = run_tool(
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            "pki/private/b1.key",
            "-subj",
            "/CN=broker",
            "-out",
            &format!("{name}.csr"),
        ],
        &d.dir,
    );
    assert!(out.status.success());
    let out = run_tool(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "pki/intermediate.crt",
            "-CAkey",
            "pki/intermediate.key",
            "-CAcreateserial",
            "-days",
            "365",
            "-out",
            &format!("{name}.crt"),
            "-extfile",
            &format!("{name}.ext"),
        ],
        &d.dir,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chain = fs::read_to_string(d.dir.join(format!("{name}.crt"))).unwrap()
        + &fs::read_to_string(d.dir.join("pki/intermediate.crt")).unwrap();
    fs::write(d.dir.join(format!("{name}.chain.pem")), chain).unwrap();
    d.p(&format!("{name}.chain.pem"))
}

#[test]
fn each_check_fires_alone_on_a_config_that_differs_in_one_thing() {
    requires!("openssl");
    let d = Deployment::new();
    let clean = d.config(|l| l);
    let (codes, status, _) = d.audit(&clean, "", "warning");
    assert!(codes.is_empty(), "the clean configuration: {codes:?}");
    assert_eq!(status, 0);
    let (notes, _, _) = d.audit(&clean, "", "note");
    assert_eq!(
        notes,
        set(&["MQA502"]),
        "only the note Mosquitto 2.0 cannot avoid"
    );

    let acl_with = |extra: &str| {
        let name = format!(
            "acl-{:x}",
            extra
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        );
        fs::write(d.dir.join(&name), format!("{ACL}{extra}")).unwrap();
        d.p(&name)
    };
    let now = time::OffsetDateTime::now_utc();
    let in_days = |n: i64| (now + time::Duration::days(n)).date().to_string();
    // Short-lived material for the validity checks.
    ok(
        &d.dir,
        "-q pki broker b2 --dns localhost --ip 127.0.0.1 --days 1d",
    );
    let short_ca = run_tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "short-ca.key",
            "-subj",
            "/CN=Short CA",
            "-days",
            "1",
            "-out",
            "short-ca.crt",
        ],
        &d.dir,
    );
    assert!(short_ca.status.success());
    fs::write(
        d.dir.join("chain-plus.pem"),
        fs::read_to_string(d.dir.join("pki/chain.pem")).unwrap()
            + &fs::read_to_string(d.dir.join("short-ca.crt")).unwrap(),
    )
    .unwrap();
    let no_server_auth = openssl_broker_cert(
        &d,
        "clientonly",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=clientAuth\n",
    );
    let no_sans = openssl_broker_cert(&d, "nosans", "extendedKeyUsage=serverAuth\n");
    fs::copy(d.dir.join("pki/private/b1.key"), d.dir.join("open.key")).unwrap();
    fs::set_permissions(d.dir.join("open.key"), fs::Permissions::from_mode(0o644)).unwrap();

    type Edit = Box<dyn Fn(Vec<String>) -> Vec<String>>;
    let psk_line = |name: &str, line: String| -> Edit {
        let path = d.dir.join(format!("psk-{name}.txt"));
        let base = fs::read_to_string(d.dir.join("psk.txt")).unwrap();
        fs::write(&path, format!("{base}{line}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let path = path.display().to_string();
        Box::new(move |l| replace_first(l, "psk_file", &format!("psk_file {path}")))
    };
    let gw1_key = fs::read_to_string(d.dir.join("psk.txt"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("gw1:").map(str::to_string))
        .unwrap();
    let open_psk = d.dir.join("open.psk");
    fs::copy(d.dir.join("psk.txt"), &open_psk).unwrap();
    fs::set_permissions(&open_psk, fs::Permissions::from_mode(0o644)).unwrap();

    let acl = |extra: &str| -> Edit {
        let path = acl_with(extra);
        Box::new(move |l| replace_first(l, "acl_file", &format!("acl_file {path}")))
    };
    let line = |key: &'static str, with: String| -> Edit {
        Box::new(move |l| replace_first(l, key, &with))
    };
    let plain = |extra: &'static str| -> Edit {
        let port = free_port();
        Box::new(move |mut l| {
            l.push(format!("listener {port}{extra}"));
            l.push("max_connections 10".into());
            l
        })
    };
    let at_8_days = format!("--at {}", in_days(8));
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "MQA101",
            Box::new(remove("acl_file")),
            "",
            "no acl on either listener",
        ),
        (
            "MQA102",
            acl("user dev1\ntopic read #\n"),
            "",
            "a read grant of #",
        ),
        (
            "MQA103",
            acl("user dev1\ntopic write devices/+/cmd\n"),
            "",
            "commands of every device",
        ),
        (
            "MQA104",
            acl("user dev1\ntopic read devices/dev1/extra\npattern write devices/dev1/state\n"),
            "",
            "one device's topic as a pattern",
        ),
        (
            "MQA105",
            line("use_identity_as_username", String::new()),
            "",
            "username not bound",
        ),
        (
            "MQA106",
            acl("allow everything\n"),
            "",
            "an ACL line Mosquitto does not know",
        ),
        (
            "MQA503",
            acl("pattern write mqauth/enroll/%u/csr\npattern read mqauth/enroll/%u/result\n"),
            "",
            "enrollment requests without max_packet_size",
        ),
        (
            "MQA201",
            psk_line("shared", format!("gw3:{gw1_key}")),
            "",
            "gw3 shares gw1's key",
        ),
        (
            "MQA202",
            psk_line("short", "gw4:00112233445566".into()),
            "",
            "a 7-byte key",
        ),
        (
            "MQA203",
            psk_line("weak", format!("gw5:{}", "41".repeat(32))),
            "",
            "a key of one repeated byte",
        ),
        (
            "MQA204",
            line("psk_file", format!("psk_file {}", open_psk.display())),
            "",
            "psk_file 0644",
        ),
        (
            "MQA205",
            line("psk_hint", String::new()),
            "",
            "psk_file without psk_hint",
        ),
        (
            "MQA206",
            psk_line("bad", "no separator here".into()),
            "",
            "a line without ':'",
        ),
        (
            "MQA301",
            {
                let (cert, key) = (
                    d.p("pki/issued/b2.fullchain.pem"),
                    d.p("pki/private/b2.key"),
                );
                Box::new(move |l| {
                    let l = replace_first(l, "certfile", &format!("certfile {cert}"));
                    replace_first(l, "keyfile", &format!("keyfile {key}"))
                })
            },
            "",
            "expires within 30 days",
        ),
        (
            "MQA302",
            line("cafile", format!("cafile {}", d.p("chain-plus.pem"))),
            "",
            "a CA that expires tomorrow",
        ),
        (
            "MQA303",
            Box::new(|l| l),
            &at_8_days,
            "the CRL's nextUpdate passed",
        ),
        (
            "MQA401",
            line("certfile", format!("certfile {no_server_auth}")),
            "",
            "clientAuth only",
        ),
        (
            "MQA402",
            line("certfile", format!("certfile {no_sans}")),
            "",
            "no SANs",
        ),
        (
            "MQA403",
            Box::new(|l| l),
            "--host mqtt.elsewhere.example",
            "a name devices dial",
        ),
        (
            "MQA404",
            line(
                "keyfile",
                format!("keyfile {}", d.p("pki/private/dev1.key")),
            ),
            "",
            "another key",
        ),
        (
            "MQA405",
            line("certfile", format!("certfile {}", d.p("pki/issued/b1.crt"))),
            "",
            "the leaf alone",
        ),
        (
            "MQA406",
            line("keyfile", format!("keyfile {}", d.p("open.key"))),
            "",
            "keyfile 0644",
        ),
        (
            "MQA407",
            line("acl_file", format!("acl_file {}", d.p("nowhere.acl"))),
            "",
            "a missing acl_file",
        ),
        (
            "MQA407",
            Box::new(|mut l: Vec<String>| {
                l.push("password_file /nonexistent/passwd".into());
                l
            }),
            "",
            "a missing password_file",
        ),
        ("MQA601", plain(""), "", "plain TCP on every interface"),
        (
            // On the PSK listener allow_anonymous lets no one in without a PSK (the identity
            // is the username): MQA602 is for a listener anyone can reach.
            "MQA602",
            {
                let port = free_port();
                let acl = d.p("acl");
                Box::new(move |mut l: Vec<String>| {
                    l.extend([
                        format!("listener {port} 127.0.0.1"),
                        "max_connections 10".into(),
                        "allow_anonymous true".into(),
                        format!("acl_file {acl}"),
                    ]);
                    l
                })
            },
            "",
            "anonymous on a loopback plain listener",
        ),
        (
            "MQA603",
            line("tls_version", "tls_version tlsv1.1".into()),
            "",
            "TLS 1.1",
        ),
        (
            "MQA604",
            Box::new(|l| {
                replace_first(
                    replace_first(l, "require_certificate", ""),
                    "use_identity_as_username",
                    "",
                )
            }),
            "",
            "TLS without client authentication",
        ),
    ];
    for (code, edit, extra, what) in cases {
        let conf = d.config(edit);
        let (codes, status, json) = d.audit(&conf, extra, "warning");
        assert_eq!(codes, set(&[code]), "{what}: {json:#}");
        let worst = json
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "problem");
        assert_eq!(status, if worst { 4 } else { 3 }, "{what}");
        let f = &json[0];
        assert!(
            f["file"].as_str().is_some_and(|p| !p.is_empty())
                && !f["why"].as_str().unwrap().is_empty()
                && !f["fix"].as_str().unwrap().is_empty(),
            "{f}"
        );
    }
    // The dynamic-security plugin with an open default.
    fs::write(
        d.dir.join("dynsec.json"),
        r#"{"defaultACLAccess":{"publishClientSend":true,"publishClientReceive":true,"subscribe":true,"unsubscribe":true},"clients":[],"groups":[],"roles":[]}"#,
    )
    .unwrap();
    let conf = d.config(|l| {
        replace_first(
            l,
            "acl_file",
            &format!(
                "plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so\nplugin_opt_config_file {}",
                d.p("dynsec.json")
            ),
        )
    });
    let (codes, _, json) = d.audit(&conf, "", "warning");
    assert_eq!(codes, set(&["MQA107"]), "{json:#}");
    // Two brokers audited together: a key shared between their psk_files.
    fs::write(d.dir.join("other.psk"), format!("gw9:{gw1_key}\n")).unwrap();
    fs::set_permissions(d.dir.join("other.psk"), fs::Permissions::from_mode(0o600)).unwrap();
    let other = d.dir.join("other.conf");
    fs::write(
        &other,
        format!(
            "listener {} 127.0.0.1\nmax_connections 10\npsk_hint h\npsk_file {}\nuse_identity_as_username true\ntls_version tlsv1.2\nacl_file {}\n",
            free_port(),
            d.p("other.psk"),
            d.p("acl")
        ),
    )
    .unwrap();
    let clean = d.config(|l| l);
    let (codes, _, json) = d.audit(&clean, &format!("--config {}", other.display()), "warning");
    assert_eq!(codes, set(&["MQA201"]), "{json:#}");
    // Without per_listener_settings both blocks' acl_file are the broker's: Mosquitto
    // refuses the second as a duplicate and does not start.
    let conf = d.config(|l| l.into_iter().skip(1).collect());
    let (codes, _, json) = d.audit(&conf, "", "warning");
    assert_eq!(codes, set(&["MQA001"]), "{json:#}");
    assert!(
        json[0]["message"]
            .as_str()
            .unwrap()
            .contains("will not start")
    );
    // include_dir and per_listener_settings false: a block's allow_anonymous is everyone's,
    // the plain loopback listener's too.
    fs::create_dir(d.dir.join("conf.d")).unwrap();
    fs::write(d.dir.join("conf.d/10-anon.conf"), "allow_anonymous true\n").unwrap();
    let port = free_port();
    let conf = d.config(|l| {
        let mut seen_acl = false;
        let mut l: Vec<String> = l
            .into_iter()
            .skip(1)
            .filter(|line| {
                !(line.starts_with("acl_file") && std::mem::replace(&mut seen_acl, true))
            })
            .collect();
        l.push(format!("include_dir {}", d.p("conf.d")));
        l.extend([
            format!("listener {port} 127.0.0.1"),
            "max_connections 10".into(),
        ]);
        l
    });
    let (codes, _, json) = d.audit(&conf, "", "warning");
    assert_eq!(codes, set(&["MQA602"]), "{json:#}");
    // The CRL missing while the PKI beside the CA has a revocation.
    ok(&d.dir, "-q pki revoke dev2");
    let (codes, _, json) = d.audit(&d.config(remove("crlfile")), "", "warning");
    assert_eq!(codes, set(&["MQA304"]), "{json:#}");
    // A broker certificate that expires tomorrow is a problem the day after.
    let conf = d.config(|l| {
        let l = replace_first(
            l,
            "certfile",
            &format!("certfile {}", d.p("pki/issued/b2.fullchain.pem")),
        );
        replace_first(
            l,
            "keyfile",
            &format!("keyfile {}", d.p("pki/private/b2.key")),
        )
    });
    let (codes, status, json) = d.audit(&conf, &format!("--at {}", in_days(2)), "warning");
    assert_eq!((codes, status), (set(&["MQA301"]), 4), "{json:#}");
    // Notes: no max_connections, no tls_version.
    let (codes, status, _) = d.audit(&d.config(remove("max_connections")), "", "note");
    assert_eq!((codes, status), (set(&["MQA501", "MQA502"]), 0));
    let (codes, _, _) = d.audit(&d.config(remove("tls_version")), "", "note");
    assert_eq!(codes, set(&["MQA502", "MQA603"]));
}

#[test]
fn the_behaviour_each_finding_warns_about_happens_in_mosquitto() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let d = Deployment::new();
    let (dev1, dev2) = (d.dev("dev1"), d.dev("dev2"));
    let ports = [d.mtls, d.psk];

    // MQA101: without an ACL dev1 reads what dev2 publishes under its own id.
    let conf = d.config(remove("acl_file"));
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA101"]));
    assert!(d.flows(&conf, &dev1, "devices/dev2/#", &dev2, "devices/dev2/t"));
    // The clean config, as the control: dev1 does not get it.
    assert!(!d.flows(
        &d.config(|l| l),
        &dev1,
        "devices/dev2/#",
        &dev2,
        "devices/dev2/t"
    ));

    // MQA102: a grant of # lets dev1 read dev2's topics.
    fs::write(
        d.dir.join("wide.acl"),
        format!("{ACL}user dev1\ntopic read #\n"),
    )
    .unwrap();
    let conf = d.config(|l| replace_first(l, "acl_file", &format!("acl_file {}", d.p("wide.acl"))));
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA102"]));
    assert!(d.flows(&conf, &dev1, "#", &dev2, "devices/dev2/t"));

    // MQA103: dev1 sends a command to dev2.
    fs::write(
        d.dir.join("cmd.acl"),
        format!("{ACL}user dev1\ntopic write devices/+/cmd\n"),
    )
    .unwrap();
    let conf = d.config(|l| replace_first(l, "acl_file", &format!("acl_file {}", d.p("cmd.acl"))));
    assert!(d.flows(&conf, &dev2, "devices/dev2/cmd", &dev1, "devices/dev2/cmd"));

    // MQA105: without use_identity_as_username the ACL's usernames are the client's word.
    // Mosquitto 2.x refuses a username it cannot check, so with nothing else every device is
    // locked out; with allow_anonymous true, dev1 says it is dev2 and reads dev2's topics.
    let conf = d.config(|l| replace_first(l, "use_identity_as_username", ""));
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA105"]));
    let mut as_dev2 = dev1.clone();
    as_dev2.args.extend(["-u".to_string(), "dev2".to_string()]);
    let mut dev2_named = dev2.clone();
    dev2_named
        .args
        .extend(["-u".to_string(), "dev2".to_string()]);
    let b = d.start(&conf, &ports);
    assert!(
        !publish(d.mtls, &dev2_named, "devices/dev2/t", "x")
            .status
            .success()
    );
    drop(b);
    let conf = d.config(|l| {
        let l = replace_first(l, "use_identity_as_username", "allow_anonymous true");
        replace_first(l, "crlfile", &format!("crlfile {}", d.p("pki/crl.pem")))
    });
    // The certificate listener's allow_anonymous is what lets certificate clients in: the
    // finding is the unbound identity (MQA105), not "anyone connects" (MQA602, whose fix would
    // lock every device out).
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA105"]));
    assert!(d.flows(
        &conf,
        &as_dev2,
        "devices/dev2/#",
        &dev2_named,
        "devices/dev2/t"
    ));

    // MQA602: anonymous clients publish.
    let port = free_port();
    let conf = d.config(|mut l| {
        l.extend([
            format!("listener {port} 127.0.0.1"),
            "max_connections 10".into(),
            "allow_anonymous true".into(),
            format!("acl_file {}", d.p("acl")),
        ]);
        l
    });
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA602"]));
    let b = d.start(&conf, &[d.mtls, d.psk, port]);
    assert!(
        publish(port, &Tls::default(), "anything", "x")
            .status
            .success()
    );
    drop(b);

    // MQA303: a CRL past its nextUpdate locks out a device that is not revoked.
    fs::create_dir(d.dir.join("ca")).unwrap();
    fs::write(d.dir.join("ca/index.txt"), "").unwrap();
    fs::write(d.dir.join("ca/crlnumber"), "01\n").unwrap();
    fs::write(
        d.dir.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca = d\n[d]\ndatabase = {}\ncrlnumber = {}\ndefault_md = sha256\n",
            d.p("ca/index.txt"),
            d.p("ca/crlnumber")
        ),
    )
    .unwrap();
    let out = run_tool(
        "openssl",
        &[
            "ca",
            "-gencrl",
            "-config",
            "ca.cnf",
            "-keyfile",
            "pki/intermediate.key",
            "-cert",
            "pki/intermediate.crt",
            "-crl_lastupdate",
            "20250101000000Z",
            "-crl_nextupdate",
            "20250102000000Z",
            "-out",
            "old.crl",
        ],
        &d.dir,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conf = d.config(|l| replace_first(l, "crlfile", &format!("crlfile {}", d.p("old.crl"))));
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA303"]));
    let b = d.start(&conf, &ports);
    assert!(
        !publish(d.mtls, &dev1, "devices/dev1/t", "x")
            .status
            .success()
    );
    drop(b);

    // MQA304: a revoked device connects when the broker reads no CRL.
    ok(&d.dir, "-q pki revoke dev2");
    let conf = d.config(remove("crlfile"));
    assert_eq!(d.audit(&conf, "", "warning").0, set(&["MQA304"]));
    let b = d.start(&conf, &ports);
    assert!(
        publish(d.mtls, &dev2, "devices/dev2/t", "x")
            .status
            .success()
    );
    drop(b);

    // MQA205: without psk_hint the PSK listener does not do TLS-PSK.
    let conf = d.config(|l| replace_first(l, "psk_hint", ""));
    let b = d.start(&conf, &ports);
    let key = fs::read_to_string(d.dir.join("psk.txt")).unwrap();
    let hex = key.lines().find_map(|l| l.strip_prefix("gw1:")).unwrap();
    assert!(
        !publish(d.psk, &Tls::psk("gw1", hex), "devices/gw1/t", "x")
            .status
            .success()
    );
    drop(b);
}

/// The field guide's two recipes, typed in as written (paths moved into a temporary directory,
/// files made by the recipe's own commands): the findings a reviewer expects.
#[test]
fn the_field_guides_recipes_get_the_findings_a_reviewer_expects() {
    requires!("openssl");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/field-guide");
    // Example 1: the PSK listener, and the pskfile as its step 1 writes it.
    fs::write(
        d.join("pskfile"),
        "device-001:".to_string() + &"ab".repeat(32) + "\n",
    )
    .unwrap();
    fs::set_permissions(d.join("pskfile"), fs::Permissions::from_mode(0o600)).unwrap();
    let psk = fs::read_to_string(data.join("psk.conf")).unwrap().replace(
        "/etc/mosquitto/pskfile",
        &d.join("pskfile").display().to_string(),
    );
    fs::write(d.join("psk.conf"), psk).unwrap();
    let out = run(
        d,
        format!("audit --config {} --json", d.join("psk.conf").display()),
    );
    let codes = codes_of(&out.stdout);
    assert_eq!(
        codes,
        set(&["MQA205", "MQA501", "MQA601"]),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(4));
    // Example 2: the mTLS listener, with the files its step 1 script makes (umask 022).
    let script = fs::read_to_string(data.join("mtls-pki.sh")).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("umask 022; {script}"))
        .env("HOME", d)
        .status()
        .unwrap();
    assert!(status.success());
    let demo = d.join("mqtt-mtls-demo");
    let mtls = fs::read_to_string(data.join("mtls.conf"))
        .unwrap()
        .replace("/home/youruser/mqtt-mtls-demo", &demo.display().to_string());
    fs::write(d.join("mtls.conf"), mtls).unwrap();
    let out = run(
        d,
        format!("audit --config {} --json", d.join("mtls.conf").display()),
    );
    assert_eq!(
        codes_of(&out.stdout),
        set(&["MQA101", "MQA501", "MQA502", "MQA603"]),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(4));
}

fn codes_of(stdout: &[u8]) -> BTreeSet<String> {
    let json: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn what_mqauth_renders_audits_clean_and_sarif_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, "-q fleet apply --example --fleet-dir fleet");
    let conf = d.join("fleet/brokers/broker1/mosquitto.conf");
    let out = run(d, format!("audit --config {}", conf.display()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // SARIF for a config with findings, checked against the OASIS SARIF 2.1.0 schema.
    let dep = Deployment::new();
    let conf = dep.config(remove("acl_file"));
    let out = run(
        &dep.dir,
        format!("audit --config {} --sarif", conf.display()),
    );
    assert_eq!(out.status.code(), Some(4));
    fs::write(dep.dir.join("out.sarif"), &out.stdout).unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "MQA101" && r["level"] == "error")
    );
    if crate::common::available("python3") {
        let schema =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
        let check = std::process::Command::new("python3")
            .args(["-c", "import json,sys,jsonschema; jsonschema.Draft7Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2]))); print('valid')"])
            .arg(&schema)
            .arg(dep.dir.join("out.sarif"))
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    // An unreadable configuration: exit 1, naming it.
    let out = run(d, "audit --config /nonexistent/mosquitto.conf");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: /nonexistent/mosquitto.conf"));
}
