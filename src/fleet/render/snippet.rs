//! Mosquitto listener blocks for a plain PKI (`pki init` + `pki broker`), without a manifest:
//! the same listener template `fleet apply` renders, with absolute paths and no ACL.

use super::{config_value, templates};
use crate::fleet::outputs::Mosquitto21Context;
use crate::fleet::{FleetError, MosquittoVersion};
use crate::pki::Layout;
use serde::Serialize;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// What the snippet is made of; paths are made absolute by the caller.
#[derive(Debug)]
pub struct SnippetInputs<'a> {
    pub pki: &'a Path,
    pub broker: &'a str,
    pub listen: Option<IpAddr>,
    pub mtls_port: Option<u16>,
    /// psk_file, port and hint.
    pub psk: Option<(PathBuf, u16, String)>,
    /// The Mosquitto release the snippet is for.
    pub mosquitto: MosquittoVersion,
}

#[derive(Serialize)]
struct Mtls {
    listener: String,
    cafile: String,
    certfile: String,
    keyfile: String,
    crlfile: Option<String>,
    acl_file: Option<String>,
}

#[derive(Serialize)]
struct Psk {
    listener: String,
    hint: String,
    psk_file: String,
    acl_file: Option<String>,
}

#[derive(Serialize)]
struct Context {
    broker: String,
    pki: String,
    mtls: Option<Mtls>,
    psk: Option<Psk>,
    /// Present for Mosquitto 2.1 (`listener_allow_anonymous`, no `per_listener_settings`).
    mosquitto21: Option<Mosquitto21Context>,
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// The snippet's text.
pub fn render(inputs: &SnippetInputs<'_>) -> Result<String, FleetError> {
    let layout = Layout::new(inputs.pki);
    let listener = |port: u16| match inputs.listen {
        Some(ip) => format!("{port} {ip}"),
        None => port.to_string(),
    };
    let crl = layout.crl();
    let context = Context {
        broker: inputs.broker.to_string(),
        pki: text(inputs.pki),
        mtls: inputs.mtls_port.map(|port| Mtls {
            listener: listener(port),
            cafile: text(&layout.chain()),
            certfile: text(&layout.leaf_fullchain(inputs.broker)),
            keyfile: text(&layout.leaf_key(inputs.broker)),
            crlfile: crl.exists().then(|| text(&crl)),
            acl_file: None,
        }),
        psk: inputs.psk.as_ref().map(|(file, port, hint)| Psk {
            listener: listener(*port),
            hint: hint.clone(),
            psk_file: text(file),
            acl_file: None,
        }),
        // No ACL is named, so no plugin either: its directory does not matter here.
        mosquitto21: (inputs.mosquitto == MosquittoVersion::V2_1)
            .then(|| Mosquitto21Context::new(None)),
    };
    config_value::check_all(&context).map_err(|(value, why)| FleetError::UnsafeValue {
        broker: inputs.broker.to_string(),
        value,
        why,
    })?;
    let env = templates::environment(None)?;
    templates::render(&env, templates::MOSQUITTO_SNIPPET, &context)
}
