//! Issuing certificates from a profile: self-signed roots and CA-signed everything else.

use super::{parts, pem, profile::Profile, Csr, InputField, PkiError, PrivateKey, San, Subject};
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
        let rest = parts::certificate(&der)
            .map_err(|_| PkiError::Certificate("not a valid X.509 certificate".into()))?
            .1;
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
            .map(|c| parts::trim_sign(c.tbs_certificate().serial_number().as_bytes()))
            .unwrap_or_default()
    }

    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    /// The issuer's name as DER, outer SEQUENCE included, as a CertificateRequest names CAs.
    pub fn issuer_der(&self) -> Option<Vec<u8>> {
        parts::certificate(&self.der)
            .ok()
            .map(|(parts, _)| parts.issuer.to_vec())
    }

    pub fn spki_der(&self) -> Vec<u8> {
        parts::certificate(&self.der)
            .map(|(parts, _)| parts.spki.to_vec())
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
    // webpki and openssl match the issuer to the CA's subject byte for byte.
    let issuer_name = parts::certificate(cert.der()).map(|(parts, _)| parts.issuer);
    let ca_subject = parts::certificate(issuer_cert.der()).map(|(parts, _)| parts.subject);
    if issuer_name.ok() != ca_subject.ok() {
        return Err(PkiError::Certificate(
            "the CA's subject cannot be copied exactly into the issuer name".into(),
        ));
    }
    Certificate::from_der(cert.der().to_vec())
}

/// The CA as rcgen's issuer of certificates and CRLs: its subject, key identifier and key
/// usages from its certificate, and its key to sign with.
pub(crate) fn ca_issuer(
    issuer_cert: &Certificate,
    issuer_key: &PrivateKey,
) -> Result<rcgen::Issuer<'static, impl rcgen::SigningKey>, PkiError> {
    use der::Decode;
    let unreadable = |_| rcgen::Error::CouldNotParseCertificate;
    let (parts, _) = parts::certificate(issuer_cert.der()).map_err(unreadable)?;
    let extension = |oid: &str| {
        let mut all = parts.extensions.iter();
        all.find(move |e| parts::oid_text(e.oid) == oid)
    };
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen_name(&parts::rdns(parts.subject).map_err(unreadable)?)?;
    // The issued certificates' AKI is the CA's SKI; rcgen hashes the key only when it has none.
    params.key_identifier_method = extension("2.5.29.14")
        .and_then(|ski| <&der::asn1::OctetStringRef>::from_der(ski.value).ok())
        .map_or(KeyIdMethod::Sha256, |ski| {
            KeyIdMethod::PreSpecified(ski.as_bytes().to_vec())
        });
    if let Some(ku) = extension("2.5.29.15") {
        let bits = der::asn1::BitStringRef::from_der(ku.value).map_err(unreadable)?;
        params.key_usages = key_usages(bits.raw_bytes());
    }
    Ok(rcgen::Issuer::new(params, issuer_key.signer()?))
}

/// A certificate's subject as rcgen writes it, byte for byte the same: for a certificate with
/// another's subject and key, such as a cross-certificate.
pub fn subject_of(cert: &Certificate) -> Result<rcgen::DistinguishedName, PkiError> {
    let unreadable = |_| PkiError::from(rcgen::Error::CouldNotParseCertificate);
    let (parts, _) = parts::certificate(cert.der()).map_err(unreadable)?;
    rcgen_name(&parts::rdns(parts.subject).map_err(unreadable)?)
}

/// A name as rcgen writes it back: one attribute per RDN, in order, each with its own string
/// type, so an issuer name built from it is byte for byte the CA's subject.
fn rcgen_name(rdns: &parts::Rdns<'_>) -> Result<rcgen::DistinguishedName, PkiError> {
    use rcgen::string::{BmpString, UniversalString};
    use rcgen::{DnType, DnValue};
    let unwritable = || PkiError::from(rcgen::Error::CouldNotParseCertificate);
    let mut dn = rcgen::DistinguishedName::new();
    for rdn in rdns {
        let [attribute] = rdn.as_slice() else {
            return Err(unwritable());
        };
        let ty = DnType::from_oid(&parts::oid_arcs(attribute.oid).ok_or_else(unwritable)?);
        let data = attribute.value;
        let text = || std::str::from_utf8(data).map_err(|_| unwritable());
        let value = match attribute.tag {
            0x1e => DnValue::BmpString(BmpString::from_utf16be(data.to_vec())?),
            0x16 => DnValue::Ia5String(text()?.try_into()?),
            0x13 => DnValue::PrintableString(text()?.try_into()?),
            0x14 => DnValue::TeletexString(text()?.try_into()?),
            0x1c => DnValue::UniversalString(UniversalString::from_utf32be(data.to_vec())?),
            0x0c => DnValue::Utf8String(text()?.to_owned()),
            _ => return Err(unwritable()),
        };
        // rcgen keeps one value per type; a repeated type could not be written back as it was.
        if dn.get(&ty).is_some() {
            return Err(PkiError::Certificate(
                "the CA's subject repeats an attribute type, which this lab cannot copy into \
                 the issuer name"
                    .into(),
            ));
        }
        dn.push(ty, value);
    }
    Ok(dn)
}

/// rcgen's key usages from a keyUsage BIT STRING's bytes: bit 0 is the first byte's top bit.
fn key_usages(bits: &[u8]) -> Vec<rcgen::KeyUsagePurpose> {
    use rcgen::KeyUsagePurpose as Ku;
    let set = |n: usize| bits.get(n / 8).is_some_and(|b| b & (0x80 >> (n % 8)) != 0);
    [
        Ku::DigitalSignature,
        Ku::ContentCommitment,
        Ku::KeyEncipherment,
        Ku::DataEncipherment,
        Ku::KeyAgreement,
        Ku::KeyCertSign,
        Ku::CrlSign,
        Ku::EncipherOnly,
        Ku::DecipherOnly,
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(n, ku)| set(n).then_some(ku))
    .collect()
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
    use der::Decode;
    let spki = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|_| PkiError::Key("the public key cannot be parsed".into()))?;
    Ok(Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec())
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
    let serial = super::signed_outside::serial_in_force().unwrap_or_else(fresh_serial)?;
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    params.key_usages = profile.key_usage.to_vec();
    params.extended_key_usages = profile.extended_key_usage.to_vec();
    if !profile.permitted_dns.is_empty() {
        params.name_constraints = Some(rcgen::NameConstraints {
            permitted_subtrees: profile
                .permitted_dns
                .iter()
                .map(|name| rcgen::GeneralSubtree::DnsName((*name).to_string()))
                .collect(),
            excluded_subtrees: Vec::new(),
        });
    }
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
pub(crate) fn fresh_serial() -> Result<[u8; 16], PkiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| PkiError::Certificate(format!("no randomness: {e}")))?;
    bytes[0] = (bytes[0] & 0x7f).max(1);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{profile, KeyAlgorithm};
    use der::Decode;
    use rcgen::{DnType, DnValue};

    const NOW: u64 = 1_795_000_000;

    fn template(profile: &'static Profile) -> Template<'static> {
        Template {
            profile,
            days: 30,
            sans: &[],
            now: NOW,
        }
    }

    /// A CA whose subject and key identifier are exactly `params`' own.
    fn rcgen_ca(mut params: CertificateParams) -> (Certificate, PrivateKey) {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign];
        let cert = params.self_signed(&key.signer().unwrap()).unwrap();
        (Certificate::from_der(cert.der().to_vec()).unwrap(), key)
    }

    fn leaf_under(ca: &Certificate, ca_key: &PrivateKey) -> Result<Certificate, PkiError> {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let subject = Subject::seed("Leaf Org", "Leaf Unit", "leaf.test");
        issue(
            subject.to_rcgen().unwrap(),
            &key.signer().unwrap(),
            &template(&profile::CLIENT),
            ca,
            ca_key,
        )
    }

    fn assert_issuer_is_subject(ca: &Certificate, leaf: &Certificate) {
        let ca = parts::certificate(ca.der()).unwrap().0;
        let leaf = parts::certificate(leaf.der()).unwrap().0;
        assert_eq!(leaf.issuer, ca.subject);
    }

    fn extension(cert: &Certificate, oid: &str) -> Vec<u8> {
        let parsed = x509_cert::Certificate::from_der(cert.der()).unwrap();
        let tbs = parsed.tbs_certificate();
        let ext = tbs.extensions().unwrap().iter();
        ext.filter(|e| e.extn_id.to_string() == oid)
            .map(|e| e.extn_value.as_bytes().to_vec())
            .next()
            .unwrap()
    }

    /// The keyIdentifier of an authorityKeyIdentifier and the subjectKeyIdentifier itself.
    fn aki_and_ski(leaf: &Certificate, ca: &Certificate) -> (Vec<u8>, Vec<u8>) {
        use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
        let aki = AuthorityKeyIdentifier::from_der(&extension(leaf, "2.5.29.35")).unwrap();
        let ski = SubjectKeyIdentifier::from_der(&extension(ca, "2.5.29.14")).unwrap();
        let aki = aki.key_identifier.unwrap().as_bytes().to_vec();
        (aki, ski.0.as_bytes().to_vec())
    }

    #[test]
    fn the_issuer_name_is_the_cas_subject_byte_for_byte() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let mut subject = Subject::seed(r#"A+B/C=D, "E" \ 'F'"#, "Zürich – 東京", "Root CA");
        subject.locality = "Ïle =+,;<>#".into();
        let ca = self_signed(&subject, &key, &template(&profile::ROOT_CA)).unwrap();
        // The country is a PrintableString, the rest UTF8String.
        let name = parts::certificate(ca.der()).unwrap().0.subject;
        assert!(name.windows(5).any(|w| w == [0x55, 0x04, 0x06, 0x13, 0x02]));
        let leaf = leaf_under(&ca, &key).unwrap();
        assert_issuer_is_subject(&ca, &leaf);
        let (aki, ski) = aki_and_ski(&leaf, &ca);
        assert_eq!(aki, ski);
    }

    #[test]
    fn every_string_type_rcgen_writes_is_kept() {
        let mut params = CertificateParams::default();
        let dn = &mut params.distinguished_name;
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("FR".try_into().unwrap()),
        );
        dn.push(
            DnType::StateOrProvinceName,
            DnValue::BmpString("Île-de-France".try_into().unwrap()),
        );
        dn.push(
            DnType::LocalityName,
            DnValue::TeletexString("Paris".try_into().unwrap()),
        );
        dn.push(
            DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
            DnValue::Ia5String("ca@example.test".try_into().unwrap()),
        );
        dn.push(DnType::CommonName, "Ünicode CA");
        // Not the SHA-1 of the key, as some CAs choose: the AKI must copy it, not recompute it.
        params.key_identifier_method = KeyIdMethod::PreSpecified(vec![1, 2, 3, 4, 5]);
        let (ca, key) = rcgen_ca(params);
        let leaf = leaf_under(&ca, &key).unwrap();
        assert_issuer_is_subject(&ca, &leaf);
        assert_eq!(
            aki_and_ski(&leaf, &ca),
            (vec![1, 2, 3, 4, 5], vec![1, 2, 3, 4, 5])
        );
    }

    #[test]
    fn the_issuer_takes_the_cas_key_usages() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let subject = Subject::seed("O", "OU", "Intermediate");
        let ca = self_signed(&subject, &key, &template(&profile::INTERMEDIATE_CA)).unwrap();
        let issuer = ca_issuer(&ca, &key).unwrap();
        let mut usages = issuer.key_usages().to_vec();
        usages.sort_by_key(|u| format!("{u:?}"));
        assert_eq!(
            usages,
            [
                rcgen::KeyUsagePurpose::CrlSign,
                rcgen::KeyUsagePurpose::DigitalSignature,
                rcgen::KeyUsagePurpose::KeyCertSign,
            ]
        );
    }

    /// rcgen holds one value per attribute type: a CA whose subject repeats one is refused
    /// rather than named wrongly in what it signs.
    #[test]
    fn a_subject_that_repeats_a_type_is_refused() {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::OrganizationName, "first");
        params.distinguished_name.push(DnType::CommonName, "second");
        let (ca, key) = rcgen_ca(params);
        // Make the organization a second common name: same length, still valid DER.
        let mut der = ca.der().to_vec();
        let subject_at =
            parts::certificate(&der).unwrap().0.subject.as_ptr() as usize - der.as_ptr() as usize;
        let o = der[subject_at..]
            .windows(3)
            .position(|w| w == [0x55, 0x04, 0x0a])
            .unwrap();
        der[subject_at + o + 2] = 0x03;
        let ca = Certificate::from_der(der).unwrap();
        let err = leaf_under(&ca, &key).unwrap_err();
        assert!(
            err.to_string().contains("repeats an attribute type"),
            "{err}"
        );
    }
}
