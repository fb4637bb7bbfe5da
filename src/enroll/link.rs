//! The service's MQTT connection: one MQTT 5 session with the broker, kept alive and
//! re-established by its own task, which hands the service what happened as [`LinkEvent`]s.
//! The service talks to the broker only through this type (the split of rumqttd's
//! `link/remote.rs`).
//!
//! MQTT 5 because three of its properties make the service safe to leave alone:
//! - *Maximum Packet Size*: the broker discards, for this client only, a message larger than
//!   the service reads, instead of sending it and having the connection fail on it at every
//!   reconnect (a device cannot stall enrollment with one oversized publish);
//! - *Session Taken Over* (DISCONNECT 0x8E, where the broker sends it; Mosquitto 2.0 just
//!   closes the connection): a second service started with the same client id is told apart
//!   from a network failure, and stops instead of fighting for the session (see
//!   [`STARTUP_GRACE`]);
//! - *Correlation Data*: an MQTT 5 device's request id comes back with its answer.

use super::protocol;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::{DisconnectReasonCode, Filter, Packet, PublishProperties};
use rumqttc::v5::{AsyncClient, ConnectionError, Event, MqttOptions, StateError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::rustls;

pub use rumqttc::v5::mqttbytes::v5::Publish;

/// The largest MQTT packet the service reads ([`protocol::MAX_PACKET`], which fleets render
/// as the broker's `max_packet_size`): a larger one is dropped by the broker, for this client,
/// before it costs the service anything. Requests between [`protocol::MAX_PAYLOAD`] and this
/// are answered `too-large`.
pub const MAX_INCOMING_PACKET: u32 = protocol::MAX_PACKET;

/// Requests the broker may have in flight to the service at once (MQTT 5 Receive Maximum):
/// room for full batches, so that a flood from one device does not leave every other device's
/// request waiting in the broker's queue.
const RECEIVE_MAXIMUM: u16 = 1024;

/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`], and starts again
/// only after a connection stayed up that long.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A service whose first connection found a session (CONNACK "session present") and lost it,
/// closed by the broker, within this time of connecting, concludes that another service with
/// the same client id holds the session (it took it back as soon as its own connection was
/// closed) and stops: the newcomer yields, instead of the two taking the session from each
/// other forever.
const STARTUP_GRACE: Duration = Duration::from_secs(5);

/// What the connection reports to the service.
#[derive(Debug)]
pub enum LinkEvent {
    /// The broker holds the subscriptions: requests published from now on reach the service.
    Subscribed,
    /// The connection failed or could not be made; the next try is in `retry_in`.
    Unreachable { error: String, retry_in: Duration },
    /// Another client connected with this client id and the broker gave it the session.
    TakenOver,
    /// A message on a subscribed topic: a request (or something to ignore).
    Message(Box<Publish>),
}

/// Where and as whom to connect.
pub struct LinkOptions<'a> {
    pub host: &'a str,
    pub port: u16,
    pub client_id: &'a str,
    pub prefix: &'a str,
    /// Subscribe as a member of this shared subscription group (`$share/GROUP/…`).
    pub share_group: Option<&'a str>,
    pub tls: rustls::ClientConfig,
}

pub struct Link {
    client: AsyncClient,
    events: mpsc::UnboundedReceiver<LinkEvent>,
    network: JoinHandle<()>,
}

impl Link {
    /// Starts the connection's task; events arrive through [`Link::next`].
    pub fn open(options: LinkOptions<'_>) -> Link {
        let mut mqtt = MqttOptions::new(options.client_id, options.host, options.port);
        mqtt.set_clean_start(false)
            // The session, and the requests queued in it, outlive the service's restarts.
            .set_session_expiry_interval(Some(u32::MAX))
            .set_manual_acks(true)
            .set_keep_alive(Duration::from_secs(30))
            .set_max_packet_size(Some(MAX_INCOMING_PACKET))
            .set_receive_maximum(Some(RECEIVE_MAXIMUM))
            .set_transport(rumqttc::Transport::tls_with_config(
                rumqttc::TlsConfiguration::Rustls(Arc::new(options.tls)),
            ));
        let (client, mut eventloop) = AsyncClient::new(mqtt, 10_000);
        // Answers are small and latency matters more than packing: no Nagle delay.
        let mut network = rumqttc::NetworkOptions::new();
        network.set_tcp_nodelay(true);
        eventloop.options.set_network_options(network);
        let (tx, events) = mpsc::unbounded_channel();
        let filters =
            protocol::request_filters(options.prefix).map(|f| match options.share_group {
                Some(group) => format!("$share/{group}/{f}"),
                None => f,
            });
        let network = tokio::spawn(drive(eventloop, client.clone(), filters, tx));
        Link {
            client,
            events,
            network,
        }
    }

    /// The next event; `None` once the connection task has ended (after [`Link::close`]).
    pub async fn next(&mut self) -> Option<LinkEvent> {
        self.events.recv().await
    }

    /// An event already waiting, without waiting for one.
    pub fn try_next(&mut self) -> Option<LinkEvent> {
        self.events.try_recv().ok()
    }

    /// Publishes the answer to `request` on `topic` (QoS 1, not retained, with the request's
    /// correlation data), then acknowledges the request. The answer is queued before the
    /// acknowledgement: if the service dies between the two, the broker sends the request
    /// again and the answer is sent again.
    pub async fn answer(&self, request: &Publish, topic: String, payload: Vec<u8>) {
        let properties = PublishProperties {
            correlation_data: request
                .properties
                .as_ref()
                .and_then(|p| p.correlation_data.clone()),
            content_type: Some("application/json".into()),
            payload_format_indicator: Some(1),
            ..PublishProperties::default()
        };
        let _ = self
            .client
            .publish_with_properties(topic, QoS::AtLeastOnce, false, payload, properties)
            .await;
        self.acknowledge(request).await;
    }

    /// Acknowledges a message that gets no answer.
    pub async fn acknowledge(&self, message: &Publish) {
        let _ = self.client.ack(message).await;
    }

    /// Disconnects, giving the connection task a moment to send what is queued.
    pub async fn close(self) {
        let _ = self.client.disconnect().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.network).await;
    }
}

/// The wait before the next try after a failure, and the one after it: doubled each time,
/// back to the first only when the connection had stayed up for [`MAX_BACKOFF`] (a broker
/// that accepts and then drops the connection at once is not hammered every second).
fn next_backoff(current: Duration, up_for: Option<Duration>) -> (Duration, Duration) {
    let wait = match up_for {
        Some(up) if up >= MAX_BACKOFF => FIRST_BACKOFF,
        _ => current,
    };
    (wait, (wait * 2).min(MAX_BACKOFF))
}

/// What the service knows of its connections, to tell a session taken over from a failure.
#[derive(Debug, Default)]
struct History {
    connections: u32,
    /// Whether the first CONNACK said the session existed already.
    first_found_session: bool,
    /// When the current connection was accepted.
    connected_at: Option<Instant>,
}

impl History {
    fn connected(&mut self, session_present: bool) {
        self.connections += 1;
        if self.connections == 1 {
            self.first_found_session = session_present;
        }
        self.connected_at = Some(Instant::now());
    }

    /// Whether `error` means another client holds this client id's session.
    fn taken_over(&self, error: &ConnectionError) -> bool {
        match error {
            ConnectionError::MqttState(StateError::ServerDisconnect {
                reason_code: DisconnectReasonCode::SessionTakenOver,
                ..
            }) => true,
            ConnectionError::MqttState(StateError::ConnectionAborted) => {
                self.connections == 1
                    && self.first_found_session
                    && self
                        .connected_at
                        .is_some_and(|t| t.elapsed() < STARTUP_GRACE)
            }
            _ => false,
        }
    }
}

/// The connection task: polls the event loop, subscribes after each CONNACK, reports.
async fn drive(
    mut eventloop: rumqttc::v5::EventLoop,
    client: AsyncClient,
    filters: [String; 2],
    tx: mpsc::UnboundedSender<LinkEvent>,
) {
    let mut backoff = FIRST_BACKOFF;
    let mut history = History::default();
    loop {
        let event = match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                history.connected(ack.session_present);
                // The session keeps them, but a first run (or a broker that lost its
                // persistence) needs them asked for.
                let wanted = filters
                    .iter()
                    .map(|f| Filter::new(f.clone(), QoS::AtLeastOnce));
                let _ = client.subscribe_many(wanted).await;
                continue;
            }
            // Only once the broker holds the subscription does a request published from now
            // on reach the service, even if it dies at once.
            Ok(Event::Incoming(Packet::SubAck(_))) => LinkEvent::Subscribed,
            Ok(Event::Incoming(Packet::Publish(p))) => LinkEvent::Message(Box::new(p)),
            Ok(Event::Outgoing(rumqttc::Outgoing::Disconnect)) => break,
            Ok(_) => continue,
            Err(e) if history.taken_over(&e) => {
                let _ = tx.send(LinkEvent::TakenOver);
                break;
            }
            Err(e) => {
                let up_for = history.connected_at.take().map(|t| t.elapsed());
                let (wait, next) = next_backoff(backoff, up_for);
                backoff = next;
                if tx
                    .send(LinkEvent::Unreachable {
                        error: e.to_string(),
                        retry_in: wait,
                    })
                    .is_err()
                {
                    break;
                }
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        if tx.send(event).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_and_resets_only_after_a_stable_connection() {
        let mut current = FIRST_BACKOFF;
        let mut waits = Vec::new();
        for _ in 0..7 {
            // Connected, then dropped after a moment: still failing, so still backing off.
            let (wait, next) = next_backoff(current, Some(Duration::from_millis(200)));
            waits.push(wait.as_secs());
            current = next;
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        let (wait, next) = next_backoff(current, Some(MAX_BACKOFF));
        assert_eq!((wait, next), (FIRST_BACKOFF, FIRST_BACKOFF * 2));
        let (wait, _) = next_backoff(Duration::from_secs(8), None);
        assert_eq!(wait.as_secs(), 8);
    }
}
