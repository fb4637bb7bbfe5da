//! Load generator for `benches/enroll.sh`: publishes enrollment requests through a real broker
//! as one identity that the broker's ACL grants the request topics, and times the answers.
//!
//!     enroll_load HOST PORT CAFILE CERT KEY TEMPLATE COUNT RATE
//!
//! TEMPLATE names the devices (`load-{n}`); RATE is requests per second, 0 for as fast as the
//! broker takes them. Prints one line: count, wall seconds, enrollments per second, p50 and p99
//! latency in ms (publish to answer), and how many were not issued.
//!
//! A TEMPLATE without `{n}` is one device flooding: COUNT requests under that one name, at
//! RATE, not waiting for answers (the service answers a flood once a minute); it prints how
//! many the broker acknowledged.

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS, TlsConfiguration, Transport};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_rustls::rustls;

fn certs(path: &str) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    let text = std::fs::read_to_string(path).expect("certificate file");
    pem::parse_many(text)
        .expect("PEM")
        .into_iter()
        .map(|b| b.into_contents().into())
        .collect()
}

fn csr(name: &str) -> Vec<u8> {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params
        .serialize_request(&key)
        .expect("csr")
        .pem()
        .expect("pem")
        .into_bytes()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, host, port, cafile, cert, key, template, count, rate] = args.as_slice() else {
        eprintln!("usage: enroll_load HOST PORT CAFILE CERT KEY TEMPLATE COUNT RATE");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT");
    let rate: f64 = rate.parse().expect("RATE");
    let flood = !template.contains("{n}");
    let names: Vec<String> = (1..=count)
        .map(|n| template.replace("{n}", &n.to_string()))
        .collect();
    let requests: Vec<Vec<u8>> = names.iter().map(|n| csr(n)).collect();

    let mut roots = rustls::RootCertStore::empty();
    for c in certs(cafile) {
        roots.add(c).expect("root");
    }
    let key_text = std::fs::read_to_string(key).expect("key file");
    let key_der = pem::parse(key_text).expect("key PEM").into_contents();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_root_certificates(roots)
    .with_client_auth_cert(
        certs(cert),
        rustls::pki_types::PrivateKeyDer::Pkcs8(key_der.into()),
    )
    .expect("client auth");
    let mut opts = MqttOptions::new(
        format!("loadgen-{}", std::process::id()),
        host.clone(),
        port.parse().expect("PORT"),
    );
    opts.set_keep_alive(Duration::from_secs(30))
        .set_inflight(1000)
        .set_request_channel_capacity(count + 10)
        .set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(
            Arc::new(tls),
        )));
    let (client, mut eventloop) = AsyncClient::new(opts, count + 10);
    // Without NODELAY each small request waits on Nagle's algorithm for the broker's delayed
    // ACK, which is most of the latency measured at 100 requests/s, not the service's.
    let mut network = eventloop.network_options();
    network.set_tcp_nodelay(true);
    eventloop.set_network_options(network);

    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut latencies = Vec::with_capacity(count);
    let mut refused = 0usize;
    let subscribed = Arc::new(tokio::sync::Notify::new());
    client
        .subscribe("mqauth/enroll/+/result", QoS::AtLeastOnce)
        .await
        .expect("subscribe");

    let publisher = {
        let client = client.clone();
        let sent = sent.clone();
        let subscribed = subscribed.clone();
        tokio::spawn(async move {
            subscribed.notified().await;
            let start = Instant::now();
            for (i, (name, body)) in names.iter().zip(requests).enumerate() {
                if rate > 0.0 {
                    let due = start + Duration::from_secs_f64(i as f64 / rate);
                    tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
                }
                sent.lock()
                    .expect("lock")
                    .insert(name.clone(), Instant::now());
                client
                    .publish(
                        format!("mqauth/enroll/{name}/csr"),
                        QoS::AtLeastOnce,
                        false,
                        body,
                    )
                    .await
                    .expect("publish");
            }
        })
    };

    if flood {
        let start = Instant::now();
        let mut acknowledged = 0usize;
        while acknowledged < count && start.elapsed() < Duration::from_secs(600) {
            match tokio::time::timeout(Duration::from_secs(60), eventloop.poll()).await {
                Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => subscribed.notify_one(),
                Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => acknowledged += 1,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    eprintln!("connection: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(_) => break,
            }
        }
        let _ = publisher.await;
        println!(
            "flood: {acknowledged} of {count} requests from {template} taken by the broker in {:.2} s",
            start.elapsed().as_secs_f64()
        );
        return;
    }
    let mut first: Option<Instant> = None;
    let deadline = Instant::now() + Duration::from_secs(600);
    while latencies.len() < count && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(60), eventloop.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => subscribed.notify_one(),
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                let now = Instant::now();
                let device = p.topic.split('/').nth(2).unwrap_or_default().to_string();
                let Some(at) = sent.lock().expect("lock").remove(&device) else {
                    continue;
                };
                first.get_or_insert(at);
                latencies.push(now.duration_since(at));
                if !p.payload.starts_with(br#"{"status":"issued""#) {
                    refused += 1;
                }
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                eprintln!("connection: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(_) => break,
        }
    }
    let _ = publisher.await;
    let wall = first.map_or(0.0, |f| f.elapsed().as_secs_f64());
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "answered {} of {count} in {wall:.2} s: {:.0}/s, latency p50 {:.1} ms, p99 {:.1} ms, not issued {refused}",
        latencies.len(),
        latencies.len() as f64 / wall,
        pct(0.5),
        pct(0.99)
    );
}
