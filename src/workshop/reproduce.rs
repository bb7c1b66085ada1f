//! One handshake-lab row as files for openssl: the very certificates and keys rustls judged, a
//! bash script that runs `openssl s_server` and `s_client` on them and reads openssl's verdict
//! from their output, and what the page saw.

use super::export::{self, ExportFile, KeyProtection};
use super::lab::{LabRun, LabScenario, Setup};
use crate::pki::{Certificate, Crl, PkiError, PrivateKey};
use crate::tls::{RevocationCheck, Side};

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
        "the CAs B trusts for servers (s_client -CAfile)",
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

/// Single-quotes a value for bash unless it is plainly safe.
fn quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._-:/@".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// The s_server command, as the script runs it (`-accept 0`: the system picks a free port).
pub fn s_server_command(setup: &Setup, encrypted: bool) -> Vec<String> {
    let mut lines = vec![format!(
        "openssl s_server -accept 0 {}",
        setup.version.openssl_flag()
    )];
    if setup.server.chain.len() > 1 {
        lines.push("-cert server.crt -cert_chain server-chain.crt".into());
    } else {
        lines.push("-cert server.crt".into());
    }
    lines.push(key_option("server.key", encrypted));
    if crls_in_ca_file(setup) {
        lines.push(format!("-CAfile {CAS_AND_CRLS_FILE}"));
    } else {
        lines.push("-CAfile client-cas.crt".into());
    }
    lines.push("-Verify 2 -verify_return_error".into());
    if let Some(check) = revocation(setup) {
        let mut flags = if check.whole_chain {
            "-crl_check_all".to_string()
        } else {
            "-crl_check".to_string()
        };
        if check.crls.len() == 1 {
            flags.push_str(&format!(" -CRL {CRLS_FILE}"));
        }
        lines.push(flags);
    }
    lines
}

/// The s_client command, connecting to the port s_server reported.
pub fn s_client_command(setup: &Setup, encrypted: bool) -> Vec<String> {
    let mut lines = vec![format!(
        "openssl s_client -connect \"localhost:$port\" {}",
        setup.version.openssl_flag()
    )];
    if let Some((chain, _)) = &setup.client.identity {
        if chain.len() > 1 {
            lines.push("-cert client.crt -cert_chain client-chain.crt".into());
        } else {
            lines.push("-cert client.crt".into());
        }
        lines.push(key_option("client.key", encrypted));
    }
    lines.push("-CAfile server-cas.crt".into());
    let name = &setup.client.server_name;
    // An address cannot travel as SNI; openssl checks it with -verify_ip instead.
    if name.parse::<std::net::IpAddr>().is_ok() {
        lines.push(format!("-verify_return_error -verify_ip {}", quote(name)));
    } else {
        let name = quote(name);
        lines.push(format!(
            "-verify_return_error -verify_hostname {name} -servername {name}"
        ));
    }
    lines
}

fn key_option(file: &str, encrypted: bool) -> String {
    if encrypted {
        format!("-key {file} -pass env:KEY_PASSPHRASE")
    } else {
        format!("-key {file}")
    }
}

/// The script's comment on how s_server checks revocation, if it does.
fn revocation_note(setup: &Setup) -> String {
    let Some(check) = revocation(setup) else {
        return String::new();
    };
    let mut note = if check.whole_chain {
        "# C checks revocation: with -crl_check_all, s_server looks up every certificate of B's chain\n\
         # in the CRLs it holds"
    } else {
        "# C checks revocation: with -crl_check, s_server looks up B's certificate in the CRLs it\n\
         # holds"
    }
    .to_string();
    note.push_str(
        " and refuses it when it is listed, when no CRL speaks for it, or when that CRL\n\
         # is past its nextUpdate.\n",
    );
    if crls_in_ca_file(setup) {
        note.push_str(
            "# s_server's -CRL reads only the first CRL of its file; -CAfile reads them all.\n",
        );
    }
    note
}

/// A command over several lines, with its output redirected and sent to the background.
fn background(lines: &[String], redirect: &str) -> String {
    let mut text = lines.join(" \\\n    ");
    text.push_str(&format!(" \\\n    {redirect} &"));
    text
}

/// `reproduce.sh`: runs the row's s_server and s_client on its files and prints openssl's
/// verdict, read from their output, beside what the page expected.
pub fn script(setup: &Setup, run: &LabRun, encrypted: bool) -> String {
    let scenario = setup.scenario;
    let expected = script_expects(setup);
    let page = match &run.outcome.result {
        Ok(_) => run.verdict().label(),
        Err(failure) => format!(
            "{}: {}",
            run.verdict().label(),
            failure.error.sentence(failure.side)
        ),
    };
    let passphrase_check = if encrypted {
        "if [ -z \"${KEY_PASSPHRASE:-}\" ]; then\n  \
         echo \"The keys are encrypted: set KEY_PASSPHRASE to the key passphrase you chose in the page first:\" >&2\n  \
         echo \"  read -rsp 'Key passphrase: ' KEY_PASSPHRASE && echo && export KEY_PASSPHRASE\" >&2\n  \
         exit 2\nfi\n"
    } else {
        "# The keys are not encrypted: no passphrase needed.\n"
    };
    let mismatch_note = if s_client_refuses_to_start(setup) {
        "\n# client.key is not client.crt's key. s_client checks the pair before it connects and\n\
         # will not start: it prints \"error setting private key\" and \"key values mismatch\". That\n\
         # is the verdict expected here. rustls refuses such a pair the same way unless told to skip\n\
         # the check, as the page does so that C can judge B's CertificateVerify (s_server then\n\
         # refuses it: \"bad signature\", alert 51 decrypt_error).\n"
    } else {
        ""
    };
    let s_server = background(
        &s_server_command(setup, encrypted),
        "<\"$work/server-in\" >s_server.log 2>&1",
    );
    let s_client = background(
        &s_client_command(setup, encrypted),
        "<\"$work/client-in\" >s_client.log 2>&1",
    );
    format!(
        r#"#!/usr/bin/env bash
# mTLS Lab, handshake lab row: {title} ({id}), {version}.
#
# Runs openssl s_server (Client C) and s_client (Client B) on the very files the page's rustls
# judged, sends a line, reads the outcome from their output and ends with openssl's verdict.
# Exit status: 0 when openssl says what the page expected, 1 when it says something else,
# 2 when openssl could not run. Their whole output stays in s_server.log and s_client.log.
#
{usage}#     bash reproduce.sh
set -u
cd "$(dirname "${{BASH_SOURCE[0]}}")" || exit 2
{passphrase_check}command -v openssl >/dev/null || {{ echo "openssl is not installed." >&2; exit 2; }}

line='{line}'
page={page}
expected={expected_quoted}
patience={patience}
{mismatch_note}
work=$(mktemp -d) || exit 2
server_pid='' client_pid=''
stop() {{
  exec 3>&- 4>&-
  [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}}
trap stop EXIT
rm -f s_server.log s_client.log
: >s_server.log
: >s_client.log
# Each side's standard input is a pipe held open, as a terminal's would be: at the end of its
# input, s_server or s_client would end the connection.
mkfifo "$work/server-in" "$work/client-in" || exit 2

# 1. Client C: s_server on a port the system picks. It prints "ACCEPT [::]:PORT" once it listens.
{revocation_note}{s_server}
server_pid=$!
exec 4>"$work/server-in"
port=''
deadline=$((SECONDS + patience))
while [ -z "$port" ]; do
  port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)[[:space:]]*$/\1/p' s_server.log | head -n 1)
  [ -n "$port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    echo "s_server did not start:" >&2
    cat s_server.log >&2
    exit 2
  fi
  sleep 0.1
done
echo "s_server listens on port $port."

# 2. Client B: s_client, which sends the line once connected.
{s_client}
client_pid=$!
exec 3>"$work/client-in"
( trap '' PIPE; printf '%s\n' "$line" ) >&3 2>/dev/null

# 3. The verdict, read from what the two printed: s_server shows B's line only once the
# handshake succeeded; otherwise one side reports the alert the other sent ("... alert unknown
# ca ... SSL alert number 48"), and the side that sent it printed its verify error, if any.
alert_in() {{
  sed -n 's/.*alert \([a-z ]*\):.*SSL alert number \([0-9][0-9]*\).*/\2 (\1)/p' "$1" | head -n 1
}}
verdict=''
decide() {{
  if grep -q 'key values mismatch' s_client.log; then
    verdict='{key_mismatch}'
    return
  fi
  if grep -qxF "$line" s_server.log; then
    verdict='{accepts}'
    return
  fi
  local alert refuser log error
  alert=$(alert_in s_server.log)
  if [ -n "$alert" ]; then
    refuser=s_client log=s_client.log
  else
    alert=$(alert_in s_client.log)
    [ -n "$alert" ] || return
    refuser=s_server log=s_server.log
  fi
  error=$(grep -o 'verify error:num=[0-9]*:.*' "$log" | head -n 1)
  if [ -n "$error" ]; then
    verdict="openssl: $refuser refuses with \"$error\" and sends alert $alert."
  else
    verdict="openssl: $refuser refuses and sends alert $alert."
  fi
}}
deadline=$((SECONDS + patience)) client_gone=''
until decide; [ -n "$verdict" ] || [ "$SECONDS" -ge "$deadline" ]; do
  if [ -z "$client_gone" ] && ! kill -0 "$client_pid" 2>/dev/null; then
    # s_client ended without a verdict yet: its peer's last words may still be on their way.
    client_gone=1 deadline=$((SECONDS + 2))
  fi
  sleep 0.1
done

relevant='ACCEPT|CONNECTED|depth=|verif|error|alert|peer did not return|mismatch|Cipher is'
echo
echo "== s_server (Client C) =="
grep -aE "$relevant" s_server.log
grep -axF "$line" s_server.log
echo
echo "== s_client (Client B) =="
grep -aE "$relevant" s_client.log
echo
echo "The page (rustls): $page"
echo "Expected from openssl: $expected"
if [ -z "$verdict" ]; then
  echo "openssl gave no verdict within $patience seconds; see s_server.log and s_client.log." >&2
  echo "{verdict_prefix}none"
  exit 2
fi
if [ "$verdict" != "$expected" ]; then
  echo "openssl's verdict is not the one the page expected." >&2
  status=1
else
  status=0
fi
echo "{verdict_prefix}$verdict"
exit "$status"
"#,
        title = scenario.title(),
        id = scenario.id(),
        version = setup.version.label(),
        line = LINE,
        page = quote(&page),
        expected_quoted = quote(&expected),
        patience = PATIENCE_SECONDS,
        revocation_note = revocation_note(setup),
        key_mismatch = KEY_MISMATCH,
        accepts = ACCEPTS,
        verdict_prefix = VERDICT_PREFIX,
        usage = if encrypted {
            "#     read -rsp 'Key passphrase: ' KEY_PASSPHRASE && echo && export KEY_PASSPHRASE\n"
        } else {
            ""
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::lab::{self, LabInputs};
    use crate::workshop::{Settings, Workshop};

    fn workshop(settings: Settings) -> Workshop {
        let mut workshop = Workshop::new(settings);
        workshop.run_all(crate::clock::unix_now()).unwrap();
        workshop
    }

    fn row(workshop: &Workshop, scenario: LabScenario) -> (Setup, LabRun) {
        let setup =
            lab::setup(&LabInputs::of(workshop), scenario, crate::clock::unix_now()).unwrap();
        let run = lab::judge(&setup);
        (setup, run)
    }

    fn plain(setup: &Setup) -> KeyPems {
        KeyPems::of(setup, &KeyProtection::plain()).unwrap()
    }

    fn names(files: &[ExportFile]) -> Vec<&str> {
        files.iter().map(|f| f.path.as_str()).collect()
    }

    fn file<'a>(files: &'a [ExportFile], name: &str) -> &'a str {
        &files
            .iter()
            .find(|f| f.file_name() == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .contents
    }

    #[test]
    fn a_row_with_a_client_identity_holds_every_file_it_was_judged_with() {
        let workshop = workshop(Settings::default());
        let (setup, run) = row(&workshop, LabScenario::GoodRun);
        let keys = KeyPems {
            server: "SERVER KEY PEM".into(),
            client: Some("CLIENT KEY PEM".into()),
            encrypted: true,
        };
        let files = files(&setup, &run, &keys);
        let expected: Vec<String> = [
            "server.crt",
            "server-chain.crt",
            "server.key",
            "client-cas.crt",
            "server-cas.crt",
            "client.crt",
            "client-chain.crt",
            "client.key",
            "reproduce.sh",
            "OUTCOME.txt",
        ]
        .iter()
        .map(|name| format!("lab-good-tls13/{name}"))
        .collect();
        assert_eq!(names(&files), expected);
        assert_eq!(file(&files, "server.crt"), setup.server.chain[0].to_pem());
        assert_eq!(
            file(&files, "server-chain.crt"),
            pems(&setup.server.chain[1..])
        );
        assert_eq!(file(&files, "server.key"), "SERVER KEY PEM");
        assert_eq!(
            file(&files, "client-cas.crt"),
            pems(&setup.server.trusted_client_cas)
        );
        assert_eq!(
            file(&files, "server-cas.crt"),
            pems(&setup.client.trusted_server_cas)
        );
        let (chain, _) = setup.client.identity.as_ref().unwrap();
        assert_eq!(file(&files, "client.crt"), chain[0].to_pem());
        assert_eq!(file(&files, "client-chain.crt"), pems(&chain[1..]));
        assert_eq!(file(&files, "client.key"), "CLIENT KEY PEM");
        assert_eq!(zip_name(LabScenario::GoodRun), "lab-good-tls13.zip");
        let zip = zip(&setup, &run, &keys).unwrap();
        assert!(zip.starts_with(b"PK\x03\x04"));
        assert!(zip.windows(26).any(|w| w == b"lab-good-tls13/OUTCOME.txt"));
    }

    #[test]
    fn keys_are_the_ones_rustls_used_encrypted_unless_asked_otherwise() {
        let workshop = workshop(Settings::default());
        // B presents C's server certificate with C's key: both files hold C's key.
        let (setup, _) = row(&workshop, LabScenario::ServerCertificateAsClient);
        let protection = KeyProtection {
            iterations: 1000,
            ..KeyProtection::encrypted("workshop passphrase")
        };
        let keys = KeyPems::of(&setup, &protection).unwrap();
        assert!(keys.encrypted);
        for pem in [&keys.server, keys.client.as_ref().unwrap()] {
            assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
            let key = PrivateKey::from_pem(pem, "workshop passphrase").unwrap();
            assert_eq!(&key, &setup.server.key);
        }
        let keys = plain(&setup);
        assert!(!keys.encrypted);
        assert_eq!(keys.server, setup.server.key.to_pem());
        assert!(KeyPems::of(&setup, &KeyProtection::encrypted("abc")).is_err());
        // The mismatched pair: B's certificate with its root CA's key, as rustls had it.
        let (setup, _) = row(&workshop, LabScenario::MismatchedKey);
        let (_, key) = setup.client.identity.as_ref().unwrap();
        assert_eq!(plain(&setup).client.as_deref(), Some(key.to_pem().as_str()));
        assert_eq!(
            key,
            workshop.key(crate::workshop::Party::BRoot).unwrap(),
            "the root's key"
        );
    }

    #[test]
    fn no_client_files_when_b_presents_no_certificate() {
        let workshop = workshop(Settings::default());
        let (setup, run) = row(&workshop, LabScenario::NoClientCertificate);
        let keys = plain(&setup);
        assert_eq!(keys.client, None);
        let files = files(&setup, &run, &keys);
        assert!(names(&files).iter().all(|n| !n.contains("/client.")));
        assert!(!names(&files)
            .iter()
            .any(|n| n.ends_with("client-chain.crt")));
        let client = s_client_command(&setup, true).join(" ");
        assert!(
            !client.contains("-cert ") && !client.contains("-key "),
            "{client}"
        );
        assert!(file(&files, "OUTCOME.txt").contains("B presents no certificate"));
    }

    #[test]
    fn without_intermediates_there_are_no_chain_files() {
        let workshop = workshop(Settings {
            use_intermediates: false,
            ..Settings::default()
        });
        let (setup, run) = row(&workshop, LabScenario::GoodRun);
        let files = files(&setup, &run, &plain(&setup));
        assert!(!names(&files).iter().any(|n| n.ends_with("-chain.crt")));
        let script = file(&files, "reproduce.sh");
        assert!(!script.contains("-cert_chain"), "{script}");
        assert!(script.contains("-cert server.crt \\\n"), "{script}");
        assert!(script.contains("-cert client.crt \\\n"), "{script}");
    }

    #[test]
    fn the_script_runs_the_rows_openssl_commands_and_reads_the_verdict_from_their_output() {
        let workshop = workshop(Settings::default());
        let (setup, run) = row(&workshop, LabScenario::UntrustedClientCa);
        let script = script(&setup, &run, true);
        assert!(script.starts_with("#!/usr/bin/env bash\n"));
        for expected in [
            "openssl s_server -accept 0 -tls1_3 \\\n    -cert server.crt -cert_chain server-chain.crt \\\n    -key server.key -pass env:KEY_PASSPHRASE \\\n    -CAfile client-cas.crt \\\n    -Verify 2 -verify_return_error \\\n",
            "openssl s_client -connect \"localhost:$port\" -tls1_3 \\\n    -cert client.crt -cert_chain client-chain.crt \\\n    -key client.key -pass env:KEY_PASSPHRASE \\\n    -CAfile server-cas.crt \\\n    -verify_return_error -verify_hostname client-c.local -servername client-c.local \\\n",
            "s/^ACCEPT .*:",
            "printf '%s\\n' \"$line\"",
            "line='hello-from-the-lab'",
            "SSL alert number",
            "verify error:num=",
            "KEY_PASSPHRASE",
        ] {
            assert!(script.contains(expected), "{expected}\n{script}");
        }
        let expected = openssl_expected(&setup);
        assert!(expected.contains("verify error:num=20:unable to get local issuer certificate"));
        assert!(
            script.contains(&format!("expected={}", quote(&expected))),
            "{script}"
        );
        assert!(script.trim_end().ends_with("exit \"$status\""), "{script}");
        // Every pause is a poll of the output, never a wait that decides the verdict.
        for line in script.lines().filter(|l| l.contains("sleep")) {
            assert_eq!(line.trim(), "sleep 0.1", "{script}");
        }
        // The page's verdict and reason, quoted for bash.
        assert!(script.contains("page='refused by Client C: Client B'\\''s certificate"));

        let plain = self::script(&setup, &run, false);
        assert!(!plain.contains("-pass"), "{plain}");
        assert!(!plain.contains("read -rsp"), "{plain}");
    }

    #[test]
    fn the_script_checks_the_name_the_row_connects_to() {
        let workshop = workshop(Settings::default());
        let (mut setup, _) = row(&workshop, LabScenario::WrongServerName);
        let client = s_client_command(&setup, true).join(" ");
        assert!(
            client
                .contains("-verify_hostname not-client-c.example -servername not-client-c.example"),
            "{client}"
        );
        assert_eq!(
            openssl_expected(&setup),
            "openssl: s_client refuses with \"verify error:num=62:hostname mismatch\" and sends alert 42 (bad certificate)."
        );
        // An address travels without SNI, and openssl checks it with -verify_ip.
        setup.client.server_name = "127.0.0.1".into();
        let client = s_client_command(&setup, true).join(" ");
        assert!(client.contains("-verify_ip 127.0.0.1"), "{client}");
        assert!(!client.contains("-servername"), "{client}");
    }

    #[test]
    fn the_mismatched_key_row_expects_s_client_to_refuse_to_start() {
        let workshop = workshop(Settings::default());
        let (setup, run) = row(&workshop, LabScenario::MismatchedKey);
        assert_eq!(script_expects(&setup), KEY_MISMATCH);
        let files = files(&setup, &run, &plain(&setup));
        let script = file(&files, "reproduce.sh");
        assert!(script.contains("will not start"), "{script}");
        assert!(script.contains("key values mismatch"), "{script}");
        let outcome = file(&files, "OUTCOME.txt");
        assert!(outcome.contains(&format!("{EXPECTS_PREFIX}{KEY_MISMATCH}")));
        // What s_server says when it judges the signature, as the row says.
        assert!(
            outcome.contains(
                "openssl expected: openssl: s_server refuses and sends alert 51 (decrypt error)."
            ),
            "{outcome}"
        );
        assert!(outcome.contains(LabScenario::MismatchedKey.openssl_note().unwrap()));
    }

    #[test]
    fn outcome_says_what_the_page_saw() {
        let workshop = workshop(Settings {
            tls_version: crate::tls::TlsVersion::Tls12,
            ..Settings::default()
        });
        let (setup, run) = row(&workshop, LabScenario::ExpiredClientCertificate);
        let failure = run.outcome.result.as_ref().unwrap_err();
        let text = outcome(&setup, &run, true);
        for expected in [
            "Row:              An expired client certificate (expired)".to_string(),
            "TLS version:      TLS 1.2".into(),
            "rustls's verdict: refused by Client C".into(),
            "Refused by:       Client C (TLS server)".into(),
            format!("Reason:           {}", failure.error.sentence(failure.side)),
            format!("rustls's name:    {}", failure.error.rustls_name),
            "openssl expected: openssl: s_server refuses with \"verify error:num=10:certificate has expired\" and sends alert 45 (certificate expired).".into(),
            format!("{EXPECTS_PREFIX}{}", openssl_expected(&setup)),
            "read -rsp 'Key passphrase: ' KEY_PASSPHRASE".into(),
        ] {
            assert!(text.contains(&expected), "{expected}\n{text}");
        }
        let (setup, run) = row(&workshop, LabScenario::GoodRunTls12);
        let text = outcome(&setup, &run, false);
        assert!(text.contains("rustls's verdict: accepted"), "{text}");
        assert!(
            text.contains(&format!("openssl expected: {ACCEPTS}")),
            "{text}"
        );
        assert!(!text.contains("read -rsp"), "{text}");
    }

    #[test]
    fn a_revocation_row_carries_its_crls_and_checks_them_as_rustls_did() {
        let workshop = workshop(Settings::default());
        for (scenario, check) in [
            (
                LabScenario::RevokedClientCertificate,
                "-crl_check -CRL crls.pem",
            ),
            (LabScenario::ExpiredCrl, "-crl_check -CRL crls.pem"),
            (
                LabScenario::NoCrlForIntermediate,
                "-crl_check_all -CRL crls.pem",
            ),
        ] {
            let (setup, run) = row(&workshop, scenario);
            let files = files(&setup, &run, &plain(&setup));
            let crls = &setup.server.revocation.as_ref().unwrap().crls;
            assert_eq!(file(&files, CRLS_FILE), crls[0].to_pem());
            assert!(!names(&files).iter().any(|n| n.ends_with(CAS_AND_CRLS_FILE)));
            let script = file(&files, "reproduce.sh");
            assert!(
                script.contains(&format!(
                    "-CAfile client-cas.crt \\\n    -Verify 2 -verify_return_error \\\n    {check} \\\n"
                )),
                "{script}"
            );
            assert!(script.contains("# C checks revocation: with -crl_check"));
            let outcome = file(&files, "OUTCOME.txt");
            assert!(outcome.contains("Revocation:       C checks"), "{outcome}");
            assert!(
                outcome.contains(
                    "crls.pem          the CRL C checks B's chain against (s_server -CRL)"
                ),
                "{outcome}"
            );
        }
        // Without revocation, nothing of it.
        let (setup, run) = row(&workshop, LabScenario::GoodRun);
        let files = files(&setup, &run, &plain(&setup));
        assert!(!names(&files).iter().any(|n| n.ends_with(".pem")));
        assert!(!file(&files, "reproduce.sh").contains("crl"));
        assert!(!file(&files, "OUTCOME.txt").contains("Revocation"));
    }

    #[test]
    fn several_crls_go_into_the_ca_file_since_s_server_crl_reads_one() {
        let workshop = workshop(Settings::default());
        let (mut setup, run) = row(&workshop, LabScenario::NoCrlForIntermediate);
        let check = setup.server.revocation.as_mut().unwrap();
        check.crls.push(check.crls[0].clone());
        let crls = crl_pems(check);
        let files = files(&setup, &run, &plain(&setup));
        assert_eq!(file(&files, CRLS_FILE), crls);
        assert_eq!(
            file(&files, CAS_AND_CRLS_FILE),
            pems(&setup.server.trusted_client_cas) + &crls
        );
        let server = s_server_command(&setup, false);
        assert!(server.contains(&format!("-CAfile {CAS_AND_CRLS_FILE}")));
        assert_eq!(server.last().unwrap(), "-crl_check_all");
        let script = file(&files, "reproduce.sh");
        assert!(script.contains("-CRL reads only the first CRL"), "{script}");
        assert!(file(&files, "OUTCOME.txt").contains("2 CRLs in crls.pem"));
    }

    #[test]
    fn quoting_for_bash() {
        assert_eq!(quote("client-c.local"), "client-c.local");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("$(x)"), "'$(x)'");
        assert_eq!(quote(""), "''");
    }
}
