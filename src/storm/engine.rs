//! The storm itself: devices started at the pace asked for on one multi-threaded tokio
//! runtime, their outcomes gathered as they finish, and the broker's CPU time read around it.

use super::Observer;
use super::broker_cpu::cpu_seconds;
use super::client::{self, Shared};
use super::devices::{self, Credential, Device, Devices};
use super::error::StormError;
use super::plan::{self, Pace, StormOptions};
use super::report::{StormReport, Summary, Tally};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, sleep_until, timeout_at};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::ServerName;

/// Outcomes still on their way after the duration: clients end at it, so this is slack.
const DRAIN: Duration = Duration::from_secs(5);

/// Runs the storm `options` describe and reports on it.
pub fn storm(options: &StormOptions, observer: &dyn Observer) -> Result<StormReport, StormError> {
    options.check()?;
    let devices = devices::load(&options.source, &options.target)?;
    run(devices, options, None, observer)
}

/// Runs a storm over `devices`; `kind` names it (a comparison's credential kind).
pub(crate) fn run(
    mut devices: Devices,
    options: &StormOptions,
    kind: Option<&str>,
    observer: &dyn Observer,
) -> Result<StormReport, StormError> {
    if devices.list.is_empty() {
        return Err(StormError::NoDevices {
            what: devices.what,
            why: "",
        });
    }
    let count = options.clients.unwrap_or(devices.list.len());
    plan::check_count(count)?;
    if count > devices.list.len() {
        return Err(StormError::NotEnoughDevices {
            count,
            available: devices.list.len(),
            source_name: devices.what,
        });
    }
    devices.list.truncate(count);
    let kind = kind
        .map(str::to_string)
        .unwrap_or_else(|| kind_of(&devices.list));
    let shared = shared(&devices, options)?;
    let broker = match devices.list.first() {
        Some(d) if devices.list.iter().all(|o| o.port == d.port) => plan::Target {
            host: options.target.host.clone(),
            port: Some(d.port),
        }
        .shown(),
        _ => options.target.shown(),
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StormError::Runtime(e.to_string()))?;
    let before = options.broker_pid.map(cpu_seconds).transpose()?;
    observer.phase(&kind, count as u64);
    let list = Arc::new(devices.list);
    let (tally, elapsed) = runtime.block_on(drive(
        Arc::new(shared),
        list,
        options.pace,
        options.duration,
        observer,
    ));
    let cpu = match (options.broker_pid, before) {
        (Some(pid), Some(before)) => Some((pid, cpu_seconds(pid)? - before)),
        _ => None,
    };
    Ok(tally.report(Summary {
        kind,
        broker,
        clients: count,
        topic: options.publish.clone(),
        elapsed,
        cpu_seconds: cpu,
    }))
}

fn kind_of(list: &[Device]) -> String {
    let certificates = list
        .iter()
        .filter(|d| matches!(d.credential, Credential::Certificate { .. }))
        .count();
    match certificates {
        0 => "psk".into(),
        n if n == list.len() => "certificate".into(),
        _ => "certificate+psk".into(),
    }
}

/// What every client needs, made once: addresses, trust anchors, the PSK connector.
fn shared(devices: &Devices, options: &StormOptions) -> Result<Shared, StormError> {
    let host = options.target.host.clone();
    let mut addresses = HashMap::new();
    for device in &devices.list {
        if let std::collections::hash_map::Entry::Vacant(slot) = addresses.entry(device.port) {
            slot.insert(plan::resolve(&host, device.port, options.allow_remote)?);
        }
    }
    let server_name = ServerName::try_from(host.clone()).map_err(|e| StormError::Resolve {
        target: options.target.shown(),
        why: e.to_string(),
    })?;
    let uses = |psk: bool| {
        devices
            .list
            .iter()
            .any(|d| matches!(d.credential, Credential::Psk(_)) == psk)
    };
    let roots = match (&devices.ca_file, uses(false)) {
        (Some(ca), true) => Some(Arc::new(roots(ca)?)),
        _ => None,
    };
    let psk = if uses(true) {
        Some(crate::tls_psk::connector(devices.ca_file.as_deref())?)
    } else {
        None
    };
    Ok(Shared {
        host,
        server_name,
        addresses,
        roots,
        provider: Arc::new(rustls::crypto::ring::default_provider()),
        psk,
        publish: options.publish.clone(),
        timeout: options.timeout,
    })
}

fn roots(ca: &std::path::Path) -> Result<rustls::RootCertStore, StormError> {
    let bad = |why: String| StormError::Credentials {
        path: ca.to_path_buf(),
        why,
    };
    let bytes = crate::input::read(ca, crate::input::Kind::Certificates)?;
    let mut store = rustls::RootCertStore::empty();
    for block in pem::parse_many(&bytes).map_err(|e| bad(e.to_string()))? {
        if block.tag() == "CERTIFICATE" {
            store
                .add(block.into_contents().into())
                .map_err(|e| bad(e.to_string()))?;
        }
    }
    if store.is_empty() {
        return Err(bad("no CERTIFICATE block".into()));
    }
    Ok(store)
}

/// Starts the clients at `pace` until all have started or `duration` has passed, and gathers
/// their outcomes; returns them with the time from the first start to the last end.
async fn drive(
    shared: Arc<Shared>,
    devices: Arc<Vec<Device>>,
    pace: Pace,
    duration: Duration,
    observer: &dyn Observer,
) -> (Tally, Duration) {
    let start = Instant::now();
    let end = start + duration;
    let spacing = match pace {
        Pace::Rate(rate) => Some(Duration::from_secs_f64(1.0 / rate)),
        Pace::Burst => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tally = Tally::new();
    let mut started = 0usize;
    let mut last = start;
    loop {
        if started < devices.len() && Instant::now() < end {
            let due = match spacing {
                Some(s) => start + s.mul_f64(started as f64),
                None => start,
            };
            tokio::select! {
                // Outcomes first: a burst must not starve the tally (and the progress bar).
                biased;
                Some(outcome) = rx.recv() => {
                    tally.add(outcome);
                    last = Instant::now();
                    observer.advance(1);
                }
                () = sleep_until(due) => {
                    if Instant::now() >= end {
                        continue;
                    }
                    let (shared, devices, tx) = (shared.clone(), devices.clone(), tx.clone());
                    let index = started;
                    tokio::spawn(async move {
                        let outcome = client::run(&shared, &devices[index], end).await;
                        let _ = tx.send(outcome);
                    });
                    started += 1;
                }
            }
        } else if tally.finished() < started {
            match timeout_at(end + DRAIN, rx.recv()).await {
                Ok(Some(outcome)) => {
                    tally.add(outcome);
                    last = Instant::now();
                    observer.advance(1);
                }
                // Every client ends by the duration; one that did not is left behind.
                _ => break,
            }
        } else {
            break;
        }
    }
    (tally, last - start)
}
