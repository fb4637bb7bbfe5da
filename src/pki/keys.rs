//! Key algorithms, key generation, and private keys on disk (plain or encrypted PKCS#8).
//!
//! ring cannot generate RSA keys, so RSA keys come from RustCrypto's `rsa` crate (constant-time
//! big integers since 0.10) and are handed to ring, through rcgen, for signing.

use super::passphrase::Passphrase;
use rcgen::{KeyPair, SignatureAlgorithm};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;
use zeroize::Zeroizing;

/// PBKDF2-HMAC-SHA256 rounds for encrypted CA keys (OWASP's 2023 figure). scrypt would be
/// stronger, but PBKDF2 is what every tool that reads PKCS#8 understands.
const PBKDF2_ROUNDS: u32 = 600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyAlgorithm {
    P256,
    P384,
    Ed25519,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown key type {0:?}; choose one of p256, p384, ed25519, rsa2048, rsa3072, rsa4096")]
pub struct UnknownKeyAlgorithm(pub String);

impl KeyAlgorithm {
    pub const ALL: [KeyAlgorithm; 6] = [
        KeyAlgorithm::P256,
        KeyAlgorithm::P384,
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::Rsa3072,
        KeyAlgorithm::Rsa4096,
    ];

    /// The spelling used on the command line and in pki.db.
    pub fn id(self) -> &'static str {
        match self {
            KeyAlgorithm::P256 => "p256",
            KeyAlgorithm::P384 => "p384",
            KeyAlgorithm::Ed25519 => "ed25519",
            KeyAlgorithm::Rsa2048 => "rsa2048",
            KeyAlgorithm::Rsa3072 => "rsa3072",
            KeyAlgorithm::Rsa4096 => "rsa4096",
        }
    }

    /// The spelling people read in tables: `P-256`, `RSA 3072`.
    pub fn label(self) -> &'static str {
        match self {
            KeyAlgorithm::P256 => "P-256",
            KeyAlgorithm::P384 => "P-384",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Rsa2048 => "RSA 2048",
            KeyAlgorithm::Rsa3072 => "RSA 3072",
            KeyAlgorithm::Rsa4096 => "RSA 4096",
        }
    }

    pub fn is_rsa(self) -> bool {
        self.rsa_bits().is_some()
    }

    fn help(self) -> &'static str {
        match self {
            KeyAlgorithm::P256 => "ECDSA P-256: small, fast, read by every TLS stack",
            KeyAlgorithm::P384 => "ECDSA P-384",
            KeyAlgorithm::Ed25519 => "Ed25519 (mbedTLS 2.x cannot parse it)",
            KeyAlgorithm::Rsa2048 => "RSA 2048 bits",
            KeyAlgorithm::Rsa3072 => "RSA 3072 bits",
            KeyAlgorithm::Rsa4096 => "RSA 4096 bits",
        }
    }

    fn rsa_bits(self) -> Option<usize> {
        match self {
            KeyAlgorithm::Rsa2048 => Some(2048),
            KeyAlgorithm::Rsa3072 => Some(3072),
            KeyAlgorithm::Rsa4096 => Some(4096),
            _ => None,
        }
    }

    /// The signature algorithm a key of this type signs with.
    pub fn signature_algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            KeyAlgorithm::P256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyAlgorithm::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyAlgorithm::Ed25519 => &rcgen::PKCS_ED25519,
            KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 | KeyAlgorithm::Rsa4096 => {
                &rcgen::PKCS_RSA_SHA256
            }
        }
    }

    pub fn generate(self) -> Result<KeyPair, KeyError> {
        match self.rsa_bits() {
            None => KeyPair::generate_for(self.signature_algorithm())
                .map_err(|e| KeyError::Generate(e.into())),
            Some(bits) => {
                use pkcs8::EncodePrivateKey as _;
                let key = rsa::PrivateKey::new(&mut rand::rng(), bits)
                    .map_err(|e| KeyError::Generate(e.into()))?;
                let der = key
                    .to_pkcs8_der()
                    .map_err(|e| KeyError::Generate(e.into()))?;
                KeyPair::try_from(der.as_bytes()).map_err(|e| KeyError::Generate(e.into()))
            }
        }
    }

    /// Identifies the algorithm of a public key, for keys made elsewhere (CSRs, inspected
    /// certificates). `None` for anything this tool does not issue for.
    pub fn of_public_key(spki: &SubjectPublicKeyInfo<'_>) -> Option<KeyAlgorithm> {
        use x509_parser::oid_registry::{OID_EC_P256, OID_NIST_EC_P384};
        match spki.parsed().ok()? {
            // The curve is named by the parameters, not by the size: secp256k1 and
            // brainpoolP256r1 are 256-bit curves too, and no TLS stack here takes them.
            PublicKey::EC(_) => {
                let curve = spki.algorithm.parameters.as_ref()?.as_oid().ok()?;
                if curve == OID_EC_P256 {
                    Some(KeyAlgorithm::P256)
                } else if curve == OID_NIST_EC_P384 {
                    Some(KeyAlgorithm::P384)
                } else {
                    None
                }
            }
            PublicKey::RSA(rsa) => match rsa.key_size() {
                2048 => Some(KeyAlgorithm::Rsa2048),
                3072 => Some(KeyAlgorithm::Rsa3072),
                4096 => Some(KeyAlgorithm::Rsa4096),
                _ => None,
            },
            PublicKey::Unknown(_)
                if spki.algorithm.algorithm == x509_parser::oid_registry::OID_SIG_ED25519 =>
            {
                Some(KeyAlgorithm::Ed25519)
            }
            _ => None,
        }
    }
}

/// A public key as the JSON output spells it (`p256`, `rsa2048`, like `--key`; for other keys
/// the same shape: `rsa1024`, `ec-secp256k1`) and as people read it (`P-256`, `RSA 1024`).
pub fn describe_key(spki: &SubjectPublicKeyInfo<'_>) -> (String, String) {
    if let Some(alg) = KeyAlgorithm::of_public_key(spki) {
        return (alg.id().to_string(), alg.label().to_string());
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => (
            format!("rsa{}", rsa.key_size()),
            format!("RSA {}", rsa.key_size()),
        ),
        Ok(PublicKey::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| {
                    x509_parser::oid_registry::OidRegistry::default()
                        .with_x962()
                        .with_nist_algs()
                        .get(&oid)
                        .map(|e| e.sn().to_string())
                        .unwrap_or_else(|| oid.to_id_string())
                })
                .unwrap_or_else(|| "explicit-curve".into());
            (
                format!("ec-{curve}"),
                format!("EC {}-bit, curve {curve}", point.key_size()),
            )
        }
        _ => {
            let oid = &spki.algorithm.algorithm;
            let name = x509_parser::oid_registry::OidRegistry::default()
                .with_crypto()
                .get(oid)
                .map(|e| e.sn().to_string())
                .unwrap_or_else(|| oid.to_id_string());
            (name.to_ascii_lowercase(), name)
        }
    }
}

impl crate::choice::Choice for KeyAlgorithm {
    const ALL: &'static [Self] = &KeyAlgorithm::ALL;
    fn id(self) -> &'static str {
        KeyAlgorithm::id(self)
    }
    fn help(self) -> &'static str {
        KeyAlgorithm::help(self)
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for KeyAlgorithm {
    type Err = UnknownKeyAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.to_ascii_lowercase().replace(['-', '_'], "");
        KeyAlgorithm::ALL
            .into_iter()
            .find(|k| k.id() == wanted)
            .ok_or_else(|| UnknownKeyAlgorithm(s.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot encode key: {0}")]
    Encode(#[source] BoxedError),
    #[error("key generation failed: {0}")]
    Generate(#[source] BoxedError),
    #[error("{}: the key is encrypted and no passphrase was given", path.display())]
    NeedsPassphrase { path: std::path::PathBuf },
    #[error("{}: wrong passphrase (or a damaged key file)", path.display())]
    WrongPassphrase { path: std::path::PathBuf },
    #[error("{}: {message}", path.display())]
    Unreadable {
        path: std::path::PathBuf,
        message: String,
    },
    #[error("cannot encrypt key: {0}")]
    Encrypt(#[source] BoxedError),
}

/// The error of one of the several crypto crates a key goes through, kept as the source.
pub type BoxedError = Box<dyn std::error::Error + Send + Sync>;

/// The key's PKCS#8 DER in the form every TLS stack reads. ring writes Ed25519 keys as
/// PKCS#8 v2 (with the public key attached), which OpenSSL 3.0 - and so Mosquitto - cannot
/// load; those are rewritten as v1 (RFC 8410), which ring reads back as well.
fn portable_der(key: &KeyPair) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use pkcs8::der::Encode as _;
    if key.algorithm() != &rcgen::PKCS_ED25519 {
        return Ok(Zeroizing::new(key.serialized_der().to_vec()));
    }
    let info = pkcs8::PrivateKeyInfoRef::try_from(key.serialized_der())
        .map_err(|e| KeyError::Encode(e.into()))?;
    let v1 = pkcs8::PrivateKeyInfoRef::new(info.algorithm, info.private_key);
    v1.to_der()
        .map(Zeroizing::new)
        .map_err(|e| KeyError::Encode(e.into()))
}

/// PEM text of an unencrypted PKCS#8 key (DER), wiped when dropped.
pub fn pkcs8_pem(der: &[u8]) -> Zeroizing<String> {
    let block = pem::Pem::new("PRIVATE KEY", der.to_vec());
    let text = pem::encode_config(
        &block,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    );
    // pem::Pem holds a copy of the key; wipe it too.
    let mut contents = block.into_contents();
    zeroize::Zeroize::zeroize(&mut contents);
    Zeroizing::new(text)
}

/// PEM text of a private key: PKCS#8, encrypted with PBES2 when a passphrase is given.
pub fn key_to_pem(
    key: &KeyPair,
    passphrase: Option<&Passphrase>,
) -> Result<Zeroizing<String>, KeyError> {
    let der = portable_der(key)?;
    let Some(passphrase) = passphrase else {
        return Ok(pkcs8_pem(&der));
    };
    let mut rng = rand::rng();
    let mut iv = [0u8; 16];
    let mut salt = [0u8; 16];
    rand::Rng::fill_bytes(&mut rng, &mut iv);
    rand::Rng::fill_bytes(&mut rng, &mut salt);
    let params =
        pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(PBKDF2_ROUNDS, &salt, iv)
            .map_err(|e| KeyError::Encrypt(e.into()))?;
    let doc = pkcs8::PrivateKeyInfoRef::try_from(der.as_slice())
        .and_then(|info| info.encrypt_with_params(params, passphrase.as_bytes()))
        .map_err(|e| KeyError::Encrypt(e.into()))?;
    let pem = doc
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .map_err(|e| KeyError::Encrypt(e.into()))?;
    Ok(Zeroizing::new(pem.as_str().to_owned()))
}

/// Most PBKDF2 rounds accepted: mqauth writes 600,000; a file asking for billions would keep
/// a command busy for minutes.
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;
/// Most memory scrypt may ask for (128 * r * N bytes); OpenSSL's own limit is 32 MiB.
const MAX_SCRYPT_BYTES: u64 = 256 << 20;

/// Refuses key-derivation parameters that would take minutes or gigabytes to compute.
fn check_kdf_cost(scheme: &pkcs8::pkcs5::EncryptionScheme) -> Result<(), String> {
    let pkcs8::pkcs5::EncryptionScheme::Pbes2(params) = scheme else {
        return Ok(());
    };
    if let Some(p) = params.kdf.pbkdf2()
        && p.iteration_count > MAX_PBKDF2_ROUNDS
    {
        return Err(format!(
            "the key asks for {} PBKDF2 rounds, more than the {MAX_PBKDF2_ROUNDS} mqauth computes",
            p.iteration_count
        ));
    }
    if let Some(s) = params.kdf.scrypt() {
        let bytes = 128u64
            .saturating_mul(u64::from(s.block_size))
            .saturating_mul(s.cost_parameter);
        if bytes > MAX_SCRYPT_BYTES || s.parallelization > 16 {
            return Err(
                "the key's scrypt parameters ask for more memory or work than mqauth spends".into(),
            );
        }
    }
    Ok(())
}

/// Reads a private key from PEM text. `path` only names the file in errors.
pub fn key_from_pem(
    text: &str,
    path: &Path,
    passphrase: Option<&Passphrase>,
) -> Result<KeyPair, KeyError> {
    let unreadable = |message: String| KeyError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let block = pem::parse(text).map_err(|e| unreadable(format!("not a PEM private key: {e}")))?;
    let der: Zeroizing<Vec<u8>> = match block.tag() {
        "PRIVATE KEY" => Zeroizing::new(block.into_contents()),
        "ENCRYPTED PRIVATE KEY" => {
            let passphrase = passphrase.ok_or_else(|| KeyError::NeedsPassphrase {
                path: path.to_path_buf(),
            })?;
            let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(block.contents())
                .map_err(|e| unreadable(format!("damaged encrypted key: {e}")))?;
            check_kdf_cost(&info.encryption_algorithm).map_err(unreadable)?;
            let plain =
                info.decrypt(passphrase.as_bytes())
                    .map_err(|_| KeyError::WrongPassphrase {
                        path: path.to_path_buf(),
                    })?;
            Zeroizing::new(plain.as_bytes().to_vec())
        }
        "EC PRIVATE KEY" | "RSA PRIVATE KEY" => {
            return Err(unreadable(format!(
                "{} keys are not supported; convert with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`",
                block.tag()
            )));
        }
        other => return Err(unreadable(format!("expected a private key, found {other}"))),
    };
    KeyPair::try_from(der.as_slice()).map_err(|_| match passphrase {
        // A wrong passphrase can decrypt to valid padding but garbage DER.
        Some(_) if text.contains("ENCRYPTED") => KeyError::WrongPassphrase {
            path: path.to_path_buf(),
        },
        _ => unreadable("unsupported or damaged private key".into()),
    })
}

/// The subjectPublicKey bits of the private key in PEM `text`, as a certificate carries them.
///
/// Read from the key file where it holds them (PKCS#8 v2, an EC key's `publicKey`, an RSA key's
/// modulus and exponent), as `openssl x509 -noout -pubkey` does, because deriving an EC public
/// key is a scalar multiplication: at a million keys that is most of `inspect --pki`.
pub fn public_key_of_pem(text: &str, path: &Path) -> Result<Vec<u8>, KeyError> {
    const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
    const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
    let block = pem::parse(text).map_err(|e| KeyError::Unreadable {
        path: path.to_path_buf(),
        message: format!("not a PEM private key: {e}"),
    })?;
    let carried = match block.tag() {
        "ENCRYPTED PRIVATE KEY" => {
            return Err(KeyError::NeedsPassphrase {
                path: path.to_path_buf(),
            });
        }
        "PRIVATE KEY" => pkcs8::PrivateKeyInfoRef::try_from(block.contents())
            .ok()
            .and_then(|info| {
                if let Some(bits) = info.public_key {
                    return bits.as_bytes().map(<[u8]>::to_vec);
                }
                let private = info.private_key.as_bytes();
                match info.algorithm.oid.to_string().as_str() {
                    EC_PUBLIC_KEY => sec1::EcPrivateKey::try_from(private)
                        .ok()
                        .and_then(|k| k.public_key.map(<[u8]>::to_vec)),
                    RSA_ENCRYPTION => pkcs1::RsaPrivateKeyRef::try_from(private)
                        .ok()
                        .and_then(|k| pkcs1::der::Encode::to_der(&k.public_key()).ok()),
                    _ => None,
                }
            }),
        _ => None,
    };
    match carried {
        Some(bits) => Ok(bits),
        None => key_from_pem(text, path, None).map(|key| key.public_key_raw().to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_of_pem_matches_the_derived_key() {
        for alg in [
            KeyAlgorithm::P256,
            KeyAlgorithm::P384,
            KeyAlgorithm::Ed25519,
            KeyAlgorithm::Rsa2048,
        ] {
            let key = alg.generate().unwrap();
            let pem = key_to_pem(&key, None).unwrap();
            let bits = public_key_of_pem(&pem, Path::new("k.key")).unwrap();
            assert_eq!(bits, key.public_key_raw(), "{alg:?}");
        }
    }

    #[test]
    fn parses_key_names() {
        assert_eq!("P-256".parse::<KeyAlgorithm>(), Ok(KeyAlgorithm::P256));
        assert_eq!(
            "rsa_3072".parse::<KeyAlgorithm>(),
            Ok(KeyAlgorithm::Rsa3072)
        );
        assert!("dsa".parse::<KeyAlgorithm>().is_err());
    }

    #[test]
    fn encrypted_round_trip_and_wrong_passphrase() {
        let key = KeyAlgorithm::P256.generate().unwrap();
        let pass = Passphrase::from_bytes(b"correct horse".to_vec()).unwrap();
        let pem = key_to_pem(&key, Some(&pass)).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let path = Path::new("ca.key");
        let back = key_from_pem(&pem, path, Some(&pass)).unwrap();
        assert_eq!(back.public_key_raw(), key.public_key_raw());
        let wrong = Passphrase::from_bytes(b"wrong".to_vec()).unwrap();
        assert!(matches!(
            key_from_pem(&pem, path, Some(&wrong)),
            Err(KeyError::WrongPassphrase { .. })
        ));
        assert!(matches!(
            key_from_pem(&pem, path, None),
            Err(KeyError::NeedsPassphrase { .. })
        ));
    }
}
