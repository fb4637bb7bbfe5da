//! `pki hsm import`: move an existing PKI's CA key from its file into a PKCS#11 token.

use super::{PkiCommon, open_pki};
use crate::cli::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};
use mqauth::pki::{self, Profile};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth pki hsm import --hsm 'pkcs11:token=fleet;object=issuing' --pin-file fleet.pin")]
pub(super) struct HsmArgs {
    #[command(subcommand)]
    verb: HsmVerb,
}

#[derive(Debug, Subcommand)]
enum HsmVerb {
    /// Move a CA key from its file into a token; the file is removed once a test signature
    /// through the token verifies
    Import(ImportArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "The key was a file, so the token records it as neither always \
    sensitive nor never extractable: a key generated in the token (pki init --hsm) is the \
    stronger choice (docs/hsm.md).\n\n\
    Examples:\n  \
    mqauth pki hsm import --ca intermediate --hsm 'pkcs11:token=fleet;object=issuing' \\\n    \
    --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --pin-file fleet.pin"
)]
struct ImportArgs {
    /// Which CA's key
    #[arg(long, value_parser = ["root", "intermediate"], default_value = "intermediate")]
    ca: String,
    /// Where to put the key: an RFC 7512 URI naming the token and a new object
    #[arg(long, value_name = "URI", value_parser = parse_uri)]
    hsm: pki::Pkcs11Uri,
    /// The PKCS#11 module (shared library) that reaches the token; recorded for later commands
    #[arg(long, value_name = "PATH", env = pki::MODULE_ENV)]
    pkcs11_module: Option<std::path::PathBuf>,
    /// File whose first line is the token's user PIN (or pin-source in the URI)
    #[arg(long, value_name = "FILE", env = pki::PIN_FILE_ENV)]
    pin_file: Option<std::path::PathBuf>,
}

fn parse_uri(text: &str) -> Result<pki::Pkcs11Uri, String> {
    pki::Pkcs11Uri::parse(text).map_err(|e| e.to_string())
}

pub(super) fn run(common: &PkiCommon, a: HsmArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let HsmVerb::Import(a) = a.verb;
    let pass = common.passphrase(ui)?;
    let mut pki = open_pki(common, ui)?;
    let profile = match a.ca.as_str() {
        "root" => Profile::Root,
        _ => Profile::Intermediate,
    };
    let access = pki::TokenAccess {
        module: a.pkcs11_module,
        pin_file: a.pin_file,
    };
    let done = pki::import_ca_key(&mut pki, profile, pass.as_ref(), &access, &a.hsm)?;
    ui.summary(format!(
        "the {} key is now in {} (a test signature verified)\n  removed {}",
        done.profile.id(),
        done.uri,
        done.removed.display()
    ));
    Ok(ExitStatus::Success)
}
