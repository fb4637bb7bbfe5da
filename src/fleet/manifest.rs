//! The fleet manifest: YAML in, a validated [`Fleet`] out. Everything is checked before anything
//! is written, and every error names the file, line and column.

use super::error::FleetError;
use super::model::{
    Auth, Bootstrap, Broker, BrokerKind, Device, EnrollRules, EnrollSettings, Fleet, Group,
    MosquittoVersion, PkiSettings,
};
use super::topic::{Access, Rule, TopicTemplate, normalize};
use crate::fleet::render::config_value;
use crate::lifetime::Lifetime;
use crate::names::{self, MAX_BATCH, NameTemplate};
use crate::pki::{KeyAlgorithm, Profile, San, check_ca_name};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The example manifest `fleet init` writes and `--example` applies.
pub const EXAMPLE: &str = include_str!("../../examples/fleet.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    fleet: Spanned<String>,
    #[serde(default)]
    pki: RawPki,
    #[serde(default)]
    psk: RawPsk,
    brokers: Vec<RawBroker>,
    groups: BTreeMap<String, RawGroup>,
    devices: Vec<RawDevice>,
    enroll: Option<Spanned<RawEnroll>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnroll {
    prefix: Option<Spanned<String>>,
    service: Option<Spanned<String>>,
    broker: Option<Spanned<String>>,
    key_types: Option<Vec<Spanned<String>>>,
    days: Option<Spanned<String>>,
    renew_window: Option<Spanned<u8>>,
    bootstrap: Option<Spanned<String>>,
    reenroll: Option<Spanned<bool>>,
    reload_command: Option<Spanned<String>>,
    rate: Option<Spanned<u16>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPki {
    dir: Option<Spanned<String>>,
    key: Option<Spanned<String>>,
    ca_name: Option<Spanned<String>>,
    client_days: Option<Spanned<String>>,
    broker_days: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPsk {
    bytes: Option<Spanned<usize>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBroker {
    name: Spanned<String>,
    kind: Option<Spanned<String>>,
    listen: Option<Spanned<String>>,
    #[serde(default)]
    dns: Vec<Spanned<String>>,
    #[serde(default)]
    ip: Vec<Spanned<String>>,
    mtls_port: Option<Spanned<u16>>,
    psk_port: Option<Spanned<u16>>,
    psk_hint: Option<Spanned<String>>,
    mosquitto: Option<Spanned<String>>,
    plugin_dir: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    auth: Spanned<String>,
    #[serde(default)]
    publish: Vec<Spanned<String>>,
    #[serde(default)]
    subscribe: Vec<Spanned<String>>,
    #[serde(default)]
    readwrite: Vec<Spanned<String>>,
    enroll: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDevice {
    id: Option<Spanned<String>>,
    template: Option<Spanned<String>>,
    from: Option<Spanned<u64>>,
    to: Option<Spanned<u64>>,
    group: Spanned<String>,
    #[serde(default)]
    publish: Vec<Spanned<String>>,
    #[serde(default)]
    subscribe: Vec<Spanned<String>>,
    #[serde(default)]
    readwrite: Vec<Spanned<String>>,
}

/// Turns locations into errors that name the manifest.
struct Locator<'a> {
    file: &'a Path,
}

impl Locator<'_> {
    fn at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> FleetError {
        self.at_place(
            (spanned.referenced.line(), spanned.referenced.column()),
            message,
        )
    }

    fn at_place(&self, (line, column): (u64, u64), message: impl Into<String>) -> FleetError {
        FleetError::Manifest {
            file: self.file.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    fn rules(
        &self,
        publish: &[Spanned<String>],
        subscribe: &[Spanned<String>],
        readwrite: &[Spanned<String>],
    ) -> Result<Vec<Rule>, FleetError> {
        let mut rules = Vec::new();
        for (list, access) in [
            (publish, Access::Write),
            (subscribe, Access::Read),
            (readwrite, Access::ReadWrite),
        ] {
            for topic in list {
                let parsed = TopicTemplate::parse(&topic.value).map_err(|e| self.at(topic, e))?;
                rules.push(Rule {
                    access,
                    topic: parsed,
                });
            }
        }
        Ok(normalize(rules))
    }
}

/// Reads and validates the manifest at `path`.
pub fn load(path: &Path) -> Result<Fleet, FleetError> {
    let text = crate::input::read_text(path, crate::input::Kind::Manifest)?;
    parse(&text, path)
}

/// serde-saphyr's limits, raised so that a manifest of [`MAX_BATCH`] explicit devices loads
/// (each `{ id: …, group: … }` is 5 nodes and 6 events); aliases, anchors and depth keep the
/// defaults that stop "billion laughs" documents.
fn options() -> serde_saphyr::Options {
    let devices = MAX_BATCH as usize;
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 8 * devices + 1_000_000,
            max_events: 12 * devices + 2_000_000,
            max_total_scalar_bytes: crate::input::Kind::Manifest.limit() as usize,
        },
    }
}

/// The first line of serde-saphyr's report, without its own location prefix.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    if let serde_saphyr::Error::Budget { breach, .. } = e {
        return format!(
            "the manifest is larger than mqauth reads ({breach:?}); one manifest holds at most {MAX_BATCH} devices"
        );
    }
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default();
    let stripped = first.strip_prefix("error: ").unwrap_or(first);
    match stripped.split_once(": ") {
        Some((place, rest)) if place.starts_with("line ") => rest.to_string(),
        _ => stripped.to_string(),
    }
}

/// Parses and validates manifest text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Fleet, FleetError> {
    let raw: RawManifest = serde_saphyr::from_str_with_options(text, options()).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        FleetError::Manifest {
            file: path.to_path_buf(),
            line,
            column,
            message: yaml_message(&e),
        }
    })?;
    validate(raw, &Locator { file: path })
}

fn lifetime(
    ctx: &Locator<'_>,
    value: &Option<Spanned<String>>,
    default: Lifetime,
) -> Result<Lifetime, FleetError> {
    match value {
        None => Ok(default),
        Some(v) => crate::lifetime::positive(&v.value).map_err(|e| ctx.at(v, e.to_string())),
    }
}

fn validate(raw: RawManifest, ctx: &Locator<'_>) -> Result<Fleet, FleetError> {
    names::validate(&raw.fleet.value)
        .map_err(|e| ctx.at(&raw.fleet, format!("fleet name: {e}")))?;

    let pki = PkiSettings {
        dir: match &raw.pki.dir {
            Some(d) if d.value.trim().is_empty() => return Err(ctx.at(d, "pki.dir is empty")),
            Some(d) => {
                // The path is written into the broker's configuration.
                config_value::check(&d.value)
                    .map_err(|why| ctx.at(d, format!("pki.dir: {why}")))?;
                PathBuf::from(&d.value)
            }
            None => PathBuf::from("pki"),
        },
        key: match &raw.pki.key {
            Some(k) => k
                .value
                .parse::<KeyAlgorithm>()
                .map_err(|e| ctx.at(k, e.to_string()))?,
            None => KeyAlgorithm::P256,
        },
        ca_name: match &raw.pki.ca_name {
            Some(n) => {
                check_ca_name(&n.value, true)
                    .map_err(|e| ctx.at(n, format!("pki.ca_name: {e}")))?;
                n.value.clone()
            }
            None => {
                let name = format!("{} Root CA", raw.fleet.value);
                check_ca_name(&name, true).map_err(|e| {
                    ctx.at(
                        &raw.fleet,
                        format!("set pki.ca_name: the default CA name {e}"),
                    )
                })?;
                name
            }
        },
        client_lifetime: lifetime(
            ctx,
            &raw.pki.client_days,
            Profile::Client.default_lifetime(),
        )?,
        broker_lifetime: lifetime(
            ctx,
            &raw.pki.broker_days,
            Profile::Broker.default_lifetime(),
        )?,
    };
    let psk_bytes = match &raw.psk.bytes {
        Some(b) => {
            crate::psk::check_key_size(b.value).map_err(|e| ctx.at(b, e.to_string()))?;
            b.value
        }
        None => crate::psk::DEFAULT_KEY_BYTES,
    };

    let brokers = validate_brokers(&raw, ctx)?;

    let mut groups = Vec::with_capacity(raw.groups.len());
    let mut group_index = HashMap::new();
    for (name, g) in &raw.groups {
        names::validate(name).map_err(|e| ctx.at(&g.auth, format!("group name: {e}")))?;
        let auth = match g.auth.value.as_str() {
            "mtls" => Auth::Mtls,
            "psk" => Auth::Psk,
            other => {
                return Err(ctx.at(
                    &g.auth,
                    format!("unknown auth {other:?} for group {name}: use mtls or psk"),
                ));
            }
        };
        let enroll = match &g.enroll {
            Some(e) if e.value && auth != Auth::Mtls => {
                return Err(ctx.at(
                    e,
                    format!("group {name} enrolls for certificates, so its auth must be mtls"),
                ));
            }
            Some(e) => e.value,
            None => false,
        };
        group_index.insert(name.clone(), groups.len());
        groups.push(Group {
            name: name.clone(),
            auth,
            rules: ctx.rules(&g.publish, &g.subscribe, &g.readwrite)?,
            enroll,
        });
    }

    let devices = validate_devices(&raw, ctx, &group_index, &brokers)?;
    check_rabbitmq(&raw, ctx, &brokers)?;
    let enroll = validate_enroll(&raw, ctx, &groups, &brokers, &devices, &pki)?;

    for auth in [Auth::Mtls, Auth::Psk] {
        let used = devices.iter().any(|d| {
            let g = &groups[d.group];
            g.auth == auth || (auth == Auth::Psk && g.enroll)
        });
        let served = brokers.iter().any(|b| b.port(auth).is_some());
        if used && !served {
            let place = raw
                .brokers
                .first()
                .map(|b| (b.name.referenced.line(), b.name.referenced.column()))
                .unwrap_or((1, 1));
            let port = match auth {
                Auth::Mtls => "mtls_port",
                Auth::Psk => "psk_port",
            };
            return Err(ctx.at_place(
                place,
                format!(
                    "{} devices need a broker with {port}, and none has one",
                    auth.id()
                ),
            ));
        }
    }

    Ok(Fleet {
        name: raw.fleet.value.clone(),
        pki,
        psk_bytes,
        brokers,
        groups,
        devices,
        enroll,
    })
}

/// The `enroll:` section, with its defaults when only a group's `enroll: true` asks for it.
fn validate_enroll(
    raw: &RawManifest,
    ctx: &Locator<'_>,
    groups: &[Group],
    brokers: &[Broker],
    devices: &[Device],
    pki: &PkiSettings,
) -> Result<Option<EnrollSettings>, FleetError> {
    let default = RawEnroll::default();
    let (e, whole) = match &raw.enroll {
        Some(section) => (
            &section.value,
            (section.referenced.line(), section.referenced.column()),
        ),
        None if groups.iter().any(|g| g.enroll) => (&default, (1, 1)),
        None => return Ok(None),
    };
    let (prefix, rules) = match &e.prefix {
        Some(p) => {
            let rules = crate::enroll::validate_prefix(&p.value)
                .and_then(|()| enroll_rules(&p.value))
                .map_err(|why| ctx.at(p, format!("enroll.prefix: {why}")))?;
            (p.value.clone(), rules)
        }
        None => {
            let prefix = crate::enroll::defaults::PREFIX;
            let rules = enroll_rules(prefix).map_err(|why| ctx.at_place(whole, why))?;
            (prefix.to_string(), rules)
        }
    };
    let service = match &e.service {
        Some(s) => {
            names::validate_cert_name(&s.value)
                .map_err(|why| ctx.at(s, format!("enroll.service: {why}")))?;
            s.value.clone()
        }
        None => EnrollSettings::DEFAULT_SERVICE.to_string(),
    };
    let clash = |place: (u64, u64), what: &str| {
        ctx.at_place(
            place,
            format!("enroll.service {service:?} is also the name of a {what}; its certificate files would clash"),
        )
    };
    let service_place = e
        .service
        .as_ref()
        .map_or(whole, |s| (s.referenced.line(), s.referenced.column()));
    if devices.iter().any(|d| d.id == service) {
        return Err(clash(service_place, "device"));
    }
    if brokers.iter().any(|b| b.name == service) {
        return Err(clash(service_place, "broker"));
    }
    let broker = match &e.broker {
        Some(name) if !is_rabbitmq(brokers, &name.value) => {
            match brokers.iter().find(|b| b.name == name.value) {
                Some(b) if b.mtls_port.is_some() => b.name.clone(),
                Some(_) => {
                    return Err(ctx.at(
                    name,
                    format!(
                        "enroll.broker {} has no mtls_port: the service connects with its certificate",
                        name.value
                    ),
                ));
                }
                None => return Err(ctx.at(name, format!("unknown broker {:?}", name.value))),
            }
        }
        Some(name) => {
            return Err(ctx.at(
                name,
                format!(
                    "enroll.broker {} is kind rabbitmq: enrollment starts on a TLS-PSK listener, which a RabbitMQ broker does not have",
                    name.value
                ),
            ));
        }
        None => match brokers
            .iter()
            .find(|b| b.mtls_port.is_some() && b.kind != Some(BrokerKind::Rabbitmq))
        {
            Some(b) => b.name.clone(),
            None => {
                return Err(ctx.at_place(
                    whole,
                    "enrollment needs a broker with mtls_port: the service and enrolled devices connect there",
                ));
            }
        },
    };
    let keys = match &e.key_types {
        Some(list) if list.is_empty() => {
            return Err(ctx.at_place(whole, "enroll.key_types is empty"));
        }
        Some(list) => list
            .iter()
            .map(|k| {
                k.value
                    .parse::<KeyAlgorithm>()
                    .map_err(|why| ctx.at(k, why.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => crate::enroll::defaults::KEY_TYPES.to_vec(),
    };
    let renew_window = match &e.renew_window {
        Some(w) if w.value == 0 || w.value > 100 => {
            return Err(ctx.at(w, "enroll.renew_window is a percentage, 1 to 100"));
        }
        Some(w) => f64::from(w.value) / 100.0,
        None => f64::from(crate::enroll::defaults::RENEW_WINDOW_PERCENT) / 100.0,
    };
    let bootstrap = match &e.bootstrap {
        Some(b) => match <Bootstrap as crate::choice::Choice>::ALL
            .iter()
            .find(|v| crate::choice::Choice::id(**v) == b.value)
        {
            Some(bootstrap) => *bootstrap,
            None => {
                return Err(ctx.at(
                    b,
                    format!("enroll.bootstrap {:?}: use keep or once", b.value),
                ));
            }
        },
        None => Bootstrap::Keep,
    };
    let reload_command = match &e.reload_command {
        Some(c) if c.value.trim().is_empty() || c.value.chars().any(char::is_control) => {
            return Err(ctx.at(c, "enroll.reload_command must be one non-empty line"));
        }
        Some(c) => Some(c.value.clone()),
        None => None,
    };
    let rate = match &e.rate {
        Some(r) if r.value == 0 => return Err(ctx.at(r, "enroll.rate must be at least 1")),
        Some(r) => r.value,
        None => crate::enroll::defaults::RATE_PER_MINUTE,
    };
    check_reserved(raw, ctx, &prefix)?;
    Ok(Some(EnrollSettings {
        rules,
        prefix,
        service,
        broker,
        keys,
        lifetime: lifetime(ctx, &e.days, pki.client_lifetime)?,
        renew_window,
        bootstrap,
        reenroll: e.reenroll.as_ref().is_some_and(|r| r.value),
        reload_command,
        rate,
    }))
}

fn enroll_rules(prefix: &str) -> Result<EnrollRules, String> {
    let rule = |access, suffix: &str| -> Result<Rule, String> {
        Ok(Rule {
            access,
            topic: TopicTemplate::parse(&format!("{prefix}/{suffix}"))?,
        })
    };
    Ok(EnrollRules {
        bootstrap: normalize([
            rule(Access::Write, "{id}/csr")?,
            rule(Access::Read, "{id}/result")?,
        ]),
        renew: normalize([
            rule(Access::Write, "{id}/renew")?,
            rule(Access::Read, "{id}/result")?,
        ]),
        service: normalize([
            rule(Access::Read, "+/csr")?,
            rule(Access::Read, "+/renew")?,
            rule(Access::Write, "+/result")?,
        ]),
    })
}

/// The prefix belongs to the protocol: a group or device rule reaching into it would let one
/// device answer for the service or read another's certificate requests.
fn check_reserved(raw: &RawManifest, ctx: &Locator<'_>, prefix: &str) -> Result<(), FleetError> {
    let filter = format!("{prefix}/#");
    let lists = raw
        .groups
        .values()
        .flat_map(|g| [&g.publish, &g.subscribe, &g.readwrite])
        .chain(
            raw.devices
                .iter()
                .flat_map(|d| [&d.publish, &d.subscribe, &d.readwrite]),
        );
    for topic in lists.flatten() {
        // Parsed before: a rule that does not parse has already been reported.
        if let Ok(t) = TopicTemplate::parse(&topic.value)
            && t.overlaps(&filter)
        {
            return Err(ctx.at(
                topic,
                format!(
                    "topic {:?} reaches into the enrollment topics {filter}, which only the enrollment service and each device's own requests may use",
                    topic.value
                ),
            ));
        }
    }
    Ok(())
}

fn is_rabbitmq(brokers: &[Broker], name: &str) -> bool {
    brokers
        .iter()
        .any(|b| b.name == name && b.kind == Some(BrokerKind::Rabbitmq))
}

/// What a RabbitMQ broker can serve (see `render::rabbitmq_topic`): certificate devices whose
/// rules translate exactly to topic permissions; not devices that enroll (their bootstrap is
/// TLS-PSK).
fn check_rabbitmq(
    raw: &RawManifest,
    ctx: &Locator<'_>,
    brokers: &[Broker],
) -> Result<(), FleetError> {
    use crate::fleet::render::rabbitmq_topic::{check_id, check_rule};
    let Some(rabbit) = brokers
        .iter()
        .find(|b| b.kind == Some(BrokerKind::Rabbitmq))
    else {
        return Ok(());
    };
    let on = |why: String| format!("broker {} is kind rabbitmq: {why}", rabbit.name);
    let check_topics = |lists: [&Vec<Spanned<String>>; 3]| -> Result<bool, FleetError> {
        let mut uses_id = false;
        for topic in lists.into_iter().flatten() {
            let t = TopicTemplate::parse(&topic.value).map_err(|e| ctx.at(topic, e))?;
            check_rule(&t).map_err(|why| ctx.at(topic, on(why.to_string())))?;
            uses_id |= t.has_id();
        }
        Ok(uses_id)
    };
    let mut group_uses_id = HashMap::new();
    for (name, g) in &raw.groups {
        if g.auth.value != "mtls" {
            // PSK devices never reach a RabbitMQ broker (it has no PSK listener).
            continue;
        }
        if let Some(e) = g.enroll.as_ref().filter(|e| e.value) {
            return Err(ctx.at(
                e,
                on(format!(
                    "group {name} enrolls, and every broker serves every device, but a device enrolls over TLS-PSK, which RabbitMQ's MQTT plugin cannot make the MQTT user; enroll through Mosquitto or EMQX brokers only"
                )),
            ));
        }
        group_uses_id.insert(
            name.as_str(),
            check_topics([&g.publish, &g.subscribe, &g.readwrite])?,
        );
    }
    for d in &raw.devices {
        let Some(group_id) = group_uses_id.get(d.group.value.as_str()) else {
            continue;
        };
        let own_id = check_topics([&d.publish, &d.subscribe, &d.readwrite])?;
        if !(*group_id || own_id) {
            continue;
        }
        for name in [&d.id, &d.template].into_iter().flatten() {
            check_id(&name.value).map_err(|why| ctx.at(name, on(why.to_string())))?;
        }
    }
    Ok(())
}

fn validate_brokers(raw: &RawManifest, ctx: &Locator<'_>) -> Result<Vec<Broker>, FleetError> {
    if raw.brokers.is_empty() {
        return Err(ctx.at(&raw.fleet, "the manifest defines no broker"));
    }
    let mut brokers: Vec<Broker> = Vec::new();
    // (address or None for all interfaces, port) -> broker name, to find clashes.
    let mut bound: Vec<(Option<IpAddr>, u16, String)> = Vec::new();
    for b in &raw.brokers {
        names::validate_cert_name(&b.name.value)
            .map_err(|e| ctx.at(&b.name, format!("broker name: {e}")))?;
        if brokers.iter().any(|x| x.name == b.name.value) {
            return Err(ctx.at(&b.name, format!("broker {} is defined twice", b.name.value)));
        }
        let listen =
            match &b.listen {
                Some(l) => Some(l.value.parse::<IpAddr>().map_err(|_| {
                    ctx.at(l, format!("listen: {:?} is not an IP address", l.value))
                })?),
                None => None,
            };
        let kind = match &b.kind {
            Some(k) => Some(
                <BrokerKind as crate::choice::Choice>::ALL
                    .iter()
                    .copied()
                    .find(|v| crate::choice::Choice::id(*v) == k.value)
                    .ok_or_else(|| {
                        ctx.at(
                            k,
                            format!(
                                "unknown kind {:?}: use mosquitto, emqx or rabbitmq",
                                k.value
                            ),
                        )
                    })?,
            ),
            None => None,
        };
        if kind == Some(BrokerKind::Rabbitmq) {
            if let Some(p) = &b.psk_port {
                return Err(ctx.at(
                    p,
                    format!(
                        "broker {} is kind rabbitmq, which cannot serve PSK devices: RabbitMQ's MQTT plugin offers TLS-PSK only through a custom Erlang user_lookup_fun and does not make the PSK identity the MQTT user, so its topic permissions could not tell PSK devices apart; serve them from a Mosquitto or EMQX broker",
                        b.name.value
                    ),
                ));
            }
            if b.mtls_port.is_none() {
                return Err(ctx.at(
                    &b.name,
                    format!(
                        "broker {} is kind rabbitmq and needs mtls_port",
                        b.name.value
                    ),
                ));
            }
        }
        let mut sans = Vec::new();
        for d in &b.dns {
            sans.push(San::dns(&d.value).map_err(|e| ctx.at(d, e.to_string()))?);
        }
        for i in &b.ip {
            sans.push(San::ip(&i.value).map_err(|e| ctx.at(i, e.to_string()))?);
        }
        if b.mtls_port.is_none() && b.psk_port.is_none() {
            return Err(ctx.at(
                &b.name,
                format!("broker {} has neither mtls_port nor psk_port", b.name.value),
            ));
        }
        if b.mtls_port.is_some() && sans.is_empty() {
            return Err(ctx.at(
                &b.name,
                format!(
                    "broker {} has an mTLS listener but no dns or ip names for its certificate",
                    b.name.value
                ),
            ));
        }
        for port in [&b.mtls_port, &b.psk_port].into_iter().flatten() {
            if port.value == 0 {
                return Err(ctx.at(port, "port 0 is not a port"));
            }
            if let Some((_, _, other)) = bound.iter().find(|(addr, p, _)| {
                *p == port.value && (addr.is_none() || listen.is_none() || *addr == listen)
            }) {
                return Err(ctx.at(
                    port,
                    format!("port {} is already used by broker {other}", port.value),
                ));
            }
            bound.push((listen, port.value, b.name.value.clone()));
        }
        let psk_hint = match &b.psk_hint {
            Some(h) if h.value.is_empty() || h.value.chars().any(char::is_whitespace) => {
                return Err(ctx.at(h, "psk_hint must be a single word"));
            }
            Some(h) if config_value::check(&h.value).is_err() => {
                let why = config_value::check(&h.value).err().map(|w| w.to_string());
                return Err(ctx.at(h, format!("psk_hint: {}", why.unwrap_or_default())));
            }
            Some(h) => h.value.clone(),
            None => raw.fleet.value.clone(),
        };
        let (mosquitto, plugin_dir) = mosquitto_settings(ctx, b, kind)?;
        brokers.push(Broker {
            name: b.name.value.clone(),
            kind,
            listen,
            sans,
            mtls_port: b.mtls_port.as_ref().map(|p| p.value),
            psk_port: b.psk_port.as_ref().map(|p| p.value),
            psk_hint,
            mosquitto,
            plugin_dir,
        });
    }
    Ok(brokers)
}

/// A broker's `mosquitto:` release and `plugin_dir:`, which only a Mosquitto broker has.
fn mosquitto_settings(
    ctx: &Locator<'_>,
    b: &RawBroker,
    kind: Option<BrokerKind>,
) -> Result<(Option<MosquittoVersion>, Option<String>), FleetError> {
    use crate::choice::Choice as _;
    let not_mosquitto = kind.filter(|k| *k != BrokerKind::Mosquitto);
    let mosquitto = match &b.mosquitto {
        Some(v) => {
            if let Some(k) = not_mosquitto {
                return Err(ctx.at(
                    v,
                    format!(
                        "broker {} is kind {}: mosquitto: names the Mosquitto release of a Mosquitto broker",
                        b.name.value,
                        k.id()
                    ),
                ));
            }
            Some(
                MosquittoVersion::ALL
                    .iter()
                    .copied()
                    .find(|m| m.id() == v.value.trim())
                    .ok_or_else(|| {
                        ctx.at(
                            v,
                            format!(
                                "mosquitto: {:?} is not a supported Mosquitto release: use \"2.0\" or \"2.1\"",
                                v.value
                            ),
                        )
                    })?,
            )
        }
        None => None,
    };
    let plugin_dir = match &b.plugin_dir {
        Some(d) => {
            if let Some(k) = not_mosquitto {
                return Err(ctx.at(
                    d,
                    format!(
                        "broker {} is kind {}: plugin_dir: is where a Mosquitto broker's plugins are",
                        b.name.value,
                        k.id()
                    ),
                ));
            }
            // The directory is written into plugin_load lines of mosquitto.conf.
            config_value::check(&d.value).map_err(|why| ctx.at(d, format!("plugin_dir: {why}")))?;
            if !d.value.starts_with('/') {
                return Err(ctx.at(
                    d,
                    "plugin_dir must be an absolute path (where the broker's machine has Mosquitto's plugins)",
                ));
            }
            Some(d.value.trim_end_matches('/').to_string()).filter(|s| !s.is_empty())
        }
        None => None,
    };
    Ok((mosquitto, plugin_dir))
}

fn validate_devices(
    raw: &RawManifest,
    ctx: &Locator<'_>,
    group_index: &HashMap<String, usize>,
    brokers: &[Broker],
) -> Result<Vec<Device>, FleetError> {
    let mut devices: Vec<Device> = Vec::new();
    // Devices of mTLS groups get certificates, whose CN is limited to 64 characters.
    let cert_groups: Vec<bool> = {
        let mut by_index = vec![false; group_index.len()];
        for (name, i) in group_index {
            by_index[*i] = raw.groups.get(name).is_some_and(|g| g.auth.value == "mtls");
        }
        by_index
    };
    // id -> (line, column) of the entry that defined it
    let mut seen: HashMap<String, (u64, u64)> = HashMap::new();
    for d in &raw.devices {
        let group = *group_index.get(&d.group.value).ok_or_else(|| {
            let known: Vec<&str> = group_index.keys().map(String::as_str).collect();
            ctx.at(
                &d.group,
                format!(
                    "unknown group {:?} (groups: {})",
                    d.group.value,
                    sorted(known).join(", ")
                ),
            )
        })?;
        let extra = ctx.rules(&d.publish, &d.subscribe, &d.readwrite)?;
        let validate_id = |id: &str| {
            if cert_groups[group] {
                names::validate_cert_name(id)
            } else {
                names::validate(id)
            }
        };
        let (ids, place) = match (&d.id, &d.template) {
            (Some(id), None) => {
                if d.from.is_some() || d.to.is_some() {
                    return Err(ctx.at(id, "from/to go with template, not with id"));
                }
                validate_id(&id.value).map_err(|e| ctx.at(id, format!("device id: {e}")))?;
                (
                    vec![id.value.clone()],
                    (id.referenced.line(), id.referenced.column()),
                )
            }
            (None, Some(t)) => {
                let template =
                    NameTemplate::parse(&t.value).map_err(|e| ctx.at(t, e.to_string()))?;
                let (Some(from), Some(to)) = (&d.from, &d.to) else {
                    return Err(ctx.at(t, "a template needs from and to"));
                };
                if from.value > to.value {
                    return Err(ctx.at(
                        to,
                        format!("to ({}) is below from ({})", to.value, from.value),
                    ));
                }
                let count = to.value - from.value + 1;
                if devices.len() as u64 + count > MAX_BATCH {
                    return Err(too_many(ctx, t));
                }
                let ids = template
                    .expand(from.value, count)
                    .map_err(|e| ctx.at(t, e.to_string()))?;
                // The template's characters are checked; the longest name is the last one.
                if let Some(last) = ids.last() {
                    validate_id(last).map_err(|e| ctx.at(t, format!("device id: {e}")))?;
                }
                (ids, (t.referenced.line(), t.referenced.column()))
            }
            (Some(id), Some(_)) => {
                return Err(ctx.at(id, "a device has either id or template, not both"));
            }
            (None, None) => return Err(ctx.at(&d.group, "a device needs an id or a template")),
        };
        if devices.len() + ids.len() > MAX_BATCH as usize {
            return Err(ctx.at_place(place, too_many_message()));
        }
        for id in ids {
            if let Some((line, column)) = seen.get(&id) {
                return Err(ctx.at_place(
                    place,
                    format!("device {id} is already defined at line {line}, column {column}"),
                ));
            }
            if brokers.iter().any(|b| b.name == id) {
                return Err(ctx.at_place(
                    place,
                    format!("device {id} has the name of a broker; certificate files would clash"),
                ));
            }
            seen.insert(id.clone(), place);
            devices.push(Device {
                id,
                group,
                extra: extra.clone(),
            });
        }
    }
    Ok(devices)
}

fn too_many_message() -> String {
    format!(
        "the manifest defines more than {MAX_BATCH} devices, the most one manifest may hold; split the fleet"
    )
}

fn too_many<T>(ctx: &Locator<'_>, at: &Spanned<T>) -> FleetError {
    ctx.at(at, too_many_message())
}

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(yaml: &str) -> String {
        parse(yaml, Path::new("f.yaml")).unwrap_err().to_string()
    }

    const BASE: &str = "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883, psk_port: 8884 }\ngroups:\n  s: { auth: mtls, publish: [\"d/{id}/t\"] }\n  g: { auth: psk, subscribe: [\"d/+/t\"] }\n";

    #[test]
    fn the_example_is_valid() {
        let fleet = parse(EXAMPLE, Path::new("example")).unwrap();
        assert!(fleet.devices.len() > 3);
        assert_eq!(fleet.brokers[0].name, "broker1");
    }

    #[test]
    fn templates_expand_and_ids_are_unique() {
        let f = parse(&format!("{BASE}devices:\n  - {{ template: \"s-{{n:02}}\", from: 1, to: 3, group: s }}\n  - {{ id: gw, group: g }}\n"), Path::new("f")).unwrap();
        let ids: Vec<_> = f.devices.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, vec!["s-01", "s-02", "s-03", "gw"]);
        let e = err(&format!(
            "{BASE}devices:\n  - {{ template: \"s-{{n}}\", from: 1, to: 3, group: s }}\n  - {{ id: s-2, group: g }}\n"
        ));
        assert!(
            e.starts_with("f.yaml:9:11: device s-2 is already defined at line 8, column 17"),
            "{e}"
        );
    }

    #[test]
    fn a_broker_names_its_mosquitto_release_and_plugin_dir() {
        let with = |fields: &str| {
            BASE.replace("psk_port: 8884 }", &format!("psk_port: 8884, {fields} }}"))
                + "devices:\n  - { id: s1, group: s }\n"
        };
        let fleet = parse(
            &with("mosquitto: \"2.1\", plugin_dir: /opt/m/lib/"),
            Path::new("f.yaml"),
        )
        .unwrap();
        assert_eq!(fleet.brokers[0].mosquitto, Some(MosquittoVersion::V2_1));
        assert_eq!(fleet.brokers[0].plugin_dir.as_deref(), Some("/opt/m/lib"));
        let fleet = parse(&with("mosquitto: 2.0"), Path::new("f.yaml")).unwrap();
        assert_eq!(fleet.brokers[0].mosquitto, Some(MosquittoVersion::V2_0));
        let e = err(&with("mosquitto: \"3.0\""));
        assert!(e.starts_with("f.yaml:3:") && e.contains("\"3.0\""), "{e}");
        assert!(err(&with("plugin_dir: lib")).contains("absolute"));
        assert!(err(&with("plugin_dir: \"/a\\nuser root\"")).contains("line break"));
        let e = err(&with("kind: emqx, mosquitto: \"2.1\""));
        assert!(e.contains("kind emqx"), "{e}");
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = err(&format!("{BASE}devices:\n  - {{ id: d1, group: nope }}\n"));
        assert!(
            e.starts_with("f.yaml:8:22: unknown group \"nope\" (groups: g, s)"),
            "{e}"
        );
        let e = err(&format!(
            "{BASE}devices:\n  - {{ id: d1, group: s, bogus: 1 }}\n"
        ));
        assert!(e.starts_with("f.yaml:8:"), "{e}");
        assert!(e.contains("unknown field `bogus`"), "{e}");
        let e = err(
            "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883 }\ngroups:\n  s: { auth: tls }\ndevices: []\n",
        );
        assert!(e.starts_with("f.yaml:5:14: unknown auth \"tls\""), "{e}");
        let e = err(
            "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883 }\ngroups:\n  s: { auth: mtls, publish: [\"a/#/b\"] }\ndevices: []\n",
        );
        assert!(
            e.starts_with("f.yaml:5:30:") && e.contains("'#' must be the last level"),
            "{e}"
        );
        let e = err(
            "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883, psk_port: 8883 }\ngroups: {}\ndevices: []\n",
        );
        assert!(e.contains("port 8883 is already used by broker b1"), "{e}");
        let e = err(&format!(
            "{BASE}devices:\n  - {{ id: \"bad/id\", group: s }}\n"
        ));
        assert!(e.contains("device id") && e.contains("'/'"), "{e}");
        let e = err("fleet: acme\nbrokers: [\n");
        assert!(e.starts_with("f.yaml:"), "{e}");
        let e = err(
            "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883 }\ngroups:\n  g: { auth: psk }\ndevices:\n  - { id: x, group: g }\n",
        );
        assert!(e.contains("psk devices need a broker with psk_port"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }

    #[test]
    fn enrollment_settings_and_their_errors() {
        let f = parse(&format!("{BASE}  m: {{ auth: mtls, enroll: true, publish: [\"d/{{id}}/t\"] }}\ndevices:\n  - {{ id: m1, group: m }}\n"), Path::new("f")).unwrap();
        let e = f.enroll.as_ref().expect("defaults when a group enrolls");
        assert_eq!(e.prefix, "mqauth/enroll");
        assert_eq!(e.service, "mqauth-enroll");
        assert_eq!(e.broker, "b1");
        assert!(f.holds(&f.devices[0], Auth::Psk) && f.holds(&f.devices[0], Auth::Mtls));
        assert_eq!(f.certified_by_apply().count(), 0);

        let e = err(&format!(
            "{BASE}  m: {{ auth: psk, enroll: true }}\ndevices: []\n"
        ));
        assert!(e.contains("its auth must be mtls"), "{e}");
        let e = err(&format!(
            "{BASE}  m: {{ auth: mtls, enroll: true }}\n  w: {{ auth: mtls, subscribe: [\"+/enroll/#\"] }}\ndevices: []\n"
        ));
        assert!(
            e.starts_with("f.yaml:8:") && e.contains("reaches into the enrollment topics"),
            "{e}"
        );
        let e = err(&format!(
            "{BASE}devices: []\nenroll:\n  prefix: \"a/+/b\"\n"
        ));
        assert!(e.starts_with("f.yaml:9:11: enroll.prefix"), "{e}");
        let e = err(&format!(
            "{BASE}devices:\n  - {{ id: svc, group: s }}\nenroll: {{ service: svc }}\n"
        ));
        assert!(e.contains("also the name of a device"), "{e}");
        let e = err(&format!(
            "{BASE}devices: []\nenroll: {{ bootstrap: never }}\n"
        ));
        assert!(e.contains("use keep or once"), "{e}");
        let e = err(&format!("{BASE}devices: []\nenroll: {{ broker: nope }}\n"));
        assert!(e.contains("unknown broker"), "{e}");
    }
}
