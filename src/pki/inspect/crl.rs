//! A CRL decoded with the fields and words `openssl crl -text` uses.

use super::extensions::extension_view;
use super::text::{hex_colon, name_text, openssl_date, signature_name};
use super::ExtensionView;
use crate::pki::crl::Reason;
use crate::pki::{Crl, PkiError};
use der::Decode;
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RevokedView {
    /// Hex as `openssl crl -text` prints it: upper case, no colons.
    pub serial: String,
    pub revocation_date: String,
    /// openssl's words for the reason code, e.g. "Key Compromise".
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CrlView {
    pub version: u8,
    pub signature_algorithm: String,
    pub issuer: String,
    /// "Last Update" and "Next Update" in openssl's words: thisUpdate and nextUpdate.
    pub last_update: String,
    pub next_update: Option<String>,
    pub next_update_unix: Option<u64>,
    pub extensions: Vec<ExtensionView>,
    pub revoked: Vec<RevokedView>,
    pub signature: String,
}

pub fn crl(crl: &Crl) -> Result<CrlView, PkiError> {
    let bad = |e: der::Error| PkiError::Certificate(format!("cannot decode the CRL ({e})"));
    let list = CertificateList::<Rfc5280>::from_der(crl.der()).map_err(bad)?;
    let tbs = &list.tbs_cert_list;
    let contents = crl.contents()?;
    let extensions = tbs
        .crl_extensions
        .iter()
        .flatten()
        .map(|e| extension_view(&e.extn_id.to_string(), e.critical, e.extn_value.as_bytes()))
        .collect();
    let revoked = contents
        .revoked
        .iter()
        .map(|(serial, at, reason)| RevokedView {
            serial: serial.iter().map(|b| format!("{b:02X}")).collect(),
            revocation_date: openssl_date(*at),
            reason: reason
                .and_then(Reason::from_code)
                .map(|r| r.openssl_text().to_string()),
        })
        .collect();
    Ok(CrlView {
        version: match tbs.version {
            x509_cert::Version::V1 => 1,
            x509_cert::Version::V2 => 2,
            x509_cert::Version::V3 => 3,
        },
        signature_algorithm: signature_name(&list.signature_algorithm.oid.to_string()),
        issuer: name_text(&tbs.issuer),
        last_update: openssl_date(contents.this_update),
        next_update: contents.next_update.map(openssl_date),
        next_update_unix: contents.next_update,
        extensions,
        revoked,
        signature: hex_colon(list.signature.raw_bytes()),
    })
}
