//! One handshake-lab row as files for openssl: the very certificates and keys rustls judged, a
//! bash script that runs `openssl s_server` and `s_client` on them and reads openssl's verdict
//! from their output, and what the page saw.

use super::export::{self, ExportFile, KeyProtection};
use super::lab::{LabRun, LabScenario, Setup};
use crate::pki::{Certificate, Crl, PkiError, PrivateKey};
use crate::tls::{RevocationCheck, Side};

mod script;

pub use script::{s_client_command, s_server_command, script, server_cas_option, verify_option};

/// The line s_client sends; s_server prints it only when the handshake succeeded.
pub const LINE: &str = "hello-from-the-lab";

/// How long the script waits for s_server to start and for openssl's verdict, in seconds.
pub const PATIENCE_SECONDS: u32 = 20;

/// What the script prints before openssl's verdict, on its last line.
pub const VERDICT_PREFIX: &str = "openssl's verdict: ";

/// What OUTCOME.txt writes before the verdict the script expects.
pub const EXPECTS_PREFIX: &str = "reproduce.sh expects: ";

/// openssl's verdict when it accepts the files.
pub const ACCEPTS: &str = "openssl: accepts.";

/// openssl's verdict when s_client will not load a key that is not its certificate's.
pub const KEY_MISMATCH: &str =
    "openssl: s_client will not start: \"error setting private key\" (\"key values mismatch\").";

/// The bundle's name, and the folder its files unpack into, for one row.
pub fn folder(scenario: LabScenario) -> String {
    format!("lab-{}", scenario.id())
}

pub fn zip_name(scenario: LabScenario) -> String {
    format!("{}.zip", folder(scenario))
}

/// A row's private keys as they go into the bundle: encrypted (PKCS#8 PBES2) or plain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyPems {
    /// Client C's key, `server.key`.
    pub server: String,
    /// Client B's key, `client.key`, when B presents a certificate in this row.
    pub client: Option<String>,
    /// Whether the keys are encrypted; the script then passes `-pass env:KEY_PASSPHRASE`.
    pub encrypted: bool,
}

impl KeyPems {
    /// The row's keys encrypted (or not) by the core's own PBES2. The page encrypts with
    /// WebCrypto instead: 100,000 PBKDF2 rounds a key in wasm are too slow for its thread.
    pub fn of(setup: &Setup, protection: &KeyProtection) -> Result<Self, PkiError> {
        protection.check()?;
        let pem = |key: &PrivateKey| {
            if protection.plain {
                Ok(key.to_pem())
            } else {
                key.to_encrypted_pem(&protection.passphrase, protection.iterations)
            }
        };
        let (server, client) = keys(setup);
        Ok(KeyPems {
            server: pem(server)?,
            client: client.map(pem).transpose()?,
            encrypted: !protection.plain,
        })
    }
}

/// The private keys a row's bundle holds: C's server key, and B's when B has an identity.
pub fn keys(setup: &Setup) -> (&PrivateKey, Option<&PrivateKey>) {
    (
        &setup.server.key,
        setup.client.identity.as_ref().map(|(_, key)| key),
    )
}

fn pems(certs: &[Certificate]) -> String {
    certs.iter().map(Certificate::to_pem).collect()
}

/// The CRLs C holds, as `crls.pem`.
pub const CRLS_FILE: &str = "crls.pem";

/// C's CAs then its CRLs, for `-CAfile` when C holds more than one CRL.
pub const CAS_AND_CRLS_FILE: &str = "client-cas-crls.pem";

/// What C checks revocation with, if it does.
fn revocation(setup: &Setup) -> Option<&RevocationCheck> {
    setup.server.revocation.as_ref()
}

/// s_server's `-CRL` reads only the first CRL of its file, so more than one go into the
/// `-CAfile`, which reads every certificate and CRL in its file.
fn crls_in_ca_file(setup: &Setup) -> bool {
    revocation(setup).is_some_and(|check| check.crls.len() > 1)
}

fn crl_pems(check: &RevocationCheck) -> String {
    check.crls.iter().map(Crl::to_pem).collect()
}

/// The row's files, each under the row's folder: the certificates, trust stores and keys
/// rustls judged, `reproduce.sh` and `OUTCOME.txt`.
pub fn files(setup: &Setup, run: &LabRun, keys: &KeyPems) -> Vec<ExportFile> {
    let dir = folder(setup.scenario);
    let mut files = Vec::new();
    let mut add = |name: &str, contents: String| {
        files.push(ExportFile {
            path: format!("{dir}/{name}"),
            contents,
        })
    };
    let server = &setup.server;
    add(
        "server.crt",
        pems(server.chain.get(..1).unwrap_or_default()),
    );
    if server.chain.len() > 1 {
        add("server-chain.crt", pems(&server.chain[1..]));
    }
    add("server.key", keys.server.clone());
    add("client-cas.crt", pems(&server.trusted_client_cas));
    if let Some(check) = revocation(setup) {
        add(CRLS_FILE, crl_pems(check));
        if crls_in_ca_file(setup) {
            add(
                CAS_AND_CRLS_FILE,
                pems(&server.trusted_client_cas) + &crl_pems(check),
            );
        }
    }
    add("server-cas.crt", pems(&setup.client.trusted_server_cas));
    if let (Some((chain, _)), Some(key)) = (&setup.client.identity, &keys.client) {
        add("client.crt", pems(chain.get(..1).unwrap_or_default()));
        if chain.len() > 1 {
            add("client-chain.crt", pems(&chain[1..]));
        }
        add("client.key", key.clone());
    }
    add("reproduce.sh", script(setup, run, keys.encrypted));
    add("OUTCOME.txt", outcome(setup, run, keys.encrypted));
    files
}

/// The row's bundle as a zip.
pub fn zip(setup: &Setup, run: &LabRun, keys: &KeyPems) -> Result<Vec<u8>, export::ArchiveError> {
    export::zip(&files(setup, run, keys))
}

/// What openssl is expected to say about the row's files: the row's own `openssl_reason`, or
/// that it accepts.
pub fn openssl_expected(setup: &Setup) -> String {
    match setup.scenario.openssl_reason(setup.version) {
        Some(reason) => reason.sentence(),
        None => ACCEPTS.into(),
    }
}

/// The verdict `reproduce.sh` should print. It matches `openssl_expected` except for the
/// mismatched key, which s_client refuses to load before it connects.
pub fn script_expects(setup: &Setup) -> String {
    if s_client_refuses_to_start(setup) {
        KEY_MISMATCH.into()
    } else {
        openssl_expected(setup)
    }
}

fn s_client_refuses_to_start(setup: &Setup) -> bool {
    setup.scenario == LabScenario::MismatchedKey
}

/// rustls's verdict as the page showed it.
fn rustls_verdict(run: &LabRun) -> Vec<(&'static str, String)> {
    let mut lines = vec![("rustls's verdict", run.verdict().label())];
    match &run.outcome.result {
        Ok(established) => lines.push((
            "Connection",
            format!("{} {}", established.version, established.cipher_suite),
        )),
        Err(failure) => {
            lines.push(("Refused by", failure.side.label().to_string()));
            lines.push(("Reason", failure.error.sentence(failure.side)));
            if !failure.error.rustls_name.is_empty() {
                lines.push(("rustls's name", failure.error.rustls_name.clone()));
            }
            if let Some(peer) = &failure.peer_error {
                let other = match failure.side {
                    Side::Server => Side::Client,
                    _ => Side::Server,
                };
                lines.push(("The other side", peer.sentence(other)));
                if !peer.rustls_name.is_empty() {
                    lines.push(("Its rustls name", peer.rustls_name.clone()));
                }
            }
        }
    }
    lines
}

/// `OUTCOME.txt`: the row, its TLS version, rustls's verdict and reason, and what openssl is
/// expected to say about the same files.
pub fn outcome(setup: &Setup, run: &LabRun, encrypted: bool) -> String {
    let scenario = setup.scenario;
    let (why, fix) = scenario.explanation();
    let mut fields = vec![
        ("Row", format!("{} ({})", scenario.title(), scenario.id())),
        ("Trust model", scenario.model().label().to_string()),
        ("TLS version", setup.version.label().to_string()),
        ("Expected", scenario.expected().label()),
    ];
    if let Some(check) = revocation(setup) {
        fields.push(("Revocation", revocation_summary(check)));
    }
    fields.extend(rustls_verdict(run));
    fields.push(("openssl expected", openssl_expected(setup)));
    let mut text = String::from(
        "mTLS Lab: one handshake-lab row, to reproduce with openssl\n\
         ===========================================================\n\n\
         What the page saw:\n\n",
    );
    for (label, value) in &fields {
        text.push_str(&format!("{:<18}{value}\n", format!("{label}:")));
    }
    text.push_str(&format!("\n{EXPECTS_PREFIX}{}\n", script_expects(setup)));
    text.push_str(&format!("\nWhy: {why}\nFix: {fix}\n"));
    if let Some(note) = scenario.openssl_note() {
        text.push_str(&format!("openssl and rustls: {note}\n"));
    }
    text.push_str(&format!(
        "\nThe files are the very ones rustls judged:\n\n{}\n\
         Run it from this folder with openssl 3 and bash:\n\n{}    bash reproduce.sh\n\n\
         The script starts s_server on a free port, connects s_client, sends a line, waits for the \
         outcome in their output, prints both sides' output (all of it stays in s_server.log and \
         s_client.log) and ends with openssl's verdict. It exits 0 when openssl says what the \
         page expected, 1 when it says something else, 2 when openssl could not run.\n",
        file_list(setup),
        if encrypted {
            "    read -rsp 'Key passphrase: ' KEY_PASSPHRASE && echo && export KEY_PASSPHRASE\n"
        } else {
            ""
        }
    ));
    text
}

/// How C checks revocation in this row, in one line.
fn revocation_summary(check: &RevocationCheck) -> String {
    let what = if check.whole_chain {
        "C checks every certificate of B's chain (s_server -crl_check_all; rustls's default)"
    } else {
        "C checks B's certificate only (s_server -crl_check; rustls's only_check_end_entity_revocation)"
    };
    let count = match check.crls.len() {
        1 => "1 CRL".to_string(),
        n => format!("{n} CRLs"),
    };
    let expiry = if check.enforce_expiry {
        "refusing one past its nextUpdate"
    } else {
        "ignoring nextUpdate (openssl does not)"
    };
    format!("{what} against {count} in {CRLS_FILE}, {expiry}")
}

fn file_list(setup: &Setup) -> String {
    let mut lines = vec![(
        "server.crt",
        "Client C's server certificate (s_server -cert)",
    )];
    if setup.server.chain.len() > 1 {
        lines.push((
            "server-chain.crt",
            "the CAs C sends after it (s_server -cert_chain)",
        ));
    }
    lines.push(("server.key", "its private key (s_server -key)"));
    if crls_in_ca_file(setup) {
        lines.push(("client-cas.crt", "the CAs C trusts for clients"));
        lines.push((
            CRLS_FILE,
            "the CRLs C checks B's chain against, issuing CA's first",
        ));
        lines.push((
            CAS_AND_CRLS_FILE,
            "both in one file (s_server -CAfile: it reads every CRL, -CRL only the first)",
        ));
    } else {
        lines.push((
            "client-cas.crt",
            "the CAs C trusts for clients (s_server -CAfile)",
        ));
        if revocation(setup).is_some() {
            lines.push((
                CRLS_FILE,
                "the CRL C checks B's chain against (s_server -CRL)",
            ));
        }
    }
    lines.push((
        "server-cas.crt",
        match server_cas_option(setup) {
            "-CAfile" => "the CAs B trusts for servers (s_client -CAfile)",
            _ => "the CAs B trusts for servers (s_client -verifyCAfile, so that B sends its leaf alone)",
        },
    ));
    match &setup.client.identity {
        Some((chain, _)) => {
            lines.push(("client.crt", "the certificate B presents (s_client -cert)"));
            if chain.len() > 1 {
                lines.push((
                    "client-chain.crt",
                    "the CAs B sends after it (s_client -cert_chain)",
                ));
            }
            lines.push((
                "client.key",
                "the private key B uses with it (s_client -key)",
            ));
        }
        None => lines.push(("(no client.crt)", "B presents no certificate in this row")),
    }
    lines
        .iter()
        .map(|(name, what)| format!("    {name:<18}{what}\n"))
        .collect()
}

#[cfg(test)]
mod tests;
