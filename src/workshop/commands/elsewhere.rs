//! Using the files with other tools: nginx as Client C's mTLS server, curl as Client B.
//! Every block here is run by `tests/openssl_interop.rs` and `tests/nginx_revocation.rs`.

use super::{block, inside, CommandBlock};
use crate::workshop::revocation::{INTERMEDIATE_CRL_PATH, ROOT_CRL_PATH};
use crate::workshop::steps::Settings;

/// The one file nginx's `ssl_crl` reads: C's CRLs, joined.
pub const NGINX_CRL_PATH: &str = "client_c_ca/crl/client_c_crls.pem";

/// Where a variant of the nginx block departs from the first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nginx {
    /// Certificates required, no revocation check.
    Required,
    /// Certificates required and checked against C's CRLs.
    Crls,
    /// A certificate is checked when sent, but a client may send none.
    Optional,
}

/// C's CRL files in chain order: the issuing CA's, then the root's (only the root's without
/// intermediates).
fn crl_files(settings: &Settings) -> String {
    if settings.use_intermediates {
        format!("{INTERMEDIATE_CRL_PATH} {ROOT_CRL_PATH}")
    } else {
        ROOT_CRL_PATH.into()
    }
}

/// The `cat` that joins C's CRLs into the file `ssl_crl` reads.
fn join_crls(settings: &Settings) -> String {
    format!("cat {} > {NGINX_CRL_PATH}", crl_files(settings))
}

fn nginx(settings: &Settings, variant: Nginx) -> Vec<String> {
    let name = settings.server_name();
    let fullchain_sources = if settings.use_intermediates {
        "client_c_ca/certs/client_c_server.crt client_c_ca/certs/client_c_intermediate_ca.crt"
    } else {
        "client_c_ca/certs/client_c_server.crt"
    };
    let mut lines = vec![
        "# nginx wants the server certificate and its intermediate in one file".into(),
        format!("cat {fullchain_sources} > client_c_ca/certs/client_c_server_fullchain.crt"),
        "# and reads the key's passphrase from a file".into(),
        "(umask 077; printf '%s\\n' \"$KEY_PASSPHRASE\" > client_c_ca/private/passphrase.txt)"
            .into(),
    ];
    if variant == Nginx::Crls {
        lines.extend([
            if settings.use_intermediates {
                "# ssl_crl reads C's CRLs from one file: the intermediate's, then the root's"
            } else {
                "# ssl_crl reads C's CRL from one file: the root's, C's only CA here"
            }
            .into(),
            join_crls(settings),
        ]);
    }
    let (error_log, verify, answer) = match variant {
        Nginx::Required => ("", "on", "Hello \\$ssl_client_s_dn"),
        // nginx logs why it refused a client's certificate at the info level.
        Nginx::Crls => (" info", "on", "Hello \\$ssl_client_s_dn"),
        Nginx::Optional => ("", "optional", "\\$ssl_client_verify \\$ssl_client_s_dn"),
    };
    lines.extend([
        "mkdir -p nginx".into(),
        "cat > nginx/mtls.conf <<EOF".into(),
        "pid $PWD/nginx/nginx.pid;".into(),
        format!("error_log $PWD/nginx/error.log{error_log};"),
        "events {}".into(),
        "http {".into(),
        "    access_log $PWD/nginx/access.log;".into(),
        "    server {".into(),
        "        listen 8443 ssl;".into(),
        format!("        server_name {name};"),
        "        ssl_certificate        $PWD/client_c_ca/certs/client_c_server_fullchain.crt;"
            .into(),
        "        ssl_certificate_key    $PWD/client_c_ca/private/client_c_server.key;".into(),
        "        ssl_password_file      $PWD/client_c_ca/private/passphrase.txt;".into(),
        "        ssl_client_certificate $PWD/client_c_ca/certs/client_c_ca_chain.crt;".into(),
        format!("        ssl_verify_client      {verify};"),
        "        ssl_verify_depth       2;".into(),
    ]);
    if variant == Nginx::Crls {
        lines.push(format!(
            "        ssl_crl                $PWD/{NGINX_CRL_PATH};"
        ));
    }
    lines.extend([
        "        location / {".into(),
        "            default_type text/plain;".into(),
        format!("            return 200 \"{answer}\\n\";"),
        "        }".into(),
        "    }".into(),
        "}".into(),
        "EOF".into(),
        "nginx -c \"$PWD/nginx/mtls.conf\" -g 'daemon off;'".into(),
    ]);
    lines
}

/// nginx and curl, run from the workshop root (where the zip was unpacked) with KEY_PASSPHRASE
/// set. The nginx blocks are alternatives, each a server that runs until stopped.
pub fn snippets(settings: &Settings) -> Vec<CommandBlock> {
    let name = settings.server_name();
    vec![
        block(
            "nginx as Client C: require and verify client certificates (port 8443)",
            nginx(settings, Nginx::Required),
        ),
        CommandBlock {
            note: Some(crl_note(settings)),
            ..block(
                "nginx checking C's CRLs (instead of the block above)",
                nginx(settings, Nginx::Crls),
            )
        },
        block(
            "After C publishes new CRLs: join them again and reload nginx",
            vec![
                join_crls(settings),
                "nginx -c \"$PWD/nginx/mtls.conf\" -s reload".into(),
            ],
        ),
        block(
            "curl as Client B (in another terminal)",
            inside(
                "client_b_cert",
                vec![
                    "curl --cert client_b_signed_by_client_c.crt --key client_b.key --pass \"$KEY_PASSPHRASE\" \\".into(),
                    "    --cacert client_c_ca_chain.crt \\".into(),
                    format!("    --resolve {name}:8443:127.0.0.1 https://{name}:8443/"),
                ],
            ),
        ),
        block(
            "curl without a client certificate (nginx answers 400)",
            vec![format!(
                "curl --cacert client_b_cert/client_c_ca_chain.crt --resolve {name}:8443:127.0.0.1 https://{name}:8443/"
            )],
        ),
        CommandBlock {
            note: Some(OPTIONAL_NOTE.into()),
            ..block(
                "nginx with ssl_verify_client optional: the application decides",
                nginx(settings, Nginx::Optional),
            )
        },
    ]
}

fn crl_note(settings: &Settings) -> String {
    let cas = if settings.use_intermediates {
        "C's intermediate and root: with the intermediate's alone, nginx refuses every client \
         certificate (error.log: \"unable to get certificate CRL\")"
    } else {
        "here C's root alone, whose CRL covers B's certificate and the root itself"
    };
    format!(
        "Once ssl_crl is set, nginx checks every certificate of the client's chain against the \
         CRLs, up to and including the root (it sets OpenSSL's CRL_CHECK and CRL_CHECK_ALL), so \
         the file needs a CRL from every CA in the chain: {cas}. The CRLs come from the \
         revocation step (Publish CRLs). Publish them again before their nextUpdate, {days} days \
         after publishing, or nginx refuses every client certificate (\"CRL has expired\"). \
         nginx reads the file when it starts or reloads, so after each publication put the \
         new CRL files in client_c_ca/crl/ and run the next block. A refused certificate gets \"400 Bad Request\" with \"The SSL \
         certificate error\"; error.log, at the info level set here, names the reason, such \
         as \"client SSL certificate verify error: (23:certificate revoked)\".",
        days = settings.crl_days
    )
}

const OPTIONAL_NOTE: &str = "Two lines differ from the first block: ssl_verify_client optional, \
     and an answer that shows nginx's verdict. With optional, nginx asks for a certificate and \
     checks one that is sent, but also serves a client that sends none, with $ssl_client_verify \
     set to NONE: whatever answers the request decides what such a client may do. A certificate \
     that is sent and fails the check still gets \"400 Bad Request\" (\"The SSL certificate \
     error\"). With the curl blocks above, B gets SUCCESS and its subject; curl without a \
     certificate gets NONE.";
