//! Step 8's three runs: the files each run reads, as the seed's step 8 lays them out, and
//! their verdicts, for every key type, intermediates setting and TLS version.
#![cfg(not(target_arch = "wasm32"))]

use mtls_lab::clock::unix_now;
use mtls_lab::pki::{Certificate, KeyAlgorithm};
use mtls_lab::tls::{HandshakeJob, Side, TlsVersion};
use mtls_lab::workshop::lab::LabScenario;
use mtls_lab::workshop::{Party, Settings, StepId, Workshop};

fn settings(algorithm: KeyAlgorithm, use_intermediates: bool) -> Settings {
    let mut settings = Settings {
        use_intermediates,
        ..Settings::default()
    };
    for party in Party::ALL {
        settings.cert_mut(party).algorithm = algorithm;
    }
    settings
}

/// The seed's step 8, written out: C serves its leaf with its intermediate and trusts its CA
/// chain; B trusts the same chain, connects to the server's first name, and presents its
/// signed certificate with C's intermediate, nothing, or its own root CA.
fn assert_seed_files(workshop: &Workshop, scenario: LabScenario, job: &HandshakeJob) {
    let cert = |p: Party| workshop.certificate(p).unwrap().clone();
    let key = |p: Party| workshop.key(p).unwrap().clone();
    let settings = &workshop.settings;
    let chain: Vec<Certificate> = if settings.use_intermediates {
        vec![cert(Party::CIntermediate), cert(Party::CRoot)]
    } else {
        vec![cert(Party::CRoot)]
    };
    let with_intermediate = |leaf: Certificate| {
        let mut sent = vec![leaf];
        if settings.use_intermediates {
            sent.push(cert(Party::CIntermediate));
        }
        sent
    };
    assert_eq!(job.version, settings.tls_version, "{scenario:?}");
    assert_eq!(job.server.chain, with_intermediate(cert(Party::CServer)));
    assert_eq!(job.server.key, key(Party::CServer));
    assert_eq!(job.server.trusted_client_cas, chain);
    assert_eq!(job.client.trusted_server_cas, chain);
    assert_eq!(job.client.server_name, "client-c.local");
    assert!(!job.client.skip_key_check);
    let identity = match scenario {
        LabScenario::GoodRun | LabScenario::GoodRunTls12 => {
            Some((with_intermediate(cert(Party::BClient)), key(Party::BClient)))
        }
        LabScenario::NoClientCertificate => None,
        LabScenario::ClientRootAsCertificate => Some((vec![cert(Party::BRoot)], key(Party::BRoot))),
        other => panic!("step 8 does not run {other:?}"),
    };
    assert_eq!(job.client.identity, identity, "{scenario:?}");
}

/// Runs step 8 and checks each run's files and verdict: the good run succeeds, C refuses
/// the other two.
fn assert_step8(workshop: &mut Workshop) {
    let runs = LabScenario::step8(workshop.settings.tls_version);
    for scenario in runs {
        let job = workshop
            .connection(scenario)
            .expect("step 8's files are there");
        assert_seed_files(workshop, scenario, &job);
    }
    workshop
        .run_step(StepId::Handshake, None, unix_now())
        .expect("step 8 runs");
    let outcomes = workshop.handshakes();
    let ran: Vec<LabScenario> = outcomes.iter().map(|(s, _)| *s).collect();
    assert_eq!(ran, runs);
    let settings = &workshop.settings;
    for (scenario, outcome) in outcomes {
        let context = format!(
            "{scenario:?}, {}, intermediates {}: {}",
            settings.tls_version.label(),
            settings.use_intermediates,
            outcome.headline()
        );
        assert_eq!(outcome.version, settings.tls_version, "{context}");
        match &outcome.result {
            Ok(established) => {
                assert!(scenario.should_succeed(), "{context}");
                assert_eq!(established.server_received, "hello from Client B");
            }
            Err(failure) => {
                assert!(!scenario.should_succeed(), "{context}");
                assert_eq!(failure.side, Side::Server, "{context}");
            }
        }
    }
}

#[test]
fn step8_runs_the_seed_files_to_the_seed_verdicts() {
    for algorithm in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::Rsa2048] {
        for use_intermediates in [true, false] {
            let mut workshop = Workshop::new(settings(algorithm, use_intermediates));
            workshop.run_all(unix_now()).expect("the workshop runs");
            for tls_version in [TlsVersion::Tls13, TlsVersion::Tls12] {
                workshop.settings.tls_version = tls_version;
                assert_step8(&mut workshop);
            }
        }
    }
}

/// Step 4 is optional and nothing in step 8 uses B's intermediate: step 8 runs without it.
#[test]
fn step8_runs_without_b_intermediate() {
    let mut workshop = Workshop::new(settings(KeyAlgorithm::EcdsaP256, true));
    for step in StepId::ALL {
        if !matches!(step, StepId::BIntermediate | StepId::Handshake) {
            workshop.run_step(step, None, unix_now()).unwrap();
        }
    }
    assert!(workshop.certificate(Party::BIntermediate).is_none());
    assert_step8(&mut workshop);
}
