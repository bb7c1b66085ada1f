//! Client B's identity (key, certificate, chain) as one PKCS#12 file, for browsers and OS
//! keychains that import `.p12` rather than PEM.

use super::{cert::key_identifier, Certificate, PkiError, PrivateKey};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flavour {
    /// What OpenSSL 3 writes by default: PBES2 with AES-256-CBC, HMAC-SHA-256 MAC.
    Modern,
    /// 3DES and SHA-1, for older macOS and Windows importers (as `openssl pkcs12 -export -certpbe
    /// PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1` writes it).
    Legacy,
}

impl Flavour {
    pub fn file_name(self, stem: &str) -> String {
        match self {
            Flavour::Modern => format!("{stem}.p12"),
            Flavour::Legacy => format!("{stem}_legacy.p12"),
        }
    }
}

/// What one PKCS#12 file holds. It crosses to the core worker as a request, so the page's own
/// module carries no PKCS#12 writer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pkcs12Job {
    pub key: PrivateKey,
    /// The leaf first, then its issuers up to the root.
    pub chain: Vec<Certificate>,
    pub friendly_name: String,
    pub passphrase: String,
    pub flavour: Flavour,
}

impl Pkcs12Job {
    pub fn run(&self) -> Result<Vec<u8>, PkiError> {
        identity(
            &self.key,
            &self.chain,
            &self.friendly_name,
            &self.passphrase,
            self.flavour,
        )
    }
}

/// The iteration count OpenSSL 3 uses for both the encryption and the MAC.
const ITERATIONS: u32 = 2048;

/// `chain` is the leaf first, then its issuers up to the root.
pub fn identity(
    key: &PrivateKey,
    chain: &[Certificate],
    friendly_name: &str,
    passphrase: &str,
    flavour: Flavour,
) -> Result<Vec<u8>, PkiError> {
    use p12_keystore::{
        EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKeyChain,
    };
    super::keys::check_passphrase(passphrase)?;
    let leaf = chain
        .first()
        .ok_or_else(|| PkiError::Certificate("a PKCS#12 identity needs a certificate".into()))?;
    if leaf.spki_der() != key.spki_der() {
        return Err(PkiError::Key(
            "the key does not match the certificate".into(),
        ));
    }
    let fail = |e: p12_keystore::error::Error| PkiError::Certificate(format!("PKCS#12: {e}"));
    let certs = chain
        .iter()
        .map(|c| p12_keystore::Certificate::from_der(c.der()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let p12_key = p12_keystore::PrivateKey::from_der(key.pkcs8_der()).map_err(fail)?;
    // The local key id ties the key bag to the certificate bag; the key's SKI is the usual pick.
    let key_id = key_identifier(&key.spki_der())?;
    let mut store = KeyStore::new();
    store.add_entry(
        friendly_name,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(key_id, p12_key, certs)),
    );
    let (encryption, mac) = match flavour {
        Flavour::Modern => (
            EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
            MacAlgorithm::HmacSha256,
        ),
        Flavour::Legacy => (
            EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            MacAlgorithm::HmacSha1,
        ),
    };
    store
        .writer(passphrase)
        .encryption_algorithm(encryption)
        .encryption_iterations(ITERATIONS)
        .mac_algorithm(mac)
        .mac_iterations(ITERATIONS)
        .write()
        .map_err(fail)
}
