//! Private keys: generation, PKCS#8 import and export (plain or PBES2-encrypted), and import of
//! openssl's traditional forms: PKCS#1 `RSA PRIVATE KEY` and SEC1 `EC PRIVATE KEY`, plain or under
//! the legacy PEM encryption (`Proc-Type`/`DEK-Info` headers).

mod legacy_pem;
mod pbes2;
mod traditional;

pub use pbes2::{check_passphrase, encrypted_pem, Pbes2Nonce, PBKDF2_ITERATIONS};

use super::{pem, PkiError};
use pkcs8::der::Decode;
use rcgen::{KeyPair, SignatureAlgorithm};

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

/// The largest RSA modulus we read. Bigger keys only make signing crawl in a lab.
const MAX_RSA_BITS: usize = 8192;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
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
    let spki = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|_| PkiError::Key("the public key cannot be parsed".into()))?;
    match spki.algorithm.oid.to_string().as_str() {
        OID_RSA_ENCRYPTION => {
            let modulus = rsa_modulus(spki.subject_public_key.raw_bytes())
                .ok_or_else(|| PkiError::Key("the RSA public key cannot be parsed".into()))?;
            match modulus_bits(modulus) {
                2048 => Ok(KeyAlgorithm::Rsa2048),
                3072 => Ok(KeyAlgorithm::Rsa3072),
                4096 => Ok(KeyAlgorithm::Rsa4096),
                bits => Err(PkiError::Unsupported(format!(
                    "an RSA key of {bits} bits; this lab signs RSA 2048, 3072 and 4096"
                ))),
            }
        }
        OID_EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters_oid()
                .map(|o| o.to_string())
                .unwrap_or_default();
            ec_algorithm(&curve)
        }
        "1.3.101.112" => Err(PkiError::Unsupported(
            "an Ed25519 key; this lab uses ECDSA P-256/P-384 and RSA".into(),
        )),
        other => Err(PkiError::Unsupported(format!("a key of type {other}"))),
    }
}

/// The modulus of a PKCS#1 RSAPublicKey (an SPKI's key bits), without a leading zero octet.
pub(crate) fn rsa_modulus(rsa_public_key: &[u8]) -> Option<&[u8]> {
    use pkcs8::der::{asn1::UintRef, Reader, SliceReader};
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    let mut reader = SliceReader::new(rsa_public_key).ok()?;
    let modulus = reader
        .sequence(|fields| {
            let modulus: UintRef<'_> = fields.decode()?;
            let _exponent: UintRef<'_> = fields.decode()?;
            Ok::<_, pkcs8::der::Error>(modulus)
        })
        .ok()?;
    Some(modulus.as_bytes())
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

pub(crate) fn modulus_bits(modulus: &[u8]) -> usize {
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

/// A new RSA key as PKCS#8 DER, made by the rsa crate: natively, and in a key worker where
/// the browser offers no WebCrypto.
pub fn rsa_pkcs8(bits: usize) -> Result<Vec<u8>, PkiError> {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits)
        .map_err(|e| PkiError::Key(e.to_string()))?;
    Ok(key
        .to_pkcs8_der()
        .map_err(|e| PkiError::Key(e.to_string()))?
        .as_bytes()
        .to_vec())
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
            #[cfg(not(target_arch = "wasm32"))]
            _ => rsa_pkcs8(algorithm.rsa_bits().unwrap_or(2048))?,
            // Kept out of the page's module: WebCrypto makes the page's RSA keys, and where it
            // cannot, the core module does, in a key worker.
            #[cfg(target_arch = "wasm32")]
            _ => {
                return Err(PkiError::Unsupported(format!(
                "making an {} key in the page's module; the page asks WebCrypto or a key worker",
                algorithm.label()
            )))
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

    /// Reads a plain PKCS#8 `PRIVATE KEY` block, and nothing else.
    pub fn from_plain_pem(text: &str) -> Result<Self, PkiError> {
        Self::from_pkcs8_der(&pem::parse_one(text, &["PRIVATE KEY"])?.der)
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
        Self::from_block(&pem::one_of(blocks, &KEY_LABELS)?, passphrase)
    }

    /// Whether a PEM block's label is one of the private key forms `from_block` reads.
    pub fn is_key_label(label: &str) -> bool {
        KEY_LABELS.contains(&label)
    }

    /// Reads one key block already split out of a PEM text (a bundle may hold certificates
    /// beside it), opened with `passphrase` where it is encrypted.
    pub fn from_block(block: &pem::Block, passphrase: &str) -> Result<Self, PkiError> {
        if block.label == "ENCRYPTED PRIVATE KEY" {
            return Self::from_encrypted_pkcs8(&block.der, passphrase);
        }
        let Some(encryption) = legacy_pem::Encryption::from_headers(&block.headers)? else {
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
            "RSA PRIVATE KEY" => Self::from_pkcs8_der(&traditional::pkcs1_to_pkcs8(der)?),
            "EC PRIVATE KEY" => Self::from_pkcs8_der(&traditional::sec1_to_pkcs8(der)?),
            _ => Self::from_pkcs8_der(der),
        }
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The signer for this key: ring, or for RSA the signatures given to a step
    /// ([`signed_outside`](super::signed_outside)).
    pub fn signer(&self) -> Result<super::signed_outside::Signer, PkiError> {
        super::signed_outside::Signer::for_key(self)
    }

    /// The SubjectPublicKeyInfo DER of this key's public half.
    pub fn spki_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    pub fn to_pem(&self) -> String {
        pem::encode("PRIVATE KEY", &self.pkcs8)
    }
}

fn pkcs1_modulus_bits(rsa_private_key: &[u8]) -> Result<usize, PkiError> {
    use pkcs8::der::{asn1::IntRef, Reader, SliceReader, Tag, Tagged};
    let bad = |_| PkiError::Key("the RSA private key cannot be parsed".into());
    // Only the version and the modulus are read: the rest is ring's to check, after this gate.
    let mut outer = SliceReader::new(rsa_private_key).map_err(bad)?;
    let sequence: pkcs8::der::asn1::AnyRef<'_> = outer.decode().map_err(bad)?;
    sequence.tag().assert_eq(Tag::Sequence).map_err(bad)?;
    let mut fields = SliceReader::new(sequence.value()).map_err(bad)?;
    let _version: IntRef<'_> = fields.decode().map_err(bad)?;
    let modulus: IntRef<'_> = fields.decode().map_err(bad)?;
    Ok(modulus_bits(modulus.as_bytes()))
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
