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

pub(crate) mod canon;
mod chain;
mod checks;
mod parsed;
mod report;
mod signature;

pub use report::{code, extension_name, words, Cause, OpensslError, OpensslVerdict};

use super::verify::Usage;
use super::Certificate;
use chain::{build_chain, Chain, MAX_DEPTH};
use parsed::Parsed;
use report::CARRIES_ON;

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
            unjudged: Some(
                "a certificate has a field or an extension this lab cannot decode".into(),
            ),
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
}
