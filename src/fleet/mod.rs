//! Fleet manifests: one YAML file describing brokers, device groups and devices, turned into
//! every credential and every broker file.

mod apply;
mod error;
mod layout;
mod manifest;
mod model;
mod outputs;
pub mod render;
mod topic;

pub use apply::{
    Action, ApplyOptions, Step, apply, changes_anything, plan, render_brokers, tally, unmanaged,
};
pub use error::FleetError;
pub use layout::{FleetDir, PathStyle};
pub use manifest::{EXAMPLE, load, parse};
pub use model::{
    Auth, Bootstrap, Broker, BrokerKind, Device, EnrollRules, EnrollSettings, Fleet, Group,
    MosquittoVersion, PkiSettings,
};
pub use outputs::{
    AclFormat, Output, RenderInputs, Target, Unmanaged, broker_outputs, differs, fleet_acl,
};
pub use topic::{Access, Rule, TopicTemplate, normalize};
