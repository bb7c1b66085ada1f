//! The seed's verification section: does a key match its CSR and certificate, does a chain
//! verify, and what each check prints in openssl's own terms.

use super::{inspect, pem, Certificate, PkiError};
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
    use x509_parser::prelude::FromDer;
    let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki_der).ok()?;
    let x509_parser::public_key::PublicKey::RSA(rsa) = spki.parsed().ok()? else {
        return None;
    };
    let start = rsa
        .modulus
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(rsa.modulus.len());
    let modulus: String = rsa.modulus[start..]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    Some(hex(&Sha256::digest(
        format!("Modulus={modulus}\n").as_bytes(),
    )))
}

/// Which extended key usage a chain check requires of the leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    ClientAuth,
    ServerAuth,
}

/// Verifies `leaf` up to one of `trusted`, through `untrusted` intermediates, at `now`, as
/// `openssl verify -CAfile … -untrusted …` does (plus the EKU check TLS applies). On success
/// returns the subjects from the leaf to the anchor, like `-show_chain`.
pub fn chain(
    leaf: &Certificate,
    untrusted: &[Certificate],
    trusted: &[Certificate],
    usage: Usage,
    now: u64,
) -> Result<Vec<String>, PkiError> {
    let fail = |e: webpki::Error| PkiError::Certificate(format!("chain does not verify: {e:?}"));
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
