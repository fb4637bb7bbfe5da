//! Helpers shared by the tests: the binary driven by a command line, declared requirements on
//! external tools, and a real Mosquitto.

use assert_cmd::Command;
use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

pub fn mqauth() -> Command {
    let mut cmd = Command::cargo_bin("mqauth").expect("the mqauth binary is built");
    cmd.env_remove("MQAUTH_PKI_DIR")
        .env_remove("MQAUTH_PASSPHRASE_FILE")
        .env_remove("MQAUTH_LOCK_TIMEOUT")
        .env("NO_COLOR", "1");
    cmd
}

/// Arguments as a test writes them: one command line (`"pki client --count 3"`, split as a
/// shell would, quotes included) or a list of words (for arguments with newlines and such).
pub trait CommandLine {
    fn words(&self) -> Vec<String>;
}

impl CommandLine for &str {
    fn words(&self) -> Vec<String> {
        shell_words::split(self).unwrap_or_else(|e| panic!("bad command line {self:?}: {e}"))
    }
}

impl CommandLine for String {
    fn words(&self) -> Vec<String> {
        self.as_str().words()
    }
}

impl CommandLine for &[&str] {
    fn words(&self) -> Vec<String> {
        self.iter().map(|w| w.to_string()).collect()
    }
}

impl<const N: usize> CommandLine for &[&str; N] {
    fn words(&self) -> Vec<String> {
        self.iter().map(|w| w.to_string()).collect()
    }
}

impl CommandLine for Vec<&str> {
    fn words(&self) -> Vec<String> {
        self.iter().map(|w| w.to_string()).collect()
    }
}

impl CommandLine for &Vec<&str> {
    fn words(&self) -> Vec<String> {
        self.iter().map(|w| w.to_string()).collect()
    }
}

/// Runs mqauth in `dir`, whatever happens.
pub fn run(dir: &Path, args: impl CommandLine) -> Output {
    mqauth()
        .current_dir(dir)
        .args(args.words())
        .output()
        .expect("run mqauth")
}

/// Runs mqauth in `dir` and asserts success.
pub fn ok(dir: &Path, args: impl CommandLine) -> Output {
    let words = args.words();
    let out = run(
        dir,
        words
            .as_slice()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        out.status.success(),
        "mqauth {words:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs mqauth in `dir` and asserts a one-line `error:` with exit code 1; returns the line.
pub fn fails(dir: &Path, args: impl CommandLine) -> String {
    let words = args.words();
    let out = run(dir, words.iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "mqauth {words:?}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_string()
}

/// Runs mqauth in `dir` and asserts a usage error (exit code 2, clap's or mqauth's own);
/// returns stderr.
pub fn usage(dir: &Path, args: impl CommandLine) -> String {
    let words = args.words();
    let out = run(dir, words.iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "mqauth {words:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|p| p.join(tool).is_file()))
        .unwrap_or(false)
        || Path::new("/usr/sbin").join(tool).is_file()
}

/// Whether `tool` can be used; otherwise a skip notice naming the running test, or, under
/// CI=true, a failure: there a missing tool must not pass as a skipped test.
pub fn available(tool: &str) -> bool {
    on_path(tool) || missing(&format!("`{tool}`"))
}

/// Says that `what` is missing: a skip notice naming the running test, or under CI=true a
/// failure. Returns false, for the caller to return early.
pub fn missing(what: &str) -> bool {
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and {what} is missing: {test} cannot run");
    }
    eprintln!("SKIP {test}: {what} is not installed");
    false
}

/// Declares the external tools a test needs: the test returns early (with a notice) when one
/// is missing, and fails under CI=true.
macro_rules! requires {
    ($($tool:literal),+ $(,)?) => {
        if !([$($tool),+].iter().all(|t| $crate::common::available(t))) {
            return;
        }
    };
}
pub(crate) use requires;

pub fn tool_path(tool: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join(tool);
        if p.is_file() {
            return p;
        }
    }
    PathBuf::from(tool)
}

pub fn run_tool(tool: &str, args: &[&str], dir: &Path) -> Output {
    std::process::Command::new(tool_path(tool))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"))
}

/// `openssl verify` with the PKI's root as trust anchor and its intermediate as untrusted.
pub fn openssl_verify(pki: &Path, purpose: &str, cert: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["verify", "-CAfile", "ca.crt"];
    if pki.join("intermediate.crt").exists() {
        args.extend(["-untrusted", "intermediate.crt"]);
    }
    args.extend(["-purpose", purpose]);
    args.extend(extra);
    let cert = cert.to_str().expect("utf-8 path");
    args.push(cert);
    let out = run_tool("openssl", &args, pki);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The records of the PKI in `pki` as JSON — `{"key", "certificates": [...]}`, every field of
/// every certificate — read through the library, as a test that looks inside needs them.
pub fn records(pki: &Path) -> serde_json::Value {
    let snapshot = mqauth::pki::snapshot(pki).expect("the PKI's records");
    serde_json::json!({
        "key": snapshot.key,
        "certificates": snapshot.certificates,
    })
}

/// Writes a file only its owner may read, as a passphrase or key file should be.
pub fn write_secret(path: &Path, contents: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, contents).expect("write secret");
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).expect("chmod 600");
}

pub fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("stat").mode() & 0o777
}

pub fn is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Checks `check` every 50 ms until it says `Ok`; after `timeout` the test fails, naming the
/// condition (`what`) and showing what the last check said. The way a test waits for something
/// to happen: never a fixed sleep.
pub fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> Result<(), String>) {
    let deadline = Instant::now() + timeout;
    loop {
        let state = match check() {
            Ok(()) => return,
            Err(state) => state,
        };
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting until {what}; last seen:\n{state}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A Mosquitto release the broker tests run on: its broker binary and what a manifest's broker
/// entry says for it. The clients (mosquitto_pub/sub) are always the system's.
#[derive(Debug, Clone)]
pub struct Mosquitto {
    pub bin: PathBuf,
    /// `mosquitto:` in the manifest, when not the default 2.0.
    pub version: Option<&'static str>,
    /// `plugin_dir:` in the manifest: where this build's plugins are.
    pub plugin_dir: Option<PathBuf>,
}

impl Mosquitto {
    /// The system's Mosquitto (Debian's 2.0), rendered for by default.
    pub fn debian() -> Mosquitto {
        Mosquitto {
            bin: tool_path("mosquitto"),
            version: None,
            plugin_dir: None,
        }
    }

    /// Mosquitto 2.1.2 built from its release source by .ci/mosquitto21.sh, once per test run,
    /// into the target directory; None (with a skip notice) when it cannot be built here, a
    /// failure under CI=true.
    pub fn v21() -> Option<Mosquitto> {
        static BUILT: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
        let built = BUILT.get_or_init(|| {
            let dest = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .unwrap_or(Path::new(env!("CARGO_TARGET_TMPDIR")))
                .join("mosquitto-2.1.2");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/mosquitto21.sh");
            let out = std::process::Command::new(&script)
                .arg(&dest)
                .output()
                .map_err(|e| format!("{}: {e}", script.display()))?;
            match out.status.code() {
                Some(0) => Ok(dest),
                Some(3) => {
                    Err("cmake, cc, libssl-dev or libcjson-dev (to build Mosquitto 2.1.2)".into())
                }
                _ => Err(format!(
                    "a Mosquitto 2.1.2 build ({}: {})",
                    script.display(),
                    String::from_utf8_lossy(&out.stderr)
                )),
            }
        });
        match built {
            Ok(dest) => Some(Mosquitto {
                bin: dest.join("bin/mosquitto"),
                version: Some("2.1"),
                plugin_dir: Some(dest.join("plugins")),
            }),
            Err(what) => {
                missing(what);
                None
            }
        }
    }

    /// The broker entry's fields for this release, in flow style (`, mosquitto: "2.1", …`).
    pub fn flow_fields(&self) -> String {
        let mut out = String::new();
        if let Some(v) = self.version {
            out.push_str(&format!(", mosquitto: \"{v}\""));
        }
        if let Some(d) = &self.plugin_dir {
            out.push_str(&format!(", plugin_dir: \"{}\"", d.display()));
        }
        out
    }

    /// The same in block style, one `    key: value` line each (a list item's fields).
    pub fn block_fields(&self) -> String {
        let mut out = String::new();
        if let Some(v) = self.version {
            out.push_str(&format!("    mosquitto: \"{v}\"\n"));
        }
        if let Some(d) = &self.plugin_dir {
            out.push_str(&format!("    plugin_dir: \"{}\"\n", d.display()));
        }
        out
    }

    /// The plugin `name`'s path: this build's, or where Debian installs it.
    pub fn plugin(&self, name: &str) -> Option<PathBuf> {
        match &self.plugin_dir {
            Some(dir) => Some(dir.join(name)),
            None => [
                "/usr/lib/x86_64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu",
                "/usr/lib",
            ]
            .iter()
            .map(|d| Path::new(d).join(name))
            .find(|p| p.exists()),
        }
    }
}

/// A real mosquitto on loopback, stopped (by its process id) when dropped.
pub struct Broker {
    child: Child,
    pub log: PathBuf,
}

impl Broker {
    /// Starts `mosquitto -c config` and waits until every port in `ports` accepts connections.
    /// The config gets `user root` when the tests run as root, so the broker can read 0600 files.
    pub fn start(dir: &Path, config_body: &str, ports: &[u16]) -> Broker {
        let log = dir.join("mosquitto.log");
        let mut config = String::new();
        if is_root() {
            config.push_str("user root\n");
        }
        config.push_str(&format!("log_dest file {}\nlog_type all\n", log.display()));
        config.push_str(config_body);
        let conf = dir.join("mosquitto.conf");
        fs::write(&conf, config).expect("write mosquitto.conf");
        Broker::start_with_file(&conf, &log, ports)
    }

    /// Starts mosquitto on a configuration file written elsewhere (e.g. rendered by mqauth).
    pub fn start_with_file(conf: &Path, log: &Path, ports: &[u16]) -> Broker {
        Broker::start_on(&Mosquitto::debian(), conf, log, ports)
    }

    /// Starts `mosquitto`'s broker binary on a configuration file.
    pub fn start_on(mosquitto: &Mosquitto, conf: &Path, log: &Path, ports: &[u16]) -> Broker {
        let child = std::process::Command::new(&mosquitto.bin)
            .arg("-c")
            .arg(conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mosquitto");
        let mut broker = Broker {
            child,
            log: log.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in ports {
            while TcpStream::connect(("127.0.0.1", *port)).is_err() {
                if let Ok(Some(status)) = broker.child.try_wait() {
                    let mut err = String::new();
                    if let Some(mut e) = broker.child.stderr.take() {
                        let _ = e.read_to_string(&mut err);
                    }
                    panic!(
                        "mosquitto exited ({status}): {err}\nlog:\n{}",
                        broker.log_text()
                    );
                }
                assert!(
                    Instant::now() < deadline,
                    "mosquitto did not listen on {port}: {}",
                    broker.log_text()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        broker
    }

    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops mosquitto with SIGTERM (sent to its process id), so that it saves the sessions it
    /// holds, and waits until the process has exited.
    pub fn terminate(mut self) {
        let pid = self.pid().to_string();
        let sent = std::process::Command::new("kill")
            .arg(&pid)
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "kill {pid} failed");
        let log = self.log.clone();
        wait_until(
            "mosquitto has exited",
            Duration::from_secs(30),
            || match self.child.try_wait() {
                Ok(Some(_)) => Ok(()),
                _ => Err(fs::read_to_string(&log).unwrap_or_default()),
            },
        );
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// TLS options of one MQTT client.
#[derive(Clone, Debug, Default)]
pub struct Tls {
    pub args: Vec<String>,
}

impl Tls {
    pub fn cert(cafile: &Path, cert: &Path, key: &Path) -> Tls {
        Tls {
            args: vec![
                "--cafile".into(),
                cafile.display().to_string(),
                "--cert".into(),
                cert.display().to_string(),
                "--key".into(),
                key.display().to_string(),
            ],
        }
    }

    pub fn ca_only(cafile: &Path) -> Tls {
        Tls {
            args: vec!["--cafile".into(), cafile.display().to_string()],
        }
    }

    pub fn psk(identity: &str, hexkey: &str) -> Tls {
        Tls {
            args: vec![
                "--psk-identity".into(),
                identity.into(),
                "--psk".into(),
                hexkey.into(),
            ],
        }
    }
}

pub fn publish(port: u16, tls: &Tls, topic: &str, message: &str) -> Output {
    std::process::Command::new(tool_path("mosquitto_pub"))
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
        .args(&tls.args)
        .args(["-t", topic, "-m", message])
        .output()
        .expect("run mosquitto_pub")
}

/// Subscribes to `topic` and publishes `message` to it (repeatedly, until the subscriber has
/// it or `wait` passes). Returns what the subscriber received, or None.
pub fn round_trip(
    port: u16,
    sub_tls: &Tls,
    sub_topic: &str,
    pub_tls: &Tls,
    pub_topic: &str,
    message: &str,
    wait: Duration,
) -> Option<String> {
    let mut sub = std::process::Command::new(tool_path("mosquitto_sub"))
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
        .args(&sub_tls.args)
        .args(["-t", sub_topic, "-C", "1", "-W"])
        .arg(wait.as_secs().max(1).to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mosquitto_sub");
    let deadline = Instant::now() + wait;
    loop {
        if let Ok(Some(_)) = sub.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = sub.kill();
            break;
        }
        let _ = publish(port, pub_tls, pub_topic, message);
        std::thread::sleep(Duration::from_millis(150));
    }
    let out = sub.wait_with_output().expect("mosquitto_sub output");
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// Whether a C library's development header is installed (`mbedtls/ssl.h`); otherwise a skip
/// notice, or under CI=true a failure, as [`available`] does for tools.
pub fn c_header_installed(header: &str) -> bool {
    Path::new("/usr/include").join(header).is_file() || missing(&format!("<{header}>"))
}

/// Builds `tests/c/{source}` with `cc` against `libs`, including `header_dir` (where the
/// exported `credentials.h` is); returns the program's path.
pub fn compile_device(dir: &Path, source: &str, header_dir: &Path, libs: &[&str]) -> PathBuf {
    let program = dir.join(source.trim_end_matches(".c"));
    let out = std::process::Command::new(tool_path("cc"))
        .args(["-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&program)
        .arg("-I")
        .arg(header_dir)
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/c")
                .join(source),
        )
        .args(libs)
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "cc {source}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    program
}
