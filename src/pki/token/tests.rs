//! Sessions against a real SoftHSM2 token: reuse across signatures and threads, and a new
//! login after the token logged the process out.
//!
//! SoftHSM2 finds its tokens through SOFTHSM2_CONF, read once per process, so the test runs
//! itself in a child process with that variable set rather than changing this process's
//! environment under the other tests.

use super::{Pkcs11Uri, TokenAccess};
use crate::pki::keys::KeyAlgorithm;
use rcgen::{PublicKeyData, SigningKey};
use std::path::Path;
use std::process::Command;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const CHILD: &str = "MQAUTH_TEST_SOFTHSM_DIR";

fn softhsm_available() -> bool {
    let there = Path::new(MODULE).exists()
        && std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("softhsm2-util").is_file()));
    assert!(
        there || std::env::var("CI").as_deref() != Ok("true"),
        "SoftHSM2 is missing"
    );
    there
}

#[test]
fn sessions_are_reused_and_a_lost_login_is_restored() {
    if !softhsm_available() {
        eprintln!("skipped: SoftHSM2 is missing");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tokens = tmp.path().join("tokens");
    std::fs::create_dir(&tokens).unwrap();
    let conf = tmp.path().join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .unwrap();
    std::fs::write(tmp.path().join("pin"), "1234\n").unwrap();
    let init = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            "t",
            "--pin",
            "1234",
            "--so-pin",
            "5678",
        ])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "pki::token::tests::in_a_child_with_softhsm",
            "--ignored",
            "--nocapture",
        ])
        .env("SOFTHSM2_CONF", &conf)
        .env(CHILD, tmp.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout).into_owned()
        + &String::from_utf8_lossy(&child.stderr);
    assert!(child.status.success(), "{out}");
    assert!(out.contains("1 passed"), "{out}");
}

#[test]
#[ignore = "run by sessions_are_reused_and_a_lost_login_is_restored, with a token"]
fn in_a_child_with_softhsm() {
    let dir = std::path::PathBuf::from(std::env::var_os(CHILD).unwrap());
    let access = TokenAccess {
        module: Some(MODULE.into()),
        pin_file: Some(dir.join("pin")),
    };
    let uri = Pkcs11Uri::parse("pkcs11:token=t;object=ca").unwrap();
    let (key, generated) = access.open_or_generate(&uri, KeyAlgorithm::P384).unwrap();
    assert!(generated);
    let (again, generated) = access.open_or_generate(&uri, KeyAlgorithm::P384).unwrap();
    assert!(!generated);
    assert_eq!(again.der_bytes(), key.der_bytes());
    assert!(access.open_or_generate(&uri, KeyAlgorithm::P256).is_err());

    let verify = |sig: &[u8]| {
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::ECDSA_P384_SHA384_ASN1,
            key.der_bytes(),
        )
        .verify(b"msg", sig)
        .is_ok()
    };
    // Signatures from several threads at once share the pool: no new login, sessions reused.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10 {
                    assert!(verify(&key.sign(b"msg").unwrap()));
                }
            });
        }
    });
    let pooled = key.token().idle_sessions();
    assert!((1..=4).contains(&pooled), "{pooled} sessions");

    // The token forgets the login: the next signature logs in again and succeeds.
    key.token().log_out_for_test();
    assert!(verify(&key.sign_message(b"msg").unwrap()));
    assert!(verify(&key.sign(b"msg").unwrap()));
}
