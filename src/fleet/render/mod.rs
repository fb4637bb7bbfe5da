//! Turning a fleet into broker files: ACLs (Mosquitto acl_file, dynamic-security JSON, EMQX
//! acl.conf, RabbitMQ definitions) and broker configurations from templates.

pub mod config_value;
pub mod dynsec;
pub mod emqx_acl;
pub mod mosquitto_acl;
mod policy;
pub mod rabbitmq;
pub mod rabbitmq_topic;
pub mod snippet;
pub mod templates;

pub use policy::{DeviceRules, Policy, Scope, extra_rules, group_rules, service_rules};

#[cfg(test)]
mod tests {
    //! The renderers called directly on a small fleet: two mTLS groups that share one rule and
    //! differ otherwise, a PSK group, a device with a rule of its own.

    use super::{Policy, Scope, dynsec, emqx_acl, mosquitto_acl};
    use crate::fleet::{Auth, Fleet};

    const MANIFEST: &str = "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883, psk_port: 8884 }\ngroups:\n  sensors: { auth: mtls, publish: [\"d/{id}/t\", \"status/{id}\"] }\n  actuators: { auth: mtls, publish: [\"status/{id}\"], subscribe: [\"a/{id}/set\"] }\n  gateways: { auth: psk, subscribe: [\"d/+/t\"] }\ndevices:\n  - { id: s1, group: sensors }\n  - { id: a1, group: actuators }\n  - { id: g1, group: gateways, publish: [\"g/\\\"q\\\"/x\"] }\n";

    fn fleet() -> Fleet {
        crate::fleet::parse(MANIFEST, std::path::Path::new("f.yaml")).unwrap()
    }

    #[test]
    fn a_rule_every_group_holds_is_shared_and_the_rest_is_per_device() {
        let fleet = fleet();
        let policy = Policy::new(&fleet, Scope::Listener(Auth::Mtls), true, &["old".into()]);
        let acl = mosquitto_acl::render(&fleet, &policy, "mTLS listener");
        assert!(acl.contains("pattern write status/%u"), "{acl}");
        assert!(acl.contains("user s1\ntopic write d/s1/t"), "{acl}");
        assert!(acl.contains("user a1\ntopic read a/a1/set"), "{acl}");
        assert!(
            !acl.contains("pattern write d/%u/t"),
            "sensors' own rule shared: {acl}"
        );
        assert!(acl.contains("user old\ntopic deny #"), "{acl}");
        assert!(
            !acl.contains("g1"),
            "the PSK gateway is not on this listener: {acl}"
        );
    }

    #[test]
    fn emqx_quotes_topics_and_denies_the_rest() {
        let fleet = fleet();
        let policy = Policy::new(&fleet, Scope::All, true, &[]);
        let acl = emqx_acl::render(&fleet, &policy);
        assert!(
            acl.contains(r#"{allow, {username, "g1"}, publish, ["g/\"q\"/x"]}."#),
            "{acl}"
        );
        assert!(acl.trim_end().ends_with("{deny, all}."), "{acl}");
        assert!(acl.contains("${username}"), "{acl}");
    }

    #[test]
    fn dynsec_is_closed_by_default_and_grants_each_device_its_topics() {
        let fleet = fleet();
        let json: serde_json::Value = serde_json::from_str(&dynsec::render(&fleet)).unwrap();
        let default = &json["defaultACLAccess"];
        assert_eq!(default["publishClientSend"], false, "{default}");
        assert_eq!(default["subscribe"], false, "{default}");
        let clients = json["clients"].as_array().unwrap();
        assert_eq!(clients.len(), 3);
        let text = json.to_string();
        assert!(
            text.contains("d/s1/t") && text.contains("a/a1/set"),
            "{text}"
        );
    }

    #[test]
    fn enrollment_topics_belong_to_each_device_and_the_service() {
        let manifest = MANIFEST.replace(
            "  gateways:",
            "  meters: { auth: mtls, enroll: true, publish: [\"m/{id}\"] }\n  gateways:",
        ) + "  - { id: m1, group: meters }\n";
        let fleet = crate::fleet::parse(&manifest, std::path::Path::new("f.yaml")).unwrap();
        let psk = mosquitto_acl::render(
            &fleet,
            &Policy::new(&fleet, Scope::Listener(Auth::Psk), true, &[]),
            "PSK listener",
        );
        assert!(
            psk.contains(
                "user m1\ntopic write mqauth/enroll/m1/csr\ntopic read mqauth/enroll/m1/result\n"
            ),
            "{psk}"
        );
        assert!(
            !psk.contains("m/m1") && !psk.contains("mqauth-enroll"),
            "{psk}"
        );
        let mtls = mosquitto_acl::render(
            &fleet,
            &Policy::new(
                &fleet,
                Scope::Listener(Auth::Mtls),
                true,
                &["mqauth-enroll".into()],
            ),
            "mTLS listener",
        );
        assert!(
            mtls.contains("topic write mqauth/enroll/m1/renew"),
            "{mtls}"
        );
        assert!(!mtls.contains("m1/csr"), "{mtls}");
        assert!(
            !mtls.contains("user mqauth-enroll\ntopic deny"),
            "the service is managed: {mtls}"
        );
        let json: serde_json::Value = serde_json::from_str(&dynsec::render(&fleet)).unwrap();
        let service = json["clients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["username"] == "mqauth-enroll")
            .expect("the service is a client");
        assert_eq!(service["roles"][0]["rolename"], "mqauth-enroll-service");
        let text = json.to_string();
        assert!(text.contains("mqauth/enroll/+/csr") && text.contains("mqauth/enroll/m1/renew"));
    }
}
