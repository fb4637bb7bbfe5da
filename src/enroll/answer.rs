//! Answering enrollment requests with the fleet's PKI: checks that need no state first, then,
//! with the PKI open once for the whole batch, what each device holds already, then one issuance
//! for every certificate the batch grants. Same profile rules as `pki sign`: the CSR's
//! self-signature is checked, CA rights are refused, and only its public key and CN are used.
//!
//! A device asks at most once per round (see [`super::batch::rounds`]): a second request of the
//! same device in one batch is answered in the next round, after the first one's certificate is
//! recorded, so it gets the answer it would get if it came a moment later.

use super::batch;
use super::policy::Policy;
use super::protocol::{Answer, Ask, MAX_PAYLOAD, Rejection, Verdict};
use crate::pki::{
    self, CsrRequest, Entry, IssueOptions, Passphrase, Pki, PkiError, Profile, Records, SigningCa,
};
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
    /// What went wrong inside the service, for the log only (never sent to the device).
    pub detail: Option<String>,
}

impl Outcome {
    /// Whether a certificate was issued for this request (false: an earlier one sent again, or
    /// a refusal).
    pub fn is_new(&self) -> bool {
        matches!(self.answer.verdict, Verdict::Issued { new: true, .. })
    }

    pub fn rejected(why: Rejection, message: impl Into<String>) -> Outcome {
        Outcome {
            answer: Answer::rejected(why, message),
            serial: None,
            detail: None,
        }
    }

    /// The service failed: the device is told to try again later, and nothing more (no path,
    /// no error text of the server's); the log gets `detail`.
    pub fn internal(detail: impl std::fmt::Display) -> Outcome {
        Outcome {
            detail: Some(detail.to_string()),
            ..Outcome::rejected(
                Rejection::Internal,
                "the service could not answer now; try again later",
            )
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
    let source = Path::new(req.ask.topic_level());
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
struct CurrentCert {
    entry: Entry,
    spki: Vec<u8>,
    pem: String,
}

/// A request that passed [`precheck`], waiting for the PKI.
struct Pending<'r> {
    /// Its place in the batch, which its answer keeps.
    index: usize,
    request: &'r Request,
    csr: CsrRequest,
}

/// What to do for a pending request, given what the device holds.
enum Decision {
    Send(CurrentCert),
    Issue,
    Refuse(Outcome),
}

/// What the records say of a request's revocations, before anything else is decided.
#[derive(Debug, Clone, Copy, Default)]
struct Standing {
    /// The CSR's key is that of a revoked certificate (any device's).
    key_revoked: bool,
    /// The device's newest certificate was revoked and no operator allowed it again.
    device_revoked: bool,
}

impl Standing {
    fn of(records: &dyn Records, device: &str, csr: &CsrRequest) -> Result<Standing, PkiError> {
        Ok(Standing {
            key_revoked: records.is_key_revoked(&pki::spki_sha256(&csr.spki_der))?,
            device_revoked: records
                .newest(device)?
                .is_some_and(|e| pki::blocks_enrollment(&e)),
        })
    }
}

fn decide(
    ask: Ask,
    csr: &CsrRequest,
    standing: Standing,
    current: Option<CurrentCert>,
    policy: &Policy,
    now: OffsetDateTime,
) -> Decision {
    // Revocation is final: a revoked key never again, whoever asks (and the message says
    // nothing of whose certificate it was); a revoked device until an operator allows it, with
    // its bootstrap PSK kept or not.
    if standing.key_revoked {
        return Decision::Refuse(Outcome::rejected(
            Rejection::RevokedKey,
            "this key belongs to a revoked certificate and is never certified again: \
             generate a new key",
        ));
    }
    if standing.device_revoked {
        return Decision::Refuse(Outcome::rejected(
            Rejection::Revoked,
            "this device's certificate was revoked: it enrolls again only once an operator \
             allows it",
        ));
    }
    let Some(held) = current else {
        return match ask {
            Ask::Enroll => Decision::Issue,
            Ask::Renew => Decision::Refuse(Outcome::rejected(
                Rejection::NotEnrolled,
                "no valid certificate to renew: enroll on /csr",
            )),
        };
    };
    let same_key = held.spki == csr.spki_der;
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

/// The answer carrying `entry`'s certificate; an error when its dates cannot be written.
fn issued(entry: &Entry, pem: String, chain: &str, new: bool, policy: &Policy) -> Outcome {
    let dates = entry
        .not_after
        .format(&Rfc3339)
        .and_then(|end| Ok((end, policy.renew_after(entry).format(&Rfc3339)?)));
    let (not_after, renew_after) = match dates {
        Ok(dates) => dates,
        Err(e) => {
            return Outcome::internal(format!(
                "the dates of certificate {} cannot be written: {e}",
                entry.serial
            ));
        }
    };
    Outcome {
        answer: Answer {
            verdict: Verdict::Issued {
                certificate: pem,
                chain: chain.to_string(),
                serial: entry.serial.to_string(),
                not_after,
                new,
                renew_after,
            },
            request_sha256: None,
        },
        serial: Some(entry.serial.to_string()),
        detail: None,
    }
}

/// The certificate in force for a device, when its file holds that certificate; a file that
/// is gone or holds another one counts as none (the device gets a new one).
fn current_certificate(pki: &Pki, entry: Entry) -> Option<CurrentCert> {
    use x509_parser::prelude::FromDer;
    let path = pki.layout().leaf_cert(&entry.name);
    let (pem, der) = match std::fs::read_to_string(&path) {
        Ok(pem) => {
            let der = pem::parse(&pem).ok()?.into_contents();
            (pem, der)
        }
        // Issued by another host sharing the records (PostgreSQL): the records' copy.
        Err(_) => {
            let der = pki.records().certificate_der(&entry.serial).ok()??;
            let block = pem::Pem::new("CERTIFICATE", der.clone());
            let lf = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
            (pem::encode_config(&block, lf), der)
        }
    };
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).ok()?;
    let spki = cert.public_key().raw.to_vec();
    (pki::Serial::from_bytes(cert.raw_serial()) == entry.serial).then_some(CurrentCert {
        entry,
        spki,
        pem,
    })
}

/// Answers `requests` with the PKI in `dir`, one answer per request, in their order. One lock
/// and one transaction per round; a device's second request in the batch waits for a later
/// round. A round the PKI fails is answered `internal-error`, request by request.
pub fn answer_batch(
    dir: &Path,
    passphrase: Option<&Passphrase>,
    policy: &Policy,
    requests: &[Request],
) -> Vec<Outcome> {
    let mut answered: Vec<(usize, Outcome)> = Vec::with_capacity(requests.len());
    let mut pending = Vec::new();
    for (index, request) in requests.iter().enumerate() {
        match precheck(request, policy) {
            Ok(csr) => pending.push(Pending {
                index,
                request,
                csr,
            }),
            Err((why, message)) => answered.push((index, Outcome::rejected(why, message))),
        }
    }
    for round in batch::rounds(pending, |p| p.request.device.as_str()) {
        let indices: Vec<usize> = round.iter().map(|p| p.index).collect();
        match answer_round(dir, passphrase, policy, round) {
            Ok(outcomes) => answered.extend(outcomes),
            Err(e) => answered.extend(indices.into_iter().map(|i| (i, Outcome::internal(&e)))),
        }
    }
    answered.sort_by_key(|(index, _)| *index);
    answered.into_iter().map(|(_, outcome)| outcome).collect()
}

/// One round: each device at most once.
fn answer_round(
    dir: &Path,
    passphrase: Option<&Passphrase>,
    policy: &Policy,
    round: Vec<Pending<'_>>,
) -> Result<Vec<(usize, Outcome)>, PkiError> {
    let mut pki = Pki::open(dir)?;
    let now = OffsetDateTime::now_utc();
    // The intermediate is only read (and its key decrypted) when some answer needs it.
    let mut ca: Option<SigningCa> = None;
    let mut answered = Vec::with_capacity(round.len());
    let mut to_issue: Vec<Pending<'_>> = Vec::new();
    for pending in round {
        let standing = Standing::of(pki.records(), &pending.request.device, &pending.csr)?;
        let current = pki
            .records()
            .in_force(&pending.request.device)?
            .filter(|e| e.not_after > now)
            .and_then(|e| current_certificate(&pki, e));
        match decide(
            pending.request.ask,
            &pending.csr,
            standing,
            current,
            policy,
            now,
        ) {
            Decision::Send(CurrentCert { entry, pem, .. }) => {
                let signing = match &ca {
                    Some(signing) => signing,
                    None => ca.insert(SigningCa::issuing(&pki, passphrase)?),
                };
                answered.push((
                    pending.index,
                    issued(&entry, pem, signing.chain_for_leaves(), false, policy),
                ));
            }
            Decision::Refuse(outcome) => answered.push((pending.index, outcome)),
            Decision::Issue => to_issue.push(pending),
        }
    }
    if to_issue.is_empty() {
        return Ok(answered);
    }
    let ca = match ca {
        Some(ca) => ca,
        None => SigningCa::issuing(&pki, passphrase)?,
    };
    let mut indices = Vec::with_capacity(to_issue.len());
    let mut leaf_requests = Vec::with_capacity(to_issue.len());
    for pending in to_issue {
        indices.push(pending.index);
        leaf_requests.push(pending.csr.into_leaf_request(
            Profile::Client,
            Some(pending.request.device.clone()),
            Vec::new(),
        )?);
    }
    let opts = IssueOptions {
        lifetime: policy.lifetime,
        force: true,
    };
    let certificates = pki::issue_with_pem(&mut pki, &ca, &leaf_requests, opts)?;
    for (index, (entry, pem)) in indices.into_iter().zip(certificates) {
        answered.push((
            index,
            issued(&entry, pem, ca.chain_for_leaves(), true, policy),
        ));
    }
    Ok(answered)
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

    fn csr_for(cn: &str, key: &rcgen::KeyPair) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        params.serialize_request(key).expect("csr").der().to_vec()
    }

    fn revoke(dir: &Path, name: &str, reason: pki::Reason) {
        let mut pki = Pki::open(dir).expect("open");
        let ca = SigningCa::issuing(&pki, None).expect("ca");
        pki::revoke(
            &mut pki,
            &ca,
            &[pki::RevokeTarget::Name(name.into())],
            reason,
            pki::DEFAULT_CRL_LIFETIME,
        )
        .expect("revoke");
    }

    fn allow(dir: &Path, name: &str) -> Vec<pki::Allowance> {
        let mut pki = Pki::open(dir).expect("open");
        pki::allow_again(&mut pki, &[name.to_string()], false).expect("allow")
    }

    fn code(device: &str, ask: Ask, payload: Vec<u8>) -> Option<&'static str> {
        let req = Request {
            device: device.into(),
            ask,
            payload,
        };
        precheck(&req, &policy()).err().map(|(why, _)| why.code())
    }

    fn request(device: &str, ask: Ask, payload: &[u8]) -> Request {
        Request {
            device: device.into(),
            ask,
            payload: payload.to_vec(),
        }
    }

    fn pki() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().expect("tempdir");
        let opts = crate::pki::InitOptions {
            name: "Test CA".into(),
            key: KeyAlgorithm::P256,
            root_lifetime: "3650d".parse().expect("lifetime"),
            intermediate_lifetime: "1825d".parse().expect("lifetime"),
            intermediate: true,
            passphrase: None,
            hsm: None,
            records: None,
        };
        crate::pki::init(&tmp.path().join("pki"), &opts).expect("pki init");
        tmp
    }

    fn status(o: &Outcome) -> (&'static str, bool) {
        (o.answer.code().unwrap_or("issued"), o.is_new())
    }

    #[test]
    fn a_device_twice_in_one_batch_gets_an_answer_each() {
        let tmp = pki();
        let dir = tmp.path().join("pki");
        let key = csr("dev1", KeyAlgorithm::P256);
        let other = csr("dev1", KeyAlgorithm::P256);
        let requests = [
            request("dev1", Ask::Enroll, &key),
            request("dev1", Ask::Enroll, &key),
            request("dev1", Ask::Enroll, &other),
            request("dev1", Ask::Enroll, b"garbage"),
        ];
        let outcomes = answer_batch(&dir, None, &policy(), &requests);
        let got: Vec<_> = outcomes.iter().map(status).collect();
        assert_eq!(
            got,
            [
                ("issued", true),
                // The same key again: the certificate just issued, sent again.
                ("issued", false),
                ("already-enrolled", false),
                ("not-a-csr", false),
            ]
        );
        assert_eq!(outcomes[0].serial, outcomes[1].serial);
        let Verdict::Issued {
            certificate,
            chain,
            new,
            ..
        } = &outcomes[0].answer.verdict
        else {
            unreachable!()
        };
        assert!(certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(chain.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(*new);
        assert!(matches!(
            &outcomes[1].answer.verdict,
            Verdict::Issued { new: false, .. }
        ));
    }

    #[test]
    fn a_revoked_device_waits_for_an_operator_and_its_key_never_comes_back() {
        let tmp = pki();
        let dir = tmp.path().join("pki");
        let mut policy = policy();
        policy.enrollers = Some(["dev1".to_string(), "dev2".to_string()].into());
        let old = KeyAlgorithm::P256.generate().expect("key");
        let new = KeyAlgorithm::P256.generate().expect("key");
        let ask = |device: &str, ask: Ask, key: &rcgen::KeyPair| {
            let outcomes = answer_batch(
                &dir,
                None,
                &policy,
                &[request(device, ask, &csr_for(device, key))],
            );
            status(&outcomes[0])
        };
        assert_eq!(ask("dev1", Ask::Enroll, &old), ("issued", true));
        revoke(&dir, "dev1", pki::Reason::KeyCompromise);

        // The same key: refused forever, on either topic, and from any device.
        assert_eq!(ask("dev1", Ask::Enroll, &old), ("revoked-key", false));
        assert_eq!(ask("dev1", Ask::Renew, &old), ("revoked-key", false));
        assert_eq!(ask("dev2", Ask::Enroll, &old), ("revoked-key", false));
        // A new key: the device waits for an operator.
        assert_eq!(ask("dev1", Ask::Enroll, &new), ("revoked", false));
        assert_eq!(ask("dev1", Ask::Renew, &new), ("revoked", false));
        // Another device is not held back by dev1's revocation.
        assert_eq!(ask("dev2", Ask::Enroll, &new), ("issued", true));

        let allowed = allow(&dir, "dev1");
        assert!(matches!(&allowed[..], [pki::Allowance::Allowed { name, .. }] if name == "dev1"));
        // dev2 holds `new` now (a key in force, not revoked): dev1 enrolls with a third one.
        let third = KeyAlgorithm::P256.generate().expect("key");
        assert_eq!(ask("dev1", Ask::Enroll, &old), ("revoked-key", false));
        assert_eq!(ask("dev1", Ask::Enroll, &third), ("issued", true));
        // Allowing twice changes nothing more.
        assert!(matches!(
            &allow(&dir, "dev1")[..],
            [pki::Allowance::NotRevoked { .. }]
        ));

        // Revoked again (any reason): blocked again, the allowance was for the first one.
        revoke(&dir, "dev1", pki::Reason::CessationOfOperation);
        let fourth = KeyAlgorithm::P256.generate().expect("key");
        assert_eq!(ask("dev1", Ask::Enroll, &fourth), ("revoked", false));
        assert_eq!(ask("dev1", Ask::Enroll, &third), ("revoked-key", false));
    }

    #[test]
    fn a_device_never_revoked_is_not_held_back() {
        let tmp = pki();
        let dir = tmp.path().join("pki");
        let key = KeyAlgorithm::P256.generate().expect("key");
        let outcomes = answer_batch(
            &dir,
            None,
            &policy(),
            &[request("dev1", Ask::Enroll, &csr_for("dev1", &key))],
        );
        assert_eq!(status(&outcomes[0]), ("issued", true));
        let pki = Pki::open(&dir).expect("open");
        let entry = pki.records().newest("dev1").expect("newest").expect("dev1");
        assert_eq!(
            entry.spki_sha256.as_deref(),
            Some(pki::spki_sha256(&rcgen::PublicKeyData::subject_public_key_info(&key)).as_str())
        );
        assert!(!pki::blocks_enrollment(&entry));
    }

    #[test]
    fn a_pki_that_fails_answers_internal_error_with_the_detail_for_the_log() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let requests = [
            request("dev1", Ask::Enroll, &csr("dev1", KeyAlgorithm::P256)),
            request("dev2", Ask::Enroll, &csr("dev2", KeyAlgorithm::P256)),
        ];
        let outcomes = answer_batch(&tmp.path().join("none"), None, &policy(), &requests);
        assert_eq!(status(&outcomes[0]), ("internal-error", false));
        assert!(outcomes[0].detail.is_some());
        // Refused before the PKI is touched: no internal error for it.
        assert_eq!(status(&outcomes[1]), ("unknown-device", false));
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
