//! The enrollment tests' fixture, [`Rig`]: a directory, a real Mosquitto on two free loopback
//! ports (PSK and mTLS), the `enroll serve` service with its JSON log, and devices that make
//! their keys and CSRs with `openssl req` and ask with `mosquitto_pub`/`mosquitto_sub`.
//!
//! What the directory holds (a PKI made by flags, a fleet manifest) and how the broker is
//! configured is up to each test file; everything here waits on a condition (a log line, a
//! process's exit), never for a fixed time.

use crate::common::{Broker, Mosquitto, Tls, free_port, is_root, run_tool, tool_path, wait_until};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The service's default topic prefix.
pub const PREFIX: &str = "mqauth/enroll";

/// How long a wait on a log line or a process may take before the test fails: generous, for a
/// loaded CI machine.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A temporary directory with two free loopback ports, the Mosquitto started there and what
/// the service writes.
///
/// Files in the directory: `mosquitto.conf` (what [`Rig::start_broker`] runs), `mosquitto.log`,
/// `mosquitto.pid`, `service.log` (every service started there, one JSON object a line).
pub struct Rig {
    tmp: tempfile::TempDir,
    /// The TLS-PSK listener's port (bootstrap enrollment).
    pub psk_port: u16,
    /// The mTLS listener's port (the service, renewals, enrolled devices).
    pub tls_port: u16,
    broker: Option<Broker>,
}

impl Rig {
    /// An empty directory and two free ports; no broker yet.
    pub fn new() -> Rig {
        let (psk_port, tls_port) = free_port_pair();
        Rig {
            tmp: tempfile::tempdir().expect("tempdir"),
            psk_port,
            tls_port,
            broker: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Where the broker writes its process id (a `reload_command` may `kill -HUP` it).
    pub fn pid_file(&self) -> PathBuf {
        self.path().join("mosquitto.pid")
    }

    /// Starts Mosquitto on `config` (the listeners and the rest), preceded by a pid file, a
    /// log with every message type and, when the tests run as root, `user root` (so the broker
    /// can read 0600 files); returns once both ports accept connections.
    pub fn start_broker(&mut self, config: &str) {
        self.start_broker_on(&Mosquitto::debian(), config);
    }

    /// [`Rig::start_broker`] on `mosquitto`'s broker binary.
    pub fn start_broker_on(&mut self, mosquitto: &Mosquitto, config: &str) {
        let log = self.path().join("mosquitto.log");
        let mut conf = String::new();
        if is_root() {
            conf.push_str("user root\n");
        }
        conf.push_str(&format!(
            "pid_file {}\nlog_dest file {}\nlog_type all\n{config}",
            self.pid_file().display(),
            log.display()
        ));
        let path = self.path().join("mosquitto.conf");
        fs::write(&path, conf).expect("write mosquitto.conf");
        self.broker = Some(Broker::start_on(
            mosquitto,
            &path,
            &log,
            &[self.psk_port, self.tls_port],
        ));
    }

    /// Stops the broker with SIGTERM, so that it saves the sessions it holds, and waits until
    /// it has exited.
    pub fn stop_broker(&mut self) {
        if let Some(broker) = self.broker.take() {
            broker.terminate();
        }
    }

    pub fn broker_pid(&self) -> u32 {
        self.broker.as_ref().expect("a broker").pid()
    }

    pub fn broker_log(&self) -> String {
        fs::read_to_string(self.path().join("mosquitto.log")).unwrap_or_default()
    }

    /// Waits until `count` lines of the broker's log are `wanted`.
    pub fn wait_for_broker_log(&self, what: &str, wanted: impl Fn(&str) -> bool, count: usize) {
        wait_until(&format!("the broker logs {what}"), PATIENCE, || {
            let text = self.broker_log();
            let seen = text.lines().filter(|l| wanted(l)).count();
            if seen >= count { Ok(()) } else { Err(text) }
        });
    }

    /// Starts `mqauth enroll serve ARGS --log-format json` in the directory, its log appended
    /// to `service.log`, and waits until it logs that it is subscribed (`connected to …;
    /// answering requests`, written after the broker's SUBACK).
    pub fn serve(&self, args: &[&str]) -> Service {
        self.serve_env(args, &[])
    }

    /// [`Rig::serve`] with variables added to the service's environment (a token's module,
    /// config and PIN file).
    pub fn serve_env(&self, args: &[&str], env: &[(&str, &Path)]) -> Service {
        let connected = |l: &str| l.contains("connected to");
        let before = self.log_text().lines().filter(|l| connected(l)).count();
        let child = Command::new(assert_cmd::cargo::cargo_bin("mqauth"))
            .current_dir(self.path())
            .args(["enroll", "serve"])
            .args(args)
            .args(["--log-format", "json"])
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.path().join("service.log"))
                    .expect("service.log"),
            ))
            .spawn()
            .expect("start enroll serve");
        let mut service = Service { child };
        wait_until("the service is connected", PATIENCE, || {
            let text = self.log_text();
            if text.lines().filter(|l| connected(l)).count() > before {
                return Ok(());
            }
            if let Ok(Some(status)) = service.child.try_wait() {
                panic!("enroll serve exited ({status}) before connecting:\n{text}");
            }
            Err(text)
        });
        service
    }

    /// The service started with flags, as the PKI tests make it (`pki client enroll-service`,
    /// the bootstrap identities in `bootstrap.psk`), on the mTLS listener, with `extra` flags.
    pub fn serve_flags(&self, extra: &[&str]) -> Service {
        let broker = format!("127.0.0.1:{}", self.tls_port);
        let mut args = vec![
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
        ];
        args.extend(extra);
        self.serve(&args)
    }

    /// The service's log as written.
    pub fn log_text(&self) -> String {
        fs::read_to_string(self.path().join("service.log")).unwrap_or_default()
    }

    /// The service's log, one JSON object a line.
    pub fn log(&self) -> Vec<serde_json::Value> {
        self.log_text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("log line {l:?}: {e}")))
            .collect()
    }

    /// Waits until `count` lines of the service's log are `wanted`.
    pub fn wait_for_log(&self, wanted: impl Fn(&str) -> bool, count: usize) {
        wait_until("the service logs what the test waits for", PATIENCE, || {
            let text = self.log_text();
            if text.lines().filter(|l| wanted(l)).count() >= count {
                Ok(())
            } else {
                Err(format!("service log:\n{text}"))
            }
        });
    }

    /// A bootstrap PSK, as a device uses it: `device`'s line of the `identity:hexkey` file
    /// `file` (relative to the directory).
    pub fn psk(&self, file: &str, device: &str) -> Tls {
        let store = fs::read_to_string(self.path().join(file)).expect("psk file");
        let key = store
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{device}:")))
            .unwrap_or_else(|| panic!("{device} has no bootstrap key in {file}: {store}"));
        Tls::psk(device, key)
    }

    /// A key (`{file}.key`) and a CSR (`{file}.csr`, returned) made as a device makes them, with
    /// `openssl req`.
    pub fn csr(&self, file: &str, cn: &str) -> PathBuf {
        let out = run_tool(
            "openssl",
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{file}.key"),
                "-subj",
                &format!("/CN={cn}"),
                "-out",
                &format!("{file}.csr"),
            ],
            self.path(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.path().join(format!("{file}.csr"))
    }

    /// The listener `tls` is for: the PSK listener for a PSK, the mTLS one for a certificate.
    pub fn port_for(&self, tls: &Tls) -> u16 {
        if tls.args.iter().any(|a| a == "--psk") {
            self.psk_port
        } else {
            self.tls_port
        }
    }

    /// `device`'s subscriber to its result topic (`mosquitto_sub -C 1 -W wait`), on `port`;
    /// returns once the broker has acknowledged the subscription.
    pub fn subscribe(&self, port: u16, tls: &Tls, device: &str, wait: Duration) -> Subscriber {
        // A client id of its own, to find the broker's SUBACK to it in the log.
        static SUBSCRIBERS: AtomicUsize = AtomicUsize::new(0);
        let id = format!(
            "sub-{device}-{}",
            SUBSCRIBERS.fetch_add(1, Ordering::Relaxed)
        );
        let mut child = Command::new(tool_path("mosquitto_sub"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
            .args(&tls.args)
            .args(["-i", &id])
            .args(["-t", &format!("{PREFIX}/{device}/result"), "-C", "1", "-W"])
            .arg(wait.as_secs().max(1).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto_sub");
        let suback = format!("Sending SUBACK to {id}");
        wait_until(&format!("{id} is subscribed"), PATIENCE, || {
            let text = self.broker_log();
            if text.lines().any(|l| l.trim_end().ends_with(&suback)) {
                return Ok(());
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("mosquitto_sub {id} exited ({status}) before subscribing:\n{text}");
            }
            Err(text)
        });
        Subscriber { child, wait }
    }

    /// `device` (with `tls`, on the listener it fits) publishes the file `payload` to
    /// `{PREFIX}/{topic}` (`topic` is e.g. `dev1/csr`) once subscribed to its own result topic;
    /// returns the JSON answer, or None when none came within `wait`.
    pub fn ask(
        &self,
        tls: &Tls,
        device: &str,
        topic: &str,
        payload: &Path,
        wait: Duration,
    ) -> Option<serde_json::Value> {
        let port = self.port_for(tls);
        let sub = self.subscribe(port, tls, device, wait);
        let status = Command::new(tool_path("mosquitto_pub"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
            .args(&tls.args)
            .args(["-t", &format!("{PREFIX}/{topic}"), "-f"])
            .arg(payload)
            .status()
            .expect("mosquitto_pub");
        assert!(status.success());
        sub.answer()
    }

    /// Stores the certificate of an `issued` answer as `{name}.crt` with the key `{key}.key`
    /// (copied to `{name}.key` when the names differ); returns the TLS options that use them.
    pub fn keep(&self, answer: &serde_json::Value, name: &str, key: &str) -> Tls {
        assert_eq!(answer["status"], "issued", "{answer}");
        let d = self.path();
        let cert = d.join(format!("{name}.crt"));
        fs::write(&cert, answer["certificate"].as_str().expect("certificate")).expect("write");
        if name != key {
            fs::copy(d.join(format!("{key}.key")), d.join(format!("{name}.key"))).expect("copy");
        }
        Tls::cert(&d.join("pki/ca.crt"), &cert, &d.join(format!("{name}.key")))
    }
}

/// Two distinct free loopback ports (the kernel may hand out a port again once the listener
/// that found it is closed).
fn free_port_pair() -> (u16, u16) {
    let a = free_port();
    let mut b = free_port();
    while b == a {
        b = free_port();
    }
    (a, b)
}

/// A running `enroll serve`, killed when dropped.
pub struct Service {
    child: Child,
}

impl Service {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its resident memory, in KiB (from /proc).
    pub fn rss_kib(&self) -> u64 {
        fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Waits until it exits by itself and returns how it did.
    pub fn exited(mut self, within: Duration) -> ExitStatus {
        let mut status = None;
        wait_until("the service exits", within, || {
            status = self.child.try_wait().ok().flatten();
            status
                .map(|_| ())
                .ok_or_else(|| "still running".to_string())
        });
        status.expect("exit status")
    }

    /// `kill -9`: the service stops at once, whatever it had in hand.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM (sent to its process id); waits for it to exit and returns how it did.
    pub fn terminate(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").arg(&pid).status();
        self.child.wait().expect("wait for enroll serve")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A device's subscriber to its result topic, subscribed.
pub struct Subscriber {
    child: Child,
    wait: Duration,
}

impl Subscriber {
    /// The JSON answer it received, or None when none came within its `wait`.
    pub fn answer(mut self) -> Option<serde_json::Value> {
        // mosquitto_sub -W ends it after `wait`; a little longer, in case it hangs.
        let deadline = Instant::now() + self.wait + Duration::from_secs(5);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let out = self.child.wait_with_output().expect("mosquitto_sub");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let answer: Option<serde_json::Value> =
            (!text.is_empty()).then(|| serde_json::from_str(&text).expect("JSON answer"));
        if let Some(answer) = &answer {
            check_answer_schema(answer);
        }
        answer
    }

    /// Ends it without reading an answer.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fails unless `answer` is valid under docs/enrollment-answer.schema.json (checked with
/// Python's `jsonschema`, the reference implementation the schema was written for).
pub fn check_answer_schema(answer: &serde_json::Value) {
    if !crate::common::available("python3") {
        return;
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/enrollment-answer.schema.json");
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(sys.stdin))",
        ])
        .arg(&schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(answer.to_string().as_bytes())
            .expect("answer to python3");
    }
    let out = child.wait_with_output().expect("python3");
    assert!(
        out.status.success(),
        "the answer does not fit docs/enrollment-answer.schema.json:\n{answer}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
