//! Every integration test, in one binary (linked once, run in parallel): the real `mqauth`
//! driven as users drive it, checked with the real `openssl`, `pkilint`, `mosquitto` and
//! friends where it matters.
//!
//! A new test goes into the module below that covers its subject; one that needs an external
//! tool says so with `requires!` (in `common`), and waits on conditions, never fixed sleeps.

// Helpers for every module: running mqauth (`ok`, `fails`, `usage`), `requires!`, free ports,
// a real Mosquitto (`Broker`), MQTT clients (`publish`, `round_trip`), `wait_until`.
mod common;
// The enrollment tests' shared fixture (`Rig`): a directory, a Mosquitto, `enroll serve` and
// its log, devices that make CSRs and ask for certificates. No tests of its own.
mod enroll_fixture;
// A throwaway PostgreSQL cluster (`Cluster`) for the tests of records on PostgreSQL.
mod pg_fixture;

// `mqauth audit`: each check's finding, its behaviour shown on a real Mosquitto, JSON/SARIF.
mod audit_checks;
// `mqauth audit` against the real Mosquitto on generated configurations, probed in network
// namespaces.
mod audit_differential;
// `broker snippet`, and `--group`: what a Mosquitto started as root may read.
mod broker_files;
// The command line where the docs meet it: `completions`, `man`, help, the example manifest.
mod cli_docs;
// One shape for the command line: exit codes, names, help texts, JSON conventions.
mod cli_shape;
// A crash (or `kill -9`) at any moment loses nothing: the next run finishes or undoes it.
mod crash;
// `mqauth export`, read by each format's consumer (mosquitto_pub, openssl, a C program).
mod device_export;
// `--stack` rules shown with the real device TLS libraries (mbedTLS, wolfSSL).
mod device_stacks;
// `enroll serve` as a daemon: `--metrics` (/metrics, /healthz) on a real Mosquitto, and the
// systemd unit `generate systemd-unit enroll` writes, checked by `systemd-analyze verify`.
mod enroll_daemon;
// `enroll device`, the reference device, against a real Mosquitto and `enroll serve`: PSK
// enrollment, mTLS renewal, a wrong PSK, a rejection, silence, the files it writes.
mod enroll_device;
// Two `enroll serve` on one PKI whose records are in PostgreSQL, in a shared subscription.
mod enroll_postgres;
// Enrollment set up by a fleet manifest (`fleet apply`, `enroll serve -m`) on a real Mosquitto.
mod enroll_fleet;
// `enroll serve` set up by flags on a real Mosquitto: enroll, renew, ACL, the policy's
// refusals, broker restarts, `kill -9`, concurrent CLI writes, bad settings.
mod enroll_mosquitto;
// `fleet`, `acl render`, `broker render`: plans, idempotent applies, manifest errors, golden files.
mod fleet_cli;
// What `fleet apply` renders (acl files, dynamic-security JSON), run by a real Mosquitto.
mod fleet_mosquitto;
// Mosquitto 2.1.2 (built from source once per run): the fleet's 2.1 rendering, and the broker
// tests of fleet_mosquitto and enroll_fleet run on it.
mod mosquitto21;
// The fuzzers' corpora and past crashes replayed through the fuzz entry points.
mod fuzz_corpus;
// Defects found by attacking mqauth on purpose, each with the test that keeps it fixed.
mod hardening;
// CA keys in a PKCS#11 token (SoftHSM2): init, issuance, CRLs, Mosquitto, a wrong PIN.
mod hsm;
// `mqauth inspect` and `mqauth verify`, with `openssl verify` as the referee.
mod inspect;
// x509-limbo through the library's verifier (opt-in: MQAUTH_LIMBO), and its harness.
mod limbo;
// The README's commands run as shown (`# needs: …` marks the rest); docs/ links resolve.
mod readme;
// The SQLite records: migrating older PKIs, concurrent writers, `pki list NAME|GLOB`.
mod migration;
// `mqauth verify` against `openssl verify` on crafted chains (name constraints, depth, …).
mod path_validation;
// `mqauth pki` as a user sees it: files, modes, refusals, the index, concurrency.
mod pki_cli;
// Revocation, CRLs and renewal: the index, openssl's view and pkilint's.
mod pki_lifecycle;
// mqauth certificates in a real Mosquitto mTLS listener.
mod pki_mosquitto;
// Certificates checked by other tools: `openssl verify`, `openssl pkey`, pkilint.
mod pki_openssl;
// `kind: rabbitmq` brokers: the rendered files run by a real RabbitMQ node of the test's own.
mod rabbitmq;
// A PKI whose records live in PostgreSQL, on a throwaway cluster: every command, two hosts.
mod pki_postgres;
// `mqauth psk`: generation, formats, rotation, revocation, the linter.
mod psk_cli;
// PSK files from mqauth loaded by a real Mosquitto PSK listener.
mod psk_mosquitto;
// `mqauth storm` on a real Mosquitto with the rendered fleet config: counts against the
// broker's log, a revoked certificate and a wrong PSK, `--compare` with its own brokers.
mod storm;
