//! Finding certificates: files and directory trees, PEM (single, bundles, with text around the
//! blocks) and DER. Anything else is described precisely instead of failing the whole run.

use std::path::{Path, PathBuf};
use x509_parser::prelude::{FromDer, X509Certificate};

/// A file to look at, and whether the user named it (then anything but a certificate is a
/// problem) or a directory walk found it (then keys, CSRs and other files are skipped).
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub named: bool,
}

/// What a file turned out to hold.
#[derive(Debug)]
pub enum Contents<T> {
    /// What `read` made of each certificate, in file order.
    Certificates(Vec<T>),
    /// Not a certificate and not expected to be one (a key found by a directory walk, say).
    Skipped(String),
    /// Expected a certificate and could not get one.
    Problem(String),
}

/// Expands directories (recursively, in name order) into the files they hold. A path that does
/// not exist becomes a problem for that path.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let mut inputs = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut inputs, &mut missing),
            Ok(_) => inputs.push(Input {
                path: path.clone(),
                named: true,
            }),
            Err(e) => missing.push((path.clone(), format!("cannot read: {e}"))),
        }
    }
    (inputs, missing)
}

/// The files `verify` checks for `paths`: files as named; in directories, the files that hold
/// certificates (keys, CSRs and CRLs beside them are passed over, as `inspect` passes them).
/// A named path that cannot be read is returned as a problem.
pub fn certificate_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, (PathBuf, String)> {
    let (inputs, problems) = collect_inputs(paths);
    if let Some(problem) = problems.into_iter().next() {
        return Err(problem);
    }
    Ok(inputs
        .into_iter()
        .filter(|input| {
            input.named
                || crate::input::read(&input.path, crate::input::Kind::Certificates).is_ok_and(
                    |bytes| matches!(decode(input, &bytes, |_, _| ()), Contents::Certificates(_)),
                )
        })
        .map(|input| input.path)
        .collect())
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, problems: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().collect(),
        Err(e) => {
            problems.push((dir.to_path_buf(), format!("cannot read directory: {e}")));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, inputs, problems);
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            // Symlinked directories are not followed: they can loop.
            inputs.push(Input { path, named: false });
        }
    }
}

fn looks_like_certificate_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("crt" | "cer" | "pem" | "der")
    )
}

fn describe_block(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "PRIVATE KEY" | "EC PRIVATE KEY" | "RSA PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
            "a private key, not a certificate"
        }
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            "a certificate signing request (CSR), not a certificate"
        }
        "X509 CRL" => "a certificate revocation list, not a certificate",
        "PUBLIC KEY" => "a public key, not a certificate",
        _ => return None,
    })
}

/// Decodes what `bytes` (the contents of `input`) hold, handing each certificate to `read`
/// (so each is parsed once).
pub fn decode<T>(
    input: &Input,
    bytes: &[u8],
    read: impl Fn(&[u8], &X509Certificate<'_>) -> T,
) -> Contents<T> {
    let strict = input.named || looks_like_certificate_file(&input.path);
    let refuse = |why: String| {
        if strict {
            Contents::Problem(why)
        } else {
            Contents::Skipped(why)
        }
    };
    if bytes.is_empty() {
        return refuse("empty file".into());
    }
    if bytes[0] == 0x30 {
        return match parse_der(bytes) {
            Ok(cert) => Contents::Certificates(vec![read(bytes, &cert)]),
            Err(why) => refuse(format!("binary data that is not a DER certificate: {why}")),
        };
    }
    let has_cert_marker = contains(bytes, b"-----BEGIN CERTIFICATE-----")
        || contains(bytes, b"-----BEGIN X509 CERTIFICATE-----")
        || contains(bytes, b"-----BEGIN TRUSTED CERTIFICATE-----");
    let blocks = match pem::parse_many(bytes) {
        Ok(blocks) => blocks,
        Err(e) if has_cert_marker => return Contents::Problem(format!("damaged PEM: {e}")),
        Err(e) => return refuse(format!("damaged PEM: {e}")),
    };
    let mut certs = Vec::new();
    let mut other = None;
    for (n, block) in blocks.iter().enumerate() {
        match block.tag() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                match parse_der(block.contents()) {
                    Ok(cert) => certs.push(read(block.contents(), &cert)),
                    Err(why) => {
                        return Contents::Problem(format!(
                            "PEM block {}: not a valid certificate: {why}",
                            n + 1
                        ));
                    }
                }
            }
            tag => other = other.or(Some(tag.to_string())),
        }
    }
    if !certs.is_empty() {
        return Contents::Certificates(certs);
    }
    if has_cert_marker {
        return Contents::Problem("truncated PEM: a BEGIN CERTIFICATE line without its END".into());
    }
    match other {
        // Keys, CSRs and CRLs are expected company in a certificate directory, whatever their
        // file names say.
        Some(tag) => match describe_block(&tag) {
            Some(what) if !input.named => Contents::Skipped(what.to_string()),
            Some(what) => Contents::Problem(what.to_string()),
            None => refuse(format!("a PEM {tag} block, not a certificate")),
        },
        None if contains(bytes, b"-----BEGIN") => {
            refuse("truncated PEM: a BEGIN line without its END".into())
        }
        None => refuse("neither PEM nor DER: no certificate in it".into()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn parse_der(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    crate::strict_der::check(der)?;
    crate::strict_der::check_signed(der, crate::strict_der::Signed::Certificate)?;
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err("trailing bytes after the certificate".into()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(p: &str) -> Input {
        Input {
            path: PathBuf::from(p),
            named: true,
        }
    }

    #[test]
    fn describes_what_is_not_a_certificate() {
        let cases: [(&[u8], &str); 5] = [
            (b"", "empty"),
            (b"hello world", "neither PEM nor DER"),
            (b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n", "private key"),
            (b"-----BEGIN CERTIFICATE-----\nMIIB\n", "truncated"),
            (b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "PEM"),
        ];
        for (bytes, expected) in cases {
            match decode(&named("x.pem"), bytes, |_, _| ()) {
                Contents::Problem(why) => assert!(why.contains(expected), "{why}"),
                other => panic!("{expected}: {other:?}"),
            }
        }
        let walked = Input {
            path: PathBuf::from("key.txt"),
            named: false,
        };
        assert!(matches!(
            decode(
                &walked,
                b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
                |_, _| ()
            ),
            Contents::Skipped(_)
        ));
    }
}
