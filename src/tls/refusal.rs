//! Why one side of a handshake refused, classified from rustls's error: plain words for the
//! page, with rustls's own name kept beside them.

use super::names::alert_name;
use super::types::Side;
use rustls::{CertificateError, Error, InconsistentKeys};

/// What went wrong, as far as a learner needs to know.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RefusalKind {
    /// The client sent an empty Certificate message and the server requires one.
    NoCertificate,
    /// The peer's chain leads to no CA the refusing side trusts.
    UnknownIssuer,
    /// The peer presented a CA certificate as its own identity.
    CaUsedAsEndEntity,
    /// A certificate with `CA:FALSE` signed another certificate in the chain.
    EndEntityUsedAsCa,
    /// More CAs below a CA than its pathlen allows.
    PathLenExceeded,
    /// A name in the certificate lies outside the subtrees a CA's nameConstraints permit.
    NameConstraintViolated,
    Expired,
    NotValidYet,
    /// The extendedKeyUsage does not allow this role (clientAuth or serverAuth).
    WrongPurpose,
    /// The server certificate does not name the server the client asked for.
    NameMismatch,
    /// A signature did not verify with the public key it should match.
    BadSignature,
    Revoked,
    /// Revocation is checked and no CRL speaks for a certificate of the chain.
    RevocationUnknown,
    /// Revocation is checked and the CRL that speaks for a certificate is past its nextUpdate.
    CrlExpired,
    /// The private key does not belong to the certificate it is paired with.
    KeyMismatch,
    /// The peer's fatal alert, received by this side after the peer refused.
    AlertReceived(u8),
    /// Anything else, in the page's words; rustls's own text goes in small print.
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// rustls's name for the error, e.g. `InvalidCertificate(UnknownIssuer)`.
    pub rustls_name: String,
}

impl Refusal {
    pub fn from_rustls(error: &Error) -> Self {
        let (kind, rustls_name) = classify(error);
        Refusal { kind, rustls_name }
    }

    /// A refusal that did not come from rustls (a write error, a stalled handshake).
    pub fn other(text: impl Into<String>) -> Self {
        let text = text.into();
        Refusal {
            rustls_name: String::new(),
            kind: RefusalKind::Other(text),
        }
    }

    /// What was refused, by whom and why, in one sentence, with the workshop's parties.
    pub fn sentence(&self, side: Side) -> String {
        self.sentence_with(side, Parties::WORKSHOP)
    }

    /// The same sentence with other names for the two sides.
    pub fn sentence_with(&self, side: Side, parties: Parties) -> String {
        let Parties {
            client,
            server,
            server_certificate,
        } = parties;
        let (refuser, peer, role, eku) = match side {
            Side::Server => (
                server,
                format!("{client}'s certificate"),
                "client",
                "clientAuth",
            ),
            Side::Client => (
                client,
                server_certificate.to_string(),
                "server",
                "serverAuth",
            ),
            Side::Setup => (
                "rustls",
                "the certificate".into(),
                "peer",
                "the role's usage",
            ),
        };
        let peer_party = match side {
            Side::Client => server,
            _ => client,
        };
        crate::text::capitalised(&match &self.kind {
            RefusalKind::NoCertificate => format!(
                "{peer_party} sent no certificate, and {refuser} requires one."
            ),
            RefusalKind::UnknownIssuer => format!(
                "{peer} does not chain to any CA that {refuser} trusts."
            ),
            RefusalKind::CaUsedAsEndEntity => format!(
                "{peer} is a CA certificate (CA:TRUE); {refuser} accepts only an end-entity certificate as the {role}'s identity."
            ),
            RefusalKind::EndEntityUsedAsCa => format!(
                "A certificate in {peer_party}'s chain signed another one without being a CA (CA:FALSE)."
            ),
            RefusalKind::PathLenExceeded => format!(
                "{peer_party}'s chain has more CAs below a CA than that CA's pathlen allows."
            ),
            RefusalKind::NameConstraintViolated => format!(
                "{peer} carries a name outside the names a CA in its chain may issue for: that CA's nameConstraints do not permit it."
            ),
            RefusalKind::Expired => {
                format!("{peer} or a CA in its chain has expired: its notAfter date is past.")
            }
            RefusalKind::NotValidYet => format!(
                "{peer} or a CA in its chain is not valid yet: its notBefore date is in the future."
            ),
            RefusalKind::WrongPurpose => format!(
                "{peer} does not allow use as a TLS {role}: its extendedKeyUsage, or a CA's in its chain, lacks {eku}."
            ),
            RefusalKind::NameMismatch => format!(
                "{peer} does not name the server {refuser} connected to: the name is not in its subjectAltName."
            ),
            RefusalKind::BadSignature => format!(
                "A signature from {peer_party} does not verify with the key it should match: its handshake signature (CertificateVerify; ServerKeyExchange for a TLS 1.2 server), made with a private key that is not its certificate's, or a signature in its chain."
            ),
            RefusalKind::Revoked => format!(
                "{peer} is revoked: its serial number is on a CRL, signed by its issuer, that {refuser} checks."
            ),
            RefusalKind::RevocationUnknown => format!(
                "{refuser} checks revocation, and no CRL it holds speaks for {peer} or a CA in its chain, so its revocation status is unknown."
            ),
            RefusalKind::CrlExpired => format!(
                "{refuser} checks revocation, and the CRL for {peer} is past its nextUpdate: an expired CRL cannot vouch for any certificate, good ones included."
            ),
            RefusalKind::KeyMismatch => "The private key does not match the public key in the certificate it is paired with, so the connection never starts.".into(),
            RefusalKind::AlertReceived(code) => format!(
                "{refuser} received a fatal alert from {peer_party}: {} ({code}).",
                alert_name(*code)
            ),
            RefusalKind::Other(text) => format!("{refuser} refused: {text}."),
        })
    }

    /// The TLS alert the refusing side sends, as rustls maps its error.
    pub fn alert_sent(&self) -> Option<u8> {
        Some(match self.kind {
            RefusalKind::NoCertificate => 116,
            RefusalKind::UnknownIssuer => 48,
            RefusalKind::CaUsedAsEndEntity
            | RefusalKind::EndEntityUsedAsCa
            | RefusalKind::PathLenExceeded
            | RefusalKind::NameConstraintViolated => 46,
            RefusalKind::Expired | RefusalKind::NotValidYet => 45,
            RefusalKind::WrongPurpose => 43,
            RefusalKind::NameMismatch => 42,
            RefusalKind::BadSignature => 51,
            RefusalKind::Revoked => 44,
            RefusalKind::RevocationUnknown | RefusalKind::CrlExpired => 48,
            RefusalKind::KeyMismatch | RefusalKind::AlertReceived(_) | RefusalKind::Other(_) => {
                return None
            }
        })
    }

    /// A stable identifier, for the worker's text form and for tests.
    pub fn id(&self) -> &'static str {
        match self.kind {
            RefusalKind::NoCertificate => "no-certificate",
            RefusalKind::UnknownIssuer => "unknown-issuer",
            RefusalKind::CaUsedAsEndEntity => "ca-used-as-end-entity",
            RefusalKind::EndEntityUsedAsCa => "end-entity-used-as-ca",
            RefusalKind::PathLenExceeded => "pathlen-exceeded",
            RefusalKind::NameConstraintViolated => "name-constraint-violated",
            RefusalKind::Expired => "expired",
            RefusalKind::NotValidYet => "not-valid-yet",
            RefusalKind::WrongPurpose => "wrong-purpose",
            RefusalKind::NameMismatch => "name-mismatch",
            RefusalKind::BadSignature => "bad-signature",
            RefusalKind::Revoked => "revoked",
            RefusalKind::RevocationUnknown => "revocation-unknown",
            RefusalKind::CrlExpired => "crl-expired",
            RefusalKind::KeyMismatch => "key-mismatch",
            RefusalKind::AlertReceived(_) => "alert-received",
            RefusalKind::Other(_) => "other",
        }
    }

    /// Rebuilds a refusal from `id`, the alert code or text it carries, and rustls's name.
    pub fn from_parts(id: &str, detail: &str, rustls_name: String) -> Option<Self> {
        let kind = match id {
            "no-certificate" => RefusalKind::NoCertificate,
            "unknown-issuer" => RefusalKind::UnknownIssuer,
            "ca-used-as-end-entity" => RefusalKind::CaUsedAsEndEntity,
            "end-entity-used-as-ca" => RefusalKind::EndEntityUsedAsCa,
            "pathlen-exceeded" => RefusalKind::PathLenExceeded,
            "name-constraint-violated" => RefusalKind::NameConstraintViolated,
            "expired" => RefusalKind::Expired,
            "not-valid-yet" => RefusalKind::NotValidYet,
            "wrong-purpose" => RefusalKind::WrongPurpose,
            "name-mismatch" => RefusalKind::NameMismatch,
            "bad-signature" => RefusalKind::BadSignature,
            "revoked" => RefusalKind::Revoked,
            "revocation-unknown" => RefusalKind::RevocationUnknown,
            "crl-expired" => RefusalKind::CrlExpired,
            "key-mismatch" => RefusalKind::KeyMismatch,
            "alert-received" => RefusalKind::AlertReceived(detail.parse().ok()?),
            "other" => RefusalKind::Other(detail.to_string()),
            _ => return None,
        };
        Some(Refusal { kind, rustls_name })
    }

    /// The alert code or text that `from_parts` needs beside the id.
    pub fn detail(&self) -> String {
        match &self.kind {
            RefusalKind::AlertReceived(code) => code.to_string(),
            RefusalKind::Other(text) => text.clone(),
            _ => String::new(),
        }
    }
}

fn classify(error: &Error) -> (RefusalKind, String) {
    match error {
        Error::NoCertificatesPresented => {
            (RefusalKind::NoCertificate, "NoCertificatesPresented".into())
        }
        Error::InvalidCertificate(cert) => {
            let (kind, name) = classify_certificate(cert);
            (kind, format!("InvalidCertificate({name})"))
        }
        Error::AlertReceived(alert) => {
            let code = u8::from(*alert);
            (
                RefusalKind::AlertReceived(code),
                format!("AlertReceived({alert:?})"),
            )
        }
        Error::InconsistentKeys(InconsistentKeys::KeyMismatch) => (
            RefusalKind::KeyMismatch,
            "InconsistentKeys(KeyMismatch)".into(),
        ),
        // The page's own messages travel as General and are plain already.
        Error::General(text) => (RefusalKind::Other(text.clone()), "General".into()),
        other => (
            RefusalKind::Other(unexplained(other).into()),
            format!("{}: {other}", variant_name(other)),
        ),
    }
}

/// A plain sentence for an error the page does not single out; rustls's own words, which may
/// carry its internal names, are kept for the small print.
fn unexplained(error: &Error) -> &'static str {
    match error {
        Error::InvalidMessage(_) | Error::PeerMisbehaved(_) | Error::InappropriateMessage { .. } | Error::InappropriateHandshakeMessage { .. } => {
            "the other side sent a message that breaks the TLS protocol"
        }
        Error::PeerIncompatible(_) => {
            "the two sides share no TLS version, cipher suite, group or signature algorithm that both accept"
        }
        Error::InvalidCertificate(_) => {
            "the peer's certificate is unacceptable for a reason this page does not single out"
        }
        _ => "rustls stopped the handshake for a reason this page does not single out",
    }
}

fn classify_certificate(error: &CertificateError) -> (RefusalKind, String) {
    use CertificateError as E;
    let kind = match error {
        E::UnknownIssuer => RefusalKind::UnknownIssuer,
        E::Expired | E::ExpiredContext { .. } => RefusalKind::Expired,
        E::NotValidYet | E::NotValidYetContext { .. } => RefusalKind::NotValidYet,
        E::InvalidPurpose | E::InvalidPurposeContext { .. } => RefusalKind::WrongPurpose,
        E::NotValidForName | E::NotValidForNameContext { .. } => RefusalKind::NameMismatch,
        E::BadSignature => RefusalKind::BadSignature,
        E::Revoked => RefusalKind::Revoked,
        E::UnknownRevocationStatus => RefusalKind::RevocationUnknown,
        E::ExpiredRevocationList | E::ExpiredRevocationListContext { .. } => {
            RefusalKind::CrlExpired
        }
        E::Other(other) => {
            let webpki = other.0.downcast_ref::<webpki::Error>();
            let kind = match webpki {
                Some(webpki::Error::CaUsedAsEndEntity) => RefusalKind::CaUsedAsEndEntity,
                Some(webpki::Error::EndEntityUsedAsCa) => RefusalKind::EndEntityUsedAsCa,
                Some(webpki::Error::PathLenConstraintViolated) => RefusalKind::PathLenExceeded,
                Some(webpki::Error::NameConstraintViolation) => {
                    RefusalKind::NameConstraintViolated
                }
                _ => RefusalKind::Other(
                    "the peer's certificate is unacceptable for a reason this page does not single out"
                        .into(),
                ),
            };
            let name = webpki.map_or_else(|| format!("{error}"), variant_name);
            return (kind, format!("Other({name})"));
        }
        other => return (
            RefusalKind::Other(
                "the peer's certificate is unacceptable for a reason this page does not single out"
                    .into(),
            ),
            format!("{}: {other}", variant_name(other)),
        ),
    };
    (kind, variant_name(error))
}

/// The variant's name without the data it carries: `ExpiredContext { time: … }` → `ExpiredContext`.
fn variant_name(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    debug
        .split(['(', '{', ' '])
        .next()
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::AlertDescription;
    use std::sync::Arc;

    #[test]
    fn names_carry_no_data() {
        let error = Error::InvalidCertificate(CertificateError::ExpiredContext {
            time: rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(9)),
            not_after: rustls::pki_types::UnixTime::since_unix_epoch(
                std::time::Duration::from_secs(1),
            ),
        });
        let refusal = Refusal::from_rustls(&error);
        assert_eq!(refusal.kind, RefusalKind::Expired);
        assert_eq!(refusal.rustls_name, "InvalidCertificate(ExpiredContext)");
        assert_eq!(
            refusal.sentence(Side::Server),
            "Client B's certificate or a CA in its chain has expired: its notAfter date is past."
        );
    }

    #[test]
    fn webpki_errors_inside_other_are_named() {
        let error = Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            Arc::new(webpki::Error::CaUsedAsEndEntity),
        )));
        let refusal = Refusal::from_rustls(&error);
        assert_eq!(refusal.kind, RefusalKind::CaUsedAsEndEntity);
        assert_eq!(
            refusal.rustls_name,
            "InvalidCertificate(Other(CaUsedAsEndEntity))"
        );
        assert!(!refusal.sentence(Side::Server).contains("Other("));
    }

    #[test]
    fn alerts_are_named_as_the_rfc_names_them() {
        let refusal =
            Refusal::from_rustls(&Error::AlertReceived(AlertDescription::CertificateRequired));
        assert_eq!(refusal.kind, RefusalKind::AlertReceived(116));
        assert_eq!(
            refusal.sentence(Side::Client),
            "Client B received a fatal alert from Client C: certificate_required (116)."
        );
    }

    #[test]
    fn errors_the_page_does_not_single_out_read_plainly() {
        let error = Error::InvalidCertificate(CertificateError::UnhandledCriticalExtension);
        let refusal = Refusal::from_rustls(&error);
        let sentence = refusal.sentence(Side::Server);
        assert!(sentence.contains("does not single out"), "{sentence}");
        assert!(!sentence.contains("Unhandled"), "{sentence}");
        assert!(refusal
            .rustls_name
            .starts_with("InvalidCertificate(UnhandledCriticalExtension"));
        let general = Refusal::from_rustls(&Error::General("the handshake stalled".into()));
        assert_eq!(
            general.kind,
            RefusalKind::Other("the handshake stalled".into())
        );
    }

    #[test]
    fn every_kind_survives_its_parts() {
        for error in [
            Error::NoCertificatesPresented,
            Error::InvalidCertificate(CertificateError::UnknownIssuer),
            Error::AlertReceived(AlertDescription::UnknownCA),
            Error::General("stalled".into()),
            Error::InconsistentKeys(InconsistentKeys::KeyMismatch),
        ] {
            let refusal = Refusal::from_rustls(&error);
            let back =
                Refusal::from_parts(refusal.id(), &refusal.detail(), refusal.rustls_name.clone());
            assert_eq!(back, Some(refusal));
        }
        assert_eq!(Refusal::from_parts("nonsense", "", String::new()), None);
        assert_eq!(
            Refusal::from_parts("alert-received", "999", String::new()),
            None
        );
    }
}

/// What the two sides are called in a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parties {
    pub client: &'static str,
    pub server: &'static str,
    /// The server's certificate, as a sentence names it.
    pub server_certificate: &'static str,
}

impl Parties {
    /// The seed workshop's: B connects to C.
    pub const WORKSHOP: Parties = Parties {
        client: "Client B",
        server: "Client C",
        server_certificate: "Client C's server certificate",
    };
    /// Anyone's files: the client and the server.
    pub const ANY: Parties = Parties {
        client: "the client",
        server: "the server",
        server_certificate: "the server's certificate",
    };
}
