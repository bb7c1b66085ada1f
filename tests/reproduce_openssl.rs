//! Each handshake-lab row's "Reproduce with openssl" bundle, used as a learner would: unzipped
//! by the real `unzip`, its `reproduce.sh` run by bash with KEY_PASSPHRASE set. openssl's
//! verdict, as the script prints it, must be the one OUTCOME.txt expects and the row's own
//! `openssl_reason`: the same side, verify error and alert.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::tls::{Side, TlsVersion};
use mtls_lab::workshop::export::KeyProtection;
use mtls_lab::workshop::lab::{self, LabInputs, LabScenario, Verdict};
use mtls_lab::workshop::reproduce::{self, KeyPems};
use mtls_lab::workshop::{Settings, Workshop};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::{text, TempDir, PASSPHRASE};

/// Runs `bash reproduce.sh` in `dir`, stopped by `timeout` if it hangs.
fn reproduce(dir: &Path, passphrase: Option<&str>) -> Output {
    let mut command = Command::new("timeout");
    command
        .args(["--kill-after=5", "60", "bash", "reproduce.sh"])
        .current_dir(dir)
        .env_remove("KEY_PASSPHRASE")
        .stdin(Stdio::null());
    if let Some(passphrase) = passphrase {
        command.env("KEY_PASSPHRASE", passphrase);
    }
    command.output().expect("bash runs")
}

/// The bundle for one row, unzipped into `dir`; returns the row's folder.
fn unzip_bundle(dir: &TempDir, zip: &[u8], scenario: LabScenario) -> std::path::PathBuf {
    let name = reproduce::zip_name(scenario);
    dir.write(&name, zip);
    let output = Command::new("unzip")
        .args(["-q", &name])
        .current_dir(dir.path())
        .output()
        .expect("unzip runs");
    assert!(output.status.success(), "unzip: {}", text(&output));
    dir.path().join(reproduce::folder(scenario))
}

/// The last line the script printed, after its prefix.
fn verdict_of(stdout: &str) -> Option<&str> {
    stdout
        .lines()
        .last()
        .and_then(|l| l.strip_prefix(reproduce::VERDICT_PREFIX))
}

fn every_row_reproduces(settings: Settings) {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    let protection = KeyProtection::encrypted(PASSPHRASE);
    for scenario in LabScenario::ALL {
        let setup = lab::setup(&LabInputs::of(&workshop), scenario, unix_now()).unwrap();
        let run = lab::judge(&setup);
        let keys = KeyPems::of(&setup, &protection).unwrap();
        let dir = TempDir::new("reproduce");
        let folder = unzip_bundle(
            &dir,
            &reproduce::zip(&setup, &run, &keys).unwrap(),
            scenario,
        );
        let outcome = std::fs::read_to_string(folder.join("OUTCOME.txt")).unwrap();
        let output = reproduce(&folder, Some(PASSPHRASE));
        let (stdout, all) = (String::from_utf8_lossy(&output.stdout), text(&output));
        let context = format!("{scenario:?} ({:?}):\n{all}", setup.version);
        assert_eq!(output.status.code(), Some(0), "{context}");
        let verdict = verdict_of(&stdout).unwrap_or_else(|| panic!("no verdict: {context}"));

        // The verdict is the one OUTCOME.txt says the script expects…
        let expects = outcome
            .lines()
            .find_map(|l| l.strip_prefix(reproduce::EXPECTS_PREFIX))
            .unwrap_or_else(|| panic!("OUTCOME.txt names no expectation:\n{outcome}"));
        assert_eq!(verdict, expects, "{context}");
        // …and the row's own reason: the side, the verify error and the alert.
        let reason = scenario.openssl_reason(setup.version);
        match (scenario, reason) {
            (_, None) => {
                assert_eq!(run.verdict(), Verdict::Accepted, "{context}");
                assert_eq!(verdict, reproduce::ACCEPTS, "{context}");
            }
            (LabScenario::MismatchedKey, Some(_)) => {
                assert_eq!(verdict, reproduce::KEY_MISMATCH, "{context}");
                assert!(all.contains("key values mismatch"), "{context}");
            }
            (_, Some(reason)) => {
                assert_eq!(run.verdict(), Verdict::RefusedBy(reason.refused_by));
                assert_eq!(verdict, reason.sentence(), "{context}");
                let who = match reason.refused_by {
                    Side::Client => "s_client",
                    _ => "s_server",
                };
                assert!(verdict.starts_with(&format!("openssl: {who} refuses")));
                if let Some((num, words)) = reason.verify_error {
                    assert!(
                        verdict.contains(&format!("verify error:num={num}:{words}")),
                        "{context}"
                    );
                }
                let (code, words) = reason.alert;
                assert!(
                    verdict.contains(&format!("alert {code} ({words})")),
                    "{context}"
                );
                assert!(
                    all.contains(&format!("SSL alert number {code}")),
                    "{context}"
                );
            }
        }
        assert!(
            outcome.contains(&format!(
                "openssl expected: {}",
                reproduce::openssl_expected(&setup)
            )),
            "{outcome}"
        );

        // Where C checks revocation, the bundle holds the CRLs s_server read.
        if setup.server.revocation.is_some() {
            assert!(folder.join(reproduce::CRLS_FILE).is_file(), "{context}");
            assert!(outcome.contains("Revocation:"), "{outcome}");
        }

        // OUTCOME.txt holds what the page showed for the row.
        assert!(outcome.contains(scenario.title()), "{outcome}");
        assert!(outcome.contains(setup.version.label()), "{outcome}");
        assert!(outcome.contains(&run.verdict().label()), "{outcome}");
        if let Err(failure) = &run.outcome.result {
            assert!(outcome.contains(failure.side.label()), "{outcome}");
            assert!(
                outcome.contains(&failure.error.sentence(failure.side)),
                "{outcome}"
            );
            assert!(outcome.contains(&failure.error.rustls_name), "{outcome}");
        }
    }
}

#[test]
fn every_row_reproduces_with_openssl_over_tls13() {
    every_row_reproduces(Settings::default());
}

#[test]
fn every_row_reproduces_with_openssl_over_tls12() {
    every_row_reproduces(Settings {
        tls_version: TlsVersion::Tls12,
        ..Settings::default()
    });
}

/// The bundle's keys are the page's key files: PKCS#8 under PBES2 with the app's rounds, that
/// openssl opens with the passphrase and with no other.
#[test]
fn bundle_keys_are_encrypted_and_open_with_the_passphrase() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let setup = lab::setup(&LabInputs::of(&workshop), LabScenario::GoodRun, unix_now()).unwrap();
    let run = lab::judge(&setup);
    let keys = KeyPems::of(&setup, &KeyProtection::encrypted(PASSPHRASE)).unwrap();
    let dir = TempDir::new("reproduce-keys");
    let folder = unzip_bundle(
        &dir,
        &reproduce::zip(&setup, &run, &keys).unwrap(),
        LabScenario::GoodRun,
    );
    for key in ["server.key", "client.key"] {
        let pem = std::fs::read_to_string(folder.join(key)).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let shown = support::openssl_ok(
            &folder,
            &["pkey", "-in", key, "-passin", "env:KEY_PASSPHRASE"],
        );
        assert!(shown.contains("BEGIN PRIVATE KEY"), "{shown}");
        let asn1 = support::openssl_ok(&folder, &["asn1parse", "-in", key]);
        assert!(asn1.contains("PBES2") && asn1.contains("PBKDF2"), "{asn1}");
        assert!(asn1.contains(":0186A0"), "100,000 rounds: {asn1}");
    }
    // Without the passphrase the script stops before starting openssl, and says why.
    let output = reproduce(&folder, None);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("KEY_PASSPHRASE"),
        "{}",
        text(&output)
    );
    // With a wrong one, s_server cannot load its key: no verdict, and openssl's own words.
    let output = reproduce(&folder, Some("not the passphrase"));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("s_server did not start"),
        "{}",
        text(&output)
    );
}

/// With plain keys (the page's checkbox for tools that cannot prompt) the script needs no
/// passphrase and still reaches openssl's verdict.
#[test]
fn plain_keys_reproduce_without_a_passphrase() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let scenario = LabScenario::UntrustedClientCa;
    let setup = lab::setup(&LabInputs::of(&workshop), scenario, unix_now()).unwrap();
    let run = lab::judge(&setup);
    let keys = KeyPems::of(&setup, &KeyProtection::plain()).unwrap();
    let dir = TempDir::new("reproduce-plain");
    let folder = unzip_bundle(
        &dir,
        &reproduce::zip(&setup, &run, &keys).unwrap(),
        scenario,
    );
    let output = reproduce(&folder, None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        verdict_of(&stdout),
        Some(reproduce::openssl_expected(&setup).as_str()),
        "{}",
        text(&output)
    );
}
