//! Pitfall 1, authentication is not authorization: listeners without an ACL, grants too wide,
//! rules that let one device command another, and usernames the broker did not authenticate.

use super::AuditRun;
use super::devices::{self, Reach, Tree};
use crate::audit::acl::{self, AclFile, AclRule};
use crate::audit::config::{Directive, Listener};
use crate::audit::finding::Severity;
use crate::audit::rules;
use std::collections::HashMap;
use std::path::PathBuf;

/// Levels that name a device's commands: a wildcard before one of them reaches every device's.
const COMMAND_LEVELS: &[&str] = &[
    "cmd", "cmds", "command", "commands", "set", "control", "ctrl", "config", "ota", "rpc",
    "reboot", "update", "write",
];

fn authenticates(ctx: &AuditRun<'_>, l: &Listener) -> bool {
    let c = ctx.config;
    l.is_set("require_certificate")
        || l.has_psk_hint()
        || c.security(l, "password_file").is_some()
        || c.has_plugin(l)
        || c.anonymous(l).is_some()
}

pub(super) fn check(ctx: &mut AuditRun<'_>) {
    let config = ctx.config;
    let mut acls: HashMap<PathBuf, Option<AclFile>> = HashMap::new();
    for l in &config.listeners {
        // Its contents are hashes; that it can be read is what Mosquitto needs to start.
        if let Some(d) = config.security(l, "password_file")
            && ctx.first_time(&d.path(), "password_file")
        {
            ctx.read_named(d, l, "password_file", crate::input::Kind::AccessFile);
        }
        let acl_file = config.security(l, "acl_file");
        if authenticates(ctx, l) && acl_file.is_none() && !config.has_plugin(l) {
            ctx.report(
                &rules::NO_AUTHORIZATION,
                Severity::Problem,
                &l.at,
                Some(l),
                format!(
                    "{} authenticates clients but has no acl_file or plugin: every client may use every topic",
                    l.label()
                ),
                "acl_file with per-device rules (`mqauth acl render` writes one from a manifest)",
            );
        }
        if acl_file.is_none() {
            identity_not_username(ctx, l);
        }
        if let Some(d) = acl_file {
            let acl = acls
                .entry(d.path())
                .or_insert_with(|| load_acl(ctx, d, l))
                .take();
            if let Some(acl) = acl {
                if !unbound_username(ctx, l, &acl) {
                    identity_not_username(ctx, l);
                }
                grants(ctx, &acl, l);
                enrollment_packet_limit(ctx, l, &acl);
                if ctx.first_time(&acl.path, "acl") {
                    rules_of(ctx, &acl, l);
                }
                acls.insert(d.path(), Some(acl));
            }
        }
        if let Some(d) = config.dynsec(l)
            && ctx.first_time(&d.path(), "dynsec")
        {
            dynsec(ctx, d, l);
        }
    }
}

fn load_acl(ctx: &mut AuditRun<'_>, d: &Directive, l: &Listener) -> Option<AclFile> {
    let bytes = ctx.read_named(d, l, "acl_file", crate::input::Kind::AccessFile)?;
    let acl = acl::parse(&d.path(), &String::from_utf8_lossy(&bytes));
    for (line, why) in acl.bad_lines.iter().take(10) {
        ctx.report(
            &rules::BAD_ACL_LINE,
            Severity::Problem,
            &crate::audit::config::Place {
                file: acl.path.clone(),
                line: *line,
            },
            Some(l),
            format!("{why}: Mosquitto refuses the acl_file, so the broker will not start"),
            "use `user NAME`, `topic [read|write|readwrite|deny] TOPIC` or `pattern …`, words separated by spaces, `#` in the first column",
        );
    }
    Some(acl)
}

/// A listener that verifies certificates or PSKs, does not make the identity the username,
/// and lets clients in without one (MQA605; MQA105 says it when the ACL is keyed by username).
fn identity_not_username(ctx: &mut AuditRun<'_>, l: &Listener) {
    let c = ctx.config;
    if !l.tls_authenticates()
        || l.identity_is_username()
        || c.has_plugin(l)
        || c.security(l, "password_file").is_some()
    {
        return;
    }
    let Some(anon) = c.anonymous(l) else { return };
    let source = if anon.at == l.at {
        "Mosquitto's default for this listener".to_string()
    } else {
        format!("allow_anonymous true (line {})", anon.at.line)
    };
    let by = if l.has_psk_hint() {
        "a PSK"
    } else {
        "a certificate"
    };
    ctx.report(
        &rules::IDENTITY_NOT_USERNAME,
        Severity::Problem,
        &l.at,
        Some(l),
        format!(
            "{} verifies {by} but does not make it the username: with {source}, every holder of one connects without a username or with any username it claims",
            l.label()
        ),
        "use_identity_as_username true on this listener: each device connects as its certificate's CN (or PSK identity) and keeps connecting; removing allow_anonymous instead locks every device out",
    );
}

/// An ACL keyed by username on a listener that authenticates identities (certificates, PSKs)
/// but does not make them the username: the username is then whatever the client sends.
/// Whether it reported.
fn unbound_username(ctx: &mut AuditRun<'_>, l: &Listener, acl: &AclFile) -> bool {
    let c = ctx.config;
    if !l.tls_authenticates()
        || !acl.keyed_by_username()
        || l.identity_is_username()
        || c.has_plugin(l)
    {
        return false;
    }
    let by = if l.has_psk_hint() {
        "PSK"
    } else {
        "certificate"
    };
    let consequence = if c.anonymous(l).is_some() {
        "with allow_anonymous true a client sends any username and gets that device's rights"
    } else if c.security(l, "password_file").is_some() {
        "the username is checked against the password_file, not against the identity: a device with one identity and another's password gets the other's rights"
    } else {
        "Mosquitto 2.x refuses a username it cannot check, so every client is refused"
    };
    ctx.report(
        &rules::UNBOUND_USERNAME,
        Severity::Problem,
        &l.at,
        Some(l),
        format!(
            "{} authenticates clients by {by} but its ACL is keyed by username: {consequence}",
            l.label()
        ),
        "use_identity_as_username true on this listener (each device connects as its certificate's CN or PSK identity, which the ACL's usernames must be)",
    );
    true
}

/// Whether `user` (or every client, for `None`) holds a topic of its own right below `prefix`
/// (`devices/%u/…` or `devices/USER/…`): then it is one of the devices there.
fn is_device_under(acl: &AclFile, user: Option<&str>, prefix: &[&str]) -> bool {
    acl.rules.iter().any(|r| {
        let applies = r.pattern || (user.is_some() && r.user.as_deref() == user);
        let levels: Vec<&str> = r.topic.split('/').collect();
        applies
            && levels.len() > prefix.len()
            && levels[..prefix.len()] == *prefix
            && (levels[prefix.len()] == "%u"
                || levels[prefix.len()] == "%c"
                || user.is_some_and(|u| levels[prefix.len()] == u))
    })
}

fn is_wildcard_grant(topic: &str) -> bool {
    topic == "#" || topic == "+/#" || topic == "$SYS/#" || topic == "$SYS"
}

/// A write through a `+` level followed by a command level (`devices/+/cmd`), granted to every
/// client or to one that is itself a device under that prefix: a controller or gateway that
/// commands devices but is not one of them is what such a rule is for.
fn crosses_devices(acl: &AclFile, rule: &AclRule) -> bool {
    let levels: Vec<&str> = rule.topic.split('/').collect();
    levels.iter().enumerate().any(|(i, level)| {
        *level == "+"
            && levels[i + 1..].iter().any(|l| COMMAND_LEVELS.contains(l))
            && (rule.pattern || is_device_under(acl, rule.user.as_deref(), &levels[..i]))
    })
}

/// Whether `acl` lets each device write its enrollment requests (`…/%u/csr`, `…/+/csr` for the
/// service's side is a read): the topics `mqauth enroll serve` answers.
fn serves_enrollment(acl: &AclFile) -> Option<&AclRule> {
    acl.rules.iter().find(|r| {
        let mut levels = r.topic.rsplit('/');
        r.access.writes()
            && levels.next() == Some("csr")
            && matches!(levels.next(), Some("%u" | "%c" | "+"))
    })
}

/// MQA503: enrollment requests on a broker without a packet limit.
fn enrollment_packet_limit(ctx: &mut AuditRun<'_>, l: &Listener, acl: &AclFile) {
    if ctx.config.global.contains_key("max_packet_size") {
        return;
    }
    let Some(rule) = serves_enrollment(acl) else {
        return;
    };
    if !ctx.first_time(&acl.path, "enrollment-packet-limit") {
        return;
    }
    let place = crate::audit::config::Place {
        file: acl.path.clone(),
        line: rule.line,
    };
    ctx.report(
        &rules::ENROLLMENT_PACKET_LIMIT,
        Severity::Warning,
        &place,
        Some(l),
        format!(
            "devices write enrollment requests ({}) and the broker sets no max_packet_size",
            rule.topic
        ),
        format!(
            "max_packet_size {} in the main configuration (what `mqauth fleet apply` renders for a fleet that enrolls)",
            crate::enroll::protocol::MAX_PACKET
        ),
    );
}

/// Whether the clients a rule applies to include devices of `trees`.
fn grantee_is_device(acl: &AclFile, trees: &[Tree], rule: &AclRule, l: &Listener) -> bool {
    match (&rule.user, rule.pattern) {
        (_, true) => true,
        (Some(user), false) => devices::is_device(acl, trees, user),
        (None, false) => l.admits_without_username(),
    }
}

/// MQA108 and MQA109, for `l`: whether a client id is bound, and who connects without a
/// username, are the listener's.
fn grants(ctx: &mut AuditRun<'_>, acl: &AclFile, l: &Listener) {
    let trees = devices::trees(acl);
    let users: std::collections::HashSet<&str> =
        acl.rules.iter().filter_map(|r| r.user.as_deref()).collect();
    let denies = devices::Denies::of(acl);
    for rule in acl.rules.iter().filter(|r| r.access.grants()) {
        if denies.cancel(rule) {
            continue;
        }
        let place = crate::audit::config::Place {
            file: acl.path.clone(),
            line: rule.line,
        };
        if rule.pattern
            && rule.topic.contains("%c")
            && !l.client_id_bound()
            && ctx.once(&place, rules::CLIENT_ID_GRANT.code, l)
        {
            ctx.report(
                &rules::CLIENT_ID_GRANT,
                Severity::Problem,
                &place,
                Some(l),
                format!(
                    "pattern {:?} grants by client id, which {} does not bind: a client that connects with another device's id gets its topics",
                    rule.topic,
                    l.label()
                ),
                format!(
                    "use_username_as_clientid true on {} (devices keep connecting; their client id becomes their username), or %u instead of %c",
                    l.label()
                ),
            );
        }
        // MQA102 and MQA103 say it for these.
        if is_wildcard_grant(&rule.topic) || (rule.access.writes() && crosses_devices(acl, rule)) {
            continue;
        }
        let crossing = trees.iter().find_map(|t| match devices::reach(rule, t) {
            Reach::All => Some(format!("every device's topics under {}", t.show())),
            Reach::Named(name)
                if !rule.pattern
                    && rule.user.as_deref() != Some(name.as_str())
                    && (users.contains(name.as_str()) || t.by_pattern) =>
            {
                Some(format!("device {name}'s topics"))
            }
            _ => None,
        });
        let crossing = crossing.or_else(|| {
            // No device tree to measure by: a pattern without %u or %c and with a wildcard
            // gives every client the same subtree, every device's data in it included.
            (trees.is_empty()
                && rule.pattern
                && !rule.topic.contains("%u")
                && !rule.topic.contains("%c")
                && (rule.topic.contains('+') || rule.topic.contains('#')))
            .then(|| format!("all of {:?}, to every client alike", rule.topic))
        });
        let Some(crossing) = crossing else { continue };
        if !grantee_is_device(acl, &trees, rule, l)
            || !ctx.once(&place, rules::CROSS_DEVICE_READ.code, l)
        {
            continue;
        }
        let who = match (&rule.user, rule.pattern) {
            (_, true) => "every client (pattern)".to_string(),
            (Some(user), false) => format!("user {user}, a device,"),
            (None, false) => format!("every client without a username on {}", l.label()),
        };
        let access = match rule.access {
            crate::audit::acl::Access::Read => "read",
            crate::audit::acl::Access::Write => "write",
            _ => "read and write",
        };
        ctx.report(
            &rules::CROSS_DEVICE_READ,
            Severity::Problem,
            &place,
            Some(l),
            format!("{who} may {access} {:?}: {crossing}", rule.topic),
            "grant each device its own subtree (pattern readwrite devices/%u/#), and fleet-wide topics only to identities that are not devices",
        );
    }
}

fn rules_of(ctx: &mut AuditRun<'_>, acl: &AclFile, l: &Listener) {
    let trees = devices::trees(acl);
    let users: std::collections::HashSet<&str> =
        acl.rules.iter().filter_map(|r| r.user.as_deref()).collect();
    for rule in acl.rules.iter().filter(|r| r.access.grants()) {
        let place = crate::audit::config::Place {
            file: acl.path.clone(),
            line: rule.line,
        };
        let who = match (&rule.user, rule.pattern) {
            (_, true) => "every client (pattern)".to_string(),
            (Some(user), false) => format!("user {user}"),
            (None, false) => "anonymous clients".to_string(),
        };
        if is_wildcard_grant(&rule.topic) {
            let severity = if !rule.topic.starts_with("$SYS")
                && (rule.access.writes()
                    || (!trees.is_empty() && grantee_is_device(acl, &trees, rule, l))
                    || rule.pattern)
            {
                Severity::Problem
            } else {
                Severity::Warning
            };
            ctx.report(
                &rules::WILDCARD_GRANT,
                severity,
                &place,
                Some(l),
                format!("{who} is granted {:?}", rule.topic),
                "grant the topics this identity needs, under its own id (%u)",
            );
        } else if rule.access.writes() && crosses_devices(acl, rule) {
            ctx.report(
                &rules::CROSS_DEVICE_WRITE,
                Severity::Problem,
                &place,
                Some(l),
                format!("{who} may write {:?}: every device's commands", rule.topic),
                "put %u where the device id goes (pattern write devices/%u/cmd), or grant the command topics only to the identity that sends commands",
            );
        }
        if rule.pattern
            && !rule.topic.contains("%u")
            && !rule.topic.contains("%c")
            && let Some(user) = rule.topic.split('/').find(|level| users.contains(level))
        {
            ctx.report(
                &rules::PATTERN_WITHOUT_IDENTITY,
                Severity::Problem,
                &place,
                Some(l),
                format!(
                    "pattern {:?} names user {user} but has neither %u nor %c: every client gets it",
                    rule.topic
                ),
                "put %u where the device's id goes, or move the rule into `user` block of that device",
            );
        }
    }
}

/// The dynamic-security plugin's JSON: open defaults and wildcard grants.
fn dynsec(ctx: &mut AuditRun<'_>, d: &Directive, l: &Listener) {
    let Some(bytes) = ctx.read_named(
        d,
        l,
        "plugin_opt_config_file",
        crate::input::Kind::AccessFile,
    ) else {
        return;
    };
    let place = d.at.clone();
    let json: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            ctx.report(
                &rules::BAD_ACL_LINE,
                Severity::Problem,
                &place,
                Some(l),
                format!("{}: not JSON ({e})", d.value),
                "restore the file from the plugin's own output",
            );
            return;
        }
    };
    let default = &json["defaultACLAccess"];
    let open: Vec<&str> = ["publishClientSend", "publishClientReceive", "subscribe"]
        .into_iter()
        .filter(|k| default[*k].as_bool() == Some(true))
        .collect();
    if open.contains(&"publishClientSend") || open.contains(&"subscribe") {
        ctx.report(
            &rules::OPEN_DYNSEC_DEFAULT,
            Severity::Problem,
            &place,
            Some(l),
            format!(
                "{}: defaultACLAccess allows {} to every client",
                d.value,
                open.join(", ")
            ),
            "set publishClientSend, publishClientReceive and subscribe to false and grant through roles",
        );
    }
    for role in json["roles"].as_array().into_iter().flatten() {
        for a in role["acls"].as_array().into_iter().flatten() {
            let topic = a["topic"].as_str().unwrap_or_default();
            if a["allow"].as_bool() == Some(true) && is_wildcard_grant(topic) {
                ctx.report(
                    &rules::WILDCARD_GRANT,
                    Severity::Warning,
                    &place,
                    Some(l),
                    format!(
                        "{}: role {} allows {} on {topic:?}",
                        d.value,
                        role["rolename"].as_str().unwrap_or("?"),
                        a["acltype"].as_str().unwrap_or("?")
                    ),
                    "grant the topics this role needs",
                );
            }
        }
    }
}
