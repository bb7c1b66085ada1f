//! PKCS#8 key encryption (PBES2): export under a passphrase, the checks on that passphrase,
//! and the import of `ENCRYPTED PRIVATE KEY` blocks.

use super::{pem, PkiError, PrivateKey};
use crate::pki::InputField;
use pkcs8::der::Decode;

/// PBKDF2-HMAC-SHA256 rounds for exported keys. openssl's own default is 2,048; this is
/// 50 times that while keeping six keys well under a second in the browser.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

impl PrivateKey {
    /// A PKCS#8 `EncryptedPrivateKeyInfo` (PBES2), opened with `passphrase`.
    pub(super) fn from_encrypted_pkcs8(der: &[u8], passphrase: &str) -> Result<Self, PkiError> {
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
            InputField::Passphrase,
            "The key passphrase needs at least 4 characters (openssl's passphrase prompt refuses shorter ones).",
        ));
    }
    if passphrase.len() > 1024 {
        return Err(PkiError::input(
            InputField::Passphrase,
            "The key passphrase is longer than 1024 bytes.",
        ));
    }
    if passphrase.chars().any(char::is_control) {
        return Err(PkiError::input(
            InputField::Passphrase,
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

#[cfg(test)]
mod tests {
    use super::super::KeyAlgorithm;
    use super::*;

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
}
