//! What openssl caches about a certificate before it judges a chain.

use super::canon::{canon, Canon};
use super::signature::{key_family, sig_alg_matches, KeyFamily};
use crate::pki::{inspect, parts};
use der::asn1::{BitStringRef, OctetStringRef};
use der::{Decode, Reader, SliceReader};
use x509_cert::ext::pkix::{self as pkix, name::GeneralName};
use x509_cert::Certificate;

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

/// keyUsage's bits, bit 0 (digitalSignature) lowest.
#[derive(Clone, Copy)]
pub(super) struct KeyUsage(u16);

impl KeyUsage {
    pub(super) fn digital_signature(self) -> bool {
        self.0 & 1 != 0
    }
    pub(super) fn key_encipherment(self) -> bool {
        self.0 & (1 << 2) != 0
    }
    pub(super) fn key_agreement(self) -> bool {
        self.0 & (1 << 4) != 0
    }
    pub(super) fn key_cert_sign(self) -> bool {
        self.0 & (1 << 5) != 0
    }
}

/// Netscape's certificate type bits, bit 0 (SSL client) lowest.
#[derive(Clone, Copy)]
pub(super) struct NsCertType(u8);

impl NsCertType {
    pub(super) fn ssl_client(self) -> bool {
        self.0 & 1 != 0
    }
    pub(super) fn ssl_server(self) -> bool {
        self.0 & (1 << 1) != 0
    }
    pub(super) fn ssl_ca(self) -> bool {
        self.0 & (1 << 5) != 0
    }
    pub(super) fn smime_ca(self) -> bool {
        self.0 & (1 << 6) != 0
    }
    pub(super) fn object_signing_ca(self) -> bool {
        self.0 & (1 << 7) != 0
    }
}

/// What openssl caches about a certificate (`ossl_x509v3_cache_extensions`).
pub(super) struct Parsed<'a> {
    pub(super) der: &'a [u8],
    /// The signed TBSCertificate, as it is in `der`.
    pub(super) tbs: &'a [u8],
    pub(super) cert: Certificate,
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
    pub(super) ns_cert_type: Option<NsCertType>,
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
        let cert = Certificate::from_der(der).ok()?;
        let tbs = cert.tbs_certificate();
        let subject_canon = canon(tbs.subject());
        let issuer_canon = canon(tbs.issuer());
        let unix = |t: &x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        let (not_before, not_after) = (
            unix(&tbs.validity().not_before),
            unix(&tbs.validity().not_after),
        );
        let date = |t: i64| inspect::openssl_date(u64::try_from(t).unwrap_or(0));
        let mut parsed = Parsed {
            der,
            tbs: parts::certificate(der).ok()?.0.tbs,
            from_store,
            subject: inspect::name_text(tbs.subject()),
            self_issued: subject_canon == issuer_canon,
            subject_canon,
            issuer_canon,
            self_signed: false,
            v1: tbs.version() == x509_cert::certificate::Version::V1,
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
            cert: cert.clone(),
        };
        let extensions = tbs.extensions().map(|e| e.as_slice()).unwrap_or_default();
        for ext in extensions {
            let oid = ext.extn_id.to_string();
            let value = ext.extn_value.as_bytes();
            if !parsed.read_extension(&oid, value) {
                return None;
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
        let spki = tbs.subject_public_key_info();
        parsed.explicit_curve = key_family(spki) == Some(KeyFamily::Ec)
            && spki
                .algorithm
                .parameters
                .as_ref()
                .is_none_or(|p| p.decode_as::<der::oid::ObjectIdentifier>().is_err());
        parsed.self_signed = parsed.self_issued
            && akid_matches(&parsed, &parsed)
            && sig_alg_matches(&parsed.cert, &parsed.cert);
        Some(parsed)
    }

    /// Records what openssl caches from one extension; `false` when one it caches does not
    /// decode. subjectAltName is only checked to decode; nameConstraints, whatever they hold,
    /// leave the verdict to openssl.
    fn read_extension(&mut self, oid: &str, value: &[u8]) -> bool {
        match oid {
            "2.5.29.19" => basic_constraints(value).map(|(ca, pathlen)| {
                self.basic_constraints = Some(ca);
                self.pathlen = pathlen;
            }),
            "2.5.29.15" => prefix::<BitStringRef<'_>>(value).map(|bits| {
                let bytes = bits.raw_bytes();
                let flags = bytes.iter().take(2).enumerate().fold(0, |acc, (i, b)| {
                    acc | u16::from(b.reverse_bits()) << (8 * i)
                });
                self.key_usage = Some(KeyUsage(flags));
            }),
            "2.5.29.37" => prefix::<pkix::ExtendedKeyUsage>(value).map(|eku| {
                let has = |o: &str| eku.0.iter().any(|p| p.to_string() == o);
                self.eku = Some((
                    has("1.3.6.1.5.5.7.3.1"),
                    has("1.3.6.1.5.5.7.3.2"),
                    has("1.3.6.1.4.1.311.10.3.3") || has("2.16.840.1.113730.4.1"),
                ));
            }),
            "2.16.840.1.113730.1.1" => prefix::<BitStringRef<'_>>(value)
                .and_then(|bits| match bits.raw_bytes() {
                    [byte] => Some(byte.reverse_bits()),
                    _ => None,
                })
                .map(|flags| self.ns_cert_type = Some(NsCertType(flags))),
            "2.5.29.14" => {
                prefix::<&OctetStringRef>(value).map(|id| self.skid = Some(id.as_bytes().to_vec()))
            }
            "2.5.29.35" => prefix::<pkix::AuthorityKeyIdentifier>(value).map(|aki| {
                self.akid = Some(Akid {
                    key_id: aki.key_identifier.map(|k| k.as_bytes().to_vec()),
                    issuer_name: aki.authority_cert_issuer.and_then(|names| {
                        names.iter().find_map(|n| match n {
                            GeneralName::DirectoryName(name) => Some(canon(name)),
                            _ => None,
                        })
                    }),
                    serial: aki
                        .authority_cert_serial_number
                        .map(|s| s.as_bytes().to_vec()),
                })
            }),
            "2.5.29.30" => {
                self.name_constraints = true;
                Some(())
            }
            "2.5.29.17" => prefix::<pkix::SubjectAltName>(value).map(drop),
            _ => Some(()),
        }
        .is_some()
    }
}

/// A value decoded from the front of `bytes`: like openssl's d2i, bytes after it are ignored.
fn prefix<'a, T: Decode<'a>>(bytes: &'a [u8]) -> Option<T> {
    T::decode(&mut SliceReader::new(bytes).ok()?).ok()
}

/// basicConstraints with a pathLenConstraint up to 2^32 - 1, as openssl reads it.
fn basic_constraints(value: &[u8]) -> Option<(bool, Option<u32>)> {
    let sequence = prefix::<&der::asn1::SequenceRef>(value)?;
    let mut fields = SliceReader::new(sequence.as_bytes()).ok()?;
    let ca: Option<bool> = fields.decode().ok()?;
    let pathlen: Option<u32> = fields.decode().ok()?;
    fields
        .is_finished()
        .then_some((ca.unwrap_or(false), pathlen))
}

/// The subject's authorityKeyIdentifier fits the issuer: its key id, serial and name, where given.
pub(super) fn akid_matches(issuer: &Parsed<'_>, subject: &Parsed<'_>) -> bool {
    let Some(akid) = &subject.akid else {
        return true;
    };
    if let (Some(keyid), Some(skid)) = (&akid.key_id, &issuer.skid) {
        if keyid != skid {
            return false;
        }
    }
    if let Some(serial) = &akid.serial {
        if strip_zeros(serial)
            != strip_zeros(issuer.cert.tbs_certificate().serial_number().as_bytes())
        {
            return false;
        }
    }
    if let Some(name) = &akid.issuer_name {
        if *name != issuer.issuer_canon {
            return false;
        }
    }
    true
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}
