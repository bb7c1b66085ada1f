//! The seed's verification section: does a key match its CSR and certificate, does a chain
//! verify, and what each check prints in openssl's own terms.

use super::{inspect, pem, Certificate};
use rustls_pki_types::{CertificateDer, UnixTime};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// What `openssl pkey -pubout | openssl sha256` prints, without the `SHA2-256(stdin)= ` prefix:
/// the SHA-256 of the public key's PEM text.
pub fn public_key_sha256(spki_der: &[u8]) -> String {
    hex(&Sha256::digest(
        pem::encode("PUBLIC KEY", spki_der).as_bytes(),
    ))
}

/// What `openssl x509 -noout -modulus … | openssl sha256` prints for an RSA key (the seed's check):
/// the SHA-256 of the line `Modulus=<HEX>\n`. `None` for EC keys, which have no modulus.
pub fn rsa_modulus_sha256(spki_der: &[u8]) -> Option<String> {
    use der::Decode;
    let spki = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
    if spki.algorithm.oid.to_string() != "1.2.840.113549.1.1.1" {
        return None;
    }
    // Without leading zeros, as openssl prints it.
    let modulus: String = super::keys::rsa_modulus(spki.subject_public_key.raw_bytes())?
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    Some(hex(&Sha256::digest(
        format!("Modulus={modulus}\n").as_bytes(),
    )))
}

/// Which extended key usage a chain check requires of the leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Usage {
    ClientAuth,
    ServerAuth,
}

impl Usage {
    /// The extendedKeyUsage this usage requires when a certificate lists any.
    pub fn eku(self) -> &'static str {
        match self {
            Usage::ClientAuth => "clientAuth",
            Usage::ServerAuth => "serverAuth",
        }
    }
}

/// What kind of refusal webpki made, for notes that compare it with openssl's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ChainErrorKind {
    UnknownIssuer,
    CaUsedAsEndEntity,
    EndEntityUsedAsCa,
    PathLenExceeded,
    Expired,
    NotValidYet,
    WrongPurpose,
    BadSignature,
    UnsupportedAlgorithm,
    UnsupportedCriticalExtension,
    UnsupportedVersion,
    Other,
}

/// Why webpki refused a chain: a plain sentence to show, webpki's own name for small print.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainError {
    pub kind: ChainErrorKind,
    /// What went wrong, in plain words, as a clause: "its issuer is not among …".
    pub sentence: String,
    /// webpki's name for the error, e.g. `CaUsedAsEndEntity`, without the data it carries.
    pub webpki_name: String,
}

impl ChainError {
    fn from_webpki(error: &webpki::Error, usage: Usage) -> Self {
        ChainError {
            kind: kind(error),
            sentence: why(error, usage),
            webpki_name: variant_name(error),
        }
    }
}

impl std::fmt::Display for ChainError {
    /// The sentence, capitalised.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::text::capitalised(&self.sentence))
    }
}

impl std::error::Error for ChainError {}

/// Verifies `leaf` up to one of `trusted`, through `untrusted` intermediates, at `now`, as
/// rustls does with webpki: the chain, each validity period, and the extendedKeyUsage TLS
/// requires of every certificate but the anchor. On success returns the subjects from the leaf
/// to the anchor, like `openssl verify -show_chain`.
pub fn chain(
    leaf: &Certificate,
    untrusted: &[Certificate],
    trusted: &[Certificate],
    usage: Usage,
    now: u64,
) -> Result<Vec<String>, ChainError> {
    let fail = move |e: webpki::Error| ChainError::from_webpki(&e, usage);
    let trusted_der: Vec<CertificateDer<'_>> = trusted
        .iter()
        .map(|c| CertificateDer::from(c.der()))
        .collect();
    let anchors = trusted_der
        .iter()
        .map(|der| webpki::anchor_from_trusted_cert(der).map(|a| a.to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let intermediates: Vec<CertificateDer<'_>> = untrusted
        .iter()
        .map(|c| CertificateDer::from(c.der()))
        .collect();
    let leaf_der = CertificateDer::from(leaf.der());
    let end_entity = webpki::EndEntityCert::try_from(&leaf_der).map_err(fail)?;
    let usage = match usage {
        Usage::ClientAuth => webpki::KeyUsage::client_auth(),
        Usage::ServerAuth => webpki::KeyUsage::server_auth(),
    };
    let path = end_entity
        .verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            UnixTime::since_unix_epoch(Duration::from_secs(now)),
            usage,
            None,
            None,
        )
        .map_err(fail)?;
    let subject_of = |der: &[u8]| {
        Certificate::from_der(der.to_vec())
            .and_then(|c| inspect::certificate(&c))
            .map(|v| v.subject)
            .unwrap_or_default()
    };
    let mut subjects = vec![subject_of(leaf.der())];
    subjects.extend(
        path.intermediate_certificates()
            .map(|c| subject_of(c.der().as_ref())),
    );
    let anchor_subject = path.anchor().subject.as_ref().to_vec();
    let anchor = trusted
        .iter()
        .zip(&anchors)
        .find(|(_, a)| a.subject.as_ref() == anchor_subject.as_slice());
    subjects.extend(anchor.map(|(cert, _)| subject_of(cert.der())));
    Ok(subjects)
}

/// Why webpki refused a chain, in plain words (its `Debug` text names Rust types and fields).
fn why(error: &webpki::Error, usage: Usage) -> String {
    use webpki::Error as E;
    let eku = usage.eku();
    #[allow(deprecated)]
    let text = match error {
        E::UnknownIssuer => "its issuer is not among the CA certificates it was checked against",
        E::CaUsedAsEndEntity => "it is a CA certificate (CA:TRUE), not an end-entity certificate",
        E::EndEntityUsedAsCa => {
            "a certificate in the chain signed another one without being a CA (CA:FALSE)"
        }
        E::PathLenConstraintViolated => {
            "the chain has more CAs below a CA than that CA's pathlen allows"
        }
        E::CertExpired { .. } => {
            "a certificate in the chain has expired: its notAfter date is past"
        }
        E::CertNotValidYet { .. } => {
            "a certificate in the chain is not valid yet: its notBefore date is in the future"
        }
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) => {
            return format!(
                "its extendedKeyUsage, or that of a CA above it, does not include {eku}"
            );
        }
        E::EmptyEkuExtension => "its extendedKeyUsage extension is empty",
        E::InvalidSignatureForPublicKey => {
            "a signature in the chain does not verify with its issuer's public key"
        }
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => {
            "a signature in the chain uses an algorithm this check does not accept"
        }
        E::CertRevoked => "it is revoked",
        E::BadDer | E::BadDerTime | E::TrailingData(_) => {
            "a certificate in the chain is not valid DER"
        }
        E::MalformedExtensions | E::ExtensionValueInvalid => {
            "a certificate in the chain has a malformed extension"
        }
        E::UnsupportedCriticalExtension => {
            "a certificate in the chain has a critical extension this check does not know"
        }
        E::UnsupportedCertVersion => "a certificate in the chain is not X.509 version 3",
        E::MaximumPathDepthExceeded => "the chain is longer than this check allows",
        E::NameConstraintViolation => "a name in it is outside a CA's name constraints",
        _ => "webpki refuses the chain for a reason this page does not spell out",
    };
    text.to_string()
}

#[allow(deprecated)]
fn kind(error: &webpki::Error) -> ChainErrorKind {
    use webpki::Error as E;
    match error {
        E::UnknownIssuer => ChainErrorKind::UnknownIssuer,
        E::CaUsedAsEndEntity => ChainErrorKind::CaUsedAsEndEntity,
        E::EndEntityUsedAsCa => ChainErrorKind::EndEntityUsedAsCa,
        E::PathLenConstraintViolated => ChainErrorKind::PathLenExceeded,
        E::CertExpired { .. } => ChainErrorKind::Expired,
        E::CertNotValidYet { .. } => ChainErrorKind::NotValidYet,
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            ChainErrorKind::WrongPurpose
        }
        E::InvalidSignatureForPublicKey => ChainErrorKind::BadSignature,
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            ChainErrorKind::UnsupportedAlgorithm
        }
        E::UnsupportedCriticalExtension => ChainErrorKind::UnsupportedCriticalExtension,
        E::UnsupportedCertVersion => ChainErrorKind::UnsupportedVersion,
        _ => ChainErrorKind::Other,
    }
}

/// webpki's name for an error: its variant, without the data its `Debug` form carries.
fn variant_name(error: &webpki::Error) -> String {
    let debug = format!("{error:?}");
    debug
        .split(['(', '{', ' '])
        .next()
        .unwrap_or_default()
        .to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(secs))
    }

    #[test]
    fn a_refusal_keeps_webpkis_name_apart_from_its_sentence() {
        let expired = webpki::Error::CertExpired {
            time: at(2),
            not_after: at(1),
        };
        let e = ChainError::from_webpki(&expired, Usage::ClientAuth);
        assert_eq!(e.kind, ChainErrorKind::Expired);
        assert_eq!(e.webpki_name, "CertExpired");
        assert_eq!(
            e.to_string(),
            "A certificate in the chain has expired: its notAfter date is past"
        );
    }

    #[test]
    fn every_refusal_reads_without_debug_text() {
        use webpki::Error as E;
        let errors = [
            E::UnknownIssuer,
            E::CaUsedAsEndEntity,
            E::EndEntityUsedAsCa,
            E::PathLenConstraintViolated,
            E::CertNotValidYet {
                time: at(1),
                not_before: at(2),
            },
            E::InvalidSignatureForPublicKey,
            E::UnsupportedCriticalExtension,
            E::UnsupportedCertVersion,
            E::BadDer,
            E::MaximumSignatureChecksExceeded,
        ];
        for error in errors {
            for usage in [Usage::ClientAuth, Usage::ServerAuth] {
                let e = ChainError::from_webpki(&error, usage);
                for text in [e.sentence.clone(), e.to_string()] {
                    assert!(!text.is_empty() && !text.contains(['{', '}']), "{text}");
                    assert!(!text.contains(&e.webpki_name), "{text}");
                }
                assert!(!e.webpki_name.contains(['(', '{', ' ']), "{e:?}");
            }
        }
    }
}
