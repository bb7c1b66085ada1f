//! Every handshake-lab scenario, judged again by the real openssl with the very files rustls
//! judged: `s_server -Verify 2 -verify_return_error` against `s_client -verify_return_error
//! -verify_hostname`. Both must agree on the verdict, on the side that refuses, and on the
//! reason: each row names the openssl verify error and alert that mean what rustls's error
//! means, and the test asserts both.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::{Certificate, Crl};
use mtls_lab::tls::Side;
use mtls_lab::tls::TlsVersion;
use mtls_lab::workshop::lab::{self, LabInputs, LabScenario, Setup, Verdict};
use mtls_lab::workshop::reproduce;
use mtls_lab::workshop::{Settings, Workshop};
use support::{wait_until, Client, Server, TempDir};

fn pems(certs: &[Certificate]) -> String {
    certs.iter().map(Certificate::to_pem).collect()
}

/// Writes the scenario's files and returns the s_server and s_client command lines.
fn openssl_commands(dir: &TempDir, setup: &Setup) -> (String, String) {
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
    let mut ca_file = "client-cas.crt";
    let mut revocation = String::new();
    if let Some(check) = &server.revocation {
        let crls: String = check.crls.iter().map(Crl::to_pem).collect();
        dir.write("crls.pem", crls.as_bytes());
        revocation = if check.whole_chain {
            "-crl_check_all".into()
        } else {
            "-crl_check".into()
        };
        if check.crls.len() > 1 {
            // s_server's -CRL reads only the first CRL of its file; -CAfile reads them all.
            let cas = pems(&server.trusted_client_cas) + &crls;
            dir.write("client-cas-crls.pem", cas.as_bytes());
            ca_file = "client-cas-crls.pem";
        } else if !check.crls.is_empty() {
            revocation.push_str(" -CRL crls.pem");
        }
    }
    let verify = reproduce::verify_option(setup);
    let s_server = format!(
        "openssl s_server -accept 8443 {version} -cert server.crt {server_chain} -key server.key \
         -CAfile {ca_file} {verify} -verify_return_error {revocation}"
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
    let server_cas = reproduce::server_cas_option(setup);
    let s_client = format!(
        "openssl s_client -connect 127.0.0.1:PORT {version} {identity} {server_cas} server-cas.crt \
         -verify_return_error -verify_hostname {name} -servername {name}"
    );
    (s_server, s_client)
}

fn agree_on_every_scenario(settings: Settings) {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    let line = "hello-from-the-lab";
    for scenario in LabScenario::ALL {
        // One setup: rustls and openssl judge the very same certificates and keys.
        let setup = lab::setup(&LabInputs::of(&workshop), scenario, unix_now()).unwrap();
        let ours = lab::judge(&setup);
        let dir = TempDir::new("lab");
        let (s_server, s_client) = openssl_commands(&dir, &setup);
        let server = Server::s_server(dir.path(), &s_server);
        let s_client = s_client.replace("PORT", &server.port.to_string());
        let client = Client::start(dir.path(), &s_client, line);
        let reason = scenario.openssl_reason(setup.version);
        let headline = ours.outcome.headline();
        let context = format!(
            "{scenario:?} ({:?}): ours: {headline}\n{s_server}\n{s_client}",
            setup.version
        );
        match (scenario, reason) {
            (_, None) => {
                assert_eq!(ours.verdict(), Verdict::Accepted, "{context}");
                let (done, c, s) = wait_until(&client, &server, |_, s| s.contains(line));
                assert!(done, "openssl refused what rustls accepted: {context}\ns_client:\n{c}\ns_server:\n{s}");
                // What C's application learns of the client: s_server prints the certificate it
                // accepted, and nothing when there was none.
                let identity = setup.client.identity.is_some();
                assert_eq!(s.contains("Client certificate"), identity, "{context}\n{s}");
                let subject = ours
                    .outcome
                    .result
                    .as_ref()
                    .unwrap()
                    .client_subject
                    .is_some();
                assert_eq!(subject, identity, "{context}");
            }
            // s_client, like rustls by default, will not start with a key that is not the
            // certificate's; `mismatched_key_is_refused_by_s_server` lets s_server judge it.
            (LabScenario::MismatchedKey, Some(_)) => {
                let (done, c, s) = wait_until(&client, &server, |c, _| {
                    c.contains("error setting private key") && c.contains("key values mismatch")
                });
                assert!(done, "{context}\ns_client:\n{c}\ns_server:\n{s}");
            }
            (_, Some(reason)) => {
                assert_eq!(
                    ours.verdict(),
                    Verdict::RefusedBy(reason.refused_by),
                    "{context}"
                );
                let (code, words) = reason.alert;
                let verify = reason
                    .verify_error
                    .map(|(num, text)| format!("verify error:num={num}:{text}"));
                let alert = [format!("alert {words}"), format!("SSL alert number {code}")];
                // The refusing side prints the verify error; the other side reads the alert.
                let (done, c, s) = wait_until(&client, &server, |c, s| {
                    let (refuser, other) = match reason.refused_by {
                        Side::Client => (c, s),
                        _ => (s, c),
                    };
                    verify.as_ref().is_none_or(|v| refuser.contains(v.as_str()))
                        && alert.iter().all(|a| other.contains(a.as_str()))
                        // s_client prints the names C asked for on stdout, which may come
                        // after the alert on stderr.
                        && (scenario != LabScenario::ClientPicksByCaNames
                            || acceptable_ca_names(c).is_some())
                });
                assert!(
                    done,
                    "openssl did not refuse for {verify:?} / {alert:?}: {context}\ns_client:\n{c}\ns_server:\n{s}"
                );
                assert!(!s.contains(line), "{context}\n{s}");
                if scenario == LabScenario::ClientPicksByCaNames {
                    // C names its own CAs and not B's, which s_client prints.
                    let names = acceptable_ca_names(&c).unwrap_or_default();
                    assert!(names.contains("Client C"), "{context}\n{c}");
                    assert!(!names.contains("Client B"), "{context}\n{c}");
                }
                if scenario == LabScenario::NoCrlForIntermediate {
                    // s_server names the certificate before the error: C's intermediate, above B's.
                    let at = s.find("verify error:num=3:").unwrap();
                    let depth = s[..at].lines().last().unwrap_or_default();
                    assert!(depth.starts_with("depth=1 "), "{context}\n{s}");
                }
            }
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

/// The mismatched-key row judged by a real server: our rustls client, told not to check its
/// own key, connects over TCP to `openssl s_server -Verify 2 -verify_return_error`, which
/// refuses B's CertificateVerify, as the in-memory server does.
#[test]
fn mismatched_key_is_refused_by_s_server() {
    use std::io::{Read, Write};
    for version in [TlsVersion::Tls13, TlsVersion::Tls12] {
        let mut workshop = Workshop::new(Settings {
            tls_version: version,
            ..Settings::default()
        });
        workshop.run_all(unix_now()).unwrap();
        let setup = lab::setup(
            &LabInputs::of(&workshop),
            LabScenario::MismatchedKey,
            unix_now(),
        )
        .unwrap();
        assert!(setup.client.skip_key_check);
        let dir = TempDir::new("mismatched");
        let (s_server, _) = openssl_commands(&dir, &setup);
        let server = Server::s_server(dir.path(), &s_server);
        let connection = mtls_lab::tls::handshake::client_connection(&setup.client, version)
            .expect("the client is configured");
        let socket = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        socket
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let mut stream = rustls::StreamOwned::new(connection, socket);
        let error = stream
            .write_all(b"hello-from-the-lab\n")
            .and_then(|()| stream.flush())
            .and_then(|()| stream.read(&mut [0u8; 64]).map(|_| ()))
            .expect_err("s_server must refuse the signature");
        let refusal = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
            .cloned();
        assert_eq!(
            refusal,
            Some(rustls::Error::AlertReceived(
                rustls::AlertDescription::DecryptError
            )),
            "{version:?}: {error}\ns_server:\n{}",
            server.log()
        );
        assert!(
            server.wait_for("bad signature"),
            "{version:?}:\n{}",
            server.log()
        );
        let log = server.log();
        assert!(!log.contains("hello-from-the-lab"), "{log}");
    }
}

#[test]
fn openssl_agrees_with_every_scenario_on_the_seed_rsa_tree() {
    agree_on_every_scenario(Settings {
        tls_version: TlsVersion::Tls12,
        ..Settings::default().with_seed_key_sizes()
    });
}

/// Runs s_server and s_client on `setup`'s files until `done` holds of their output.
fn openssl_on(
    setup: &Setup,
    edit: impl Fn(String) -> String,
    done: impl Fn(&str, &str) -> bool,
) -> (bool, String, String) {
    let dir = TempDir::new("lab-crl");
    let (s_server, s_client) = openssl_commands(&dir, setup);
    let server = Server::s_server(dir.path(), &edit(s_server));
    let s_client = s_client.replace("PORT", &server.port.to_string());
    let client = Client::start(dir.path(), &s_client, "hello-from-the-lab");
    wait_until(&client, &server, done)
}

/// The whole-chain row's note and fix, held to openssl: trusting C's intermediate itself,
/// openssl still builds the chain up to the root and refuses, where rustls accepts; with the
/// root's CRL too, both accept, once s_server reads both CRLs.
#[test]
fn the_whole_chain_rows_note_and_fix_hold_in_openssl() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let setup = lab::setup(
        &LabInputs::of(&workshop),
        LabScenario::NoCrlForIntermediate,
        unix_now(),
    )
    .unwrap();
    let unknown = |c: &str, s: &str| {
        s.contains("verify error:num=3:unable to get certificate CRL")
            && c.contains("SSL alert number 48")
    };

    let mut anchored = setup.clone();
    anchored.server.trusted_client_cas = workshop.chain();
    assert!(lab::judge(&anchored).outcome.result.is_ok());
    let (done, c, s) = openssl_on(&anchored, |cmd| cmd, unknown);
    assert!(done, "s_client:\n{c}\ns_server:\n{s}");

    let fixed = support::with_root_crl(&setup, &workshop);
    let run = lab::judge(&fixed);
    assert!(run.outcome.result.is_ok(), "{}", run.outcome.headline());
    let (done, c, s) = openssl_on(
        &fixed,
        |cmd| {
            assert!(cmd.contains("-CAfile client-cas-crls.pem"), "{cmd}");
            cmd
        },
        |_, s| s.contains("hello-from-the-lab"),
    );
    assert!(done, "s_client:\n{c}\ns_server:\n{s}");
    // The same two CRLs through -CRL: s_server reads the first and still cannot tell.
    let (done, c, s) = openssl_on(
        &fixed,
        |cmd| {
            cmd.replace(
                "-CAfile client-cas-crls.pem",
                "-CAfile client-cas.crt -CRL crls.pem",
            )
        },
        unknown,
    );
    assert!(done, "s_client:\n{c}\ns_server:\n{s}");
}

/// The deep-chain row's note held to openssl: the seed's -Verify 2 lets the chain through,
/// -verify_depth 2 refuses it as too long, and -verify_depth 3 lets it through again.
#[test]
fn only_verify_depth_limits_the_chain_in_s_server() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let setup = lab::setup(
        &LabInputs::of(&workshop),
        LabScenario::DeepChain,
        unix_now(),
    )
    .unwrap();
    let line = "hello-from-the-lab";
    let served = |_: &str, s: &str| s.contains(line);
    let (done, c, s) = openssl_on(&setup, |s| s, served);
    assert!(done, "-Verify 2 alone:\ns_client:\n{c}\ns_server:\n{s}");
    let too_long = |c: &str, s: &str| {
        s.contains("verify error:num=22:certificate chain too long")
            && c.contains("SSL alert number 48")
    };
    let (done, c, s) = openssl_on(&setup, |s| s + " -verify_depth 2", too_long);
    assert!(done, "-verify_depth 2:\ns_client:\n{c}\ns_server:\n{s}");
    assert!(!s.contains(line), "{s}");
    let (done, c, s) = openssl_on(&setup, |s| s + " -verify_depth 3", served);
    assert!(done, "-verify_depth 3:\ns_client:\n{c}\ns_server:\n{s}");
}

/// The name-constraint rows' fix, held to openssl: a dNSName constraint of
/// `client-b.local` permits that name and the names below it; `.client-b.local`, with a
/// leading dot, only the names below it in openssl.
#[test]
fn a_leading_dot_in_a_dns_constraint_means_below_it_only() {
    use mtls_lab::pki::profile::{self, Profile};
    use mtls_lab::pki::{cert, KeyAlgorithm, PrivateKey, San, Subject};
    let now = unix_now();
    let verdict = |constraint: &'static str, name: &str| {
        let ca_profile = Profile {
            permitted_dns: Box::leak(Box::new([constraint])),
            ..profile::ROOT_CA
        };
        let ca_key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let template = |profile, sans| cert::Template {
            profile,
            days: 30,
            sans,
            now,
        };
        let ca = cert::self_signed(
            &Subject::seed("Client C Organization", "IT Department", "Constrained CA"),
            &ca_key,
            &template(&ca_profile, &[]),
        )
        .unwrap();
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let sans = [San::Dns(name.into())];
        let leaf = cert::issue(
            Subject::seed("Client B Organization", "Client Services", "Client B")
                .to_rcgen()
                .unwrap(),
            &key.signer().unwrap(),
            &template(&profile::CLIENT, &sans),
            &ca,
            &ca_key,
        )
        .unwrap();
        let dir = TempDir::new("constraint");
        dir.write("ca.crt", ca.to_pem().as_bytes());
        dir.write("leaf.crt", leaf.to_pem().as_bytes());
        let output = support::run_in(
            dir.path(),
            "openssl",
            &[
                "verify",
                "-CAfile",
                "ca.crt",
                "-purpose",
                "sslclient",
                "leaf.crt",
            ],
        );
        support::text(&output)
    };
    let refused = "error 47 at 0 depth lookup: permitted subtree violation";
    assert!(verdict("client-b.local", "client-b.local").contains("leaf.crt: OK"));
    assert!(verdict("client-b.local", "laptop.client-b.local").contains("leaf.crt: OK"));
    assert!(verdict(".client-b.local", "laptop.client-b.local").contains("leaf.crt: OK"));
    assert!(verdict(".client-b.local", "client-b.local").contains(refused));
    assert!(verdict("client-b.local", "other.example").contains(refused));
}

/// The CA names s_client printed as the server's request for a client certificate, once the
/// whole list is there.
fn acceptable_ca_names(s_client: &str) -> Option<&str> {
    let after = s_client
        .split("Acceptable client certificate CA names")
        .nth(1)?;
    after.split_once("---").map(|(names, _)| names)
}
