//! `kind: rabbitmq`: what `fleet apply` renders, run as it is by a real RabbitMQ node (the MQTT
//! plugin) that the test starts for itself — its own node name, loopback ports, epmd and
//! directories — and stops by its process id. One node serves every check: it takes ~10 s to
//! start.

use crate::common::{Tls, fails, free_port, ok, requires, tool_path, wait_until};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Sensors publish their telemetry and receive their commands; a console sends commands to
/// every sensor and reads every sensor's telemetry.
fn manifest(port: u16, sensors: u32) -> String {
    format!(
        r#"fleet: acme
brokers:
  - {{ name: rabbit1, kind: rabbitmq, listen: 127.0.0.1, dns: [localhost], ip: [127.0.0.1], mtls_port: {port} }}
groups:
  sensors:
    auth: mtls
    publish: ["devices/{{id}}/telemetry"]
    subscribe: ["devices/{{id}}/cmd/#"]
  consoles:
    auth: mtls
    publish: ["devices/+/cmd/#"]
    subscribe: ["devices/+/telemetry"]
devices:
  - {{ template: "s{{n}}", from: 1, to: {sensors}, group: sensors }}
  - {{ id: console, group: consoles }}
"#
    )
}

/// The RabbitMQ installation's scripts (Debian: /usr/lib/rabbitmq/lib/rabbitmq_server-V/sbin),
/// run directly: /usr/sbin's wrappers switch to the `rabbitmq` user and its system node.
fn sbin() -> Option<PathBuf> {
    let lib = Path::new("/usr/lib/rabbitmq/lib");
    fs::read_dir(lib)
        .ok()?
        .flatten()
        .map(|e| e.path().join("sbin"))
        .find(|p| p.join("rabbitmq-server").is_file())
}

/// A throwaway node: its epmd, its environment, its log.
struct Node {
    server: Child,
    epmd: Child,
    env: Vec<(String, String)>,
    sbin: PathBuf,
    name: String,
    log: PathBuf,
}

impl Node {
    /// Starts a node on the rendered configuration and waits until it has loaded it.
    fn start(dir: &Path, broker: &Path) -> Node {
        let sbin = sbin().expect("a RabbitMQ installation under /usr/lib/rabbitmq/lib");
        let node = dir.join("node");
        for sub in ["mnesia", "log"] {
            fs::create_dir_all(node.join(sub)).unwrap();
        }
        fs::write(node.join("enabled_plugins"), "[rabbitmq_mqtt].\n").unwrap();
        let (epmd_port, dist_port, ctl_port) = (free_port(), free_port(), free_port());
        let name = format!("mqauth-test-{dist_port}@localhost");
        let path = |p: PathBuf| p.display().to_string();
        let env: Vec<(String, String)> = [
            // The Erlang cookie is made in HOME.
            ("HOME", path(node.clone())),
            ("ERL_EPMD_PORT", epmd_port.to_string()),
            ("ERL_EPMD_ADDRESS", "127.0.0.1".into()),
            ("RABBITMQ_NODENAME", name.clone()),
            ("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1".into()),
            ("RABBITMQ_NODE_PORT", free_port().to_string()),
            ("RABBITMQ_DIST_PORT", dist_port.to_string()),
            ("RABBITMQ_CTL_DIST_PORT_MIN", ctl_port.to_string()),
            ("RABBITMQ_CTL_DIST_PORT_MAX", (ctl_port + 10).to_string()),
            (
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                "-kernel inet_dist_use_interface {127,0,0,1}".into(),
            ),
            ("RABBITMQ_CONF_ENV_FILE", path(node.join("no-env-file"))),
            ("RABBITMQ_CONFIG_FILE", path(broker.join("rabbitmq.conf"))),
            (
                "RABBITMQ_ADVANCED_CONFIG_FILE",
                path(broker.join("advanced.config")),
            ),
            (
                "RABBITMQ_ENABLED_PLUGINS_FILE",
                path(node.join("enabled_plugins")),
            ),
            ("RABBITMQ_MNESIA_BASE", path(node.join("mnesia"))),
            ("RABBITMQ_LOG_BASE", path(node.join("log"))),
            ("RABBITMQ_PID_FILE", path(node.join("rabbit.pid"))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let epmd = Command::new(tool_path("epmd"))
            .args(["-port", &epmd_port.to_string(), "-address", "127.0.0.1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start epmd");
        // Listening before the node starts, or the node would start an epmd of its own that
        // outlives the test.
        wait_until("epmd listens", Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", epmd_port))
                .map(drop)
                .map_err(|e| e.to_string())
        });
        let out = fs::File::create(node.join("server.out")).unwrap();
        let server = Command::new(sbin.join("rabbitmq-server"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start rabbitmq-server");
        let log = node.join("log").join(format!("{name}.log"));
        let mut node = Node {
            server,
            epmd,
            env,
            sbin,
            name,
            log,
        };
        let started = Instant::now();
        // The TLS port opens before the definitions are loaded; `wait` returns when the node
        // has booted completely.
        let pid_file = node.env_of("RABBITMQ_PID_FILE");
        let wait = node.ctl(&["wait", "--timeout", "60", &pid_file]);
        assert!(
            wait.status.success(),
            "the node did not start: {}{}\n{}",
            String::from_utf8_lossy(&wait.stdout),
            String::from_utf8_lossy(&wait.stderr),
            fs::read_to_string(dir.join("node/server.out")).unwrap_or_default()
        );
        eprintln!("rabbitmq node ready in {:?}", started.elapsed());
        assert!(node.server.try_wait().unwrap().is_none());
        node
    }

    fn env_of(&self, key: &str) -> String {
        self.env
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn ctl_command(&self) -> String {
        format!(
            "{} -n {}",
            self.sbin.join("rabbitmqctl").display(),
            self.name
        )
    }

    fn ctl(&self, args: &[&str]) -> Output {
        Command::new(self.sbin.join("rabbitmqctl"))
            .args(["-n", &self.name])
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run rabbitmqctl")
    }

    fn ctl_text(&self, args: &[&str]) -> String {
        let out = self.ctl(args);
        assert!(out.status.success(), "rabbitmqctl {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the node's log says `line` (how the broker tells a refusal's reason).
    fn logged(&self, line: &str) {
        wait_until(
            &format!("the node logs {line:?}"),
            Duration::from_secs(10),
            || {
                let log = self.log_text();
                if log.contains(line) {
                    Ok(())
                } else {
                    Err(log.lines().rev().take(8).collect::<Vec<_>>().join("\n"))
                }
            },
        );
    }

    /// Stops the node with SIGTERM, by its process id, and its epmd.
    fn stop(mut self) {
        let started = Instant::now();
        let pid = self.server.id().to_string();
        assert!(Command::new("kill").arg(&pid).status().unwrap().success());
        wait_until(
            "the node has stopped",
            Duration::from_secs(30),
            || match self.server.try_wait() {
                Ok(Some(_)) => Ok(()),
                _ => Err(String::new()),
            },
        );
        eprintln!("rabbitmq node stopped in {:?}", started.elapsed());
    }
}

impl Drop for Node {
    /// After a failed check: the server script's child, the Erlang VM, is killed by the process
    /// id it wrote (killing the script alone would leave it running).
    fn drop(&mut self) {
        if let Ok(None) = self.server.try_wait()
            && let Ok(pid) = fs::read_to_string(self.env_of("RABBITMQ_PID_FILE"))
        {
            let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
        let _ = self.epmd.kill();
        let _ = self.epmd.wait();
    }
}

/// mosquitto_pub/sub options of a device: the fleet CA, its certificate, and (for subscribers,
/// whose queues are named after it) its id as client id.
fn device(pki: &Path, id: &str, client_id: Option<&str>) -> Tls {
    let mut tls = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join(format!("issued/{id}.crt")),
        &pki.join(format!("private/{id}.key")),
    );
    if let Some(client) = client_id {
        tls.args.extend(["-i".to_string(), client.to_string()]);
    }
    tls
}

fn mqtt(tool: &str, port: u16, tls: &Tls, args: &[&str]) -> Command {
    let mut cmd = Command::new(tool_path(tool));
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
        .args(&tls.args)
        .args(args);
    cmd
}

/// A QoS 1 publish (a refused QoS 0 publish looks like a success): the exit status and stderr.
fn publish(port: u16, tls: &Tls, topic: &str) -> (bool, String) {
    let out = mqtt("mosquitto_pub", port, tls, &["-t", topic, "-m", "x"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether the broker acknowledges the subscription (`-E`: exit on SUBACK). A refused one is
/// not answered: the broker closes the connection, and mosquitto_sub reconnects until `-W`.
fn suback(port: u16, tls: &Tls, topic: &str) -> bool {
    let out = mqtt(
        "mosquitto_sub",
        port,
        tls,
        &["-t", topic, "-E", "-W", "3", "-d"],
    )
    .output()
    .unwrap();
    String::from_utf8_lossy(&out.stdout).contains("received SUBACK")
}

/// A subscriber that stays connected, and what it received.
struct Subscriber(Child);

impl Subscriber {
    fn start(port: u16, tls: &Tls, topic: &str) -> Subscriber {
        let child = mqtt("mosquitto_sub", port, tls, &["-t", topic, "-v", "-d"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Subscriber(child)
    }

    fn finish(mut self) -> String {
        let _ = self.0.kill();
        let out = self.0.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Publishes `topic` (as `publisher`) until the subscriber has received it.
fn delivered(port: u16, subscriber: &Tls, filter: &str, publisher: &Tls, topic: &str) -> bool {
    let sub = mqtt(
        "mosquitto_sub",
        port,
        subscriber,
        &["-t", filter, "-C", "1", "-W", "8", "-v"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut sub = Some(sub);
    let deadline = Instant::now() + Duration::from_secs(8);
    while Instant::now() < deadline {
        if let Some(s) = sub.as_mut()
            && let Ok(Some(_)) = s.try_wait()
        {
            break;
        }
        let _ = publish(port, publisher, topic);
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = sub.take().unwrap().wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).contains(topic)
}

#[test]
fn a_rabbitmq_node_runs_the_rendered_files_and_isolates_devices() {
    requires!(
        "rabbitmq-server",
        "erl",
        "epmd",
        "mosquitto_pub",
        "mosquitto_sub"
    );
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    fs::write(dir.join("fleet.yaml"), manifest(port, 3)).unwrap();
    ok(dir, "fleet apply");
    let again = ok(dir, "fleet apply");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("nothing to do"),
        "{again:?}"
    );
    let pki = dir.join("pki");
    let broker = dir.join("brokers/rabbit1");
    // A certificate of another CA, and one of the fleet's CA whose CN is no device.
    ok(dir, "pki init --pki other");
    ok(dir, "pki client s1 --pki other");
    ok(dir, "pki client nobody --pki pki");

    let node = Node::start(dir, &broker);
    let users = node.ctl_text(&["list_users"]);
    assert!(
        users.contains("s1\t[mqauth-fleet-acme]") && !users.contains("guest"),
        "one user per device and no default user: {users}"
    );

    // A device publishes on its own topic, and receives on its own topics.
    let console = device(&pki, "console", Some("console"));
    assert!(
        delivered(
            port,
            &console,
            "devices/+/telemetry",
            &device(&pki, "s1", None),
            "devices/s1/telemetry"
        ),
        "s1 publishes its telemetry, the console reads it"
    );
    assert!(
        delivered(
            port,
            &device(&pki, "s1", Some("s1")),
            "devices/s1/cmd/#",
            &device(&pki, "console", None),
            "devices/s1/cmd/reboot"
        ),
        "the console commands s1, s1 receives it"
    );

    // Another device's topics: the broker closes the connection and logs why.
    let s1 = device(&pki, "s1", Some("s1"));
    let (published, _) = publish(port, &device(&pki, "s1", None), "devices/s2/telemetry");
    assert!(!published, "s1 must not publish s2's telemetry");
    node.logged("access to topic 'devices.s2.telemetry' in exchange 'amq.topic' in vhost '/' refused for user 's1'");
    assert!(
        !publish(port, &device(&pki, "s1", None), "devices/s1/cmd/x").0,
        "s1 only receives its commands"
    );
    assert!(suback(port, &s1, "devices/s1/cmd/#"));
    assert!(!suback(port, &s1, "devices/s2/cmd/#"), "s2's commands");
    node.logged("access to topic 'devices.s2.cmd.#' in exchange 'amq.topic' in vhost '/' refused for user 's1'");
    assert!(
        !suback(port, &s1, "devices/+/cmd/#"),
        "every device's commands"
    );
    // Its session under another device's client id: its queue is not s1's.
    assert!(!suback(
        port,
        &device(&pki, "s1", Some("s2")),
        "devices/s1/cmd/#"
    ));
    node.logged("access to queue 'mqtt-subscription-s2qos1' in vhost '/' refused for user 's1'");
    // A username and password in CONNECT would override the certificate: no user has one.
    let mut as_s2 = device(&pki, "s1", None);
    as_s2
        .args
        .extend(["-u", "s2", "-P", ""].into_iter().map(String::from));
    let (published, err) = publish(port, &as_s2, "devices/s2/telemetry");
    assert!(
        !published && err.contains("bad user name or password"),
        "{err}"
    );

    // A certificate of another CA fails the handshake; a CN without a user is refused.
    let stranger = Tls::cert(
        &pki.join("ca.crt"),
        &dir.join("other/issued/s1.crt"),
        &dir.join("other/private/s1.key"),
    );
    let (published, err) = publish(port, &stranger, "devices/s1/telemetry");
    assert!(!published, "another CA's certificate: {err}");
    let (published, err) = publish(port, &device(&pki, "nobody", None), "devices/nobody/x");
    assert!(
        !published && err.contains("bad user name or password"),
        "{err}"
    );

    // s3 leaves the fleet while connected: --prune revokes its certificate, and the script
    // deletes its user, which closes its connection.
    let s3 = Subscriber::start(port, &device(&pki, "s3", Some("s3")), "devices/s3/cmd/#");
    wait_until("s3 is connected", Duration::from_secs(10), || {
        let c = node.ctl_text(&["list_mqtt_connections", "client_id"]);
        if c.lines().any(|l| l.trim() == "s3") {
            Ok(())
        } else {
            Err(c)
        }
    });
    fs::write(dir.join("fleet.yaml"), manifest(port, 2)).unwrap();
    ok(dir, "fleet apply --prune");
    let script = Command::new("sh")
        .arg(broker.join("rabbitmqctl.sh"))
        .env("RABBITMQCTL", node.ctl_command())
        .envs(node.env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(script.status.success(), "rabbitmqctl.sh: {script:?}");
    let users = node.ctl_text(&["list_users"]);
    assert!(!users.contains("s3\t") && users.contains("s2\t"), "{users}");
    wait_until("s3's connection is closed", Duration::from_secs(10), || {
        let c = node.ctl_text(&["list_mqtt_connections", "client_id"]);
        if c.lines().any(|l| l.trim() == "s3") {
            Err(c)
        } else {
            Ok(())
        }
    });
    let (published, err) = publish(port, &device(&pki, "s3", None), "devices/s3/telemetry");
    assert!(!published, "{err}");
    // The CRL copy refuses its certificate in the handshake, before any user is looked up.
    node.logged("Certificate Revoked");
    assert!(publish(port, &device(&pki, "s2", None), "devices/s2/telemetry").0);
    // Its subscriber was disconnected, and reconnecting fails in the handshake.
    let s3_seen = s3.finish();
    assert!(
        s3_seen.matches("sending CONNECT").count() >= 2 && !s3_seen.contains("received PUBLISH"),
        "{s3_seen}"
    );
    node.stop();
    eprintln!("whole test: {:?}", started.elapsed());
}

#[test]
fn plan_shows_the_files_and_the_manifest_refuses_what_rabbitmq_cannot_enforce() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("fleet.yaml"), manifest(8883, 2)).unwrap();
    let plan = String::from_utf8_lossy(&ok(dir, "fleet plan").stdout).into_owned();
    for file in [
        "brokers/rabbit1/rabbitmq.conf",
        "brokers/rabbit1/advanced.config",
        "brokers/rabbit1/definitions.json",
        "brokers/rabbit1/rabbitmqctl.sh",
        "brokers/rabbit1/crls/",
    ] {
        assert!(plan.contains(file), "{file}: {plan}");
    }
    ok(dir, "fleet apply");
    let plan = String::from_utf8_lossy(&ok(dir, "fleet plan").stdout).into_owned();
    assert!(!plan.contains("brokers/rabbit1"), "{plan}");
    // The old switch still names the software of brokers without a kind; this one has one.
    ok(dir, "fleet apply --target emqx");
    assert!(!dir.join("brokers/rabbit1/emqx").exists());

    let refused = |yaml: String| {
        fs::write(dir.join("bad.yaml"), yaml).unwrap();
        fails(dir, "fleet plan -m bad.yaml")
    };
    let base = manifest(8883, 2);
    let e = refused(base.replace("mtls_port: 8883", "mtls_port: 8883, psk_port: 8884"));
    assert!(
        e.contains("bad.yaml:3:") && e.contains("cannot serve PSK devices"),
        "{e}"
    );
    let e = refused(base.replace("devices/{id}/telemetry", "devices/{id}/temp.c"));
    assert!(
        e.contains("bad.yaml:7:") && e.contains("contains '.'"),
        "{e}"
    );
    let e = refused(base.replace("devices/+/cmd/#", "devices/*/cmd/#"));
    assert!(
        e.contains("bad.yaml:11:") && e.contains("literal '*'"),
        "{e}"
    );
    let e = refused(base.replace("template: \"s{n}\"", "template: \"s.{n}\""));
    assert!(
        e.contains("bad.yaml:14:") && e.contains("device id \"s.{n}\""),
        "{e}"
    );
    let e = refused(base.replace(
        "auth: mtls\n    publish: [\"devices/{id}",
        "auth: mtls\n    enroll: true\n    publish: [\"devices/{id}",
    ));
    assert!(e.contains("bad.yaml:7:") && e.contains("enrolls"), "{e}");
}
