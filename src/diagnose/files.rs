//! One side's files as the user gave them: a bundle of certificates (and maybe its key), a key,
//! the CAs it trusts, or a PKCS#12 file; each block labelled, each refusal kept by its field.

use super::{Field, FieldId, Role, SideFiles};
use crate::pki::{pem, Certificate, PkiError, PrivateKey};
use crate::text::capitalised;

/// The most certificates one field takes: no real chain or trust bundle for a lab is longer.
pub const MAX_CERTIFICATES: usize = 32;
/// The largest PKCS#12 file read: a key and a chain take a few KiB.
pub const MAX_PKCS12_BYTES: usize = 256 * 1024;

/// What a block of a field turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BlockKind {
    /// A certificate that is not a CA: the side's own.
    Leaf,
    /// A CA certificate signed by another CA.
    Intermediate,
    /// A self-signed CA certificate.
    Root,
    /// A private key.
    Key,
}

impl BlockKind {
    pub fn label(self) -> &'static str {
        match self {
            BlockKind::Leaf => "leaf",
            BlockKind::Intermediate => "intermediate",
            BlockKind::Root => "root",
            BlockKind::Key => "key",
        }
    }
}

/// One block of a field, in the order given: its kind and what it names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlockNote {
    pub kind: BlockKind,
    /// The certificate's subject, or the key's algorithm.
    pub name: String,
}

/// What one field held, or why it was refused.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldReport {
    pub id: FieldId,
    pub blocks: Vec<BlockNote>,
    pub error: Option<String>,
}

/// A side's files once read: the certificates in the order given (the first is the one TLS
/// sends as the side's own), its key, and the CAs it trusts for its peer.
#[derive(Clone, Debug, Default)]
pub struct SideSet {
    pub certificates: Vec<Certificate>,
    pub key: Option<PrivateKey>,
    pub trusted: Vec<Certificate>,
}

/// Reads a side's fields. A field that cannot be read reports why and adds nothing.
pub fn read_side(role: Role, files: &SideFiles) -> (SideSet, Vec<FieldReport>) {
    let mut set = SideSet::default();
    let mut reports = Vec::new();
    let id = |field| FieldId { role, field };
    if let Some(p12) = &files.pkcs12 {
        let report = match read_pkcs12(p12, &files.passphrase) {
            Ok((certificates, key)) => {
                let blocks = notes(&certificates, Some(&key));
                set.certificates = certificates;
                set.key = Some(key);
                ok(id(Field::Pkcs12), blocks)
            }
            Err(why) => refused(id(Field::Pkcs12), why),
        };
        reports.push(report);
    }
    if !files.certificates.trim().is_empty() {
        let report = match read_bundle(&files.certificates, &files.passphrase) {
            Ok((certificates, key)) => {
                let blocks = notes(&certificates, key.as_ref());
                set.certificates = certificates;
                if key.is_some() {
                    set.key = key;
                }
                ok(id(Field::Certificates), blocks)
            }
            Err(why) => refused(id(Field::Certificates), why),
        };
        reports.push(report);
    }
    if !files.key.trim().is_empty() {
        let report = match PrivateKey::from_pem(&files.key, &files.passphrase) {
            Ok(key) => {
                let blocks = notes(&[], Some(&key));
                set.key = Some(key);
                ok(id(Field::Key), blocks)
            }
            Err(e) => refused(id(Field::Key), key_words(&e)),
        };
        reports.push(report);
    }
    if !files.trusted.trim().is_empty() {
        let report = match read_certificates(&files.trusted) {
            Ok(trusted) => {
                let blocks = notes(&trusted, None);
                set.trusted = trusted;
                ok(id(Field::Trusted), blocks)
            }
            Err(why) => refused(id(Field::Trusted), why),
        };
        reports.push(report);
    }
    (set, reports)
}

fn ok(id: FieldId, blocks: Vec<BlockNote>) -> FieldReport {
    FieldReport {
        id,
        blocks,
        error: None,
    }
}

fn refused(id: FieldId, why: String) -> FieldReport {
    FieldReport {
        id,
        blocks: Vec::new(),
        error: Some(why),
    }
}

/// A key error in the words a user acts on.
fn key_words(error: &PkiError) -> String {
    match error {
        PkiError::WrongPassphrase => {
            "The passphrase does not open this key: type the key's passphrase above.".into()
        }
        other => capitalised(&other.to_string()),
    }
}

/// Certificates and at most one key, as nginx's and HAProxy's combined files hold them.
fn read_bundle(
    text: &str,
    passphrase: &str,
) -> Result<(Vec<Certificate>, Option<PrivateKey>), String> {
    let blocks = pem::parse_all(text).map_err(|e| capitalised(&e.to_string()))?;
    let mut certificates = Vec::new();
    let mut key = None;
    for (index, block) in blocks.iter().enumerate() {
        let place = index + 1;
        if block.label == "CERTIFICATE" {
            let cert = Certificate::from_der(block.der.clone())
                .map_err(|e| format!("Block {place}: {e}."))?;
            certificates.push(cert);
        } else if PrivateKey::is_key_label(&block.label) {
            if key.is_some() {
                return Err(format!(
                    "Block {place} is a second private key; a side has one key."
                ));
            }
            key = Some(
                PrivateKey::from_block(block, passphrase)
                    .map_err(|e| format!("Block {place}: {}", key_words(&e)))?,
            );
        } else if block.label != "EC PARAMETERS" {
            return Err(unexpected(place, &block.label, "certificates and a key"));
        }
    }
    if certificates.is_empty() {
        return Err("No certificate here: paste the certificate, then its chain.".into());
    }
    if certificates.len() > MAX_CERTIFICATES {
        return Err(format!(
            "{} certificates; this field takes at most {MAX_CERTIFICATES}.",
            certificates.len()
        ));
    }
    Ok((certificates, key))
}

/// CA certificates only.
fn read_certificates(text: &str) -> Result<Vec<Certificate>, String> {
    let blocks = pem::parse_all(text).map_err(|e| capitalised(&e.to_string()))?;
    if blocks.len() > MAX_CERTIFICATES {
        return Err(format!(
            "{} blocks; this field takes at most {MAX_CERTIFICATES} certificates.",
            blocks.len()
        ));
    }
    blocks
        .into_iter()
        .enumerate()
        .map(|(index, block)| {
            let place = index + 1;
            if block.label != "CERTIFICATE" {
                return Err(unexpected(place, &block.label, "CA certificates"));
            }
            Certificate::from_der(block.der).map_err(|e| format!("Block {place}: {e}."))
        })
        .collect()
}

fn unexpected(place: usize, label: &str, takes: &str) -> String {
    let what = match label {
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            "a certificate signing request, which is not a certificate until a CA signs it"
        }
        "X509 CRL" => "a CRL",
        "PKCS7" | "CMS" => {
            "a PKCS#7 bundle (openssl pkcs7 -print_certs turns it into certificates)"
        }
        "PUBLIC KEY" => "a public key, not a private one",
        _ => "a block of another kind",
    };
    format!("Block {place} is \"{label}\": {what}. This field takes {takes}.")
}

/// The key and certificates of a PKCS#12 file. The certificate whose public key is the key's
/// comes first, as TLS sends it; the others follow in the file's order.
fn read_pkcs12(bytes: &[u8], password: &str) -> Result<(Vec<Certificate>, PrivateKey), String> {
    use p12_keystore::error::Error;
    if bytes.len() > MAX_PKCS12_BYTES {
        return Err(format!(
            "The file is {} KiB; a PKCS#12 file of a key and its chain is a few KiB (limit {} KiB).",
            bytes.len() / 1024,
            MAX_PKCS12_BYTES / 1024
        ));
    }
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password).map_err(|e| match e {
            Error::MacError(_) => "The password does not open this PKCS#12 file (its MAC does not verify): type the export password in the passphrase field.".to_string(),
            Error::UnsupportedEncryptionScheme | Error::UnsupportedMacAlgorithm => {
                "This PKCS#12 file uses an encryption this lab does not read.".to_string()
            }
            _ => "Not a PKCS#12 file this lab can read (openssl pkcs12 -info -in FILE shows what it holds).".to_string(),
        })?;
    let key = match archive.keys.as_slice() {
        [] => {
            return Err(
                "This PKCS#12 file holds no private key: it is a trust store, or was exported without the key (openssl pkcs12 -export needs -inkey)."
                    .into(),
            )
        }
        [bag] => PrivateKey::from_pkcs8_der(bag.key.as_der()).map_err(|e| key_words(&e))?,
        more => {
            return Err(format!(
                "This PKCS#12 file holds {} private keys; a side has one.",
                more.len()
            ))
        }
    };
    let mut certificates = archive
        .certs
        .iter()
        .map(|bag| Certificate::from_der(bag.cert.as_der().to_vec()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| capitalised(&e.to_string()))?;
    if certificates.is_empty() {
        return Err(
            "This PKCS#12 file holds a key but no certificate: export it with its certificate (openssl pkcs12 -export -in CERT -inkey KEY)."
                .into(),
        );
    }
    if certificates.len() > MAX_CERTIFICATES {
        return Err(format!(
            "{} certificates; a PKCS#12 file here takes at most {MAX_CERTIFICATES}.",
            certificates.len()
        ));
    }
    if let Some(own) = certificates
        .iter()
        .position(|c| c.spki_der() == key.spki_der())
    {
        let leaf = certificates.remove(own);
        certificates.insert(0, leaf);
    }
    Ok((certificates, key))
}

/// Labels each certificate (leaf, intermediate, root) in order, then the key.
fn notes(certificates: &[Certificate], key: Option<&PrivateKey>) -> Vec<BlockNote> {
    let mut notes: Vec<BlockNote> = certificates
        .iter()
        .map(|cert| {
            let facts = super::facts::Facts::of(cert);
            BlockNote {
                kind: facts.kind(),
                name: facts.subject,
            }
        })
        .collect();
    if let Some(key) = key {
        notes.push(BlockNote {
            kind: BlockKind::Key,
            name: format!("{} private key", key.algorithm().label()),
        });
    }
    notes
}
