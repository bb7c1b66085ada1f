//! The diagnosis on file sets the lab builds for each way a handshake breaks, in each form the
//! fields accept, and on hostile input.

use super::errors::lookup;
use super::*;
use crate::clock::unix_now;
use crate::pki::pkcs12::{self, Flavour};
use crate::pki::{Certificate, PrivateKey};
use crate::tls::handshake::{ClientSide, ServerSide};
use crate::tls::types::Side;
use crate::workshop::lab::{self, LabInputs, LabScenario};
use crate::workshop::{Settings, Workshop};
use std::sync::OnceLock;

fn inputs() -> &'static LabInputs {
    static INPUTS: OnceLock<LabInputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let mut workshop = Workshop::new(Settings::default());
        workshop.run_all(unix_now()).expect("the workshop runs");
        LabInputs::of(&workshop)
    })
}

fn pems(certs: &[Certificate]) -> String {
    certs.iter().map(Certificate::to_pem).collect()
}

/// A lab row's files as a user would paste them.
fn job_of(server: &ServerSide, client: &ClientSide) -> DiagnoseJob {
    let (certificates, key) = match &client.identity {
        Some((chain, key)) => (pems(chain), key.to_pem()),
        None => (String::new(), String::new()),
    };
    DiagnoseJob {
        server: SideFiles {
            certificates: pems(&server.chain),
            key: server.key.to_pem(),
            trusted: pems(&server.trusted_client_cas),
            ..SideFiles::default()
        },
        client: SideFiles {
            certificates,
            key,
            trusted: pems(&client.trusted_server_cas),
            ..SideFiles::default()
        },
        server_name: client.server_name.clone(),
        now: unix_now(),
    }
}

fn fails(diagnosis: &Diagnosis, topic: Topic) -> Vec<&Finding> {
    diagnosis
        .findings
        .iter()
        .filter(|f| f.topic == topic && f.level == Level::Fail)
        .collect()
}

/// Rows the diagnosis reproduces as they are: the others need a CRL, optional client
/// authentication, a client that picks by CA names, or a key check turned off.
fn diagnosable(row: LabScenario) -> bool {
    !matches!(
        row,
        LabScenario::RevokedClientCertificate
            | LabScenario::ExpiredCrl
            | LabScenario::NoCrlForIntermediate
            | LabScenario::OptionalWithoutCertificate
            | LabScenario::OptionalWithCertificate
            | LabScenario::ClientPicksByCaNames
            | LabScenario::MismatchedKey
    )
}

#[test]
fn every_lab_row_gets_the_labs_verdict_from_the_same_side() {
    let now = unix_now();
    for row in LabScenario::ALL.into_iter().filter(|r| diagnosable(*r)) {
        let setup = lab::setup(inputs(), row, now).expect("the row's files");
        let lab_outcome = lab::judge(&setup).outcome;
        let diagnosis = job_of(&setup.server, &setup.client).run();
        assert!(
            diagnosis.fields.iter().all(|f| f.error.is_none()),
            "{row:?}: {:?}",
            diagnosis.fields
        );
        let run = diagnosis
            .runs
            .iter()
            .find(|r| r.outcome.version == setup.version)
            .unwrap_or_else(|| panic!("{row:?}: no run over {:?}", setup.version));
        match (&lab_outcome.result, &run.outcome.result) {
            (Ok(_), Ok(_)) => assert!(run.headline.starts_with("Handshake succeeded")),
            (Err(lab), Err(ours)) => {
                assert_eq!(lab.side, ours.side, "{row:?}");
                assert_eq!(lab.error.kind, ours.error.kind, "{row:?}");
                let who = if ours.side == Side::Server {
                    "the server refused"
                } else {
                    "the client refused"
                };
                assert!(run.headline.contains(who), "{row:?}: {}", run.headline);
                assert!(
                    !run.headline.contains("Client B") && !run.headline.contains("Client C"),
                    "{}",
                    run.headline
                );
            }
            (lab, ours) => panic!(
                "{row:?}: the lab says {:?}, the diagnosis {:?}",
                lab.is_ok(),
                ours.is_ok()
            ),
        }
        // A refusal the checks can see before the handshake is named, with its row.
        let expected_row = match row {
            LabScenario::ExpiredClientCertificate
            | LabScenario::NotYetValidClientCertificate
            | LabScenario::WrongServerName
            | LabScenario::ServerCertificateAsClient
            | LabScenario::MissingIntermediate
            | LabScenario::UntrustedClientCa => Some(row),
            _ => None,
        };
        if let Some(expected) = expected_row {
            assert!(
                diagnosis
                    .findings
                    .iter()
                    .any(|f| f.level == Level::Fail && f.rows.contains(&expected)),
                "{row:?}: {:#?}",
                diagnosis.findings
            );
        }
        if lab_outcome.result.is_ok() && row != LabScenario::NameConstraintPermitted {
            let failed: Vec<_> = diagnosis
                .findings
                .iter()
                .filter(|f| f.level == Level::Fail)
                .collect();
            assert!(failed.is_empty(), "{row:?}: {failed:#?}");
        }
    }
}

#[test]
fn a_key_that_is_not_the_certificates_is_named_before_any_handshake() {
    let setup = lab::setup(inputs(), LabScenario::GoodRun, unix_now()).expect("files");
    let mut job = job_of(&setup.server, &setup.client);
    job.client.key = PrivateKey::generate(crate::pki::KeyAlgorithm::EcdsaP256)
        .expect("key")
        .to_pem();
    let diagnosis = job.run();
    let key = fails(&diagnosis, Topic::KeyMatch);
    assert_eq!(key.len(), 1);
    assert_eq!(key[0].role, Role::Client);
    assert_eq!(key[0].rows, vec![LabScenario::MismatchedKey]);
    assert!(key[0]
        .openssl
        .as_deref()
        .is_some_and(|o| o.contains("key values mismatch")));
    // rustls refuses the pair before a byte is sent, as s_client does.
    assert!(diagnosis.runs.iter().all(|r| r
        .outcome
        .result
        .as_ref()
        .is_err_and(|f| f.side == Side::Setup)));
}

#[test]
fn a_chain_file_with_the_leaf_after_its_issuer_is_named() {
    let setup = lab::setup(inputs(), LabScenario::GoodRun, unix_now()).expect("files");
    let mut job = job_of(&setup.server, &setup.client);
    let (chain, _) = setup.client.identity.clone().expect("identity");
    let mut reversed = chain.clone();
    reversed.reverse();
    job.client.certificates = pems(&reversed);
    let diagnosis = job.run();
    let order = fails(&diagnosis, Topic::Order);
    assert_eq!(order.len(), 1, "{:#?}", diagnosis.findings);
    assert!(order[0].text.contains("put"), "{}", order[0].text);
    // The leaf's key still matches the leaf, wherever it is in the file.
    assert!(fails(&diagnosis, Topic::KeyMatch).is_empty());
}

#[test]
fn every_accepted_form_reads_the_same_good_set() {
    let setup = lab::setup(inputs(), LabScenario::GoodRun, unix_now()).expect("files");
    let (chain, key) = setup.client.identity.clone().expect("identity");
    let base = job_of(&setup.server, &setup.client);
    let encrypted = key
        .to_encrypted_pem("diagnose pass", 2048)
        .expect("encrypted");
    let mut forms = Vec::new();
    // PKCS#8 plain, in its own field.
    forms.push(base.clone());
    // Encrypted PKCS#8 with its passphrase.
    let mut job = base.clone();
    job.client.key = encrypted.clone();
    job.client.passphrase = "diagnose pass".into();
    forms.push(job);
    // One bundle: the key first, then the chain, as HAProxy's combined file may hold them.
    let mut job = base.clone();
    job.client.certificates = format!("{}{}", encrypted, pems(&chain));
    job.client.key = String::new();
    job.client.passphrase = "diagnose pass".into();
    forms.push(job);
    // PKCS#12, both flavours.
    for flavour in [Flavour::Modern, Flavour::Legacy] {
        let p12 = pkcs12::identity(&key, &chain, "client", "diagnose pass", flavour).expect("p12");
        let mut job = base.clone();
        job.client.certificates = String::new();
        job.client.key = String::new();
        job.client.pkcs12 = Some(ByteBuf::from(p12));
        job.client.passphrase = "diagnose pass".into();
        forms.push(job);
    }
    for job in forms {
        let diagnosis = job.run();
        assert!(
            diagnosis.fields.iter().all(|f| f.error.is_none()),
            "{:?}",
            diagnosis.fields
        );
        assert!(
            diagnosis.runs.iter().all(|r| r.outcome.result.is_ok()),
            "{:?}",
            diagnosis
                .runs
                .iter()
                .map(|r| &r.headline)
                .collect::<Vec<_>>()
        );
        let client_blocks: Vec<BlockKind> = diagnosis
            .fields
            .iter()
            .filter(|f| f.id.role == Role::Client && f.id.field != Field::Trusted)
            .flat_map(|f| f.blocks.iter().map(|b| b.kind))
            .collect();
        assert!(
            client_blocks.starts_with(&[BlockKind::Leaf, BlockKind::Intermediate]),
            "{client_blocks:?}"
        );
        assert!(client_blocks.contains(&BlockKind::Key), "{client_blocks:?}");
    }
}

/// A change that spoils one field of a good job.
type Spoil = Box<dyn Fn(&mut DiagnoseJob)>;

#[test]
fn bad_input_is_refused_at_its_field_and_nothing_runs() {
    let setup = lab::setup(inputs(), LabScenario::GoodRun, unix_now()).expect("files");
    let base = job_of(&setup.server, &setup.client);
    let client_certs = FieldId {
        role: Role::Client,
        field: Field::Certificates,
    };
    let cases: Vec<(FieldId, Spoil, &str)> = vec![
        (
            client_certs,
            Box::new(|j| {
                j.client.certificates =
                    "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"
                        .into()
            }),
            "",
        ),
        (
            client_certs,
            Box::new(|j| j.client.certificates = "\u{0}\u{1}binary".into()),
            "binary",
        ),
        (
            client_certs,
            Box::new(|j| j.client.certificates = "A".repeat(300 * 1024)),
            "limit",
        ),
        (
            client_certs,
            Box::new(|j| {
                let two = format!("{}{}", j.client.key, j.client.key);
                j.client.certificates.push_str(&two)
            }),
            "second private key",
        ),
        (
            FieldId {
                role: Role::Client,
                field: Field::Key,
            },
            Box::new(|j| j.client.key = j.client.key.replace("PRIVATE KEY", "PUBLIC KEY")),
            "",
        ),
        (
            FieldId {
                role: Role::Server,
                field: Field::Trusted,
            },
            Box::new(|j| j.server.trusted.push_str(&j.client.key.clone())),
            "CA certificates",
        ),
        (
            FieldId {
                role: Role::Client,
                field: Field::Pkcs12,
            },
            Box::new(|j| {
                j.client.pkcs12 = Some(ByteBuf::from(vec![0x30, 0x82, 0xff, 0xff, 1, 2, 3]))
            }),
            "PKCS#12",
        ),
        (
            FieldId {
                role: Role::Client,
                field: Field::Pkcs12,
            },
            Box::new(|j| j.client.pkcs12 = Some(ByteBuf::from(vec![0; MAX_PKCS12_BYTES + 1]))),
            "limit",
        ),
    ];
    for (field, spoil, words) in cases {
        let mut job = base.clone();
        spoil(&mut job);
        let diagnosis = job.run();
        let error = diagnosis
            .field_error(field)
            .unwrap_or_else(|| panic!("{field:?} must be refused: {:?}", diagnosis.fields));
        assert!(error.contains(words), "{error}");
        assert!(
            !error.contains("Error {") && !error.contains("Some("),
            "Debug text: {error}"
        );
        assert!(diagnosis.runs.is_empty());
        assert!(diagnosis.no_handshake.is_some());
        // The other fields still read.
        assert!(diagnosis
            .fields
            .iter()
            .filter(|f| f.id != field)
            .all(|f| f.error.is_none()));
    }
    // A wrong passphrase names the passphrase.
    let mut job = base.clone();
    let (_, key) = setup.client.identity.clone().expect("identity");
    job.client.key = key.to_encrypted_pem("right one", 2048).expect("encrypted");
    job.client.passphrase = "wrong one".into();
    let error = job
        .run()
        .field_error(FieldId {
            role: Role::Client,
            field: Field::Key,
        })
        .map(str::to_string);
    assert!(
        error.as_deref().is_some_and(|e| e.contains("passphrase")),
        "{error:?}"
    );
}

#[test]
fn pasted_messages_lead_to_the_rows_that_reproduce_them() {
    let cases: &[(&str, LabScenario)] = &[
        ("140:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../ssl/record/rec_layer_s3.c:1605:SSL alert number 116", LabScenario::NoClientCertificate),
        ("400 No required SSL certificate was sent", LabScenario::NoClientCertificate),
        ("remote error: tls: unknown certificate authority", LabScenario::UntrustedClientCa),
        ("remote error: tls: certificate required", LabScenario::NoClientCertificate),
        ("javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target", LabScenario::UntrustedClientCa),
        ("verify error:num=10:certificate has expired", LabScenario::ExpiredClientCertificate),
        ("client SSL certificate verify error: (26:unsupported certificate purpose)", LabScenario::ServerCertificateAsClient),
        ("48", LabScenario::UntrustedClientCa),
        ("alert 116", LabScenario::NoClientCertificate),
        ("net::ERR_BAD_SSL_CLIENT_AUTH_CERT", LabScenario::UntrustedClientCa),
        ("x509: certificate is valid for localhost, not other.example", LabScenario::WrongServerName),
        ("error:05800074:x509 certificate routines:X509_check_private_key:key values mismatch", LabScenario::MismatchedKey),
    ];
    for (message, row) in cases {
        let found = lookup(message);
        assert!(found.rows().contains(row), "{message}: {:?}", found.rows());
    }
    assert!(lookup("everything is fine").is_empty());
    assert!(lookup("").is_empty());
    // A huge paste is read up to its limit, and a multi-byte character at the cut is safe.
    let huge = format!(
        "{}tlsv13 alert certificate required",
        "é".repeat(errors::MAX_MESSAGE_BYTES)
    );
    assert!(lookup(&huge).is_empty());
}

#[test]
fn a_diagnosis_crosses_to_the_worker_and_back() {
    let setup = lab::setup(inputs(), LabScenario::UntrustedClientCa, unix_now()).expect("files");
    let diagnosis = job_of(&setup.server, &setup.client).run();
    let bytes = postcard::to_allocvec(&diagnosis).expect("serialise");
    let back: Diagnosis = postcard::from_bytes(&bytes).expect("deserialise");
    assert_eq!(back, diagnosis);
}
