//! "Diagnose your files": a server's and a client's own files, read as they are, checked before
//! any handshake, then put through the lab's real rustls handshake over TLS 1.3 and TLS 1.2.
//! Nothing here leaves the process: the page runs it in its core worker.

pub mod errors;
mod facts;
mod files;
mod preflight;
#[cfg(test)]
mod tests;

pub use facts::{Facts, KeyKind};
pub use files::{BlockKind, BlockNote, FieldReport, MAX_CERTIFICATES, MAX_PKCS12_BYTES};
pub use preflight::{Finding, Level, Topic};

use crate::tls::handshake::{ClientAuth, ClientSide, HandshakeJob, Outcome, ServerSide};
use crate::tls::refusal::Parties;
use crate::tls::TlsVersion;
use serde_bytes::ByteBuf;

/// The side of a connection a file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Role {
    Server,
    Client,
}

impl Role {
    pub fn peer(self) -> Role {
        match self {
            Role::Server => Role::Client,
            Role::Client => Role::Server,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Role::Server => "server",
            Role::Client => "client",
        }
    }

    pub fn the(self) -> &'static str {
        match self {
            Role::Server => "The server",
            Role::Client => "The client",
        }
    }

    pub fn the_lower(self) -> &'static str {
        match self {
            Role::Server => "the server",
            Role::Client => "the client",
        }
    }

    pub fn possessive(self) -> &'static str {
        match self {
            Role::Server => "The server's",
            Role::Client => "The client's",
        }
    }

    pub fn possessive_lower(self) -> &'static str {
        match self {
            Role::Server => "the server's",
            Role::Client => "the client's",
        }
    }

    /// The openssl command that plays this side.
    pub fn openssl_tool(self) -> &'static str {
        match self {
            Role::Server => "s_server (and nginx, which loads the same way)",
            Role::Client => "s_client (and curl)",
        }
    }

    /// Where this side's trusted CAs go in openssl and nginx.
    pub fn trust_option(self) -> &'static str {
        match self {
            Role::Server => "s_server -CAfile, nginx ssl_client_certificate",
            Role::Client => "s_client -CAfile, curl --cacert",
        }
    }
}

/// The fields of one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Field {
    /// The side's certificate, then its chain; a key may be in it too.
    Certificates,
    Key,
    /// The CA certificates the side trusts for its peer.
    Trusted,
    /// A PKCS#12 file in place of the certificates and the key.
    Pkcs12,
}

/// A field of a side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FieldId {
    pub role: Role,
    pub field: Field,
}

/// One side's files, as typed, pasted or uploaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SideFiles {
    pub certificates: String,
    pub key: String,
    /// Opens an encrypted key or the PKCS#12 file.
    pub passphrase: String,
    pub trusted: String,
    pub pkcs12: Option<ByteBuf>,
}

/// Everything a diagnosis reads, so it can run in a worker.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiagnoseJob {
    pub server: SideFiles,
    pub client: SideFiles,
    /// The name the client connects to.
    pub server_name: String,
    /// Unix seconds to judge dates at.
    pub now: u64,
}

/// A handshake with the user's files, over one TLS version.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiagnosedRun {
    pub outcome: Outcome,
    /// The verdict in plain words, with "the client" and "the server" for the sides.
    pub headline: String,
}

/// What the files hold, what the checks found, and the handshakes, if both sides could run one.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnosis {
    pub fields: Vec<FieldReport>,
    pub findings: Vec<Finding>,
    pub runs: Vec<DiagnosedRun>,
    /// Why no handshake ran, where none did.
    pub no_handshake: Option<String>,
}

impl Diagnosis {
    /// The diagnosis with each run's view, as the core module sends it to the page.
    pub fn with_views(mut self) -> Self {
        self.runs = self
            .runs
            .into_iter()
            .map(|run| DiagnosedRun {
                outcome: run.outcome.with_view(),
                headline: run.headline,
            })
            .collect();
        self
    }

    /// The refusal of a field, if it was refused.
    pub fn field_error(&self, id: FieldId) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .and_then(|f| f.error.as_deref())
    }
}

impl DiagnoseJob {
    pub fn run(&self) -> Diagnosis {
        let (server, mut fields) = files::read_side(Role::Server, &self.server);
        let (client, client_fields) = files::read_side(Role::Client, &self.client);
        fields.extend(client_fields);
        let findings = preflight::check(&server, &client, &self.server_name, self.now);
        let mut diagnosis = Diagnosis {
            fields,
            findings,
            runs: Vec::new(),
            no_handshake: None,
        };
        if diagnosis.fields.iter().any(|f| f.error.is_some()) {
            diagnosis.no_handshake =
                Some("A field above could not be read; fix it to run the handshake.".into());
            return diagnosis;
        }
        let (Some(server_key), false) = (server.key.clone(), server.certificates.is_empty()) else {
            diagnosis.no_handshake = Some(
                "The server needs its certificate and its key for a handshake to start.".into(),
            );
            return diagnosis;
        };
        if self.server_name.trim().is_empty() {
            diagnosis.no_handshake =
                Some("Type the server name the client connects to, to run the handshake.".into());
            return diagnosis;
        }
        let identity = match (client.certificates.is_empty(), client.key.clone()) {
            (false, Some(key)) => Some((client.certificates.clone(), key)),
            _ => None,
        };
        let job = |version| HandshakeJob {
            server: ServerSide {
                chain: server.certificates.clone(),
                key: server_key.clone(),
                trusted_client_cas: server.trusted.clone(),
                revocation: None,
                client_auth: ClientAuth::Required,
            },
            client: ClientSide {
                identity: identity.clone(),
                trusted_server_cas: client.trusted.clone(),
                server_name: self.server_name.trim().to_string(),
                skip_key_check: false,
                picks_by_ca_names: false,
            },
            version,
        };
        diagnosis.runs = [TlsVersion::Tls13, TlsVersion::Tls12]
            .into_iter()
            .map(|version| {
                let outcome = job(version).run();
                let headline = headline(&outcome);
                DiagnosedRun { outcome, headline }
            })
            .collect();
        diagnosis
    }
}

/// "Handshake succeeded", or who refused and why, naming the sides by their role.
pub fn headline(outcome: &Outcome) -> String {
    use crate::tls::types::Side;
    match &outcome.result {
        Ok(_) => "Handshake succeeded".into(),
        Err(failure) => {
            let who = match failure.side {
                Side::Client => "the client refused",
                Side::Server => "the server refused",
                Side::Setup => "a side's configuration was refused before any byte was sent",
            };
            format!(
                "Handshake failed: {who}: {}",
                failure.error.sentence_with(failure.side, Parties::ANY)
            )
        }
    }
}
