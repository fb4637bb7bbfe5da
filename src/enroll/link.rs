//! The service's MQTT connection: one session with the broker, kept alive and re-established by
//! its own task, which hands the service what happened as [`LinkEvent`]s. The service talks to
//! the broker only through this type (the split of rumqttd's `link/remote.rs`).

use super::protocol;
use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, Publish, QoS};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::rustls;

/// The largest MQTT packet the service accepts from the broker.
pub const MAX_INCOMING_PACKET: usize = 1024 * 1024;

/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What the connection reports to the service.
#[derive(Debug)]
pub enum LinkEvent {
    /// The broker holds the subscriptions: requests published from now on reach the service.
    Subscribed,
    /// The connection failed or could not be made; the next try is in `retry_in`.
    Unreachable { error: String, retry_in: Duration },
    /// A message on a subscribed topic: a request (or something to ignore).
    Message(Publish),
}

/// Where and as whom to connect.
pub struct LinkOptions<'a> {
    pub host: &'a str,
    pub port: u16,
    pub client_id: &'a str,
    pub prefix: &'a str,
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
        mqtt.set_clean_session(false)
            .set_manual_acks(true)
            .set_keep_alive(Duration::from_secs(30))
            // Requests over 16 KiB are answered too-large; a packet over this limit would make the
            // client drop the connection, and the broker would deliver it again: the broker's
            // max_packet_size must be below it (docs/enrollment.md).
            .set_max_packet_size(MAX_INCOMING_PACKET, 64 * 1024)
            .set_transport(rumqttc::Transport::tls_with_config(
                rumqttc::TlsConfiguration::Rustls(Arc::new(options.tls)),
            ));
        let (client, eventloop) = AsyncClient::new(mqtt, 10_000);
        let (tx, events) = mpsc::unbounded_channel();
        let filters = protocol::request_filters(options.prefix);
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

    /// Publishes the answer to `request` on `topic`, then acknowledges the request. The answer
    /// is queued before the acknowledgement: if the service dies between the two, the broker
    /// sends the request again and the answer is sent again.
    pub async fn answer(&self, request: &Publish, topic: String, payload: Vec<u8>) {
        let _ = self
            .client
            .publish(topic, QoS::AtLeastOnce, false, payload)
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

/// The connection task: polls the event loop, subscribes after each CONNACK, reports.
async fn drive(
    mut eventloop: rumqttc::EventLoop,
    client: AsyncClient,
    filters: [String; 2],
    tx: mpsc::UnboundedSender<LinkEvent>,
) {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let event = match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff = FIRST_BACKOFF;
                // The session keeps them, but a first run (or a broker that lost its
                // persistence) needs them asked for.
                let wanted = filters
                    .iter()
                    .map(|f| rumqttc::SubscribeFilter::new(f.clone(), QoS::AtLeastOnce));
                let _ = client.subscribe_many(wanted).await;
                continue;
            }
            // Only once the broker holds the subscription does a request published from now
            // on reach the service, even if it dies at once.
            Ok(Event::Incoming(Packet::SubAck(_))) => LinkEvent::Subscribed,
            Ok(Event::Incoming(Packet::Publish(p))) => LinkEvent::Message(p),
            Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
            Ok(_) => continue,
            Err(e) => {
                let retry_in = backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                if tx
                    .send(LinkEvent::Unreachable {
                        error: e.to_string(),
                        retry_in,
                    })
                    .is_err()
                {
                    break;
                }
                tokio::time::sleep(retry_in).await;
                continue;
            }
        };
        if tx.send(event).is_err() {
            break;
        }
    }
}
