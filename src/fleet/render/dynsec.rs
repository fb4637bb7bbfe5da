//! Mosquitto's dynamic-security plugin configuration (`dynamic-security.json`).
//!
//! The 2.0 plugin has no `%u` substitution in ACL topics, so rules with `{id}` become a role per
//! device; rules without it become one role per group. Every default access is closed except
//! unsubscribing: a device may publish, subscribe and receive only what a role allows.

use super::policy::{Scope, extra_rules, group_rules, service_rules};
use crate::fleet::{Fleet, Rule};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Config<'a> {
    #[serde(rename = "defaultACLAccess")]
    default_acl_access: DefaultAccess,
    clients: Vec<Client<'a>>,
    groups: Vec<Group<'a>>,
    roles: Vec<Role>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DefaultAccess {
    publish_client_send: bool,
    publish_client_receive: bool,
    subscribe: bool,
    unsubscribe: bool,
}

#[derive(Serialize)]
struct Client<'a> {
    username: &'a str,
    textname: String,
    roles: Vec<RoleRef>,
}

#[derive(Serialize)]
struct Member<'a> {
    username: &'a str,
}

#[derive(Serialize)]
struct Group<'a> {
    groupname: &'a str,
    roles: Vec<RoleRef>,
    clients: Vec<Member<'a>>,
}

#[derive(Serialize)]
struct RoleRef {
    rolename: String,
}

#[derive(Serialize)]
struct Role {
    rolename: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    textdescription: Option<String>,
    acls: Vec<Acl>,
}

#[derive(Serialize)]
struct Acl {
    acltype: &'static str,
    topic: String,
    priority: i32,
    allow: bool,
}

fn acls(rules: &[Rule], id: Option<&str>) -> Vec<Acl> {
    let mut out = Vec::new();
    for rule in rules {
        let topic = match id {
            Some(id) => rule.topic.for_device(id),
            None => rule.topic.as_str().to_string(),
        };
        let mut grant = |acltype| {
            out.push(Acl {
                acltype,
                topic: topic.clone(),
                priority: 0,
                allow: true,
            })
        };
        if rule.access.writes() {
            grant("publishClientSend");
        }
        if rule.access.reads() {
            grant("subscribePattern");
            grant("publishClientReceive");
        }
    }
    out
}

const ENROLL_SERVICE_ROLE: &str = "mqauth-enroll-service";

pub fn group_role(group: &str) -> String {
    format!("group-{group}")
}

pub fn device_role(id: &str) -> String {
    format!("device-{id}")
}

/// The plugin's JSON for every device of the fleet.
pub fn render(fleet: &Fleet) -> String {
    let mut roles = Vec::new();
    let mut groups = Vec::new();
    let rules: Vec<_> = fleet
        .groups
        .iter()
        .map(|g| group_rules(fleet, g, Scope::All))
        .collect();
    for (gi, group) in fleet.groups.iter().enumerate() {
        let fixed: Vec<Rule> = rules[gi]
            .iter()
            .filter(|r| !r.topic.has_id())
            .cloned()
            .collect();
        roles.push(Role {
            rolename: group_role(&group.name),
            textdescription: Some(format!(
                "{} devices of group {}",
                group.auth.id(),
                group.name
            )),
            acls: acls(&fixed, None),
        });
        groups.push(Group {
            groupname: &group.name,
            roles: vec![RoleRef {
                rolename: group_role(&group.name),
            }],
            clients: fleet
                .devices
                .iter()
                .filter(|d| d.group == gi)
                .map(|d| Member { username: &d.id })
                .collect(),
        });
    }
    let mut clients = Vec::with_capacity(fleet.devices.len());
    for d in &fleet.devices {
        let group = &fleet.groups[d.group];
        let own: Vec<Rule> = crate::fleet::normalize(
            rules[d.group]
                .iter()
                .filter(|r| r.topic.has_id())
                .chain(extra_rules(fleet, d, Scope::All))
                .cloned(),
        );
        let mut client_roles = Vec::new();
        if !own.is_empty() {
            roles.push(Role {
                rolename: device_role(&d.id),
                textdescription: None,
                acls: acls(&own, Some(&d.id)),
            });
            client_roles.push(RoleRef {
                rolename: device_role(&d.id),
            });
        }
        clients.push(Client {
            username: &d.id,
            textname: format!("{} ({})", d.id, group.name),
            roles: client_roles,
        });
    }
    if let Some((service, rules)) = service_rules(fleet, Scope::All) {
        roles.push(Role {
            rolename: ENROLL_SERVICE_ROLE.to_string(),
            textdescription: Some("the enrollment service: reads requests, writes answers".into()),
            acls: acls(rules, None),
        });
        clients.push(Client {
            username: service,
            textname: format!("{service} (enrollment service)"),
            roles: vec![RoleRef {
                rolename: ENROLL_SERVICE_ROLE.to_string(),
            }],
        });
    }
    let config = Config {
        default_acl_access: DefaultAccess {
            publish_client_send: false,
            publish_client_receive: false,
            subscribe: false,
            unsubscribe: true,
        },
        clients,
        groups,
        roles,
    };
    let mut text = serde_json::to_string_pretty(&config).unwrap_or_default();
    text.push('\n');
    text
}
