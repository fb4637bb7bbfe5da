//! Who may do what, decided once for every ACL format.
//!
//! A rule that every device in scope holds can be granted once, to everyone — with a placeholder
//! for `{id}` (`pattern … %u` for Mosquitto, `${username}` for EMQX): the ACL then grows with
//! groups, not devices. It is only safe when nobody else who can authenticate in that scope gets
//! something their own rules do not give them. So:
//!
//! - a rule is shared only if *every* group with devices in scope has it, with the same access;
//! - identities that can still authenticate but are not devices in scope (a certificate of a
//!   device removed from the manifest and not pruned, a PSK identity left in the file) get an
//!   explicit deny of everything, which both Mosquitto and EMQX evaluate before the placeholders;
//! - everything else is granted per device.

use crate::fleet::{Auth, Device, Fleet, Group, Rule};
use std::collections::HashSet;

/// One managed device and the rules it gets beyond the shared ones ({id} not yet substituted).
#[derive(Debug)]
pub struct DeviceRules<'f> {
    pub device: &'f Device,
    pub group: &'f Group,
    /// Rules of its own when it has extras; otherwise its group's residual rules.
    own: Option<Vec<Rule>>,
}

#[derive(Debug)]
pub struct Policy<'f> {
    /// Rules every device in scope holds, granted through a placeholder.
    pub shared: Vec<&'f Rule>,
    /// Devices with rules of their own, in manifest order.
    pub devices: Vec<DeviceRules<'f>>,
    /// Identities that can authenticate in scope but are not devices in it.
    pub denied: Vec<String>,
    /// Per group: its rules that are not shared. Kept once, not copied per device.
    residual: Vec<Vec<Rule>>,
}

/// Where the policy applies: one listener (the devices of one auth method), or every device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Listener(Auth),
    All,
}

impl Scope {
    pub fn includes(self, auth: Auth) -> bool {
        match self {
            Scope::Listener(a) => a == auth,
            Scope::All => true,
        }
    }
}

impl<'f> Policy<'f> {
    /// `placeholders`: whether the format can grant `{id}` rules to everyone at once.
    /// `unmanaged`: identities that can authenticate in this scope; those that are not devices
    /// in scope end up in [`Policy::denied`].
    pub fn new(fleet: &'f Fleet, scope: Scope, placeholders: bool, unmanaged: &[String]) -> Self {
        let in_scope: Vec<&'f Device> = fleet
            .devices
            .iter()
            .filter(|d| scope.includes(fleet.auth_of(d)))
            .collect();
        let mut groups_in_scope: Vec<usize> = in_scope.iter().map(|d| d.group).collect();
        groups_in_scope.sort_unstable();
        groups_in_scope.dedup();

        let shared: Vec<&'f Rule> = match (placeholders, groups_in_scope.first()) {
            (true, Some(&first)) => fleet.groups[first]
                .rules
                .iter()
                // A '%' of its own would read as a placeholder in a pattern line.
                .filter(|r| !r.topic.as_str().contains('%'))
                .filter(|r| {
                    groups_in_scope
                        .iter()
                        .all(|g| fleet.groups[*g].rules.contains(r))
                })
                .collect(),
            _ => Vec::new(),
        };
        // The group rules left for each device, computed once per group.
        let residual: Vec<Vec<Rule>> = fleet
            .groups
            .iter()
            .map(|g| {
                g.rules
                    .iter()
                    .filter(|r| !shared.contains(r))
                    .cloned()
                    .collect()
            })
            .collect();
        let devices = in_scope
            .iter()
            .filter_map(|d| {
                let own = (!d.extra.is_empty()).then(|| {
                    crate::fleet::normalize(
                        residual[d.group]
                            .iter()
                            .cloned()
                            .chain(d.extra.iter().cloned()),
                    )
                });
                let empty = own
                    .as_ref()
                    .map_or(residual[d.group].is_empty(), Vec::is_empty);
                (!empty).then_some(DeviceRules {
                    device: d,
                    group: &fleet.groups[d.group],
                    own,
                })
            })
            .collect();
        let managed: HashSet<&str> = in_scope.iter().map(|d| d.id.as_str()).collect();
        let mut denied: Vec<String> = unmanaged
            .iter()
            .filter(|id| !managed.contains(id.as_str()))
            .cloned()
            .collect();
        denied.sort();
        denied.dedup();
        Policy {
            shared,
            devices,
            denied,
            residual,
        }
    }

    /// The rules of a device beyond the shared ones.
    pub fn rules_of<'a>(&'a self, d: &'a DeviceRules<'_>) -> &'a [Rule] {
        match &d.own {
            Some(own) => own,
            None => &self.residual[d.device.group],
        }
    }
}
