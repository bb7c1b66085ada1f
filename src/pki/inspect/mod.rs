//! A decoded view of certificates and CSRs, with the fields and names `openssl x509 -text` uses.

use super::{keys::algorithm_of_spki, Certificate, Csr, PkiError};
use der::{Decode, Tag, Tagged};
use x509_cert::ext::pkix::{
    name::GeneralName, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionView {
    /// openssl's name, e.g. "X509v3 Basic Constraints".
    pub name: String,
    pub critical: bool,
    /// openssl's one-line rendering, e.g. "CA:TRUE, pathlen:0".
    pub value: String,
    /// What the decoded extension means, one plain-English line per fact (RFC 5280 4.2).
    pub explanation: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateView {
    pub version: u8,
    /// Colon-separated hex, as openssl prints long serials.
    pub serial: String,
    pub signature_algorithm: String,
    pub issuer: String,
    pub subject: String,
    /// openssl's `-dates` form: "Nov 28 11:00:00 2026 GMT".
    pub not_before: String,
    pub not_after: String,
    pub not_before_unix: u64,
    pub not_after_unix: u64,
    pub public_key: String,
    pub extensions: Vec<ExtensionView>,
    pub self_issued: bool,
    /// The signature value, colon-separated hex as openssl prints it.
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrView {
    pub version: u8,
    pub subject: String,
    pub public_key: String,
    /// Extensions the requester asked for (a strict CA ignores them).
    pub requested_extensions: Vec<ExtensionView>,
    pub signature_algorithm: String,
    pub signature: String,
}

pub fn certificate(cert: &Certificate) -> Result<CertificateView, PkiError> {
    let bad = |e: der::Error| PkiError::Certificate(format!("cannot decode ({e})"));
    let parsed = x509_cert::Certificate::from_der(cert.der()).map_err(bad)?;
    let tbs = parsed.tbs_certificate();
    let validity = tbs.validity();
    let not_before_unix = validity.not_before.to_unix_duration().as_secs();
    let not_after_unix = validity.not_after.to_unix_duration().as_secs();
    let spki = der::Encode::to_der(tbs.subject_public_key_info()).map_err(bad)?;
    let mut extensions = Vec::new();
    for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or_default() {
        extensions.push(extension_view(
            &ext.extn_id.to_string(),
            ext.critical,
            ext.extn_value.as_bytes(),
        ));
    }
    Ok(CertificateView {
        version: match tbs.version() {
            x509_cert::certificate::Version::V1 => 1,
            x509_cert::certificate::Version::V2 => 2,
            x509_cert::certificate::Version::V3 => 3,
        },
        serial: hex_colon(tbs.serial_number().as_bytes()),
        signature_algorithm: signature_name(&parsed.signature_algorithm().oid.to_string()),
        issuer: name_text(tbs.issuer()),
        subject: name_text(tbs.subject()),
        not_before: openssl_date(not_before_unix),
        not_after: openssl_date(not_after_unix),
        not_before_unix,
        not_after_unix,
        public_key: public_key_text(&spki),
        extensions,
        self_issued: tbs.issuer() == tbs.subject(),
        signature: hex_colon(parsed.signature().raw_bytes()),
    })
}

pub fn csr(csr: &Csr) -> Result<CsrView, PkiError> {
    let bad = |e: der::Error| PkiError::Csr(format!("cannot decode ({e})"));
    let parsed = x509_cert::request::CertReq::from_der(csr.der()).map_err(bad)?;
    let mut requested_extensions = Vec::new();
    for attribute in parsed.info.attributes.iter() {
        // PKCS#9 extensionRequest: a SET holding one SEQUENCE of extensions.
        if attribute.oid.to_string() != "1.2.840.113549.1.9.14" {
            continue;
        }
        for value in attribute.values.iter() {
            if let Ok(extensions) = value.decode_as::<Vec<x509_cert::ext::Extension>>() {
                requested_extensions.extend(extensions.iter().map(|ext| {
                    extension_view(
                        &ext.extn_id.to_string(),
                        ext.critical,
                        ext.extn_value.as_bytes(),
                    )
                }));
            }
        }
    }
    Ok(CsrView {
        version: 1,
        subject: name_text(&parsed.info.subject),
        public_key: public_key_text(csr.spki_der()),
        requested_extensions,
        signature_algorithm: signature_name(&parsed.algorithm.oid.to_string()),
        signature: hex_colon(parsed.signature.raw_bytes()),
    })
}

/// How a certificate's issuer fields match a candidate issuer's subject fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssuerMatch {
    /// The certificate's issuer name equals the candidate's subject name.
    pub name: bool,
    /// The certificate's authority key identifier keyid equals the candidate's subject key
    /// identifier; `None` when either is absent.
    pub key_id: Option<bool>,
}

impl IssuerMatch {
    /// The names match and the key identifiers, where both are present, match too. Signatures
    /// are not checked here.
    pub fn issued(self) -> bool {
        self.name && self.key_id != Some(false)
    }
}

/// One certificate of a chain file, at its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEntry {
    pub subject: String,
    pub issuer: String,
    /// Its issuer name is its own subject and its AKI keyid, if any, is its own SKI: it names
    /// itself as its issuer. The signature itself is not checked here.
    pub self_signed: bool,
    /// How this certificate matches the next one in the file as its issuer; `None` for the last.
    pub next: Option<IssuerMatch>,
    /// The position (from 0) of another certificate in the file that matches as its issuer.
    pub issuer_position: Option<usize>,
    /// One line on this position, e.g. "Issued by certificate 2, the next one: …".
    pub note: String,
}

impl ChainEntry {
    /// Whether the next certificate in the file issued this one; `None` for the last.
    pub fn issued_by_next(&self) -> Option<bool> {
        self.next.map(IssuerMatch::issued)
    }
}

/// A file of several certificates, such as `client_c_ca_chain.crt`, decoded in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainFileView {
    pub entries: Vec<ChainEntry>,
    /// Every certificate but the last is issued by the one after it.
    pub in_order: bool,
}

/// Why a chain is written in order.
pub const CHAIN_ORDER_NOTE: &str = "Why the order matters: a chain lists a certificate first \
     (the leaf, when there is one), then its issuer, then that one's issuer, up to the root. \
     TLS 1.2 requires it: the sender's certificate MUST come first and each following \
     certificate MUST directly certify the one preceding it (RFC 5246 7.4.2). TLS 1.3 keeps \
     the sender's certificate first but relaxes the rest to SHOULD (RFC 8446 4.4.2). openssl \
     -CAfile and nginx's ssl_client_certificate read a file like this as a set of trusted \
     certificates, in any order, but a chain sent to a peer should follow this order.";

struct ChainParts {
    subject: Name,
    issuer: Name,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
}

fn chain_parts(cert: &Certificate) -> Result<ChainParts, PkiError> {
    let bad = |e: der::Error| PkiError::Certificate(format!("cannot decode ({e})"));
    let parsed = x509_cert::Certificate::from_der(cert.der()).map_err(bad)?;
    let tbs = parsed.tbs_certificate();
    let (mut ski, mut aki) = (None, None);
    for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or_default() {
        match ext.extn_id.to_string().as_str() {
            "2.5.29.14" => {
                ski = SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes())
                    .ok()
                    .map(|k| k.0.as_bytes().to_vec())
            }
            "2.5.29.35" => {
                aki = AuthorityKeyIdentifier::from_der(ext.extn_value.as_bytes())
                    .ok()
                    .and_then(|a| a.key_identifier)
                    .map(|k| k.as_bytes().to_vec())
            }
            _ => {}
        }
    }
    Ok(ChainParts {
        subject: tbs.subject().clone(),
        issuer: tbs.issuer().clone(),
        ski,
        aki,
    })
}

fn issuer_match(child: &ChainParts, issuer: &ChainParts) -> IssuerMatch {
    IssuerMatch {
        name: child.issuer == issuer.subject,
        key_id: match (&child.aki, &issuer.ski) {
            (Some(aki), Some(ski)) => Some(aki == ski),
            _ => None,
        },
    }
}

/// Decodes the certificates of a chain file in their order: for each, its names, whether it is
/// self-signed, and whether the next one issued it.
pub fn chain_file(certs: &[Certificate]) -> Result<ChainFileView, PkiError> {
    let parts = certs
        .iter()
        .map(chain_parts)
        .collect::<Result<Vec<_>, _>>()?;
    let count = parts.len();
    let mut entries = Vec::with_capacity(count);
    for (i, part) in parts.iter().enumerate() {
        let self_signed = issuer_match(part, part).issued();
        let next = parts.get(i + 1).map(|n| issuer_match(part, n));
        let issuer_position = if self_signed {
            None
        } else {
            (0..count).find(|&j| j != i && issuer_match(part, &parts[j]).issued())
        };
        let note = chain_note(i, self_signed, next, issuer_position);
        entries.push(ChainEntry {
            subject: name_text(&part.subject),
            issuer: name_text(&part.issuer),
            self_signed,
            next,
            issuer_position,
            note,
        });
    }
    let in_order = entries.iter().all(|e| e.issued_by_next() != Some(false));
    Ok(ChainFileView { entries, in_order })
}

/// The note for position `i` (from 0); the text counts certificates from 1.
fn chain_note(
    i: usize,
    self_signed: bool,
    next: Option<IssuerMatch>,
    issuer_position: Option<usize>,
) -> String {
    let elsewhere = match issuer_position {
        Some(j) => format!("its issuer is certificate {} of this file", j + 1),
        None => "its issuer is not in this file".to_string(),
    };
    match next {
        None if self_signed => "Self-signed: a root, where the chain ends.".into(),
        None => format!("Last in the file and not self-signed; {elsewhere}."),
        Some(m) if m.issued() => {
            let keys = match m.key_id {
                Some(_) => "and its authority key identifier is that one's subject key identifier",
                None => "(no key identifiers to compare)",
            };
            let root = if self_signed {
                " It is also self-signed, so a chain would end here."
            } else {
                ""
            };
            format!(
                "Issued by certificate {}, the next one: its issuer name is that one's subject \
                 {keys}.{root}",
                i + 2
            )
        }
        Some(m) => {
            let mut why = Vec::new();
            if !m.name {
                why.push("its issuer name is not that one's subject");
            }
            if m.key_id == Some(false) {
                why.push("its authority key identifier is not that one's subject key identifier");
            }
            let after = if self_signed {
                "it is self-signed, yet more certificates follow it".to_string()
            } else {
                elsewhere
            };
            format!(
                "Not issued by certificate {}, the next one: {}; {after}.",
                i + 2,
                why.join(" and ")
            )
        }
    }
}

/// "EC P-256 (256 bit)" or "RSA (2048 bit)", openssl's "Public-Key" line in words.
pub fn public_key_text(spki_der: &[u8]) -> String {
    match algorithm_of_spki(spki_der) {
        Ok(alg) => match alg.rsa_bits() {
            Some(bits) => format!("RSA ({bits} bit)"),
            None if alg == super::KeyAlgorithm::EcdsaP256 => {
                "EC P-256 (256 bit, prime256v1)".into()
            }
            None => "EC P-384 (384 bit, secp384r1)".into(),
        },
        Err(e) => e.to_string(),
    }
}

/// openssl's default one-line name: "C = FR, ST = Iles-De-France, …, CN = Client C Root CA".
pub fn name_text(name: &Name) -> String {
    let mut parts = Vec::new();
    for atv in name.iter() {
        let short = match atv.oid.to_string().as_str() {
            "2.5.4.6" => "C".to_string(),
            "2.5.4.8" => "ST".into(),
            "2.5.4.7" => "L".into(),
            "2.5.4.10" => "O".into(),
            "2.5.4.11" => "OU".into(),
            "2.5.4.3" => "CN".into(),
            "1.2.840.113549.1.9.1" => "emailAddress".into(),
            other => other.to_string(),
        };
        let value = match atv.value.tag() {
            Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                String::from_utf8_lossy(atv.value.value()).into_owned()
            }
            _ => hex_colon(atv.value.value()),
        };
        parts.push(format!("{short} = {value}"));
    }
    parts.join(", ")
}

fn extension_view(oid: &str, critical: bool, value: &[u8]) -> ExtensionView {
    let (name, text) = match oid {
        "2.5.29.19" => (
            "X509v3 Basic Constraints",
            BasicConstraints::from_der(value).map(|bc| {
                let mut text = if bc.ca {
                    "CA:TRUE".to_string()
                } else {
                    "CA:FALSE".to_string()
                };
                if let Some(n) = bc.path_len_constraint {
                    text.push_str(&format!(", pathlen:{n}"));
                }
                text
            }),
        ),
        "2.5.29.15" => (
            "X509v3 Key Usage",
            KeyUsage::from_der(value).map(|ku| key_usage_text(&ku)),
        ),
        "2.5.29.37" => (
            "X509v3 Extended Key Usage",
            ExtendedKeyUsage::from_der(value).map(|eku| {
                eku.0
                    .iter()
                    .map(|oid| eku_name(&oid.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        "2.5.29.14" => (
            "X509v3 Subject Key Identifier",
            SubjectKeyIdentifier::from_der(value).map(|ski| hex_colon(ski.0.as_bytes())),
        ),
        "2.5.29.35" => (
            "X509v3 Authority Key Identifier",
            AuthorityKeyIdentifier::from_der(value).map(|aki| {
                aki.key_identifier
                    .map(|k| hex_colon(k.as_bytes()))
                    .unwrap_or_else(|| "(no key id)".into())
            }),
        ),
        "2.5.29.17" => (
            "X509v3 Subject Alternative Name",
            SubjectAltName::from_der(value).map(|san| {
                san.0
                    .iter()
                    .map(general_name_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        _ => ("", Ok(String::new())),
    };
    let explanation = explain(oid, critical, value);
    match (name, text) {
        ("", _) => ExtensionView {
            name: oid.to_string(),
            critical,
            value: hex_colon(value),
            explanation,
        },
        (name, Ok(text)) => ExtensionView {
            name: name.into(),
            critical,
            value: text,
            explanation,
        },
        (name, Err(e)) => ExtensionView {
            name: name.into(),
            critical,
            value: format!("(cannot decode: {e})"),
            explanation,
        },
    }
}

fn key_usage_text(ku: &KeyUsage) -> String {
    let names = [
        (ku.digital_signature(), "Digital Signature"),
        (ku.non_repudiation(), "Non Repudiation"),
        (ku.key_encipherment(), "Key Encipherment"),
        (ku.data_encipherment(), "Data Encipherment"),
        (ku.key_agreement(), "Key Agreement"),
        (ku.key_cert_sign(), "Certificate Sign"),
        (ku.crl_sign(), "CRL Sign"),
        (ku.encipher_only(), "Encipher Only"),
        (ku.decipher_only(), "Decipher Only"),
    ];
    names
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn eku_name(oid: &str) -> String {
    match oid {
        "1.3.6.1.5.5.7.3.1" => "TLS Web Server Authentication".into(),
        "1.3.6.1.5.5.7.3.2" => "TLS Web Client Authentication".into(),
        "1.3.6.1.5.5.7.3.3" => "Code Signing".into(),
        "1.3.6.1.5.5.7.3.4" => "E-mail Protection".into(),
        "1.3.6.1.5.5.7.3.8" => "Time Stamping".into(),
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing".into(),
        "2.5.29.37.0" => "Any Extended Key Usage".into(),
        other => other.into(),
    }
}

const CRITICAL: &str = "Critical: a verifier must reject the certificate if it does not recognise \
     this extension or cannot process what it contains (RFC 5280 4.2).";
const NOT_CRITICAL: &str = "Not critical: a verifier that does not recognise this extension may \
     ignore it; one that recognises it must process it (RFC 5280 4.2).";

/// The explanation lines of one extension, from its decoded value: what it says, then what its
/// critical flag means.
fn explain(oid: &str, critical: bool, value: &[u8]) -> Vec<String> {
    let decoded = match oid {
        "2.5.29.19" => BasicConstraints::from_der(value).map(|bc| explain_basic_constraints(&bc)),
        "2.5.29.15" => KeyUsage::from_der(value).map(|ku| explain_key_usage(&ku)),
        "2.5.29.37" => ExtendedKeyUsage::from_der(value).map(|eku| explain_eku(&eku)),
        "2.5.29.17" => SubjectAltName::from_der(value).map(|san| explain_san(&san)),
        "2.5.29.14" => SubjectKeyIdentifier::from_der(value).map(|_| {
            vec![
                "Subject key identifier: a short identifier of this certificate's public key. \
                 Certificates signed with this key carry the same value as the keyid of their \
                 authority key identifier, which helps a verifier find their issuer \
                 (RFC 5280 4.2.1.2)."
                    .to_string(),
            ]
        }),
        "2.5.29.35" => AuthorityKeyIdentifier::from_der(value).map(|aki| explain_aki(&aki)),
        _ => {
            let mut lines = vec![format!(
                "This page does not recognise this extension (OID {oid}), so it shows the raw bytes."
            )];
            lines.push(if critical {
                "It is critical: a verifier that does not recognise it must reject the \
                 certificate (RFC 5280 4.2)."
                    .into()
            } else {
                "It is not critical: a verifier that does not recognise it may ignore it \
                 (RFC 5280 4.2)."
                    .into()
            });
            return lines;
        }
    };
    let mut lines = match decoded {
        Ok(lines) => lines,
        Err(_) if critical => {
            return vec![
                "Its value cannot be decoded. It is critical, so a verifier that cannot process \
                 it must reject the certificate (RFC 5280 4.2)."
                    .into(),
            ]
        }
        Err(_) => vec!["Its value cannot be decoded.".into()],
    };
    lines.push(if critical { CRITICAL } else { NOT_CRITICAL }.into());
    lines
}

fn explain_basic_constraints(bc: &BasicConstraints) -> Vec<String> {
    let mut lines = Vec::new();
    if bc.ca {
        lines.push(
            "CA:TRUE: the subject is a certification authority: its public key may be used to \
             verify the signatures on certificates (RFC 5280 4.2.1.9)."
                .into(),
        );
        lines.push(match bc.path_len_constraint {
            None => "No pathlen: this certificate sets no limit on how many intermediate CA \
                     certificates may follow it in a chain (RFC 5280 4.2.1.9)."
                .into(),
            Some(0) => "pathlen:0: no intermediate CA certificate (self-issued ones aside) \
                        may follow this one in a chain, so a certificate it signs can only be \
                        the last one: in TLS, the peer's end-entity (leaf) certificate \
                        (RFC 5280 4.2.1.9)."
                .into(),
            Some(1) => "pathlen:1: at most one intermediate CA certificate may follow this one \
                        in a chain; the last certificate (usually the end entity) and \
                        self-issued CA certificates are not counted (RFC 5280 4.2.1.9)."
                .into(),
            Some(n) => format!(
                "pathlen:{n}: at most {n} intermediate CA certificates may follow this one in a \
                 chain; the last certificate (usually the end entity) and self-issued CA \
                 certificates are not counted (RFC 5280 4.2.1.9)."
            ),
        });
    } else {
        lines.push(
            "CA:FALSE: the subject is an end entity, not a CA: a verifier must not accept this \
             certificate as the issuer of another (RFC 5280 6.1.4 (k))."
                .into(),
        );
        if let Some(n) = bc.path_len_constraint {
            lines.push(format!(
                "pathlen:{n} has no meaning without CA:TRUE; RFC 5280 4.2.1.9 forbids a CA to \
                 include it here."
            ));
        }
    }
    lines
}

fn explain_key_usage(ku: &KeyUsage) -> Vec<String> {
    let bits: [(bool, &str); 9] = [
        (
            ku.digital_signature(),
            "digitalSignature: the key may make digital signatures other than on certificates \
             and CRLs. In TLS these are the handshake signatures: CertificateVerify, and in \
             TLS 1.2 also the server's signed (EC)DHE parameters in ServerKeyExchange.",
        ),
        (
            ku.non_repudiation(),
            "nonRepudiation (contentCommitment in recent X.509 editions): the key's signatures \
             may serve as evidence against the signer falsely denying an action, such as \
             signing a document. TLS handshakes do not use it.",
        ),
        (
            ku.key_encipherment(),
            "keyEncipherment: the key may encrypt secret keys to transport them. TLS uses it \
             only in the RSA key exchange of TLS 1.2 and earlier, where the client encrypts the \
             premaster secret to the server's RSA key (RFC 5246 7.4.7.1). It does nothing for an EC key \
             (RFC 5480 section 3 leaves it out of an EC key's usages) and nothing in TLS 1.3, \
             which has no RSA key exchange.",
        ),
        (
            ku.data_encipherment(),
            "dataEncipherment: the key may encrypt user data directly, without a symmetric \
             cipher in between. TLS never does this.",
        ),
        (
            ku.key_agreement(),
            "keyAgreement: the certified key itself may take part in a key agreement such as \
             Diffie-Hellman. In TLS only the static (EC)DH key exchanges of TLS 1.2 and earlier \
             do this; \
             ECDHE and TLS 1.3 agree on fresh ephemeral keys instead.",
        ),
        (
            ku.key_cert_sign(),
            "keyCertSign: the key may sign certificates. RFC 5280 4.2.1.3 requires CA:TRUE in \
             basicConstraints whenever this bit is set.",
        ),
        (
            ku.crl_sign(),
            "cRLSign: the key may sign certificate revocation lists (CRLs).",
        ),
        (
            ku.encipher_only(),
            "encipherOnly: with keyAgreement, the key may be used only to encrypt data during \
             key agreement; without keyAgreement its meaning is undefined.",
        ),
        (
            ku.decipher_only(),
            "decipherOnly: with keyAgreement, the key may be used only to decrypt data during \
             key agreement; without keyAgreement its meaning is undefined.",
        ),
    ];
    let mut lines = vec![
        "Key usage: what the certified key may be used for; each bit set is one permitted use \
         (RFC 5280 4.2.1.3)."
            .to_string(),
    ];
    lines.extend(
        bits.iter()
            .filter(|(on, _)| *on)
            .map(|(_, l)| l.to_string()),
    );
    if lines.len() == 1 {
        lines.push("No bit is set, which RFC 5280 4.2.1.3 forbids: at least one must be.".into());
    }
    lines
}

fn explain_eku(eku: &ExtendedKeyUsage) -> Vec<String> {
    let mut lines = vec![
        "Extended key usage: the certificate may be used only for the purposes listed \
         (RFC 5280 4.2.1.12)."
            .to_string(),
    ];
    for oid in &eku.0 {
        lines.push(match oid.to_string().as_str() {
            "1.3.6.1.5.5.7.3.1" => "serverAuth: the certificate may identify a TLS server; a \
                                    TLS client that checks purposes requires it on the \
                                    server's certificate."
                .into(),
            "1.3.6.1.5.5.7.3.2" => "clientAuth: the certificate may identify a TLS client, as \
                                    in mutual TLS; a server that checks purposes requires it \
                                    on the client's certificate."
                .into(),
            "1.3.6.1.5.5.7.3.3" => {
                "codeSigning: the certificate may sign downloadable executable code.".into()
            }
            "1.3.6.1.5.5.7.3.4" => "emailProtection: the certificate may protect email \
                                    (S/MIME signing and encryption)."
                .into(),
            "1.3.6.1.5.5.7.3.8" => "timeStamping: the certificate may bind the hash of an \
                                    object to a time, as a time-stamping authority does \
                                    (RFC 3161)."
                .into(),
            "1.3.6.1.5.5.7.3.9" => "OCSPSigning: the certificate may sign OCSP responses (the \
                                    revocation status of certificates) on behalf of the CA \
                                    that issued it (RFC 6960)."
                .into(),
            "2.5.29.37.0" => "anyExtendedKeyUsage: any purpose; an application that needs a \
                              particular purpose may still reject a certificate that lists \
                              this but not that purpose (RFC 5280 4.2.1.12)."
                .into(),
            other => format!("{other}: a purpose this page does not recognise."),
        });
    }
    lines
}

fn explain_san(san: &SubjectAltName) -> Vec<String> {
    let mut lines = vec![
        "Subject alternative names: further names of the subject, bound to this certificate's \
         key (RFC 5280 4.2.1.6). A TLS client checks the host name or IP address it connected \
         to against them (RFC 6125 section 6, RFC 2818 3.1)."
            .to_string(),
    ];
    if san.0.iter().any(|n| matches!(n, GeneralName::DnsName(_))) {
        lines.push(
            "Because a DNS name is listed, the client must not use the subject's CN for that \
             check (RFC 6125 6.4.4)."
                .into(),
        );
    }
    lines
}

fn explain_aki(aki: &AuthorityKeyIdentifier) -> Vec<String> {
    let mut lines = Vec::new();
    if aki.key_identifier.is_some() {
        lines.push(
            "Authority key identifier: points to the key that signed this certificate: its \
             keyid equals the subject key identifier of the issuer's certificate, so a verifier \
             can pick the right issuer even when several share a name (RFC 5280 4.2.1.1)."
                .to_string(),
        );
    } else {
        lines.push(
            "Authority key identifier without a keyid: RFC 5280 4.2.1.1 requires a keyid in \
             all certificates generated by conforming CAs, to help verifiers find the issuer."
                .to_string(),
        );
    }
    if aki.authority_cert_issuer.is_some() || aki.authority_cert_serial_number.is_some() {
        lines.push(
            "It also gives the issuer certificate's own issuer name and serial number \
             (authorityCertIssuer, authorityCertSerialNumber), which single out one issuer \
             certificate."
                .into(),
        );
    }
    lines
}

fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(dns) => format!("DNS:{}", dns.as_str()),
        GeneralName::IpAddress(ip) => {
            let bytes = ip.as_bytes();
            match bytes.len() {
                4 => format!(
                    "IP Address:{}",
                    std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])
                ),
                16 => {
                    let mut octets = [0u8; 16];
                    octets.copy_from_slice(bytes);
                    format!("IP Address:{}", std::net::Ipv6Addr::from(octets))
                }
                _ => format!("IP Address:<{}>", hex_colon(bytes)),
            }
        }
        GeneralName::Rfc822Name(mail) => format!("email:{}", mail.as_str()),
        GeneralName::UniformResourceIdentifier(uri) => format!("URI:{}", uri.as_str()),
        _ => "othername".into(),
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption".into(),
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption".into(),
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256".into(),
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384".into(),
        other => other.into(),
    }
}

pub fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// "Nov 28 11:00:00 2026 GMT", the form of `openssl x509 -dates`.
pub fn openssl_date(unix: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{} {:>2} {:02}:{:02}:{:02} {} GMT",
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        year
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::{ArtifactKind, Party, Settings, Workshop};
    use der::asn1::{Ia5String, ObjectIdentifier, OctetString};
    use der::Encode;
    use x509_cert::ext::pkix::KeyUsages;

    fn explained(oid: &str, critical: bool, value: &impl Encode) -> Vec<String> {
        extension_view(oid, critical, &value.to_der().unwrap()).explanation
    }

    fn workshop() -> Workshop {
        let mut workshop = Workshop::new(Settings::default());
        workshop
            .run_all(crate::clock::unix_now())
            .expect("the workshop runs");
        workshop
    }

    #[test]
    fn each_key_usage_bit_has_its_own_line() {
        let bits = [
            (KeyUsages::DigitalSignature, "digitalSignature:"),
            (
                KeyUsages::NonRepudiation,
                "nonRepudiation (contentCommitment",
            ),
            (KeyUsages::KeyEncipherment, "keyEncipherment:"),
            (KeyUsages::DataEncipherment, "dataEncipherment:"),
            (KeyUsages::KeyAgreement, "keyAgreement:"),
            (KeyUsages::KeyCertSign, "keyCertSign:"),
            (KeyUsages::CRLSign, "cRLSign:"),
            (KeyUsages::EncipherOnly, "encipherOnly:"),
            (KeyUsages::DecipherOnly, "decipherOnly:"),
        ];
        for (bit, start) in bits {
            let lines = explained("2.5.29.15", true, &KeyUsage(bit.into()));
            assert_eq!(lines.len(), 3, "{lines:?}");
            assert!(lines[0].starts_with("Key usage:"), "{lines:?}");
            assert!(lines[1].starts_with(start), "{start}: {lines:?}");
            assert_eq!(lines[2], CRITICAL);
        }
        let every = bits
            .iter()
            .fold(KeyUsage(None.into()).0, |set, (bit, _)| set | *bit);
        let all = explained("2.5.29.15", false, &KeyUsage(every));
        assert_eq!(all.len(), 1 + bits.len() + 1, "{all:?}");
        for ((_, start), line) in bits.iter().zip(&all[1..]) {
            assert!(line.starts_with(start), "{start}: {line}");
        }
    }

    #[test]
    fn key_usage_lines_say_what_tls_does_with_each_bit() {
        let line = |bit: KeyUsages| explained("2.5.29.15", true, &KeyUsage(bit.into()))[1].clone();
        let signature = line(KeyUsages::DigitalSignature);
        assert!(signature.contains("CertificateVerify"), "{signature}");
        let encipherment = line(KeyUsages::KeyEncipherment);
        for needle in [
            "RSA key exchange of TLS 1.2",
            "nothing for an EC key",
            "nothing in TLS 1.3",
        ] {
            assert!(encipherment.contains(needle), "{needle}: {encipherment}");
        }
        assert!(line(KeyUsages::KeyCertSign).contains("may sign certificates"));
        assert!(line(KeyUsages::CRLSign).contains("may sign certificate revocation lists"));
        assert!(line(KeyUsages::NonRepudiation).contains("TLS handshakes do not use it"));
    }

    #[test]
    fn each_extended_key_usage_has_its_own_line() {
        let purposes = [
            ("1.3.6.1.5.5.7.3.1", "serverAuth:"),
            ("1.3.6.1.5.5.7.3.2", "clientAuth:"),
            ("1.3.6.1.5.5.7.3.3", "codeSigning:"),
            ("1.3.6.1.5.5.7.3.4", "emailProtection:"),
            ("1.3.6.1.5.5.7.3.8", "timeStamping:"),
            ("1.3.6.1.5.5.7.3.9", "OCSPSigning:"),
            ("2.5.29.37.0", "anyExtendedKeyUsage:"),
            (
                "1.2.3.4.5",
                "1.2.3.4.5: a purpose this page does not recognise",
            ),
        ];
        let oids = purposes
            .iter()
            .map(|(oid, _)| ObjectIdentifier::new(oid).unwrap())
            .collect();
        let lines = explained("2.5.29.37", false, &ExtendedKeyUsage(oids));
        assert_eq!(lines.len(), 1 + purposes.len() + 1, "{lines:?}");
        assert!(lines[0].starts_with("Extended key usage:"));
        for ((_, start), line) in purposes.iter().zip(&lines[1..]) {
            assert!(line.starts_with(start), "{start}: {line}");
        }
        assert_eq!(lines.last().unwrap(), NOT_CRITICAL);
        let view = extension_view(
            "2.5.29.37",
            false,
            &ExtendedKeyUsage(vec![ObjectIdentifier::new("1.3.6.1.5.5.7.3.9").unwrap()])
                .to_der()
                .unwrap(),
        );
        assert_eq!(view.value, "OCSP Signing");
    }

    #[test]
    fn pathlen_zero_differs_from_no_pathlen() {
        let bc = |ca, path_len_constraint| BasicConstraints {
            ca,
            path_len_constraint,
        };
        let zero = explained("2.5.29.19", true, &bc(true, Some(0)));
        assert!(zero[0].starts_with("CA:TRUE:"), "{zero:?}");
        assert!(
            zero[1].starts_with("pathlen:0: no intermediate CA"),
            "{zero:?}"
        );
        assert!(
            zero[1].contains("end-entity (leaf) certificate"),
            "{zero:?}"
        );
        let none = explained("2.5.29.19", true, &bc(true, None));
        assert!(none[1].starts_with("No pathlen: "), "{none:?}");
        assert!(none[1].contains("no limit"), "{none:?}");
        let two = explained("2.5.29.19", true, &bc(true, Some(2)));
        assert!(two[1].starts_with("pathlen:2: at most 2 intermediate CA certificates"));
        let leaf = explained("2.5.29.19", false, &bc(false, None));
        assert_eq!(leaf.len(), 2, "{leaf:?}");
        assert!(leaf[0].starts_with("CA:FALSE:"), "{leaf:?}");
        let odd = explained("2.5.29.19", false, &bc(false, Some(1)));
        assert!(odd[1].contains("no meaning without CA:TRUE"), "{odd:?}");
    }

    #[test]
    fn critical_and_not_critical_say_what_a_verifier_does() {
        let bc = BasicConstraints {
            ca: true,
            path_len_constraint: None,
        };
        let critical = explained("2.5.29.19", true, &bc);
        let not = explained("2.5.29.19", false, &bc);
        assert_eq!(critical.last().unwrap(), CRITICAL);
        assert_eq!(not.last().unwrap(), NOT_CRITICAL);
        assert!(CRITICAL.contains("must reject the certificate"));
        assert!(NOT_CRITICAL.contains("may ignore it"));
        assert_eq!(critical[..critical.len() - 1], not[..not.len() - 1]);
    }

    #[test]
    fn unknown_extensions_say_so() {
        let raw = OctetString::new(vec![1, 2, 3]).unwrap();
        let critical = extension_view("1.2.3.4", true, &raw.to_der().unwrap());
        assert_eq!(critical.name, "1.2.3.4");
        assert_eq!(critical.explanation.len(), 2);
        assert!(critical.explanation[0].contains("does not recognise this extension (OID 1.2.3.4)"));
        assert!(critical.explanation[1].contains("must reject the certificate"));
        let plain = extension_view("1.2.3.4", false, &raw.to_der().unwrap());
        assert!(plain.explanation[1].contains("may ignore it"));
        let garbled = extension_view("2.5.29.19", true, &[0xff, 0x00]);
        assert_eq!(garbled.explanation.len(), 1);
        assert!(garbled.explanation[0].contains("must reject the certificate"));
    }

    #[test]
    fn names_and_key_identifiers_are_explained() {
        let dns = GeneralName::DnsName(Ia5String::new("server.example").unwrap());
        let ip = GeneralName::IpAddress(OctetString::new(vec![127, 0, 0, 1]).unwrap());
        let with_dns = explained("2.5.29.17", false, &SubjectAltName(vec![dns, ip.clone()]));
        assert!(with_dns[0].contains("checks the host name or IP address"));
        assert!(
            with_dns[1].contains("must not use the subject's CN"),
            "{with_dns:?}"
        );
        let ip_only = explained("2.5.29.17", false, &SubjectAltName(vec![ip]));
        assert_eq!(ip_only.len(), 2, "{ip_only:?}");
        let ski = explained(
            "2.5.29.14",
            false,
            &SubjectKeyIdentifier(OctetString::new(vec![1; 20]).unwrap()),
        );
        assert!(ski[0].contains("authority key identifier"), "{ski:?}");
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(vec![1; 20]).unwrap()),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        let aki = explained("2.5.29.35", false, &aki);
        assert_eq!(aki.len(), 2, "{aki:?}");
        assert!(aki[0].contains("equals the subject key identifier of the issuer's"));
    }

    #[test]
    fn the_workshop_certificates_explain_every_extension() {
        let workshop = workshop();
        for party in Party::ALL {
            let cert = workshop.certificate(party).expect("issued");
            let view = certificate(cert).unwrap();
            assert!(!view.extensions.is_empty());
            for ext in &view.extensions {
                assert!(ext.explanation.len() >= 2, "{party:?} {ext:?}");
                let last = ext.explanation.last().unwrap();
                assert_eq!(last, if ext.critical { CRITICAL } else { NOT_CRITICAL });
                assert!(!ext.explanation[0].contains("does not recognise"));
            }
        }
        let intermediate =
            certificate(workshop.certificate(Party::CIntermediate).unwrap()).unwrap();
        let bc = intermediate
            .extensions
            .iter()
            .find(|e| e.name == "X509v3 Basic Constraints")
            .unwrap();
        assert!(bc.critical);
        assert!(bc.explanation[1].starts_with("pathlen:0:"), "{bc:?}");
        let client = certificate(workshop.certificate(Party::BClient).unwrap()).unwrap();
        let ku = client
            .extensions
            .iter()
            .find(|e| e.name == "X509v3 Key Usage")
            .unwrap();
        let starts: Vec<&str> = ku.explanation[1..4]
            .iter()
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert_eq!(
            starts,
            [
                "digitalSignature",
                "nonRepudiation (contentCommitment in recent X.509 editions)",
                "keyEncipherment"
            ]
        );
    }

    #[test]
    fn the_chain_file_in_order_links_each_certificate_to_the_next() {
        let workshop = workshop();
        let pem = workshop.public_pem(ArtifactKind::Chain).unwrap();
        let chain = Certificate::all_from_pem(&pem).unwrap();
        let view = chain_file(&chain).unwrap();
        assert!(view.in_order);
        assert_eq!(view.entries.len(), 2);
        let (intermediate, root) = (&view.entries[0], &view.entries[1]);
        assert!(intermediate
            .subject
            .contains("CN = Client C Intermediate CA"));
        assert_eq!(intermediate.issuer, root.subject);
        assert!(!intermediate.self_signed);
        assert_eq!(
            intermediate.next,
            Some(IssuerMatch {
                name: true,
                key_id: Some(true)
            })
        );
        assert_eq!(intermediate.issued_by_next(), Some(true));
        assert_eq!(intermediate.issuer_position, Some(1));
        assert!(intermediate
            .note
            .starts_with("Issued by certificate 2, the next one"));
        assert!(root.self_signed);
        assert_eq!(root.issued_by_next(), None);
        assert_eq!(root.note, "Self-signed: a root, where the chain ends.");

        let leaf = workshop.certificate(Party::BClient).unwrap().clone();
        let full: Vec<Certificate> = std::iter::once(leaf).chain(chain).collect();
        let view = chain_file(&full).unwrap();
        assert!(view.in_order);
        assert!(view.entries[0].subject.contains("client-b.local"));
        assert_eq!(view.entries[0].issued_by_next(), Some(true));
    }

    #[test]
    fn a_chain_file_in_the_wrong_order_is_detected() {
        let workshop = workshop();
        let mut chain = workshop.chain();
        chain.reverse();
        let view = chain_file(&chain).unwrap();
        assert!(!view.in_order);
        let (root, intermediate) = (&view.entries[0], &view.entries[1]);
        assert!(root.self_signed);
        assert_eq!(root.issued_by_next(), Some(false));
        assert!(
            root.note
                .contains("self-signed, yet more certificates follow it"),
            "{}",
            root.note
        );
        assert!(!intermediate.self_signed);
        assert_eq!(intermediate.issuer_position, Some(0));
        assert_eq!(
            intermediate.note,
            "Last in the file and not self-signed; its issuer is certificate 1 of this file."
        );
    }

    #[test]
    fn unrelated_certificates_are_not_linked() {
        let workshop = workshop();
        let c_root = workshop.certificate(Party::CRoot).unwrap().clone();
        let b_root = workshop.certificate(Party::BRoot).unwrap().clone();
        let c_intermediate = workshop.certificate(Party::CIntermediate).unwrap().clone();
        let view = chain_file(&[c_root, b_root.clone()]).unwrap();
        assert!(!view.in_order);
        assert!(view.entries.iter().all(|e| e.self_signed));
        assert_eq!(view.entries[0].issued_by_next(), Some(false));

        let view = chain_file(&[c_intermediate.clone(), b_root]).unwrap();
        assert!(!view.in_order);
        let entry = &view.entries[0];
        assert_eq!(
            entry.next,
            Some(IssuerMatch {
                name: false,
                key_id: Some(false)
            })
        );
        assert_eq!(entry.issuer_position, None);
        assert!(
            entry.note.ends_with("its issuer is not in this file."),
            "{}",
            entry.note
        );

        // Another run's root has the same name but another key: the key identifiers tell.
        let other = self::workshop();
        let other_root = other.certificate(Party::CRoot).unwrap().clone();
        let view = chain_file(&[c_intermediate, other_root]).unwrap();
        assert!(!view.in_order);
        assert_eq!(
            view.entries[0].next,
            Some(IssuerMatch {
                name: true,
                key_id: Some(false)
            })
        );
        assert!(view.entries[0]
            .note
            .contains("its authority key identifier is not that one's subject key identifier"));
    }

    #[test]
    fn dates_read_like_openssl() {
        assert_eq!(openssl_date(0), "Jan  1 00:00:00 1970 GMT");
        assert_eq!(openssl_date(1_795_863_600), "Nov 28 11:00:00 2026 GMT");
        assert_eq!(openssl_date(951_782_400), "Feb 29 00:00:00 2000 GMT");
    }
}
