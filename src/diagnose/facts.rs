//! What the diagnosis reads from any certificate, including ones this lab would never make:
//! names, validity, CA status, extended key usages, and the key and signature algorithms.

use super::files::BlockKind;
use crate::pki::inspect::name_text;
use crate::pki::keys::{modulus_bits, rsa_modulus};
use crate::pki::Certificate;
use der::Decode;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};

const OID_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const OID_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
const OID_ANY_EKU: &str = "2.5.29.37.0";

/// A public key's kind and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Rsa(usize),
    Ec(&'static str),
    Ed25519,
    Ed448,
    Other,
}

impl KeyKind {
    pub fn label(self) -> String {
        match self {
            KeyKind::Rsa(bits) => format!("RSA {bits}"),
            KeyKind::Ec(curve) => format!("ECDSA {curve}"),
            KeyKind::Ed25519 => "Ed25519".into(),
            KeyKind::Ed448 => "Ed448".into(),
            KeyKind::Other => "an unknown key type".into(),
        }
    }
}

/// The hash a signature algorithm uses, where it matters to whether stacks accept it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureHash {
    Md5,
    Sha1,
    Strong,
}

/// The facts of one certificate. A field that does not decode reads as absent.
#[derive(Clone, Debug)]
pub struct Facts {
    pub subject: String,
    pub issuer: String,
    pub not_before: u64,
    pub not_after: u64,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// The extended key usages, when the certificate lists any: (serverAuth, clientAuth),
    /// anyExtendedKeyUsage counting as both.
    pub eku: Option<(bool, bool)>,
    pub key: KeyKind,
    pub signature: String,
    pub signature_hash: SignatureHash,
    pub self_issued: bool,
}

impl Facts {
    pub fn of(cert: &Certificate) -> Self {
        let mut facts = Facts {
            subject: "(a certificate this lab cannot decode)".into(),
            issuer: String::new(),
            not_before: 0,
            not_after: 0,
            is_ca: false,
            eku: None,
            key: KeyKind::Other,
            signature: String::new(),
            signature_hash: SignatureHash::Strong,
            self_issued: false,
        };
        let Ok(parsed) = x509_cert::Certificate::from_der(cert.der()) else {
            return facts;
        };
        let tbs = parsed.tbs_certificate();
        facts.subject = name_text(tbs.subject());
        facts.issuer = name_text(tbs.issuer());
        facts.self_issued = tbs.subject() == tbs.issuer();
        facts.not_before = tbs.validity().not_before.to_unix_duration().as_secs();
        facts.not_after = tbs.validity().not_after.to_unix_duration().as_secs();
        for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or_default() {
            let value = ext.extn_value.as_bytes();
            match ext.extn_id.to_string().as_str() {
                "2.5.29.19" => facts.is_ca = BasicConstraints::from_der(value).is_ok_and(|b| b.ca),
                "2.5.29.37" => {
                    facts.eku = ExtendedKeyUsage::from_der(value).ok().map(|eku| {
                        let has = |oid: &str| eku.0.iter().any(|o| o.to_string() == oid);
                        let any = has(OID_ANY_EKU);
                        (any || has(OID_SERVER_AUTH), any || has(OID_CLIENT_AUTH))
                    })
                }
                _ => {}
            }
        }
        let spki = tbs.subject_public_key_info();
        facts.key = match spki.algorithm.oid.to_string().as_str() {
            "1.2.840.113549.1.1.1" => spki
                .subject_public_key
                .as_bytes()
                .and_then(rsa_modulus)
                .map(|m| KeyKind::Rsa(modulus_bits(m)))
                .unwrap_or(KeyKind::Other),
            "1.2.840.10045.2.1" => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                    .map(|oid| oid.to_string());
                KeyKind::Ec(match curve.as_deref() {
                    Some("1.2.840.10045.3.1.7") => "P-256",
                    Some("1.3.132.0.34") => "P-384",
                    Some("1.3.132.0.35") => "P-521",
                    _ => "on another curve",
                })
            }
            "1.3.101.112" => KeyKind::Ed25519,
            "1.3.101.113" => KeyKind::Ed448,
            _ => KeyKind::Other,
        };
        let (name, hash) = signature(&parsed.signature_algorithm().oid.to_string());
        facts.signature = name;
        facts.signature_hash = hash;
        facts
    }

    pub fn kind(&self) -> BlockKind {
        match (self.is_ca, self.self_issued) {
            (false, _) => BlockKind::Leaf,
            (true, true) => BlockKind::Root,
            (true, false) => BlockKind::Intermediate,
        }
    }

    /// The subject's CN, or the whole subject where it has none.
    pub fn short_name(&self) -> String {
        self.subject
            .split(", ")
            .find_map(|part| part.strip_prefix("CN = "))
            .unwrap_or(&self.subject)
            .to_string()
    }
}

fn signature(oid: &str) -> (String, SignatureHash) {
    let (name, hash) = match oid {
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", SignatureHash::Md5),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", SignatureHash::Sha1),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", SignatureHash::Sha1),
        "1.2.840.113549.1.1.10" => ("rsassaPss", SignatureHash::Strong),
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", SignatureHash::Strong),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", SignatureHash::Strong),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", SignatureHash::Strong),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", SignatureHash::Strong),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", SignatureHash::Strong),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", SignatureHash::Strong),
        "1.3.101.112" => ("ED25519", SignatureHash::Strong),
        "1.3.101.113" => ("ED448", SignatureHash::Strong),
        other => return (other.to_string(), SignatureHash::Strong),
    };
    (name.to_string(), hash)
}
