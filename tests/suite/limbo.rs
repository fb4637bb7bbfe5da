//! The x509-limbo path-validation suite (https://github.com/C2SP/x509-limbo) through the library's
//! verifier, each testcase against its known right answer, with and without `--strict`.
//!
//! Opt-in, as the suite is a 1.4 MB download: `MQAUTH_LIMBO=/path/to/limbo.json cargo test
//! --test suite limbo`. Without the variable the suite test says so and passes; the harness
//! itself is always tested on a small synthetic suite. Cases where mqauth knowingly differs
//! from the expected answer are listed, each with its reason, in
//! tests/data/limbo-exceptions.json; a divergence not listed there, or a listed one that no
//! longer diverges, fails the test. (`benches/limbo.py` runs the CLI and `openssl verify` side
//! by side on the same file.)

use mqauth::inspect::{self, CrlSet, PeerName, Purpose, VerifyOptions};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The parts of limbo's schema (limbo-schema.json) the harness reads.
#[derive(Deserialize, Serialize)]
struct Limbo {
    testcases: Vec<Testcase>,
}

#[derive(Deserialize, Serialize)]
struct Testcase {
    id: String,
    /// SERVER or CLIENT.
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    /// RFC 3339; absent means now.
    validation_time: Option<String>,
    /// SUCCESS or FAILURE.
    expected_result: String,
    expected_peer_name: Option<PeerNameCase>,
    max_chain_depth: Option<usize>,
    crls: Vec<String>,
}

#[derive(Deserialize, Serialize)]
struct PeerNameCase {
    /// DNS, IP or RFC822.
    kind: String,
    value: String,
}

/// tests/data/limbo-exceptions.json: per mode, the testcases where mqauth's answer is not the
/// expected one, and why.
#[derive(Deserialize)]
struct Exceptions {
    default: Vec<Exception>,
    strict: Vec<Exception>,
}

#[derive(Deserialize)]
struct Exception {
    id: String,
    reason: String,
}

fn exceptions_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/limbo-exceptions.json")
}

fn load_exceptions() -> Exceptions {
    let text = std::fs::read_to_string(exceptions_path()).expect("limbo-exceptions.json");
    serde_json::from_str(&text).expect("limbo-exceptions.json is well formed")
}

/// Whether mqauth accepts the testcase's chain, given as `mqauth verify` would be given it
/// (the flags of benches/limbo.py). Anything `verify` would refuse to run on is a rejection.
fn accepts(tc: &Testcase, strict: bool, work: &Path) -> bool {
    let write = |name: &str, pems: &[String]| {
        let path = work.join(name);
        std::fs::write(&path, pems.concat()).expect("write");
        path
    };
    let peer = write("peer.pem", std::slice::from_ref(&tc.peer_certificate));
    let anchors = inspect::load_certificates(&write("trusted.pem", &tc.trusted_certs));
    let untrusted = if tc.untrusted_intermediates.is_empty() {
        Ok(Vec::new())
    } else {
        inspect::load_certificates(&write("untrusted.pem", &tc.untrusted_intermediates))
    };
    let crls = if tc.crls.is_empty() {
        Ok(CrlSet::default())
    } else {
        CrlSet::load(&[write("crls.pem", &tc.crls)])
    };
    let (Ok(anchors), Ok(untrusted), Ok(crls)) = (anchors, untrusted, crls) else {
        return false;
    };
    let server = tc.validation_kind == "SERVER";
    let at = match &tc.validation_time {
        Some(t) => match OffsetDateTime::parse(t, &Rfc3339) {
            Ok(at) => at,
            Err(_) => return false,
        },
        None => OffsetDateTime::now_utc(),
    };
    let peer_names = match &tc.expected_peer_name {
        Some(name) if server && name.kind == "DNS" => PeerName::host(&name.value).map(|n| vec![n]),
        Some(name) if server && name.kind == "IP" => PeerName::ip(&name.value).map(|n| vec![n]),
        _ => Ok(Vec::new()),
    };
    let Ok(peer_names) = peer_names else {
        return false;
    };
    let opts = VerifyOptions {
        purpose: Some(if server {
            Purpose::Server
        } else {
            Purpose::Client
        }),
        crls,
        strict,
        max_depth: tc.max_chain_depth.unwrap_or(inspect::DEFAULT_MAX_DEPTH),
        peer_names,
        ..VerifyOptions::at(at)
    };
    matches!(
        inspect::verify_file(&peer, &anchors, &untrusted, &opts),
        Ok(v) if v.failure.is_none()
    )
}

/// The ids of the testcases whose answer is not the expected one.
fn divergences(suite: &Limbo, strict: bool) -> BTreeSet<String> {
    let work = tempfile::tempdir().expect("tempdir");
    suite
        .testcases
        .iter()
        .filter(|tc| accepts(tc, strict, work.path()) != (tc.expected_result == "SUCCESS"))
        .map(|tc| tc.id.clone())
        .collect()
}

/// What is wrong with `found` given the listed exceptions: divergences not listed, and listed
/// ones that no longer diverge (of testcases the suite has).
fn unexplained(
    suite: &Limbo,
    found: &BTreeSet<String>,
    listed: &[Exception],
    mode: &str,
) -> Vec<String> {
    let ids: BTreeSet<&str> = suite.testcases.iter().map(|t| t.id.as_str()).collect();
    let listed: BTreeMap<&str, &str> = listed
        .iter()
        .map(|e| (e.id.as_str(), e.reason.as_str()))
        .collect();
    let expected = |id: &str| {
        suite
            .testcases
            .iter()
            .find(|t| t.id == id)
            .map_or("?", |t| t.expected_result.as_str())
    };
    let mut problems: Vec<String> = found
        .iter()
        .filter(|id| !listed.contains_key(id.as_str()))
        .map(|id| format!("{mode}: {id}: expected {}, mqauth disagrees", expected(id)))
        .collect();
    problems.extend(
        listed
            .iter()
            .filter(|(id, _)| ids.contains(*id) && !found.contains(**id))
            .map(|(id, why)| format!("{mode}: {id}: now as expected; drop the exception ({why})")),
    );
    problems
}

fn check_suite(suite: &Limbo, exceptions: &Exceptions) -> Vec<String> {
    let mut problems = unexplained(
        suite,
        &divergences(suite, false),
        &exceptions.default,
        "default",
    );
    problems.extend(unexplained(
        suite,
        &divergences(suite, true),
        &exceptions.strict,
        "--strict",
    ));
    problems
}

#[test]
fn limbo_suite() {
    let Some(path) = std::env::var_os("MQAUTH_LIMBO") else {
        eprintln!(
            "limbo_suite skipped: set MQAUTH_LIMBO to x509-limbo's limbo.json (https://x509-limbo.com \
             or `limbo compile` in a checkout of github.com/C2SP/x509-limbo)"
        );
        return;
    };
    let text = std::fs::read_to_string(&path).expect("MQAUTH_LIMBO is readable");
    let suite: Limbo = serde_json::from_str(&text).expect("MQAUTH_LIMBO is a limbo.json");
    let problems = check_suite(&suite, &load_exceptions());
    assert!(
        problems.is_empty(),
        "{} of {} testcases unexplained:\n{}",
        problems.len(),
        suite.testcases.len(),
        problems.join("\n")
    );
}

#[test]
fn limbo_exceptions_each_have_a_reason() {
    let exceptions = load_exceptions();
    for (mode, list) in [
        ("default", &exceptions.default),
        ("strict", &exceptions.strict),
    ] {
        let mut seen = BTreeSet::new();
        for e in list {
            assert!(
                !e.reason.trim().is_empty(),
                "{mode}: {} has no reason",
                e.id
            );
            assert!(seen.insert(&e.id), "{mode}: {} listed twice", e.id);
        }
    }
}

fn synthetic_cert(cn: &str, ca: bool, serial: u64) -> CertificateParams {
    let mut p = CertificateParams::new(if ca {
        Vec::new()
    } else {
        vec![format!("{cn}.example.com")]
    })
    .expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2030, 1, 1);
    p.serial_number = Some(SerialNumber::from(serial));
    p.use_authority_key_identifier_extension = true;
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    } else {
        p.is_ca = IsCa::ExplicitNoCa;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    }
    p
}

/// Three testcases in limbo's format: a good chain, an expired one, and a good chain whose
/// expected result is wrong on purpose, so that it diverges.
fn synthetic_suite() -> Limbo {
    let key = KeyPair::generate().expect("key");
    let root_params = synthetic_cert("root", true, 1);
    let root = root_params.self_signed(&key).expect("root").pem();
    let issuer = Issuer::new(root_params, key);
    let leaf_key = KeyPair::generate().expect("key");
    let leaf = synthetic_cert("broker", false, 2)
        .signed_by(&leaf_key, &issuer)
        .expect("leaf")
        .pem();
    let case = |id: &str, time: &str, expected: &str| Testcase {
        id: id.into(),
        validation_kind: "SERVER".into(),
        trusted_certs: vec![root.clone()],
        untrusted_intermediates: Vec::new(),
        peer_certificate: leaf.clone(),
        validation_time: Some(time.into()),
        expected_result: expected.into(),
        expected_peer_name: Some(PeerNameCase {
            kind: "DNS".into(),
            value: "broker.example.com".into(),
        }),
        max_chain_depth: None,
        crls: Vec::new(),
    };
    Limbo {
        testcases: vec![
            case("synthetic::ok", "2025-01-01T00:00:00Z", "SUCCESS"),
            case("synthetic::expired", "2031-01-01T00:00:00Z", "FAILURE"),
            case("synthetic::wrong", "2025-01-01T00:00:00Z", "FAILURE"),
        ],
    }
}

#[test]
fn limbo_harness_on_a_synthetic_suite() {
    // Through JSON, as a real limbo.json is read.
    let json = serde_json::to_string(&synthetic_suite()).expect("json");
    let suite: Limbo = serde_json::from_str(&json).expect("limbo format");
    let found = divergences(&suite, false);
    assert_eq!(found, BTreeSet::from(["synthetic::wrong".to_string()]));
    assert_eq!(divergences(&suite, true), found);

    let listed = |ids: &[&str]| -> Vec<Exception> {
        ids.iter()
            .map(|id| Exception {
                id: (*id).into(),
                reason: "test".into(),
            })
            .collect()
    };
    assert_eq!(
        unexplained(&suite, &found, &listed(&["synthetic::wrong"]), "default"),
        Vec::<String>::new()
    );
    let missing = unexplained(&suite, &found, &[], "default");
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0].contains("synthetic::wrong: expected FAILURE"),
        "{missing:?}"
    );
    let stale = unexplained(
        &suite,
        &found,
        &listed(&["synthetic::wrong", "synthetic::ok", "not::in::this::suite"]),
        "default",
    );
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].contains("synthetic::ok: now as expected"),
        "{stale:?}"
    );
}
