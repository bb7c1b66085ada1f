//! Certificate signing requests: built here, or read from anywhere (openssl included) and checked.

use super::{keys::algorithm_of_spki, parts, pem, KeyAlgorithm, PkiError, PrivateKey, Subject};
use rcgen::{DistinguishedName, DnType, DnValue, PublicKeyData, SignatureAlgorithm};
use x509_parser::prelude::FromDer;

/// Builds and signs a CSR for `subject` with `key`, as `openssl req -new` does.
pub fn build(subject: &Subject, key: &PrivateKey) -> Result<Csr, PkiError> {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = subject.to_rcgen()?;
    let signer = key.signer()?;
    let request = params.serialize_request(&signer)?;
    Csr::from_der(request.der())
}

/// A parsed CSR whose signature has been checked. Only its subject and key are ever used:
/// the CA's profile decides every extension, as `openssl x509 -req -extfile` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Csr {
    der: Vec<u8>,
    subject: DistinguishedName,
    spki: Vec<u8>,
    key_bits: Vec<u8>,
    algorithm: KeyAlgorithm,
}

impl Csr {
    pub fn from_pem(text: &str) -> Result<Self, PkiError> {
        let block = pem::parse_one(text, &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"])?;
        Self::from_der(&block.der)
    }

    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        let (rest, request) =
            x509_parser::certification_request::X509CertificationRequest::from_der(der)
                .map_err(|_| PkiError::Csr("the request is not valid DER".into()))?;
        if !rest.is_empty() {
            return Err(PkiError::Csr("extra bytes follow the request".into()));
        }
        let info = &request.certification_request_info;
        // Name unsupported keys before the signature check, so the message says why.
        let spki = info.subject_pki.raw.to_vec();
        let algorithm = algorithm_of_spki(&spki)?;
        request.verify_signature().map_err(|_| {
            PkiError::Csr("its signature does not verify against its own public key".into())
        })?;
        Ok(Csr {
            der: der.to_vec(),
            subject: subject_of(&info.subject)?,
            key_bits: info.subject_pki.subject_public_key.data.to_vec(),
            spki,
            algorithm,
        })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE REQUEST", &self.der)
    }

    pub fn subject(&self) -> &DistinguishedName {
        &self.subject
    }

    pub fn key_algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }
}

impl PublicKeyData for Csr {
    fn subject_public_key_info(&self) -> Vec<u8> {
        self.spki.clone()
    }

    fn der_bytes(&self) -> &[u8] {
        &self.key_bits
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.algorithm.signature_algorithm()
    }
}

/// Copies a parsed subject into rcgen's form, keeping each value's string type.
fn subject_of(name: &x509_parser::x509::X509Name<'_>) -> Result<DistinguishedName, PkiError> {
    use x509_parser::der_parser::asn1_rs::Tag;
    let mut dn = DistinguishedName::new();
    for attribute in name.iter_attributes() {
        let oid = parts::oid_arcs(attribute.attr_type().as_bytes())
            .ok_or_else(|| PkiError::Csr("a subject attribute has an unreadable type".into()))?;
        let value = attribute.attr_value();
        let bad = || PkiError::Csr("a subject value is not a string".into());
        let text = std::str::from_utf8(value.data)
            .map_err(|_| bad())?
            .to_string();
        let value = match value.header.tag() {
            Tag::PrintableString => DnValue::PrintableString(text.try_into().map_err(|_| bad())?),
            Tag::Utf8String => DnValue::Utf8String(text),
            Tag::Ia5String => DnValue::Ia5String(text.try_into().map_err(|_| bad())?),
            Tag::T61String => DnValue::TeletexString(text.try_into().map_err(|_| bad())?),
            _ => {
                return Err(PkiError::Unsupported(
                    "a subject value in BMP or universal string form".into(),
                ))
            }
        };
        dn.push(DnType::from_oid(&oid), value);
    }
    Ok(dn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_reads_back() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let subject = Subject::seed("Client B Organization", "Client Services", "client-b.local");
        let csr = build(&subject, &key).unwrap();
        let again = Csr::from_pem(&csr.to_pem()).unwrap();
        assert_eq!(again.spki_der(), key.spki_der().as_slice());
        assert_eq!(again.subject(), &subject.to_rcgen().unwrap());
    }

    #[test]
    fn a_flipped_signature_bit_is_refused() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let csr = build(&Subject::seed("O", "OU", "cn"), &key).unwrap();
        let mut der = csr.der().to_vec();
        let last = der.len() - 3;
        der[last] ^= 0x01;
        let err = Csr::from_der(&der).unwrap_err();
        assert!(matches!(err, PkiError::Csr(_)), "{err}");
    }
}
