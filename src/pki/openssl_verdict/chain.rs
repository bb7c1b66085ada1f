//! How openssl builds the chain: for each certificate, the best issuer among the trusted roots,
//! else among the untrusted intermediates.

use super::parsed::{akid_matches, Parsed};
use super::signature::sig_alg_matches;

/// openssl's default verify depth is 100; it builds one more to report the error.
pub(super) const MAX_DEPTH: usize = 101;

pub(super) struct Chain<'p, 'a> {
    pub(super) certs: Vec<&'p Parsed<'a>>,
    /// How many certificates, from the leaf, did not come from the trusted roots.
    pub(super) num_untrusted: usize,
    /// A trust anchor was reached.
    pub(super) trusted: bool,
}

/// `build_chain`, trusted-first as openssl does by default: for the top of the chain, an issuer
/// from the trusted roots; failing that, one from the untrusted certificates; until a trusted
/// self-signed certificate ends it or no issuer is found.
pub(super) fn build_chain<'p, 'a>(
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
