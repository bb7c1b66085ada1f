//! The capture file, handed to the real tshark: it must decrypt the handshake from the
//! embedded secrets alone, and find nothing malformed.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::tls::pcapng::capture;
use mtls_lab::tls::{Outcome, TlsVersion};
use mtls_lab::workshop::lab::LabScenario;
use mtls_lab::workshop::{Settings, Workshop};
use std::process::Command;
use support::TempDir;

const TSHARK: &str = "/usr/bin/tshark";

fn mutual_handshake(tls_version: TlsVersion) -> Outcome {
    let settings = Settings {
        tls_version,
        ..Settings::default()
    };
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).expect("the workshop runs");
    let outcome = workshop
        .connect(LabScenario::step8(tls_version)[0])
        .expect("the handshake runs");
    assert!(outcome.result.is_ok(), "{}", outcome.headline());
    outcome
}

/// Runs tshark over `file` with checksum validation on; returns stdout and stderr together.
fn tshark(file: &std::path::Path, extra: &[&str]) -> String {
    assert!(
        std::path::Path::new(TSHARK).exists(),
        "{TSHARK} is missing; ./scripts/setup.sh installs it"
    );
    let output = Command::new(TSHARK)
        .arg("-r")
        .arg(file)
        .args([
            "-o",
            "ip.check_checksum:TRUE",
            "-o",
            "tcp.check_checksum:TRUE",
        ])
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {TSHARK} (./scripts/setup.sh installs it): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "tshark failed:\n{text}");
    text
}

/// What tshark made of one capture: its one-line summary, verbose tree and hex dump
/// (which includes the decrypted bytes).
struct Dissection {
    summary: String,
    verbose: String,
    hex: String,
}

/// Writes the capture and dissects it, after checking that tshark finds the framing sound:
/// every IPv4 and TCP checksum good, nothing malformed, no expert warnings or errors.
fn dissect(outcome: &Outcome, keylog: &str, tag: &str) -> Dissection {
    let dir = TempDir::new(tag);
    let file = dir.write("run.pcapng", &capture(&outcome.records, keylog));
    let summary = tshark(&file, &[]);
    let verbose = tshark(&file, &["-V"]);
    let hex = tshark(&file, &["-x"]);
    for complaint in [
        "Malformed",
        "incorrect",
        "Status: Bad",
        "status: Bad",
        "[Severity level: Warning]",
        "[Severity level: Error]",
    ] {
        assert!(
            !summary.contains(complaint) && !verbose.contains(complaint),
            "tshark reports {complaint:?}:\n{summary}\n{verbose}"
        );
    }
    let frames = verbose.lines().filter(|l| l.starts_with("Frame ")).count();
    assert_eq!(frames, outcome.records.len() + 6, "{summary}");
    assert_eq!(count(&verbose, "[Header checksum status: Good]"), frames);
    assert_eq!(count(&verbose, "[Checksum Status: Good]"), frames);
    Dissection {
        summary,
        verbose,
        hex,
    }
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

/// The app's two messages, as tshark's hex dump of the decrypted application data shows
/// their first 16 bytes.
const DECRYPTED_GREETING: &str = "hello from Clien";

#[test]
fn tshark_decrypts_a_tls13_mutual_handshake_from_the_embedded_secrets() {
    let outcome = mutual_handshake(TlsVersion::Tls13);
    let capture = dissect(&outcome, &outcome.keys.to_sslkeylogfile(), "tshark-13");
    let verbose = &capture.verbose;
    for message in [
        "Handshake Type: Client Hello (1)",
        "Handshake Type: Server Hello (2)",
        "Handshake Type: Encrypted Extensions (8)",
        "Handshake Type: Certificate Request (13)",
    ] {
        assert_eq!(count(verbose, message), 1, "{message}:\n{verbose}");
    }
    // C's and B's certificate, signature and Finished.
    for message in [
        "Handshake Type: Certificate (11)",
        "Handshake Type: Certificate Verify (15)",
        "Handshake Type: Finished (20)",
    ] {
        assert_eq!(count(verbose, message), 2, "{message}:\n{verbose}");
    }
    assert!(
        capture.summary.contains(
            "Encrypted Extensions, Certificate Request, Certificate, Certificate Verify, Finished"
        ),
        "{}",
        capture.summary
    );
    // The application traffic secrets work too.
    assert_eq!(
        count(&capture.hex, DECRYPTED_GREETING),
        2,
        "{}",
        capture.hex
    );
}

#[test]
fn without_the_secrets_tshark_sees_no_tls13_certificate_request() {
    let outcome = mutual_handshake(TlsVersion::Tls13);
    let capture = dissect(&outcome, "", "tshark-13-nokeys");
    let verbose = &capture.verbose;
    assert!(
        verbose.contains("Handshake Type: Server Hello (2)"),
        "{verbose}"
    );
    for hidden in [
        "Certificate Request",
        "Encrypted Extensions",
        "Handshake Type: Finished",
    ] {
        assert!(!verbose.contains(hidden), "{hidden}:\n{verbose}");
    }
    assert!(!capture.hex.contains(DECRYPTED_GREETING), "{}", capture.hex);
}

#[test]
fn tshark_reads_a_tls12_mutual_handshake_and_decrypts_its_finished() {
    let outcome = mutual_handshake(TlsVersion::Tls12);
    let keylog = outcome.keys.to_sslkeylogfile();
    let capture = dissect(&outcome, &keylog, "tshark-12");
    let verbose = &capture.verbose;
    for message in [
        "Handshake Type: Client Hello (1)",
        "Handshake Type: Server Hello (2)",
        "Handshake Type: Server Key Exchange (12)",
        "Handshake Type: Certificate Request (13)",
        "Handshake Type: Server Hello Done (14)",
        "Handshake Type: Client Key Exchange (16)",
        "Handshake Type: Certificate Verify (15)",
    ] {
        assert_eq!(count(verbose, message), 1, "{message}:\n{verbose}");
    }
    assert_eq!(
        count(verbose, "Handshake Type: Certificate (11)"),
        2,
        "{verbose}"
    );
    // Each side's Finished is encrypted; tshark names it only once it has decrypted it.
    assert_eq!(
        count(verbose, "Handshake Type: Finished (20)"),
        2,
        "{verbose}"
    );
    assert_eq!(
        count(&capture.hex, DECRYPTED_GREETING),
        2,
        "{}",
        capture.hex
    );

    let without_keys = dissect(&outcome, "", "tshark-12-nokeys");
    assert!(
        !without_keys.verbose.contains("Handshake Type: Finished"),
        "{}",
        without_keys.verbose
    );
    assert!(
        without_keys.summary.contains("Encrypted Handshake Message"),
        "{}",
        without_keys.summary
    );
}
