//! The revocation step: C revokes B and publishes CRLs; step 8's server refuses B when it
//! checks them, and openssl refuses the same files with the same CRLs for the same reason.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::crl::Reason;
use mtls_lab::tls::refusal::RefusalKind;
use mtls_lab::tls::{Outcome, Side};
use mtls_lab::workshop::lab::LabScenario;
use mtls_lab::workshop::{Party, Settings, StepId, Workshop};
use support::*;

const DAY: u64 = 86_400;

fn finished(settings: Settings) -> Workshop {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    workshop
}

fn good_run(workshop: &mut Workshop) -> Outcome {
    workshop
        .run_step(StepId::Handshake, None, unix_now())
        .unwrap();
    let (scenario, outcome) = &workshop.handshakes()[0];
    assert!(matches!(
        scenario,
        LabScenario::GoodRun | LabScenario::GoodRunTls12
    ));
    outcome.clone()
}

fn refused_by_c(outcome: &Outcome, kind: RefusalKind) {
    let failure = outcome.result.as_ref().expect_err("C must refuse");
    assert_eq!(failure.side, Side::Server, "{}", outcome.headline());
    assert_eq!(failure.error.kind, kind, "{}", outcome.headline());
}

fn checking() -> Settings {
    Settings {
        check_revocation: true,
        ..Settings::default()
    }
}

#[test]
fn a_revoked_b_is_refused_by_c_and_a_fresh_certificate_passes_again() {
    for use_intermediates in [true, false] {
        let mut workshop = finished(Settings {
            use_intermediates,
            ..checking()
        });
        // With no CRL at all, rustls's verifier checks nothing (openssl refuses instead: see
        // `openssl_without_a_crl_...`), and the page says so.
        assert!(good_run(&mut workshop).result.is_ok());
        assert!(
            mtls_lab::workshop::revocation::NO_CRL_NOTE.contains("unable to get certificate CRL")
        );
        workshop.publish_crls(unix_now()).unwrap();
        assert!(good_run(&mut workshop).result.is_ok());

        workshop
            .revoke_b(Reason::KeyCompromise, unix_now())
            .unwrap();
        assert!(workshop.b_is_revoked());
        assert_eq!(
            workshop.status(StepId::Handshake),
            mtls_lab::workshop::StepStatus::Stale,
            "a revocation changes what step 8 reads"
        );
        let outcome = good_run(&mut workshop);
        refused_by_c(&outcome, RefusalKind::Revoked);
        let published = workshop.revocation().published.clone().unwrap();
        assert_eq!(published.number, 2);
        assert_eq!(published.root.is_some(), use_intermediates);
        assert!(workshop
            .revoke_b(Reason::Superseded, unix_now())
            .unwrap_err()
            .to_string()
            .contains("already revoked"));

        // Step 6 again: a new serial number, not on the list.
        workshop
            .run_step(StepId::CSignsB, None, unix_now())
            .unwrap();
        assert!(!workshop.b_is_revoked());
        assert!(good_run(&mut workshop).result.is_ok());
    }
}

#[test]
fn with_checking_off_c_accepts_a_revoked_b_as_the_seed_does() {
    let mut workshop = finished(Settings::default());
    workshop.revoke_b(Reason::Unspecified, unix_now()).unwrap();
    assert!(good_run(&mut workshop).result.is_ok());
}

#[test]
fn an_expired_crl_refuses_every_client() {
    let mut workshop = finished(checking());
    // Published ten days ago with a seven-day nextUpdate.
    workshop.publish_crls(unix_now() - 10 * DAY).unwrap();
    refused_by_c(&good_run(&mut workshop), RefusalKind::CrlExpired);
}

/// The workshop's files for openssl: C's chain, B's certificate, and the CRLs.
fn write_files(workshop: &Workshop, dir: &TempDir) {
    let pem = |party: Party| workshop.certificate(party).unwrap().to_pem();
    let chain: String = workshop.chain().iter().map(|c| c.to_pem()).collect();
    dir.write("chain.crt", chain.as_bytes());
    dir.write("b.crt", pem(Party::BClient).as_bytes());
    dir.write(
        "b.key",
        workshop.key(Party::BClient).unwrap().to_pem().as_bytes(),
    );
    dir.write("server.crt", pem(Party::CServer).as_bytes());
    dir.write(
        "server.key",
        workshop.key(Party::CServer).unwrap().to_pem().as_bytes(),
    );
    if let Some(inter) = workshop.certificate(Party::CIntermediate) {
        dir.write("c-inter.crt", inter.to_pem().as_bytes());
    }
    if let Some(published) = &workshop.revocation().published {
        dir.write("issuing.crl", published.issuing.to_pem().as_bytes());
        let all: String = published.crls().iter().map(|c| c.to_pem()).collect();
        dir.write("all.crl", all.as_bytes());
    }
}

fn verify(dir: &TempDir, args: &[&str]) -> String {
    let mut all = vec!["verify", "-CAfile", "chain.crt"];
    all.extend(args);
    all.push("b.crt");
    text(&run_in(dir.path(), "openssl", &all))
}

#[test]
fn openssl_reads_the_crls_and_refuses_the_revoked_certificate_for_the_same_reason() {
    let mut workshop = finished(Settings::default());
    workshop
        .revoke_b(Reason::KeyCompromise, unix_now())
        .unwrap();
    let dir = TempDir::new("revocation");
    write_files(&workshop, &dir);

    let text = openssl_ok(
        dir.path(),
        &["crl", "-in", "issuing.crl", "-text", "-noout"],
    );
    assert!(text.contains("X509v3 CRL Number"), "{text}");
    assert!(text.contains("X509v3 Authority Key Identifier"), "{text}");
    assert!(text.contains("Key Compromise"), "{text}");
    let serial: String = workshop
        .certificate(Party::BClient)
        .unwrap()
        .serial()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert!(text.contains(&serial), "{serial} in\n{text}");
    // The CRL is signed by its CA.
    let out = text_of_crl_verify(&dir, "issuing.crl");
    assert!(out.contains("verify OK"), "{out}");

    let out = verify(&dir, &["-crl_check", "-CRLfile", "issuing.crl"]);
    assert!(
        out.contains("error 23") && out.contains("certificate revoked"),
        "{out}"
    );
    let out = verify(&dir, &["-crl_check_all", "-CRLfile", "all.crl"]);
    assert!(out.contains("certificate revoked"), "{out}");

    // A fresh certificate for B is not on the list.
    workshop
        .run_step(StepId::CSignsB, None, unix_now())
        .unwrap();
    write_files(&workshop, &dir);
    let out = verify(&dir, &["-crl_check", "-CRLfile", "issuing.crl"]);
    assert!(out.contains("b.crt: OK"), "{out}");
    let out = verify(&dir, &["-crl_check_all", "-CRLfile", "all.crl"]);
    assert!(out.contains("b.crt: OK"), "{out}");
    // The whole chain checked, with no CRL for the intermediate: openssl cannot tell.
    let out = verify(&dir, &["-crl_check_all", "-CRLfile", "issuing.crl"]);
    assert!(
        out.contains("error 3 at 1 depth") && out.contains("unable to get certificate CRL"),
        "{out}"
    );
}

fn text_of_crl_verify(dir: &TempDir, crl: &str) -> String {
    text(&run_in(
        dir.path(),
        "openssl",
        &["crl", "-in", crl, "-CAfile", "chain.crt", "-noout"],
    ))
}

#[test]
fn openssl_without_a_crl_or_with_an_expired_one_refuses_as_the_page_does() {
    let workshop = finished(checking());
    let dir = TempDir::new("revocation-unknown");
    write_files(&workshop, &dir);
    let out = verify(&dir, &["-crl_check"]);
    assert!(
        out.contains("error 3") && out.contains("unable to get certificate CRL"),
        "{out}"
    );

    let mut old = workshop.clone();
    old.publish_crls(unix_now() - 10 * DAY).unwrap();
    write_files(&old, &dir);
    let out = verify(&dir, &["-crl_check", "-CRLfile", "issuing.crl"]);
    assert!(
        out.contains("error 12") && out.contains("CRL has expired"),
        "{out}"
    );
}

/// s_server checking CRLs as step 8's C does, and B's own files: s_server names the verify
/// error, s_client reads the alert the page says C sends.
#[test]
fn s_server_with_the_crl_refuses_b_with_the_alert_the_page_names() {
    let mut workshop = finished(checking());
    workshop
        .revoke_b(Reason::KeyCompromise, unix_now())
        .unwrap();
    let outcome = good_run(&mut workshop);
    refused_by_c(&outcome, RefusalKind::Revoked);
    let alert = outcome.result.as_ref().unwrap_err().error.alert_sent();
    assert_eq!(alert, Some(44));

    let dir = TempDir::new("revocation-s_server");
    write_files(&workshop, &dir);
    let server_chain = if workshop.settings.use_intermediates {
        "-cert_chain c-inter.crt"
    } else {
        ""
    };
    let server = Server::s_server(
        dir.path(),
        &format!(
            "openssl s_server -accept 8443 -cert server.crt {server_chain} -key server.key \
             -CAfile chain.crt -Verify 2 -verify_return_error -crl_check -CRL issuing.crl"
        ),
    );
    let name = workshop.settings.server_name();
    let client = Client::start(
        dir.path(),
        &format!(
            "openssl s_client -connect 127.0.0.1:{} -cert b.crt -key b.key -CAfile chain.crt \
             -verify_return_error -verify_hostname {name} -servername {name}",
            server.port
        ),
        "hello",
    );
    let (done, c, s) = wait_until(&client, &server, |c, s| {
        s.contains("verify error:num=23:certificate revoked")
            && c.contains("alert certificate revoked")
            && c.contains("SSL alert number 44")
    });
    assert!(done, "s_client:\n{c}\ns_server:\n{s}");
}

#[test]
fn the_saved_workshop_keeps_what_c_revoked_and_published() {
    let mut workshop = finished(checking());
    workshop
        .revoke_b(Reason::CessationOfOperation, unix_now())
        .unwrap();
    let protection = mtls_lab::workshop::export::KeyProtection::plain();
    let text = mtls_lab::workshop::saved::save(&workshop, &protection, |party| {
        workshop.key(party).map(|k| k.to_pem())
    });
    let restored = mtls_lab::workshop::saved::Saved::parse(&text)
        .unwrap()
        .restore("", unix_now())
        .unwrap();
    assert_eq!(restored.revocation(), workshop.revocation());
    assert!(restored.settings.check_revocation);
    assert!(restored.b_is_revoked());
    refused_by_c(&restored.handshakes()[0].1, RefusalKind::Revoked);

    // A workshop saved before the revocation step still opens, with nothing revoked.
    let older = text.replace(
        &text[text.find(",\"revocation\"").unwrap()..text.len() - 1],
        "",
    );
    let opened = mtls_lab::workshop::saved::Saved::parse(&older)
        .unwrap()
        .restore("", unix_now())
        .unwrap();
    assert_eq!(opened.revocation(), &Default::default());
    assert!(!opened.settings.check_revocation);
}

#[test]
fn the_crls_go_into_the_tree_named_after_their_ca() {
    use mtls_lab::workshop::export::{all_files, KeyProtection};
    for (use_intermediates, paths) in [
        (
            true,
            vec![
                "client_c_ca/crl/client_c_intermediate_ca.crl",
                "client_c_ca/crl/client_c_root_ca.crl",
            ],
        ),
        (false, vec!["client_c_ca/crl/client_c_root_ca.crl"]),
    ] {
        let mut workshop = finished(Settings {
            use_intermediates,
            ..Settings::default()
        });
        let files = |w: &Workshop| -> Vec<String> {
            all_files(w, &KeyProtection::plain())
                .unwrap()
                .into_iter()
                .filter(|f| f.path.contains("/crl/"))
                .map(|f| f.path)
                .collect()
        };
        assert!(files(&workshop).is_empty(), "nothing before publishing");
        workshop
            .revoke_b(Reason::KeyCompromise, unix_now())
            .unwrap();
        assert_eq!(files(&workshop), paths);
    }
}

#[test]
fn the_decoded_crl_says_what_openssl_crl_text_says() {
    let mut workshop = finished(Settings::default());
    workshop
        .revoke_b(Reason::KeyCompromise, unix_now())
        .unwrap();
    let published = workshop.revocation().published.clone().unwrap();
    let dir = TempDir::new("crl-text");
    dir.write("issuing.crl", published.issuing.to_pem().as_bytes());
    let text = openssl_ok(
        dir.path(),
        &["crl", "-in", "issuing.crl", "-text", "-noout"],
    );
    let view = mtls_lab::pki::inspect::crl(&published.issuing).unwrap();
    assert_eq!(view.version, 2);
    assert!(
        text.contains(&format!("Issuer: {}", view.issuer)),
        "{}\n{text}",
        view.issuer
    );
    assert!(
        text.contains(&format!("Last Update: {}", view.last_update)),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Next Update: {}",
            view.next_update.clone().unwrap()
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "Signature Algorithm: {}",
        view.signature_algorithm
    )));
    for ext in &view.extensions {
        assert!(text.contains(&ext.name), "{} in\n{text}", ext.name);
        assert!(text.contains(&ext.value), "{} in\n{text}", ext.value);
    }
    assert!(view
        .extensions
        .iter()
        .any(|e| e.name == "X509v3 CRL Number" && e.value == "1"));
    let [entry] = &view.revoked[..] else {
        panic!("one revoked certificate: {view:?}");
    };
    assert!(
        text.contains(&format!("Serial Number: {}", entry.serial)),
        "{text}"
    );
    assert!(
        text.contains(&format!("Revocation Date: {}", entry.revocation_date)),
        "{text}"
    );
    assert_eq!(entry.reason.as_deref(), Some("Key Compromise"));
    assert!(text.contains("Key Compromise"), "{text}");
}

/// The zip's README.txt carries the openssl ca commands once C has published, with the reason
/// B was revoked for; before, it has none.
#[test]
fn the_zips_readme_holds_the_revocation_commands_once_c_publishes() {
    use mtls_lab::workshop::export::{self, KeyProtection};
    let readme = |workshop: &Workshop| {
        let files = export::all_files(workshop, &KeyProtection::plain()).unwrap();
        let readme = files.iter().find(|f| f.path == "README.txt").unwrap();
        readme.contents.clone()
    };
    let mut workshop = finished(Settings::default());
    assert!(!readme(&workshop).contains("openssl ca"));
    workshop.revoke_b(Reason::Superseded, unix_now()).unwrap();
    let text = readme(&workshop);
    assert!(text.contains("# Revoke Client B's certificate"), "{text}");
    assert!(text.contains("-crl_reason superseded"), "{text}");
    assert!(text.contains("-gencrl"), "{text}");
}
