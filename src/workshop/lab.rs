//! The handshake lab: the seed's mutual handshake broken on purpose, one way per scenario,
//! each judged by the same rustls client and server as step 8.

use super::model::ca_chain;
use super::{Party, Workshop};
use crate::pki::crl::{self, CrlTemplate, Reason, Revoked};
use crate::pki::profile::{self, Profile};
use crate::pki::{cert, Certificate, Crl, InputField, PkiError, PrivateKey, Subject};
use crate::tls::{
    self, ClientSide, HandshakeJob, Outcome, RevocationCheck, ServerSide, Side, TlsVersion,
};
use std::collections::BTreeMap;

const DAY: u64 = 86_400;

/// Who should refuse, if anyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    RefusedBy(Side),
}

impl Verdict {
    pub fn label(self) -> String {
        match self {
            Verdict::Accepted => "accepted".into(),
            Verdict::RefusedBy(Side::Client) => "refused by Client B".into(),
            Verdict::RefusedBy(Side::Server) => "refused by Client C".into(),
            Verdict::RefusedBy(Side::Setup) => "refused before connecting".into(),
        }
    }

    pub fn of(outcome: &Outcome) -> Self {
        match &outcome.result {
            Ok(_) => Verdict::Accepted,
            Err(failure) => Verdict::RefusedBy(failure.side),
        }
    }
}

/// How the two organisations come to trust each other's certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustModel {
    /// The seed's: C signs B's CSR, so both leaves chain to C's CA.
    CSignsB,
    /// Each organisation issues its own certificates and the peers exchange CA chains.
    Federated,
}

impl TrustModel {
    pub fn label(self) -> &'static str {
        match self {
            TrustModel::CSignsB => "C signs B's CSR (the seed's model)",
            TrustModel::Federated => "Federated: each issues its own, CA chains exchanged",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LabScenario {
    GoodRun,
    GoodRunTls12,
    NoClientCertificate,
    ClientRootAsCertificate,
    UntrustedClientCa,
    ExpiredClientCertificate,
    NotYetValidClientCertificate,
    ServerCertificateAsClient,
    WrongServerName,
    MissingIntermediate,
    IssuedByNonCa,
    PathLengthExceeded,
    MismatchedKey,
    FederatedGoodRun,
    RevokedClientCertificate,
    ExpiredCrl,
    NoCrlForIntermediate,
}

impl LabScenario {
    pub const ALL: [LabScenario; 17] = [
        LabScenario::GoodRun,
        LabScenario::GoodRunTls12,
        LabScenario::NoClientCertificate,
        LabScenario::ClientRootAsCertificate,
        LabScenario::UntrustedClientCa,
        LabScenario::ExpiredClientCertificate,
        LabScenario::NotYetValidClientCertificate,
        LabScenario::ServerCertificateAsClient,
        LabScenario::WrongServerName,
        LabScenario::MissingIntermediate,
        LabScenario::IssuedByNonCa,
        LabScenario::PathLengthExceeded,
        LabScenario::MismatchedKey,
        LabScenario::FederatedGoodRun,
        LabScenario::RevokedClientCertificate,
        LabScenario::ExpiredCrl,
        LabScenario::NoCrlForIntermediate,
    ];

    /// The scenarios the seed's step 8 runs, in its order: the good run over the settings'
    /// `version`, no client certificate, and B's root CA as its certificate.
    pub fn step8(version: TlsVersion) -> [LabScenario; 3] {
        let good = match version {
            TlsVersion::Tls13 => LabScenario::GoodRun,
            TlsVersion::Tls12 => LabScenario::GoodRunTls12,
        };
        [
            good,
            LabScenario::NoClientCertificate,
            LabScenario::ClientRootAsCertificate,
        ]
    }

    /// How step 8 shows this run. Its names predate step 8's use of lab scenarios and stay,
    /// as links and saved pages use them; a scenario step 8 does not run keeps its lab names.
    pub fn step8_names(self) -> Step8Names {
        let (title, stem, name) = match self {
            LabScenario::GoodRun | LabScenario::GoodRunTls12 => (
                "Client B → Client C with B's signed certificate",
                "mutual",
                "Mutual",
            ),
            LabScenario::NoClientCertificate => (
                "Without a client certificate (should fail)",
                "no-client-cert",
                "NoClientCertificate",
            ),
            LabScenario::ClientRootAsCertificate => (
                "With the wrong client certificate: B's root CA (should fail)",
                "wrong-client-cert",
                "WrongClientCertificate",
            ),
            _ => (self.title(), self.id(), self.id()),
        };
        Step8Names { title, stem, name }
    }

    pub fn should_succeed(self) -> bool {
        self.expected() == Verdict::Accepted
    }

    /// A stable name for tests and page anchors.
    pub fn id(self) -> &'static str {
        match self {
            LabScenario::GoodRun => "good-tls13",
            LabScenario::GoodRunTls12 => "good-tls12",
            LabScenario::NoClientCertificate => "no-client-cert",
            LabScenario::ClientRootAsCertificate => "client-root-as-cert",
            LabScenario::UntrustedClientCa => "untrusted-client-ca",
            LabScenario::ExpiredClientCertificate => "expired",
            LabScenario::NotYetValidClientCertificate => "not-yet-valid",
            LabScenario::ServerCertificateAsClient => "server-cert-as-client",
            LabScenario::WrongServerName => "wrong-server-name",
            LabScenario::MissingIntermediate => "missing-intermediate",
            LabScenario::IssuedByNonCa => "issued-by-non-ca",
            LabScenario::PathLengthExceeded => "pathlen-exceeded",
            LabScenario::MismatchedKey => "mismatched-key",
            LabScenario::FederatedGoodRun => "federated",
            LabScenario::RevokedClientCertificate => "revoked",
            LabScenario::ExpiredCrl => "expired-crl",
            LabScenario::NoCrlForIntermediate => "no-crl-for-intermediate",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            LabScenario::GoodRun => "The seed's good run, TLS 1.3",
            LabScenario::GoodRunTls12 => "The seed's good run, TLS 1.2",
            LabScenario::NoClientCertificate => "No client certificate",
            LabScenario::ClientRootAsCertificate => "The wrong client certificate: B's root CA",
            LabScenario::UntrustedClientCa => "A client certificate from B's own CA",
            LabScenario::ExpiredClientCertificate => "An expired client certificate",
            LabScenario::NotYetValidClientCertificate => "A client certificate not valid yet",
            LabScenario::ServerCertificateAsClient => {
                "C's server certificate used as a client certificate"
            }
            LabScenario::WrongServerName => "B connects to a name not in the server's SANs",
            LabScenario::MissingIntermediate => "B's chain without its intermediate (federated)",
            LabScenario::IssuedByNonCa => "A leaf signed by a certificate with CA:FALSE",
            LabScenario::PathLengthExceeded => "An extra CA under the pathlen:0 intermediate",
            LabScenario::MismatchedKey => "B's certificate with another private key",
            LabScenario::FederatedGoodRun => "Federated trust: B's own CA, chains exchanged",
            LabScenario::RevokedClientCertificate => "A revoked client certificate",
            LabScenario::ExpiredCrl => "An expired CRL",
            LabScenario::NoCrlForIntermediate => {
                "The whole chain checked, with no CRL for the intermediate"
            }
        }
    }

    pub fn model(self) -> TrustModel {
        match self {
            LabScenario::FederatedGoodRun | LabScenario::MissingIntermediate => {
                TrustModel::Federated
            }
            _ => TrustModel::CSignsB,
        }
    }

    pub fn expected(self) -> Verdict {
        match self {
            LabScenario::GoodRun | LabScenario::GoodRunTls12 | LabScenario::FederatedGoodRun => {
                Verdict::Accepted
            }
            LabScenario::WrongServerName => Verdict::RefusedBy(Side::Client),
            _ => Verdict::RefusedBy(Side::Server),
        }
    }

    /// What goes wrong, and the fix, in one line each.
    pub fn explanation(self) -> (&'static str, &'static str) {
        match self {
            LabScenario::GoodRun => (
                "B presents the certificate C signed; each side checks the other's chain up to C's CA.",
                "Nothing to fix.",
            ),
            LabScenario::GoodRunTls12 => (
                "The same proof over TLS 1.2: the certificates and CertificateVerify travel in the clear.",
                "Nothing to fix; prefer TLS 1.3, which encrypts the certificates.",
            ),
            LabScenario::NoClientCertificate => (
                "C asks for a certificate (-Verify) and B sends an empty Certificate message.",
                "Configure the client with its certificate and key (-cert, -key).",
            ),
            LabScenario::ClientRootAsCertificate => (
                "B presents its own root CA certificate. rustls refuses any CA certificate (CA:TRUE) as an end entity (CaUsedAsEndEntity); openssl does not mind that, but B's root is self-signed and C does not trust it (self-signed certificate).",
                "Present the leaf certificate C signed, not a CA certificate.",
            ),
            LabScenario::UntrustedClientCa => (
                "The certificate chains to B's root, which is not in C's trust store.",
                "Have C sign B's CSR, or add B's CA chain to C's -CAfile (the federated model).",
            ),
            LabScenario::ExpiredClientCertificate => (
                "The certificate's notAfter is in the past.",
                "Issue a new certificate; watch expiry dates.",
            ),
            LabScenario::NotYetValidClientCertificate => (
                "The certificate's notBefore is in the future: a wrong clock on the CA or the server.",
                "Fix the clock, or wait until the certificate becomes valid.",
            ),
            LabScenario::ServerCertificateAsClient => (
                "C's server certificate has extendedKeyUsage serverAuth only; a client certificate needs clientAuth.",
                "Use a certificate issued with the v3_client profile (extendedKeyUsage = clientAuth).",
            ),
            LabScenario::WrongServerName => (
                "B checks the server's name against its SANs, and this name is not among them.",
                "Connect to a name in the SANs, or reissue the server certificate with that name.",
            ),
            LabScenario::MissingIntermediate => (
                "C trusts B's root only; B sends its leaf without the intermediate that signed it, so nothing links the leaf to that root.",
                "Have the client send its intermediate after its leaf (s_client -cert_chain, curl with the intermediate appended to --cert), or give C the intermediate too.",
            ),
            LabScenario::IssuedByNonCa => (
                "The signer is C's server certificate, whose basicConstraints say CA:FALSE.",
                "Only a CA (CA:TRUE, keyCertSign) may sign certificates.",
            ),
            LabScenario::PathLengthExceeded => (
                "C's intermediate has pathlen:0, so no CA may sit below it; this chain has one. C trusts only its root here.",
                "Sign leaves directly with the intermediate, or raise pathlen where a deeper tree is meant.",
            ),
            LabScenario::MismatchedKey => (
                "B signs CertificateVerify with another private key of the same type as its certificate's (its root CA's, when that is one); C's check of that signature fails.",
                "Pair the certificate with its own key (openssl x509 -noout -pubkey vs pkey -pubout).",
            ),
            LabScenario::FederatedGoodRun => (
                "B issues its own client certificate; C trusts B's CA chain and B trusts C's.",
                "Nothing to fix: the peers exchanged CA chains instead of signing each other's CSRs.",
            ),
            LabScenario::RevokedClientCertificate => (
                "C checks B's certificate against the CRL of the CA that issued it (s_server -crl_check; rustls with only_check_end_entity_revocation), and that CRL lists its serial number, revoked for keyCompromise.",
                "The key is compromised: give B a new key and have C issue a certificate for it, which gets a new serial number, not on the CRL.",
            ),
            LabScenario::ExpiredCrl => (
                "C enforces the CRL's nextUpdate (openssl always does; rustls with enforce_revocation_expiration). Its CRL was published 10 days ago with a nextUpdate 7 days later, so it vouches for no certificate now: B's good one is refused too.",
                "Publish a new CRL before nextUpdate (run openssl ca -gencrl again within -crldays) and give it to C each time.",
            ),
            LabScenario::NoCrlForIntermediate => (
                "Two policies. End entity only (s_server -crl_check; rustls with only_check_end_entity_revocation) needs just the CRL of the CA that issued B's certificate. The whole chain (s_server -crl_check_all; rustls's default once it holds CRLs) needs one from every CA above too: here C's root's, which speaks for C's intermediate. C checks the whole chain and holds only the intermediate's CRL, so the intermediate's status is unknown. nginx checks the whole chain once ssl_crl gives it CRLs (it sets X509_V_FLAG_CRL_CHECK and X509_V_FLAG_CRL_CHECK_ALL), so its ssl_crl file needs a CRL from every CA in the chain.",
                "Give C the CRL of every CA in the chain, the root's too, and publish each again before its nextUpdate; or check the end entity only.",
            ),
        }
    }

    /// Where rustls and openssl differ on this row, said plainly.
    pub fn openssl_note(self) -> Option<&'static str> {
        match self {
            LabScenario::MissingIntermediate => Some(
                "In the seed's own setup this cannot fail: the only intermediate is C's, and C holds it in \
                 client_c_ca_chain.crt, its -CAfile, so both rustls and openssl complete B's chain even if B \
                 sends its leaf alone. The gap shows only with an intermediate C does not hold, as here in the \
                 federated model, where both refuse.",
            ),
            LabScenario::PathLengthExceeded => Some(
                "With the seed's chain file as C's trust store, rustls takes the intermediate itself as a trust anchor \
                 and never applies its pathlen, so it accepts; openssl still checks it and refuses. The lab has C \
                 trust only its root, where both refuse.",
            ),
            LabScenario::ExpiredCrl => Some(
                "The two send different alerts for it: rustls sends 48 (unknown_ca), as for a certificate \
                 whose revocation status is unknown; openssl 3.0 sends 45 (certificate_expired).",
            ),
            LabScenario::NoCrlForIntermediate => Some(
                "With the seed's chain file as C's trust store, rustls takes the intermediate itself as a trust \
                 anchor, and it checks no anchor's revocation, so it accepts; openssl builds the chain up to the \
                 root and refuses. The lab has C trust only its root, where both refuse. s_server's -CRL reads \
                 only the first CRL of its file; to give it the root's CRL too, append the CRLs to its -CAfile, \
                 which reads them all.",
            ),
            LabScenario::MismatchedKey => Some(
                "openssl s_client will not start with this pair: it prints \"error setting private key\" and \
                 \"key values mismatch\", as rustls refuses unless told to skip the check. The lab skips it so \
                 that C judges the signature; openssl s_server, given the same connection, refuses it too \
                 (\"bad signature\", alert 51 decrypt_error).",
            ),
            _ => None,
        }
    }

    /// What openssl (`s_server -Verify 2 -verify_return_error`, with `-crl_check` or
    /// `-crl_check_all` and the row's CRLs where C checks revocation, and `s_client
    /// -verify_return_error -verify_hostname`) reports for the same files; `None` where it accepts.
    pub fn openssl_reason(self, version: TlsVersion) -> Option<OpensslReason> {
        let refused = |verify_error, alert| {
            Some(OpensslReason {
                refused_by: Side::Server,
                verify_error,
                alert,
            })
        };
        match self {
            LabScenario::GoodRun | LabScenario::GoodRunTls12 | LabScenario::FederatedGoodRun => {
                None
            }
            LabScenario::NoClientCertificate => match version {
                TlsVersion::Tls13 => refused(None, (116, "certificate required")),
                TlsVersion::Tls12 => refused(None, (40, "handshake failure")),
            },
            LabScenario::ClientRootAsCertificate => {
                refused(Some((18, "self-signed certificate")), (48, "unknown ca"))
            }
            LabScenario::UntrustedClientCa | LabScenario::MissingIntermediate => refused(
                Some((20, "unable to get local issuer certificate")),
                (48, "unknown ca"),
            ),
            LabScenario::ExpiredClientCertificate => refused(
                Some((10, "certificate has expired")),
                (45, "certificate expired"),
            ),
            LabScenario::NotYetValidClientCertificate => refused(
                Some((9, "certificate is not yet valid")),
                (42, "bad certificate"),
            ),
            LabScenario::ServerCertificateAsClient => refused(
                Some((26, "unsuitable certificate purpose")),
                (43, "unsupported certificate"),
            ),
            LabScenario::WrongServerName => Some(OpensslReason {
                refused_by: Side::Client,
                verify_error: Some((62, "hostname mismatch")),
                alert: (42, "bad certificate"),
            }),
            LabScenario::IssuedByNonCa => {
                refused(Some((79, "invalid CA certificate")), (48, "unknown ca"))
            }
            LabScenario::PathLengthExceeded => refused(
                Some((25, "path length constraint exceeded")),
                (48, "unknown ca"),
            ),
            LabScenario::MismatchedKey => refused(None, (51, "decrypt error")),
            LabScenario::RevokedClientCertificate => refused(
                Some((23, "certificate revoked")),
                (44, "certificate revoked"),
            ),
            LabScenario::ExpiredCrl => {
                refused(Some((12, "CRL has expired")), (45, "certificate expired"))
            }
            LabScenario::NoCrlForIntermediate => refused(
                Some((3, "unable to get certificate CRL")),
                (48, "unknown ca"),
            ),
        }
    }

    pub fn needs_intermediates(self) -> bool {
        matches!(
            self,
            LabScenario::MissingIntermediate
                | LabScenario::PathLengthExceeded
                | LabScenario::NoCrlForIntermediate
        )
    }
}

/// Step 8's names for one of its runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step8Names {
    /// The run's heading.
    pub title: &'static str,
    /// `step8-{stem}` is the run's anchor and the stem of its files.
    pub stem: &'static str,
    /// The run's `data-scenario`.
    pub name: &'static str,
}

/// openssl's verdict on a row's files: the side that refuses, the verify error it prints
/// (`verify error:num=N:text`), and the alert the other side then receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpensslReason {
    pub refused_by: Side,
    pub verify_error: Option<(u32, &'static str)>,
    /// The alert's number and the words openssl prints for it (`alert unknown ca`).
    pub alert: (u8, &'static str),
}

impl OpensslReason {
    /// One line for the page: what openssl says about the same files.
    pub fn sentence(&self) -> String {
        let who = match self.refused_by {
            Side::Client => "s_client",
            _ => "s_server",
        };
        let (code, words) = self.alert;
        match self.verify_error {
            Some((num, text)) => format!(
                "openssl: {who} refuses with \"verify error:num={num}:{text}\" and sends alert {code} ({words})."
            ),
            None => format!("openssl: {who} refuses and sends alert {code} ({words})."),
        }
    }
}

/// Everything one scenario runs with, so the same files can go to openssl.
#[derive(Clone, Debug)]
pub struct Setup {
    pub scenario: LabScenario,
    pub server: ServerSide,
    pub client: ClientSide,
    pub version: TlsVersion,
}

#[derive(Clone, Debug)]
pub struct LabRun {
    pub scenario: LabScenario,
    pub outcome: Outcome,
}

impl LabRun {
    pub fn verdict(&self) -> Verdict {
        Verdict::of(&self.outcome)
    }

    pub fn as_expected(&self) -> bool {
        self.verdict() == self.scenario.expected()
    }
}

/// Builds and runs one scenario.
pub fn run(workshop: &Workshop, scenario: LabScenario, now: u64) -> Result<LabRun, PkiError> {
    run_with(&LabInputs::of(workshop), scenario, now)
}

/// Builds and runs one scenario from the workshop's files, wherever they were copied to.
pub fn run_with(inputs: &LabInputs, scenario: LabScenario, now: u64) -> Result<LabRun, PkiError> {
    Ok(judge(&setup(inputs, scenario, now)?))
}

impl Setup {
    /// The handshake to run, here or in a worker.
    pub fn job(self) -> HandshakeJob {
        HandshakeJob {
            server: self.server,
            client: self.client,
            version: self.version,
        }
    }
}

/// Runs a scenario's handshake on files already made, so another judge can get the same ones.
pub fn judge(setup: &Setup) -> LabRun {
    LabRun {
        scenario: setup.scenario,
        outcome: tls::run(&setup.server, &setup.client, setup.version),
    }
}

/// The certificates, keys and trust stores a scenario uses, fresh ones made with the
/// workshop's own CAs and keys. Each scenario reads only the files it uses, so step 8's runs
/// need no more than step 8 does: not B's intermediate (step 4), nor C's CA keys.
pub fn setup(inputs: &LabInputs, scenario: LabScenario, now: u64) -> Result<Setup, PkiError> {
    if scenario.needs_intermediates() && !inputs.use_intermediates {
        return Err(PkiError::input(
            InputField::Lab,
            "This scenario needs the intermediate CAs; switch them on and run the steps.",
        ));
    }
    let c_chain = inputs.chain();
    let c_intermediates = &c_chain[..c_chain.len().saturating_sub(1)];
    let with_c_intermediates = |leaf: Certificate| {
        std::iter::once(leaf)
            .chain(c_intermediates.iter().cloned())
            .collect::<Vec<_>>()
    };
    let c_server = inputs.need_certificate(Party::CServer)?;
    let c_server_key = inputs.need_key(Party::CServer)?;
    let mut server = ServerSide {
        chain: with_c_intermediates(c_server.clone()),
        key: c_server_key.clone(),
        trusted_client_cas: c_chain.clone(),
        revocation: None,
    };
    let b_client_key = || inputs.need_key(Party::BClient);
    // B's certificate from step 6, sent with C's intermediates, and B's key: the seed's run.
    let signed_b = || -> Result<_, PkiError> {
        let leaf = inputs.need_certificate(Party::BClient)?;
        Ok((with_c_intermediates(leaf), b_client_key()?))
    };
    let mut client = ClientSide {
        identity: None,
        trusted_server_cas: c_chain.clone(),
        server_name: inputs.server_name.clone(),
        skip_key_check: false,
    };
    let version = match scenario {
        LabScenario::GoodRun => TlsVersion::Tls13,
        LabScenario::GoodRunTls12 => TlsVersion::Tls12,
        _ => inputs.tls_version,
    };
    let b_subject = &inputs.b_subject;
    // A client certificate for B's key, issued by `issuer` with `profile`, valid from `start`.
    let client_cert = |issuer: (&Certificate, &PrivateKey), start: u64, days: u32, p: &Profile| {
        issue_for(b_subject, &b_client_key()?, issuer, start, days, p)
    };
    match scenario {
        LabScenario::GoodRun | LabScenario::GoodRunTls12 => {
            client.identity = Some(signed_b()?);
        }
        LabScenario::NoClientCertificate => {}
        LabScenario::ClientRootAsCertificate => {
            client.identity = Some((
                vec![inputs.need_certificate(Party::BRoot)?],
                inputs.need_key(Party::BRoot)?,
            ));
        }
        LabScenario::UntrustedClientCa | LabScenario::FederatedGoodRun => {
            let (issuer, issuer_key) = inputs.b_issuer()?;
            let leaf = client_cert((&issuer, &issuer_key), now, 365, &profile::CLIENT)?;
            client.identity = Some((b_chain(inputs, leaf), b_client_key()?));
            if scenario == LabScenario::FederatedGoodRun {
                server.trusted_client_cas = b_chain_cas(inputs);
            }
        }
        LabScenario::ExpiredClientCertificate => {
            let (c_issuer, c_issuer_key) = inputs.c_issuer()?;
            let start = now.saturating_sub(31 * DAY);
            let leaf = client_cert((&c_issuer, &c_issuer_key), start, 30, &profile::CLIENT)?;
            client.identity = Some((with_c_intermediates(leaf), b_client_key()?));
        }
        LabScenario::NotYetValidClientCertificate => {
            let (c_issuer, c_issuer_key) = inputs.c_issuer()?;
            let leaf = client_cert(
                (&c_issuer, &c_issuer_key),
                now + 30 * DAY,
                365,
                &profile::CLIENT,
            )?;
            client.identity = Some((with_c_intermediates(leaf), b_client_key()?));
        }
        LabScenario::ServerCertificateAsClient => {
            client.identity = Some((server.chain.clone(), c_server_key));
        }
        LabScenario::WrongServerName => {
            client.identity = Some(signed_b()?);
            client.server_name = "not-client-c.example".into();
        }
        LabScenario::MissingIntermediate => {
            // C must not hold the missing intermediate itself, or it fills the gap: so this
            // runs in the federated model, where C trusts B's root alone.
            let (issuer, issuer_key) = inputs.b_issuer()?;
            let leaf = client_cert((&issuer, &issuer_key), now, 365, &profile::CLIENT)?;
            client.identity = Some((vec![leaf], b_client_key()?));
            server.trusted_client_cas = vec![inputs.need_certificate(Party::BRoot)?];
        }
        LabScenario::IssuedByNonCa => {
            let leaf = client_cert((&c_server, &c_server_key), now, 365, &profile::CLIENT)?;
            let mut chain = vec![leaf];
            chain.extend(server.chain.iter().cloned());
            client.identity = Some((chain, b_client_key()?));
        }
        LabScenario::PathLengthExceeded => {
            let (c_issuer, c_issuer_key) = inputs.c_issuer()?;
            let b_root_key = inputs.need_key(Party::BRoot)?;
            let sub_ca_subject = Subject::seed(
                &inputs.c_organization,
                "Extra CA",
                "Client C Sub-CA (below pathlen:0)",
            );
            let sub_ca = issue_for(
                &sub_ca_subject,
                &b_root_key,
                (&c_issuer, &c_issuer_key),
                now,
                365,
                &SUB_CA,
            )?;
            let leaf = client_cert((&sub_ca, &b_root_key), now, 365, &profile::CLIENT)?;
            let mut chain = vec![leaf, sub_ca];
            chain.extend(c_intermediates.iter().cloned());
            client.identity = Some((chain, b_client_key()?));
            server.trusted_client_cas = c_chain.last().cloned().into_iter().collect();
        }
        LabScenario::MismatchedKey => {
            let (chain, _) = signed_b()?;
            client.identity = Some((chain, inputs.other_key_like_b()?));
            client.skip_key_check = true;
        }
        LabScenario::RevokedClientCertificate => {
            let (chain, key) = signed_b()?;
            let revoked = Revoked {
                serial: chain[0].serial(),
                at: now,
                reason: Reason::KeyCompromise,
            };
            let crl = inputs.c_issuer_crl(&[revoked], now, CRL_DAYS)?;
            server.revocation = Some(revocation_check(vec![crl], false));
            client.identity = Some((chain, key));
        }
        LabScenario::ExpiredCrl => {
            client.identity = Some(signed_b()?);
            // Three days past its nextUpdate.
            let crl = inputs.c_issuer_crl(&[], now.saturating_sub(10 * DAY), CRL_DAYS)?;
            server.revocation = Some(revocation_check(vec![crl], false));
        }
        LabScenario::NoCrlForIntermediate => {
            client.identity = Some(signed_b()?);
            let crl = inputs.c_issuer_crl(&[], now, CRL_DAYS)?;
            server.revocation = Some(revocation_check(vec![crl], true));
            // rustls checks no trust anchor's revocation: were C's intermediate one, the chain
            // would end there and nothing would need the root's CRL.
            server.trusted_client_cas = c_chain.last().cloned().into_iter().collect();
        }
    }
    Ok(Setup {
        scenario,
        server,
        client,
        version,
    })
}

/// nextUpdate of the lab's CRLs, in days after thisUpdate.
const CRL_DAYS: u32 = 7;

/// C checking revocation as openssl does: a certificate no CRL speaks for is refused, and so is
/// a CRL past its nextUpdate.
fn revocation_check(crls: Vec<Crl>, whole_chain: bool) -> RevocationCheck {
    RevocationCheck {
        crls,
        whole_chain,
        allow_unknown: false,
        enforce_expiry: true,
    }
}

/// A CA with no path length limit of its own, for the pathlen scenario.
const SUB_CA: Profile = Profile {
    section: "v3_sub_ca",
    ca: Some(None),
    key_usage: profile::INTERMEDIATE_CA.key_usage,
    extended_key_usage: &[],
    openssl_extfile: "",
    days: 365,
};

/// B's chain as B's own CA issues it: leaf, then B's intermediate if there is one.
fn b_chain(inputs: &LabInputs, leaf: Certificate) -> Vec<Certificate> {
    let mut chain = vec![leaf];
    if inputs.use_intermediates {
        chain.extend(inputs.certificate(Party::BIntermediate).cloned());
    }
    chain
}

/// B's CA chain as C would load it: intermediate (if any), then root.
fn b_chain_cas(inputs: &LabInputs) -> Vec<Certificate> {
    ca_chain(
        &inputs.certs,
        inputs.use_intermediates,
        Party::BIntermediate,
        Party::BRoot,
    )
}

fn issue_for(
    subject: &Subject,
    key: &PrivateKey,
    (issuer, issuer_key): (&Certificate, &PrivateKey),
    start: u64,
    days: u32,
    profile: &Profile,
) -> Result<Certificate, PkiError> {
    let template = cert::Template {
        profile,
        days,
        sans: &[],
        now: start,
    };
    cert::issue(
        subject.to_rcgen()?,
        &key.signer()?,
        &template,
        issuer,
        issuer_key,
    )
}

/// The workshop files and settings the lab reads, in a form a Web Worker can receive.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LabInputs {
    pub use_intermediates: bool,
    pub tls_version: TlsVersion,
    pub server_name: String,
    pub b_subject: Subject,
    /// C's organisation, for the extra CA of the pathlen scenario.
    pub c_organization: String,
    pub certs: BTreeMap<Party, Certificate>,
    pub keys: BTreeMap<Party, PrivateKey>,
}

impl LabInputs {
    pub fn of(workshop: &Workshop) -> Self {
        let settings = &workshop.settings;
        LabInputs {
            use_intermediates: settings.use_intermediates,
            tls_version: settings.tls_version,
            server_name: settings.server_name(),
            b_subject: settings.b_client.subject.clone(),
            c_organization: settings.c_intermediate.subject.get("O").to_string(),
            certs: Party::ALL
                .iter()
                .filter_map(|p| workshop.certificate(*p).map(|c| (*p, c.clone())))
                .collect(),
            keys: Party::ALL
                .iter()
                .filter_map(|p| workshop.key(*p).map(|k| (*p, k.clone())))
                .collect(),
        }
    }

    fn certificate(&self, party: Party) -> Option<&Certificate> {
        self.certs.get(&party)
    }

    fn key(&self, party: Party) -> Option<&PrivateKey> {
        self.keys.get(&party)
    }

    fn need_certificate(&self, p: Party) -> Result<Certificate, PkiError> {
        self.certificate(p).cloned().ok_or_else(|| {
            PkiError::input(
                InputField::Lab,
                format!("{} does not exist yet; run all steps first.", p.label()),
            )
        })
    }

    fn need_key(&self, p: Party) -> Result<PrivateKey, PkiError> {
        self.key(p).cloned().ok_or_else(|| {
            PkiError::input(
                InputField::Lab,
                format!(
                    "{}'s key does not exist yet; run all steps first.",
                    p.label()
                ),
            )
        })
    }

    /// The CA that signs B's leaves in the seed: C's intermediate, or C's root without one.
    fn c_issuer_party(&self) -> Party {
        if self.use_intermediates {
            Party::CIntermediate
        } else {
            Party::CRoot
        }
    }

    fn c_issuer(&self) -> Result<(Certificate, PrivateKey), PkiError> {
        let p = self.c_issuer_party();
        Ok((self.need_certificate(p)?, self.need_key(p)?))
    }

    /// A CRL from C's issuing CA listing `revoked`, published at `published`.
    fn c_issuer_crl(
        &self,
        revoked: &[Revoked],
        published: u64,
        days: u32,
    ) -> Result<Crl, PkiError> {
        let (cert, key) = self.c_issuer()?;
        crl::issue(
            &cert,
            &key,
            &CrlTemplate {
                revoked,
                number: 1,
                now: published,
                days,
            },
        )
    }

    /// B's own issuing CA, for the federated model: its intermediate, or its root without one.
    fn b_issuer(&self) -> Result<(Certificate, PrivateKey), PkiError> {
        let p = if self.use_intermediates {
            Party::BIntermediate
        } else {
            Party::BRoot
        };
        Ok((self.need_certificate(p)?, self.need_key(p)?))
    }

    /// A private key of the same type as B's that is not B's: B's root key where it is one,
    /// else another of the workshop's keys, else a new one. A key of another type would make
    /// the signature fail for its algorithm, not for the key; an RSA key of another size is
    /// still an RSA key, and the page's module makes no RSA keys of its own.
    fn other_key_like_b(&self) -> Result<PrivateKey, PkiError> {
        let b_key = self.need_key(Party::BClient)?;
        let wanted = b_key.algorithm();
        let same_type = |k: &PrivateKey| {
            k.algorithm() == wanted
                || (k.algorithm().rsa_bits().is_some() && wanted.rsa_bits().is_some())
        };
        let candidates = [
            Some(Party::BRoot),
            self.use_intermediates.then_some(Party::BIntermediate),
            Some(Party::CServer),
            Some(self.c_issuer_party()),
        ];
        match candidates
            .into_iter()
            .flatten()
            .filter_map(|p| self.key(p))
            .find(|k| same_type(k) && k.pkcs8_der() != b_key.pkcs8_der())
        {
            Some(key) => Ok(key.clone()),
            None => PrivateKey::generate(wanted),
        }
    }

    /// C's CA chain, intermediate first, as the seed's chain file.
    fn chain(&self) -> Vec<Certificate> {
        ca_chain(
            &self.certs,
            self.use_intermediates,
            Party::CIntermediate,
            Party::CRoot,
        )
    }
}
