//! The seed's steps and the files they make, as data.

use crate::pki::Certificate;
use crate::pki::{
    profile::{self, Profile},
    KeyAlgorithm, San, Subject,
};
use crate::tls::TlsVersion;
use std::collections::BTreeMap;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum StepId {
    CRoot,
    BRoot,
    CIntermediate,
    BIntermediate,
    BCsr,
    CSignsB,
    CServer,
    Handshake,
}

impl StepId {
    pub const ALL: [StepId; 8] = [
        StepId::CRoot,
        StepId::BRoot,
        StepId::CIntermediate,
        StepId::BIntermediate,
        StepId::BCsr,
        StepId::CSignsB,
        StepId::CServer,
        StepId::Handshake,
    ];

    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn title(self) -> &'static str {
        match self {
            StepId::CRoot => "Generate CA Root Certificate for Client C",
            StepId::BRoot => "Generate CA Root Certificate for Client B",
            StepId::CIntermediate => "Generate Intermediate CA Certificate for Client C (optional)",
            StepId::BIntermediate => "Generate Intermediate CA Certificate for Client B (optional)",
            StepId::BCsr => "Generate CSR from Client B to Client C",
            StepId::CSignsB => "Client C Signs the CSR and Returns the Certificate",
            StepId::CServer => "Create Server Certificate for Client C",
            StepId::Handshake => "Connection tests",
        }
    }

    /// Why the step exists, in a sentence or two, for these settings.
    pub fn why(self, settings: &Settings) -> &'static str {
        match self {
            StepId::CRoot if settings.use_intermediates => "Client C's root CA is the anchor of everything C will trust. Its key signs only the intermediate, so it can stay offline in real life.",
            StepId::CRoot => "Client C's root CA is the anchor of everything C will trust. With intermediates off, its key signs every certificate C issues: B's client certificate and C's server certificate.",
            StepId::BRoot => "Client B runs its own root CA too. In this workshop C does the signing, so B's root mainly serves the \"wrong certificate\" test: a CA certificate that C never agreed to trust.",
            StepId::CIntermediate => "An intermediate signs day-to-day certificates so the root key is rarely used. pathlen:0 means no CA may sit below it in a valid chain: only the end-entity certificates it signs will verify.",
            StepId::BIntermediate => "B's intermediate mirrors C's. Nothing below depends on it; it shows the same hierarchy on B's side.",
            StepId::BCsr => "B makes its own key and sends only a signing request. The private key never leaves B; the CSR proves B holds it.",
            StepId::CSignsB => "C signs B's request as a clientAuth certificate and sends it back with C's CA chain, so B can present it and also verify C.",
            StepId::CServer => "C needs its own server certificate, with the names clients will connect to in its subjectAltName.",
            StepId::Handshake => "Both sides prove possession of their keys and check each other's chain. C refuses a client without a certificate, and one whose certificate it did not issue.",
        }
    }

    /// The steps whose output this one consumes.
    pub fn depends_on(self, settings: &Settings) -> Vec<StepId> {
        let c_issuer = settings.c_issuer_step();
        match self {
            StepId::CRoot | StepId::BRoot | StepId::BCsr => vec![],
            StepId::CIntermediate => vec![StepId::CRoot],
            StepId::BIntermediate => vec![StepId::BRoot],
            StepId::CSignsB => vec![StepId::BCsr, c_issuer],
            StepId::CServer => vec![c_issuer],
            StepId::Handshake => vec![StepId::CSignsB, StepId::CServer, StepId::BRoot],
        }
    }

    /// The key this step generates, if it generates one.
    pub fn party(self) -> Option<Party> {
        match self {
            StepId::CRoot => Some(Party::CRoot),
            StepId::BRoot => Some(Party::BRoot),
            StepId::CIntermediate => Some(Party::CIntermediate),
            StepId::BIntermediate => Some(Party::BIntermediate),
            StepId::BCsr => Some(Party::BClient),
            StepId::CServer => Some(Party::CServer),
            StepId::CSignsB | StepId::Handshake => None,
        }
    }

    pub fn is_optional(self) -> bool {
        matches!(self, StepId::CIntermediate | StepId::BIntermediate)
    }

    pub fn id(self) -> String {
        format!("step-{}", self.number())
    }
}

/// Who owns a key, CSR or certificate.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Party {
    CRoot,
    BRoot,
    CIntermediate,
    BIntermediate,
    BClient,
    CServer,
}

impl Party {
    pub const ALL: [Party; 6] = [
        Party::CRoot,
        Party::BRoot,
        Party::CIntermediate,
        Party::BIntermediate,
        Party::BClient,
        Party::CServer,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Party::CRoot => "Client C root CA",
            Party::BRoot => "Client B root CA",
            Party::CIntermediate => "Client C intermediate CA",
            Party::BIntermediate => "Client B intermediate CA",
            Party::BClient => "Client B client certificate",
            Party::CServer => "Client C server certificate",
        }
    }

    pub fn profile(self) -> &'static Profile {
        match self {
            Party::CRoot | Party::BRoot => &profile::ROOT_CA,
            Party::CIntermediate | Party::BIntermediate => &profile::INTERMEDIATE_CA,
            Party::BClient => &profile::CLIENT,
            Party::CServer => &profile::SERVER,
        }
    }
}

/// The user's choices for one key and certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertSettings {
    pub algorithm: KeyAlgorithm,
    pub subject: Subject,
    pub days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Steps 3 and 4 are optional in the seed; without them C signs with its root.
    pub use_intermediates: bool,
    pub c_root: CertSettings,
    pub b_root: CertSettings,
    pub c_intermediate: CertSettings,
    pub b_intermediate: CertSettings,
    /// B's key and CSR subject (step 5) and the client certificate's days (step 6).
    pub b_client: CertSettings,
    pub c_server: CertSettings,
    pub server_sans: Vec<San>,
    pub tls_version: TlsVersion,
    /// Step 8's server checks the client's certificate against C's CRLs (off, as in the seed).
    pub check_revocation: bool,
    /// nextUpdate of the CRLs C publishes, in days after thisUpdate.
    pub crl_days: u32,
}

impl Default for Settings {
    /// The seed's names and lifetimes, with fast P-256 keys.
    fn default() -> Self {
        let cert = |subject: Subject, days: u32| CertSettings {
            algorithm: KeyAlgorithm::EcdsaP256,
            subject,
            days,
        };
        Settings {
            use_intermediates: true,
            c_root: cert(
                Subject::seed("Client C Organization", "IT Department", "Client C Root CA"),
                3650,
            ),
            b_root: cert(
                Subject::seed("Client B Organization", "IT Department", "Client B Root CA"),
                3650,
            ),
            c_intermediate: cert(
                Subject::seed(
                    "Client C Organization",
                    "Certificate Authority",
                    "Client C Intermediate CA",
                ),
                1825,
            ),
            b_intermediate: cert(
                Subject::seed(
                    "Client B Organization",
                    "Certificate Authority",
                    "Client B Intermediate CA",
                ),
                1825,
            ),
            b_client: cert(
                Subject::seed("Client B Organization", "Client Services", "client-b.local"),
                365,
            ),
            c_server: cert(
                Subject::seed("Client C Organization", "Server Services", "client-c.local"),
                365,
            ),
            server_sans: vec![
                San::Dns("client-c.local".into()),
                San::Dns("localhost".into()),
                San::Ip([127, 0, 0, 1].into()),
            ],
            tls_version: TlsVersion::Tls13,
            check_revocation: false,
            crl_days: 7,
        }
    }
}

impl Settings {
    /// The seed's own key choices: RSA 4096 for the CAs, RSA 2048 for the leaves.
    pub fn with_seed_key_sizes(mut self) -> Self {
        for party in [
            Party::CRoot,
            Party::BRoot,
            Party::CIntermediate,
            Party::BIntermediate,
        ] {
            self.cert_mut(party).algorithm = KeyAlgorithm::Rsa4096;
        }
        for party in [Party::BClient, Party::CServer] {
            self.cert_mut(party).algorithm = KeyAlgorithm::Rsa2048;
        }
        self
    }

    pub fn cert(&self, party: Party) -> &CertSettings {
        match party {
            Party::CRoot => &self.c_root,
            Party::BRoot => &self.b_root,
            Party::CIntermediate => &self.c_intermediate,
            Party::BIntermediate => &self.b_intermediate,
            Party::BClient => &self.b_client,
            Party::CServer => &self.c_server,
        }
    }

    pub fn cert_mut(&mut self, party: Party) -> &mut CertSettings {
        match party {
            Party::CRoot => &mut self.c_root,
            Party::BRoot => &mut self.b_root,
            Party::CIntermediate => &mut self.c_intermediate,
            Party::BIntermediate => &mut self.b_intermediate,
            Party::BClient => &mut self.b_client,
            Party::CServer => &mut self.c_server,
        }
    }

    /// The CA that signs C's leaves: the intermediate, or the root when intermediates are off.
    pub fn c_issuer(&self) -> Party {
        if self.use_intermediates {
            Party::CIntermediate
        } else {
            Party::CRoot
        }
    }

    pub fn c_issuer_step(&self) -> StepId {
        if self.use_intermediates {
            StepId::CIntermediate
        } else {
            StepId::CRoot
        }
    }

    /// Whether the step belongs to the current run (the optional ones can be switched off).
    pub fn includes(&self, step: StepId) -> bool {
        self.use_intermediates || !step.is_optional()
    }

    /// The name Client B expects Client C to have: the first DNS SAN, else the first IP.
    pub fn server_name(&self) -> String {
        self.server_sans
            .iter()
            .find(|s| matches!(s, San::Dns(_)))
            .or_else(|| self.server_sans.first())
            .map(ToString::to_string)
            .unwrap_or_else(|| "client-c.local".into())
    }

    /// A fingerprint of every setting a step reads, so a change marks it stale.
    pub fn inputs_of(&self, step: StepId) -> String {
        let mut parts = vec![format!("{:?}", step.depends_on(self))];
        match step {
            StepId::CSignsB => parts.push(format!("{}", self.b_client.days)),
            StepId::CServer => parts.push(format!("{:?}{:?}", self.c_server, self.server_sans)),
            StepId::Handshake => parts.push(format!(
                "{:?}{}{}",
                self.tls_version,
                self.server_name(),
                self.check_revocation
            )),
            _ => {}
        }
        if let Some(party) = step.party() {
            let cert = self.cert(party);
            if step == StepId::BCsr {
                parts.push(format!("{:?}{:?}", cert.algorithm, cert.subject));
            } else {
                parts.push(format!("{cert:?}"));
            }
        }
        parts.join("|")
    }
}

/// What kind of file an artifact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArtifactKind {
    Key(Party),
    Csr(Party),
    Certificate(Party),
    /// C's CA chain: the intermediate then the root (or the root alone).
    Chain,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArtifactSpec {
    /// The path in the seed's tree, relative to the workshop root.
    pub path: &'static str,
    pub step: StepId,
    pub kind: ArtifactKind,
}

impl ArtifactSpec {
    pub fn file_name(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

const fn spec(path: &'static str, step: StepId, kind: ArtifactKind) -> ArtifactSpec {
    ArtifactSpec { path, step, kind }
}

/// Every file of the seed's tree, in the order its steps make them.
pub const ARTIFACTS: [ArtifactSpec; 20] = [
    spec(
        "client_c_ca/private/client_c_root_ca.key",
        StepId::CRoot,
        ArtifactKind::Key(Party::CRoot),
    ),
    spec(
        "client_c_ca/certs/client_c_root_ca.crt",
        StepId::CRoot,
        ArtifactKind::Certificate(Party::CRoot),
    ),
    spec(
        "client_b_ca/private/client_b_root_ca.key",
        StepId::BRoot,
        ArtifactKind::Key(Party::BRoot),
    ),
    spec(
        "client_b_ca/certs/client_b_root_ca.crt",
        StepId::BRoot,
        ArtifactKind::Certificate(Party::BRoot),
    ),
    spec(
        "client_c_ca/private/client_c_intermediate_ca.key",
        StepId::CIntermediate,
        ArtifactKind::Key(Party::CIntermediate),
    ),
    spec(
        "client_c_ca/csr/client_c_intermediate_ca.csr",
        StepId::CIntermediate,
        ArtifactKind::Csr(Party::CIntermediate),
    ),
    spec(
        "client_c_ca/certs/client_c_intermediate_ca.crt",
        StepId::CIntermediate,
        ArtifactKind::Certificate(Party::CIntermediate),
    ),
    spec(
        "client_b_ca/private/client_b_intermediate_ca.key",
        StepId::BIntermediate,
        ArtifactKind::Key(Party::BIntermediate),
    ),
    spec(
        "client_b_ca/csr/client_b_intermediate_ca.csr",
        StepId::BIntermediate,
        ArtifactKind::Csr(Party::BIntermediate),
    ),
    spec(
        "client_b_ca/certs/client_b_intermediate_ca.crt",
        StepId::BIntermediate,
        ArtifactKind::Certificate(Party::BIntermediate),
    ),
    spec(
        "client_b_cert/client_b.key",
        StepId::BCsr,
        ArtifactKind::Key(Party::BClient),
    ),
    spec(
        "client_b_cert/client_b_to_client_c.csr",
        StepId::BCsr,
        ArtifactKind::Csr(Party::BClient),
    ),
    spec(
        "client_c_ca/csr/client_b_to_client_c.csr",
        StepId::BCsr,
        ArtifactKind::Csr(Party::BClient),
    ),
    spec(
        "client_c_ca/certs/client_b_signed_by_client_c.crt",
        StepId::CSignsB,
        ArtifactKind::Certificate(Party::BClient),
    ),
    spec(
        "client_b_cert/client_b_signed_by_client_c.crt",
        StepId::CSignsB,
        ArtifactKind::Certificate(Party::BClient),
    ),
    spec(
        "client_c_ca/certs/client_c_ca_chain.crt",
        StepId::CSignsB,
        ArtifactKind::Chain,
    ),
    spec(
        "client_b_cert/client_c_ca_chain.crt",
        StepId::CSignsB,
        ArtifactKind::Chain,
    ),
    spec(
        "client_c_ca/private/client_c_server.key",
        StepId::CServer,
        ArtifactKind::Key(Party::CServer),
    ),
    spec(
        "client_c_ca/csr/client_c_server.csr",
        StepId::CServer,
        ArtifactKind::Csr(Party::CServer),
    ),
    spec(
        "client_c_ca/certs/client_c_server.crt",
        StepId::CServer,
        ArtifactKind::Certificate(Party::CServer),
    ),
];

/// An organisation's CA chain as the seed's `cat` builds it: its intermediate first when
/// intermediates are on, then its root.
pub(super) fn ca_chain(
    certs: &BTreeMap<Party, Certificate>,
    use_intermediates: bool,
    intermediate: Party,
    root: Party,
) -> Vec<Certificate> {
    let mut chain = Vec::new();
    if use_intermediates {
        chain.extend(certs.get(&intermediate).cloned());
    }
    chain.extend(certs.get(&root).cloned());
    chain
}
