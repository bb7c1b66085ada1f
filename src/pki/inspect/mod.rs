//! A decoded view of certificates and CSRs, with the fields and names `openssl x509 -text` uses.

mod chain;
mod crl;
mod explain;
mod extensions;
mod text;

pub use chain::{chain_file, ChainEntry, ChainFileView, IssuerMatch, CHAIN_ORDER_NOTE};
pub use crl::{crl, CrlView, RevokedView};
pub use text::{hex_colon, name_text, openssl_date, public_key_text};

use super::{Certificate, Csr, PkiError};
use der::Decode;
use extensions::extension_view;
use text::signature_name;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExtensionView {
    /// openssl's name, e.g. "X509v3 Basic Constraints".
    pub name: String,
    pub critical: bool,
    /// openssl's one-line rendering, e.g. "CA:TRUE, pathlen:0".
    pub value: String,
    /// What the decoded extension means, one plain-English line per fact (RFC 5280 4.2).
    pub explanation: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

#[cfg(test)]
mod tests;
