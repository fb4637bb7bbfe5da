//! `pki init`: the root CA and the intermediate that issues leaves.

use super::PkiCommon;
use crate::cli::args::choice;
use crate::cli::output::date;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::{self, KeyAlgorithm, Profile};

#[derive(Debug, Args)]
#[command(
    after_help = "Writes ca.crt, ca.key, intermediate.crt, intermediate.key, chain.pem \
    and pki.db (the records) in the PKI directory; refuses to run over an existing PKI.\n\n\
    Examples:\n  \
    mqauth pki init --name \"Acme Fleet CA\"\n  \
    mqauth pki init --key rsa3072 --lifetime 20y --intermediate-lifetime 5y\n  \
    mqauth pki init --passphrase-file ca.pass      # CA keys encrypted (PBES2)\n  \
    mqauth pki init --hsm 'pkcs11:token=fleet;object=root' --pin-file fleet.pin \\\n    \
    --pkcs11-module /usr/lib/softhsm/libsofthsm2.so   # CA keys in a token (docs/hsm.md)\n  \
    mqauth pki init --records postgres://mqauth@db.example/pki \\\n      \
    --records-password-file db.pass            # records in PostgreSQL (docs/postgres.md)"
)]
pub(super) struct InitArgs {
    /// Common Name of the root CA (the intermediate gets "<NAME> Intermediate"); printable
    /// text, at most 64 characters with the suffix
    #[arg(long, default_value = pki::DEFAULT_CA_NAME)]
    name: String,
    /// Key type of the CAs, and the default for keys issued later
    #[arg(long, default_value = "p256", value_parser = choice::<KeyAlgorithm>())]
    key: KeyAlgorithm,
    /// Lifetime of the root CA (e.g. 3650d, 10y)
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, default_value_t = Profile::Root.default_lifetime(), value_name = "DURATION")]
    days: Lifetime,
    /// Lifetime of the intermediate CA
    #[arg(long = "intermediate-lifetime", visible_alias = "intermediate-days", value_parser = lifetime::positive, default_value_t = Profile::Intermediate.default_lifetime(), value_name = "DURATION")]
    intermediate_days: Lifetime,
    /// Issue leaves directly from the root (no intermediate CA)
    #[arg(long)]
    no_intermediate: bool,
    /// Keep the root CA's key in a PKCS#11 token (RFC 7512 URI naming token and object, e.g.
    /// 'pkcs11:token=fleet;object=root'): the key is generated there, or used if the token
    /// already holds it; no CA key file is written (docs/hsm.md)
    #[arg(long, value_name = "URI", value_parser = parse_uri)]
    hsm: Option<pki::Pkcs11Uri>,
    /// The intermediate's key in a token [default: the --hsm URI with object <object>-issuing]
    #[arg(long, value_name = "URI", value_parser = parse_uri, requires = "hsm", conflicts_with = "no_intermediate")]
    intermediate_hsm: Option<pki::Pkcs11Uri>,
    /// The PKCS#11 module (shared library) that reaches the token; recorded for later
    /// commands (unused without --hsm)
    #[arg(long, value_name = "PATH", env = pki::MODULE_ENV)]
    pkcs11_module: Option<std::path::PathBuf>,
    /// File whose first line is the token's user PIN (or pin-source in the URI); later commands
    /// read MQAUTH_PKCS11_PIN_FILE (unused without --hsm)
    #[arg(long, value_name = "FILE", env = pki::PIN_FILE_ENV)]
    pin_file: Option<std::path::PathBuf>,
    /// Keep the records in this PostgreSQL database (postgres://USER@HOST[:PORT]/DB, no
    /// password in it) instead of pki.db; the directory names it in records.url
    #[arg(long, env = "MQAUTH_RECORDS", value_name = "URL")]
    records: Option<String>,
    /// File holding the database's password (kept as private/records.password); without it
    /// PGPASSFILE or ~/.pgpass is read
    #[arg(long, value_name = "FILE", requires = "records")]
    records_password_file: Option<std::path::PathBuf>,
}

fn parse_uri(text: &str) -> Result<pki::Pkcs11Uri, String> {
    pki::Pkcs11Uri::parse(text).map_err(|e| e.to_string())
}

/// The PostgreSQL database named by `url` (no password in it), with the password from `file`.
pub(super) fn server_records(
    url: &str,
    file: Option<&std::path::Path>,
) -> Result<pki::ServerRecords, CliError> {
    let password = match file {
        Some(file) => Some(zeroize::Zeroizing::new(pki::trim_newline(
            std::fs::read(file).map_err(|e| mqauth::atomic::FileError::io("read", file, e))?,
        ))),
        None => None,
    };
    let location = pki::PgLocation::parse(url, password.as_ref().map(|p| p.as_slice()))
        .map_err(|e| pki::PkiError::from(pki::RecordsError::from(e)))?;
    Ok(pki::ServerRecords { location, password })
}

pub(super) fn run(common: &PkiCommon, a: InitArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let pass = common.passphrase(ui)?;
    let server = match &a.records {
        None => None,
        Some(url) => Some(server_records(url, a.records_password_file.as_deref())?),
    };
    let opts = pki::InitOptions {
        name: a.name,
        key: a.key,
        root_lifetime: a.days,
        intermediate_lifetime: a.intermediate_days,
        intermediate: !a.no_intermediate,
        passphrase: pass.as_ref(),
        hsm: a.hsm.map(|root| pki::HsmPlan {
            access: pki::TokenAccess {
                module: a.pkcs11_module,
                pin_file: a.pin_file,
            },
            root,
            intermediate: a.intermediate_hsm,
        }),
        records: server.as_ref(),
    };
    let pki = pki::init(common.dir(), &opts)?;
    let layout = pki.layout();
    let mut lines = vec![format!("created PKI in {}", layout.dir().display())];
    let created = pki.records().snapshot().map_err(pki::PkiError::from)?;
    for e in &created.certificates {
        let file = match e.profile {
            Profile::Root => layout.ca_cert(),
            _ => layout.intermediate_cert(),
        };
        lines.push(format!(
            "  {:<13} {}  {}, {}, valid until {}",
            e.profile.id(),
            file.display(),
            e.subject,
            e.key.label(),
            date(e.not_after)
        ));
    }
    lines.push(format!(
        "  {:<13} {}  (the broker's cafile)",
        "chain",
        layout.chain().display()
    ));
    let keys = pki::CaKeyLocations::read(layout)?;
    for (profile, loc) in [
        (Profile::Root, &keys.root),
        (Profile::Intermediate, &keys.intermediate),
    ] {
        if let Some(loc) = loc {
            lines.push(format!(
                "  {:<13} key in {}  (never in a file)",
                profile.id(),
                loc.uri
            ));
        }
    }
    if let Some(server) = &server {
        lines.push(format!(
            "  {:<13} {}  (in PostgreSQL at {})",
            "records",
            layout.records_url().display(),
            server.location.url
        ));
    }
    if pass.is_some() {
        lines.push("  CA keys are encrypted with the passphrase".into());
    }
    ui.summary(lines.join("\n"));
    Ok(ExitStatus::Success)
}
