//! Broker configuration templates: embedded in the binary, overridable from a directory.

use crate::fleet::FleetError;
use minijinja::Environment;
use std::path::Path;

pub const MOSQUITTO_CONF: &str = "mosquitto.conf.j2";
pub const EMQX_CONF: &str = "emqx.conf.j2";
pub const MOSQUITTO_SNIPPET: &str = "mosquitto-snippet.conf.j2";
pub const RABBITMQ_CONF: &str = "rabbitmq.conf.j2";
pub const RABBITMQ_ADVANCED: &str = "rabbitmq-advanced.config.j2";

const EMBEDDED: [(&str, &str); 6] = [
    (
        MOSQUITTO_CONF,
        include_str!("../../../templates/mosquitto.conf.j2"),
    ),
    (
        "mosquitto-listeners.j2",
        include_str!("../../../templates/mosquitto-listeners.j2"),
    ),
    (
        MOSQUITTO_SNIPPET,
        include_str!("../../../templates/mosquitto-snippet.conf.j2"),
    ),
    (EMQX_CONF, include_str!("../../../templates/emqx.conf.j2")),
    (
        RABBITMQ_CONF,
        include_str!("../../../templates/rabbitmq.conf.j2"),
    ),
    (
        RABBITMQ_ADVANCED,
        include_str!("../../../templates/rabbitmq-advanced.config.j2"),
    ),
];

/// The template environment; a file of the same name in `overrides` replaces the embedded one.
pub fn environment(overrides: Option<&Path>) -> Result<Environment<'static>, FleetError> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|source| FleetError::Template {
            name: "syntax".into(),
            source,
        })?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, embedded) in EMBEDDED {
        let source = match overrides.map(|dir| dir.join(name)) {
            Some(path) if path.exists() => {
                crate::input::read_text(&path, crate::input::Kind::Template)?
            }
            _ => embedded.to_string(),
        };
        env.add_template_owned(name, source)
            .map_err(|source| FleetError::Template {
                name: name.into(),
                source,
            })?;
    }
    Ok(env)
}

/// Renders `name` with `context`, with the template's own location in errors.
pub fn render(
    env: &Environment<'_>,
    name: &str,
    context: impl serde::Serialize,
) -> Result<String, FleetError> {
    env.get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(context)))
        .map_err(|source| FleetError::Template {
            name: name.into(),
            source,
        })
}
