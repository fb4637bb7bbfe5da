//! Answering enrollment requests with the fleet's PKI: checks that need no state first, then,
//! with the PKI open once for the whole batch, what each device holds already, then one issuance
//! for every certificate the batch grants. Same profile rules as `pki sign`: the CSR's
//! self-signature is checked, CA rights are refused, and only its public key and CN are used.

use super::policy::Policy;
use super::protocol::{Answer, Ask, MAX_PAYLOAD, Rejection};
use crate::pki::{
    self, CsrRequest, Entry, IssueOptions, Passphrase, Pki, PkiError, Profile, SigningCa,
};
use std::collections::HashSet;
use std::path::Path;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One request as it came off the broker.
#[derive(Debug, Clone)]
pub struct Request {
    pub device: String,
    pub ask: Ask,
    pub payload: Vec<u8>,
}

/// What became of a request, for the answer and the log.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub answer: Answer,
    /// The serial of the certificate sent (new or the one the device holds already).
    pub serial: Option<String>,
    /// Whether a certificate was issued for this request (false: an earlier one sent again).
    pub issued: bool,
}

impl Outcome {
    fn rejected(why: Rejection, message: impl Into<String>) -> Outcome {
        Outcome {
            answer: Answer::rejected(why, message),
            serial: None,
            issued: false,
        }
    }
}

fn refuse(why: Rejection, message: impl Into<String>) -> (Rejection, String) {
    (why, message.into())
}

/// The checks that need no PKI: size, device id, the CSR itself, its CN, its key type, and
/// whether this device may enroll at all.
pub fn precheck(req: &Request, policy: &Policy) -> Result<CsrRequest, (Rejection, String)> {
    if req.payload.len() > MAX_PAYLOAD {
        return Err(refuse(
            Rejection::TooLarge,
            format!("requests are at most {MAX_PAYLOAD} bytes"),
        ));
    }
    crate::names::validate_cert_name(&req.device)
        .map_err(|e| refuse(Rejection::BadDeviceId, e.to_string()))?;
    let source = Path::new(req.ask.id());
    let csr = pki::parse_csr(&req.payload, source).map_err(|e| {
        let text = String::from_utf8_lossy(&req.payload);
        let message = match &e {
            PkiError::Csr { message, .. } => message.clone(),
            other => other.to_string(),
        };
        let looks_like_csr =
            text.contains("CERTIFICATE REQUEST") || req.payload.first() == Some(&0x30);
        if looks_like_csr {
            refuse(Rejection::BadCsr, message)
        } else {
            refuse(
                Rejection::NotACsr,
                "expected a certificate signing request (PEM or DER)",
            )
        }
    })?;
    // An empty or absent CN is filled in with the device id.
    if let Some(cn) = &csr.common_name
        && !cn.is_empty()
        && cn != &req.device
    {
        return Err(refuse(
            Rejection::CnMismatch,
            format!("the request's CN must be the device id {:?}", req.device),
        ));
    }
    if !policy.keys.contains(&csr.algorithm) {
        return Err(refuse(
            Rejection::KeyNotAllowed,
            format!(
                "{} keys are not certified here; allowed: {}",
                csr.algorithm.label(),
                policy
                    .keys
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if req.ask == Ask::Enroll && !policy.may_enroll(&req.device) {
        return Err(refuse(
            Rejection::UnknownDevice,
            "this device may not enroll",
        ));
    }
    if req.ask == Ask::Renew && !policy.may_renew(&req.device) {
        return Err(refuse(
            Rejection::UnknownDevice,
            "this device does not renew here: it is not in a group that enrolls",
        ));
    }
    Ok(csr)
}

/// The certificate a device holds now: its record, its public key (SPKI DER) and its PEM.
struct Held {
    entry: Entry,
    key: Vec<u8>,
    pem: String,
}

/// What to do for a request that passed [`precheck`], given what the device holds.
enum Decision {
    Send(Held),
    Issue,
    Refuse(Outcome),
}

fn decide(
    ask: Ask,
    csr: &CsrRequest,
    current: Option<Held>,
    policy: &Policy,
    now: OffsetDateTime,
) -> Decision {
    let Some(held) = current else {
        return match ask {
            Ask::Enroll => Decision::Issue,
            Ask::Renew => Decision::Refuse(Outcome::rejected(
                Rejection::NotEnrolled,
                "no valid certificate to renew: enroll on /csr",
            )),
        };
    };
    let same_key = held.key == csr.spki_der;
    match ask {
        // The same key again: the answer was lost; send it again rather than certify twice.
        Ask::Enroll if same_key => Decision::Send(held),
        Ask::Enroll if policy.reenroll => Decision::Issue,
        Ask::Enroll => Decision::Refuse(Outcome::rejected(
            Rejection::AlreadyEnrolled,
            "this device holds a valid certificate for another key: renew on /renew",
        )),
        Ask::Renew if !same_key => Decision::Issue,
        Ask::Renew if policy.renewal_due(&held.entry, now) => Decision::Issue,
        // Not due: what it holds is the answer (a renewal whose answer was lost lands here).
        Ask::Renew => Decision::Send(held),
    }
}

fn issued(entry: &Entry, pem: String, chain: &str, new: bool) -> Outcome {
    Outcome {
        answer: Answer::Issued {
            certificate: pem,
            chain: chain.to_string(),
            serial: entry.serial.to_string(),
            not_after: entry.not_after.format(&Rfc3339).unwrap_or_default(),
        },
        serial: Some(entry.serial.to_string()),
        issued: new,
    }
}

/// The certificate file of `entry`, when it holds that certificate.
fn held(pki: &Pki, entry: Entry) -> Option<Held> {
    use x509_parser::prelude::FromDer;
    let path = pki.layout().leaf_cert(&entry.name);
    let pem = std::fs::read_to_string(path).ok()?;
    let der = pem::parse(&pem).ok()?.into_contents();
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).ok()?;
    let key = cert.public_key().raw.to_vec();
    (pki::Serial::from_bytes(cert.raw_serial()) == entry.serial).then_some(Held { entry, key, pem })
}

/// Answers `requests` (each device at most once: callers keep later requests of a device for
/// the next batch) with the PKI in `dir`. One lock, one transaction for the whole batch.
pub fn answer_batch(
    dir: &Path,
    passphrase: Option<&Passphrase>,
    policy: &Policy,
    requests: &[Request],
) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; requests.len()];
    let mut csrs: Vec<Option<CsrRequest>> = Vec::with_capacity(requests.len());
    for (i, req) in requests.iter().enumerate() {
        match precheck(req, policy) {
            Ok(csr) => csrs.push(Some(csr)),
            Err((why, message)) => {
                outcomes[i] = Some(Outcome::rejected(why, message));
                csrs.push(None);
            }
        }
    }
    if csrs.iter().any(Option::is_some)
        && let Err(e) = with_pki(dir, passphrase, policy, requests, &mut csrs, &mut outcomes)
    {
        for (i, csr) in csrs.iter().enumerate() {
            if csr.is_some() && outcomes[i].is_none() {
                outcomes[i] = Some(Outcome::rejected(
                    Rejection::Internal,
                    format!("the service could not issue now ({e}); try again later"),
                ));
            }
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::rejected(Rejection::Internal, "not answered")))
        .collect()
}

fn with_pki(
    dir: &Path,
    passphrase: Option<&Passphrase>,
    policy: &Policy,
    requests: &[Request],
    csrs: &mut [Option<CsrRequest>],
    outcomes: &mut [Option<Outcome>],
) -> Result<(), PkiError> {
    let mut pki = Pki::open(dir)?;
    let now = OffsetDateTime::now_utc();
    // The intermediate is only read (and its key decrypted) when some answer needs it.
    let mut ca: Option<SigningCa> = None;
    let mut to_issue = Vec::new();
    let mut seen = HashSet::new();
    for (i, req) in requests.iter().enumerate() {
        let Some(csr) = &csrs[i] else { continue };
        if !seen.insert(req.device.as_str()) {
            return Err(PkiError::DuplicateName {
                name: req.device.clone(),
            });
        }
        let current = pki
            .records()
            .in_force(&req.device)?
            .filter(|e| e.not_after > now)
            .and_then(|e| held(&pki, e));
        match decide(req.ask, csr, current, policy, now) {
            Decision::Send(Held { entry, pem, .. }) => {
                if ca.is_none() {
                    ca = Some(SigningCa::issuing(&pki, passphrase)?);
                }
                let chain = ca.as_ref().map_or("", SigningCa::chain_for_leaves);
                outcomes[i] = Some(issued(&entry, pem, chain, false));
            }
            Decision::Refuse(outcome) => outcomes[i] = Some(outcome),
            Decision::Issue => to_issue.push(i),
        }
    }
    if to_issue.is_empty() {
        return Ok(());
    }
    let ca = match ca {
        Some(ca) => ca,
        None => SigningCa::issuing(&pki, passphrase)?,
    };
    let leaf_requests = to_issue
        .iter()
        .map(|&i| {
            let csr = csrs[i].take().ok_or_else(|| PkiError::DuplicateName {
                name: requests[i].device.clone(),
            })?;
            csr.into_leaf_request(
                Profile::Client,
                Some(requests[i].device.clone()),
                Vec::new(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let opts = IssueOptions {
        lifetime: policy.lifetime,
        force: true,
    };
    let entries = pki::issue(&mut pki, &ca, &leaf_requests, opts, &|_| {})?;
    for (&i, entry) in to_issue.iter().zip(&entries) {
        let pem = std::fs::read_to_string(pki.layout().leaf_cert(&entry.name)).unwrap_or_default();
        outcomes[i] = Some(issued(entry, pem, ca.chain_for_leaves(), true));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::KeyAlgorithm;

    fn policy() -> Policy {
        Policy {
            lifetime: "30d".parse().expect("lifetime"),
            renew_window: 1.0 / 3.0,
            keys: vec![KeyAlgorithm::P256],
            enrollers: Some(["dev1".to_string()].into_iter().collect()),
            renewers: None,
            reenroll: false,
        }
    }

    fn csr(cn: &str, alg: KeyAlgorithm) -> Vec<u8> {
        let key = alg.generate().expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        params.serialize_request(&key).expect("csr").der().to_vec()
    }

    fn code(device: &str, ask: Ask, payload: Vec<u8>) -> Option<&'static str> {
        let req = Request {
            device: device.into(),
            ask,
            payload,
        };
        precheck(&req, &policy()).err().map(|(why, _)| why.code())
    }

    #[test]
    fn refusals_before_the_pki() {
        assert_eq!(
            code("dev1", Ask::Enroll, csr("dev1", KeyAlgorithm::P256)),
            None
        );
        assert_eq!(code("dev1", Ask::Enroll, csr("", KeyAlgorithm::P256)), None);
        assert_eq!(
            code("dev1", Ask::Enroll, csr("dev2", KeyAlgorithm::P256)),
            Some("cn-mismatch")
        );
        assert_eq!(
            code("dev1", Ask::Enroll, csr("dev1", KeyAlgorithm::P384)),
            Some("key-not-allowed")
        );
        assert_eq!(
            code("dev2", Ask::Enroll, csr("dev2", KeyAlgorithm::P256)),
            Some("unknown-device")
        );
        // Renewals are not limited to the enrolling devices.
        assert_eq!(
            code("dev2", Ask::Renew, csr("dev2", KeyAlgorithm::P256)),
            None
        );
        assert_eq!(
            code("dev 1", Ask::Enroll, csr("dev 1", KeyAlgorithm::P256)),
            Some("bad-device-id")
        );
        let mut tampered = csr("dev1", KeyAlgorithm::P256);
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(code("dev1", Ask::Enroll, tampered), Some("bad-csr"));
        assert_eq!(
            code("dev1", Ask::Enroll, b"hello".to_vec()),
            Some("not-a-csr")
        );
        assert_eq!(
            code("dev1", Ask::Enroll, vec![b'A'; MAX_PAYLOAD + 1]),
            Some("too-large")
        );
    }
}
