//! The "nginx checking C's CRLs" snippets, run as shown against the real nginx and curl: B is
//! served until C revokes it and nginx reloads, and CRLs that are missing or expired refuse
//! every client.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use mtls_lab::clock::unix_now;
use mtls_lab::pki::crl::Reason;
use mtls_lab::workshop::commands::{self, CommandBlock};
use mtls_lab::workshop::{export, Settings, Workshop};
use support::*;

const DAY: u64 = 86_400;
const B_DN: &str =
    "CN=client-b.local,OU=Client Services,O=Client B Organization,L=Paris,ST=Iles-De-France,C=FR";
const REFUSED: &str = "<center>The SSL certificate error</center>";
const NO_CERTIFICATE: &str = "<center>No required SSL certificate was sent</center>";

fn snippet<'a>(blocks: &'a [CommandBlock], title: &str) -> &'a CommandBlock {
    blocks
        .iter()
        .find(|b| b.title.starts_with(title))
        .unwrap_or_else(|| panic!("no block titled {title:?}"))
}

/// Writes the tree as the page exports it: CRLs included once published.
fn write_tree(workshop: &Workshop, dir: &TempDir, only_crls: bool) {
    let files = export::all_files(workshop, &export::KeyProtection::encrypted(PASSPHRASE));
    for file in files.unwrap() {
        if !only_crls || file.path.ends_with(".crl") {
            dir.write(&file.path, file.contents.as_bytes());
        }
    }
}

fn published(settings: Settings, published_at: u64, tag: &str) -> (Workshop, TempDir) {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    workshop.publish_crls(published_at).unwrap();
    let dir = TempDir::new(tag);
    write_tree(&workshop, &dir, false);
    (workshop, dir)
}

fn with_port(script: &str, port: u16) -> String {
    script.replace("8443", &port.to_string())
}

fn start_nginx(dir: &TempDir, block: &CommandBlock) -> Server {
    let pid_file = dir.path().join("nginx/nginx.pid");
    Server::on_free_port(
        dir.path(),
        |port| with_port(&block.script, port),
        |_| pid_file.clone(),
    )
}

/// What a curl block printed, and nginx's error.log just after.
struct Seen {
    answer: String,
    error_log: String,
}

fn run(dir: &Path, script: &str) -> String {
    let output = bash(dir, script, "");
    assert!(output.status.success(), "{script}\n{}", text(&output));
    text(&output)
}

/// Runs the curl block until `done` holds, for at most 20 seconds: after a reload, an old
/// nginx worker may still answer with the CRLs it read before.
fn until(dir: &Path, curl: &CommandBlock, port: u16, done: impl Fn(&Seen) -> bool) -> Seen {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = Seen {
            answer: run(dir, &with_port(&curl.script, port)),
            error_log: std::fs::read_to_string(dir.join("nginx/error.log")).unwrap_or_default(),
        };
        if done(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{}\ncurl printed:\n{}\nerror.log:\n{}",
            curl.script,
            seen.answer,
            seen.error_log
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether error.log holds nginx's line for a refused certificate, logged at the info level.
fn logged(error_log: &str, reason: &str) -> bool {
    let message = format!("client SSL certificate verify error: ({reason})");
    error_log
        .lines()
        .any(|l| l.contains("[info]") && l.contains(&message))
}

#[test]
fn nginx_serves_b_until_c_revokes_it_and_nginx_reloads() {
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            ..Settings::default()
        };
        let (mut workshop, dir) = published(settings.clone(), unix_now(), "nginx-crl");
        let blocks = commands::snippets(&settings);
        let server = start_nginx(&dir, snippet(&blocks, "nginx checking C's CRLs"));
        let port = server.port;
        let curl_b = snippet(&blocks, "curl as Client B");
        let reload = snippet(&blocks, "After C publishes new CRLs");

        let seen = until(dir.path(), curl_b, port, |s| s.answer.contains(B_DN));
        assert!(
            seen.answer.contains(&format!("Hello {B_DN}")),
            "{}",
            seen.answer
        );
        let no_cert = snippet(&blocks, "curl without a client certificate");
        until(dir.path(), no_cert, port, |s| {
            s.answer.contains(NO_CERTIFICATE)
        });

        workshop
            .revoke_b(Reason::KeyCompromise, unix_now())
            .unwrap();
        write_tree(&workshop, &dir, true);
        // Joined but not reloaded: nginx still holds the CRLs it read at start.
        run(dir.path(), reload.script.lines().next().unwrap());
        let seen = Seen {
            answer: run(dir.path(), &with_port(&curl_b.script, port)),
            error_log: String::new(),
        };
        assert!(
            seen.answer.contains(&format!("Hello {B_DN}")),
            "{}",
            seen.answer
        );

        run(dir.path(), &reload.script);
        let seen = until(dir.path(), curl_b, port, |s| {
            s.answer.contains(REFUSED) && logged(&s.error_log, "23:certificate revoked")
        });
        assert!(
            seen.answer
                .contains("<title>400 The SSL certificate error</title>")
                && seen.answer.contains("<h1>400 Bad Request</h1>")
                && !seen.answer.contains(B_DN),
            "{}",
            seen.answer
        );
    }
}

#[test]
fn expired_crls_refuse_every_client() {
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            crl_days: 7,
            ..Settings::default()
        };
        // Published ten days ago for seven: nextUpdate passed three days ago.
        let (_, dir) = published(settings.clone(), unix_now() - 10 * DAY, "nginx-expired");
        let blocks = commands::snippets(&settings);
        let server = start_nginx(&dir, snippet(&blocks, "nginx checking C's CRLs"));
        let curl_b = snippet(&blocks, "curl as Client B");
        let seen = until(dir.path(), curl_b, server.port, |s| {
            s.answer.contains(REFUSED) && logged(&s.error_log, "12:CRL has expired")
        });
        assert!(!seen.answer.contains(B_DN), "{}", seen.answer);
        let no_cert = snippet(&blocks, "curl without a client certificate");
        until(dir.path(), no_cert, server.port, |s| {
            s.answer.contains(NO_CERTIFICATE)
        });
    }
}

#[test]
fn without_the_roots_crl_nginx_refuses_every_client() {
    let settings = Settings::default();
    assert!(settings.use_intermediates);
    let (_, dir) = published(settings.clone(), unix_now(), "nginx-no-root-crl");
    let blocks = commands::snippets(&settings);
    let server = start_nginx(&dir, snippet(&blocks, "nginx checking C's CRLs"));
    let curl_b = snippet(&blocks, "curl as Client B");
    until(dir.path(), curl_b, server.port, |s| s.answer.contains(B_DN));

    // The intermediate's CRL alone: B's certificate is covered, the intermediate's is not.
    let reload = snippet(&blocks, "After C publishes new CRLs");
    let join = reload.script.lines().next().unwrap();
    assert!(
        join.contains(" client_c_ca/crl/client_c_root_ca.crl "),
        "{join}"
    );
    let only_issuing = join.replace(" client_c_ca/crl/client_c_root_ca.crl ", " ");
    run(dir.path(), &reload.script.replace(join, &only_issuing));
    let seen = until(dir.path(), curl_b, server.port, |s| {
        s.answer.contains(REFUSED) && logged(&s.error_log, "3:unable to get certificate CRL")
    });
    assert!(!seen.answer.contains(B_DN), "{}", seen.answer);
}

/// The notes say what nginx printed in the runs above.
#[test]
fn the_notes_quote_what_nginx_prints() {
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            ..Settings::default()
        };
        let blocks = commands::snippets(&settings);
        let crl = snippet(&blocks, "nginx checking C's CRLs");
        let note = crl.note.as_deref().unwrap();
        for quoted in [
            "\"CRL has expired\"",
            "\"400 Bad Request\"",
            "\"The SSL certificate error\"",
            "(23:certificate revoked)",
            "7 days",
        ] {
            assert!(note.contains(quoted), "{quoted}: {note}");
        }
        assert_eq!(
            note.contains("\"unable to get certificate CRL\""),
            use_intermediates,
            "{note}"
        );
        assert!(crl.script.contains("error_log $PWD/nginx/error.log info;"));
        assert!(crl.script.contains(&format!(
            "ssl_crl                $PWD/{};",
            commands::NGINX_CRL_PATH
        )));
        // The first block's config, plus ssl_crl and the info level.
        let first = snippet(&blocks, "nginx as Client C");
        let config = |script: &str| -> Vec<String> {
            script
                .lines()
                .skip_while(|l| !l.starts_with("mkdir -p nginx"))
                .filter(|l| !l.contains("ssl_crl"))
                .map(|l| l.replace("error.log info;", "error.log;"))
                .collect()
        };
        assert_eq!(config(&crl.script), config(&first.script));
    }
}
