//! Two judges of one chain for one purpose: webpki, which rustls uses, and openssl, which nginx
//! and curl use. Where they part ways, one sentence says why, so a pasted certificate never reads
//! "verifies" where openssl would refuse it, or the reverse.

use super::openssl_verdict::{self, Cause, OpensslVerdict};
use super::verify::{self, ChainError, ChainErrorKind, Usage};
use super::Certificate;

/// webpki's and openssl's verdicts on one chain, for one purpose.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verdicts {
    pub usage: Usage,
    /// Subjects from the leaf to the root, or why webpki refuses it.
    pub webpki: Result<Vec<String>, ChainError>,
    /// What `openssl verify -purpose sslclient|sslserver` prints.
    pub openssl: OpensslVerdict,
    /// When exactly one of them accepts the chain: why, in one sentence.
    pub disagreement: Option<String>,
}

impl Verdicts {
    /// Judges `leaf` up to `trusted` through `untrusted` at `now`, both ways.
    pub fn judge(
        leaf: &Certificate,
        untrusted: &[Certificate],
        trusted: &[Certificate],
        usage: Usage,
        now: u64,
    ) -> Self {
        let webpki = verify::chain(leaf, untrusted, trusted, usage, now);
        let openssl = openssl_verdict::judge(leaf, untrusted, trusted, usage, now);
        let disagreement = disagreement(leaf, &webpki, &openssl, usage);
        Verdicts {
            usage,
            webpki,
            openssl,
            disagreement,
        }
    }

    /// Both accept it, or both refuse it (or this lab cannot tell what openssl would say).
    pub fn agree(&self) -> bool {
        self.disagreement.is_none()
    }
}

const OPENSSL_TOOLS: &str = "nginx and curl use openssl";

/// Why webpki and openssl differ on this chain, when exactly one of them accepts it.
pub fn disagreement(
    leaf: &Certificate,
    webpki: &Result<Vec<String>, ChainError>,
    openssl: &OpensslVerdict,
    usage: Usage,
) -> Option<String> {
    if openssl.unjudged.is_some() {
        return None;
    }
    match (webpki, openssl.first()) {
        (Ok(_), Some(first)) => {
            let blind_spot = match (first.cause, first.depth, first.trusted) {
                (Cause::KeyUsage, 0, _) => "which webpki does not check on an end entity",
                (Cause::NetscapeCertType, _, _) => {
                    "a legacy Netscape extension that webpki ignores"
                }
                (Cause::NotCaByKeyUsage, _, false) => {
                    "and webpki does not read keyUsage on a CA certificate either"
                }
                (Cause::Expired | Cause::NotYetValid, _, true) => {
                    "and webpki does not check a trusted root's own dates"
                }
                (_, _, true) => "and webpki does not apply a trusted root's own extensions",
                (Cause::Expired, _, _) => {
                    "and openssl counts a certificate as expired from the very second of its notAfter, webpki only after it"
                }
                _ => "which webpki accepts",
            };
            Some(format!(
                "openssl refuses it: {}, {blind_spot}; {OPENSSL_TOOLS} and would refuse it too.",
                first.detail
            ))
        }
        (Err(refusal), None) => {
            let purpose = openssl_verdict::purpose(usage);
            let why = match refusal.kind {
                ChainErrorKind::CaUsedAsEndEntity => format!(
                    "it is a CA certificate, CA:TRUE, used as an end entity, which openssl's {purpose} purpose accepts"
                ),
                ChainErrorKind::UnsupportedCriticalExtension => {
                    let names = critical_unknown_to_webpki(leaf);
                    if names.is_empty() {
                        "a certificate in its chain carries a critical extension that webpki does not process and openssl does".into()
                    } else {
                        format!(
                            "it carries a critical {} extension, which webpki does not process and openssl does",
                            names.join(" and ")
                        )
                    }
                }
                ChainErrorKind::UnsupportedVersion => {
                    "it is not an X.509 version 3 certificate, the only version webpki accepts; openssl accepts older ones".into()
                }
                ChainErrorKind::UnsupportedAlgorithm => {
                    "its chain uses a signature algorithm or key size that webpki does not accept, such as RSA under 2048 bits, and openssl does".into()
                }
                _ => format!("{}, and openssl accepts it", refusal.sentence),
            };
            Some(format!(
                "webpki refuses it: {why}. rustls uses webpki and would refuse it too; {OPENSSL_TOOLS} and would accept it."
            ))
        }
        _ => None,
    }
}

/// The critical extensions of `cert` that webpki does not process, by name.
fn critical_unknown_to_webpki(cert: &Certificate) -> Vec<String> {
    // keyUsage, subjectAltName, basicConstraints, nameConstraints, cRLDistributionPoints, EKU.
    const WEBPKI: [&str; 6] = [
        "2.5.29.15",
        "2.5.29.17",
        "2.5.29.19",
        "2.5.29.30",
        "2.5.29.31",
        "2.5.29.37",
    ];
    use der::Decode;
    let Ok(parsed) = x509_cert::Certificate::from_der(cert.der()) else {
        return Vec::new();
    };
    parsed
        .tbs_certificate()
        .extensions()
        .map(|e| e.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|e| e.critical)
        .map(|e| e.extn_id.to_string())
        .filter(|oid| !WEBPKI.contains(&oid.as_str()))
        .map(|oid| openssl_verdict::extension_name(&oid))
        .collect()
}
