//! The revocation blocks of the Commands tab, run as shown against the page's own files:
//! `openssl ca` revokes B and publishes CRLs that say what the page's CRLs say, and openssl
//! refuses B's certificate in the same words with either.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::crl::{Crl, Reason};
use mtls_lab::tls::TlsVersion;
use mtls_lab::workshop::revocation::{INTERMEDIATE_CRL_PATH, ROOT_CRL_PATH};
use mtls_lab::workshop::{commands, export, Party, Settings, Workshop};
use support::*;

const DAY: u64 = 86_400;

/// What a block printed, with the exit status of its last command.
struct Ran {
    out: String,
    status: i32,
}

/// The preamble then one block, in the workshop folder, as a learner would paste them. A block
/// that expects a refusal runs without `set -e`, since `openssl verify` exits 2 when it refuses.
fn run_block(dir: &std::path::Path, block: &commands::CommandBlock) -> Ran {
    let errexit = if block.expect.is_some() { "+e" } else { "-e" };
    let script = format!(
        "WORKSHOP=\"$PWD\"\n{}\nset {errexit}\n{}\nstatus=$?\nset -e\n\
         [ \"$PWD\" = \"$WORKSHOP\" ] || {{ echo \"left in $PWD\"; exit 1; }}\n\
         echo \"exit status $status\"",
        commands::preamble().script,
        block.script
    );
    let output = bash(dir, &script, &format!("{PASSPHRASE}\n"));
    let out = text(&output);
    assert!(output.status.success(), "{}\n{out}", block.script);
    let status = out
        .lines()
        .find_map(|l| l.strip_prefix("exit status "))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no status in {out}"));
    Ran { out, status }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn read_crl(dir: &std::path::Path, path: &str) -> Crl {
    Crl::from_pem(&std::fs::read_to_string(dir.join(path)).unwrap()).unwrap()
}

fn revoke_with_openssl(settings: Settings, reason: Reason, tag: &str) {
    let mut workshop = Workshop::new(settings.clone());
    workshop.run_all(unix_now()).unwrap();
    workshop.revoke_b(reason, unix_now()).unwrap();
    let serial = workshop.certificate(Party::BClient).unwrap().serial();
    let dir = TempDir::new(tag);
    for file in export::all_files(&workshop, &export::KeyProtection::encrypted(PASSPHRASE)).unwrap()
    {
        dir.write(&file.path, file.contents.as_bytes());
    }
    // The page's CRLs, kept aside: the commands write theirs to the same paths.
    let published = workshop.revocation().published.clone().unwrap();
    let page_files = published.files();
    let expected_paths = if settings.use_intermediates {
        vec![INTERMEDIATE_CRL_PATH, ROOT_CRL_PATH]
    } else {
        vec![ROOT_CRL_PATH]
    };
    assert_eq!(
        page_files.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        expected_paths
    );
    for (path, crl) in &page_files {
        let aside = path.replace("/crl/", "/page_crl/");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(path)).unwrap(),
            crl.to_pem()
        );
        dir.write(&aside, crl.to_pem().as_bytes());
        std::fs::remove_file(dir.path().join(path)).unwrap();
    }

    let blocks = commands::revocation(&settings, reason);
    let [database, revoke, publish, check, server] = blocks.as_slice() else {
        panic!("five blocks: {blocks:#?}")
    };

    let ran = run_block(dir.path(), database);
    assert_eq!(ran.status, 0, "{}", ran.out);
    assert!(dir.path().join("client_c_ca/ca-db/openssl.cnf").exists());

    let ran = run_block(dir.path(), revoke);
    assert_eq!(ran.status, 0, "{}", ran.out);
    // The database's line for B: R (revoked), the date and reason, then the serial number.
    let revoked_line = ran
        .out
        .lines()
        .find(|l| l.starts_with("R\t"))
        .unwrap_or_else(|| panic!("no revoked entry in\n{}", ran.out));
    assert!(
        revoked_line.contains(&format!(",{}\t", reason.name()))
            && revoked_line.contains(&hex(&serial)),
        "{revoked_line}"
    );

    let ran = run_block(dir.path(), publish);
    assert_eq!(ran.status, 0, "{}", ran.out);
    assert!(
        ran.out
            .contains(&format!("Serial Number: {}", hex(&serial)))
            && ran.out.contains(reason.openssl_text()),
        "{}",
        ran.out
    );

    // openssl's CRLs, at the page's paths, say what the page's say: same issuer, same number,
    // same nextUpdate distance, and B's serial with the same reason on the issuing CA's alone.
    for (path, page) in &page_files {
        let crl = read_crl(dir.path(), path);
        let (ours, theirs) = (page.contents().unwrap(), crl.contents().unwrap());
        // RSA signatures are deterministic: made within the same second, the two are one file.
        let times = |c: &mtls_lab::pki::crl::CrlContents| {
            (
                c.this_update,
                c.revoked.iter().map(|r| r.1).collect::<Vec<_>>(),
            )
        };
        if settings
            .cert(settings.c_issuer())
            .algorithm
            .rsa_bits()
            .is_some()
            && times(&ours) == times(&theirs)
        {
            assert_eq!(&crl, *page, "{path}");
        }
        assert_eq!(ours.issuer_der, theirs.issuer_der, "{path}");
        assert_eq!(ours.number, Some(1), "{path}");
        assert_eq!(theirs.number, ours.number, "{path}");
        for contents in [&ours, &theirs] {
            assert_eq!(
                contents.next_update,
                Some(contents.this_update + u64::from(settings.crl_days) * DAY),
                "{path}"
            );
        }
        let listed = |c: &mtls_lab::pki::crl::CrlContents| -> Vec<(Vec<u8>, Option<u8>)> {
            c.revoked.iter().map(|(s, _, r)| (s.clone(), *r)).collect()
        };
        let expected = if *path == page_files[0].0 {
            vec![(serial.clone(), Some(reason.code()))]
        } else {
            vec![]
        };
        assert_eq!(listed(&ours), expected, "{path}");
        assert_eq!(listed(&theirs), expected, "{path}");

        let shown = openssl_ok(dir.path(), &["crl", "-in", path, "-noout", "-text"]);
        for field in ["X509v3 CRL Number", "X509v3 Authority Key Identifier"] {
            assert!(shown.contains(field), "{path}: {field}\n{shown}");
        }
        assert_eq!(
            shown.contains(&hex(&serial)) && shown.contains(reason.openssl_text()),
            !expected.is_empty(),
            "{path}\n{shown}"
        );
        let signed = openssl_ok(
            dir.path(),
            &[
                "crl",
                "-in",
                path,
                "-CAfile",
                "client_c_ca/certs/client_c_ca_chain.crt",
                "-noout",
            ],
        );
        assert!(signed.contains("verify OK"), "{path}: {signed}");
    }

    // The check refuses B once per openssl verify, as the block's expectation says.
    let expect = check.expect.as_ref().unwrap();
    let ran = run_block(dir.path(), check);
    assert_eq!(ran.status, 2, "{}", ran.out);
    let checks = check.script.matches("openssl verify").count();
    assert_eq!(checks, if settings.use_intermediates { 2 } else { 1 });
    for text in &expect.client_prints {
        assert_eq!(
            ran.out.matches(text.as_str()).count(),
            checks,
            "{}",
            ran.out
        );
    }
    assert!(ran.out.contains("verification failed"), "{}", ran.out);
    // The same check with the page's CRLs prints the same thing, word for word.
    let with_page = commands::CommandBlock {
        script: check.script.replace("crl/", "page_crl/"),
        ..check.clone()
    };
    assert_ne!(with_page.script, check.script);
    let page_ran = run_block(dir.path(), &with_page);
    assert_eq!(page_ran.out, ran.out);

    // Step 8's server checking the CRL refuses B's step 8 connection, as the block says.
    let expect = server.expect.as_ref().unwrap();
    let client_block = &commands::step8(&settings)[1];
    let line = "hello-from-a-revoked-b";
    let server = Server::s_server(dir.path(), &server.script);
    let client = Client::start(
        dir.path(),
        &client_block
            .script
            .replace("8443", &server.port.to_string()),
        line,
    );
    let (done, c, s) = wait_until(&client, &server, |c, s| {
        expect.client_prints.iter().all(|p| c.contains(p.as_str()))
            && expect.server_prints.iter().all(|p| s.contains(p.as_str()))
    });
    assert!(done, "expected {expect:#?}\ns_client:\n{c}\ns_server:\n{s}");
    assert!(!s.contains(line), "{s}");
}

#[test]
fn p256_revocation_commands_agree_with_the_page() {
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            ..Settings::default()
        };
        revoke_with_openssl(settings, Reason::KeyCompromise, "revoke-p256");
    }
}

#[test]
fn seed_rsa_revocation_commands_agree_with_the_page_over_tls12() {
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            tls_version: TlsVersion::Tls12,
            crl_days: 30,
            ..Settings::default().with_seed_key_sizes()
        };
        revoke_with_openssl(settings, Reason::Superseded, "revoke-rsa");
    }
}
