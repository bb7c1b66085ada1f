//! reproduce.sh: openssl's s_server and s_client on the row's files, started in order, their
//! output read for openssl's verdict.

use super::*;
use crate::tls::ClientAuth;

/// Single-quotes a value for bash unless it is plainly safe.
pub(super) fn quote(value: &str) -> String {
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
    lines.push(format!("{} -verify_return_error", verify_option(setup)));
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

/// Given a leaf and no -cert_chain, s_client completes B's chain from its -CAfile and sends
/// the CAs it finds there, C's intermediate included; `-verifyCAfile` trusts the same CAs
/// without doing so, so B sends its leaf alone, as the row does.
pub fn server_cas_option(setup: &Setup) -> &'static str {
    match &setup.client.identity {
        Some((chain, _)) if chain.len() == 1 => "-verifyCAfile",
        _ => "-CAfile",
    }
}

/// `-Verify 2` where C requires a client certificate, `-verify 2` where it only asks for one.
pub fn verify_option(setup: &Setup) -> &'static str {
    match setup.server.client_auth {
        ClientAuth::Required => "-Verify 2",
        ClientAuth::Optional => "-verify 2",
    }
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
    lines.push(format!("{} server-cas.crt", server_cas_option(setup)));
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
