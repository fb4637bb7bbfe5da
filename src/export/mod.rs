//! Getting credentials onto devices: one device's certificate, key and trust anchor (or PSK)
//! with the broker's address and public-key pin, in the formats firmware and provisioning
//! systems read, and checks against what device TLS stacks can use.

mod bundle;
mod c_header;
mod error;
mod files;
mod output;
mod pin;
mod pkcs12;
mod record;
mod stack;

pub use bundle::{BrokerFacts, Bundle, Credential, Endpoint, Sources, dial_name};
pub use error::ExportError;
pub use files::{ExportFile, Format, render};
pub use output::claim;
pub use pin::{Pin, pin_of_certificate};
pub use record::{FactoryFormat, FactoryWriter, Record};
pub use stack::{
    Clock, Finding, Severity, Stack, StackFacts, ca_keys, check as check_stack, pki_ca_keys,
};
