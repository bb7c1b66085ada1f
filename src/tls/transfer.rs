//! Text forms of a handshake's inputs and of its outcome, so a Web Worker can run the
//! handshake (RSA-4096 signatures included) while the page keeps answering.

use super::handshake::{ClientSide, Established, Failure, Outcome, ServerSide, Side};
use super::keylog::{hex, Secret, SessionKeys};
use super::refusal::Refusal;
use super::trace::RecordReader;
use super::types::{Direction, TlsVersion};
use crate::pki::{Certificate, PkiError, PrivateKey};

const JOB_HEADER: &str = "mtls-lab handshake v1";
const OUTCOME_HEADER: &str = "mtls-lab outcome v1";

/// Everything one handshake run reads.
#[derive(Clone, Debug)]
pub struct HandshakeJob {
    pub server: ServerSide,
    pub client: ClientSide,
    pub version: TlsVersion,
}

impl HandshakeJob {
    pub fn run(&self) -> Outcome {
        super::run(&self.server, &self.client, self.version)
    }

    pub fn encode(&self) -> String {
        let mut lines = vec![JOB_HEADER.to_string(), version_line(self.version)];
        let certs = |lines: &mut Vec<String>, name: &str, certs: &[Certificate]| {
            lines.extend(certs.iter().map(|c| format!("{name} {}", hex(c.der()))));
        };
        certs(&mut lines, "server-cert", &self.server.chain);
        lines.push(format!("server-key {}", hex(self.server.key.pkcs8_der())));
        certs(&mut lines, "client-ca", &self.server.trusted_client_cas);
        if let Some((chain, key)) = &self.client.identity {
            certs(&mut lines, "client-cert", chain);
            lines.push(format!("client-key {}", hex(key.pkcs8_der())));
        }
        certs(&mut lines, "server-ca", &self.client.trusted_server_cas);
        lines.push(format!(
            "server-name {}",
            hex(self.client.server_name.as_bytes())
        ));
        if self.client.skip_key_check {
            lines.push("skip-key-check".into());
        }
        lines.join("\n")
    }

    pub fn decode(text: &str) -> Result<Self, PkiError> {
        let mut lines = text.lines();
        if lines.next() != Some(JOB_HEADER) {
            return Err(bad("not a handshake"));
        }
        let mut version = TlsVersion::Tls13;
        let (mut server_chain, mut client_cas, mut client_chain, mut server_cas) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut server_key, mut client_key, mut server_name) = (None, None, String::new());
        let mut skip_key_check = false;
        for line in lines {
            let (name, value) = line.split_once(' ').unwrap_or((line, ""));
            let cert = || Certificate::from_der(unhex(value)?);
            let key = || PrivateKey::from_pkcs8_der(&unhex(value)?);
            match name {
                "version" => version = parse_version(value)?,
                "server-cert" => server_chain.push(cert()?),
                "server-key" => server_key = Some(key()?),
                "client-ca" => client_cas.push(cert()?),
                "client-cert" => client_chain.push(cert()?),
                "client-key" => client_key = Some(key()?),
                "server-ca" => server_cas.push(cert()?),
                "server-name" => server_name = text_of(value)?,
                "skip-key-check" => skip_key_check = true,
                _ => return Err(bad(name)),
            }
        }
        let identity = match client_key {
            Some(key) if !client_chain.is_empty() => Some((client_chain, key)),
            None if client_chain.is_empty() => None,
            _ => return Err(bad("client identity")),
        };
        Ok(HandshakeJob {
            server: ServerSide {
                chain: server_chain,
                key: server_key.ok_or_else(|| bad("server key"))?,
                trusted_client_cas: client_cas,
            },
            client: ClientSide {
                identity,
                trusted_server_cas: server_cas,
                server_name,
                skip_key_check,
            },
            version,
        })
    }
}

/// The outcome as text: the records as sent, the secrets, and the verdict: all an outcome
/// holds, since its messages are read from the records and secrets.
pub fn encode_outcome(outcome: &Outcome) -> String {
    let mut lines = vec![OUTCOME_HEADER.to_string(), version_line(outcome.version)];
    for record in &outcome.records {
        let direction = match record.direction {
            Direction::ClientToServer => "b-to-c",
            Direction::ServerToClient => "c-to-b",
        };
        lines.push(format!("record {direction} {}", hex(&record.bytes)));
    }
    for secret in &outcome.keys.secrets {
        lines.push(format!(
            "secret {} {} {}",
            secret.label,
            hex(&secret.client_random),
            hex(&secret.secret)
        ));
    }
    let optional =
        |text: &Option<String>| text.as_deref().map_or("-".into(), |t| hex(t.as_bytes()));
    // A refusal travels as its id, its detail and rustls's name, each hex.
    let refusal = |r: &Refusal| {
        [r.id(), &r.detail(), &r.rustls_name]
            .map(|part| hex(part.as_bytes()))
            .join(":")
    };
    lines.push(match &outcome.result {
        Ok(e) => format!(
            "established {} {} {} {} {}",
            hex(e.version.as_bytes()),
            hex(e.cipher_suite.as_bytes()),
            optional(&e.client_subject),
            hex(e.client_received.as_bytes()),
            hex(e.server_received.as_bytes())
        ),
        Err(f) => format!(
            "failed {} {} {}",
            match f.side {
                Side::Client => "client",
                Side::Server => "server",
                Side::Setup => "setup",
            },
            refusal(&f.error),
            f.peer_error.as_ref().map_or("-".into(), refusal)
        ),
    });
    lines.join("\n")
}

pub fn decode_outcome(text: &str) -> Result<Outcome, PkiError> {
    let mut lines = text.lines();
    if lines.next() != Some(OUTCOME_HEADER) {
        return Err(bad("not an outcome"));
    }
    let mut version = TlsVersion::Tls13;
    let mut to_server = RecordReader::new(Direction::ClientToServer);
    let mut to_client = RecordReader::new(Direction::ServerToClient);
    let mut records = Vec::new();
    let mut keys = SessionKeys::default();
    let mut result = None;
    for line in lines {
        let parts: Vec<&str> = line.split(' ').collect();
        let optional = |value: &str| match value {
            "-" => Ok(None),
            v => text_of(v).map(Some),
        };
        match parts.as_slice() {
            ["version", v] => version = parse_version(v)?,
            ["record", "b-to-c", bytes] => records.extend(to_server.push(&unhex(bytes)?)),
            ["record", "c-to-b", bytes] => records.extend(to_client.push(&unhex(bytes)?)),
            ["secret", label, random, secret] => keys.secrets.push(Secret {
                label: label.to_string(),
                client_random: unhex(random)?,
                secret: unhex(secret)?,
            }),
            ["established", v, suite, subject, to_b, to_c] => {
                result = Some(Ok(Established {
                    version: text_of(v)?,
                    cipher_suite: text_of(suite)?,
                    client_subject: optional(subject)?,
                    client_received: text_of(to_b)?,
                    server_received: text_of(to_c)?,
                }))
            }
            ["failed", side, error, peer] => {
                let refusal = |text: &str| -> Result<Refusal, PkiError> {
                    let parts = text
                        .split(':')
                        .map(text_of)
                        .collect::<Result<Vec<_>, _>>()?;
                    match parts.as_slice() {
                        [id, detail, name] => Refusal::from_parts(id, detail, name.clone())
                            .ok_or_else(|| bad("refusal")),
                        _ => Err(bad("refusal")),
                    }
                };
                let side = match *side {
                    "client" => Side::Client,
                    "server" => Side::Server,
                    "setup" => Side::Setup,
                    _ => return Err(bad("side")),
                };
                result = Some(Err(Failure {
                    side,
                    error: refusal(error)?,
                    peer_error: match *peer {
                        "-" => None,
                        peer => Some(refusal(peer)?),
                    },
                }))
            }
            _ => return Err(bad(parts.first().copied().unwrap_or_default())),
        }
    }
    Ok(Outcome {
        version,
        records,
        result: result.ok_or_else(|| bad("verdict"))?,
        keys,
    })
}

fn version_line(version: TlsVersion) -> String {
    match version {
        TlsVersion::Tls13 => "version 1.3".into(),
        TlsVersion::Tls12 => "version 1.2".into(),
    }
}

fn parse_version(value: &str) -> Result<TlsVersion, PkiError> {
    match value {
        "1.3" => Ok(TlsVersion::Tls13),
        "1.2" => Ok(TlsVersion::Tls12),
        _ => Err(bad("version")),
    }
}

fn bad(what: &str) -> PkiError {
    PkiError::input(
        "run",
        format!("The handshake's data came back unreadable ({what})."),
    )
}

fn text_of(value: &str) -> Result<String, PkiError> {
    String::from_utf8(unhex(value)?).map_err(|_| bad("text"))
}

pub fn unhex(text: &str) -> Result<Vec<u8>, PkiError> {
    if !text.len().is_multiple_of(2) {
        return Err(bad("hex"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| bad("hex"))
        })
        .collect()
}
