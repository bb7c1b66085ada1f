//! What `openssl verify -purpose sslclient|sslserver -CAfile <roots> -untrusted <intermediates>
//! leaf.crt` prints for the same certificates at the same time, judged by openssl 3.0's rules in
//! openssl's order, so the page can show openssl's own line beside webpki's verdict.
//!
//! openssl first builds the chain (for each certificate, an issuer from the trusted roots, else
//! from the untrusted intermediates), then walks it from the leaf up checking extensions
//! (unhandled critical extensions, whether each issuer is a CA, the purpose, path lengths), then
//! from the root down checking each issuer's keyUsage, each signature and each validity period.
//! `openssl verify` carries on after some errors (expired, self-signed leaf, invalid CA, path
//! length, purpose, critical extension) and stops at the others; every line it would print is
//! kept, in order.

use super::verify::Usage;
use super::{inspect, Certificate};
use ring::signature::{self as sig, VerificationAlgorithm};
use x509_parser::prelude::*;

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
const CARRIES_ON: [u32; 6] = [
    code::CERT_HAS_EXPIRED,
    code::DEPTH_ZERO_SELF_SIGNED_CERT,
    code::INVALID_CA,
    code::PATH_LENGTH_EXCEEDED,
    code::INVALID_PURPOSE,
    code::UNHANDLED_CRITICAL_EXTENSION,
];

/// What made openssl print an error, for a note beside its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

/// The `-purpose` that means `usage`.
pub fn purpose(usage: Usage) -> &'static str {
    match usage {
        Usage::ClientAuth => "sslclient",
        Usage::ServerAuth => "sslserver",
    }
}

/// Judges `leaf` as `openssl verify -purpose … -CAfile <trusted> -untrusted <untrusted>
/// -attime <now>` would.
pub fn judge(
    leaf: &Certificate,
    untrusted: &[Certificate],
    trusted: &[Certificate],
    usage: Usage,
    now: u64,
) -> OpensslVerdict {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let leaf = Parsed::new(leaf.der(), false);
    let untrusted: Vec<Option<Parsed<'_>>> = untrusted
        .iter()
        .map(|c| Parsed::new(c.der(), false))
        .collect();
    let trusted: Vec<Option<Parsed<'_>>> =
        trusted.iter().map(|c| Parsed::new(c.der(), true)).collect();
    let (Some(leaf), Some(untrusted), Some(trusted)) = (
        leaf,
        untrusted.into_iter().collect::<Option<Vec<_>>>(),
        trusted.into_iter().collect::<Option<Vec<_>>>(),
    ) else {
        return OpensslVerdict {
            errors: Vec::new(),
            unjudged: Some("a certificate has an extension this lab cannot decode".into()),
        };
    };
    let mut run = Run {
        errors: Vec::new(),
        usage,
        now,
    };
    let outcome = run.verify(&leaf, &untrusted, &trusted);
    OpensslVerdict {
        unjudged: match outcome {
            Err(why) if run.errors.is_empty() => Some(why),
            _ => None,
        },
        errors: run.errors,
    }
}

/// `Ok(true)`: openssl goes on; `Ok(false)`: it stops there; `Err`: this lab cannot follow it
/// any further, and says why.
type Step = Result<bool, String>;

struct Run {
    errors: Vec<OpensslError>,
    usage: Usage,
    now: i64,
}

impl Run {
    /// Records a line as `openssl verify`'s callback prints it. `Ok(false)` when openssl stops.
    fn fail(
        &mut self,
        code: u32,
        depth: usize,
        cert: &Parsed<'_>,
        cause: Cause,
        detail: String,
    ) -> Step {
        self.errors.push(OpensslError {
            code,
            depth,
            trusted: cert.from_store,
            cause,
            detail,
        });
        Ok(CARRIES_ON.contains(&code))
    }

    fn verify(
        &mut self,
        leaf: &Parsed<'_>,
        untrusted: &[Parsed<'_>],
        trusted: &[Parsed<'_>],
    ) -> Step {
        let chain = build_chain(leaf, untrusted, trusted, self.now);
        if !chain.trusted && !self.untrusted_chain_error(&chain)? {
            return Ok(false);
        }
        if !self.check_extensions(&chain.certs)? {
            return Ok(false);
        }
        if !self.internal_verify(&chain.certs)? {
            return Ok(false);
        }
        if chain.certs.iter().any(|c| c.name_constraints) {
            return Err("a CA in the chain has nameConstraints, which this lab does not check as openssl does".into());
        }
        Ok(true)
    }

    /// The end of `build_chain` when no trust anchor was reached.
    fn untrusted_chain_error(&mut self, chain: &Chain<'_, '_>) -> Step {
        let num = chain.certs.len();
        let top = chain.certs[num - 1];
        let depth = num - 1;
        if num > MAX_DEPTH {
            return self.fail(
                code::CERT_CHAIN_TOO_LONG,
                depth,
                top,
                Cause::Other,
                "the chain is longer than openssl's default depth of 100".into(),
            );
        }
        if top.self_signed {
            return if num == 1 {
                self.fail(
                    code::DEPTH_ZERO_SELF_SIGNED_CERT,
                    0,
                    top,
                    Cause::UntrustedRoot,
                    "it is self-signed and is not among the trusted roots".into(),
                )
            } else {
                self.fail(
                    code::SELF_SIGNED_CERT_IN_CHAIN,
                    depth,
                    top,
                    Cause::UntrustedRoot,
                    format!(
                        "its chain ends in a self-signed root, “{}”, that is not among the trusted roots",
                        top.subject
                    ),
                )
            };
        }
        let (code, detail) = if chain.num_untrusted < num {
            (
                code::UNABLE_TO_GET_ISSUER_CERT,
                format!(
                    "the trusted certificate “{}” is not a root, and its issuer is not trusted",
                    top.subject
                ),
            )
        } else if depth == 0 {
            (
                code::UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                "its issuer is neither a trusted root nor among the intermediates given".into(),
            )
        } else {
            (
                code::UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                format!(
                    "the issuer of “{}” is neither a trusted root nor among the intermediates given",
                    top.subject
                ),
            )
        };
        self.fail(code, depth, top, Cause::MissingIssuer, detail)
    }

    /// `check_extensions`: leaf first, then up the chain.
    /// Roots from a PEM file carry no auxiliary trust settings, so openssl checks the purpose
    /// of every certificate, trusted ones included.
    fn check_extensions(&mut self, chain: &[&Parsed<'_>]) -> Step {
        let num = chain.len();
        let mut must_be_ca = false;
        let mut plen: u32 = 0;
        for (i, x) in chain.iter().copied().enumerate() {
            let who = who(i, x);
            if let Some(oid) = &x.unhandled_critical {
                let detail = format!(
                    "{who} carries a critical extension openssl does not process: {}",
                    extension_name(oid)
                );
                if !self.fail(
                    code::UNHANDLED_CRITICAL_EXTENSION,
                    i,
                    x,
                    Cause::CriticalExtension,
                    detail,
                )? {
                    return Ok(false);
                }
            }
            if x.proxy {
                let detail = format!("{who} is a proxy certificate");
                if !self.fail(
                    code::PROXY_CERTIFICATES_NOT_ALLOWED,
                    i,
                    x,
                    Cause::Other,
                    detail,
                )? {
                    return Ok(false);
                }
            }
            let ca = x.check_ca();
            if must_be_ca && (ca == 0 || (i + 1 < num && ca != 1)) {
                let (cause, why) = x.why_not_ca();
                let detail = format!("{who} {why}");
                if !self.fail(code::INVALID_CA, i, x, cause, detail)? {
                    return Ok(false);
                }
            }
            if num > 1 && x.explicit_curve {
                let detail = format!(
                    "{} EC key spells out its curve's parameters instead of naming the curve",
                    whose(i, x)
                );
                if !self.fail(code::EC_KEY_EXPLICIT_PARAMS, i, x, Cause::Other, detail)? {
                    return Ok(false);
                }
            }
            if let Some((cause, detail)) = x.purpose_refusal(self.usage, must_be_ca) {
                let detail = format!("{who} {detail}");
                if !self.fail(code::INVALID_PURPOSE, i, x, cause, detail)? {
                    return Ok(false);
                }
            }
            if let Some(pathlen) = x.pathlen {
                if i > 1 && plen > pathlen {
                    let detail = format!(
                        "{who} has pathlen:{pathlen}, yet {plen} CA{} below it in the chain",
                        if plen == 1 { " sits" } else { "s sit" }
                    );
                    if !self.fail(code::PATH_LENGTH_EXCEEDED, i, x, Cause::PathLength, detail)? {
                        return Ok(false);
                    }
                }
            }
            if i > 0 && !x.self_issued {
                plen += 1;
            }
            must_be_ca = true;
        }
        Ok(true)
    }

    /// `internal_verify`: from the top of the chain down, each issuer's keyUsage, each
    /// signature, each validity period.
    fn internal_verify(&mut self, chain: &[&Parsed<'_>]) -> Step {
        let mut n = chain.len() - 1;
        let mut xi = chain[n];
        let mut xs = xi;
        if !xi.self_signed {
            if n > 0 {
                n -= 1;
                xs = chain[n];
            } else {
                let detail =
                    "its issuer is not in the chain, so its signature cannot be checked".into();
                if !self.fail(
                    code::UNABLE_TO_VERIFY_LEAF_SIGNATURE,
                    0,
                    xi,
                    Cause::MissingIssuer,
                    detail,
                )? {
                    return Ok(false);
                }
            }
        }
        loop {
            if !std::ptr::eq(xs, xi) {
                if xi.key_usage.is_some_and(|ku| !ku.key_cert_sign()) {
                    let detail = format!("{} keyUsage lacks keyCertSign", whose(n + 1, xi));
                    if !self.fail(
                        code::KEYUSAGE_NO_CERTSIGN,
                        n + 1,
                        xi,
                        Cause::NoCertSign,
                        detail,
                    )? {
                        return Ok(false);
                    }
                }
                match check_signature(&xs.cert, &xi.cert) {
                    Signature::Good => {}
                    Signature::Bad => {
                        let detail = format!(
                            "{} signature does not verify with the public key of the certificate above it",
                            whose(n, xs)
                        );
                        if !self.fail(
                            code::CERT_SIGNATURE_FAILURE,
                            n,
                            xs,
                            Cause::Signature,
                            detail,
                        )? {
                            return Ok(false);
                        }
                    }
                    Signature::Unchecked(why) => return Err(why),
                }
            }
            if xs.not_before > self.now {
                let detail = format!("{} is not valid before {}", who(n, xs), xs.not_before_text);
                if !self.fail(code::CERT_NOT_YET_VALID, n, xs, Cause::NotYetValid, detail)? {
                    return Ok(false);
                }
            }
            if xs.not_after <= self.now {
                let detail = format!("{} expired at {}", who(n, xs), xs.not_after_text);
                if !self.fail(code::CERT_HAS_EXPIRED, n, xs, Cause::Expired, detail)? {
                    return Ok(false);
                }
            }
            if n == 0 {
                return Ok(true);
            }
            n -= 1;
            xi = xs;
            xs = chain[n];
        }
    }
}

/// `who` as a possessive: "its", "the trusted root “…”'s".
fn whose(depth: usize, cert: &Parsed<'_>) -> String {
    match depth {
        0 => "its".into(),
        _ => format!("{}'s", who(depth, cert)),
    }
}

/// How a note names the certificate at `depth`.
fn who(depth: usize, cert: &Parsed<'_>) -> String {
    let name = &cert.subject;
    match (depth, cert.from_store) {
        (0, _) => "it".into(),
        (_, true) if cert.self_signed => format!("the trusted root “{name}”"),
        (_, true) => format!("the trusted CA “{name}”"),
        (1, false) => format!("its issuer “{name}”"),
        (_, false) => format!("the intermediate “{name}”"),
    }
}

/// openssl's default verify depth is 100; it builds one more to report the error.
const MAX_DEPTH: usize = 101;

struct Chain<'p, 'a> {
    certs: Vec<&'p Parsed<'a>>,
    /// How many certificates, from the leaf, did not come from the trusted roots.
    num_untrusted: usize,
    /// A trust anchor was reached.
    trusted: bool,
}

/// `build_chain`, trusted-first as openssl does by default: for the top of the chain, an issuer
/// from the trusted roots; failing that, one from the untrusted certificates; until a trusted
/// self-signed certificate ends it or no issuer is found.
fn build_chain<'p, 'a>(
    leaf: &'p Parsed<'a>,
    untrusted: &'p [Parsed<'a>],
    trusted: &'p [Parsed<'a>],
    now: i64,
) -> Chain<'p, 'a> {
    let mut certs: Vec<&'p Parsed<'a>> = vec![leaf];
    let mut num_untrusted: usize = 1;
    let mut pool: Vec<&'p Parsed<'a>> = untrusted.iter().collect();
    let mut search_untrusted = !untrusted.is_empty();
    let mut search_trusted = true;
    let mut is_trusted = false;
    while search_trusted || search_untrusted {
        if search_trusted {
            let curr = certs[certs.len() - 1];
            let found = if certs.len() > MAX_DEPTH {
                None
            } else {
                best_issuer(trusted.iter(), curr, None, now)
            };
            if let Some(issuer) = found {
                let mut ok = true;
                let self_signed;
                if !curr.self_signed {
                    certs.push(issuer);
                    self_signed = issuer.self_signed;
                } else if curr.der != issuer.der {
                    // A self-signed lookalike of a trusted root.
                    ok = false;
                    self_signed = true;
                } else {
                    num_untrusted = num_untrusted.saturating_sub(1);
                    let last = certs.len() - 1;
                    certs[last] = issuer;
                    self_signed = true;
                }
                if ok {
                    search_untrusted = false;
                    if certs[num_untrusted..].iter().any(|c| c.self_signed) {
                        is_trusted = true;
                        break;
                    }
                    if !self_signed {
                        continue;
                    }
                }
            }
            if !search_untrusted {
                break;
            }
        }
        if search_untrusted {
            let curr = certs[certs.len() - 1];
            let found = if curr.self_signed || certs.len() > MAX_DEPTH {
                None
            } else {
                best_issuer(pool.iter().copied(), curr, Some(&certs), now)
            };
            match found {
                None => {
                    search_untrusted = false;
                    search_trusted = true;
                }
                Some(issuer) => {
                    pool.retain(|c| !std::ptr::eq(*c, issuer));
                    certs.push(issuer);
                    num_untrusted += 1;
                }
            }
        }
    }
    Chain {
        certs,
        num_untrusted,
        trusted: is_trusted,
    }
}

/// `get0_best_issuer_sk`: the first candidate that plausibly issued `x` and is valid now, else
/// the plausible one that expires last. With `chain`, candidates already in it are skipped.
fn best_issuer<'p, 'a>(
    candidates: impl Iterator<Item = &'p Parsed<'a>>,
    x: &Parsed<'a>,
    chain: Option<&[&'p Parsed<'a>]>,
    now: i64,
) -> Option<&'p Parsed<'a>>
where
    'a: 'p,
{
    let mut best: Option<&'p Parsed<'a>> = None;
    for candidate in candidates {
        if let Some(chain) = chain {
            let exempt = x.self_issued && chain.len() == 1;
            if !exempt && chain.iter().any(|c| c.der == candidate.der) {
                continue;
            }
        }
        if !likely_issued(candidate, x) {
            continue;
        }
        if candidate.not_before <= now && now < candidate.not_after {
            return Some(candidate);
        }
        if best.is_none_or(|b| candidate.not_after > b.not_after) {
            best = Some(candidate);
        }
    }
    best
}

/// `ossl_x509_likely_issued`: names match, the subject's authorityKeyIdentifier fits the
/// issuer, and the issuer's key type fits the subject's signature algorithm.
fn likely_issued(issuer: &Parsed<'_>, subject: &Parsed<'_>) -> bool {
    issuer.subject_canon == subject.issuer_canon
        && akid_matches(issuer, subject)
        && sig_alg_matches(&issuer.cert, &subject.cert)
}

fn akid_matches(issuer: &Parsed<'_>, subject: &Parsed<'_>) -> bool {
    let Some(akid) = &subject.akid else {
        return true;
    };
    if let (Some(keyid), Some(skid)) = (&akid.key_id, &issuer.skid) {
        if keyid != skid {
            return false;
        }
    }
    if let Some(serial) = &akid.serial {
        if strip_zeros(serial) != strip_zeros(issuer.cert.raw_serial()) {
            return false;
        }
    }
    if let Some(name) = &akid.issuer_name {
        if *name != issuer.issuer_canon {
            return false;
        }
    }
    true
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyFamily {
    Rsa,
    RsaPss,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
}

fn key_family(spki: &SubjectPublicKeyInfo<'_>) -> Option<KeyFamily> {
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
fn sig_alg_matches(issuer: &X509Certificate<'_>, subject: &X509Certificate<'_>) -> bool {
    let wanted = signature_family(&subject.tbs_certificate.signature.algorithm.to_id_string());
    match (wanted, key_family(issuer.public_key())) {
        (Some(want), Some(have)) => {
            want == have || (want == KeyFamily::RsaPss && have == KeyFamily::Rsa)
        }
        _ => false,
    }
}

enum Signature {
    Good,
    Bad,
    /// ring cannot check this signature as openssl would.
    Unchecked(String),
}

/// `X509_verify`: the outer and inner algorithms agree and the signature verifies.
fn check_signature(subject: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> Signature {
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

/// The critical extensions openssl 3.0 processes (`X509_supported_extension`).
const OPENSSL_CRITICAL_OK: [&str; 15] = [
    "2.16.840.1.113730.1.1", // nsCertType
    "2.5.29.15",             // keyUsage
    "2.5.29.17",             // subjectAltName
    "2.5.29.19",             // basicConstraints
    "2.5.29.32",             // certificatePolicies
    "2.5.29.31",             // cRLDistributionPoints
    "2.5.29.37",             // extendedKeyUsage
    "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
    "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
    "1.3.6.1.5.5.7.48.1.5",  // OCSP noCheck
    "2.5.29.36",             // policyConstraints
    "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
    "2.5.29.30",             // nameConstraints
    "2.5.29.33",             // policyMappings
    "2.5.29.54",             // inhibitAnyPolicy
];

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

struct Akid {
    key_id: Option<Vec<u8>>,
    issuer_name: Option<Canon>,
    serial: Option<Vec<u8>>,
}

/// What openssl caches about a certificate (`ossl_x509v3_cache_extensions`).
struct Parsed<'a> {
    der: &'a [u8],
    cert: X509Certificate<'a>,
    from_store: bool,
    subject: String,
    subject_canon: Canon,
    issuer_canon: Canon,
    self_issued: bool,
    self_signed: bool,
    v1: bool,
    /// basicConstraints: (cA, pathLenConstraint).
    basic_constraints: Option<bool>,
    pathlen: Option<u32>,
    key_usage: Option<KeyUsage>,
    /// extendedKeyUsage: (serverAuth, clientAuth, Server Gated Crypto).
    eku: Option<(bool, bool, bool)>,
    ns_cert_type: Option<NSCertType>,
    skid: Option<Vec<u8>>,
    akid: Option<Akid>,
    unhandled_critical: Option<String>,
    proxy: bool,
    name_constraints: bool,
    explicit_curve: bool,
    not_before: i64,
    not_after: i64,
    not_before_text: String,
    not_after_text: String,
}

impl<'a> Parsed<'a> {
    /// `None` when an extension openssl reads does not decode: openssl marks such a
    /// certificate invalid, and this lab does not follow it there.
    fn new(der: &'a [u8], from_store: bool) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let tbs = &cert.tbs_certificate;
        let subject_canon = canon(tbs.subject());
        let issuer_canon = canon(tbs.issuer());
        let (not_before, not_after) = (
            tbs.validity.not_before.timestamp(),
            tbs.validity.not_after.timestamp(),
        );
        let date = |t: i64| inspect::openssl_date(u64::try_from(t).unwrap_or(0));
        let mut parsed = Parsed {
            der,
            from_store,
            subject: subject_text(tbs.subject().as_raw()),
            self_issued: subject_canon == issuer_canon,
            subject_canon,
            issuer_canon,
            self_signed: false,
            v1: tbs.version.0 == 0,
            basic_constraints: None,
            pathlen: None,
            key_usage: None,
            eku: None,
            ns_cert_type: None,
            skid: None,
            akid: None,
            unhandled_critical: None,
            proxy: false,
            name_constraints: false,
            explicit_curve: false,
            not_before,
            not_after,
            not_before_text: date(not_before),
            not_after_text: date(not_after),
            cert,
        };
        for ext in parsed.cert.extensions() {
            let oid = ext.oid.to_id_string();
            match ext.parsed_extension() {
                ParsedExtension::ParseError { .. } => return None,
                ParsedExtension::BasicConstraints(bc) => {
                    parsed.basic_constraints = Some(bc.ca);
                    parsed.pathlen = bc.path_len_constraint;
                }
                ParsedExtension::KeyUsage(ku) => parsed.key_usage = Some(*ku),
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    let sgc = eku.other.iter().any(|o| {
                        let o = o.to_id_string();
                        o == "1.3.6.1.4.1.311.10.3.3" || o == "2.16.840.1.113730.4.1"
                    });
                    parsed.eku = Some((eku.server_auth, eku.client_auth, sgc));
                }
                ParsedExtension::NSCertType(ns) => parsed.ns_cert_type = Some(*ns),
                ParsedExtension::SubjectKeyIdentifier(id) => parsed.skid = Some(id.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(akid) => {
                    parsed.akid = Some(Akid {
                        key_id: akid.key_identifier.as_ref().map(|k| k.0.to_vec()),
                        issuer_name: akid.authority_cert_issuer.as_ref().and_then(|names| {
                            names.iter().find_map(|n| match n {
                                GeneralName::DirectoryName(name) => Some(canon(name)),
                                _ => None,
                            })
                        }),
                        serial: akid.authority_cert_serial.map(<[u8]>::to_vec),
                    })
                }
                ParsedExtension::NameConstraints(_) => parsed.name_constraints = true,
                _ => {}
            }
            if oid == "1.3.6.1.5.5.7.1.14" {
                parsed.proxy = true;
            }
            if ext.critical
                && parsed.unhandled_critical.is_none()
                && !OPENSSL_CRITICAL_OK.contains(&oid.as_str())
            {
                parsed.unhandled_critical = Some(oid);
            }
        }
        let spki = parsed.cert.public_key();
        parsed.explicit_curve = key_family(spki) == Some(KeyFamily::Ec)
            && spki
                .algorithm
                .parameters
                .as_ref()
                .is_none_or(|p| p.as_oid().is_err());
        parsed.self_signed = parsed.self_issued
            && akid_matches(&parsed, &parsed)
            && sig_alg_matches(&parsed.cert, &parsed.cert);
        Some(parsed)
    }

    /// `check_ca`: 0 when not a CA, 1 when basicConstraints say CA:TRUE, 3 to 5 for the
    /// legacy ways a certificate without basicConstraints may still count as one.
    fn check_ca(&self) -> u8 {
        if self.key_usage.is_some_and(|ku| !ku.key_cert_sign()) {
            return 0;
        }
        match self.basic_constraints {
            Some(ca) => u8::from(ca),
            None if self.v1 && self.self_signed => 3,
            None if self.key_usage.is_some() => 4,
            None if self
                .ns_cert_type
                .is_some_and(|ns| ns.ssl_ca() || ns.smime_ca() || ns.object_signing_ca()) =>
            {
                5
            }
            None => 0,
        }
    }

    fn why_not_ca(&self) -> (Cause, String) {
        let why = if self.key_usage.is_some_and(|ku| !ku.key_cert_sign()) {
            return (
                Cause::NotCaByKeyUsage,
                "is not a CA: its keyUsage lacks keyCertSign".into(),
            );
        } else if self.basic_constraints == Some(false) {
            "is not a CA: its basicConstraints say CA:FALSE"
        } else if self.basic_constraints.is_none() {
            "is not a CA: it has no basicConstraints"
        } else {
            "is not a CA"
        };
        (Cause::NotCa, why.into())
    }

    /// `X509_check_purpose` for sslclient or sslserver: why it fails, if it does.
    fn purpose_refusal(&self, usage: Usage, require_ca: bool) -> Option<(Cause, String)> {
        let (eku_ok, eku_name) = match (usage, self.eku) {
            (_, None) => (true, ""),
            (Usage::ClientAuth, Some((_, client, _))) => (client, "clientAuth"),
            (Usage::ServerAuth, Some((server, _, sgc))) => (server || sgc, "serverAuth"),
        };
        if !eku_ok {
            return Some((
                Cause::ExtendedKeyUsage,
                format!("has an extendedKeyUsage without {eku_name}"),
            ));
        }
        if require_ca {
            let ca = self.check_ca();
            let ns_ok = ca != 5 || self.ns_cert_type.is_some_and(|ns| ns.ssl_ca());
            return (ca == 0 || !ns_ok).then(|| self.why_not_ca());
        }
        let ku = self.key_usage;
        let ns = self.ns_cert_type;
        match usage {
            Usage::ClientAuth => {
                if ku.is_some_and(|ku| !ku.digital_signature() && !ku.key_agreement()) {
                    return Some((
                        Cause::KeyUsage,
                        "has a keyUsage with neither digitalSignature nor keyAgreement".into(),
                    ));
                }
                if ns.is_some_and(|ns| !ns.ssl_client()) {
                    return Some((
                        Cause::NetscapeCertType,
                        "has a Netscape certificate type without SSL client".into(),
                    ));
                }
            }
            Usage::ServerAuth => {
                if ns.is_some_and(|ns| !ns.ssl_server()) {
                    return Some((
                        Cause::NetscapeCertType,
                        "has a Netscape certificate type without SSL server".into(),
                    ));
                }
                if ku.is_some_and(|ku| {
                    !ku.digital_signature() && !ku.key_encipherment() && !ku.key_agreement()
                }) {
                    return Some((
                        Cause::KeyUsage,
                        "has a keyUsage with none of digitalSignature, keyEncipherment and keyAgreement".into(),
                    ));
                }
            }
        }
        None
    }
}

/// A name as openssl prints it on one line, `CN = …, O = …`.
fn subject_text(raw: &[u8]) -> String {
    use der::Decode;
    x509_cert::name::Name::from_der(raw)
        .map(|name| inspect::name_text(&name))
        .unwrap_or_default()
}

/// A name in openssl's canonical form (`x509_name_canon`): per RDN, each attribute's type and
/// value, with string values folded to lower case and their runs of spaces collapsed.
type Canon = Vec<Vec<(String, Vec<u8>)>>;

fn canon(name: &X509Name<'_>) -> Canon {
    name.iter()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let value = atv.attr_value();
                    let canonical = match text_of(value.tag().0, value.data) {
                        Some(text) => {
                            let folded: Vec<&str> = text.split_ascii_whitespace().collect();
                            folded.join(" ").to_ascii_lowercase().into_bytes()
                        }
                        None => {
                            let mut raw = value.tag().0.to_be_bytes().to_vec();
                            raw.extend_from_slice(value.data);
                            raw
                        }
                    };
                    (atv.attr_type().to_id_string(), canonical)
                })
                .collect()
        })
        .collect()
}

/// The text of a string-typed attribute value, as openssl canonicalises it; `None` for
/// others, which openssl compares as they are.
fn text_of(tag: u32, data: &[u8]) -> Option<String> {
    match tag {
        // UTF8String, NumericString, PrintableString, IA5String, VisibleString
        12 | 18 | 19 | 22 | 26 => Some(String::from_utf8_lossy(data).into_owned()),
        // T61String, read as Latin-1
        20 => Some(data.iter().map(|b| char::from(*b)).collect()),
        // BMPString
        30 => Some(
            char::decode_utf16(
                data.chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])),
            )
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
        ),
        // UniversalString
        28 => Some(
            data.chunks(4)
                .map(|c| {
                    let mut b = [0u8; 4];
                    b[..c.len()].copy_from_slice(c);
                    char::from_u32(u32::from_be_bytes(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
                })
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon_of(rfc4514: &str) -> Canon {
        use der::Encode;
        let der = rfc4514
            .parse::<x509_cert::name::Name>()
            .unwrap()
            .to_der()
            .unwrap();
        canon(&X509Name::from_der(&der).unwrap().1)
    }

    #[test]
    fn names_match_as_openssl_folds_them() {
        assert_eq!(
            canon_of("CN=Client  C Root,O=Org"),
            canon_of("CN= client c root ,O=ORG")
        );
        assert_ne!(canon_of("CN=Client C,O=Org"), canon_of("CN=Client D,O=Org"));
        assert_ne!(canon_of("CN=Client C"), canon_of("O=Client C"));
    }

    #[test]
    fn string_types_read_as_text() {
        assert_eq!(text_of(30, &[0, b'A', 0, b'b']).as_deref(), Some("Ab"));
        assert_eq!(text_of(28, &[0, 0, 0, b'x']).as_deref(), Some("x"));
        assert_eq!(text_of(20, &[0xe9]).as_deref(), Some("é"));
        assert_eq!(text_of(4, b"raw"), None);
    }

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
