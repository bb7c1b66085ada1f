use super::script::quote;
use super::*;
use crate::workshop::lab::{self, LabInputs};
use crate::workshop::{Settings, Workshop};

fn workshop(settings: Settings) -> Workshop {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(crate::clock::unix_now()).unwrap();
    workshop
}

fn row(workshop: &Workshop, scenario: LabScenario) -> (Setup, LabRun) {
    let setup = lab::setup(&LabInputs::of(workshop), scenario, crate::clock::unix_now()).unwrap();
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
        client.contains("-verify_hostname not-client-c.example -servername not-client-c.example"),
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
            outcome
                .contains("crls.pem          the CRL C checks B's chain against (s_server -CRL)"),
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
