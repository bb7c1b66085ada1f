//! openssl's own words: its verify error numbers and their text, the lines `openssl verify`
//! prints, and the names it gives extensions.

/// openssl's verify error numbers, as `X509_V_ERR_*` defines them.
pub mod code {
    pub const UNABLE_TO_GET_ISSUER_CERT: u32 = 2;
    pub const CERT_SIGNATURE_FAILURE: u32 = 7;
    pub const CERT_NOT_YET_VALID: u32 = 9;
    pub const CERT_HAS_EXPIRED: u32 = 10;
    pub const DEPTH_ZERO_SELF_SIGNED_CERT: u32 = 18;
    pub const SELF_SIGNED_CERT_IN_CHAIN: u32 = 19;
    pub const UNABLE_TO_GET_ISSUER_CERT_LOCALLY: u32 = 20;
    pub const UNABLE_TO_VERIFY_LEAF_SIGNATURE: u32 = 21;
    pub const CERT_CHAIN_TOO_LONG: u32 = 22;
    pub const PATH_LENGTH_EXCEEDED: u32 = 25;
    pub const INVALID_PURPOSE: u32 = 26;
    pub const KEYUSAGE_NO_CERTSIGN: u32 = 32;
    pub const UNHANDLED_CRITICAL_EXTENSION: u32 = 34;
    pub const PROXY_CERTIFICATES_NOT_ALLOWED: u32 = 40;
    pub const INVALID_CA: u32 = 79;
    pub const EC_KEY_EXPLICIT_PARAMS: u32 = 94;
}

/// openssl 3.0's words for a verify error, as `X509_verify_cert_error_string` gives them.
pub fn words(error: u32) -> &'static str {
    match error {
        0 => "ok",
        code::UNABLE_TO_GET_ISSUER_CERT => "unable to get issuer certificate",
        code::CERT_SIGNATURE_FAILURE => "certificate signature failure",
        code::CERT_NOT_YET_VALID => "certificate is not yet valid",
        code::CERT_HAS_EXPIRED => "certificate has expired",
        code::DEPTH_ZERO_SELF_SIGNED_CERT => "self-signed certificate",
        code::SELF_SIGNED_CERT_IN_CHAIN => "self-signed certificate in certificate chain",
        code::UNABLE_TO_GET_ISSUER_CERT_LOCALLY => "unable to get local issuer certificate",
        code::UNABLE_TO_VERIFY_LEAF_SIGNATURE => "unable to verify the first certificate",
        code::CERT_CHAIN_TOO_LONG => "certificate chain too long",
        code::PATH_LENGTH_EXCEEDED => "path length constraint exceeded",
        code::INVALID_PURPOSE => "unsuitable certificate purpose",
        code::KEYUSAGE_NO_CERTSIGN => "key usage does not include certificate signing",
        code::UNHANDLED_CRITICAL_EXTENSION => "unhandled critical extension",
        code::PROXY_CERTIFICATES_NOT_ALLOWED => {
            "proxy certificates not allowed, please set the appropriate flag"
        }
        code::INVALID_CA => "invalid CA certificate",
        code::EC_KEY_EXPLICIT_PARAMS => "Certificate public key has explicit ECC parameters",
        _ => "unspecified certificate verification error",
    }
}

/// The errors after which `openssl verify`'s callback lets verification carry on.
pub(super) const CARRIES_ON: [u32; 6] = [
    code::CERT_HAS_EXPIRED,
    code::DEPTH_ZERO_SELF_SIGNED_CERT,
    code::INVALID_CA,
    code::PATH_LENGTH_EXCEEDED,
    code::INVALID_PURPOSE,
    code::UNHANDLED_CRITICAL_EXTENSION,
];

/// What made openssl print an error, for a note beside its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Cause {
    /// The leaf's keyUsage lacks every bit the purpose accepts.
    KeyUsage,
    /// The extendedKeyUsage lacks the purpose.
    ExtendedKeyUsage,
    /// The legacy Netscape certificate type does not allow the purpose.
    NetscapeCertType,
    /// A certificate above the leaf is not a CA: CA:FALSE, or no basicConstraints.
    NotCa,
    /// A certificate above the leaf is not a CA because its keyUsage lacks keyCertSign.
    NotCaByKeyUsage,
    /// An issuer's keyUsage lacks keyCertSign.
    NoCertSign,
    CriticalExtension,
    PathLength,
    NotYetValid,
    Expired,
    Signature,
    /// The chain ends in a self-signed certificate that is not trusted.
    UntrustedRoot,
    /// No issuer was found for the last certificate of the chain.
    MissingIssuer,
    Other,
}

/// One line `openssl verify` prints: `error {code} at {depth} depth lookup: {words}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpensslError {
    pub code: u32,
    /// 0 for the leaf, 1 for its issuer, and so on up the chain openssl built.
    pub depth: usize,
    /// The certificate at `depth` came from the trusted roots (`-CAfile`).
    pub trusted: bool,
    pub cause: Cause,
    /// What openssl found there, in plain words: the page's note, not openssl's output.
    pub detail: String,
}

impl OpensslError {
    pub fn words(&self) -> &'static str {
        words(self.code)
    }

    /// The line exactly as `openssl verify` prints it.
    pub fn line(&self) -> String {
        format!(
            "error {} at {} depth lookup: {}",
            self.code,
            self.depth,
            self.words()
        )
    }
}

/// What `openssl verify` would print.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpensslVerdict {
    /// Every error line, in order; empty when openssl prints `OK`.
    pub errors: Vec<OpensslError>,
    /// Set when this lab cannot tell what openssl would print, and why: a signature algorithm
    /// ring cannot check, name constraints, a malformed extension.
    pub unjudged: Option<String>,
}

impl OpensslVerdict {
    /// openssl prints `OK`.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.unjudged.is_none()
    }

    /// The first error openssl prints, the one that decides.
    pub fn first(&self) -> Option<&OpensslError> {
        self.errors.first()
    }

    /// `OK`, or the first error line, or why this lab cannot tell.
    pub fn line(&self) -> String {
        match (self.first(), &self.unjudged) {
            (Some(error), _) => error.line(),
            (None, Some(why)) => format!("not judged here: {why}"),
            (None, None) => "OK".into(),
        }
    }
}

/// An extension's name as openssl's config files spell it, or its OID.
pub fn extension_name(oid: &str) -> String {
    match oid {
        "2.16.840.1.113730.1.1" => "nsCertType",
        "2.5.29.14" => "subjectKeyIdentifier",
        "2.5.29.15" => "keyUsage",
        "2.5.29.17" => "subjectAltName",
        "2.5.29.18" => "issuerAltName",
        "2.5.29.19" => "basicConstraints",
        "2.5.29.30" => "nameConstraints",
        "2.5.29.31" => "crlDistributionPoints",
        "2.5.29.32" => "certificatePolicies",
        "2.5.29.33" => "policyMappings",
        "2.5.29.35" => "authorityKeyIdentifier",
        "2.5.29.36" => "policyConstraints",
        "2.5.29.37" => "extendedKeyUsage",
        "2.5.29.54" => "inhibitAnyPolicy",
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess",
        "1.3.6.1.5.5.7.1.7" => "sbgp-ipAddrBlock",
        "1.3.6.1.5.5.7.1.8" => "sbgp-autonomousSysNum",
        "1.3.6.1.5.5.7.1.14" => "proxyCertInfo",
        "1.3.6.1.5.5.7.48.1.5" => "noCheck",
        other => return format!("OID {other}"),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_openssl_prints_them() {
        let error = OpensslError {
            code: code::UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            depth: 0,
            trusted: false,
            cause: Cause::MissingIssuer,
            detail: String::new(),
        };
        assert_eq!(
            error.line(),
            "error 20 at 0 depth lookup: unable to get local issuer certificate"
        );
        let verdict = OpensslVerdict {
            errors: vec![error],
            unjudged: None,
        };
        assert!(!verdict.is_ok());
        assert_eq!(OpensslVerdict::default().line(), "OK");
        assert_eq!(words(code::INVALID_CA), "invalid CA certificate");
    }
}
