//! What openssl caches about a certificate before it judges a chain.

use super::canon::{canon, Canon};
use super::chain::akid_matches;
use super::signature::{key_family, sig_alg_matches, KeyFamily};
use crate::pki::inspect;
use x509_parser::prelude::*;

/// The critical extensions openssl 3.0 processes (`X509_supported_extension`).
const OPENSSL_CRITICAL_OK: [&str; 15] = [
    "2.16.840.1.113730.1.1", // nsCertType
    "2.5.29.15",             // keyUsage
    "2.5.29.17",             // subjectAltName
    "2.5.29.19",             // basicConstraints
    "2.5.29.32",             // certificatePolicies
    "2.5.29.31",             // cRLDistributionPoints
    "2.5.29.37",             // extendedKeyUsage
    "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
    "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
    "1.3.6.1.5.5.7.48.1.5",  // OCSP noCheck
    "2.5.29.36",             // policyConstraints
    "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
    "2.5.29.30",             // nameConstraints
    "2.5.29.33",             // policyMappings
    "2.5.29.54",             // inhibitAnyPolicy
];

pub(super) struct Akid {
    pub(super) key_id: Option<Vec<u8>>,
    pub(super) issuer_name: Option<Canon>,
    pub(super) serial: Option<Vec<u8>>,
}

/// What openssl caches about a certificate (`ossl_x509v3_cache_extensions`).
pub(super) struct Parsed<'a> {
    pub(super) der: &'a [u8],
    pub(super) cert: X509Certificate<'a>,
    pub(super) from_store: bool,
    pub(super) subject: String,
    pub(super) subject_canon: Canon,
    pub(super) issuer_canon: Canon,
    pub(super) self_issued: bool,
    pub(super) self_signed: bool,
    pub(super) v1: bool,
    /// basicConstraints: (cA, pathLenConstraint).
    pub(super) basic_constraints: Option<bool>,
    pub(super) pathlen: Option<u32>,
    pub(super) key_usage: Option<KeyUsage>,
    /// extendedKeyUsage: (serverAuth, clientAuth, Server Gated Crypto).
    pub(super) eku: Option<(bool, bool, bool)>,
    pub(super) ns_cert_type: Option<NSCertType>,
    pub(super) skid: Option<Vec<u8>>,
    pub(super) akid: Option<Akid>,
    pub(super) unhandled_critical: Option<String>,
    pub(super) proxy: bool,
    pub(super) name_constraints: bool,
    pub(super) explicit_curve: bool,
    pub(super) not_before: i64,
    pub(super) not_after: i64,
    pub(super) not_before_text: String,
    pub(super) not_after_text: String,
}

impl<'a> Parsed<'a> {
    /// `None` when an extension openssl reads does not decode: openssl marks such a
    /// certificate invalid, and this lab does not follow it there.
    pub(super) fn new(der: &'a [u8], from_store: bool) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let tbs = &cert.tbs_certificate;
        let subject_canon = canon(tbs.subject());
        let issuer_canon = canon(tbs.issuer());
        let (not_before, not_after) = (
            tbs.validity.not_before.timestamp(),
            tbs.validity.not_after.timestamp(),
        );
        let date = |t: i64| inspect::openssl_date(u64::try_from(t).unwrap_or(0));
        let mut parsed = Parsed {
            der,
            from_store,
            subject: subject_text(tbs.subject().as_raw()),
            self_issued: subject_canon == issuer_canon,
            subject_canon,
            issuer_canon,
            self_signed: false,
            v1: tbs.version.0 == 0,
            basic_constraints: None,
            pathlen: None,
            key_usage: None,
            eku: None,
            ns_cert_type: None,
            skid: None,
            akid: None,
            unhandled_critical: None,
            proxy: false,
            name_constraints: false,
            explicit_curve: false,
            not_before,
            not_after,
            not_before_text: date(not_before),
            not_after_text: date(not_after),
            cert,
        };
        for ext in parsed.cert.extensions() {
            let oid = ext.oid.to_id_string();
            match ext.parsed_extension() {
                ParsedExtension::ParseError { .. } => return None,
                ParsedExtension::BasicConstraints(bc) => {
                    parsed.basic_constraints = Some(bc.ca);
                    parsed.pathlen = bc.path_len_constraint;
                }
                ParsedExtension::KeyUsage(ku) => parsed.key_usage = Some(*ku),
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    let sgc = eku.other.iter().any(|o| {
                        let o = o.to_id_string();
                        o == "1.3.6.1.4.1.311.10.3.3" || o == "2.16.840.1.113730.4.1"
                    });
                    parsed.eku = Some((eku.server_auth, eku.client_auth, sgc));
                }
                ParsedExtension::NSCertType(ns) => parsed.ns_cert_type = Some(*ns),
                ParsedExtension::SubjectKeyIdentifier(id) => parsed.skid = Some(id.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(akid) => {
                    parsed.akid = Some(Akid {
                        key_id: akid.key_identifier.as_ref().map(|k| k.0.to_vec()),
                        issuer_name: akid.authority_cert_issuer.as_ref().and_then(|names| {
                            names.iter().find_map(|n| match n {
                                GeneralName::DirectoryName(name) => Some(canon(name)),
                                _ => None,
                            })
                        }),
                        serial: akid.authority_cert_serial.map(<[u8]>::to_vec),
                    })
                }
                ParsedExtension::NameConstraints(_) => parsed.name_constraints = true,
                _ => {}
            }
            if oid == "1.3.6.1.5.5.7.1.14" {
                parsed.proxy = true;
            }
            if ext.critical
                && parsed.unhandled_critical.is_none()
                && !OPENSSL_CRITICAL_OK.contains(&oid.as_str())
            {
                parsed.unhandled_critical = Some(oid);
            }
        }
        let spki = parsed.cert.public_key();
        parsed.explicit_curve = key_family(spki) == Some(KeyFamily::Ec)
            && spki
                .algorithm
                .parameters
                .as_ref()
                .is_none_or(|p| p.as_oid().is_err());
        parsed.self_signed = parsed.self_issued
            && akid_matches(&parsed, &parsed)
            && sig_alg_matches(&parsed.cert, &parsed.cert);
        Some(parsed)
    }
}

/// A name as openssl prints it on one line, `CN = …, O = …`.
fn subject_text(raw: &[u8]) -> String {
    use der::Decode;
    x509_cert::name::Name::from_der(raw)
        .map(|name| inspect::name_text(&name))
        .unwrap_or_default()
}
