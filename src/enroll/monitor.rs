//! The service as an operator watches it: [`Monitor`] binds the HTTP listener (before anything
//! connects, so that a port in use stops the service at once), counts the service's events
//! into [`Metrics`] and its health beside the log, and serves `/metrics` and `/healthz` in the
//! service's runtime.

use super::error::EnrollError;
use super::health::{BrokerHealth, PkiProbe};
use super::http::{self, Response};
use super::metrics::Metrics;
use super::service::{Log, ServiceEvent};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The Prometheus text format's content type.
const METRICS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What the event observer writes and the HTTP task reads.
#[derive(Default)]
struct Watched {
    metrics: Metrics,
    broker: BrokerHealth,
}

/// The metrics listener, bound, and what it reports.
pub struct Monitor {
    listener: std::net::TcpListener,
    watched: Arc<Watched>,
}

impl Monitor {
    /// Binds `addr` now; nothing is served until the service runs.
    pub fn bind(addr: SocketAddr) -> Result<Monitor, EnrollError> {
        let listener = std::net::TcpListener::bind(addr)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| EnrollError::Listen { addr, source })?;
        Ok(Monitor {
            listener,
            watched: Arc::default(),
        })
    }

    /// Where it listens (the port the system chose for port 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// `log`, with every event counted first.
    pub(super) fn observing(&self, log: Log) -> Log {
        let watched = self.watched.clone();
        Arc::new(move |event: ServiceEvent<'_>| {
            watched.metrics.observe(&event);
            watched.broker.observe(&event);
            log(event);
        })
    }

    /// Starts serving in the current (the service's) runtime; it ends with the runtime.
    pub(super) fn spawn(self, pki_dir: PathBuf) -> Result<(), EnrollError> {
        let listener =
            tokio::net::TcpListener::from_std(self.listener).map_err(EnrollError::Runtime)?;
        let watched = self.watched;
        let probe = Arc::new(PkiProbe::new(pki_dir));
        tokio::spawn(http::serve(listener, move |path: String| {
            let watched = watched.clone();
            let probe = probe.clone();
            async move {
                match path.as_str() {
                    "/metrics" => Some(match watched.metrics.encode() {
                        Ok(body) => Response {
                            status: 200,
                            content_type: METRICS_TYPE,
                            body,
                        },
                        Err(_) => Response::text(500, "the metrics cannot be written\n"),
                    }),
                    "/healthz" => Some(healthz(&watched, probe).await),
                    _ => None,
                }
            }
        }));
        Ok(())
    }
}

/// 200 `ok` while subscribed at the broker and the PKI is writable; 503 and the first reason
/// otherwise.
async fn healthz(watched: &Watched, probe: Arc<PkiProbe>) -> Response {
    let verdict = match watched.broker.check() {
        Err(why) => Err(why),
        // The probe touches the file system: off the service's only thread.
        Ok(()) => tokio::task::spawn_blocking(move || probe.check())
            .await
            .unwrap_or_else(|e| Err(format!("the PKI probe failed: {e}"))),
    };
    match verdict {
        Ok(()) => Response::text(200, "ok\n"),
        Err(why) => Response::text(503, format!("{}\n", why.replace(['\r', '\n'], " "))),
    }
}
