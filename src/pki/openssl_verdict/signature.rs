//! Signatures as openssl checks them: which key type a signature algorithm needs, and the
//! ring algorithm that verifies it exactly as openssl would.

use crate::pki::keys::{modulus_bits, rsa_modulus};
use crate::pki::parts;
use der::Tagged;
use ring::signature::{self as sig, VerificationAlgorithm};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyFamily {
    Rsa,
    RsaPss,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
}

pub(super) fn key_family(spki: &SubjectPublicKeyInfoOwned) -> Option<KeyFamily> {
    Some(match spki.algorithm.oid.to_string().as_str() {
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
pub(super) fn sig_alg_matches(issuer: &Certificate, subject: &Certificate) -> bool {
    let wanted = signature_family(&subject.tbs_certificate().signature().oid.to_string());
    match (
        wanted,
        key_family(issuer.tbs_certificate().subject_public_key_info()),
    ) {
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
/// `tbs` is the subject's signed bytes as they are in its DER.
pub(super) fn check_signature(
    subject: &Certificate,
    tbs: &[u8],
    issuer: &Certificate,
) -> Signature {
    let outer = subject.signature_algorithm();
    if outer != subject.tbs_certificate().signature() {
        return Signature::Bad;
    }
    let spki = issuer.tbs_certificate().subject_public_key_info();
    let algorithm = match ring_algorithm(outer, spki) {
        Ok(algorithm) => algorithm,
        Err(why) => return Signature::Unchecked(why),
    };
    let key = sig::UnparsedPublicKey::new(algorithm, spki.subject_public_key.raw_bytes());
    match key.verify(tbs, subject.signature().raw_bytes()) {
        Ok(()) => Signature::Good,
        Err(_) => Signature::Bad,
    }
}

/// The ring algorithm that checks a signature exactly as openssl does, when there is one.
fn ring_algorithm(
    alg: &AlgorithmIdentifierOwned,
    spki: &SubjectPublicKeyInfoOwned,
) -> Result<&'static dyn VerificationAlgorithm, String> {
    let oid = alg.oid.to_string();
    let unchecked = || {
        Err(format!(
            "this lab cannot check a signature of type {oid} with this key as openssl would"
        ))
    };
    let family = key_family(spki);
    if matches!(family, Some(KeyFamily::Rsa | KeyFamily::RsaPss)) {
        // Only an rsaEncryption key's size is read; an RSA-PSS key's is left unchecked.
        let modulus = rsa_modulus(spki.subject_public_key.raw_bytes());
        let bits = match (family, modulus) {
            (Some(KeyFamily::Rsa), Some(modulus)) => modulus_bits(modulus),
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
                .and_then(|p| p.decode_as::<der::oid::ObjectIdentifier>().ok())
                .map(|o| o.to_string());
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
fn pss_algorithm(alg: &AlgorithmIdentifierOwned) -> Option<&'static dyn VerificationAlgorithm> {
    let params = alg.parameters.as_ref()?;
    let params = parts::pss_parameters(params.tag(), params.value()).ok()?;
    let hash = params.hash;
    if params.mask != "1.2.840.113549.1.1.8" || params.mask_hash.as_ref() != Some(&hash) {
        return None;
    }
    let (algorithm, salt): (&'static dyn VerificationAlgorithm, u32) = match hash.as_str() {
        "2.16.840.1.101.3.4.2.1" => (&sig::RSA_PSS_2048_8192_SHA256, 32),
        "2.16.840.1.101.3.4.2.2" => (&sig::RSA_PSS_2048_8192_SHA384, 48),
        "2.16.840.1.101.3.4.2.3" => (&sig::RSA_PSS_2048_8192_SHA512, 64),
        _ => return None,
    };
    (params.salt_length == salt).then_some(algorithm)
}
