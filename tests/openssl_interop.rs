//! The proof: exported files and shown commands, handed to the real openssl CLI.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::{self, inspect, KeyAlgorithm, PrivateKey};
use mtls_lab::workshop::{commands, export, Party, Settings, StepId, Workshop};
use support::*;

fn exported(settings: Settings, tag: &str) -> (Workshop, TempDir) {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    let dir = TempDir::new(tag);
    for file in export::all_files(&workshop, &export::KeyProtection::encrypted(PASSPHRASE)).unwrap()
    {
        dir.write(&file.path, file.contents.as_bytes());
    }
    (workshop, dir)
}

fn script_with_port(script: &str, port: u16) -> String {
    script.replace("8443", &port.to_string())
}

/// The app's step 8 commands, run against the exported tree: the good connection works,
/// the seed's two negative tests fail at the server, and each prints what the page says it
/// prints.
fn assert_step8_with_openssl(settings: &Settings, dir: &std::path::Path) {
    let blocks = commands::step8(settings);
    let (server_block, client_block, verification, no_cert, wrong_cert) =
        (&blocks[0], &blocks[1], &blocks[2], &blocks[3], &blocks[4]);
    let output = bash(dir, &verification.script, "");
    assert!(output.status.success(), "{}", text(&output));
    let out = text(&output);
    assert!(out.contains(": OK"), "{out}");
    let hashes: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("SHA2-256(stdin)"))
        .collect();
    let expected_hashes = if settings.b_client.algorithm.rsa_bits().is_some() {
        6
    } else {
        3
    };
    assert_eq!(hashes.len(), expected_hashes, "{out}");
    // The public-key hashes agree, and for RSA the seed's modulus hashes agree too.
    for group in hashes.chunks(3) {
        assert!(group.iter().all(|h| *h == group[0]), "{out}");
    }

    let line = "hello-from-client-b";
    for block in [client_block, no_cert, wrong_cert] {
        let expect = block
            .expect
            .as_ref()
            .expect("step 8's tests say what they print");
        let server = Server::s_server(dir, &server_block.script);
        let client = Client::start(dir, &script_with_port(&block.script, server.port), line);
        let should_pass = std::ptr::eq(block, client_block);
        let (done, client_log, server_log) = wait_until(&client, &server, |c, s| {
            (!should_pass || s.contains(line))
                && expect.client_prints.iter().all(|p| c.contains(p.as_str()))
                && expect.server_prints.iter().all(|p| s.contains(p.as_str()))
        });
        assert!(
            done,
            "{}\nexpected {expect:#?}\ns_client:\n{client_log}\ns_server:\n{server_log}",
            block.script
        );
        if !should_pass {
            assert!(!server_log.contains(line), "{server_log}");
        }
    }
}

/// The page's verification section prints what the seed's openssl commands print.
fn assert_verification_matches_openssl(workshop: &Workshop, dir: &std::path::Path) {
    let report = workshop
        .verification(unix_now())
        .expect("steps 6 and 7 ran");
    assert!(report.keys_match() && report.valid_now);
    let sha = |command: &str| {
        let out = text(&bash(dir, command, ""));
        out.trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(sha("openssl pkey -in client_b_cert/client_b.key -passin env:KEY_PASSPHRASE -pubout | openssl sha256"), report.key_hashes[0]);
    assert_eq!(sha("openssl req -in client_b_cert/client_b_to_client_c.csr -noout -pubkey | openssl sha256"), report.key_hashes[1]);
    assert_eq!(sha("openssl x509 -in client_b_cert/client_b_signed_by_client_c.crt -noout -pubkey | openssl sha256"), report.key_hashes[2]);
    // The seed's modulus check, wherever B's key is RSA, on the key, the CSR and the certificate.
    let rsa = workshop.settings.b_client.algorithm.rsa_bits().is_some();
    assert_eq!(report.modulus_hashes.is_some(), rsa);
    if let Some(modulus) = &report.modulus_hashes {
        assert_eq!(sha("openssl rsa -noout -modulus -in client_b_cert/client_b.key -passin env:KEY_PASSPHRASE | openssl sha256"), modulus[0]);
        assert_eq!(sha("openssl req -noout -modulus -in client_b_cert/client_b_to_client_c.csr | openssl sha256"), modulus[1]);
        assert_eq!(sha("openssl x509 -noout -modulus -in client_b_cert/client_b_signed_by_client_c.crt | openssl sha256"), modulus[2]);
        assert!(modulus.iter().all(|m| *m == modulus[0]), "{modulus:?}");
    }
    let shown = openssl_ok(
        dir,
        &[
            "verify",
            "-show_chain",
            "-CAfile",
            "client_c_ca/certs/client_c_root_ca.crt",
            "-untrusted",
            "client_c_ca/certs/client_c_intermediate_ca.crt",
            "client_b_cert/client_b_signed_by_client_c.crt",
        ],
    );
    let ours = report.client_chain.clone().unwrap();
    assert_eq!(ours.len(), 3);
    for (depth, subject) in ours.iter().enumerate() {
        assert!(
            shown.contains(&format!("depth={depth}: {subject}")),
            "{subject}\n{shown}"
        );
    }
    assert_eq!(report.server_chain.clone().unwrap().len(), 3);
    let dates = openssl_ok(
        dir,
        &[
            "x509",
            "-in",
            "client_b_cert/client_b_signed_by_client_c.crt",
            "-noout",
            "-dates",
        ],
    );
    assert!(
        dates.contains(&format!("notBefore={}", report.not_before))
            && dates.contains(&format!("notAfter={}", report.not_after)),
        "{dates}"
    );
}

fn assert_chain_and_keys(workshop: &Workshop, dir: &std::path::Path) {
    let root = "client_c_ca/certs/client_c_root_ca.crt";
    let inter = "client_c_ca/certs/client_c_intermediate_ca.crt";
    for leaf in [
        "client_b_cert/client_b_signed_by_client_c.crt",
        "client_c_ca/certs/client_c_server.crt",
    ] {
        let out = openssl_ok(dir, &["verify", "-CAfile", root, "-untrusted", inter, leaf]);
        assert!(out.contains(": OK"), "{out}");
        assert!(
            run_in(dir, "openssl", &["verify", "-CAfile", root, leaf])
                .status
                .code()
                != Some(0),
            "verify without the intermediate must fail"
        );
    }
    openssl_ok(
        dir,
        &[
            "verify",
            "-CAfile",
            "client_b_ca/certs/client_b_root_ca.crt",
            "client_b_ca/certs/client_b_intermediate_ca.crt",
        ],
    );
    for key in [
        "client_c_ca/private/client_c_root_ca.key",
        "client_c_ca/private/client_c_intermediate_ca.key",
        "client_c_ca/private/client_c_server.key",
        "client_b_ca/private/client_b_root_ca.key",
        "client_b_ca/private/client_b_intermediate_ca.key",
        "client_b_cert/client_b.key",
    ] {
        openssl_ok(
            dir,
            &[
                "pkey",
                "-in",
                key,
                "-passin",
                &format!("pass:{PASSPHRASE}"),
                "-noout",
            ],
        );
        let wrong = run_in(
            dir,
            "openssl",
            &[
                "pkey",
                "-in",
                key,
                "-passin",
                "pass:not the passphrase",
                "-noout",
            ],
        );
        assert!(
            !wrong.status.success(),
            "{key} opened with a wrong passphrase"
        );
        let details = openssl_ok(dir, &["asn1parse", "-in", key]);
        assert!(
            details.contains("PBES2")
                && details.contains("aes-256-cbc")
                && details.contains("hmacWithSHA256"),
            "{details}"
        );
    }
    for csr in [
        "client_b_cert/client_b_to_client_c.csr",
        "client_c_ca/csr/client_c_server.csr",
        "client_c_ca/csr/client_c_intermediate_ca.csr",
    ] {
        let out = openssl_ok(dir, &["req", "-in", csr, "-verify", "-noout"]);
        // OpenSSL 3.0 exits 0 even on a bad signature, so read what it says.
        assert!(out.contains("verify OK"), "{csr}: {out}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("client_b_cert/client_c_ca_chain.crt")).unwrap(),
        format!(
            "{}{}",
            workshop.certificate(Party::CIntermediate).unwrap().to_pem(),
            workshop.certificate(Party::CRoot).unwrap().to_pem()
        )
    );
}

/// Our decoded view agrees with `openssl x509 -text` on every field it shows.
fn assert_inspection_matches_openssl(workshop: &Workshop, dir: &std::path::Path) {
    let cases = [
        (Party::CRoot, "client_c_ca/certs/client_c_root_ca.crt"),
        (
            Party::CIntermediate,
            "client_c_ca/certs/client_c_intermediate_ca.crt",
        ),
        (
            Party::BClient,
            "client_b_cert/client_b_signed_by_client_c.crt",
        ),
        (Party::CServer, "client_c_ca/certs/client_c_server.crt"),
    ];
    for (party, path) in cases {
        let view = inspect::certificate(workshop.certificate(party).unwrap()).unwrap();
        let openssl = openssl_ok(dir, &["x509", "-in", path, "-noout", "-text"]);
        let squashed: String = openssl.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            openssl.contains(&format!("Subject: {}", view.subject)),
            "{path}: {}\n{openssl}",
            view.subject
        );
        assert!(
            openssl.contains(&format!("Issuer: {}", view.issuer)),
            "{path}: {}",
            view.issuer
        );
        assert!(
            openssl.contains(&format!("Not Before: {}", view.not_before)),
            "{path}: {}",
            view.not_before
        );
        assert!(
            openssl.contains(&format!("Not After : {}", view.not_after)),
            "{path}: {}",
            view.not_after
        );
        assert!(openssl.contains(&format!(
            "Signature Algorithm: {}",
            view.signature_algorithm
        )));
        assert_public_key_matches(path, &view.public_key, &openssl);
        assert!(
            squashed
                .to_lowercase()
                .contains(&view.serial.to_lowercase()),
            "{path}: serial {}",
            view.serial
        );
        for ext in &view.extensions {
            let header = format!(
                "{}:{}",
                ext.name,
                if ext.critical { " critical" } else { "" }
            );
            assert!(
                squashed.contains(&format!("{header} {}", ext.value)),
                "{path}: {header} {}\n{openssl}",
                ext.value
            );
        }
        let bare: String = openssl
            .split_whitespace()
            .collect::<String>()
            .to_lowercase();
        assert!(
            bare.contains(&view.signature.to_lowercase()),
            "{path}: signature {}",
            view.signature
        );
        assert!(openssl.contains(&format!(
            "Version: {} (0x{})",
            view.version,
            view.version - 1
        )));
        let names: Vec<&str> = view.extensions.iter().map(|e| e.name.as_str()).collect();
        assert!(
            names.contains(&"X509v3 Subject Key Identifier")
                && names.contains(&"X509v3 Authority Key Identifier"),
            "{names:?}"
        );
    }
}

/// Our public key line ("EC P-256 (256 bit, prime256v1)", "RSA (4096 bit)") says what openssl's
/// `-text` says: the algorithm, the size and, for EC, the curve.
fn assert_public_key_matches(path: &str, ours: &str, openssl: &str) {
    let (algorithm, curve) = if ours.starts_with("RSA") {
        ("rsaEncryption", None)
    } else if ours.contains("prime256v1") {
        ("id-ecPublicKey", Some("ASN1 OID: prime256v1"))
    } else {
        ("id-ecPublicKey", Some("ASN1 OID: secp384r1"))
    };
    assert!(
        openssl.contains(&format!("Public Key Algorithm: {algorithm}")),
        "{path}: {ours}\n{openssl}"
    );
    let bits = ours
        .split(['(', ' '])
        .find_map(|w| w.parse::<u32>().ok())
        .expect("a size");
    assert!(
        openssl.contains(&format!("Public-Key: ({bits} bit)")),
        "{path}: {ours}\n{openssl}"
    );
    if let Some(curve) = curve {
        assert!(openssl.contains(curve), "{path}: {ours}\n{openssl}");
    }
}

/// The CSR view agrees with `openssl req -text`: subject, public key, signature algorithm.
fn assert_csr_inspection_matches_openssl(workshop: &Workshop, dir: &std::path::Path) {
    let csr = workshop.csr(Party::BClient).unwrap();
    let view = inspect::csr(csr).unwrap();
    let path = "client_b_cert/client_b_to_client_c.csr";
    let openssl = openssl_ok(dir, &["req", "-in", path, "-noout", "-text"]);
    assert!(
        openssl.contains(&format!("Subject: {}", view.subject)),
        "{}\n{openssl}",
        view.subject
    );
    assert!(
        openssl.contains(&format!(
            "Signature Algorithm: {}",
            view.signature_algorithm
        )),
        "{}\n{openssl}",
        view.signature_algorithm
    );
    assert_public_key_matches(path, &view.public_key, &openssl);
    assert!(openssl.contains("Version: 1 (0x0)"), "{openssl}");
    let bare: String = openssl
        .split_whitespace()
        .collect::<String>()
        .to_lowercase();
    assert!(bare.contains(&view.signature.to_lowercase()), "{openssl}");
}

#[test]
fn p256_tree_passes_openssl_and_its_handshake() {
    let settings = Settings::default();
    let (workshop, dir) = exported(settings.clone(), "p256");
    assert_chain_and_keys(&workshop, dir.path());
    assert_inspection_matches_openssl(&workshop, dir.path());
    assert_csr_inspection_matches_openssl(&workshop, dir.path());
    assert_verification_matches_openssl(&workshop, dir.path());
    assert_step8_with_openssl(&settings, dir.path());
}

#[test]
fn seed_rsa_tree_passes_openssl_and_its_handshake_over_tls12() {
    let mut settings = Settings::default().with_seed_key_sizes();
    settings.tls_version = mtls_lab::tls::TlsVersion::Tls12;
    let (workshop, dir) = exported(settings.clone(), "rsa");
    assert_chain_and_keys(&workshop, dir.path());
    assert_inspection_matches_openssl(&workshop, dir.path());
    assert_csr_inspection_matches_openssl(&workshop, dir.path());
    assert_verification_matches_openssl(&workshop, dir.path());
    assert_step8_with_openssl(&settings, dir.path());
    let modulus = openssl_ok(
        dir.path(),
        &[
            "x509",
            "-noout",
            "-modulus",
            "-in",
            "client_c_ca/certs/client_c_root_ca.crt",
        ],
    );
    assert_eq!(
        modulus.trim().len(),
        "Modulus=".len() + 1024,
        "RSA 4096 root"
    );
}

#[test]
fn csrs_made_by_openssl_are_signed_and_verify() {
    let (workshop, dir) = exported(Settings::default(), "foreign-csr");
    for (name, keygen) in [
        (
            "ec",
            vec![
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "foreign.key",
            ],
        ),
        ("rsa", vec!["genrsa", "-out", "foreign.key", "2048"]),
    ] {
        openssl_ok(dir.path(), &keygen);
        openssl_ok(
            dir.path(),
            &[
                "req",
                "-new",
                "-key",
                "foreign.key",
                "-out",
                "foreign.csr",
                "-subj",
                "/C=FR/O=Elsewhere/CN=learner.example",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
            ],
        );
        let csr =
            pki::Csr::from_pem(&std::fs::read_to_string(dir.path().join("foreign.csr")).unwrap())
                .unwrap();
        let view = inspect::csr(&csr).unwrap();
        let shown = openssl_ok(
            dir.path(),
            &["req", "-in", "foreign.csr", "-noout", "-text"],
        );
        assert!(
            shown.contains(&format!("Subject: {}", view.subject)),
            "{shown}"
        );
        assert!(shown.contains("Version: 1 (0x0)") && view.version == 1);
        let bare: String = shown.split_whitespace().collect::<String>().to_lowercase();
        assert!(
            bare.contains(&view.signature.to_lowercase()),
            "{name}: {}",
            view.signature
        );
        assert_eq!(
            view.requested_extensions.len(),
            1,
            "{:?}",
            view.requested_extensions
        );
        assert_eq!(
            view.requested_extensions[0].name,
            "X509v3 Basic Constraints"
        );
        assert!(
            view.requested_extensions[0].critical
                && view.requested_extensions[0].value == "CA:TRUE"
        );
        let template = pki::Template {
            profile: &pki::profile::CLIENT,
            days: 30,
            sans: &[],
            now: unix_now(),
        };
        let cert = pki::cert::sign_csr(
            &csr,
            &template,
            workshop.certificate(Party::CIntermediate).unwrap(),
            workshop.key(Party::CIntermediate).unwrap(),
        )
        .unwrap();
        dir.write("foreign.crt", cert.to_pem().as_bytes());
        let out = openssl_ok(
            dir.path(),
            &[
                "verify",
                "-CAfile",
                "client_c_ca/certs/client_c_ca_chain.crt",
                "foreign.crt",
            ],
        );
        assert!(out.contains("foreign.crt: OK"), "{name}: {out}");
        // A strict CA: the CSR asked for CA:TRUE and got the profile's CA:FALSE.
        let shown = openssl_ok(
            dir.path(),
            &["x509", "-in", "foreign.crt", "-noout", "-text"],
        );
        assert!(
            shown.contains("CA:FALSE") && !shown.contains("CA:TRUE"),
            "{shown}"
        );
        assert!(
            shown.contains("Subject: C = FR, O = Elsewhere, CN = learner.example"),
            "{shown}"
        );
    }
}

#[test]
fn keys_made_by_openssl_load_with_their_passphrase() {
    let dir = TempDir::new("foreign-key");
    openssl_ok(
        dir.path(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-aes256",
            "-pass",
            "pass:secret-pass",
            "-out",
            "k.pem",
        ],
    );
    let text = std::fs::read_to_string(dir.path().join("k.pem")).unwrap();
    let key = PrivateKey::from_pem(&text, "secret-pass").unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP384);
    assert_eq!(
        PrivateKey::from_pem(&text, "wrong-pass").unwrap_err(),
        pki::PkiError::WrongPassphrase
    );
}

/// Every command block the page shows, run by bash in a fresh folder, in the seed's order;
/// then the tree the commands made is compared with the tree the page makes.
fn run_shown_commands(settings: &Settings, tag: &str) {
    let dir = TempDir::new(tag);
    let mut script = commands::preamble().script;
    for step in StepId::ALL
        .into_iter()
        .filter(|s| *s != StepId::Handshake && settings.includes(*s))
    {
        for block in commands::for_step(step, settings) {
            // Each block starts and ends in the workshop folder.
            script.push_str(&format!(
                "\n# --- step {}: {}\n{}\n[ \"$PWD\" = \"$WORKSHOP\" ] || {{ echo \"left in $PWD\"; exit 1; }}\n",
                step.number(),
                block.title,
                block.script
            ));
        }
    }
    // Then C revokes B; the last block is a server, run by tests/revocation_commands.rs.
    let revocation = commands::revocation(settings, mtls_lab::pki::crl::Reason::KeyCompromise);
    let mut refusals = Vec::new();
    for block in &revocation[..revocation.len() - 1] {
        // A check that refuses B exits non-zero: what it prints is tested instead.
        let (before, after) = match &block.expect {
            Some(expect) => {
                refusals.extend(expect.client_prints.iter().cloned());
                ("set +e\n", "\nset -e")
            }
            None => ("", ""),
        };
        script.push_str(&format!(
            "\n# --- revocation: {}\n{before}{}{after}\n[ \"$PWD\" = \"$WORKSHOP\" ] || {{ echo \"left in $PWD\"; exit 1; }}\n",
            block.title,
            block.script
        ));
    }
    let script = format!("WORKSHOP=\"$PWD\"\n{script}");
    let output = bash(dir.path(), &script, &format!("{PASSPHRASE}\n"));
    assert!(output.status.success(), "{script}\n{}", text(&output));
    let shown = text(&output);
    assert!(shown.contains("verify OK"), "{shown}");
    assert!(!refusals.is_empty());
    for refusal in &refusals {
        assert!(shown.contains(refusal.as_str()), "{refusal}\n{shown}");
    }
    assert_same_tree(settings, dir.path());
    assert_step8_with_openssl(settings, dir.path());
}

/// The page's certificates and the commands' certificates have the same subjects and issuers,
/// the same extensions with the same criticality and values (key identifiers aside), and the
/// chain file holds them in the same order.
fn assert_same_tree(settings: &Settings, dir: &std::path::Path) {
    let mut page = Workshop::new(settings.clone());
    page.run_all(unix_now()).unwrap();
    let files = export::all_files(&page, &export::KeyProtection::encrypted(PASSPHRASE)).unwrap();
    let mut compared = 0;
    // The seed's tree only: the use-elsewhere folders copy its files, and no command makes them.
    let seed_tree = |f: &&export::ExportFile| !f.path.starts_with("use-elsewhere/");
    for file in files
        .iter()
        .filter(seed_tree)
        .filter(|f| f.path.ends_with(".crt"))
    {
        let made = std::fs::read_to_string(dir.join(&file.path))
            .unwrap_or_else(|e| panic!("the commands made no {}: {e}", file.path));
        let ours = pki::Certificate::all_from_pem(&file.contents).unwrap();
        let theirs = pki::Certificate::all_from_pem(&made).unwrap();
        assert_eq!(ours.len(), theirs.len(), "{}", file.path);
        for (ours, theirs) in ours.iter().zip(&theirs) {
            let (ours, theirs) = (
                inspect::certificate(ours).unwrap(),
                inspect::certificate(theirs).unwrap(),
            );
            assert_eq!(ours.subject, theirs.subject, "{}", file.path);
            assert_eq!(ours.issuer, theirs.issuer, "{}", file.path);
            assert_eq!(ours.public_key, theirs.public_key, "{}", file.path);
            let extensions = |view: &inspect::CertificateView| {
                let mut list: Vec<(String, bool, String)> = view
                    .extensions
                    .iter()
                    .map(|e| {
                        let value = if e.name.contains("Key Identifier") {
                            String::new()
                        } else {
                            e.value.clone()
                        };
                        (e.name.clone(), e.critical, value)
                    })
                    .collect();
                list.sort();
                list
            };
            assert_eq!(extensions(&ours), extensions(&theirs), "{}", file.path);
            compared += 1;
        }
    }
    assert!(compared >= 6, "only {compared} certificates compared");
}

/// Subject values with every character that means something to openssl's -subj or to bash.
fn awkward_subjects(settings: &mut Settings) {
    settings.b_client.subject.organization = "A+B \"Corp\", Ltd/=\\ 'x'".into();
    settings.b_client.subject.organizational_unit = "R&D; $HOME `id` + more".into();
    settings.c_server.subject.locality = "Zürich".into();
    settings.c_root.subject.organization = "Ørsted & Søn + Co".into();
}

#[test]
fn every_shown_command_runs_with_intermediates() {
    let mut settings = Settings::default();
    awkward_subjects(&mut settings);
    run_shown_commands(&settings, "commands");
}

#[test]
fn every_shown_command_runs_without_intermediates_over_tls12() {
    let mut settings = Settings {
        use_intermediates: false,
        tls_version: mtls_lab::tls::TlsVersion::Tls12,
        ..Settings::default()
    };
    awkward_subjects(&mut settings);
    settings.c_root.algorithm = KeyAlgorithm::EcdsaP384;
    run_shown_commands(&settings, "commands-flat");
}

#[test]
fn every_shown_command_runs_with_the_seed_rsa_keys() {
    for (use_intermediates, tls_version) in [
        (true, mtls_lab::tls::TlsVersion::Tls12),
        (false, mtls_lab::tls::TlsVersion::Tls13),
    ] {
        let mut settings = Settings {
            use_intermediates,
            tls_version,
            ..Settings::default().with_seed_key_sizes()
        };
        awkward_subjects(&mut settings);
        run_shown_commands(&settings, "commands-rsa");
    }
}

/// The nginx and curl snippets the page shows, run as shown: nginx requires the client
/// certificate, curl with B's files gets through, curl without them gets a 400.
#[test]
fn nginx_and_curl_snippets_do_mutual_tls() {
    if std::process::Command::new("nginx")
        .arg("-v")
        .output()
        .is_err()
    {
        panic!("nginx is missing: ./scripts/setup.sh installs it");
    }
    let settings = Settings::default();
    let (_, dir) = exported(settings.clone(), "nginx");
    let blocks = commands::snippets(&settings);
    let server = start_nginx(&dir, snippet(&blocks, "nginx as Client C"));
    let port = server.port;
    let curl_b = snippet(&blocks, "curl as Client B");
    let with_cert = bash(dir.path(), &script_with_port(&curl_b.script, port), "");
    assert!(
        text(&with_cert).contains(&format!("Hello {B_DN}")),
        "{}\n{}",
        text(&with_cert),
        server.log()
    );
    let no_cert = snippet(&blocks, "curl without a client certificate");
    let without = bash(dir.path(), &script_with_port(&no_cert.script, port), "");
    assert!(
        text(&without).contains("No required SSL certificate was sent"),
        "{}",
        text(&without)
    );
}

const B_DN: &str =
    "CN=client-b.local,OU=Client Services,O=Client B Organization,L=Paris,ST=Iles-De-France,C=FR";

fn snippet<'a>(blocks: &'a [commands::CommandBlock], title: &str) -> &'a commands::CommandBlock {
    blocks
        .iter()
        .find(|b| b.title.starts_with(title))
        .unwrap_or_else(|| panic!("no block titled {title:?}"))
}

fn start_nginx(dir: &TempDir, block: &commands::CommandBlock) -> Server {
    let pid_file = dir.path().join("nginx/nginx.pid");
    Server::on_free_port(
        dir.path(),
        |port| script_with_port(&block.script, port),
        |_| pid_file.clone(),
    )
}

/// With ssl_verify_client optional, nginx serves a client without a certificate and says so in
/// $ssl_client_verify; a certificate that fails its check is still refused.
#[test]
fn nginx_with_optional_client_certificates_serves_a_client_without_one() {
    let settings = Settings::default();
    let (_, dir) = exported(settings.clone(), "nginx-optional");
    let blocks = commands::snippets(&settings);
    let server = start_nginx(
        &dir,
        snippet(&blocks, "nginx with ssl_verify_client optional"),
    );
    let port = server.port;
    let curl = |script: &str| text(&bash(dir.path(), &script_with_port(script, port), ""));
    let with_cert = curl(&snippet(&blocks, "curl as Client B").script);
    assert!(
        with_cert.contains(&format!("SUCCESS {B_DN}")),
        "{with_cert}"
    );
    let without = curl(&snippet(&blocks, "curl without a client certificate").script);
    assert!(without.lines().any(|l| l == "NONE "), "{without}");
    // B's root as a client certificate: C does not trust it.
    let name = settings.server_name();
    let wrong = curl(&format!(
        "curl --cert client_b_ca/certs/client_b_root_ca.crt --key client_b_ca/private/client_b_root_ca.key \\
             --pass \"$KEY_PASSPHRASE\" --cacert client_b_cert/client_c_ca_chain.crt \\
             --resolve {name}:8443:127.0.0.1 https://{name}:8443/"
    ));
    assert!(
        wrong.contains("<title>400 The SSL certificate error</title>"),
        "{wrong}"
    );
    // The note says two lines differ from the first block.
    let optional = snippet(&blocks, "nginx with ssl_verify_client optional");
    let first = snippet(&blocks, "nginx as Client C");
    let differ: Vec<_> = optional
        .script
        .lines()
        .zip(first.script.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        optional.script.lines().count(),
        first.script.lines().count()
    );
    assert_eq!(differ.len(), 2, "{differ:?}");
    let note = optional.note.clone().unwrap();
    for quoted in [
        "NONE",
        "SUCCESS",
        "\"400 Bad Request\"",
        "\"The SSL certificate error\"",
    ] {
        assert!(note.contains(quoted), "{quoted}: {note}");
    }
}

/// Both PKCS#12 flavours open with openssl and hold the key, the certificate and C's chain.
/// They are made as the page makes them: the job crosses to the core worker as a request.
#[test]
fn pkcs12_identities_open_with_openssl() {
    use mtls_lab::pki::pkcs12::Flavour;
    use mtls_lab::workshop::protocol::{answer_bytes, Reply, Request, Response, Work};
    for settings in [
        Settings::default(),
        Settings::default().with_seed_key_sizes(),
    ] {
        let (workshop, dir) = exported(settings, "p12");
        for (flavour, extra) in [(Flavour::Modern, None), (Flavour::Legacy, Some("-legacy"))] {
            let export = mtls_lab::pki::pkcs12::Export::with_password(PASSPHRASE);
            let job = workshop.client_pkcs12_job(&export, flavour).unwrap();
            let request = Request {
                id: 7,
                work: Work::Pkcs12(job),
            };
            let answer = Response::from_bytes(&answer_bytes(&request.to_bytes().unwrap()));
            let Ok(Reply::Pkcs12(p12)) = answer.unwrap().result else {
                panic!("no PKCS#12 file came back")
            };
            let file = dir.write(&flavour.file_name("client_b"), &p12);
            let path = file.to_str().unwrap();
            let pass = format!("pass:{PASSPHRASE}");
            let mut args = vec!["pkcs12", "-in", path, "-passin", &pass, "-info", "-noenc"];
            args.extend(extra);
            let out = openssl_ok(dir.path(), &args);
            assert_eq!(
                out.matches("-----BEGIN CERTIFICATE-----").count(),
                3,
                "{out}"
            );
            assert!(out.contains("-----BEGIN PRIVATE KEY-----"), "{out}");
            assert!(out.contains("subject=C = FR, ST = Iles-De-France, L = Paris, O = Client B Organization, OU = Client Services, CN = client-b.local"), "{out}");
            match flavour {
                Flavour::Modern => assert!(
                    out.contains("AES-256-CBC") && out.contains("sha256"),
                    "{out}"
                ),
                Flavour::Legacy => assert!(
                    out.contains("pbeWithSHA1And3-KeyTripleDES-CBC") && out.contains("MAC: sha1"),
                    "{out}"
                ),
            }
            let mut wrong = vec![
                "pkcs12",
                "-in",
                path,
                "-passin",
                "pass:wrong-pass",
                "-noout",
            ];
            wrong.extend(extra);
            assert!(!run_in(dir.path(), "openssl", &wrong).status.success());
        }
    }
}

/// The deep-chain row's note held to nginx: the page's nginx block, with ssl_verify_depth 2,
/// refuses a client certificate three CAs below C's root, and serves it with depth 3.
#[test]
fn nginx_verify_depth_limits_the_client_chain() {
    use mtls_lab::workshop::lab::{self, LabInputs, LabScenario};
    let settings = Settings::default();
    let (workshop, dir) = exported(settings.clone(), "nginx-depth");
    let setup = lab::setup(
        &LabInputs::of(&workshop),
        LabScenario::DeepChain,
        unix_now(),
    )
    .unwrap();
    let (chain, _) = setup.client.identity.expect("B presents the deep chain");
    // curl sends the CAs that follow the leaf in its --cert file; the key is B's own.
    let pems: String = chain.iter().map(|c| c.to_pem()).collect();
    dir.write(
        "client_b_cert/client_b_signed_by_client_c.crt",
        pems.as_bytes(),
    );
    let blocks = commands::snippets(&settings);
    let nginx = snippet(&blocks, "nginx as Client C");
    assert!(nginx.script.contains("ssl_verify_depth       2;"));
    let server = start_nginx(&dir, nginx);
    let port = server.port;
    let curl = || {
        let script = &snippet(&blocks, "curl as Client B").script;
        text(&bash(dir.path(), &script_with_port(script, port), ""))
    };
    let refused = curl();
    assert!(
        refused.contains("<title>400 The SSL certificate error</title>"),
        "{refused}"
    );
    let conf = dir.path().join("nginx/mtls.conf");
    let deeper = std::fs::read_to_string(&conf)
        .unwrap()
        .replace("ssl_verify_depth       2;", "ssl_verify_depth       3;");
    std::fs::write(&conf, deeper).unwrap();
    let reload = bash(
        dir.path(),
        "nginx -c \"$PWD/nginx/mtls.conf\" -s reload",
        "",
    );
    assert!(reload.status.success(), "{}", text(&reload));
    // An old worker may answer once more with the limit it read at start.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let answer = curl();
        if answer.contains(&format!("Hello {B_DN}")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{answer}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
