//! The core inside real wasm, in headless Chromium: keys, the hierarchy and the handshakes.
#![cfg(target_arch = "wasm32")]

use mtls_lab::clock::unix_now;
use mtls_lab::pki::{inspect, KeyAlgorithm, PrivateKey};
use mtls_lab::workshop::{export, Party, Settings, Workshop};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn keys_of_every_kind_are_made_and_encrypted_in_wasm() {
    let rsa = PrivateKey::from_pkcs8_der(&mtls_lab::pki::keys::rsa_pkcs8(2048).unwrap()).unwrap();
    for key in [
        PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap(),
        PrivateKey::generate(KeyAlgorithm::EcdsaP384).unwrap(),
        rsa,
    ] {
        let pem = key.to_encrypted_pem("browser pass", 2_000).unwrap();
        assert_eq!(PrivateKey::from_pem(&pem, "browser pass").unwrap(), key);
    }
}

#[wasm_bindgen_test]
fn the_page_module_leaves_rsa_key_generation_to_webcrypto_and_the_key_worker() {
    let refused = PrivateKey::generate(KeyAlgorithm::Rsa2048).unwrap_err();
    assert!(refused.to_string().contains("WebCrypto"), "{refused}");
}

#[wasm_bindgen_test]
fn the_clock_reads_the_browser() {
    // SystemTime::now() panics on wasm32; ours must not, and must be recent.
    assert!(unix_now() > 1_700_000_000);
}

#[wasm_bindgen_test]
fn the_whole_hierarchy_and_its_handshakes_run_in_wasm() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let verdicts: Vec<(bool, String)> = workshop
        .handshakes()
        .iter()
        .map(|(s, o)| (o.result.is_ok() == s.should_succeed(), o.headline()))
        .collect();
    assert!(verdicts.iter().all(|(ok, _)| *ok), "{verdicts:?}");
    assert_eq!(verdicts[0].1, "Handshake succeeded");
    let view = inspect::certificate(workshop.certificate(Party::CServer).unwrap()).unwrap();
    assert!(view
        .extensions
        .iter()
        .any(|e| e.value.contains("DNS:client-c.local")));
    let files =
        export::all_files(&workshop, &export::KeyProtection::encrypted("browser pass")).unwrap();
    assert_eq!(&export::zip(&files).unwrap()[..2], b"PK");
}

#[wasm_bindgen_test]
fn every_lab_scenario_gets_its_verdict_and_decrypts_in_wasm() {
    use mtls_lab::tls::decrypt::MessageKind;
    use mtls_lab::workshop::lab::LabScenario;
    use rustls::HandshakeType;
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    for scenario in LabScenario::ALL {
        let run = workshop.run_lab(scenario, unix_now()).unwrap();
        assert!(
            run.as_expected(),
            "{scenario:?}: {}",
            run.outcome.headline()
        );
        let decrypted = run
            .outcome
            .messages()
            .iter()
            .filter(|m| m.decrypted)
            .count();
        assert!(decrypted > 0, "{scenario:?}");
    }
    let good = workshop.run_lab(LabScenario::GoodRun, unix_now()).unwrap();
    assert!(good.outcome.messages().iter().any(|m| m.kind
        == MessageKind::Handshake(HandshakeType::CertificateVerify)
        && m.decrypted));
    let capture = mtls_lab::tls::pcapng::capture(
        &good.outcome.records,
        &good.outcome.keys.to_sslkeylogfile(),
    );
    assert!(capture.len() > 1000);
}

#[wasm_bindgen_test]
fn an_rsa_key_from_outside_signs_in_wasm() {
    // The browser app loads WebCrypto's PKCS#8 the same way.
    let key = PrivateKey::from_pkcs8_der(&mtls_lab::pki::keys::rsa_pkcs8(2048).unwrap()).unwrap();
    let reloaded = PrivateKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
    let mut workshop = Workshop::new(Settings::default());
    workshop.settings.c_root.algorithm = KeyAlgorithm::Rsa2048;
    workshop
        .run_step(
            mtls_lab::workshop::StepId::CRoot,
            Some(reloaded),
            unix_now(),
        )
        .unwrap();
    assert!(workshop.certificate(Party::CRoot).is_some());
}

#[wasm_bindgen_test]
async fn keys_encrypted_by_webcrypto_open_with_the_core() {
    let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
    let pem = mtls_lab::app::browser::webcrypto_encrypt(&key, "browser pass", 100_000)
        .await
        .unwrap();
    assert_eq!(PrivateKey::from_pem(&pem, "browser pass").unwrap(), key);
    assert!(PrivateKey::from_pem(&pem, "other pass").is_err());
}

/// The salt and IV of an encrypted key file.
fn salt_and_iv(pem: &str) -> (Vec<u8>, Vec<u8>) {
    use pkcs8::der::Decode;
    let block = mtls_lab::pki::pem::parse_one(pem, &["ENCRYPTED PRIVATE KEY"]).unwrap();
    let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&block.der).unwrap();
    let pbes2 = info.encryption_algorithm.pbes2().unwrap();
    let salt = pbes2.kdf.pbkdf2().unwrap().salt.as_bytes().to_vec();
    let pkcs8::pkcs5::pbes2::EncryptionScheme::Aes256Cbc { iv } = pbes2.encryption else {
        panic!("not AES-256-CBC");
    };
    (salt, iv.to_vec())
}

#[wasm_bindgen_test]
async fn key_files_of_one_passphrase_share_one_derivation_and_each_has_its_own_iv() {
    let encrypt = |key: PrivateKey, passphrase: &'static str| async move {
        let pem = mtls_lab::app::browser::webcrypto_encrypt(&key, passphrase, 100_000)
            .await
            .unwrap();
        assert_eq!(PrivateKey::from_pem(&pem, passphrase).unwrap(), key);
        salt_and_iv(&pem)
    };
    let key = || PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
    let (first_salt, first_iv) = encrypt(key(), "shared pass").await;
    let (second_salt, second_iv) = encrypt(key(), "shared pass").await;
    assert_eq!(first_salt, second_salt);
    assert_ne!(first_iv, second_iv);
    // Another passphrase is derived afresh, with a salt of its own.
    let (other_salt, _) = encrypt(key(), "other pass").await;
    assert_ne!(other_salt, first_salt);
}

#[wasm_bindgen_test]
async fn webcrypto_signs_rsa_with_the_very_bytes_ring_makes() {
    use rcgen::SigningKey;
    // PKCS#1 v1.5 is deterministic, so the page's WebCrypto signatures must equal ring's.
    let key = PrivateKey::from_pkcs8_der(&mtls_lab::pki::keys::rsa_pkcs8(2048).unwrap()).unwrap();
    let message = b"the TBSCertificate of a step".repeat(40);
    let by_webcrypto = mtls_lab::app::browser::webcrypto_sign_rsa(&key, &message)
        .await
        .unwrap();
    let by_ring = key.signer().unwrap().sign(&message).unwrap();
    assert_eq!(by_webcrypto.len(), 256);
    assert_eq!(by_webcrypto, by_ring);
}

#[wasm_bindgen_test]
fn the_diagnosis_reads_users_files_and_gives_the_labs_verdicts_in_wasm() {
    use mtls_lab::diagnose::{DiagnoseJob, Level, SideFiles};
    use mtls_lab::pki::pkcs12::{self, Flavour};
    use mtls_lab::pki::Certificate;
    use mtls_lab::workshop::lab::{self, LabInputs, LabScenario};
    let pems = |certs: &[Certificate]| certs.iter().map(Certificate::to_pem).collect::<String>();
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let inputs = LabInputs::of(&workshop);
    for row in [
        LabScenario::GoodRun,
        LabScenario::UntrustedClientCa,
        LabScenario::MissingIntermediate,
        LabScenario::ExpiredClientCertificate,
        LabScenario::WrongServerName,
    ] {
        let setup = lab::setup(&inputs, row, unix_now()).unwrap();
        let expected = lab::judge(&setup).outcome;
        let (chain, key) = setup.client.identity.clone().unwrap();
        // The client's identity as a PKCS#12 file, read in wasm.
        let p12 = pkcs12::identity(&key, &chain, "client", "wasm pass", Flavour::Modern).unwrap();
        let job = DiagnoseJob {
            server: SideFiles {
                certificates: pems(&setup.server.chain),
                key: setup.server.key.to_pem(),
                trusted: pems(&setup.server.trusted_client_cas),
                ..SideFiles::default()
            },
            client: SideFiles {
                pkcs12: Some(serde_bytes::ByteBuf::from(p12)),
                passphrase: "wasm pass".into(),
                trusted: pems(&setup.client.trusted_server_cas),
                ..SideFiles::default()
            },
            server_name: setup.client.server_name.clone(),
            now: unix_now(),
        };
        let diagnosis = job.run();
        let run = diagnosis
            .runs
            .iter()
            .find(|r| r.outcome.version == setup.version)
            .unwrap();
        match (&expected.result, &run.outcome.result) {
            (Ok(_), Ok(_)) => assert!(diagnosis.findings.iter().all(|f| f.level != Level::Fail)),
            (Err(lab), Err(ours)) => {
                assert_eq!(
                    (lab.side, &lab.error.kind),
                    (ours.side, &ours.error.kind),
                    "{row:?}"
                );
                assert!(
                    diagnosis
                        .findings
                        .iter()
                        .any(|f| f.level == Level::Fail && f.rows.contains(&row)),
                    "{row:?}"
                );
            }
            _ => panic!("{row:?}: {}", run.headline),
        }
    }
}

/// Resolves once `check` holds, asked every 10 ms for up to 5 s; `what` names it otherwise.
async fn eventually<F, Checked>(what: &str, mut check: F)
where
    F: FnMut() -> Checked,
    Checked: std::future::Future<Output = bool>,
{
    for _ in 0..500 {
        if check().await {
            return;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

/// Resolves once `wanted` is in `log`.
async fn logged(log: &std::rc::Rc<std::cell::RefCell<Vec<&'static str>>>, wanted: &'static str) {
    eventually(wanted, || async { log.borrow().contains(&wanted) }).await;
}

/// Takes the run's turn in the background as `label`, logging whether it goes at once or
/// waits, and when it has the turn, and passing it on at once.
fn take_turn_as(
    log: &std::rc::Rc<std::cell::RefCell<Vec<&'static str>>>,
    label: [&'static str; 2],
) {
    use mtls_lab::app::run::{Services, TurnStart};
    let log = log.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let known = {
            let log = log.clone();
            move |start| {
                log.borrow_mut().push(match start {
                    TurnStart::Now => "goes at once",
                    TurnStart::AfterAnotherTab => label[0],
                })
            }
        };
        let turn = mtls_lab::app::browser::Browser.turn(&known).await;
        log.borrow_mut().push(label[1]);
        drop(turn);
    });
}

#[wasm_bindgen_test]
async fn a_run_waits_and_says_so_while_another_tab_holds_the_web_lock() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    // Another tab's run, as it holds the lock: the promise gives the function that releases it.
    let hold = js_sys::Function::new_no_args(
        "return new Promise((held) => navigator.locks.request('mtls-lab-run', () => new Promise((release) => held(release))))",
    );
    let held = js_sys::Promise::from(hold.call0(&wasm_bindgen::JsValue::NULL).unwrap());
    let release: js_sys::Function = wasm_bindgen_futures::JsFuture::from(held)
        .await
        .unwrap()
        .unchecked_into();
    let log = Rc::new(RefCell::new(Vec::<&str>::new()));
    take_turn_as(&log, ["waits", "has the turn"]);
    logged(&log, "waits").await;
    log.borrow_mut().push("the other tab passes it on");
    release.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    logged(&log, "has the turn").await;
    assert_eq!(
        *log.borrow(),
        ["waits", "the other tab passes it on", "has the turn"]
    );
}

#[wasm_bindgen_test]
async fn a_run_after_this_pages_own_queues_behind_it_without_a_word() {
    use mtls_lab::app::browser::Browser;
    use mtls_lab::app::run::{Services, TurnStart};
    use std::cell::RefCell;
    use std::rc::Rc;
    let at_once = |start| assert_eq!(start, TurnStart::Now, "no other tab's run had the turn");
    let first = Browser.turn(&at_once).await;
    let log = Rc::new(RefCell::new(Vec::<&str>::new()));
    take_turn_as(&log, ["said it waits", "second has the turn"]);
    // The second asks while the first holds the turn: the browser's lock manager has it
    // queued, and it has the turn only once the first ends.
    let pending = js_sys::Function::new_no_args(
        "return navigator.locks.query().then((state) => state.pending.length)",
    );
    eventually("the second run queued for the turn", || async {
        let count = pending.call0(&wasm_bindgen::JsValue::NULL).unwrap();
        let count = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(count))
            .await
            .unwrap();
        count.as_f64() == Some(1.0)
    })
    .await;
    log.borrow_mut().push("first passes it on");
    drop(first);
    logged(&log, "second has the turn").await;
    assert_eq!(
        *log.borrow(),
        ["goes at once", "first passes it on", "second has the turn"]
    );
    // Passed on, the turn is free again.
    drop(Browser.turn(&at_once).await);
}
