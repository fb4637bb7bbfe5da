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
//! - the enrollment topics are the protocol's: a device that enrolls holds, on the PSK listener,
//!   only its own `/csr` and `/result`; on the mTLS listener its group's rules and its own
//!   `/renew` and `/result`; the enrollment service reads every request and writes every answer.
//!   The service is not counted when deciding what is shared: it is trusted with the CA, and a
//!   shared rule only gives it topics under its own name, which no device is granted.

use crate::fleet::{Auth, Device, Fleet, Group, Rule};
use std::borrow::Cow;
use std::collections::HashSet;

/// One identity with rules beyond the shared ones ({id} not yet substituted): a managed device,
/// or the enrollment service.
#[derive(Debug)]
pub struct DeviceRules<'f> {
    pub id: &'f str,
    /// Index into the policy's groups; one past the fleet's groups for the service.
    group: usize,
    /// Rules of its own when it has extras; otherwise its group's residual rules.
    own: Option<Vec<Rule>>,
}

#[derive(Debug)]
pub struct Policy<'f> {
    /// Rules every device in scope holds, granted through a placeholder.
    pub shared: Vec<Rule>,
    /// Identities with rules of their own, in manifest order, the service last.
    pub devices: Vec<DeviceRules<'f>>,
    /// Identities that can authenticate in scope but are not devices in it.
    pub denied: Vec<String>,
    /// Per group (and the service): its rules that are not shared. Kept once, not per device.
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

    fn admits(self, fleet: &Fleet, device: &Device) -> bool {
        match self {
            Scope::Listener(auth) => fleet.holds(device, auth),
            Scope::All => true,
        }
    }
}

/// A group's rules in `scope`, with the enrollment topics of a group that enrolls.
pub fn group_rules<'f>(fleet: &'f Fleet, group: &'f Group, scope: Scope) -> Cow<'f, [Rule]> {
    let Some(enroll) = fleet.enroll.as_ref().filter(|_| group.enroll) else {
        return Cow::Borrowed(&group.rules);
    };
    let rules = &enroll.rules;
    match scope {
        // On its bootstrap key a device may ask for its certificate, and nothing else.
        Scope::Listener(Auth::Psk) => Cow::Borrowed(&rules.bootstrap),
        Scope::Listener(Auth::Mtls) => Cow::Owned(crate::fleet::normalize(
            group.rules.iter().chain(&rules.renew).cloned(),
        )),
        Scope::All => Cow::Owned(crate::fleet::normalize(
            group
                .rules
                .iter()
                .chain(&rules.bootstrap)
                .chain(&rules.renew)
                .cloned(),
        )),
    }
}

/// A device's own extra rules in `scope`: none while it is on its bootstrap key.
pub fn extra_rules<'f>(fleet: &Fleet, device: &'f Device, scope: Scope) -> &'f [Rule] {
    if scope == Scope::Listener(Auth::Psk) && fleet.enrolls(device) {
        &[]
    } else {
        &device.extra
    }
}

/// The enrollment service's identity and rules, when it connects in `scope`.
pub fn service_rules(fleet: &Fleet, scope: Scope) -> Option<(&str, &[Rule])> {
    let enroll = fleet.enroll.as_ref()?;
    scope
        .includes(Auth::Mtls)
        .then_some((enroll.service.as_str(), enroll.rules.service.as_slice()))
}

impl<'f> Policy<'f> {
    /// `placeholders`: whether the format can grant `{id}` rules to everyone at once.
    /// `unmanaged`: identities that can authenticate in this scope; those that are not devices
    /// in scope end up in [`Policy::denied`].
    pub fn new(fleet: &'f Fleet, scope: Scope, placeholders: bool, unmanaged: &[String]) -> Self {
        let in_scope: Vec<&'f Device> = fleet
            .devices
            .iter()
            .filter(|d| scope.admits(fleet, d))
            .collect();
        let mut groups_in_scope: Vec<usize> = in_scope.iter().map(|d| d.group).collect();
        groups_in_scope.sort_unstable();
        groups_in_scope.dedup();
        let rules: Vec<Cow<'f, [Rule]>> = fleet
            .groups
            .iter()
            .map(|g| group_rules(fleet, g, scope))
            .collect();

        let shared: Vec<Rule> = match (placeholders, groups_in_scope.first()) {
            (true, Some(&first)) => rules[first]
                .iter()
                // A '%' of its own would read as a placeholder in a pattern line.
                .filter(|r| !r.topic.as_str().contains('%'))
                .filter(|r| groups_in_scope.iter().all(|g| rules[*g].contains(r)))
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let service = service_rules(fleet, scope);
        // The group rules left for each device, computed once per group; the service last.
        let residual: Vec<Vec<Rule>> = rules
            .iter()
            .map(|r| r.iter().filter(|r| !shared.contains(r)).cloned().collect())
            .chain(service.map(|(_, rules)| rules.to_vec()))
            .collect();
        let mut devices: Vec<DeviceRules<'f>> = in_scope
            .iter()
            .filter_map(|d| {
                let extra = extra_rules(fleet, d, scope);
                let own = (!extra.is_empty()).then(|| {
                    crate::fleet::normalize(residual[d.group].iter().chain(extra).cloned())
                });
                let empty = own
                    .as_ref()
                    .map_or(residual[d.group].is_empty(), Vec::is_empty);
                (!empty).then_some(DeviceRules {
                    id: &d.id,
                    group: d.group,
                    own,
                })
            })
            .collect();
        if let Some((id, _)) = service {
            devices.push(DeviceRules {
                id,
                group: fleet.groups.len(),
                own: None,
            });
        }
        let managed: HashSet<&str> = devices
            .iter()
            .map(|d| d.id)
            .chain(in_scope.iter().map(|d| d.id.as_str()))
            .collect();
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
            None => &self.residual[d.group],
        }
    }
}
