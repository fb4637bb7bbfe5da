//! Reading certificates that exist: what they say, whether they are valid, and whether their
//! chain verifies.

mod crl_facts;
mod error;
mod extension_rules;
mod facts;
mod name_constraints;
mod peer_name;
mod pki_consistency;
mod revocation;
mod scan;
mod source;
mod verify;
mod verify_error;

pub use crate::pki::describe_key;
pub use crl_facts::{CrlEntry, CrlFacts, describe_crls, is_crl};
pub use error::InspectError;
pub use facts::{CertFacts, CertStatus, ExtensionFact};
pub use name_constraints::{BUDGET as NAME_CONSTRAINT_BUDGET, Violation};
pub use peer_name::PeerName;
pub use pki_consistency::{Mismatch, PkiConsistency, check_pki_consistency};
pub use revocation::{CrlSet, LoadedCrl};
pub use scan::{FileNote, InspectOptions, Inspection, Row, inspect};
pub use source::{Contents, Input, certificate_files, collect_inputs, decode};
pub use verify::{
    DEFAULT_MAX_DEPTH, Failure, PkiTrust, Purpose, Verdict, VerifyOptions, load_certificates,
    verify_der, verify_file, verify_files,
};
pub use verify_error::{CaProblem, ExtensionProblem, VerifyError};
