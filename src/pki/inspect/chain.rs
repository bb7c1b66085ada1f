//! A file of several certificates read in order: which one issued which.

use super::name_text;
use crate::pki::{Certificate, PkiError};
use der::Decode;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
use x509_cert::name::Name;

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
