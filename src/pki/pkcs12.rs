//! Client B's identity (key, certificate, chain) as one PKCS#12 file, for browsers and OS
//! keychains that import `.p12` rather than PEM; and C's CAs as a PKCS#12 truststore for Java.

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

/// How B's identity file is made: its alias, whether C's root goes in its chain, and the export
/// password (by default the key passphrase).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub friendly_name: String,
    pub include_root: bool,
    pub password: String,
}

impl Export {
    /// The defaults: alias `client-b`, the whole chain, `password`.
    pub fn with_password(password: &str) -> Self {
        Export {
            friendly_name: "client-b".into(),
            include_root: true,
            password: password.into(),
        }
    }
}

/// What one PKCS#12 file holds, under which password, in which flavour. It crosses to the core
/// worker as a request, so the page's own module carries no PKCS#12 writer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pkcs12Job {
    pub contents: Pkcs12Contents,
    /// The export password: it encrypts the key and protects the file's integrity.
    pub passphrase: String,
    pub flavour: Flavour,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Pkcs12Contents {
    /// A key with its certificate chain, under one alias (the friendly name).
    Identity {
        key: PrivateKey,
        /// The leaf first, then its issuers, up to the root or short of it.
        chain: Vec<Certificate>,
        friendly_name: String,
    },
    /// CA certificates alone, each under its alias and marked trusted as Java's keytool marks
    /// them, so that Java reads the file as a truststore.
    Trusted(Vec<(String, Certificate)>),
}

impl Pkcs12Job {
    pub fn run(&self) -> Result<Vec<u8>, PkiError> {
        match &self.contents {
            Pkcs12Contents::Identity {
                key,
                chain,
                friendly_name,
            } => identity(key, chain, friendly_name, &self.passphrase, self.flavour),
            Pkcs12Contents::Trusted(cas) => truststore(cas, &self.passphrase, self.flavour),
        }
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
    use p12_keystore::{KeyStore, KeyStoreEntry, PrivateKeyChain};
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
    write(&store, passphrase, flavour)
}

/// CA certificates as a Java truststore: trusted certificate entries, no key.
pub fn truststore(
    cas: &[(String, Certificate)],
    passphrase: &str,
    flavour: Flavour,
) -> Result<Vec<u8>, PkiError> {
    use p12_keystore::{KeyStore, KeyStoreEntry};
    super::keys::check_passphrase(passphrase)?;
    if cas.is_empty() {
        return Err(PkiError::Certificate(
            "a truststore needs at least one CA certificate".into(),
        ));
    }
    let mut store = KeyStore::new();
    for (alias, ca) in cas {
        let cert = p12_keystore::Certificate::from_der(ca.der())
            .map_err(|e| PkiError::Certificate(format!("PKCS#12: {e}")))?;
        store.add_entry(alias, KeyStoreEntry::Certificate(cert));
    }
    write(&store, passphrase, flavour)
}

fn write(
    store: &p12_keystore::KeyStore,
    passphrase: &str,
    flavour: Flavour,
) -> Result<Vec<u8>, PkiError> {
    use p12_keystore::{EncryptionAlgorithm, MacAlgorithm};
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
        .map_err(|e| PkiError::Certificate(format!("PKCS#12: {e}")))
}
