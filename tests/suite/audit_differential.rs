//! `mqauth audit` against the real Mosquitto: configurations generated from a grammar of the
//! directives that matter (orderings; booleans written 1/0/true/false, with comments;
//! per_listener_settings once, twice, late; `port` after listener blocks and default-listener
//! options before the first; include_dir with mixed-case names; ACLs with grants that cross
//! devices; password, certificate and PSK listeners; lines Mosquitto refuses), each started in
//! its own network namespace (`unshare -rn`: only that namespace's loopback exists, so a
//! listener on every interface — the default listener on 1883 — is probed without being
//! reachable from anywhere) and probed with mosquitto_pub/sub:
//!
//! - anonymous: connects without credentials — no username, or a username without password
//!   (use_username_as_clientid refuses clients without one) — with TLS but no client
//!   certificate on certificate listeners;
//! - read: device dev1's credentials, client id "dev2" (and username dev2 where the TLS
//!   identity is not the username) receive what dev2 published retained;
//! - write: the same client's retained publish reaches dev2.
//!
//! The rules: Mosquitto refuses to start ⇔ a finding says "the broker will not start"; a probe
//! that gets in ⇒ a problem naming that listener; MQA602 on a listener ⇒ its anonymous probe
//! gets in. Problems no probe here can show (old TLS, missing max_connections, plain TCP on a
//! loopback-only namespace, a %u grant a single victim topic does not exercise) are backed by
//! the Mosquitto behaviour each check documents (docs/audit-checks.md).
//!
//! CI runs seeds 0..200; `MQAUTH_DIFF_SEEDS=N` (and `MQAUTH_DIFF_FROM=S`) run more, as
//! benches/audit-differential.sh does. A failure prints the seed and the configuration.

use crate::common::{ok, requires};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// splitmix64: the same seed, the same configuration, on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Plain,
    Cert,
    Psk,
}

/// What the probes need to know about a listener the generator wrote.
struct Probe {
    port: u16,
    kind: Kind,
    /// The plain listener has a password_file in force for it (or any listener, for creds).
    passwords: bool,
}

/// Files every case shares: a PKI with dev1 and dev2, a PSK file, a password file.
struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    psk: [(String, String); 2],
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        ok(&dir, "-q pki init");
        ok(&dir, "-q pki broker b1 --dns localhost --ip 127.0.0.1");
        ok(&dir, "-q pki client dev1 dev2");
        ok(&dir, "-q psk gen dev1 dev2 --out psk.txt");
        let text = fs::read_to_string(dir.join("psk.txt")).unwrap();
        let key = |id: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{id}:")))
                .unwrap()
                .to_string()
        };
        let psk = [
            ("dev1".to_string(), key("dev1")),
            ("dev2".to_string(), key("dev2")),
        ];
        let pw = dir.join("passwd");
        fs::write(&pw, "").unwrap();
        for (u, p) in [("dev1", "pw1"), ("dev2", "pw2")] {
            let out = Command::new("mosquitto_passwd")
                .args(["-b"])
                .arg(&pw)
                .args([u, p])
                .output()
                .unwrap();
            assert!(out.status.success());
        }
        Fixture {
            _tmp: tmp,
            dir,
            psk,
        }
    }

    fn p(&self, rel: &str) -> String {
        self.dir.join(rel).display().to_string()
    }
}

/// One generated configuration: its files, relative to the case directory.
struct Case {
    main: String,
    acl: String,
    includes: Vec<(String, String)>,
    probes: Vec<Probe>,
}

const ANON_VALUES: &[Option<&str>] = &[
    None,
    Some("true"),
    Some("false"),
    Some("1"),
    Some("0"),
    Some("true   # devices connect anonymously"),
];

fn acl(r: &mut Rng) -> String {
    let mut anon = String::new();
    let mut body = String::new();
    if r.chance(2) {
        body.push_str("pattern readwrite devices/%u/#\n");
    } else {
        body.push_str("user dev1\ntopic readwrite devices/dev1/#\nuser dev2\ntopic readwrite devices/dev2/#\n");
    }
    for _ in 0..r.below(3) {
        match r.below(8) {
            0 => body.insert_str(0, "pattern readwrite devices/%c/#\n"),
            1 => anon.push_str("topic read +/+/#\n"),
            2 => body.insert_str(0, "pattern read +/+/#\n"),
            3 => body.insert_str(0, "pattern read devices/#\n"),
            4 => body.insert_str(0, "pattern read devices/+/secret\n"),
            5 => body.push_str("user dev1\ntopic read devices/#\n"),
            6 => body.push_str("user dev1\ntopic deny devices/#\n"),
            _ => anon.push_str("topic read devices/#\n"),
        }
    }
    anon + &body
}

fn generate(seed: u64, f: &Fixture) -> Case {
    let r = &mut Rng(seed);
    let mut main: Vec<String> = vec!["user root".into()];
    let pls = *r.pick(&[0u8, 1, 2, 3]);
    if pls == 1 || pls == 2 {
        main.push("per_listener_settings true".into());
    } else if pls == 3 {
        main.push("per_listener_settings false".into());
    }
    let per_listener = pls == 1;
    let default = r.below(5);
    match default {
        2 => main.push("max_connections 100".into()),
        3 => main.push("port 18003".into()),
        _ => {}
    }
    let acl_text = acl(r);
    let with_acl = !r.chance(5);
    let acl_at_top = with_acl && !(pls == 1 || pls == 2) && !r.chance(6);
    if acl_at_top {
        main.push("acl_file ACL".into());
    }
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut probes = Vec::new();
    let mut passwords_anywhere = false;
    for i in 0..1 + r.below(2) {
        let port = 18001 + i as u16;
        let kind = *r.pick(&[Kind::Plain, Kind::Cert, Kind::Psk]);
        let bind = if r.chance(2) { " 127.0.0.1" } else { "" };
        let mut b = vec![format!("listener {port}{bind}")];
        let mut passwords = false;
        match kind {
            Kind::Plain => {
                if r.chance(2) {
                    b.push(format!("password_file {}", f.p("passwd")));
                    passwords = true;
                }
            }
            Kind::Cert => {
                b.push(format!("cafile {}", f.p("pki/chain.pem")));
                b.push(format!("certfile {}", f.p("pki/issued/b1.fullchain.pem")));
                b.push(format!("keyfile {}", f.p("pki/private/b1.key")));
                match r.below(3) {
                    0 => b.push("require_certificate true".into()),
                    1 => b.push("require_certificate 1".into()),
                    _ => {}
                }
                if r.chance(2) {
                    b.push("use_identity_as_username true".into());
                }
            }
            Kind::Psk => {
                b.push("psk_hint h".into());
                b.push(format!("psk_file {}", f.p("psk.txt")));
                if r.chance(2) {
                    b.push("use_identity_as_username true".into());
                }
            }
        }
        if let Some(v) = r.pick(ANON_VALUES) {
            b.push(format!("allow_anonymous {v}"));
        }
        if r.chance(4) {
            b.push("use_username_as_clientid true".into());
        }
        if with_acl && !acl_at_top {
            b.push("acl_file ACL".into());
        }
        match r.below(14) {
            0 => b.push("allow_anonymous\ttrue".into()),
            1 => b.push("  # an indented comment".into()),
            2 => b.push("allow_anonymous True".into()),
            _ => {}
        }
        passwords_anywhere |= passwords;
        blocks.push(b);
        probes.push(Probe {
            port,
            kind,
            passwords,
        });
    }
    // Without per_listener_settings the password_file is the broker's: every listener's.
    if !per_listener && passwords_anywhere {
        for p in &mut probes {
            p.passwords = true;
        }
    }
    let mut includes = Vec::new();
    if blocks.len() > 1 && r.chance(3) {
        // The last block in B.conf, an allow_anonymous alone in a.conf: Mosquitto reads
        // a.conf first (case-insensitive order), and each file starts at the default
        // listener, so it is the default listener's (per listener) or the broker's.
        let last = blocks.pop().unwrap_or_default();
        includes.push(("B.conf".to_string(), last.join("\n") + "\n"));
        includes.push(("a.conf".to_string(), "allow_anonymous true\n".to_string()));
    }
    for b in blocks {
        main.extend(b);
    }
    if !includes.is_empty() {
        main.push("include_dir INC".into());
    }
    if pls == 2 {
        main.push("per_listener_settings false".into());
    }
    if default == 1 {
        main.push("port 18003".into());
    }
    if matches!(default, 1 | 3) {
        probes.push(Probe {
            port: 18003,
            kind: Kind::Plain,
            passwords: passwords_anywhere,
        });
    } else if default == 2 {
        probes.push(Probe {
            port: 1883,
            kind: Kind::Plain,
            passwords: passwords_anywhere,
        });
    }
    Case {
        main: main.join("\n") + "\n",
        acl: acl_text,
        includes,
        probes,
    }
}

/// mosquitto_pub/sub arguments for `who` (1 or 2) on a listener, the username it claims
/// included.
fn creds(f: &Fixture, p: &Probe, who: usize) -> String {
    let (id, key) = &f.psk[who - 1];
    match p.kind {
        Kind::Plain if p.passwords => format!("-u dev{who} -P pw{who}"),
        Kind::Plain => String::new(),
        // The attacker (1) claims dev2's username; it counts only where the identity is not
        // the username.
        Kind::Cert => format!(
            "--cafile {} --cert {} --key {} -u dev2",
            f.p("pki/ca.crt"),
            f.p(&format!("pki/issued/dev{who}.crt")),
            f.p(&format!("pki/private/dev{who}.key"))
        ),
        Kind::Psk => format!("--psk {key} --psk-identity {id} -u dev2"),
    }
}

/// The shell script run inside the namespace: start Mosquitto, probe, report.
fn script(f: &Fixture, case: &Case) -> String {
    let mut s = String::from(
        "ip link set lo up\nmosquitto -c m.conf > log 2>&1 &\nPID=$!\n\
         for i in $(seq 100); do grep -q ' running' log && break; kill -0 $PID 2>/dev/null || break; sleep 0.02; done\n\
         if ! grep -q ' running' log; then echo START no; kill $PID 2>/dev/null; wait; exit 0; fi\necho START yes\n",
    );
    let pub_ = "timeout 5 mosquitto_pub -h 127.0.0.1";
    let sub = "timeout 5 mosquitto_sub -h 127.0.0.1";
    for p in &case.probes {
        let port = p.port;
        let anon = match p.kind {
            Kind::Plain => Some(String::new()),
            Kind::Cert => Some(format!("--cafile {}", f.p("pki/ca.crt"))),
            Kind::Psk => None,
        };
        if let Some(tls) = anon {
            let _ = writeln!(
                s,
                "{{ {pub_} -p {port} {tls} -i anonprobe -t probe/anon -m x || {pub_} -p {port} {tls} -u nobody -t probe/anon -m x; }} >/dev/null 2>&1 && echo ANON {port}"
            );
        }
        let (c1, c2) = (creds(f, p, 1), creds(f, p, 2));
        let _ = writeln!(
            s,
            "{pub_} -p {port} {c2} -i dev2 -r -q 1 -t devices/dev2/secret -m S{port} >/dev/null 2>&1\n\
             {sub} -p {port} {c1} -i dev2 -t 'devices/dev2/#' -C 1 -W 1 2>/dev/null | grep -q S{port} && echo READ {port}\n\
             {pub_} -p {port} {c1} -i dev2 -r -q 1 -t devices/dev2/cmd -m W{port} >/dev/null 2>&1\n\
             {sub} -p {port} {c2} -i dev2 -t devices/dev2/cmd -C 1 -W 1 2>/dev/null | grep -q W{port} && echo WRITE {port}"
        );
    }
    s.push_str("kill $PID 2>/dev/null; wait\n");
    s
}

/// Runs one seed; returns what disagreed, if anything.
fn one(f: &Fixture, seed: u64, root: &Path) -> Option<String> {
    let case = generate(seed, f);
    let dir = root.join(format!("case-{seed}"));
    fs::create_dir_all(dir.join("inc")).unwrap();
    let acl_path = dir.join("acl");
    fs::write(&acl_path, &case.acl).unwrap();
    for (name, text) in &case.includes {
        fs::write(
            dir.join("inc").join(name),
            text.replace("ACL", &acl_path.display().to_string()),
        )
        .unwrap();
    }
    let main = case
        .main
        .replace("ACL", &acl_path.display().to_string())
        .replace("INC", &dir.join("inc").display().to_string());
    let conf = dir.join("m.conf");
    fs::write(&conf, &main).unwrap();
    fs::write(dir.join("run.sh"), script(f, &case)).unwrap();
    let out = Command::new("unshare")
        .args(["-rn", "bash", "run.sh"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let probed = String::from_utf8_lossy(&out.stdout).to_string();
    let started = probed.contains("START yes");
    let opts = mqauth::audit::Options {
        at: time::OffsetDateTime::now_utc(),
        warn: time::Duration::days(30),
        hosts: Vec::new(),
    };
    let report = match mqauth::audit::audit(std::slice::from_ref(&conf), &opts) {
        Ok(r) => r,
        Err(e) => return Some(format!("audit failed: {e}")),
    };
    let will_not_start = report
        .findings
        .iter()
        .any(|f| f.message.contains("will not start"));
    let mut wrong = Vec::new();
    if started == will_not_start {
        wrong.push(format!(
            "broker started: {started}; audit says it will not start: {will_not_start}"
        ));
    }
    let names = |f: &mqauth::audit::Finding, port: u16| {
        f.listener
            .as_deref()
            .is_some_and(|l| l.split(' ').any(|w| w == port.to_string()))
    };
    if started {
        for p in &case.probes {
            let open: Vec<&str> = ["ANON", "READ", "WRITE"]
                .into_iter()
                .filter(|what| probed.lines().any(|l| l == format!("{what} {}", p.port)))
                .collect();
            let problem = report
                .findings
                .iter()
                .any(|f| f.severity == mqauth::audit::Severity::Problem && names(f, p.port));
            if !open.is_empty() && !problem {
                wrong.push(format!(
                    "port {}: the broker is open ({open:?}) and audit names no problem there",
                    p.port
                ));
            }
            let says_anonymous = report
                .findings
                .iter()
                .any(|f| f.code == "MQA602" && names(f, p.port));
            if says_anonymous && !open.contains(&"ANON") && p.kind != Kind::Psk {
                wrong.push(format!(
                    "port {}: MQA602 but an anonymous client does not get in",
                    p.port
                ));
            }
        }
    }
    if wrong.is_empty() {
        let _ = fs::remove_dir_all(&dir);
        return None;
    }
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {:?} {} [{}] {}",
                f.code,
                f.severity,
                f.line.unwrap_or(0),
                f.listener.as_deref().unwrap_or(""),
                f.message
            )
        })
        .collect();
    let log = fs::read_to_string(dir.join("log")).unwrap_or_default();
    Some(format!(
        "seed {seed}: {}\n--- mosquitto.conf\n{main}--- acl\n{}--- includes {:?}\n--- probes\n{probed}--- findings\n{}\n--- broker log\n{}",
        wrong.join("; "),
        case.acl,
        case.includes,
        findings.join("\n"),
        log.lines().take(12).collect::<Vec<_>>().join("\n")
    ))
}

fn unshare_works() -> bool {
    Command::new("unshare")
        .args(["-rn", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn audit_agrees_with_the_real_broker_on_generated_configurations() {
    requires!(
        "mosquitto",
        "mosquitto_pub",
        "mosquitto_sub",
        "mosquitto_passwd",
        "unshare"
    );
    if !unshare_works() {
        eprintln!("SKIP: unshare -rn (user and network namespaces) is not permitted here");
        return;
    }
    let count: u64 = std::env::var("MQAUTH_DIFF_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let from: u64 = std::env::var("MQAUTH_DIFF_FROM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let f = Fixture::new();
    let root = tempfile::tempdir().unwrap();
    let next = AtomicU64::new(from);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
    std::thread::scope(|s| {
        for _ in 0..workers.min(12) {
            s.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, Ordering::SeqCst);
                    if seed >= from + count {
                        return;
                    }
                    if let Some(why) = one(&f, seed, root.path()) {
                        failures.lock().unwrap().push(why);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    eprintln!(
        "audit differential: {count} configurations (seeds {from}..{}), {} disagreements",
        from + count,
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
