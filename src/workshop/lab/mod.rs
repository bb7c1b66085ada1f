//! The handshake lab: the seed's mutual handshake broken on purpose, one way per scenario,
//! each judged by the same rustls client and server as step 8.

use super::steps::ca_chain;
use super::Party;
use crate::pki::crl::{self, CrlTemplate, Reason, Revoked};
use crate::pki::profile::{self, Profile};
use crate::pki::{
    cert, Certificate, Crl, InputField, KeyAlgorithm, PkiError, PrivateKey, San, Subject,
};
use crate::tls::{
    self, ClientAuth, ClientSide, HandshakeJob, Outcome, RevocationCheck, ServerSide, Side,
    TlsVersion,
};
use std::collections::BTreeMap;

mod seed_runs;
mod setup;
mod teaching;

pub use seed_runs::SeedRuns;
pub use setup::{setup, LabInputs};
pub use teaching::OpensslReason;

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
    /// B issues its own; C's root certifies B's CA, within a name constraint.
    CrossCertified,
}

impl TrustModel {
    pub fn label(self) -> &'static str {
        match self {
            TrustModel::CSignsB => "C signs B's CSR (the seed's model)",
            TrustModel::Federated => "Federated: each issues its own, CA chains exchanged",
            TrustModel::CrossCertified => {
                "Cross-certified: C's root certifies B's CA for B's names only"
            }
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
    OptionalWithoutCertificate,
    OptionalWithCertificate,
    ClientPicksByCaNames,
    ServerOnlyEkuOnIntermediate,
    LeafOnlyCHoldsIntermediate,
    LeafOnlyCHoldsRootOnly,
    NameConstraintPermitted,
    NameConstraintViolated,
    DeepChain,
}

impl LabScenario {
    pub const ALL: [LabScenario; 26] = [
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
        LabScenario::OptionalWithoutCertificate,
        LabScenario::OptionalWithCertificate,
        LabScenario::ClientPicksByCaNames,
        LabScenario::ServerOnlyEkuOnIntermediate,
        LabScenario::LeafOnlyCHoldsIntermediate,
        LabScenario::LeafOnlyCHoldsRootOnly,
        LabScenario::NameConstraintPermitted,
        LabScenario::NameConstraintViolated,
        LabScenario::DeepChain,
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
            LabScenario::OptionalWithoutCertificate => "optional-no-cert",
            LabScenario::OptionalWithCertificate => "optional-with-cert",
            LabScenario::ClientPicksByCaNames => "picks-by-ca-names",
            LabScenario::ServerOnlyEkuOnIntermediate => "eku-on-intermediate",
            LabScenario::LeafOnlyCHoldsIntermediate => "leaf-only-c-holds-intermediate",
            LabScenario::LeafOnlyCHoldsRootOnly => "leaf-only-c-holds-root",
            LabScenario::NameConstraintPermitted => "name-constraint-permitted",
            LabScenario::NameConstraintViolated => "name-constraint-violated",
            LabScenario::DeepChain => "deep-chain",
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
            LabScenario::OptionalWithoutCertificate => {
                "Optional client authentication, no client certificate"
            }
            LabScenario::OptionalWithCertificate => {
                "Optional client authentication, with B's certificate"
            }
            LabScenario::ClientPicksByCaNames => {
                "A client that picks its certificate by the CA names C sends"
            }
            LabScenario::ServerOnlyEkuOnIntermediate => {
                "A clientAuth leaf below an intermediate whose EKU is serverAuth only"
            }
            LabScenario::LeafOnlyCHoldsIntermediate => {
                "B sends its leaf only; C holds the intermediate"
            }
            LabScenario::LeafOnlyCHoldsRootOnly => "B sends its leaf only; C holds only the root",
            LabScenario::NameConstraintPermitted => {
                "B's CA limited to client-b.local: a certificate for client-b.local"
            }
            LabScenario::NameConstraintViolated => {
                "B's CA limited to client-b.local: a certificate for other.example"
            }
            LabScenario::DeepChain => "A chain three CAs deep, against the seed's -Verify 2",
        }
    }

    pub fn model(self) -> TrustModel {
        match self {
            LabScenario::FederatedGoodRun | LabScenario::MissingIntermediate => {
                TrustModel::Federated
            }
            LabScenario::NameConstraintPermitted | LabScenario::NameConstraintViolated => {
                TrustModel::CrossCertified
            }
            _ => TrustModel::CSignsB,
        }
    }

    pub fn expected(self) -> Verdict {
        match self {
            LabScenario::GoodRun
            | LabScenario::GoodRunTls12
            | LabScenario::FederatedGoodRun
            | LabScenario::OptionalWithoutCertificate
            | LabScenario::OptionalWithCertificate
            | LabScenario::LeafOnlyCHoldsIntermediate
            | LabScenario::NameConstraintPermitted
            | LabScenario::DeepChain => Verdict::Accepted,
            LabScenario::WrongServerName => Verdict::RefusedBy(Side::Client),
            _ => Verdict::RefusedBy(Side::Server),
        }
    }

    pub fn needs_intermediates(self) -> bool {
        matches!(
            self,
            LabScenario::MissingIntermediate
                | LabScenario::PathLengthExceeded
                | LabScenario::NoCrlForIntermediate
                | LabScenario::LeafOnlyCHoldsIntermediate
                | LabScenario::LeafOnlyCHoldsRootOnly
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

/// Everything one scenario runs with, so the same files can go to openssl.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Setup {
    pub scenario: LabScenario,
    pub server: ServerSide,
    pub client: ClientSide,
    pub version: TlsVersion,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
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
