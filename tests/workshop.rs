//! The whole workshop through the core, natively.
#![cfg(not(target_arch = "wasm32"))]

use mtls_lab::clock::unix_now;
use mtls_lab::pki::{inspect, InputField, KeyAlgorithm};
use mtls_lab::tls::TlsVersion;
use mtls_lab::workshop::protocol::{self, CoreError, Reply, Request, Response, Work};
use mtls_lab::workshop::{
    export, lab::LabScenario, Party, Settings, StepId, StepStatus, Workshop, ARTIFACTS,
};

fn run(settings: Settings) -> Workshop {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).expect("the workshop runs");
    workshop
}

fn assert_seed_verdicts(workshop: &Workshop) {
    let outcomes = workshop.handshakes();
    assert_eq!(outcomes.len(), 3);
    for (scenario, outcome) in outcomes {
        assert_eq!(
            outcome.result.is_ok(),
            scenario.should_succeed(),
            "{scenario:?}: {}",
            outcome.headline()
        );
        assert!(!outcome.records.is_empty());
    }
    let (_, good) = &outcomes[0];
    assert_eq!(good.headline(), "Handshake succeeded");
    let established = good.result.as_ref().unwrap();
    assert_eq!(established.server_received, "hello from Client B");
    assert_eq!(established.client_received, "hello from Client C");
    assert!(established
        .client_subject
        .as_deref()
        .unwrap()
        .contains("CN = client-b.local"));
    for (_, failed) in &outcomes[1..] {
        let failure = failed.result.as_ref().unwrap_err();
        assert_eq!(failure.side, mtls_lab::tls::Side::Server, "{failure:?}");
        assert!(failed.headline().starts_with("Handshake failed:"));
    }
}

#[test]
fn p256_workshop_with_intermediates_succeeds_and_refuses_the_seed_negatives() {
    let workshop = run(Settings::default());
    assert_seed_verdicts(&workshop);
    for step in StepId::ALL {
        assert_eq!(workshop.status(step), StepStatus::Fresh, "{step:?}");
    }
    let trace = &workshop.handshakes()[0].1.records;
    let names: Vec<String> = trace.iter().flat_map(|r| r.contents.clone()).collect();
    assert!(names.contains(&"ClientHello".to_string()), "{names:?}");
    assert!(names.contains(&"ServerHello".to_string()), "{names:?}");
}

#[test]
fn tls12_shows_the_plaintext_certificate_request() {
    let settings = Settings {
        tls_version: TlsVersion::Tls12,
        ..Settings::default()
    };
    let workshop = run(settings);
    assert_seed_verdicts(&workshop);
    let names: Vec<String> = workshop.handshakes()[0]
        .1
        .records
        .iter()
        .flat_map(|r| r.contents.clone())
        .collect();
    for expected in [
        "Certificate",
        "CertificateRequest",
        "ServerHelloDone",
        "ClientKeyExchange",
        "CertificateVerify",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn without_intermediates_c_signs_with_its_root() {
    let settings = Settings {
        use_intermediates: false,
        ..Settings::default()
    };
    let workshop = run(settings);
    assert_seed_verdicts(&workshop);
    assert_eq!(workshop.status(StepId::CIntermediate), StepStatus::Skipped);
    assert_eq!(workshop.chain().len(), 1);
    let client = inspect::certificate(workshop.certificate(Party::BClient).unwrap()).unwrap();
    assert!(
        client.issuer.contains("CN = Client C Root CA"),
        "{}",
        client.issuer
    );
    let files = export::all_files(&workshop, &export::KeyProtection::plain()).unwrap();
    assert!(!files.iter().any(|f| f.path.contains("intermediate")));
}

#[test]
fn rerunning_a_step_makes_its_dependents_stale() {
    let mut workshop = run(Settings::default());
    workshop
        .run_step(StepId::CIntermediate, None, unix_now())
        .unwrap();
    assert_eq!(workshop.status(StepId::CIntermediate), StepStatus::Fresh);
    for step in [StepId::CSignsB, StepId::CServer, StepId::Handshake] {
        assert_eq!(workshop.status(step), StepStatus::Stale, "{step:?}");
    }
    assert_eq!(workshop.status(StepId::BCsr), StepStatus::Fresh);
    workshop.settings.b_client.days = 30;
    workshop
        .run_step(StepId::CSignsB, None, unix_now())
        .unwrap();
    workshop
        .run_step(StepId::CServer, None, unix_now())
        .unwrap();
    workshop
        .run_step(StepId::Handshake, None, unix_now())
        .unwrap();
    assert_eq!(workshop.status(StepId::Handshake), StepStatus::Fresh);
    workshop.settings.c_server.subject.common_name = "other.local".into();
    assert_eq!(workshop.status(StepId::CServer), StepStatus::Stale);
}

#[test]
fn every_step_comes_after_the_steps_it_depends_on() {
    // `Workshop::statuses` reads each step's dependencies from the statuses before it.
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            ..Settings::default()
        };
        for step in StepId::ALL {
            for dep in step.depends_on(&settings) {
                assert!(dep.number() < step.number(), "{step:?} needs {dep:?}");
            }
        }
    }
}

#[test]
fn a_rerun_root_makes_every_step_after_it_stale_down_to_the_handshake() {
    let mut workshop = run(Settings::default());
    workshop.run_step(StepId::CRoot, None, unix_now()).unwrap();
    let statuses = workshop.statuses();
    for step in [
        StepId::CIntermediate,
        StepId::CSignsB,
        StepId::CServer,
        StepId::Handshake,
    ] {
        assert_eq!(statuses.of(step), StepStatus::Stale, "{step:?}");
        assert_eq!(workshop.status(step), StepStatus::Stale, "{step:?}");
    }
    for step in [
        StepId::CRoot,
        StepId::BRoot,
        StepId::BIntermediate,
        StepId::BCsr,
    ] {
        assert_eq!(statuses.of(step), StepStatus::Fresh, "{step:?}");
    }
}

#[test]
fn bad_input_changes_nothing() {
    let mut workshop = run(Settings::default());
    let before = workshop.certificate(Party::CRoot).cloned();
    workshop.settings.c_root.subject.common_name = String::new();
    let err = workshop
        .run_step(StepId::CRoot, None, unix_now())
        .unwrap_err();
    assert_eq!(err.field(), Some(InputField::CommonName));
    assert_eq!(workshop.certificate(Party::CRoot).cloned(), before);
    workshop.settings.c_root.subject.common_name = "Client C Root CA".into();
    workshop.settings.c_root.days = 0;
    assert_eq!(
        workshop
            .run_step(StepId::CRoot, None, unix_now())
            .unwrap_err()
            .field(),
        Some(InputField::Days)
    );
    assert_eq!(workshop.certificate(Party::CRoot).cloned(), before);
    let fresh = Workshop::new(Settings::default());
    let mut fresh = fresh;
    let err = fresh
        .run_step(StepId::CSignsB, None, unix_now())
        .unwrap_err();
    assert!(err.to_string().contains("first"), "{err}");
}

#[test]
fn export_holds_every_seed_path_and_a_zip_of_them() {
    let workshop = run(Settings::default());
    let files = export::all_files(
        &workshop,
        &export::KeyProtection::encrypted("workshop-pass"),
    )
    .unwrap();
    for spec in ARTIFACTS.iter() {
        assert!(
            files.iter().any(|f| f.path == spec.path),
            "{} missing",
            spec.path
        );
    }
    for file in files.iter().filter(|f| f.path.ends_with(".key")) {
        assert!(
            file.contents
                .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{}",
            file.path
        );
    }
    let chain = files
        .iter()
        .find(|f| f.path == "client_b_cert/client_c_ca_chain.crt")
        .unwrap();
    let certs = mtls_lab::pki::Certificate::all_from_pem(&chain.contents).unwrap();
    assert_eq!(
        certs[0],
        workshop.certificate(Party::CIntermediate).unwrap().clone()
    );
    assert_eq!(
        certs[1],
        workshop.certificate(Party::CRoot).unwrap().clone()
    );
    let zip = export::zip(&files).unwrap();
    assert_eq!(&zip[..4], b"PK\x03\x04");
    assert!(export::all_files(&workshop, &export::KeyProtection::encrypted("no")).is_err());
}

#[test]
fn supplied_keys_must_match_the_settings() {
    let mut workshop = Workshop::new(Settings::default());
    let rsa = mtls_lab::pki::PrivateKey::generate(KeyAlgorithm::Rsa2048).unwrap();
    assert!(workshop
        .run_step(StepId::CRoot, Some(rsa.clone()), unix_now())
        .is_err());
    workshop.settings.c_root.algorithm = KeyAlgorithm::Rsa2048;
    workshop
        .run_step(StepId::CRoot, Some(rsa), unix_now())
        .unwrap();
    let view = inspect::certificate(workshop.certificate(Party::CRoot).unwrap()).unwrap();
    assert_eq!(view.public_key, "RSA (2048 bit)");
    assert_eq!(view.signature_algorithm, "sha256WithRSAEncryption");
}

#[test]
fn scenario_titles_match_the_seed() {
    for version in [TlsVersion::Tls13, TlsVersion::Tls12] {
        let [good, no_cert, wrong_cert] = LabScenario::step8(version).map(|s| s.step8_names());
        assert_eq!(
            good.title,
            "Client B → Client C with B's signed certificate"
        );
        assert!(no_cert.title.contains("should fail"));
        assert!(wrong_cert.title.contains("should fail"));
    }
}

#[test]
fn imports_refuse_garbage_and_wrong_passphrases_without_changing_anything() {
    let mut workshop = run(Settings::default());
    let before = workshop.csr(Party::BClient).cloned();
    for garbage in [
        "",
        "hello",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
    ] {
        assert!(
            workshop.sign_external_csr(garbage, unix_now()).is_err(),
            "{garbage:?}"
        );
    }
    let own = mtls_lab::pki::PrivateKey::generate(KeyAlgorithm::EcdsaP384).unwrap();
    let pem = own.to_encrypted_pem("my own pass", 1000).unwrap();
    let err = workshop
        .use_own_b_key(&pem, "not it", unix_now())
        .unwrap_err();
    assert_eq!(err, mtls_lab::pki::PkiError::WrongPassphrase);
    assert_eq!(workshop.csr(Party::BClient).cloned(), before);
    assert_eq!(
        workshop.settings.b_client.algorithm,
        KeyAlgorithm::EcdsaP256
    );
    workshop
        .use_own_b_key(&pem, "my own pass", unix_now())
        .unwrap();
    assert_eq!(workshop.key(Party::BClient), Some(&own));
    assert_eq!(workshop.status(StepId::CSignsB), StepStatus::Stale);
    let signed = workshop
        .sign_external_csr(&workshop.csr(Party::BClient).unwrap().to_pem(), unix_now())
        .unwrap();
    assert!(inspect::certificate(&signed)
        .unwrap()
        .subject
        .contains("client-b.local"));
}

#[test]
fn verification_catches_a_foreign_chain_and_a_mismatched_key() {
    let workshop = run(Settings::default());
    let report = workshop.verification(unix_now()).unwrap();
    assert!(report.keys_match());
    assert_eq!(report.client_chain.as_ref().unwrap().len(), 3);
    // B's root is no anchor for C's leaves.
    let foreign = mtls_lab::pki::verify::chain(
        workshop.certificate(Party::BClient).unwrap(),
        &[],
        &[workshop.certificate(Party::BRoot).unwrap().clone()],
        mtls_lab::pki::verify::Usage::ClientAuth,
        unix_now(),
    );
    assert!(foreign.is_err());
    // The server certificate is not for client authentication.
    let wrong_usage = mtls_lab::pki::verify::chain(
        workshop.certificate(Party::CServer).unwrap(),
        &[workshop.certificate(Party::CIntermediate).unwrap().clone()],
        &[workshop.certificate(Party::CRoot).unwrap().clone()],
        mtls_lab::pki::verify::Usage::ClientAuth,
        unix_now(),
    );
    assert!(wrong_usage.is_err());
    // Ten years on, the client certificate has expired.
    let later = workshop.verification(unix_now() + 3700 * 86_400).unwrap();
    assert!(!later.valid_now && later.client_chain.is_err());
    assert!(
        later
            .client_chain
            .as_ref()
            .unwrap_err()
            .ends_with("has expired: its notAfter date is past"),
        "{:?}",
        later.client_chain
    );
    let other = mtls_lab::pki::PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
    assert_ne!(
        mtls_lab::pki::verify::public_key_sha256(&other.spki_der()),
        report.key_hashes[0]
    );
}

#[test]
fn a_pasted_certificate_is_checked_against_both_cas() {
    let workshop = run(Settings::default());
    let server = workshop.certificate(Party::CServer).unwrap().to_pem();
    let check = workshop.check_certificate(&server, unix_now()).unwrap();
    assert!(check.view.subject.contains("CN = client-c.local"));
    let c = &check.chains[0];
    assert_eq!(c.ca, "Client C's CA");
    assert!(
        c.server_auth.webpki.is_ok() && c.client_auth.webpki.is_err(),
        "{c:?}"
    );
    assert!(check.chains[1].server_auth.webpki.is_err());
    // openssl agrees on each verdict, and says it in its own words.
    assert_eq!(c.server_auth.openssl.line(), "OK");
    assert_eq!(
        c.client_auth.openssl.line(),
        "error 26 at 0 depth lookup: unsuitable certificate purpose"
    );
    assert_eq!(
        check.chains[1].server_auth.openssl.line(),
        "error 20 at 0 depth lookup: unable to get local issuer certificate"
    );
    for chain in &check.chains {
        assert!(
            chain.client_auth.agree() && chain.server_auth.agree(),
            "{chain:?}"
        );
    }
    // Refusals in plain words, not webpki's Debug text; webpki's name kept apart.
    let refused = c.client_auth.webpki.as_ref().unwrap_err();
    assert_eq!(
        refused.sentence,
        "its extendedKeyUsage, or that of a CA above it, does not include clientAuth"
    );
    assert_eq!(refused.webpki_name, "RequiredEkuNotFoundContext");
    let foreign = check.chains[1].server_auth.webpki.as_ref().unwrap_err();
    assert_eq!(
        foreign.sentence,
        "its issuer is not among the CA certificates it was checked against"
    );
    assert_eq!(foreign.webpki_name, "UnknownIssuer");
    for bad in [
        "",
        "junk",
        &"A".repeat(300 * 1024),
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
    ] {
        assert!(workshop.check_certificate(bad, unix_now()).is_err());
    }
}

#[test]
fn a_saved_workshop_restores_with_its_passphrase() {
    use mtls_lab::workshop::saved::{self, Saved};
    let mut settings = Settings {
        use_intermediates: false,
        ..Settings::default()
    };
    settings.c_server.subject.organization = "Odd = name, 100% real".into();
    let workshop = run(settings);
    let protection = export::KeyProtection {
        iterations: 1000,
        ..export::KeyProtection::encrypted("saved pass")
    };
    let text = saved::save(&workshop, &protection, |party| {
        workshop
            .key(party)
            .map(|k| k.to_encrypted_pem("saved pass", 1000).unwrap())
    });
    assert!(
        !text.contains("BEGIN PRIVATE KEY"),
        "keys at rest are encrypted"
    );
    let parsed = Saved::parse(&text).unwrap();
    assert!(parsed.keys_encrypted);
    assert_eq!(parsed.settings, workshop.settings);
    assert_eq!(
        parsed.restore("wrong pass", unix_now()).unwrap_err(),
        mtls_lab::pki::PkiError::WrongPassphrase
    );
    let restored = parsed.restore("saved pass", unix_now()).unwrap();
    for party in [Party::CRoot, Party::BRoot, Party::BClient, Party::CServer] {
        assert_eq!(restored.certificate(party), workshop.certificate(party));
        assert_eq!(restored.key(party), workshop.key(party));
    }
    for step in StepId::ALL {
        assert_eq!(restored.status(step), workshop.status(step), "{step:?}");
    }
    assert_eq!(restored.handshakes()[0].1.headline(), "Handshake succeeded");
    assert!(Saved::parse("something else").is_err());
    assert!(text.starts_with("{\"format\":2,"), "{text}");
    assert!(Saved::parse(&text.replacen("\"p256\"", "\"rsa1\"", 1)).is_err());
    // A field this version does not know is refused, not ignored.
    assert!(
        Saved::parse(&text.replacen("{\"format\":2,", "{\"format\":2,\"extra\":1,", 1)).is_err()
    );
    // A subject the form would refuse is refused here too.
    assert!(
        Saved::parse(&text.replacen("\"country\":\"FR\"", "\"country\":\"France\"", 1)).is_err()
    );
    // A later format says so, in words.
    let later = Saved::parse(&text.replacen("{\"format\":2,", "{\"format\":3,", 1))
        .err()
        .unwrap()
        .to_string();
    assert!(
        later.contains("format 3, which this page does not read"),
        "{later}"
    );
}

/// Sends work the way the page sends it to its worker: a request as bytes, read and run on
/// the far side, and the response read back as bytes under the same id.
fn through_a_worker(id: u64, work: Work) -> Result<Reply, CoreError> {
    let sent = Request { id, work }.to_bytes().unwrap();
    let answered = protocol::answer_bytes(&sent);
    let response = Response::from_bytes(&answered).unwrap();
    assert_eq!(response.id, id);
    response.result
}

/// The browser sends signing steps to a worker; the tree must come out the same.
#[test]
fn steps_run_as_jobs_elsewhere_build_the_same_tree() {
    use mtls_lab::workshop::job::StepProducts;
    for use_intermediates in [true, false] {
        let settings = Settings {
            use_intermediates,
            ..Settings::default()
        };
        let mut workshop = Workshop::new(settings.clone());
        for (id, step) in (1..).zip(StepId::ALL.into_iter().filter(|s| settings.includes(*s))) {
            if step == StepId::Handshake {
                let outcomes = workshop.connect_all().unwrap();
                workshop.set_handshakes(outcomes).unwrap();
                continue;
            }
            let job = workshop.job(step, None, unix_now()).unwrap();
            let Ok(Reply::Step { csr, cert }) = through_a_worker(id, Work::Step(job.clone()))
            else {
                panic!("step {step:?} came back as something else");
            };
            workshop
                .commit(StepProducts::from_reply(&job, csr, cert))
                .unwrap();
            assert_eq!(workshop.status(step), StepStatus::Fresh);
        }
        assert_seed_verdicts(&workshop);
        assert!(workshop.verification(unix_now()).unwrap().keys_match());
    }
}

#[test]
fn a_garbled_job_or_answer_is_refused_without_panic() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_step(StepId::CRoot, None, unix_now()).unwrap();
    workshop.run_step(StepId::BRoot, None, unix_now()).unwrap();
    let job = workshop
        .job(StepId::CIntermediate, None, unix_now())
        .unwrap();
    let bytes = Request {
        id: 7,
        work: Work::Step(job.clone()),
    }
    .to_bytes()
    .unwrap();
    let response = Request::from_bytes(&bytes).unwrap().answer();
    let answer = response.to_bytes().unwrap();
    // Every cut, and every byte flipped, is an error or a value, never a panic.
    for cut in 0..bytes.len() {
        assert!(Request::from_bytes(&bytes[..cut]).is_err());
    }
    for cut in 0..answer.len() {
        assert!(Response::from_bytes(&answer[..cut]).is_err());
    }
    for (i, flip) in (0..bytes.len()).zip([0x01u8, 0x80, 0xff].into_iter().cycle()) {
        let mut hostile = bytes.clone();
        hostile[i] ^= flip;
        // A request that does not read is still answered: under its id if that could be
        // read, with the reason. (One that reads is run as any job would be.)
        if Request::from_bytes(&hostile).is_err() {
            let response = Response::from_bytes(&protocol::answer_bytes(&hostile)).unwrap();
            assert!(matches!(response.result, Err(CoreError::Unreadable(_))));
        }
    }
    for (i, flip) in (0..answer.len()).zip([0x01u8, 0x80, 0xff].into_iter().cycle()) {
        let mut hostile = answer.clone();
        hostile[i] ^= flip;
        let _ = Response::from_bytes(&hostile);
    }
    // Another format, trailing bytes, and a certificate that is not DER are refused.
    let mut other_format = bytes.clone();
    other_format[0] = protocol::FORMAT + 1;
    assert!(matches!(
        Request::from_bytes(&other_format),
        Err(CoreError::Unreadable(_))
    ));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(Request::from_bytes(&trailing).is_err());
    let der = workshop.certificate(Party::CRoot).unwrap().der().to_vec();
    let at = bytes
        .windows(der.len())
        .position(|w| w == der.as_slice())
        .expect("the certificate travels as its DER");
    let mut not_der = bytes.clone();
    not_der[at] = 0x04;
    assert!(Request::from_bytes(&not_der).is_err());
    assert!(protocol::answer_bytes(&[]).len() > 1);
    // A job for a step whose inputs are missing is refused before it is sent.
    let early = Workshop::new(Settings::default());
    assert!(early.job(StepId::CSignsB, None, unix_now()).is_err());
    // A step the core refuses comes back as a typed refusal, not as text.
    let mut handshake = job;
    handshake.step = StepId::Handshake;
    let refused = through_a_worker(8, Work::Step(handshake)).unwrap_err();
    assert!(matches!(
        refused,
        CoreError::Input {
            field: InputField::Run,
            ..
        }
    ));
}

/// The browser opens saved keys in a worker: the request and the answer travel as bytes.
#[test]
fn saved_keys_open_elsewhere_and_rebuild_the_same_workshop() {
    use mtls_lab::workshop::saved::{self, Saved};
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let protection = export::KeyProtection {
        iterations: 1000,
        ..export::KeyProtection::encrypted("saved pass")
    };
    let text = saved::save(&workshop, &protection, |p| {
        workshop
            .key(p)
            .map(|k| k.to_encrypted_pem("saved pass", 1000).unwrap())
    });
    let parsed = Saved::parse(&text).unwrap();
    let open = |passphrase: &str| {
        through_a_worker(
            3,
            Work::OpenKeys {
                saved: text.clone(),
                passphrase: passphrase.into(),
            },
        )
    };
    let Ok(Reply::OpenedKeys(keys)) = open("saved pass") else {
        panic!("the keys open");
    };
    assert_eq!(keys.len(), 6);
    let mut restored = parsed.restore_with_keys(keys).unwrap();
    // Step 8 is left for the caller, who may run it elsewhere.
    assert_eq!(restored.status(StepId::Handshake), StepStatus::NotRun);
    let outcomes = restored.connect_all().unwrap();
    restored.set_handshakes(outcomes).unwrap();
    for step in StepId::ALL {
        assert_eq!(restored.status(step), StepStatus::Fresh, "{step:?}");
    }
    for party in Party::ALL {
        assert_eq!(restored.certificate(party), workshop.certificate(party));
        assert_eq!(restored.key(party), workshop.key(party));
    }
    // A wrong passphrase is its own kind, so the page can say so by the field.
    assert_eq!(open("not it").unwrap_err(), CoreError::WrongPassphrase);
    assert_eq!(
        mtls_lab::pki::PkiError::from(CoreError::WrongPassphrase),
        mtls_lab::pki::PkiError::WrongPassphrase
    );
    let damaged = through_a_worker(
        4,
        Work::OpenKeys {
            saved: "no workshop".into(),
            passphrase: String::new(),
        },
    );
    assert!(matches!(damaged, Err(CoreError::Pem(_))));
}

/// A workshop saved by the previous build, in the first line-based form, still restores:
/// its settings, keys and certificates come back.
#[test]
fn a_workshop_saved_in_the_first_form_restores() {
    use mtls_lab::workshop::saved::Saved;
    let workshop = run(Settings::default());
    let mut text = String::from("mtls-lab workshop v1\nsetting use_intermediates=true\nsetting tls=1.3\nsetting sans=client-c.local, localhost, 127.0.0.1\nsetting keys=plain\n");
    for party in Party::ALL {
        let cert = workshop.settings.cert(party);
        text.push_str(&format!(
            "setting {party:?}.algorithm={}\n",
            cert.algorithm.id()
        ));
        text.push_str(&format!("setting {party:?}.days={}\n", cert.days));
        for field in mtls_lab::pki::name::SUBJECT_FIELDS {
            text.push_str(&format!(
                "setting {party:?}.{}={}\n",
                field.short,
                cert.subject.get(field.short).replace('%', "%25")
            ));
        }
    }
    for party in Party::ALL {
        if let Some(key) = workshop.key(party) {
            text.push_str(&format!("key {party:?}\n{}", key.to_pem()));
        }
        if let Some(csr) = workshop.csr(party) {
            text.push_str(&format!("csr {party:?}\n{}", csr.to_pem()));
        }
        if let Some(cert) = workshop.certificate(party) {
            text.push_str(&format!("cert {party:?}\n{}", cert.to_pem()));
        }
    }
    let saved = Saved::parse(&text).unwrap();
    assert_eq!(saved.settings, workshop.settings);
    let restored = saved.restore("", unix_now()).unwrap();
    for party in Party::ALL {
        assert_eq!(
            restored.certificate(party),
            workshop.certificate(party),
            "{party:?}"
        );
    }
    assert_eq!(restored.handshakes()[0].1.headline(), "Handshake succeeded");
}
