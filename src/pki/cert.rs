//! Issuing certificates from a profile: self-signed roots and CA-signed everything else.

use super::{pem, profile::Profile, Csr, InputField, PkiError, PrivateKey, San, Subject};
use rcgen::{CertificateParams, CustomExtension, IsCa, KeyIdMethod, PublicKeyData};
use sha1::{Digest, Sha1};

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
/// The longest validity we sign: far beyond the seed's 3650 days, short of year 9999.
pub const MAX_DAYS: u32 = 36_500;

/// An issued certificate in DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
}

impl Certificate {
    pub fn from_der(der: Vec<u8>) -> Result<Self, PkiError> {
        use x509_parser::prelude::FromDer;
        let (rest, _) = x509_parser::certificate::X509Certificate::from_der(&der)
            .map_err(|_| PkiError::Certificate("not a valid X.509 certificate".into()))?;
        if !rest.is_empty() {
            return Err(PkiError::Certificate(
                "extra bytes follow the certificate".into(),
            ));
        }
        Ok(Certificate { der })
    }

    pub fn from_pem(text: &str) -> Result<Self, PkiError> {
        Self::from_der(pem::parse_one(text, &["CERTIFICATE"])?.der)
    }

    /// Every certificate in a PEM bundle such as a chain file.
    pub fn all_from_pem(text: &str) -> Result<Vec<Self>, PkiError> {
        pem::parse_all(text)?
            .into_iter()
            .map(|block| {
                if block.label != "CERTIFICATE" {
                    return Err(PkiError::Pem(format!(
                        "found a \"{}\" block in a certificate bundle",
                        block.label
                    )));
                }
                Self::from_der(block.der)
            })
            .collect()
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The serial number, big-endian, without the sign byte DER may add.
    pub fn serial(&self) -> Vec<u8> {
        use der::Decode;
        x509_cert::Certificate::from_der(&self.der)
            .map(|c| super::crl::trim_sign(c.tbs_certificate().serial_number().as_bytes()))
            .unwrap_or_default()
    }

    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    pub fn spki_der(&self) -> Vec<u8> {
        use x509_parser::prelude::FromDer;
        x509_parser::certificate::X509Certificate::from_der(&self.der)
            .map(|(_, c)| c.tbs_certificate.subject_pki.raw.to_vec())
            .unwrap_or_default()
    }
}

/// What to put in a certificate besides the key: subject, profile, lifetime, SANs.
#[derive(Clone, Debug)]
pub struct Template<'a> {
    pub profile: &'a Profile,
    pub days: u32,
    pub sans: &'a [San],
    /// Seconds since the Unix epoch for notBefore.
    pub now: u64,
}

/// A self-signed CA, as `openssl req -x509 -new -key … -days …` makes it.
pub fn self_signed(
    subject: &Subject,
    key: &PrivateKey,
    template: &Template<'_>,
) -> Result<Certificate, PkiError> {
    let params = params_for(subject.to_rcgen()?, &key.spki_der(), template)?;
    let signer = key.signer()?;
    let cert = params.self_signed(&signer)?;
    Certificate::from_der(cert.der().to_vec())
}

/// Signs `subject_key` for `subject` with a CA, as `openssl x509 -req -CA … -extfile …` does.
pub fn issue(
    subject: rcgen::DistinguishedName,
    subject_key: &impl PublicKeyData,
    template: &Template<'_>,
    issuer_cert: &Certificate,
    issuer_key: &PrivateKey,
) -> Result<Certificate, PkiError> {
    if issuer_cert.spki_der() != issuer_key.spki_der() {
        return Err(PkiError::Key(
            "the CA's private key does not match its certificate".into(),
        ));
    }
    let params = params_for(subject, &subject_key.subject_public_key_info(), template)?;
    let issuer = ca_issuer(issuer_cert, issuer_key)?;
    let cert = params.signed_by(subject_key, &issuer)?;
    Certificate::from_der(cert.der().to_vec())
}

/// The CA as rcgen's issuer of certificates and CRLs: its subject, key identifier and key
/// usages from its certificate, and its key to sign with.
pub(crate) fn ca_issuer(
    issuer_cert: &Certificate,
    issuer_key: &PrivateKey,
) -> Result<rcgen::Issuer<'static, impl rcgen::SigningKey>, PkiError> {
    let signer = issuer_key.signer()?;
    Ok(rcgen::Issuer::from_ca_cert_der(
        &issuer_cert.der().to_vec().into(),
        signer,
    )?)
}

/// Signs a CSR, taking only its subject and key.
pub fn sign_csr(
    csr: &Csr,
    template: &Template<'_>,
    issuer_cert: &Certificate,
    issuer_key: &PrivateKey,
) -> Result<Certificate, PkiError> {
    issue(
        csr.subject().clone(),
        csr,
        template,
        issuer_cert,
        issuer_key,
    )
}

/// openssl's `subjectKeyIdentifier = hash`: SHA-1 of the subjectPublicKey bits.
pub fn key_identifier(spki_der: &[u8]) -> Result<Vec<u8>, PkiError> {
    use x509_parser::prelude::FromDer;
    let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|_| PkiError::Key("the public key cannot be parsed".into()))?;
    Ok(Sha1::digest(&spki.subject_public_key.data).to_vec())
}

pub fn check_days(days: u32) -> Result<(), PkiError> {
    if days == 0 || days > MAX_DAYS {
        return Err(PkiError::input(
            InputField::Days,
            format!("Validity must be between 1 and {MAX_DAYS} days."),
        ));
    }
    Ok(())
}

fn params_for(
    subject: rcgen::DistinguishedName,
    subject_spki: &[u8],
    template: &Template<'_>,
) -> Result<CertificateParams, PkiError> {
    check_days(template.days)?;
    let profile = template.profile;
    let ski = key_identifier(subject_spki)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = subject;
    let start = i64::try_from(template.now)
        .map_err(|_| PkiError::Certificate("the clock is out of range".into()))?;
    params.not_before = time::OffsetDateTime::from_unix_timestamp(start)
        .map_err(|_| PkiError::Certificate("the clock is out of range".into()))?;
    params.not_after = time::OffsetDateTime::from_unix_timestamp(
        start + i64::from(template.days) * SECONDS_PER_DAY,
    )
    .map_err(|_| PkiError::input(InputField::Days, "The validity ends past year 9999."))?;
    params.serial_number = Some(random_serial()?);
    params.key_usages = profile.key_usage.to_vec();
    params.extended_key_usages = profile.extended_key_usage.to_vec();
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = KeyIdMethod::PreSpecified(ski.clone());
    params.subject_alt_names = template
        .sans
        .iter()
        .map(San::to_rcgen)
        .collect::<Result<_, _>>()?;
    match profile.ca {
        Some(path_len) => {
            // rcgen writes the SKI and a critical basicConstraints for CAs itself.
            params.is_ca = IsCa::Ca(match path_len {
                Some(n) => rcgen::BasicConstraints::Constrained(n),
                None => rcgen::BasicConstraints::Unconstrained,
            });
        }
        None => {
            // The seed's leaf profiles want a SKI and a non-critical `CA:FALSE`, which rcgen
            // would otherwise mark critical.
            params.is_ca = IsCa::NoCa;
            let mut ski_der = vec![0x04, ski.len() as u8];
            ski_der.extend_from_slice(&ski);
            params
                .custom_extensions
                .push(CustomExtension::from_oid_content(&[2, 5, 29, 14], ski_der));
            params
                .custom_extensions
                .push(CustomExtension::from_oid_content(
                    &[2, 5, 29, 19],
                    vec![0x30, 0x00],
                ));
        }
    }
    Ok(params)
}

/// A positive 127-bit random serial: unique in practice and within RFC 5280's 20 octets.
fn random_serial() -> Result<rcgen::SerialNumber, PkiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| PkiError::Certificate(format!("no randomness: {e}")))?;
    bytes[0] = (bytes[0] & 0x7f).max(1);
    Ok(rcgen::SerialNumber::from_slice(&bytes))
}
