//! Certificate revocation lists (RFC 5280 §5): a CA's signed list of the serial numbers it has
//! revoked, with when the list was made (thisUpdate) and when the next one is due (nextUpdate).

use super::cert::{ca_issuer, check_days, SECONDS_PER_DAY};
use super::openssl_verdict::canon::canon;
use super::{parts, Certificate, InputField, PkiError};
use der::{Decode, Encode, Tagged};
use ring::signature::{self as sig, VerificationAlgorithm};
use serde::{Deserialize, Serialize};
use x509_cert::crl::CertificateList;
use x509_cert::spki::SubjectPublicKeyInfoRef;

/// Why a certificate was revoked: the reasons the workshop offers (RFC 5280 §5.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reason {
    Unspecified,
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Unspecified,
        Reason::KeyCompromise,
        Reason::AffiliationChanged,
        Reason::Superseded,
        Reason::CessationOfOperation,
    ];

    /// The name RFC 5280 and `openssl ca -crl_reason` use.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
        }
    }

    /// The words `openssl crl -text` prints for the reason.
    pub fn openssl_text(self) -> &'static str {
        match self {
            Reason::Unspecified => "Unspecified",
            Reason::KeyCompromise => "Key Compromise",
            Reason::AffiliationChanged => "Affiliation Changed",
            Reason::Superseded => "Superseded",
            Reason::CessationOfOperation => "Cessation Of Operation",
        }
    }

    /// The CRLReason code.
    pub fn code(self) -> u8 {
        match self {
            Reason::Unspecified => 0,
            Reason::KeyCompromise => 1,
            Reason::AffiliationChanged => 3,
            Reason::Superseded => 4,
            Reason::CessationOfOperation => 5,
        }
    }

    pub fn from_code(code: u8) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    fn to_rcgen(self) -> rcgen::RevocationReason {
        use rcgen::RevocationReason as R;
        match self {
            Reason::Unspecified => R::Unspecified,
            Reason::KeyCompromise => R::KeyCompromise,
            Reason::AffiliationChanged => R::AffiliationChanged,
            Reason::Superseded => R::Superseded,
            Reason::CessationOfOperation => R::CessationOfOperation,
        }
    }
}

/// One revoked certificate: its serial number, when, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    #[serde(with = "serde_bytes")]
    pub serial: Vec<u8>,
    /// Seconds since the Unix epoch.
    pub at: u64,
    pub reason: Reason,
}

/// A CRL as its DER, checked to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crl {
    der: Vec<u8>,
}

/// What a CRL says, read back from its DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlContents {
    /// The issuer's name, DER.
    pub issuer_der: Vec<u8>,
    pub this_update: u64,
    pub next_update: Option<u64>,
    pub number: Option<u64>,
    /// Serial numbers (big-endian, without a sign byte), when, and the reason code if given.
    pub revoked: Vec<(Vec<u8>, u64, Option<u8>)>,
}

const OID_CRL_NUMBER: &str = "2.5.29.20";
const OID_CRL_REASON: &str = "2.5.29.21";
/// CRLs bigger than this are refused before parsing: the workshop's are well under 1 KB.
pub const MAX_CRL_BYTES: usize = 1 << 20;
/// CRLs listing more certificates than this are refused before their entries are read: the
/// workshop's list a handful.
pub const MAX_CRL_ENTRIES: usize = 1_000;

/// A CRL that cannot be read belongs to the field it was pasted into.
fn bad(what: impl std::fmt::Display) -> PkiError {
    PkiError::input(
        InputField::Crl,
        format!("This is not a usable CRL: {what}."),
    )
}

/// Why a CA's key does not vouch for a CRL that names it as issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureFault {
    /// The algorithm inside the signed part differs from the one outside it, which openssl
    /// (`X509_CRL_verify`) refuses before any signature check.
    AlgorithmsDiffer,
    /// The signature does not verify with the CA's public key.
    DoesNotVerify,
    /// An algorithm (or key) this lab does not check, by its OID.
    Unsupported(String),
}

impl Crl {
    /// Checks the CRL's size and shape, and counts its entries, before reading it in full.
    pub fn from_der(der: Vec<u8>) -> Result<Self, PkiError> {
        if der.len() > MAX_CRL_BYTES {
            return Err(bad(format!("{} bytes is more than a CRL needs", der.len())));
        }
        let (parts, rest) = parts::crl(&der).map_err(bad)?;
        if !rest.is_empty() {
            return Err(bad("extra bytes follow it"));
        }
        if parts.entries > MAX_CRL_ENTRIES {
            return Err(PkiError::input(
                InputField::Crl,
                format!(
                    "This CRL lists {} revoked certificates; this lab reads at most {MAX_CRL_ENTRIES}.",
                    parts.entries
                ),
            ));
        }
        let crl = Crl { der };
        crl.contents()?;
        Ok(crl)
    }

    /// One `X509 CRL` PEM block.
    pub fn from_pem(text: &str) -> Result<Self, PkiError> {
        let block = super::pem::parse_one(text, &["X509 CRL"])?;
        Crl::from_der(block.der)
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        super::pem::encode("X509 CRL", &self.der)
    }

    pub fn contents(&self) -> Result<CrlContents, PkiError> {
        let list =
            CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&self.der).map_err(bad)?;
        let tbs = &list.tbs_cert_list;
        let seconds = |t: &x509_cert::time::Time| t.to_unix_duration().as_secs();
        let issuer_der = tbs.issuer.to_der().map_err(bad)?;
        let number = tbs
            .crl_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id.to_string() == OID_CRL_NUMBER)
            .and_then(|e| der::asn1::Int::from_der(e.extn_value.as_bytes()).ok())
            .and_then(|n| small_unsigned(n.as_bytes()));
        let revoked = tbs
            .revoked_certificates
            .iter()
            .flatten()
            .map(|entry| {
                let reason = entry
                    .crl_entry_extensions
                    .iter()
                    .flatten()
                    .find(|e| e.extn_id.to_string() == OID_CRL_REASON)
                    .and_then(|e| {
                        x509_cert::ext::pkix::CrlReason::from_der(e.extn_value.as_bytes()).ok()
                    })
                    .map(|reason| reason as u8);
                (
                    parts::trim_sign(entry.serial_number.as_bytes()),
                    seconds(&entry.revocation_date),
                    reason,
                )
            })
            .collect();
        Ok(CrlContents {
            issuer_der,
            this_update: seconds(&tbs.this_update),
            next_update: tbs.next_update.as_ref().map(seconds),
            number,
            revoked,
        })
    }

    /// Whether this CRL names `ca` as its issuer, with names compared as openssl compares
    /// them when it looks for a CRL's issuer.
    pub fn names_issuer(&self, ca: &Certificate) -> bool {
        self.issuer_is(ca, |tbs| tbs.subject())
    }

    /// Whether this CRL speaks for `cert`: its issuer is the CA that issued `cert`.
    pub fn covers(&self, cert: &Certificate) -> bool {
        self.issuer_is(cert, |tbs| tbs.issuer())
    }

    /// Whether the CRL's issuer is the name `pick` takes from `cert`, in openssl's canonical
    /// form.
    fn issuer_is(
        &self,
        cert: &Certificate,
        pick: impl Fn(&x509_cert::TbsCertificate) -> &x509_cert::name::Name,
    ) -> bool {
        let Ok(list) = CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&self.der)
        else {
            return false;
        };
        x509_cert::Certificate::from_der(cert.der()).is_ok_and(|cert| {
            canon(pick(cert.tbs_certificate())) == canon(&list.tbs_cert_list.issuer)
        })
    }

    /// Checks the CRL's signature with `ca`'s public key, as `openssl crl -CAfile` does:
    /// both algorithm fields agree, then the signature over the signed bytes as they are.
    pub fn verify_signature(&self, ca: &Certificate) -> Result<(), SignatureFault> {
        let (parts, _) = parts::crl(&self.der).map_err(|_| SignatureFault::DoesNotVerify)?;
        if parts.inner_algorithm != parts.outer_algorithm {
            return Err(SignatureFault::AlgorithmsDiffer);
        }
        let spki = ca.spki_der();
        let key = SubjectPublicKeyInfoRef::from_der(&spki)
            .map_err(|_| SignatureFault::Unsupported("an unreadable public key".into()))?;
        let algorithm = verification_algorithm(&parts.signature_algorithm, &key)?;
        sig::UnparsedPublicKey::new(algorithm, key.subject_public_key.raw_bytes())
            .verify(parts.tbs, parts.signature.raw_bytes())
            .map_err(|_| SignatureFault::DoesNotVerify)
    }

    /// Whether `cert`'s serial number is on this list.
    pub fn lists(&self, cert: &Certificate) -> bool {
        let serial = cert.serial();
        self.contents()
            .is_ok_and(|c| c.revoked.iter().any(|(s, _, _)| *s == serial))
    }
}

fn small_unsigned(bytes: &[u8]) -> Option<u64> {
    let bytes = parts::trim_sign(bytes);
    (bytes.len() <= 8).then(|| bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
}

/// The ring algorithm for a CRL's signature with this key: ECDSA P-256 and P-384 with SHA-256
/// or SHA-384, RSA PKCS#1 v1.5 and PSS with SHA-256, 384 or 512, and Ed25519. Anything else
/// is named, not guessed at.
fn verification_algorithm(
    signature: &parts::Algorithm<'_>,
    key: &SubjectPublicKeyInfoRef<'_>,
) -> Result<&'static dyn VerificationAlgorithm, SignatureFault> {
    let oid = parts::oid_text(signature.oid);
    let key_oid = key.algorithm.oid.to_string();
    let curve = key
        .algorithm
        .parameters_oid()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let unsupported = || {
        Err(SignatureFault::Unsupported(format!(
            "{} and a key of type {}",
            oid_name(&oid),
            oid_name(&key_oid)
        )))
    };
    let rsa = key_oid == "1.2.840.113549.1.1.1";
    Ok(match (oid.as_str(), key_oid.as_str(), curve.as_str()) {
        ("1.2.840.113549.1.1.11", _, _) if rsa => &sig::RSA_PKCS1_2048_8192_SHA256,
        ("1.2.840.113549.1.1.12", _, _) if rsa => &sig::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.13", _, _) if rsa => &sig::RSA_PKCS1_2048_8192_SHA512,
        ("1.2.840.113549.1.1.10", _, _) if rsa => match pss(signature) {
            Some(algorithm) => algorithm,
            None => return unsupported(),
        },
        ("1.2.840.10045.4.3.2", "1.2.840.10045.2.1", P256) => &sig::ECDSA_P256_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", "1.2.840.10045.2.1", P256) => &sig::ECDSA_P256_SHA384_ASN1,
        ("1.2.840.10045.4.3.2", "1.2.840.10045.2.1", P384) => &sig::ECDSA_P384_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", "1.2.840.10045.2.1", P384) => &sig::ECDSA_P384_SHA384_ASN1,
        ("1.3.101.112", "1.3.101.112", _) => &sig::ED25519,
        _ => return unsupported(),
    })
}

/// openssl's names for the algorithms a refusal may mention; others go by their OID.
fn oid_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.1" => "rsaEncryption".into(),
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption".into(),
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption".into(),
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption".into(),
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption".into(),
        "1.2.840.113549.1.1.10" => "rsassaPss (with parameters this lab does not check)".into(),
        "1.2.840.10045.2.1" => "id-ecPublicKey".into(),
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1".into(),
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256".into(),
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384".into(),
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512".into(),
        "1.3.101.112" => "ED25519".into(),
        "1.3.101.113" => "ED448".into(),
        other => format!("the algorithm {other}"),
    }
}

const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

/// RSA-PSS as ring checks it: MGF1 with the message's hash, a salt as long as the hash.
fn pss(signature: &parts::Algorithm<'_>) -> Option<&'static dyn VerificationAlgorithm> {
    let params = signature.parameters?;
    let params = parts::pss_parameters(params.tag(), params.value()).ok()?;
    if params.mask != "1.2.840.113549.1.1.8" || params.mask_hash.as_ref() != Some(&params.hash) {
        return None;
    }
    let (algorithm, salt): (&'static dyn VerificationAlgorithm, u32) = match params.hash.as_str() {
        "2.16.840.1.101.3.4.2.1" => (&sig::RSA_PSS_2048_8192_SHA256, 32),
        "2.16.840.1.101.3.4.2.2" => (&sig::RSA_PSS_2048_8192_SHA384, 48),
        "2.16.840.1.101.3.4.2.3" => (&sig::RSA_PSS_2048_8192_SHA512, 64),
        _ => return None,
    };
    (params.salt_length == salt).then_some(algorithm)
}

/// What a CA needs to publish a CRL.
pub struct CrlTemplate<'a> {
    pub revoked: &'a [Revoked],
    /// Grows with each CRL the CA publishes (RFC 5280 §5.2.3).
    pub number: u64,
    /// thisUpdate, in seconds since the Unix epoch.
    pub now: u64,
    /// nextUpdate is this many days after thisUpdate.
    pub days: u32,
}

/// The CA's signed CRL, with the AKI of its issuer and a CRL number.
pub fn issue(
    issuer_cert: &Certificate,
    issuer_key: &super::PrivateKey,
    template: &CrlTemplate<'_>,
) -> Result<Crl, PkiError> {
    check_days(template.days)?;
    let time = |seconds: u64| {
        i64::try_from(seconds)
            .ok()
            .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
            .ok_or_else(|| PkiError::Certificate("the clock is out of range".into()))
    };
    let this_update = time(template.now)?;
    let next_update =
        time(template.now + u64::from(template.days) * SECONDS_PER_DAY.unsigned_abs())?;
    let revoked_certs = template
        .revoked
        .iter()
        .map(|r| {
            Ok(rcgen::RevokedCertParams {
                serial_number: rcgen::SerialNumber::from_slice(&r.serial),
                revocation_time: time(r.at)?,
                reason_code: Some(r.reason.to_rcgen()),
                invalidity_date: None,
            })
        })
        .collect::<Result<Vec<_>, PkiError>>()?;
    let params = rcgen::CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: rcgen::SerialNumber::from_slice(&template.number.to_be_bytes()),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: rcgen::KeyIdMethod::PreSpecified(super::cert::key_identifier(
            &issuer_cert.spki_der(),
        )?),
    };
    let issuer = ca_issuer(issuer_cert, issuer_key)?;
    let crl = params.signed_by(&issuer)?;
    Crl::from_der(crl.der().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{cert, profile, KeyAlgorithm, PrivateKey, Subject};

    fn ca() -> (Certificate, PrivateKey) {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let cert = cert::self_signed(
            &Subject::seed(
                "Client C Organization",
                "Client Services",
                "Client C Root CA",
            ),
            &key,
            &cert::Template {
                profile: &profile::ROOT_CA,
                days: 30,
                sans: &[],
                now: 1_800_000_000,
            },
        )
        .unwrap();
        (cert, key)
    }

    #[test]
    fn a_crl_lists_what_was_revoked_and_reads_back() {
        let (cert, key) = ca();
        let revoked = [Revoked {
            serial: vec![0x12, 0x34, 0x56],
            at: 1_800_000_100,
            reason: Reason::KeyCompromise,
        }];
        let template = CrlTemplate {
            revoked: &revoked,
            number: 3,
            now: 1_800_000_200,
            days: 7,
        };
        let crl = issue(&cert, &key, &template).unwrap();
        let contents = crl.contents().unwrap();
        assert_eq!(contents.number, Some(3));
        assert_eq!(contents.this_update, 1_800_000_200);
        assert_eq!(contents.next_update, Some(1_800_000_200 + 7 * 86_400));
        assert_eq!(
            contents.revoked,
            vec![(vec![0x12, 0x34, 0x56], 1_800_000_100, Some(1))]
        );
        let again = Crl::from_pem(&crl.to_pem()).unwrap();
        assert_eq!(again, crl);
    }

    #[test]
    fn garbage_and_oversized_crls_are_refused_in_words() {
        for der in [
            vec![],
            vec![0x30, 0x03, 0x02, 0x01, 0x00],
            vec![0u8; MAX_CRL_BYTES + 1],
        ] {
            let refused = Crl::from_der(der).unwrap_err();
            assert!(
                refused.to_string().contains("not a usable CRL"),
                "{refused}"
            );
        }
        assert!(
            Crl::from_pem("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----").is_err()
        );
    }
}
