//! Every handshake-lab scenario, judged again by the real openssl with the same files:
//! `s_server -Verify 2 -verify_return_error` against `s_client -verify_return_error
//! -verify_hostname`. Both must agree on accept or reject.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::Certificate;
use mtls_lab::tls::TlsVersion;
use mtls_lab::workshop::lab::{self, LabInputs, LabScenario, Setup, Verdict};
use mtls_lab::workshop::{Settings, Workshop};
use support::{bash, free_port, text, Server, TempDir};

fn pems(certs: &[Certificate]) -> String {
    certs.iter().map(Certificate::to_pem).collect()
}

/// Writes the scenario's files and returns the s_server and s_client command lines.
fn openssl_commands(dir: &TempDir, setup: &Setup, port: u16) -> (String, String) {
    let version = setup.version.openssl_flag();
    let server = &setup.server;
    dir.write("server.crt", server.chain[0].to_pem().as_bytes());
    dir.write("server-chain.crt", pems(&server.chain[1..]).as_bytes());
    dir.write("server.key", server.key.to_pem().as_bytes());
    dir.write(
        "client-cas.crt",
        pems(&server.trusted_client_cas).as_bytes(),
    );
    let client = &setup.client;
    dir.write(
        "server-cas.crt",
        pems(&client.trusted_server_cas).as_bytes(),
    );
    let server_chain = if server.chain.len() > 1 {
        "-cert_chain server-chain.crt"
    } else {
        ""
    };
    let s_server = format!(
        "openssl s_server -accept {port} {version} -cert server.crt {server_chain} -key server.key \
         -CAfile client-cas.crt -Verify 2 -verify_return_error"
    );
    let identity = match &client.identity {
        Some((chain, key)) => {
            dir.write("client.crt", chain[0].to_pem().as_bytes());
            dir.write("client-chain.crt", pems(&chain[1..]).as_bytes());
            dir.write("client.key", key.to_pem().as_bytes());
            if chain.len() > 1 {
                "-cert client.crt -cert_chain client-chain.crt -key client.key"
            } else {
                "-cert client.crt -key client.key"
            }
        }
        None => "",
    };
    let name = &client.server_name;
    let s_client = format!(
        "openssl s_client -connect 127.0.0.1:{port} {version} {identity} -CAfile server-cas.crt \
         -verify_return_error -verify_hostname {name} -servername {name}"
    );
    (s_server, s_client)
}

fn agree_on_every_scenario(settings: Settings) {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    for scenario in LabScenario::ALL {
        let setup = lab::setup(&LabInputs::of(&workshop), scenario, unix_now()).unwrap();
        let ours = lab::run(&workshop, scenario, unix_now()).unwrap().verdict();
        let dir = TempDir::new("lab");
        let port = free_port();
        let (s_server, s_client) = openssl_commands(&dir, &setup, port);
        let server = Server::start(dir.path(), &s_server, port);
        let line = "hello-from-the-lab";
        let output = bash(
            dir.path(),
            &format!("{{ echo {line}; sleep 1; }} | {s_client} || true"),
            "",
        );
        let server_log = server.output();
        let openssl_accepted = server_log.contains(line);
        let log = format!(
            "{scenario:?}\n{s_server}\n{s_client}\ns_client:\n{}\ns_server:\n{server_log}",
            text(&output)
        );
        assert_eq!(
            openssl_accepted,
            ours == Verdict::Accepted,
            "openssl and rustls disagree on {log}"
        );
        // The refusing side is the same one where openssl can tell.
        match scenario {
            LabScenario::WrongServerName => {
                assert!(text(&output).contains("hostname mismatch"), "{log}")
            }
            LabScenario::MismatchedKey => assert!(
                text(&output).contains("does not match") || text(&output).contains("mismatch"),
                "{log}"
            ),
            _ if !openssl_accepted => assert!(
                server_log.contains("verify error")
                    || server_log.contains("peer did not return a certificate")
                    || server_log.contains("alert"),
                "{log}"
            ),
            _ => {}
        }
    }
}

#[test]
fn openssl_agrees_with_every_scenario_over_tls13() {
    agree_on_every_scenario(Settings::default());
}

#[test]
fn openssl_agrees_with_every_scenario_over_tls12() {
    agree_on_every_scenario(Settings {
        tls_version: TlsVersion::Tls12,
        ..Settings::default()
    });
}
