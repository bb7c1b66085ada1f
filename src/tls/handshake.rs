//! A rustls client (Client B) and server (Client C) talking over memory, every record kept.

use super::decrypt::{self, Message};
use super::keylog::{Collector, SessionKeys};
use super::refusal::Refusal;
use super::trace::{Record, RecordReader};
pub use super::types::Side;
use super::types::{Direction, TlsVersion};
use super::view::RunView;
use crate::pki::{Certificate, Crl, PrivateKey};
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName,
};
use rustls::server::WebPkiClientVerifier;
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
};
use std::io::{Read, Write};
use std::sync::Arc;

/// Client C: its certificate chain (leaf first), its key, and the CAs it trusts for clients
/// (`s_server -CAfile`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ServerSide {
    pub chain: Vec<Certificate>,
    pub key: PrivateKey,
    pub trusted_client_cas: Vec<Certificate>,
    /// Whether C checks the client's certificate against CRLs, and with which.
    #[serde(default)]
    pub revocation: Option<RevocationCheck>,
    /// Whether C requires a client certificate (`s_server -Verify`) or only asks for one
    /// (`-verify`).
    #[serde(default)]
    pub client_auth: ClientAuth,
}

/// Whether the server insists on a client certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ClientAuth {
    /// A client without a certificate is refused: `s_server -Verify`, nginx `ssl_verify_client on`.
    #[default]
    Required,
    /// A client without one is served with no identity: `s_server -verify`, nginx
    /// `ssl_verify_client optional`. A certificate that is sent must still verify.
    Optional,
}

/// How C checks revocation with the CRLs it holds, as `s_server -crl_check` (the client's own
/// certificate) or `-crl_check_all` (every certificate of its chain) with `-CRL` does.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RevocationCheck {
    pub crls: Vec<Crl>,
    pub whole_chain: bool,
    /// Accept a certificate no CRL speaks for; openssl refuses it ("unable to get certificate CRL").
    pub allow_unknown: bool,
    /// Refuse a CRL past its nextUpdate, as openssl does ("CRL has expired").
    pub enforce_expiry: bool,
}

/// Client B: the identity it presents (if any), the CAs it trusts (`s_client -CAfile`) and the
/// name it expects the server to have.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ClientSide {
    pub identity: Option<(Vec<Certificate>, PrivateKey)>,
    pub trusted_server_cas: Vec<Certificate>,
    pub server_name: String,
    /// rustls, like `openssl s_client`, refuses a key that does not match the certificate
    /// before connecting. Skipping that check lets the server judge the proof of possession.
    pub skip_key_check: bool,
    /// Offer the certificate only when the server's CertificateRequest names no CA or names
    /// the issuer of a certificate of the chain, as browsers do; else send none.
    #[serde(default)]
    pub picks_by_ca_names: bool,
}

/// Everything one handshake run reads, so it can run in a worker.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct HandshakeJob {
    pub server: ServerSide,
    pub client: ClientSide,
    pub version: TlsVersion,
}

impl HandshakeJob {
    pub fn run(&self) -> Outcome {
        run(&self.server, &self.client, self.version)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// The side that refused first.
    pub side: Side,
    /// rustls's own error at that side.
    pub error: Refusal,
    /// What the other side then reported, usually the alert it received.
    pub peer_error: Option<Refusal>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Established {
    pub version: String,
    pub cipher_suite: String,
    /// Subject of the certificate Client C accepted from Client B.
    pub client_subject: Option<String>,
    /// Application data each way, proving the channel works after both sides judged.
    pub client_received: String,
    pub server_received: String,
}

/// A run as it happened: the records both sides sent, the secrets rustls derived, and the
/// verdict. Everything else (messages, fields, diagram, capture) is read from these. It crosses
/// to and from a worker as [`OutcomeForm`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "OutcomeForm", from = "OutcomeForm")]
pub struct Outcome {
    pub version: TlsVersion,
    pub records: Vec<Record>,
    pub result: Result<Established, Failure>,
    /// The secrets rustls derived, as far as the run got.
    pub keys: SessionKeys,
    /// How the page shows it, made by the core module before the outcome crosses to the page
    /// ([`Outcome::with_view`]); none where it never crosses.
    pub view: Option<Box<RunView>>,
}

/// An outcome's serialised form: each record as sent, its secrets and its verdict. The records
/// are read again on the way in.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OutcomeForm {
    version: TlsVersion,
    records: Vec<(Direction, serde_bytes::ByteBuf)>,
    result: Result<Established, Failure>,
    keys: SessionKeys,
    view: Option<Box<RunView>>,
}

impl From<Outcome> for OutcomeForm {
    fn from(outcome: Outcome) -> Self {
        OutcomeForm {
            version: outcome.version,
            records: outcome
                .records
                .into_iter()
                .map(|r| (r.direction, serde_bytes::ByteBuf::from(r.bytes)))
                .collect(),
            result: outcome.result,
            keys: outcome.keys,
            view: outcome.view,
        }
    }
}

impl From<OutcomeForm> for Outcome {
    fn from(form: OutcomeForm) -> Self {
        let mut to_server = RecordReader::new(Direction::ClientToServer);
        let mut to_client = RecordReader::new(Direction::ServerToClient);
        let mut records = Vec::new();
        for (direction, bytes) in form.records {
            let reader = match direction {
                Direction::ClientToServer => &mut to_server,
                Direction::ServerToClient => &mut to_client,
            };
            records.extend(reader.push(&bytes));
        }
        Outcome {
            version: form.version,
            records,
            result: form.result,
            keys: form.keys,
            view: form.view,
        }
    }
}

impl Outcome {
    /// The outcome with its view, as the core module sends it to the page.
    pub fn with_view(mut self) -> Self {
        self.view = Some(Box::new(RunView::of(&self)));
        self
    }

    /// Every message both sides sent, the encrypted ones opened with `keys`. Decrypts the
    /// records on each call: keep the result rather than asking again.
    pub fn messages(&self) -> Vec<Message> {
        decrypt::messages(&self.records, &self.keys, self.version)
    }

    /// "Handshake succeeded", or "Handshake failed: " with the side and the reason in plain words.
    pub fn headline(&self) -> String {
        match &self.result {
            Ok(_) => "Handshake succeeded".to_string(),
            Err(f) => format!(
                "Handshake failed: {} refused: {}",
                f.side.label(),
                f.error.sentence(f.side)
            ),
        }
    }
}

const CLIENT_MESSAGE: &[u8] = b"hello from Client B";
const SERVER_MESSAGE: &[u8] = b"hello from Client C";

/// Runs one mutual-TLS handshake and a round of application data.
pub fn run(server: &ServerSide, client: &ClientSide, version: TlsVersion) -> Outcome {
    let setup_failure = |error: rustls::Error| Outcome {
        version,
        records: Vec::new(),
        result: Err(Failure {
            side: Side::Setup,
            error: Refusal::from_rustls(&error),
            peer_error: None,
        }),
        keys: SessionKeys::default(),
        view: None,
    };
    let server_conn = match server_connection(server, version) {
        Ok(c) => c,
        Err(e) => return setup_failure(e),
    };
    let collector = Collector::new();
    let client_conn = match client_connection_logged(client, version, collector.clone()) {
        Ok(c) => c,
        Err(e) => return setup_failure(e),
    };
    let mut wire = Wire {
        client: Connection::Client(client_conn),
        server: Connection::Server(server_conn),
        to_server: RecordReader::new(Direction::ClientToServer),
        to_client: RecordReader::new(Direction::ServerToClient),
        records: Vec::new(),
    };
    let result = wire.handshake().and_then(|()| wire.exchange_data());
    Outcome {
        version,
        records: wire.records,
        result,
        keys: collector.keys(),
        view: None,
    }
}

struct Wire {
    client: Connection,
    server: Connection,
    to_server: RecordReader,
    to_client: RecordReader,
    records: Vec<Record>,
}

impl Wire {
    fn handshake(&mut self) -> Result<(), Failure> {
        // A handshake is a few flights; the bound only guards against a loop.
        for _ in 0..32 {
            let sent = self.flush(Direction::ClientToServer)?;
            let answered = self.flush(Direction::ServerToClient)?;
            if !sent && !answered {
                break;
            }
        }
        if self.client.is_handshaking() || self.server.is_handshaking() {
            return Err(Failure {
                side: Side::Setup,
                error: Refusal::other("the handshake stalled without an error"),
                peer_error: None,
            });
        }
        Ok(())
    }

    /// In TLS 1.3 the client finishes before the server has judged its certificate, so
    /// success is only claimed once data went both ways.
    fn exchange_data(&mut self) -> Result<Established, Failure> {
        let write_failed = |side: Side, e: std::io::Error| Failure {
            side,
            error: Refusal::other(e.to_string()),
            peer_error: None,
        };
        self.client
            .writer()
            .write_all(CLIENT_MESSAGE)
            .map_err(|e| write_failed(Side::Client, e))?;
        self.flush(Direction::ClientToServer)?;
        let server_received = read_all(&mut self.server);
        self.server
            .writer()
            .write_all(SERVER_MESSAGE)
            .map_err(|e| write_failed(Side::Server, e))?;
        self.flush(Direction::ServerToClient)?;
        let client_received = read_all(&mut self.client);
        let Connection::Server(server) = &self.server else {
            unreachable!("the server side is a ServerConnection")
        };
        let client_subject = server
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|leaf| Certificate::from_der(leaf.to_vec()).ok())
            .and_then(|leaf| crate::pki::inspect::certificate(&leaf).ok())
            .map(|view| view.subject);
        Ok(Established {
            version: self
                .client
                .protocol_version()
                .map(|v| format!("{v:?}").replace("TLSv1_", "TLS 1."))
                .unwrap_or_default(),
            cipher_suite: self
                .client
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default(),
            client_subject,
            client_received,
            server_received,
        })
    }

    /// Moves everything one side wants to send to the other, recording it on the way.
    /// Returns whether anything moved; an error names the side that refused.
    fn flush(&mut self, direction: Direction) -> Result<bool, Failure> {
        let (from, to, reader, receiver) = match direction {
            Direction::ClientToServer => (
                &mut self.client,
                &mut self.server,
                &mut self.to_server,
                Side::Server,
            ),
            Direction::ServerToClient => (
                &mut self.server,
                &mut self.client,
                &mut self.to_client,
                Side::Client,
            ),
        };
        let bytes = drain(from);
        if bytes.is_empty() {
            return Ok(false);
        }
        self.records.extend(reader.push(&bytes));
        if let Err(error) = deliver(to, &bytes) {
            // The refusing side queues an alert; carry it back so the trace shows it.
            let back = drain(to);
            let (back_reader, sender) = match direction {
                Direction::ClientToServer => (&mut self.to_client, &mut self.client),
                Direction::ServerToClient => (&mut self.to_server, &mut self.server),
            };
            self.records.extend(back_reader.push(&back));
            let peer_error = deliver(sender, &back)
                .err()
                .map(|e| Refusal::from_rustls(&e));
            return Err(Failure {
                side: receiver,
                error: Refusal::from_rustls(&error),
                peer_error,
            });
        }
        Ok(true)
    }
}

fn drain(conn: &mut Connection) -> Vec<u8> {
    let mut out = Vec::new();
    while conn.wants_write() {
        if conn.write_tls(&mut out).is_err() {
            break;
        }
    }
    out
}

fn deliver(conn: &mut Connection, mut bytes: &[u8]) -> Result<(), rustls::Error> {
    while !bytes.is_empty() {
        match conn.read_tls(&mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(rustls::Error::General(e.to_string())),
        }
        conn.process_new_packets()?;
    }
    Ok(())
}

fn read_all(conn: &mut Connection) -> String {
    let mut out = Vec::new();
    let _ = conn.reader().read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

static ONLY_TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
static ONLY_TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];

fn versions(version: TlsVersion) -> &'static [&'static rustls::SupportedProtocolVersion] {
    match version {
        TlsVersion::Tls13 => &ONLY_TLS13,
        TlsVersion::Tls12 => &ONLY_TLS12,
    }
}

fn roots(cas: &[Certificate]) -> Result<RootCertStore, rustls::Error> {
    let mut store = RootCertStore::empty();
    for ca in cas {
        store
            .add(CertificateDer::from(ca.der().to_vec()))
            .map_err(|e| {
                rustls::Error::General(format!("a trusted CA certificate is unusable: {e}"))
            })?;
    }
    Ok(store)
}

fn chain_der(chain: &[Certificate]) -> Vec<CertificateDer<'static>> {
    chain
        .iter()
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect()
}

fn key_der(key: &PrivateKey) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.pkcs8_der().to_vec()))
}

fn server_connection(
    server: &ServerSide,
    version: TlsVersion,
) -> Result<ServerConnection, rustls::Error> {
    let mut builder = WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots(&server.trusted_client_cas)?),
        provider(),
    );
    if let Some(check) = &server.revocation {
        builder = builder.with_crls(
            check
                .crls
                .iter()
                .map(|crl| CertificateRevocationListDer::from(crl.der().to_vec())),
        );
        if !check.whole_chain {
            builder = builder.only_check_end_entity_revocation();
        }
        if check.allow_unknown {
            builder = builder.allow_unknown_revocation_status();
        }
        if check.enforce_expiry {
            builder = builder.enforce_revocation_expiration();
        }
    }
    if server.client_auth == ClientAuth::Optional {
        builder = builder.allow_unauthenticated();
    }
    let verifier = builder
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions(version))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain_der(&server.chain), key_der(&server.key))?;
    ServerConnection::new(Arc::new(config))
}

/// Client B's rustls connection, for use over a real socket (the tests reach openssl with it).
pub fn client_connection(
    client: &ClientSide,
    version: TlsVersion,
) -> Result<ClientConnection, rustls::Error> {
    client_connection_logged(client, version, Collector::new())
}

fn client_connection_logged(
    client: &ClientSide,
    version: TlsVersion,
    key_log: Arc<Collector>,
) -> Result<ClientConnection, rustls::Error> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions(version))?
        .with_root_certificates(roots(&client.trusted_server_cas)?);
    let mut config = match &client.identity {
        Some((chain, key)) if client.picks_by_ca_names => {
            let certified = CertifiedKey::from_der(chain_der(chain), key_der(key), &provider())?;
            builder.with_client_cert_resolver(Arc::new(ByCaNames::new(chain, certified)))
        }
        Some((chain, key)) if client.skip_key_check => {
            let signing_key = provider().key_provider.load_private_key(key_der(key))?;
            let certified = CertifiedKey::new(chain_der(chain), signing_key);
            builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(certified)))
        }
        Some((chain, key)) => builder.with_client_auth_cert(chain_der(chain), key_der(key))?,
        None => builder.with_no_client_auth(),
    };
    config.key_log = key_log;
    let name = ServerName::try_from(client.server_name.clone()).map_err(|_| {
        rustls::Error::General(format!(
            "\"{}\" is not a valid server name",
            client.server_name
        ))
    })?;
    ClientConnection::new(Arc::new(config), name)
}

/// A client that offers its certificate only to a server naming one of its chain's issuers
/// among the CAs it accepts, or naming none, as browsers choose what to offer.
#[derive(Debug)]
struct ByCaNames {
    /// The issuer name of each certificate of the chain, as DER.
    issuers: Vec<Vec<u8>>,
    certified: Arc<CertifiedKey>,
}

impl ByCaNames {
    fn new(chain: &[Certificate], certified: CertifiedKey) -> Self {
        ByCaNames {
            issuers: chain.iter().filter_map(Certificate::issuer_der).collect(),
            certified: Arc::new(certified),
        }
    }
}

impl rustls::client::ResolvesClientCert for ByCaNames {
    fn resolve(
        &self,
        ca_names: &[&[u8]],
        _schemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let named = |issuer: &Vec<u8>| ca_names.contains(&issuer.as_slice());
        (ca_names.is_empty() || self.issuers.iter().any(named)).then(|| self.certified.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}
