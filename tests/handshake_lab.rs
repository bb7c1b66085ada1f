//! The handshake lab in memory: every scenario's verdict, and the decoded message list.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::InputField;
use mtls_lab::tls::decrypt::{Message, MessageKind};
use mtls_lab::tls::{diagram, messages, wire, Direction, RefusalKind, Side, TlsVersion};
use mtls_lab::workshop::lab::{self, LabScenario, Verdict};
use mtls_lab::workshop::{Settings, Workshop};
use rustls::HandshakeType;

fn workshop(settings: Settings) -> Workshop {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).expect("the workshop runs");
    workshop
}

/// The refusal each row must carry, so a row fails for its own reason.
fn expected_refusal(scenario: LabScenario) -> Option<RefusalKind> {
    Some(match scenario {
        LabScenario::NoClientCertificate | LabScenario::ClientPicksByCaNames => {
            RefusalKind::NoCertificate
        }
        LabScenario::ClientRootAsCertificate => RefusalKind::CaUsedAsEndEntity,
        LabScenario::UntrustedClientCa
        | LabScenario::MissingIntermediate
        | LabScenario::LeafOnlyCHoldsRootOnly => RefusalKind::UnknownIssuer,
        LabScenario::ExpiredClientCertificate => RefusalKind::Expired,
        LabScenario::NotYetValidClientCertificate => RefusalKind::NotValidYet,
        LabScenario::ServerCertificateAsClient | LabScenario::ServerOnlyEkuOnIntermediate => {
            RefusalKind::WrongPurpose
        }
        LabScenario::NameConstraintViolated => RefusalKind::NameConstraintViolated,
        LabScenario::WrongServerName => RefusalKind::NameMismatch,
        LabScenario::IssuedByNonCa => RefusalKind::EndEntityUsedAsCa,
        LabScenario::PathLengthExceeded => RefusalKind::PathLenExceeded,
        LabScenario::MismatchedKey => RefusalKind::BadSignature,
        LabScenario::RevokedClientCertificate => RefusalKind::Revoked,
        LabScenario::ExpiredCrl => RefusalKind::CrlExpired,
        LabScenario::NoCrlForIntermediate => RefusalKind::RevocationUnknown,
        LabScenario::GoodRun
        | LabScenario::GoodRunTls12
        | LabScenario::FederatedGoodRun
        | LabScenario::OptionalWithoutCertificate
        | LabScenario::OptionalWithCertificate
        | LabScenario::LeafOnlyCHoldsIntermediate
        | LabScenario::NameConstraintPermitted
        | LabScenario::DeepChain => return None,
    })
}

#[test]
fn every_scenario_gets_its_verdict_for_its_reason() {
    for settings in [
        Settings::default(),
        Settings {
            tls_version: TlsVersion::Tls12,
            ..Settings::default()
        },
    ] {
        let workshop = workshop(settings);
        for scenario in LabScenario::ALL {
            let run = workshop
                .run_lab(scenario, unix_now())
                .expect("the scenario builds");
            let headline = run.outcome.headline();
            assert_eq!(
                run.verdict(),
                scenario.expected(),
                "{scenario:?}: {headline}"
            );
            assert!(run.as_expected());
            if let Err(failure) = &run.outcome.result {
                assert_eq!(
                    Some(&failure.error.kind),
                    expected_refusal(scenario).as_ref(),
                    "{scenario:?}: {headline}"
                );
                // The other side learns it from the alert rustls maps the error to.
                let alert = failure
                    .error
                    .alert_sent()
                    .expect("a refusal sends an alert");
                assert_eq!(
                    failure.peer_error.as_ref().map(|p| &p.kind),
                    Some(&RefusalKind::AlertReceived(alert)),
                    "{scenario:?}: {headline}"
                );
                assert!(!headline.contains("Other("), "{headline}");
                assert!(!headline.contains("Context"), "{headline}");
                // The refusing side tells the other with an alert, which the trace shows.
                let alert_from = match failure.side {
                    Side::Client => Direction::ClientToServer,
                    _ => Direction::ServerToClient,
                };
                assert!(
                    run.outcome
                        .messages()
                        .iter()
                        .any(|m| m.direction == alert_from
                            && matches!(m.kind, MessageKind::Alert { fatal: true, .. })),
                    "{scenario:?}: no alert decoded\n{:#?}",
                    names(&run.outcome.messages())
                );
            }
        }
    }
}

#[test]
fn without_intermediates_the_lab_says_which_rows_need_them() {
    let workshop = workshop(Settings {
        use_intermediates: false,
        ..Settings::default()
    });
    for scenario in LabScenario::ALL {
        match workshop.run_lab(scenario, unix_now()) {
            Ok(run) => {
                assert!(!scenario.needs_intermediates());
                assert_eq!(
                    run.verdict(),
                    scenario.expected(),
                    "{scenario:?}: {}",
                    run.outcome.headline()
                );
            }
            Err(e) => {
                assert!(scenario.needs_intermediates(), "{scenario:?}: {e}");
                assert!(e.to_string().contains("intermediate"), "{e}");
            }
        }
    }
}

#[test]
fn the_lab_refuses_to_start_before_the_steps_ran() {
    let workshop = Workshop::new(Settings::default());
    let error = workshop
        .run_lab(LabScenario::GoodRun, unix_now())
        .unwrap_err();
    assert_eq!(error.field(), Some(InputField::Lab));
    assert!(error.to_string().contains("run all steps first"), "{error}");
}

fn names(messages: &[Message]) -> Vec<(Direction, String, bool)> {
    messages
        .iter()
        .map(|m| (m.direction, m.name(), m.decrypted))
        .collect()
}

/// Handshake messages from one side, in order, with whether each was decrypted.
fn handshake_from(messages: &[Message], direction: Direction) -> Vec<(String, bool)> {
    messages
        .iter()
        .filter(|m| m.direction == direction && matches!(m.kind, MessageKind::Handshake(_)))
        .map(|m| (m.name(), m.decrypted))
        .collect()
}

fn owned(expected: &[(&str, bool)]) -> Vec<(String, bool)> {
    expected.iter().map(|(n, d)| (n.to_string(), *d)).collect()
}

fn field<'a>(fields: &'a [messages::Field], label: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.label.eq_ignore_ascii_case(label))
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no field {label} in {fields:#?}"))
}

#[test]
fn tls13_good_run_decrypts_every_message_from_the_right_side() {
    let workshop = workshop(Settings::default());
    let run = workshop.run_lab(LabScenario::GoodRun, unix_now()).unwrap();
    let all = &run.outcome.messages();
    let client = handshake_from(all, Direction::ClientToServer);
    let server = handshake_from(all, Direction::ServerToClient);
    let expected_client = [
        ("ClientHello", false),
        ("Certificate", true),
        ("CertificateVerify", true),
        ("Finished", true),
    ];
    let expected_server = [
        ("ServerHello", false),
        ("EncryptedExtensions", true),
        ("CertificateRequest", true),
        ("Certificate", true),
        ("CertificateVerify", true),
        ("Finished", true),
    ];
    assert_eq!(client, owned(&expected_client), "{:#?}", names(all));
    // rustls's server ends with session tickets, also decrypted.
    assert_eq!(
        server[..6],
        owned(&expected_server)[..],
        "{:#?}",
        names(all)
    );
    assert!(server[6..]
        .iter()
        .all(|(n, d)| n == "NewSessionTicket" && *d));
    // Application data both ways, opened with the traffic secrets.
    let data: Vec<&Message> = all
        .iter()
        .filter(|m| m.kind == MessageKind::ApplicationData)
        .collect();
    assert_eq!(data.len(), 2, "{:#?}", names(all));
    assert_eq!(data[0].bytes, b"hello from Client B");
    assert_eq!(data[1].bytes, b"hello from Client C");
    assert!(data.iter().all(|m| m.decrypted));

    // The messages a learner opens, read as types and as the fields the page shows.
    let find = |direction: Direction, ty: HandshakeType| {
        all.iter()
            .find(|m| m.direction == direction && m.is_handshake(ty))
            .unwrap()
    };
    let request = messages::decode(
        &find(Direction::ServerToClient, HandshakeType::CertificateRequest).bytes,
        true,
    );
    let asked: Vec<String> = request
        .certificate_request()
        .expect("a CertificateRequest")
        .certificate_authorities()
        .iter()
        .filter_map(messages::DistinguishedName::name)
        .map(|name| mtls_lab::pki::inspect::name_text(&name))
        .collect();
    assert!(
        !asked.is_empty() && asked.iter().all(|name| name.contains("Client C")),
        "{request:#?}"
    );
    let shown = messages::fields(&request);
    assert_eq!(
        field(&shown, "CA names the server asks for"),
        asked.join("; ")
    );
    let chain = |direction: Direction| {
        messages::decode(&find(direction, HandshakeType::Certificate).bytes, true)
            .certificate()
            .expect("a Certificate message")
            .common_names()
    };
    assert_eq!(chain(Direction::ServerToClient)[0], "client-c.local");
    assert_eq!(chain(Direction::ClientToServer)[0], "client-b.local");
    let hello = messages::decode(
        &find(Direction::ServerToClient, HandshakeType::ServerHello).bytes,
        true,
    );
    let messages::Body::ServerHello(hello) = hello.body else {
        panic!("a ServerHello: {hello:#?}");
    };
    assert_eq!(
        hello
            .cipher_suite
            .map(|suite| format!("{suite:?}"))
            .as_deref(),
        Some(run.outcome.result.as_ref().unwrap().cipher_suite.as_str())
    );
}

#[test]
fn tls12_good_run_shows_the_classic_flights_and_opens_finished() {
    let workshop = workshop(Settings::default());
    let run = workshop
        .run_lab(LabScenario::GoodRunTls12, unix_now())
        .unwrap();
    let all = &run.outcome.messages();
    let client = handshake_from(all, Direction::ClientToServer);
    let server = handshake_from(all, Direction::ServerToClient);
    assert_eq!(
        client,
        owned(&[
            ("ClientHello", false),
            ("Certificate", false),
            ("ClientKeyExchange", false),
            ("CertificateVerify", false),
            ("Finished", true),
        ]),
        "{:#?}",
        names(all)
    );
    assert_eq!(
        server,
        owned(&[
            ("ServerHello", false),
            ("Certificate", false),
            ("ServerKeyExchange", false),
            ("CertificateRequest", false),
            ("ServerHelloDone", false),
            ("Finished", true),
        ]),
        "{:#?}",
        names(all)
    );
    let ccs = all
        .iter()
        .filter(|m| m.kind == MessageKind::ChangeCipherSpec)
        .count();
    assert_eq!(ccs, 2);
}

#[test]
fn a_refusal_is_decrypted_too() {
    let workshop = workshop(Settings::default());
    let run = workshop
        .run_lab(LabScenario::NoClientCertificate, unix_now())
        .unwrap();
    let all = &run.outcome.messages();
    let empty = all
        .iter()
        .find(|m| {
            m.direction == Direction::ClientToServer && m.is_handshake(HandshakeType::Certificate)
        })
        .unwrap();
    assert!(empty.decrypted);
    let alert = all
        .iter()
        .find(|m| matches!(m.kind, MessageKind::Alert { .. }))
        .unwrap();
    assert_eq!(alert.direction, Direction::ServerToClient);
    assert!(alert.decrypted);
    assert_eq!(alert.name(), "Alert: certificate_required (fatal)");
}

#[test]
fn verdict_labels_read_well() {
    assert_eq!(Verdict::Accepted.label(), "accepted");
    assert_eq!(
        Verdict::RefusedBy(Side::Server).label(),
        "refused by Client C"
    );
}

#[test]
fn the_diagram_draws_one_arrow_per_flight_and_says_who_refused() {
    let workshop = workshop(Settings::default());
    let good = workshop.run_lab(LabScenario::GoodRun, unix_now()).unwrap();
    let flights = diagram::flights(&good.outcome.messages(), true);
    // B's hello; C's whole first flight; B's CCS, certificate, proof and Finished; C's
    // tickets; then the data each way.
    let directions: Vec<Direction> = flights.iter().map(|f| f.direction).collect();
    assert_eq!(directions.first(), Some(&Direction::ClientToServer));
    assert!(directions.windows(2).all(|w| w[0] != w[1]), "{flights:#?}");
    let svg = diagram::svg(&good.outcome, "The good run");
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert_eq!(svg.matches("<polygon").count(), flights.len());
    assert!(svg.contains("B proves it holds its private key"));
    assert!(
        svg.contains("B's chain: client-b.local ← Client C Intermediate CA"),
        "{svg}"
    );
    assert!(
        svg.contains("C's chain: client-c.local ← Client C Intermediate CA"),
        "{svg}"
    );
    assert!(svg.contains("CertificateRequest (encrypted)"));
    assert!(svg.contains("Handshake succeeded"));

    let refused = workshop
        .run_lab(LabScenario::WrongServerName, unix_now())
        .unwrap();
    let svg = diagram::svg(&refused.outcome, "Wrong <name> & \"quotes\"");
    assert!(svg.contains("Client B refused"), "{svg}");
    assert!(svg.contains("Wrong &lt;name&gt; &amp; &quot;quotes&quot;"));
    let last = diagram::flights(&refused.outcome.messages(), true)
        .pop()
        .unwrap();
    assert!(last.alert && last.direction == Direction::ClientToServer);
}

#[test]
fn the_capture_and_key_log_of_a_run_belong_together() {
    let workshop = workshop(Settings::default());
    let run = workshop.run_lab(LabScenario::GoodRun, unix_now()).unwrap();
    let keylog = run.outcome.keys.to_sslkeylogfile();
    for label in [
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    ] {
        assert_eq!(keylog.matches(&format!("{label} ")).count(), 1, "{keylog}");
    }
    // Every line names this session's ClientHello random.
    let hello = wire::hello(&run.outcome.messages()[0].bytes)
        .expect("a whole hello")
        .expect("the ClientHello");
    let random: String = hello.random.iter().map(|b| format!("{b:02x}")).collect();
    assert!(keylog
        .lines()
        .all(|l| l.split(' ').nth(1) == Some(random.as_str())));
}

/// The browser runs the lab and step 8 in a worker, sending bytes both ways; nothing may be
/// lost on the way.
#[test]
fn lab_runs_and_handshakes_survive_the_trip_to_a_worker_and_back() {
    use mtls_lab::workshop::lab::LabInputs;
    use mtls_lab::workshop::protocol::{answer_bytes, Reply, Request, Response, Work};
    let trip = |id: u64, work: Work| {
        let response =
            Response::from_bytes(&answer_bytes(&Request { id, work }.to_bytes().unwrap())).unwrap();
        assert_eq!(response.id, id);
        response.result.unwrap()
    };
    let workshop = workshop(Settings::default());
    let inputs = LabInputs::of(&workshop);
    for (id, scenario) in (1..).zip(LabScenario::ALL) {
        let work = Work::Lab {
            inputs: inputs.clone(),
            scenario,
            now: unix_now(),
        };
        let Reply::Lab(job) = trip(id, work) else {
            panic!("{scenario:?}: the scenario's files");
        };
        let Reply::Handshake(back) = trip(id + 100, Work::Handshake(job.clone())) else {
            panic!("{scenario:?}: an outcome");
        };
        // The files that came back run to the same verdict here.
        let here = job.run();
        assert_eq!(back.version, here.version);
        assert_eq!(back.result.is_ok(), here.result.is_ok(), "{scenario:?}");
        assert_eq!(lab::Verdict::of(&back), scenario.expected(), "{scenario:?}");
    }
    for scenario in LabScenario::step8(workshop.settings.tls_version) {
        let job = workshop.connection(scenario).unwrap();
        let outcome = job.run();
        assert_eq!(outcome.result.is_ok(), scenario.should_succeed());
        // An outcome travels whole: records, secrets and verdict.
        let bytes = Response {
            id: 9,
            result: Ok(Reply::Handshake(outcome.clone())),
        }
        .to_bytes()
        .unwrap();
        let Ok(Reply::Handshake(back)) = Response::from_bytes(&bytes).unwrap().result else {
            panic!("an outcome");
        };
        assert_eq!(back, outcome);
        let Reply::Handshake(ran) = trip(10, Work::Handshake(job)) else {
            panic!("an outcome");
        };
        assert_eq!(ran.result.is_ok(), scenario.should_succeed());
    }
    for garbage in [&b""[..], &[1], &[1, 5], &[1, 5, 2, 9, 9, 9], &[0xff; 40]] {
        assert!(Request::from_bytes(garbage).is_err());
        assert!(Response::from_bytes(garbage).is_err());
    }
}

/// With B's root on another curve than B's key, the mismatched-key row still pairs B's
/// certificate with a key of its own type, so C refuses the signature, not its algorithm.
#[test]
fn the_mismatched_key_row_uses_a_key_of_the_certificates_type() {
    let mut settings = Settings::default();
    settings.b_root.algorithm = mtls_lab::pki::KeyAlgorithm::EcdsaP384;
    let workshop = workshop(settings);
    let run = workshop
        .run_lab(LabScenario::MismatchedKey, unix_now())
        .unwrap();
    let failure = run.outcome.result.as_ref().unwrap_err();
    assert_eq!(failure.side, Side::Server, "{}", run.outcome.headline());
    assert_eq!(failure.error.kind, RefusalKind::BadSignature);
}

/// The revocation rows, and what their notes say rustls does beside openssl.
#[test]
fn the_revocation_rows_check_what_their_notes_say() {
    use mtls_lab::workshop::lab::LabInputs;
    let workshop = workshop(Settings::default());
    let inputs = LabInputs::of(&workshop);
    let refusal = |setup: &lab::Setup| {
        let run = lab::judge(setup);
        let failure = run.outcome.result.clone().expect_err("C refuses");
        assert_eq!(failure.side, Side::Server);
        failure.error
    };

    // Every row gives rustls a CRL: with none it would check nothing.
    for scenario in [
        LabScenario::RevokedClientCertificate,
        LabScenario::ExpiredCrl,
        LabScenario::NoCrlForIntermediate,
    ] {
        let setup = lab::setup(&inputs, scenario, unix_now()).unwrap();
        let check = setup
            .server
            .revocation
            .as_ref()
            .expect("C checks revocation");
        assert_eq!(check.crls.len(), 1, "{scenario:?}");
        assert_eq!(
            check.whole_chain,
            scenario == LabScenario::NoCrlForIntermediate
        );
        assert!(check.enforce_expiry && !check.allow_unknown);
    }

    let setup = lab::setup(&inputs, LabScenario::RevokedClientCertificate, unix_now()).unwrap();
    let (chain, _) = setup.client.identity.as_ref().unwrap();
    let contents = setup.server.revocation.as_ref().unwrap().crls[0]
        .contents()
        .unwrap();
    assert_eq!(contents.revoked.len(), 1);
    assert_eq!(contents.revoked[0].0, chain[0].serial());
    assert_eq!(contents.revoked[0].2, Some(1), "keyCompromise");
    let error = refusal(&setup);
    assert_eq!(error.rustls_name, "InvalidCertificate(Revoked)");
    assert_eq!(error.alert_sent(), Some(44));

    // The expired CRL: rustls sends unknown_ca where openssl sends certificate_expired.
    let setup = lab::setup(&inputs, LabScenario::ExpiredCrl, unix_now()).unwrap();
    let error = refusal(&setup);
    assert_eq!(error.kind, RefusalKind::CrlExpired);
    assert_eq!(error.alert_sent(), Some(48));
    let openssl = LabScenario::ExpiredCrl
        .openssl_reason(TlsVersion::Tls13)
        .unwrap();
    assert_eq!(openssl.alert, (45, "certificate expired"));
    let note = LabScenario::ExpiredCrl.openssl_note().unwrap();
    assert!(note.contains("48 (unknown_ca)") && note.contains("45 (certificate_expired)"));
    // Still within nextUpdate, the same CRL vouches for B.
    let crl = &setup.server.revocation.as_ref().unwrap().crls[0];
    let contents = crl.contents().unwrap();
    assert!(contents.revoked.is_empty());
    assert_eq!(
        contents.next_update.unwrap() - contents.this_update,
        7 * 86_400
    );
    assert!(contents.next_update.unwrap() < unix_now());

    // The whole chain with only the intermediate's CRL: unknown. Trusting the intermediate
    // itself, rustls stops at it as an anchor and accepts, as the note says.
    let setup = lab::setup(&inputs, LabScenario::NoCrlForIntermediate, unix_now()).unwrap();
    assert_eq!(
        refusal(&setup).rustls_name,
        "InvalidCertificate(UnknownRevocationStatus)"
    );
    let mut anchored = setup.clone();
    anchored.server.trusted_client_cas = workshop.chain();
    assert!(lab::judge(&anchored).outcome.result.is_ok());
    // The fix: the root's CRL too, which speaks for the intermediate.
    let fixed = support::with_root_crl(&setup, &workshop);
    let run = lab::judge(&fixed);
    assert!(run.outcome.result.is_ok(), "{}", run.outcome.headline());
}
