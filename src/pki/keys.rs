//! Private keys: generation, PKCS#8 import and export (plain or PBES2-encrypted), and import of
//! openssl's traditional forms: PKCS#1 `RSA PRIVATE KEY` and SEC1 `EC PRIVATE KEY`, plain or under
//! the legacy PEM encryption (`Proc-Type`/`DEK-Info` headers).

use super::{pem, PkiError};
use pkcs8::der::Decode;
use rcgen::{KeyPair, SignatureAlgorithm};
use zeroize::Zeroizing;

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

/// The PEM labels `PrivateKey::from_pem` reads.
const KEY_LABELS: [&str; 4] = [
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
];

/// The one command that turns any key openssl reads into the encrypted PKCS#8 this lab reads.
const CONVERT_TO_PKCS8: &str = "openssl pkcs8 -topk8 -in old.key -out client_b.key -v2 aes-256-cbc";

/// PBKDF2-HMAC-SHA256 rounds for exported keys. openssl's own default is 2,048; this is
/// 50 times that while keeping six keys well under a second in the browser.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// The largest RSA modulus we read. Bigger keys only make signing crawl in a lab.
const MAX_RSA_BITS: usize = 8192;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyAlgorithm {
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

impl KeyAlgorithm {
    pub const ALL: [KeyAlgorithm; 5] = [
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::Rsa3072,
        KeyAlgorithm::Rsa4096,
    ];

    pub fn label(self) -> &'static str {
        match self {
            KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
            KeyAlgorithm::EcdsaP384 => "ECDSA P-384",
            KeyAlgorithm::Rsa2048 => "RSA 2048",
            KeyAlgorithm::Rsa3072 => "RSA 3072",
            KeyAlgorithm::Rsa4096 => "RSA 4096",
        }
    }

    /// A stable short name, used in forms and saved settings.
    pub fn id(self) -> &'static str {
        match self {
            KeyAlgorithm::EcdsaP256 => "p256",
            KeyAlgorithm::EcdsaP384 => "p384",
            KeyAlgorithm::Rsa2048 => "rsa2048",
            KeyAlgorithm::Rsa3072 => "rsa3072",
            KeyAlgorithm::Rsa4096 => "rsa4096",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn rsa_bits(self) -> Option<usize> {
        match self {
            KeyAlgorithm::Rsa2048 => Some(2048),
            KeyAlgorithm::Rsa3072 => Some(3072),
            KeyAlgorithm::Rsa4096 => Some(4096),
            _ => None,
        }
    }

    /// The signature algorithm a key of this kind signs certificates with (SHA-256 as in the
    /// seed's `-sha256`; P-384 pairs with SHA-384, the only pairing ring signs with).
    pub fn signature_algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            KeyAlgorithm::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyAlgorithm::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            _ => &rcgen::PKCS_RSA_SHA256,
        }
    }

    /// The seed's `openssl genrsa` line, or its EC equivalent, writing an encrypted key.
    pub fn openssl_genkey(self, out: &str) -> String {
        match self.rsa_bits() {
            Some(bits) => {
                format!("openssl genrsa -aes256 -passout env:KEY_PASSPHRASE -out {out} {bits}")
            }
            None => {
                let curve = if self == KeyAlgorithm::EcdsaP256 {
                    "P-256"
                } else {
                    "P-384"
                };
                format!(
                    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:{curve} \\\n    -aes256 -pass env:KEY_PASSPHRASE -out {out}"
                )
            }
        }
    }
}

/// What a public key is, read from its SubjectPublicKeyInfo.
pub fn algorithm_of_spki(spki_der: &[u8]) -> Result<KeyAlgorithm, PkiError> {
    use x509_parser::prelude::FromDer;
    let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|_| PkiError::Key("the public key cannot be parsed".into()))?;
    let oid = spki.algorithm.algorithm.to_id_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" => {
            let parsed = spki
                .parsed()
                .map_err(|_| PkiError::Key("the RSA public key cannot be parsed".into()))?;
            let x509_parser::public_key::PublicKey::RSA(rsa) = parsed else {
                return Err(PkiError::Key("the RSA public key cannot be parsed".into()));
            };
            match modulus_bits(rsa.modulus) {
                2048 => Ok(KeyAlgorithm::Rsa2048),
                3072 => Ok(KeyAlgorithm::Rsa3072),
                4096 => Ok(KeyAlgorithm::Rsa4096),
                bits => Err(PkiError::Unsupported(format!(
                    "an RSA key of {bits} bits; this lab signs RSA 2048, 3072 and 4096"
                ))),
            }
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            ec_algorithm(&curve)
        }
        "1.3.101.112" => Err(PkiError::Unsupported(
            "an Ed25519 key; this lab uses ECDSA P-256/P-384 and RSA".into(),
        )),
        other => Err(PkiError::Unsupported(format!("a key of type {other}"))),
    }
}

/// The ECDSA algorithm of a named curve, or a refusal that names the curve.
fn ec_algorithm(curve_oid: &str) -> Result<KeyAlgorithm, PkiError> {
    let curve = match curve_oid {
        OID_P256 => return Ok(KeyAlgorithm::EcdsaP256),
        OID_P384 => return Ok(KeyAlgorithm::EcdsaP384),
        "1.3.132.0.35" => {
            return Err(PkiError::Unsupported(
                "an EC key on P-521; this lab signs P-256 and P-384".into(),
            ))
        }
        "1.3.132.0.33" => "P-224",
        "1.2.840.10045.3.1.1" => "P-192",
        "1.3.132.0.10" => "secp256k1",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1",
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1",
        "1.2.156.10197.1.301" => "SM2",
        "" => {
            return Err(PkiError::Unsupported(
                "an EC key that does not name its curve; this lab signs P-256 and P-384".into(),
            ))
        }
        other => other,
    };
    Err(PkiError::Unsupported(format!(
        "an EC key on curve {curve}; this lab signs P-256 and P-384"
    )))
}

fn modulus_bits(modulus: &[u8]) -> usize {
    let trimmed: &[u8] = match modulus.iter().position(|b| *b != 0) {
        Some(i) => &modulus[i..],
        None => return 0,
    };
    trimmed.len() * 8 - trimmed[0].leading_zeros() as usize
}

/// A private key held as PKCS#8 DER, the form every crate here and WebCrypto agree on.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    algorithm: KeyAlgorithm,
    pkcs8: Vec<u8>,
    /// Derived once: parsing an RSA-4096 key in ring is costly in wasm.
    spki: Vec<u8>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        write!(f, "PrivateKey({})", self.algorithm.label())
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.pkcs8.iter_mut().for_each(|b| *b = 0);
    }
}

impl PrivateKey {
    /// Makes a new key in this process: p256 for P-256, ring for P-384, the rsa crate for RSA
    /// (the browser app asks WebCrypto for RSA instead and loads the result with `from_pkcs8_der`).
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self, PkiError> {
        let pkcs8 = match algorithm {
            KeyAlgorithm::EcdsaP256 => {
                use p256::elliptic_curve::Generate;
                use p256::pkcs8::EncodePrivateKey;
                let secret = p256::SecretKey::try_generate()
                    .map_err(|e| PkiError::Key(format!("no randomness: {e}")))?;
                secret
                    .to_pkcs8_der()
                    .map_err(|e| PkiError::Key(e.to_string()))?
                    .as_bytes()
                    .to_vec()
            }
            KeyAlgorithm::EcdsaP384 => {
                KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384)?.serialize_der()
            }
            _ => {
                use rsa::pkcs8::EncodePrivateKey;
                let bits = algorithm.rsa_bits().unwrap_or(2048);
                let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits)
                    .map_err(|e| PkiError::Key(e.to_string()))?;
                key.to_pkcs8_der()
                    .map_err(|e| PkiError::Key(e.to_string()))?
                    .as_bytes()
                    .to_vec()
            }
        };
        Self::from_pkcs8_der(&pkcs8)
    }

    /// Loads a PKCS#8 key, checking that it is a kind we support and that ring can sign with it.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, PkiError> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| PkiError::Key(format!("not a PKCS#8 private key ({e})")))?;
        match info.algorithm.oid.to_string().as_str() {
            // Refuse oversized RSA before ring spends seconds on it.
            OID_RSA_ENCRYPTION => {
                let bits = pkcs1_modulus_bits(info.private_key.as_bytes())?;
                if bits > MAX_RSA_BITS {
                    return Err(PkiError::Unsupported(format!(
                        "an RSA key of {bits} bits; the limit is {MAX_RSA_BITS}"
                    )));
                }
            }
            // Name a curve we do not sign with, rather than let ring fail on it without a word.
            OID_EC_PUBLIC_KEY => {
                if let Ok(curve) = info.algorithm.parameters_oid() {
                    ec_algorithm(&curve.to_string())?;
                }
            }
            _ => {}
        }
        // ring parses and checks the key here, once; that it parsed means it can sign.
        let spki = spki_of_pkcs8(der)?;
        let algorithm = algorithm_of_spki(&spki)?;
        Ok(PrivateKey {
            algorithm,
            pkcs8: der.to_vec(),
            spki,
        })
    }

    /// Reads a key from PEM: `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY` opened with `passphrase`, or
    /// openssl's traditional `RSA PRIVATE KEY` (PKCS#1) and `EC PRIVATE KEY` (SEC1), plain or
    /// under the legacy PEM encryption. An `EC PARAMETERS` block beside the key, as `openssl
    /// ecparam -genkey` prints it, is skipped.
    pub fn from_pem(text: &str, passphrase: &str) -> Result<Self, PkiError> {
        let mut blocks = pem::parse_all(text)?;
        if blocks.len() > 1 && blocks.iter().any(|b| b.label != "EC PARAMETERS") {
            blocks.retain(|b| b.label != "EC PARAMETERS");
        }
        let block = pem::one_of(blocks, &KEY_LABELS)?;
        if block.label == "ENCRYPTED PRIVATE KEY" {
            return Self::from_encrypted_pkcs8(&block.der, passphrase);
        }
        let Some(encryption) = legacy::Encryption::from_headers(&block.headers)? else {
            return Self::from_unencrypted(&block.label, &block.der);
        };
        let plain = encryption.decrypt(&block.der, passphrase)?;
        Self::from_unencrypted(&block.label, &plain).map_err(|e| match e {
            // A wrong passphrase that happens to leave valid padding shows up as garbage.
            PkiError::Key(_) => PkiError::WrongPassphrase,
            other => other,
        })
    }

    /// A `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY` block's DER, in the clear.
    fn from_unencrypted(label: &str, der: &[u8]) -> Result<Self, PkiError> {
        match label {
            "RSA PRIVATE KEY" => Self::from_pkcs8_der(&pkcs1_to_pkcs8(der)?),
            "EC PRIVATE KEY" => Self::from_pkcs8_der(&sec1_to_pkcs8(der)?),
            _ => Self::from_pkcs8_der(der),
        }
    }

    /// A PKCS#8 `EncryptedPrivateKeyInfo` (PBES2), opened with `passphrase`.
    fn from_encrypted_pkcs8(der: &[u8], passphrase: &str) -> Result<Self, PkiError> {
        let encrypted = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der)
            .map_err(|e| PkiError::Key(format!("the encrypted key cannot be parsed ({e})")))?;
        check_kdf_cost(&encrypted)?;
        let plain = encrypted
            .decrypt(passphrase.as_bytes())
            .map_err(|_| PkiError::WrongPassphrase)?;
        Self::from_pkcs8_der(plain.as_bytes()).map_err(|e| match e {
            // A wrong passphrase usually shows up as garbage after decryption.
            PkiError::Key(_) => PkiError::WrongPassphrase,
            other => other,
        })
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The rcgen/ring signer for this key.
    pub fn signer(&self) -> Result<KeyPair, PkiError> {
        KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls_pki_types::PrivatePkcs8KeyDer::from(self.pkcs8.as_slice()),
            self.algorithm.signature_algorithm(),
        )
        .map_err(|e| PkiError::Key(e.to_string()))
    }

    /// The SubjectPublicKeyInfo DER of this key's public half.
    pub fn spki_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    pub fn to_pem(&self) -> String {
        pem::encode("PRIVATE KEY", &self.pkcs8)
    }

    /// PKCS#8 PBES2: PBKDF2-HMAC-SHA256 with `iterations`, AES-256-CBC, random salt and IV.
    pub fn to_encrypted_pem(&self, passphrase: &str, iterations: u32) -> Result<String, PkiError> {
        check_passphrase(passphrase)?;
        let nonce = Pbes2Nonce::random()?;
        let ciphertext = pbes2_params(iterations, &nonce)?
            .encrypt(passphrase.as_bytes(), &self.pkcs8)
            .map_err(|e| PkiError::Key(e.to_string()))?;
        encrypted_pem(iterations, &nonce, &ciphertext)
    }
}

/// The random salt and IV of one key encryption.
#[derive(Clone, Copy, Debug)]
pub struct Pbes2Nonce {
    pub salt: [u8; 16],
    pub iv: [u8; 16],
}

impl Pbes2Nonce {
    pub fn random() -> Result<Self, PkiError> {
        let mut nonce = Pbes2Nonce {
            salt: [0; 16],
            iv: [0; 16],
        };
        getrandom::fill(&mut nonce.salt)
            .map_err(|e| PkiError::Key(format!("no randomness: {e}")))?;
        getrandom::fill(&mut nonce.iv).map_err(|e| PkiError::Key(format!("no randomness: {e}")))?;
        Ok(nonce)
    }
}

fn pbes2_params(
    iterations: u32,
    nonce: &Pbes2Nonce,
) -> Result<pkcs8::pkcs5::pbes2::Parameters, PkiError> {
    pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(
        iterations,
        &nonce.salt,
        nonce.iv,
    )
    .map_err(|e| PkiError::Key(e.to_string()))
}

/// Wraps the AES-256-CBC ciphertext of a PKCS#8 key as an `ENCRYPTED PRIVATE KEY`. The browser
/// derives the AES key and encrypts with WebCrypto (native, off the main thread) and hands the
/// result here, so both paths write the same file.
pub fn encrypted_pem(
    iterations: u32,
    nonce: &Pbes2Nonce,
    ciphertext: &[u8],
) -> Result<String, PkiError> {
    use pkcs8::der::{asn1::OctetStringRef, Encode};
    let info = pkcs8::EncryptedPrivateKeyInfoRef {
        encryption_algorithm: pbes2_params(iterations, nonce)?.into(),
        encrypted_data: OctetStringRef::new(ciphertext)
            .map_err(|e| PkiError::Key(e.to_string()))?,
    };
    let der = info.to_der().map_err(|e| PkiError::Key(e.to_string()))?;
    Ok(pem::encode("ENCRYPTED PRIVATE KEY", &der))
}

/// The rules openssl applies to `-passout` (at least 4 characters), plus a sane upper bound.
pub fn check_passphrase(passphrase: &str) -> Result<(), PkiError> {
    let chars = passphrase.chars().count();
    if chars < 4 {
        return Err(PkiError::input(
            "passphrase",
            "The key passphrase needs at least 4 characters (openssl's passphrase prompt refuses shorter ones).",
        ));
    }
    if passphrase.len() > 1024 {
        return Err(PkiError::input(
            "passphrase",
            "The key passphrase is longer than 1024 bytes.",
        ));
    }
    if passphrase.chars().any(char::is_control) {
        return Err(PkiError::input(
            "passphrase",
            "The key passphrase contains a control character.",
        ));
    }
    Ok(())
}

/// Refuses imported keys whose KDF would freeze the page for minutes.
fn check_kdf_cost(encrypted: &pkcs8::EncryptedPrivateKeyInfoRef<'_>) -> Result<(), PkiError> {
    use pkcs8::pkcs5::{pbes2::Kdf, EncryptionScheme};
    match &encrypted.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => match &params.kdf {
            Kdf::Pbkdf2(p) if p.iteration_count > 2_000_000 => Err(PkiError::Key(format!(
                "the key asks for {} PBKDF2 rounds; the limit is 2,000,000",
                p.iteration_count
            ))),
            Kdf::Scrypt(p) if p.cost_parameter > 1 << 20 => Err(PkiError::Key(
                "the key's scrypt cost is above what a browser tab can afford".into(),
            )),
            _ => Ok(()),
        },
        _ => Err(PkiError::Unsupported(
            "PBES1 key encryption; re-export the key with openssl pkcs8 -v2 aes-256-cbc".into(),
        )),
    }
}

fn pkcs1_modulus_bits(rsa_private_key: &[u8]) -> Result<usize, PkiError> {
    use x509_parser::der_parser::der::{parse_der_integer, parse_der_sequence_defined_g};
    let bad = || PkiError::Key("the RSA private key cannot be parsed".into());
    let (_, bits) = parse_der_sequence_defined_g(|input, _| {
        let (input, _version) = parse_der_integer(input)?;
        let (input, modulus) = parse_der_integer(input)?;
        let bytes = modulus.as_slice().unwrap_or_default();
        Ok((input, modulus_bits(bytes)))
    })(rsa_private_key)
    .map_err(|_| bad())?;
    Ok(bits)
}

/// Wraps a PKCS#1 `RSAPrivateKey` as PKCS#8 (rsaEncryption, NULL parameters). The key itself is
/// checked, size first, by `from_pkcs8_der`.
fn pkcs1_to_pkcs8(rsa_private_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    use pkcs8::der::asn1::{AnyRef, ObjectIdentifier};
    wrap_pkcs8(
        ObjectIdentifier::new_unwrap(OID_RSA_ENCRYPTION),
        AnyRef::NULL,
        rsa_private_key,
    )
}

/// Wraps a SEC1 `ECPrivateKey` as PKCS#8 (id-ecPublicKey with its named curve), re-encoding the
/// inner key as `openssl pkcs8 -topk8` does and ring expects: no [0] curve (it moves to the
/// algorithm), [1] public key kept.
fn sec1_to_pkcs8(ec_private_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    use pkcs8::der::{asn1::AnyRef, Encode};
    let key = sec1::EcPrivateKey::from_der(ec_private_key).map_err(|e| match e.kind() {
        pkcs8::der::ErrorKind::TagUnexpected {
            actual: pkcs8::der::Tag::Sequence,
            ..
        } => PkiError::Unsupported(
            "an EC key that spells out its curve's parameters instead of naming the curve; \
                 `openssl ec -in old.key -param_enc named_curve -out client_b.key` names it"
                .into(),
        ),
        _ => PkiError::Key(format!("the EC private key cannot be parsed ({e})")),
    })?;
    let Some(curve) = key.parameters.and_then(|p| p.named_curve()) else {
        return Err(PkiError::Key(
            "the EC private key does not say which curve it is on, and openssl cannot read it either; \
             export it again as PKCS#8 (PRIVATE KEY) from the tool that made it"
                .into(),
        ));
    };
    // Refuse other curves by name before looking further.
    ec_algorithm(&curve.to_string())?;
    match key.public_key {
        Some([0x04, ..]) => {}
        Some(_) => {
            return Err(PkiError::Unsupported(
                "an EC key whose public key is in compressed form; `openssl ec -in old.key \
                 -conv_form uncompressed -out client_b.key` rewrites it"
                    .into(),
            ))
        }
        None => return Err(PkiError::Unsupported(
            "an EC key file without its public key; `openssl ec -in old.key -out client_b.key` \
                 writes it back"
                .into(),
        )),
    }
    let inner = sec1::EcPrivateKey {
        parameters: None,
        ..key
    };
    let inner =
        Zeroizing::new(inner.to_der().map_err(|e| {
            PkiError::Key(format!("the EC private key cannot be re-encoded ({e})"))
        })?);
    wrap_pkcs8(
        pkcs8::ObjectIdentifier::new_unwrap(OID_EC_PUBLIC_KEY),
        AnyRef::from(&curve),
        &inner,
    )
}

/// A PKCS#8 `PrivateKeyInfo` (version 0, no public key) around `private_key`.
fn wrap_pkcs8(
    oid: pkcs8::ObjectIdentifier,
    parameters: pkcs8::der::asn1::AnyRef<'_>,
    private_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    use pkcs8::der::{asn1::OctetStringRef, Encode};
    let bad =
        |e: pkcs8::der::Error| PkiError::Key(format!("the key cannot be wrapped as PKCS#8 ({e})"));
    let info = pkcs8::PrivateKeyInfoRef::new(
        pkcs8::AlgorithmIdentifierRef {
            oid,
            parameters: Some(parameters),
        },
        OctetStringRef::new(private_key).map_err(bad)?,
    );
    Ok(Zeroizing::new(info.to_der().map_err(bad)?))
}

/// openssl's legacy PEM encryption of traditional keys: `Proc-Type: 4,ENCRYPTED` and
/// `DEK-Info: CIPHER,IV-in-hex` headers, the key from `EVP_BytesToKey` (MD5, one round, the
/// first 8 bytes of the IV as salt), the DER encrypted in CBC mode with PKCS#7 padding.
mod legacy {
    use super::{PkiError, CONVERT_TO_PKCS8};
    use cbc::cipher::{
        block_padding::Pkcs7, BlockCipherDecrypt, BlockModeDecrypt, KeyInit, KeyIvInit,
    };
    use zeroize::Zeroizing;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Cipher {
        Aes128,
        Aes192,
        Aes256,
        DesEde3,
    }

    impl Cipher {
        fn from_name(name: &str) -> Option<Self> {
            match name.to_ascii_uppercase().as_str() {
                "AES-128-CBC" => Some(Cipher::Aes128),
                "AES-192-CBC" => Some(Cipher::Aes192),
                "AES-256-CBC" => Some(Cipher::Aes256),
                "DES-EDE3-CBC" => Some(Cipher::DesEde3),
                _ => None,
            }
        }

        fn name(self) -> &'static str {
            match self {
                Cipher::Aes128 => "AES-128-CBC",
                Cipher::Aes192 => "AES-192-CBC",
                Cipher::Aes256 => "AES-256-CBC",
                Cipher::DesEde3 => "DES-EDE3-CBC",
            }
        }

        fn key_len(self) -> usize {
            match self {
                Cipher::Aes128 => 16,
                Cipher::Aes192 | Cipher::DesEde3 => 24,
                Cipher::Aes256 => 32,
            }
        }

        /// The block size, which is also the IV's length.
        fn block_len(self) -> usize {
            match self {
                Cipher::DesEde3 => 8,
                _ => 16,
            }
        }
    }

    #[derive(Debug, PartialEq, Eq)]
    pub(super) struct Encryption {
        pub(super) cipher: Cipher,
        pub(super) iv: Vec<u8>,
    }

    impl Encryption {
        /// The encryption a block's headers declare, or `None` for a block in the clear.
        pub(super) fn from_headers(headers: &[(String, String)]) -> Result<Option<Self>, PkiError> {
            let header = |name: &str| {
                headers
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            let encrypted = header("Proc-Type").is_some_and(|v| {
                v.split(',')
                    .nth(1)
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("ENCRYPTED"))
            });
            match (header("DEK-Info"), encrypted) {
                (Some(dek_info), _) => Self::from_dek_info(dek_info).map(Some),
                (None, true) => Err(PkiError::Key(
                    "the key is marked encrypted (Proc-Type: 4,ENCRYPTED) but has no DEK-Info \
                     line naming its cipher and IV"
                        .into(),
                )),
                (None, false) => Ok(None),
            }
        }

        /// Reads `CIPHER,IV-in-hex`, as in `DEK-Info: AES-256-CBC,0123…`.
        fn from_dek_info(value: &str) -> Result<Self, PkiError> {
            let Some((name, iv_hex)) = value.split_once(',') else {
                return Err(PkiError::Key(
                    "the DEK-Info line should read a cipher, a comma and the IV in hex, as in \
                     \"DEK-Info: AES-256-CBC,0123…\""
                        .into(),
                ));
            };
            let name = name.trim();
            let Some(cipher) = Cipher::from_name(name) else {
                let shown: String = name
                    .chars()
                    .filter(|c| c.is_ascii_graphic())
                    .take(40)
                    .collect();
                return Err(PkiError::Unsupported(format!(
                    "a key encrypted with {shown} in openssl's old format; this lab opens \
                     AES-128/192/256-CBC and DES-EDE3-CBC. Convert it to PKCS#8 with: \
                     {CONVERT_TO_PKCS8}"
                )));
            };
            let iv = decode_hex(iv_hex.trim()).ok_or_else(|| {
                PkiError::Key("the DEK-Info IV is not a string of hexadecimal digits".into())
            })?;
            if iv.len() != cipher.block_len() {
                return Err(PkiError::Key(format!(
                    "the DEK-Info IV is {} bytes; {} needs {}",
                    iv.len(),
                    cipher.name(),
                    cipher.block_len()
                )));
            }
            Ok(Encryption { cipher, iv })
        }

        /// The DER inside, or `WrongPassphrase` when the padding does not come out right.
        pub(super) fn decrypt(
            &self,
            ciphertext: &[u8],
            passphrase: &str,
        ) -> Result<Zeroizing<Vec<u8>>, PkiError> {
            let block = self.cipher.block_len();
            if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(block) {
                return Err(PkiError::Key(format!(
                    "the encrypted key is {} bytes, not a whole number of {}-byte {} blocks",
                    ciphertext.len(),
                    block,
                    self.cipher.name()
                )));
            }
            // The salt is the IV's first 8 bytes; the IV is a whole block, checked when read.
            let salt = self
                .iv
                .get(..8)
                .ok_or_else(|| PkiError::Key("the DEK-Info IV is shorter than 8 bytes".into()))?;
            let key = bytes_to_key(passphrase.as_bytes(), salt, self.cipher.key_len());
            let mut buffer = Zeroizing::new(ciphertext.to_vec());
            let len = match self.cipher {
                Cipher::Aes128 => cbc_decrypt::<aes::Aes128Dec>(&key, &self.iv, &mut buffer),
                Cipher::Aes192 => cbc_decrypt::<aes::Aes192Dec>(&key, &self.iv, &mut buffer),
                Cipher::Aes256 => cbc_decrypt::<aes::Aes256Dec>(&key, &self.iv, &mut buffer),
                Cipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(&key, &self.iv, &mut buffer),
            }
            .ok_or(PkiError::WrongPassphrase)?;
            buffer.truncate(len);
            Ok(buffer)
        }
    }

    /// Decrypts in place; the plaintext's length, or `None` when the padding is wrong.
    fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(
        key: &[u8],
        iv: &[u8],
        buffer: &mut [u8],
    ) -> Option<usize> {
        cbc::Decryptor::<C>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded::<Pkcs7>(buffer)
            .ok()
            .map(<[u8]>::len)
    }

    /// OpenSSL's `EVP_BytesToKey` with MD5 and one round: D_1 = MD5(passphrase ‖ salt),
    /// D_i = MD5(D_(i-1) ‖ passphrase ‖ salt), concatenated and cut to `len`.
    pub(super) fn bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
        use md5::{Digest, Md5};
        let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
        let mut previous = Zeroizing::new(Vec::new());
        while key.len() < len {
            let mut md5 = Md5::new();
            md5.update(previous.as_slice());
            md5.update(passphrase);
            md5.update(salt);
            let digest = md5.finalize();
            previous.clear();
            previous.extend_from_slice(&digest);
            key.extend_from_slice(&digest);
        }
        key.truncate(len);
        key
    }

    fn decode_hex(text: &str) -> Option<Vec<u8>> {
        let digits = text.as_bytes();
        if digits.is_empty() || !digits.len().is_multiple_of(2) {
            return None;
        }
        digits
            .chunks(2)
            .map(|pair| {
                let high = char::from(pair[0]).to_digit(16)?;
                let low = char::from(pair[1]).to_digit(16)?;
                u8::try_from(high * 16 + low).ok()
            })
            .collect()
    }
}

/// Derives the public key from a PKCS#8 private key through ring.
fn spki_of_pkcs8(der: &[u8]) -> Result<Vec<u8>, PkiError> {
    use rcgen::PublicKeyData;
    let key = KeyPair::try_from(der)
        .map_err(|e| PkiError::Key(format!("the key is not usable for signing ({e})")))?;
    Ok(key.subject_public_key_info())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_generates_and_reloads() {
        for algorithm in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::Rsa2048,
        ] {
            let key = PrivateKey::generate(algorithm).unwrap();
            assert_eq!(key.algorithm(), algorithm);
            let again = PrivateKey::from_pem(&key.to_pem(), "").unwrap();
            assert_eq!(again, key);
            assert_eq!(algorithm_of_spki(&key.spki_der()).unwrap(), algorithm);
        }
    }

    #[test]
    fn encrypted_keys_open_only_with_their_passphrase() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let pem = key.to_encrypted_pem("correct horse", 1000).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assert_eq!(PrivateKey::from_pem(&pem, "correct horse").unwrap(), key);
        assert_eq!(
            PrivateKey::from_pem(&pem, "wrong horse").unwrap_err(),
            PkiError::WrongPassphrase
        );
        assert!(key.to_encrypted_pem("abc", 1000).is_err());
    }

    /// The PKCS#1 or SEC1 key inside a generated key's PKCS#8, as openssl's traditional PEM.
    fn traditional_pem(key: &PrivateKey) -> String {
        use pkcs8::der::Encode;
        let info = pkcs8::PrivateKeyInfoRef::from_der(key.pkcs8_der()).unwrap();
        let inner = info.private_key.as_bytes();
        match key.algorithm().rsa_bits() {
            Some(_) => pem::encode("RSA PRIVATE KEY", inner),
            None => {
                let curve = info.algorithm.parameters_oid().unwrap();
                let mut ec = sec1::EcPrivateKey::from_der(inner).unwrap();
                ec.parameters = Some(curve.into());
                pem::encode("EC PRIVATE KEY", &ec.to_der().unwrap())
            }
        }
    }

    /// `pem` with openssl's legacy encryption headers, encrypted with AES-128-CBC under `passphrase`.
    fn legacy_aes128(pem_text: &str, passphrase: &str, iv: [u8; 16]) -> String {
        use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
        let block = pem::parse_all(pem_text).unwrap().remove(0);
        let key = legacy::bytes_to_key(passphrase.as_bytes(), &iv[..8], 16);
        let len = block.der.len();
        let mut buffer = block.der.clone();
        buffer.resize(len + 16, 0);
        let ciphertext = cbc::Encryptor::<aes::Aes128Enc>::new_from_slices(&key, &iv)
            .unwrap()
            .encrypt_padded::<Pkcs7>(&mut buffer, len)
            .unwrap()
            .to_vec();
        let iv_hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
        let body = pem::encode(&block.label, &ciphertext);
        let begin_end = body.find('\n').unwrap() + 1;
        format!(
            "{}Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv_hex}\n\n{}",
            &body[..begin_end],
            &body[begin_end..]
        )
    }

    fn with_headers(label: &str, headers: &str, der: &[u8]) -> String {
        let body = pem::encode(label, der);
        let first_line = body.find('\n').unwrap() + 1;
        format!(
            "{}{headers}\n\n{}",
            &body[..first_line],
            &body[first_line..]
        )
    }

    #[test]
    fn bytes_to_key_matches_openssl() {
        // openssl enc -aes-256-cbc -md md5 -pass pass:workshop -S 0102030405060708 -P
        let derived = legacy::bytes_to_key(b"workshop", &[1, 2, 3, 4, 5, 6, 7, 8], 48);
        let hex: String = derived.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(
            hex,
            "814BF6139479004D00FA5119AE152A478287537DCB87EA8434C12D0281DCA9A3\
             F1A5193F661FC33662B762011F714648"
        );
    }

    #[test]
    fn traditional_forms_load_plain_and_encrypted() {
        for algorithm in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::Rsa2048,
        ] {
            let key = PrivateKey::generate(algorithm).unwrap();
            let plain = traditional_pem(&key);
            assert_eq!(
                PrivateKey::from_pem(&plain, "").unwrap(),
                key,
                "{algorithm:?}"
            );
            let encrypted = legacy_aes128(&plain, "correct horse", [7; 16]);
            assert_eq!(
                PrivateKey::from_pem(&encrypted, "correct horse").unwrap(),
                key,
                "{algorithm:?}"
            );
            assert_eq!(
                PrivateKey::from_pem(&encrypted, "wrong horse").unwrap_err(),
                PkiError::WrongPassphrase,
                "{algorithm:?}"
            );
        }
    }

    #[test]
    fn an_ec_parameters_block_before_the_key_is_skipped() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let params = pem::encode(
            "EC PARAMETERS",
            &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        );
        let text = format!("{params}{}", traditional_pem(&key));
        assert_eq!(PrivateKey::from_pem(&text, "").unwrap(), key);
        // Alone, it is not a key; two keys are still refused.
        assert!(PrivateKey::from_pem(&params, "").is_err());
        let two = format!("{}{}", traditional_pem(&key), traditional_pem(&key));
        assert!(PrivateKey::from_pem(&two, "").is_err());
    }

    #[test]
    fn malformed_traditional_keys_are_refused_with_a_message() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let ec = pem::parse_all(&traditional_pem(&key))
            .unwrap()
            .remove(0)
            .der;
        let rsa_like: Vec<u8> = vec![0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82];
        let sixteen = "00112233445566778899AABBCCDDEEFF";
        let cases: Vec<(&str, String)> = vec![
            ("truncated EC DER", pem::encode("EC PRIVATE KEY", &ec[..ec.len() / 2])),
            ("truncated RSA DER", pem::encode("RSA PRIVATE KEY", &rsa_like)),
            ("empty RSA DER", pem::encode("RSA PRIVATE KEY", &[])),
            ("EC key that is not DER", pem::encode("EC PRIVATE KEY", b"hello")),
            (
                "DEK-Info without a comma",
                with_headers("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC", &[0; 32]),
            ),
            (
                "DEK-Info with an unknown cipher",
                with_headers(
                    "RSA PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: CAMELLIA-256-CBC,{sixteen}"),
                    &[0; 32],
                ),
            ),
            (
                "IV of the wrong length",
                with_headers(
                    "EC PRIVATE KEY",
                    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEE",
                    &[0; 32],
                ),
            ),
            (
                "DES IV of AES length",
                with_headers(
                    "EC PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,{sixteen}"),
                    &[0; 32],
                ),
            ),
            (
                "non-hex IV",
                with_headers(
                    "RSA PRIVATE KEY",
                    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEGG",
                    &[0; 32],
                ),
            ),
            (
                "odd-length, non-ASCII IV",
                with_headers(
                    "RSA PRIVATE KEY",
                    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011223344556677é8899AABBCCDDEEF",
                    &[0; 32],
                ),
            ),
            (
                "empty IV",
                with_headers("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,", &[0; 32]),
            ),
            (
                "encrypted without DEK-Info",
                with_headers("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED", &[0; 32]),
            ),
            (
                "ciphertext not a whole number of blocks",
                with_headers(
                    "RSA PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,{sixteen}"),
                    &[0; 33],
                ),
            ),
            (
                "empty ciphertext",
                with_headers(
                    "EC PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,{sixteen}"),
                    &[],
                ),
            ),
        ];
        for (what, text) in cases {
            let err = PrivateKey::from_pem(&text, "passphrase").unwrap_err();
            let message = err.to_string();
            assert!(
                !message.contains("Error {") && !message.contains("Kind"),
                "{what}: {message}"
            );
            assert_ne!(err, PkiError::WrongPassphrase, "{what}");
        }
        let unknown = with_headers(
            "RSA PRIVATE KEY",
            &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: CAMELLIA-256-CBC,{sixteen}"),
            &[0; 32],
        );
        let message = PrivateKey::from_pem(&unknown, "x").unwrap_err().to_string();
        assert!(
            message.contains("CAMELLIA-256-CBC") && message.contains(CONVERT_TO_PKCS8),
            "{message}"
        );
    }

    #[test]
    fn ec_keys_on_other_curves_are_refused_by_name() {
        // secp256k1, with a made-up scalar and public point: refused before anyone reads them.
        let mut der = vec![0x30, 0x74, 0x02, 0x01, 0x01, 0x04, 0x20];
        der.extend_from_slice(&[0x11; 32]);
        der.extend_from_slice(&[0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]);
        der.extend_from_slice(&[0xa1, 0x44, 0x03, 0x42, 0x00, 0x04]);
        der.extend_from_slice(&[0x22; 64]);
        let err = PrivateKey::from_pem(&pem::encode("EC PRIVATE KEY", &der), "").unwrap_err();
        assert!(
            matches!(&err, PkiError::Unsupported(m) if m.contains("secp256k1")),
            "{err}"
        );
    }

    #[test]
    fn garbage_is_refused_with_a_message() {
        assert!(PrivateKey::from_pkcs8_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        let err = PrivateKey::from_pem(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "",
        )
        .unwrap_err();
        assert!(err.to_string().contains("expected"), "{err}");
    }
}
