//! Certificate signing requests: built here, or read from anywhere (openssl included) and checked.

use super::{keys::algorithm_of_spki, parts, pem, KeyAlgorithm, PkiError, PrivateKey, Subject};
use der::{Decode, Tagged};
use rcgen::{DistinguishedName, DnType, DnValue, PublicKeyData, SignatureAlgorithm};
use ring::signature::{self as sig, VerificationAlgorithm};
use x509_cert::spki::SubjectPublicKeyInfoRef;

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
        let (request, rest) = parts::request(der)
            .map_err(|_| PkiError::Csr("the request is not valid DER".into()))?;
        if !rest.is_empty() {
            return Err(PkiError::Csr("extra bytes follow the request".into()));
        }
        // Name unsupported keys before the signature check, so the message says why.
        let algorithm = algorithm_of_spki(request.spki)?;
        let key = SubjectPublicKeyInfoRef::from_der(request.spki)
            .map_err(|_| PkiError::Key("the public key cannot be parsed".into()))?;
        let key_bits = key.subject_public_key.raw_bytes();
        let verifies =
            verification_algorithm(&request.signature_algorithm, &key).is_some_and(|alg| {
                sig::UnparsedPublicKey::new(alg, key_bits)
                    .verify(request.info, request.signature.raw_bytes())
                    .is_ok()
            });
        if !verifies {
            return Err(PkiError::Csr(
                "its signature does not verify against its own public key".into(),
            ));
        }
        Ok(Csr {
            der: der.to_vec(),
            subject: subject_of(&request.subject)?,
            key_bits: key_bits.to_vec(),
            spki: request.spki.to_vec(),
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

/// The ring algorithm for a request's signature: RSA PKCS#1 v1.5 and PSS, ECDSA on P-256 and
/// P-384. The key itself was vetted already, by `algorithm_of_spki`.
fn verification_algorithm(
    signature: &parts::Algorithm<'_>,
    key: &SubjectPublicKeyInfoRef<'_>,
) -> Option<&'static dyn VerificationAlgorithm> {
    let curve = || Some(key.algorithm.parameters_oid().ok()?.to_string());
    Some(match parts::oid_text(signature.oid).as_str() {
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => {
            &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        "1.2.840.113549.1.1.11" => &sig::RSA_PKCS1_2048_8192_SHA256,
        "1.2.840.113549.1.1.12" => &sig::RSA_PKCS1_2048_8192_SHA384,
        "1.2.840.113549.1.1.13" => &sig::RSA_PKCS1_2048_8192_SHA512,
        "1.2.840.113549.1.1.10" => {
            let params = signature.parameters?;
            let params = parts::pss_parameters(params.tag(), params.value()).ok()?;
            match params.hash.as_str() {
                "2.16.840.1.101.3.4.2.1" => &sig::RSA_PSS_2048_8192_SHA256,
                "2.16.840.1.101.3.4.2.2" => &sig::RSA_PSS_2048_8192_SHA384,
                "2.16.840.1.101.3.4.2.3" => &sig::RSA_PSS_2048_8192_SHA512,
                _ => return None,
            }
        }
        "1.2.840.10045.4.3.2" => match curve()?.as_str() {
            "1.2.840.10045.3.1.7" => &sig::ECDSA_P256_SHA256_ASN1,
            "1.3.132.0.34" => &sig::ECDSA_P384_SHA256_ASN1,
            _ => return None,
        },
        "1.2.840.10045.4.3.3" => match curve()?.as_str() {
            "1.2.840.10045.3.1.7" => &sig::ECDSA_P256_SHA384_ASN1,
            "1.3.132.0.34" => &sig::ECDSA_P384_SHA384_ASN1,
            _ => return None,
        },
        _ => return None,
    })
}

/// Copies a parsed subject into rcgen's form, keeping each value's string type.
fn subject_of(subject: &parts::Rdns<'_>) -> Result<DistinguishedName, PkiError> {
    let mut dn = DistinguishedName::new();
    for attribute in subject.iter().flatten() {
        let oid = parts::oid_arcs(attribute.oid)
            .ok_or_else(|| PkiError::Csr("a subject attribute has an unreadable type".into()))?;
        let bad = || PkiError::Csr("a subject value is not a string".into());
        let text = std::str::from_utf8(attribute.value)
            .map_err(|_| bad())?
            .to_string();
        let value = match attribute.tag {
            0x13 => DnValue::PrintableString(text.try_into().map_err(|_| bad())?),
            0x0c => DnValue::Utf8String(text),
            0x16 => DnValue::Ia5String(text.try_into().map_err(|_| bad())?),
            0x14 => DnValue::TeletexString(text.try_into().map_err(|_| bad())?),
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
