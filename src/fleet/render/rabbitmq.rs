//! A RabbitMQ broker (`kind: rabbitmq`, the MQTT plugin of RabbitMQ 3.10+): `rabbitmq.conf`,
//! `advanced.config`, `definitions.json` and `rabbitmqctl.sh`, plus a copy of the CRL where
//! Erlang looks for it.
//!
//! A device is the RabbitMQ user named by its certificate's CN. Users have no password hash, so
//! no password logs in as them (a CONNECT username and password would otherwise override the
//! certificate). Each user's topic permissions on `amq.topic` are its own rules (see
//! [`super::rabbitmq_topic`]); its vhost permissions allow only the subscription queues of the
//! MQTT client id that equals its name, so no device can take over another's session and the
//! messages queued in it. RabbitMQ has no way to deny a user that authenticates, so devices
//! that are not in the manifest (or revoked) simply have no user, and the script deletes users
//! this fleet made that it no longer has.

use super::policy::{Scope, extra_rules, group_rules};
use super::rabbitmq_topic::{self, permission};
use crate::fleet::{Auth, Fleet, FleetError};
use serde::Serialize;

/// The vhost and exchange the MQTT plugin uses by default, which the configuration pins.
pub const VHOST: &str = "/";
pub const EXCHANGE: &str = "amq.topic";

/// The user tag that marks a device user of `fleet`, so the script deletes only those.
pub fn user_tag(fleet: &Fleet) -> String {
    format!("mqauth-fleet-{}", fleet.name)
}

#[derive(Serialize)]
struct Definitions<'a> {
    vhosts: [Vhost; 1],
    users: Vec<User<'a>>,
    permissions: Vec<Permission<'a>>,
    topic_permissions: Vec<TopicPermission<'a>>,
}

#[derive(Serialize)]
struct Vhost {
    name: &'static str,
}

#[derive(Serialize)]
struct User<'a> {
    name: &'a str,
    /// Empty: no password matches (RabbitMQ's passwordless users).
    password_hash: &'static str,
    hashing_algorithm: &'static str,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Permission<'a> {
    user: &'a str,
    vhost: &'static str,
    configure: String,
    write: String,
    read: String,
}

#[derive(Serialize)]
struct TopicPermission<'a> {
    user: &'a str,
    vhost: &'static str,
    exchange: &'static str,
    write: String,
    read: String,
}

/// The devices that get a user: every device with a certificate, but `excluded` (devices of the
/// manifest whose certificate is revoked: no user, so no connection).
pub fn users<'f>(fleet: &'f Fleet, excluded: &[String]) -> Vec<&'f str> {
    fleet
        .devices_with(Auth::Mtls)
        .map(|d| d.id.as_str())
        .filter(|id| !excluded.iter().any(|e| e == id))
        .collect()
}

/// The definitions JSON: users, vhost permissions, topic permissions.
pub fn definitions(fleet: &Fleet, excluded: &[String]) -> Result<String, FleetError> {
    let tag = user_tag(fleet);
    let scope = Scope::Listener(Auth::Mtls);
    let mut defs = Definitions {
        vhosts: [Vhost { name: VHOST }],
        users: Vec::new(),
        permissions: Vec::new(),
        topic_permissions: Vec::new(),
    };
    let wanted = users(fleet, excluded);
    for d in fleet.devices_with(Auth::Mtls) {
        if !wanted.contains(&d.id.as_str()) {
            continue;
        }
        let id = d.id.as_str();
        let rules = crate::fleet::normalize(
            group_rules(fleet, &fleet.groups[d.group], scope)
                .iter()
                .chain(extra_rules(fleet, d, scope))
                .cloned(),
        );
        let unexpressible = |why| FleetError::Unexpressible {
            device: id.to_string(),
            why,
        };
        for rule in &rules {
            rabbitmq_topic::check_rule(&rule.topic).map_err(unexpressible)?;
            if rule.topic.has_id() {
                rabbitmq_topic::check_id(id).map_err(unexpressible)?;
            }
        }
        let topics = |pick: fn(crate::fleet::Access) -> bool| -> Vec<String> {
            rules
                .iter()
                .filter(|r| pick(r.access))
                .map(|r| r.topic.for_device(id))
                .collect()
        };
        let (writes, reads) = (topics(|a| a.writes()), topics(|a| a.reads()));
        // The plugin's queues are named after the MQTT client id: only the device's own id.
        let queues = format!("mqtt-subscription-{}qos[01]", regex_literal(id));
        defs.users.push(User {
            name: id,
            password_hash: "",
            hashing_algorithm: "rabbit_password_hashing_sha256",
            tags: vec![tag.clone()],
        });
        defs.permissions.push(Permission {
            user: id,
            vhost: VHOST,
            configure: format!("^{queues}$"),
            write: format!("^(?:amq\\.topic|{queues})$"),
            read: format!("^(?:amq\\.topic|{queues})$"),
        });
        defs.topic_permissions.push(TopicPermission {
            user: id,
            vhost: VHOST,
            exchange: EXCHANGE,
            write: permission(writes.iter().map(String::as_str)),
            read: permission(reads.iter().map(String::as_str)),
        });
    }
    let mut text = serde_json::to_string_pretty(&defs).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

fn regex_literal(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = c.is_ascii() && !c.is_ascii_alphanumeric();
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// A word for a POSIX shell, in single quotes.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

const SCRIPT_HEAD: &str = r#"#!/bin/sh
# RabbitMQ users and permissions for broker {BROKER} of fleet {FLEET}.
# Generated by mqauth from the fleet manifest: change the manifest and run `mqauth fleet apply`.
#
# Run it after each apply to bring a running node to definitions.json: import_definitions adds
# and updates every device's user, permissions and topic permissions; then every user tagged
# {TAG} that the definitions no longer have (a device pruned, revoked or removed from the
# manifest) is deleted, which also closes its connections. Other users are left alone.
# RABBITMQCTL names the command, e.g. RABBITMQCTL="rabbitmqctl -n rabbit@mqtt1".
set -eu
ctl() { ${RABBITMQCTL:-rabbitmqctl} "$@"; }

ctl import_definitions {DEFINITIONS}

keep=$(mktemp)
trap 'rm -f "$keep"' EXIT
cat > "$keep" <<'MQAUTH_DEVICES'
"#;

const SCRIPT_TAIL: &str = r#"MQAUTH_DEVICES
# list_users prints NAME<TAB>[tag, tag]: print the users with the tag that are not kept.
gone=$(ctl --quiet list_users --no-table-headers | awk -F '\t' -v tag={TAG_WORD} '
    FILENAME == ARGV[1] { keep[$0] = 1; next }
    {
        tags = $2; gsub(/[][ ]/, "", tags); n = split(tags, t, ",")
        for (i = 1; i <= n; i++) if (t[i] == tag && !($1 in keep)) { print $1; break }
    }' "$keep" -)
printf '%s\n' "$gone" | while IFS= read -r user; do
    if [ -n "$user" ]; then ctl delete_user "$user"; fi
done
"#;

/// The script that brings a running node to the definitions: imports them, then deletes the
/// users tagged as this fleet's devices that they no longer have (deleting a user closes its
/// connections). Names are certificate names (letters, digits, `.`, `_`, `-`), one per line.
pub fn script(fleet: &Fleet, broker: &str, definitions_path: &str, kept: &[&str]) -> String {
    let tag = user_tag(fleet);
    let mut out = SCRIPT_HEAD
        .replace("{BROKER}", broker)
        .replace("{FLEET}", &fleet.name)
        .replace("{TAG}", &tag)
        .replace("{DEFINITIONS}", &shell_quote(definitions_path));
    for id in kept {
        out.push_str(id);
        out.push('\n');
    }
    out.push_str(&SCRIPT_TAIL.replace("{TAG_WORD}", &shell_quote(&tag)));
    out
}

/// The file name Erlang's `ssl_crl_hash_dir` looks for: the OpenSSL hash of the CRL issuer's
/// name, read from a certificate that CA issued (the broker's own), and `.r0`.
pub fn crl_file_name(issued_cert_pem: &[u8]) -> Option<String> {
    let cert = openssl::x509::X509::from_pem(issued_cert_pem).ok()?;
    Some(format!("{:08x}.r0", cert.issuer_name_hash()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "fleet: acme\nbrokers:\n  - { name: r1, kind: rabbitmq, ip: [127.0.0.1], mtls_port: 8883 }\n  - { name: m1, ip: [127.0.0.1], psk_port: 8884 }\ngroups:\n  s: { auth: mtls, publish: [\"d/{id}/t\"], subscribe: [\"c/{id}/#\", \"all/+\"] }\n  q: { auth: mtls }\n  g: { auth: psk, subscribe: [\"d/+/t\"] }\ndevices:\n  - { id: s1, group: s }\n  - { id: s2, group: s, publish: [\"x/y\"] }\n  - { id: q1, group: q }\n  - { id: g1, group: g }\n";

    fn fleet() -> Fleet {
        crate::fleet::parse(MANIFEST, std::path::Path::new("f.yaml")).unwrap()
    }

    #[test]
    fn one_user_per_certificate_device_with_exactly_its_topics() {
        let fleet = fleet();
        let json: serde_json::Value =
            serde_json::from_str(&definitions(&fleet, &["s2".into()]).unwrap()).unwrap();
        let users: Vec<&str> = json["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap())
            .collect();
        assert_eq!(users, ["s1", "q1"], "no PSK gateway, no excluded device");
        assert_eq!(json["users"][0]["password_hash"], "");
        assert_eq!(json["users"][0]["tags"][0], "mqauth-fleet-acme");
        let tp = &json["topic_permissions"][0];
        assert_eq!(tp["exchange"], "amq.topic");
        assert_eq!(tp["write"], r"^(?:d\.s1\.t)$");
        assert_eq!(tp["read"], r"^(?:all\.[^.#]*|c\.s1(\..*)?)$");
        let quiet = &json["topic_permissions"][1];
        assert_eq!(
            (&quiet["write"], &quiet["read"]),
            (&"^$".into(), &"^$".into())
        );
        assert_eq!(
            json["permissions"][0]["configure"],
            "^mqtt-subscription-s1qos[01]$"
        );
    }

    #[test]
    fn the_script_imports_and_deletes_only_this_fleets_users() {
        let fleet = fleet();
        let s = script(&fleet, "r1", "/srv/it's/definitions.json", &["s1", "q1"]);
        assert!(
            s.contains(r"ctl import_definitions '/srv/it'\''s/definitions.json'"),
            "{s}"
        );
        assert!(s.contains("\ns1\nq1\nMQAUTH_DEVICES\n"), "{s}");
        assert!(s.contains("-v tag='mqauth-fleet-acme'"), "{s}");
    }
}
