//! Signatures as openssl checks them: which key type a signature algorithm needs, and the
//! ring algorithm that verifies it exactly as openssl would.

use ring::signature::{self as sig, VerificationAlgorithm};
use x509_parser::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyFamily {
    Rsa,
    RsaPss,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
}

pub(super) fn key_family(spki: &SubjectPublicKeyInfo<'_>) -> Option<KeyFamily> {
    Some(match spki.algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.1" => KeyFamily::Rsa,
        "1.2.840.113549.1.1.10" => KeyFamily::RsaPss,
        "1.2.840.10045.2.1" => KeyFamily::Ec,
        "1.3.101.112" => KeyFamily::Ed25519,
        "1.3.101.113" => KeyFamily::Ed448,
        "1.2.840.10040.4.1" => KeyFamily::Dsa,
        _ => return None,
    })
}

/// The key type a signature algorithm needs, as `OBJ_find_sigid_algs` maps it.
fn signature_family(oid: &str) -> Option<KeyFamily> {
    Some(match oid {
        "1.2.840.113549.1.1.2"
        | "1.2.840.113549.1.1.3"
        | "1.2.840.113549.1.1.4"
        | "1.2.840.113549.1.1.5"
        | "1.2.840.113549.1.1.11"
        | "1.2.840.113549.1.1.12"
        | "1.2.840.113549.1.1.13"
        | "1.2.840.113549.1.1.14"
        | "1.2.840.113549.1.1.15"
        | "1.2.840.113549.1.1.16"
        | "1.3.14.3.2.29" => KeyFamily::Rsa,
        "1.2.840.113549.1.1.10" => KeyFamily::RsaPss,
        "1.2.840.10045.4.1"
        | "1.2.840.10045.4.3.1"
        | "1.2.840.10045.4.3.2"
        | "1.2.840.10045.4.3.3"
        | "1.2.840.10045.4.3.4" => KeyFamily::Ec,
        "1.3.101.112" => KeyFamily::Ed25519,
        "1.3.101.113" => KeyFamily::Ed448,
        "1.2.840.10040.4.3" | "2.16.840.1.101.3.4.3.1" | "2.16.840.1.101.3.4.3.2" => KeyFamily::Dsa,
        _ => return None,
    })
}

/// `check_sig_alg_match`: an RSA key verifies PKCS#1 and PSS signatures, other keys their own.
pub(super) fn sig_alg_matches(issuer: &X509Certificate<'_>, subject: &X509Certificate<'_>) -> bool {
    let wanted = signature_family(&subject.tbs_certificate.signature.algorithm.to_id_string());
    match (wanted, key_family(issuer.public_key())) {
        (Some(want), Some(have)) => {
            want == have || (want == KeyFamily::RsaPss && have == KeyFamily::Rsa)
        }
        _ => false,
    }
}

pub(super) enum Signature {
    Good,
    Bad,
    /// ring cannot check this signature as openssl would.
    Unchecked(String),
}

/// `X509_verify`: the outer and inner algorithms agree and the signature verifies.
pub(super) fn check_signature(
    subject: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
) -> Signature {
    let outer = &subject.signature_algorithm;
    let inner = &subject.tbs_certificate.signature;
    let params =
        |a: &AlgorithmIdentifier<'_>| a.parameters.as_ref().map(|p| (p.tag(), p.data.to_vec()));
    if outer.algorithm != inner.algorithm || params(outer) != params(inner) {
        return Signature::Bad;
    }
    let spki = issuer.public_key();
    let algorithm = match ring_algorithm(outer, spki) {
        Ok(algorithm) => algorithm,
        Err(why) => return Signature::Unchecked(why),
    };
    let key = sig::UnparsedPublicKey::new(algorithm, spki.subject_public_key.data.as_ref());
    match key.verify(
        subject.tbs_certificate.as_ref(),
        subject.signature_value.data.as_ref(),
    ) {
        Ok(()) => Signature::Good,
        Err(_) => Signature::Bad,
    }
}

/// The ring algorithm that checks a signature exactly as openssl does, when there is one.
fn ring_algorithm(
    alg: &AlgorithmIdentifier<'_>,
    spki: &SubjectPublicKeyInfo<'_>,
) -> Result<&'static dyn VerificationAlgorithm, String> {
    let oid = alg.algorithm.to_id_string();
    let unchecked = || {
        Err(format!(
            "this lab cannot check a signature of type {oid} with this key as openssl would"
        ))
    };
    let family = key_family(spki);
    if matches!(family, Some(KeyFamily::Rsa | KeyFamily::RsaPss)) {
        let bits = match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => rsa.key_size(),
            _ => return unchecked(),
        };
        if !(1024..=8192).contains(&bits) {
            return unchecked();
        }
        let large = bits >= 2048;
        return match oid.as_str() {
            "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => {
                Ok(&sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY)
            }
            "1.2.840.113549.1.1.11" => Ok(&sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY),
            "1.2.840.113549.1.1.12" if large => Ok(&sig::RSA_PKCS1_2048_8192_SHA384),
            "1.2.840.113549.1.1.13" => Ok(&sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY),
            "1.2.840.113549.1.1.10" if large => {
                pss_algorithm(alg).ok_or(()).or_else(|_| unchecked())
            }
            _ => unchecked(),
        };
    }
    match (family, oid.as_str()) {
        (Some(KeyFamily::Ec), "1.2.840.10045.4.3.2" | "1.2.840.10045.4.3.3") => {
            let sha384 = oid == "1.2.840.10045.4.3.3";
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match (curve.as_deref(), sha384) {
                (Some("1.2.840.10045.3.1.7"), false) => Ok(&sig::ECDSA_P256_SHA256_ASN1),
                (Some("1.2.840.10045.3.1.7"), true) => Ok(&sig::ECDSA_P256_SHA384_ASN1),
                (Some("1.3.132.0.34"), false) => Ok(&sig::ECDSA_P384_SHA256_ASN1),
                (Some("1.3.132.0.34"), true) => Ok(&sig::ECDSA_P384_SHA384_ASN1),
                _ => unchecked(),
            }
        }
        (Some(KeyFamily::Ed25519), "1.3.101.112") => Ok(&sig::ED25519),
        _ => unchecked(),
    }
}

/// RSA-PSS as ring checks it: MGF1 with the message hash, a salt as long as the hash.
fn pss_algorithm(alg: &AlgorithmIdentifier<'_>) -> Option<&'static dyn VerificationAlgorithm> {
    let x509_parser::signature_algorithm::SignatureAlgorithm::RSASSA_PSS(params) =
        x509_parser::signature_algorithm::SignatureAlgorithm::try_from(alg).ok()?
    else {
        return None;
    };
    let hash = params.hash_algorithm_oid().to_id_string();
    let mgf = params.mask_gen_algorithm().ok()?;
    if mgf.mgf.to_id_string() != "1.2.840.113549.1.1.8" || mgf.hash.to_id_string() != hash {
        return None;
    }
    let (algorithm, salt): (&'static dyn VerificationAlgorithm, u32) = match hash.as_str() {
        "2.16.840.1.101.3.4.2.1" => (&sig::RSA_PSS_2048_8192_SHA256, 32),
        "2.16.840.1.101.3.4.2.2" => (&sig::RSA_PSS_2048_8192_SHA384, 48),
        "2.16.840.1.101.3.4.2.3" => (&sig::RSA_PSS_2048_8192_SHA512, 64),
        _ => return None,
    };
    (params.salt_length() == salt).then_some(algorithm)
}
