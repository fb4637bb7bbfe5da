//! `mqauth storm`: the flags of a reconnect storm, a progress bar while it runs, and its
//! report (text or JSON); the storm itself is `mqauth::storm`.

use super::output::{print_json, print_line};
use super::{CliError, ExitStatus, Ui, escape};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mqauth::storm::{
    self, CompareOptions, CredentialKind, Latency, Observer, Pace, Source, StormError,
    StormOptions, StormReport, Target,
};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(
    after_help = "Connects N distinct devices, each with its own certificate and key (mutual TLS) or its own \
    PSK identity (TLS-PSK), at --rate connections per second or all at once (--burst); each \
    sends MQTT 5 CONNECT, optionally publishes one QoS 1 message on its own topic (--publish, \
    {id} is the device), and disconnects. The report counts connections attempted, succeeded \
    and failed by reason (TLS alert, handshake error, CONNACK code, timeout), handshake and \
    CONNACK latency (p50/p90/p99/max) and the sustained connection rate; with --broker-pid \
    (a broker on this machine) the broker's CPU seconds per 1,000 connections.\n\n\
    The devices come from a fleet (-m: what `fleet apply` wrote; the port picks the mTLS or \
    PSK listener, and without a port a one-broker fleet's devices use both), a PKI (--pki: \
    every client certificate whose key it holds) or a psk_file (--psk-file). Revoked \
    certificates are used as they are: a broker with the fleet's crlfile refuses them, and \
    the cost of its CRL shows.\n\n\
    --compare psk,p256,rsa2048 runs one storm per credential kind, each with a temporary fleet \
    of --clients devices (default 1000) and its own Mosquitto on 127.0.0.1 running the \
    configuration `fleet apply` rendered for it (Mosquitto must be installed), and prints them \
    side by side with the broker's CPU time per 1,000 connections.\n\n\
    Bounded: at most 100,000 clients and 10 minutes; only loopback unless --allow-remote, \
    which is for the operator's own broker only (a storm is a load test).\n\n\
    Exit status 0 when every client connected (and its message was acknowledged), 4 when some \
    failed or were not started, 1 when the storm could not run, 2 for usage errors.\n\n\
    Examples:\n  \
    mqauth storm --broker 127.0.0.1 -m fleet.yaml --rate 200 --publish 'devices/{id}/status'\n  \
    mqauth storm --broker 127.0.0.1:8883 --pki pki --clients 5000 --burst \\\n      \
    --broker-pid \"$(pidof mosquitto)\" --json\n  \
    mqauth storm --compare psk,p256,rsa2048 --clients 1000 --rate 500"
)]
pub struct StormArgs {
    /// The broker, HOST:PORT (loopback unless --allow-remote); with -m the port may be left
    /// out: the manifest's ports are used
    #[arg(long, value_name = "HOST:PORT", required_unless_present = "compare")]
    broker: Option<String>,
    /// Devices of a fleet manifest (credentials as `fleet apply` wrote them)
    #[arg(short, long, value_name = "FILE", group = "source")]
    manifest: Option<PathBuf>,
    /// The fleet directory (default: the manifest's directory)
    #[arg(long, value_name = "DIR", requires = "manifest")]
    fleet_dir: Option<PathBuf>,
    /// Only the devices of this group of the manifest
    #[arg(long, value_name = "GROUP", requires = "manifest")]
    group: Option<String>,
    /// Every client certificate of a PKI directory whose key it holds
    #[arg(long, value_name = "DIR", group = "source")]
    pki: Option<PathBuf>,
    /// Every identity of a Mosquitto psk_file (IDENTITY:HEXKEY lines)
    #[arg(long, value_name = "FILE", group = "source")]
    psk_file: Option<PathBuf>,
    /// How many devices connect (default: all of the source's; 1000 per kind with --compare;
    /// at most 100000)
    #[arg(long, value_name = "N")]
    clients: Option<usize>,
    /// New connections per second, e.g. 200 or 200/s
    #[arg(long, value_name = "R/s", value_parser = rate, default_value = "100", conflicts_with = "burst")]
    rate: f64,
    /// Start every client at once
    #[arg(long)]
    burst: bool,
    /// The storm stops then, cutting off clients still connecting (at most 10m)
    #[arg(long, value_name = "DURATION", value_parser = wait, default_value = "5m")]
    duration: Duration,
    /// How long one client may take, connect to last acknowledgement
    #[arg(long, value_name = "DURATION", value_parser = wait, default_value = "30s")]
    timeout: Duration,
    /// Publish one QoS 1 message per client on this topic ({id} is the device)
    #[arg(long, value_name = "TOPIC-TEMPLATE")]
    publish: Option<String>,
    /// Print the report as JSON (an array of reports with --compare)
    #[arg(long)]
    json: bool,
    /// The broker's process id (a broker on this machine): report its CPU time
    #[arg(long, value_name = "PID")]
    broker_pid: Option<u32>,
    /// One storm per credential kind, side by side (psk, p256, p384, ed25519, rsa2048,
    /// rsa3072, rsa4096), each with a temporary fleet and its own local Mosquitto
    #[arg(long, value_name = "KINDS", conflicts_with_all = ["broker", "source", "broker_pid", "allow_remote"])]
    compare: Option<String>,
    /// Allow a broker outside loopback: your own broker only
    #[arg(long)]
    allow_remote: bool,
}

fn rate(text: &str) -> Result<f64, String> {
    let number = text.strip_suffix("/s").unwrap_or(text);
    match number.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err("expected a positive number of connections per second (e.g. 200 or 200/s)".into()),
    }
}

fn wait(text: &str) -> Result<Duration, String> {
    let d = mqauth::lifetime::parse_wait(text)?;
    if d < Duration::from_secs(1) {
        return Err("at least 1 second".into());
    }
    Ok(d)
}

pub(super) fn run(a: StormArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    raise_file_limit();
    let pace = if a.burst {
        Pace::Burst
    } else {
        Pace::Rate(a.rate)
    };
    let bar = Bar::new(ui);
    if let Some(kinds) = &a.compare {
        let options = CompareOptions {
            kinds: CredentialKind::parse_list(kinds).map_err(storm_error)?,
            clients: a.clients.unwrap_or(1000),
            pace,
            duration: a.duration,
            timeout: a.timeout,
            publish: a.publish,
        };
        let reports = storm::compare(&options, &bar).map_err(storm_error)?;
        drop(bar);
        if a.json {
            print_json(&reports)?;
        } else {
            print_comparison(&reports)?;
        }
        return Ok(status(&reports));
    }
    let target: Target = a
        .broker
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e: String| CliError::Usage(format!("--broker {e}")))?;
    let source = match (a.manifest, a.pki, a.psk_file) {
        (Some(manifest), None, None) => {
            let dir = a.fleet_dir.unwrap_or_else(|| match manifest.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            });
            Source::Fleet {
                manifest,
                dir,
                group: a.group,
            }
        }
        (None, Some(dir), None) => Source::Pki { dir },
        (None, None, Some(path)) => Source::PskFile { path },
        _ => {
            return Err(CliError::Usage(
                "give the devices: -m FILE, --pki DIR or --psk-file FILE (or --compare KINDS)"
                    .into(),
            ));
        }
    };
    let options = StormOptions {
        source,
        target,
        clients: a.clients,
        pace,
        duration: a.duration,
        timeout: a.timeout,
        publish: a.publish,
        broker_pid: a.broker_pid,
        allow_remote: a.allow_remote,
    };
    let report = storm::storm(&options, &bar).map_err(storm_error)?;
    drop(bar);
    if a.json {
        print_json(&report)?;
    } else {
        print_report(&report)?;
    }
    Ok(status(std::slice::from_ref(&report)))
}

fn status(reports: &[StormReport]) -> ExitStatus {
    let clean = reports.iter().all(|r| {
        r.failed == 0
            && r.not_started == 0
            && r.publish.as_ref().is_none_or(|p| p.failed.is_empty())
    });
    if clean {
        ExitStatus::Success
    } else {
        ExitStatus::Problems
    }
}

/// A storm error in the words of the command line: bounds and targets name their flags.
fn storm_error(e: StormError) -> CliError {
    match e {
        StormError::Remote { target } => CliError::Usage(format!(
            "--broker {target}: not a loopback address; add --allow-remote if it is your own broker"
        )),
        e @ (StormError::TooManyClients { .. }
        | StormError::NoClients
        | StormError::NotEnoughDevices { .. }) => CliError::Usage(format!("--clients: {e}")),
        e @ (StormError::TooLong { .. } | StormError::TooShort) => {
            CliError::Usage(format!("--duration/--timeout: {e}"))
        }
        e @ StormError::Topic { .. } => CliError::Usage(format!("--publish: {e}")),
        e @ (StormError::UnknownKind(_) | StormError::RepeatedKind(_)) => {
            CliError::Usage(format!("--compare: {e}"))
        }
        e @ StormError::UnknownGroup { .. } => CliError::Usage(format!("--group: {e}")),
        e @ (StormError::UnknownListener { .. }
        | StormError::WhichBroker { .. }
        | StormError::NoPort { .. }) => CliError::Usage(format!("--broker: {e}")),
        e @ StormError::BrokerPid { .. } => CliError::FlagValue {
            flag: "--broker-pid",
            reason: e.to_string(),
        },
        e => CliError::Refused(e.to_string()),
    }
}

/// A storm of thousands holds as many sockets at once; the soft limit (often 1024) would
/// fail them with "too many open files", so it is raised to the hard one.
fn raise_file_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        limit.current = limit.maximum;
        let _ = setrlimit(Resource::Nofile, limit);
    }
}

/// The progress bar on stderr (a terminal only, not with --quiet).
struct Bar {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    fn new(ui: &Ui) -> Bar {
        Bar {
            enabled: ui.wants_progress(),
            bar: Mutex::new(None),
        }
    }
}

impl Observer for Bar {
    fn phase(&self, label: &str, total: u64) {
        if !self.enabled {
            return;
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {human_pos}/{human_len} ({elapsed})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(escape(label).into_owned());
        if let Ok(mut slot) = self.bar.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish_and_clear();
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(n);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.finish_and_clear();
        }
    }
}

fn latency(l: &Option<Latency>) -> String {
    match l {
        Some(l) => format!(
            "p50 {:.1} ms  p90 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            l.p50, l.p90, l.p99, l.max
        ),
        None => "-".into(),
    }
}

fn print_report(r: &StormReport) -> Result<(), CliError> {
    let mut lines = vec![
        format!("storm: {} {} clients -> {}", r.clients, r.kind, r.broker),
        format!(
            "connections: {} attempted, {} succeeded, {} failed, {} not started{}",
            r.attempted,
            r.succeeded,
            r.failed,
            r.not_started,
            if r.stopped_by_duration {
                " (stopped by --duration)"
            } else {
                ""
            }
        ),
    ];
    for f in &r.failures {
        lines.push(format!(
            "  {:>6}  {}  (e.g. {})",
            f.count,
            f.failure,
            f.examples.join(", ")
        ));
    }
    lines.push(format!("handshake: {}", latency(&r.handshake_ms)));
    lines.push(format!("CONNACK:   {}", latency(&r.connack_ms)));
    if let Some(p) = &r.publish {
        lines.push(format!(
            "published: {}/{} acknowledged on {}",
            p.acknowledged, p.attempted, p.topic
        ));
        for (reason, count) in &p.failed {
            lines.push(format!("  {count:>6}  {reason}"));
        }
    }
    lines.push(format!(
        "sustained: {:.1} connections/s over {:.2} s",
        r.connections_per_s, r.elapsed_s
    ));
    if let Some(cpu) = &r.broker_cpu {
        lines.push(format!(
            "broker CPU: {:.2} s (pid {}), {:.3} s per 1,000 connections",
            cpu.seconds, cpu.pid, cpu.per_1000_connections
        ));
    }
    for line in lines {
        print_line(&escape(&line))?;
    }
    Ok(())
}

/// The comparison: one column per kind, one row per measure.
fn print_comparison(reports: &[StormReport]) -> Result<(), CliError> {
    let pick = |l: &Option<Latency>, f: fn(&Latency) -> f64| {
        l.as_ref()
            .map_or("-".to_string(), |l| format!("{:.1}", f(l)))
    };
    let mut rows: Vec<(String, Vec<String>)> =
        vec![("".into(), reports.iter().map(|r| r.kind.clone()).collect())];
    let mut row = |name: &str, f: &dyn Fn(&StormReport) -> String| {
        rows.push((name.to_string(), reports.iter().map(f).collect()));
    };
    row("clients", &|r| r.clients.to_string());
    row("succeeded", &|r| r.succeeded.to_string());
    row("failed", &|r| r.failed.to_string());
    row("handshake p50 ms", &|r| pick(&r.handshake_ms, |l| l.p50));
    row("handshake p90 ms", &|r| pick(&r.handshake_ms, |l| l.p90));
    row("handshake p99 ms", &|r| pick(&r.handshake_ms, |l| l.p99));
    row("handshake max ms", &|r| pick(&r.handshake_ms, |l| l.max));
    row("CONNACK p50 ms", &|r| pick(&r.connack_ms, |l| l.p50));
    row("CONNACK p99 ms", &|r| pick(&r.connack_ms, |l| l.p99));
    row("connections/s", &|r| format!("{:.1}", r.connections_per_s));
    row("broker CPU s", &|r| {
        r.broker_cpu
            .as_ref()
            .map_or("-".into(), |c| format!("{:.2}", c.seconds))
    });
    row("broker CPU s / 1,000 conn", &|r| {
        r.broker_cpu
            .as_ref()
            .map_or("-".into(), |c| format!("{:.3}", c.per_1000_connections))
    });
    let name_width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..reports.len())
        .map(|i| {
            rows.iter()
                .map(|(_, c)| c[i].len())
                .max()
                .unwrap_or(0)
                .max(8)
        })
        .collect();
    for (name, cells) in &rows {
        let mut line = format!("{name:<name_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            line.push_str(&format!("  {cell:>width$}"));
        }
        print_line(line.trim_end())?;
    }
    for r in reports {
        for f in &r.failures {
            print_line(&escape(&format!("{}: {} x {}", r.kind, f.count, f.failure)))?;
        }
    }
    Ok(())
}
