//! openssl's checks along the chain: extensions, CA status, purpose and path length from the
//! leaf up, then keyUsage, signatures and validity periods from the root down.

use super::parsed::Parsed;
use super::report::{code, extension_name, Cause};
use super::signature::{check_signature, Signature};
use super::{Run, Step, Usage};

impl Run {
    /// `check_extensions`: leaf first, then up the chain.
    /// Roots from a PEM file carry no auxiliary trust settings, so openssl checks the purpose
    /// of every certificate, trusted ones included.
    pub(super) fn check_extensions(&mut self, chain: &[&Parsed<'_>]) -> Step {
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
    pub(super) fn internal_verify(&mut self, chain: &[&Parsed<'_>]) -> Step {
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
                match check_signature(&xs.cert, xs.tbs, &xi.cert) {
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

impl Parsed<'_> {
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
