//! Every input, one rule: a clear refusal where it was typed, nothing else changes, no panic.
//! And a strict CA: it names a key it does not sign before any signature work, then checks the
//! CSR's signature, and takes only its subject and key.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::{self, inspect, InputField, PkiError, PrivateKey};
use mtls_lab::workshop::{export, Party, Settings, StepId, Workshop};
use support::*;

/// A CSR as PEM with one bit of its signature flipped.
fn tampered_csr(der: &[u8]) -> String {
    let mut der = der.to_vec();
    let at = der.len() - 5;
    der[at] ^= 0x40;
    pki::pem::encode("CERTIFICATE REQUEST", &der)
}

fn workshop() -> Workshop {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    workshop
}

/// A snapshot of everything a refusal must leave alone.
fn files(workshop: &Workshop) -> Vec<String> {
    export::all_files(workshop, &export::KeyProtection::plain())
        .unwrap()
        .into_iter()
        .map(|f| f.contents)
        .collect()
}

#[test]
fn subject_days_and_san_inputs_are_refused_at_their_field() {
    let base = workshop();
    let before = files(&base);
    type Change = Box<dyn Fn(&mut Settings)>;
    let cases: Vec<(&str, Change, InputField)> = vec![
        (
            "empty CN",
            Box::new(|s| s.c_root.subject.common_name = String::new()),
            InputField::CommonName,
        ),
        (
            "65-character CN",
            Box::new(|s| s.c_root.subject.common_name = "x".repeat(65)),
            InputField::CommonName,
        ),
        (
            "control character",
            Box::new(|s| s.c_root.subject.organization = "a\u{7}b".into()),
            InputField::Organization,
        ),
        (
            "newline",
            Box::new(|s| s.c_root.subject.locality = "Paris\nLyon".into()),
            InputField::Locality,
        ),
        (
            "three-letter country",
            Box::new(|s| s.c_root.subject.country = "FRA".into()),
            InputField::Country,
        ),
        (
            "digit country",
            Box::new(|s| s.c_root.subject.country = "F1".into()),
            InputField::Country,
        ),
        (
            "129-character state",
            Box::new(|s| s.c_root.subject.state = "é".repeat(129)),
            InputField::State,
        ),
        (
            "zero days",
            Box::new(|s| s.c_root.days = 0),
            InputField::Days,
        ),
        (
            "a century and a day",
            Box::new(|s| s.c_root.days = 36_501),
            InputField::Days,
        ),
    ];
    for (name, change, field) in cases {
        let mut w = base.clone();
        change(&mut w.settings);
        let err = w.run_step(StepId::CRoot, None, unix_now()).unwrap_err();
        assert_eq!(err.field(), Some(field), "{name}: {err}");
        assert!(!err.to_string().is_empty());
        w.settings = base.settings.clone();
        assert_eq!(files(&w), before, "{name} changed the workshop");
    }
    for bad in [
        "",
        " , ",
        "999.1.1.1",
        "bad name",
        "-lead.example",
        "a..b",
        &"x".repeat(300),
    ] {
        let err = pki::San::parse_list(bad).unwrap_err();
        assert_eq!(err.field(), Some(InputField::Sans), "{bad:?}");
    }
    // Non-ASCII that X.509 holds as UTF8String is fine.
    let mut w = base.clone();
    w.settings.c_root.subject.locality = "Zürich – 東京".into();
    w.run_step(StepId::CRoot, None, unix_now()).unwrap();
    let view = inspect::certificate(w.certificate(Party::CRoot).unwrap()).unwrap();
    assert!(
        view.subject.contains("L = Zürich – 東京"),
        "{}",
        view.subject
    );
}

#[test]
fn passphrases_follow_one_rule() {
    let key = PrivateKey::generate(pki::KeyAlgorithm::EcdsaP256).unwrap();
    for bad in ["", "abc", "tab\tinside", &"p".repeat(1025)] {
        let err = key.to_encrypted_pem(bad, 1000).unwrap_err();
        assert_eq!(err.field(), Some(InputField::Passphrase), "{bad:?}");
    }
    for good in ["four", "pässwörd ünïcode", &"p".repeat(1024)] {
        let pem = key.to_encrypted_pem(good, 1000).unwrap();
        assert_eq!(PrivateKey::from_pem(&pem, good).unwrap(), key);
    }
    let pem = key.to_encrypted_pem("right one", 1000).unwrap();
    assert_eq!(
        PrivateKey::from_pem(&pem, "wrong one").unwrap_err(),
        PkiError::WrongPassphrase
    );
    assert_eq!(
        PrivateKey::from_pem(&pem, "").unwrap_err(),
        PkiError::WrongPassphrase
    );
}

#[test]
fn pasted_and_uploaded_text_is_refused_clearly() {
    let mut w = workshop();
    let before = files(&w);
    let public_key = pki::pem::encode(
        "PUBLIC KEY",
        &w.certificate(Party::CRoot).unwrap().spki_der(),
    );
    let csr = w.csr(Party::BClient).unwrap().to_pem();
    let binary = String::from_utf8_lossy(w.certificate(Party::CRoot).unwrap().der()).into_owned();
    let two_csrs = format!("{csr}{csr}");
    let megabytes = "-----BEGIN CERTIFICATE REQUEST-----\n".to_string() + &"QUFB\n".repeat(600_000);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("empty", "", "empty"),
        ("not PEM", "hello there", "BEGIN"),
        ("binary DER", &binary, "BEGIN"),
        ("NUL bytes", "ab\0cd", "binary"),
        ("the wrong block", &public_key, "expected"),
        ("two requests", &two_csrs, "paste just one"),
        ("several megabytes", &megabytes, "limit"),
        (
            "broken base64",
            "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n",
            "PEM",
        ),
    ];
    for (name, text, expected) in cases {
        let err = w.sign_external_csr(text, unix_now()).unwrap_err();
        assert!(err.to_string().contains(expected), "{name}: {err}");
        assert!(w.check_certificate(text, unix_now()).is_err(), "{name}");
        assert!(w.check_crl(text, unix_now()).is_err(), "{name}");
        assert!(w.use_own_b_key(text, "pass", unix_now()).is_err(), "{name}");
        assert_eq!(files(&w), before, "{name} changed the workshop");
    }
}

/// CSRs made by openssl with keys this lab does not sign are refused by name, before any
/// signature check; a CSR whose signature fails is refused as such.
#[test]
fn a_strict_ca_refuses_what_it_should() {
    let w = workshop();
    let dir = TempDir::new("strict-ca");
    let make = |keygen: &[&str]| {
        openssl_ok(dir.path(), keygen);
        openssl_ok(
            dir.path(),
            &[
                "req",
                "-new",
                "-key",
                "k.pem",
                "-subj",
                "/CN=odd key",
                "-out",
                "r.csr",
            ],
        );
        std::fs::read_to_string(dir.path().join("r.csr")).unwrap()
    };
    let refused = [
        (
            make(&["genrsa", "-out", "k.pem", "1024"]),
            "RSA key of 1024 bits",
        ),
        (
            make(&["genpkey", "-algorithm", "ED25519", "-out", "k.pem"]),
            "Ed25519",
        ),
        (
            make(&[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-521",
                "-out",
                "k.pem",
            ]),
            "P-521",
        ),
        (
            make(&[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:secp256k1",
                "-out",
                "k.pem",
            ]),
            "curve",
        ),
    ];
    for (csr, expected) in refused {
        let err = w.sign_external_csr(&csr, unix_now()).unwrap_err();
        assert!(matches!(err, PkiError::Unsupported(_)), "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }
    // A valid request whose signature was tampered with.
    let tampered = tampered_csr(w.csr(Party::BClient).unwrap().der());
    let err = w.sign_external_csr(&tampered, unix_now()).unwrap_err();
    assert!(
        err.to_string().contains("signature does not verify"),
        "{err}"
    );
}

/// What a CSR asks for is ignored: the profile decides CA, key usage, EKU and SANs.
#[test]
fn a_strict_ca_never_copies_requested_extensions() {
    let w = workshop();
    let dir = TempDir::new("greedy-csr");
    openssl_ok(
        dir.path(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "k.pem",
        ],
    );
    openssl_ok(
        dir.path(),
        &[
            "req",
            "-new",
            "-key",
            "k.pem",
            "-subj",
            "/CN=wants everything",
            "-out",
            "r.csr",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-addext",
            "extendedKeyUsage=serverAuth,codeSigning",
            "-addext",
            "subjectAltName=DNS:bank.example",
        ],
    );
    let csr = std::fs::read_to_string(dir.path().join("r.csr")).unwrap();
    let cert = w.sign_external_csr(&csr, unix_now()).unwrap();
    let view = inspect::certificate(&cert).unwrap();
    let ext = |name: &str| {
        view.extensions
            .iter()
            .find(|e| e.name == name)
            .map(|e| (e.critical, e.value.clone()))
    };
    assert_eq!(
        ext("X509v3 Basic Constraints"),
        Some((false, "CA:FALSE".into()))
    );
    assert_eq!(
        ext("X509v3 Key Usage"),
        Some((
            true,
            "Digital Signature, Non Repudiation, Key Encipherment".into()
        ))
    );
    assert_eq!(
        ext("X509v3 Extended Key Usage"),
        Some((false, "TLS Web Client Authentication".into()))
    );
    assert_eq!(ext("X509v3 Subject Alternative Name"), None);
}

#[test]
fn serial_numbers_are_random_positive_and_unique() {
    let w = workshop();
    let csr = w.csr(Party::BClient).unwrap().to_pem();
    let mut serials = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let cert = w.sign_external_csr(&csr, unix_now()).unwrap();
        let serial = inspect::certificate(&cert).unwrap().serial;
        // 16 octets, the first below 0x80 (positive): 127 random bits, far above 64.
        assert_eq!(serial.split(':').count(), 16, "{serial}");
        assert!(u8::from_str_radix(&serial[..2], 16).unwrap() < 0x80);
        assert!(serials.insert(serial));
    }
}

#[test]
fn a_ca_key_that_does_not_match_its_certificate_is_refused() {
    let w = workshop();
    let stranger = PrivateKey::generate(pki::KeyAlgorithm::EcdsaP256).unwrap();
    let template = pki::Template {
        profile: &pki::profile::CLIENT,
        days: 30,
        sans: &[],
        now: unix_now(),
    };
    let err = pki::cert::sign_csr(
        w.csr(Party::BClient).unwrap(),
        &template,
        w.certificate(Party::CIntermediate).unwrap(),
        &stranger,
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
}

/// An encrypted key that asks for more PBKDF2 rounds than the cap is refused before any
/// decryption: its ciphertext is garbage, yet the answer is the cap, not a wrong passphrase.
#[test]
fn pbkdf2_rounds_over_the_cap_are_refused_before_any_work() {
    let nonce = pki::keys::Pbes2Nonce::random().unwrap();
    let pem = pki::keys::encrypted_pem(3_000_000, &nonce, &[0u8; 64]).unwrap();
    let err = PrivateKey::from_pem(&pem, "any passphrase").unwrap_err();
    assert!(matches!(err, PkiError::Key(_)), "{err}");
    assert!(err.to_string().contains("3000000 PBKDF2 rounds"), "{err}");
    assert!(err.to_string().contains("2,000,000"), "{err}");
    // At the cap itself the file is opened (and, being garbage, fails as a wrong passphrase).
    let pem = pki::keys::encrypted_pem(2_000_000, &nonce, &[0u8; 64]).unwrap();
    assert_eq!(
        PrivateKey::from_pem(&pem, "any passphrase").unwrap_err(),
        PkiError::WrongPassphrase
    );
}

/// scrypt with N = 2^22 would need 4 GiB and many seconds: refused before any work.
#[test]
fn a_large_scrypt_cost_is_refused_before_any_work() {
    use pkcs8::der::{asn1::OctetStringRef, Encode};
    use pkcs8::pkcs5::pbes2::{EncryptionScheme as Cipher, Kdf, Parameters, Salt, ScryptParams};
    let kdf = Kdf::Scrypt(ScryptParams {
        salt: Salt::new([7u8; 16]).unwrap(),
        cost_parameter: 1 << 22,
        block_size: 8,
        parallelization: 1,
        key_length: None,
    });
    let info = pkcs8::EncryptedPrivateKeyInfoRef {
        encryption_algorithm: pkcs8::pkcs5::EncryptionScheme::Pbes2(Parameters {
            kdf,
            encryption: Cipher::Aes256Cbc { iv: [9u8; 16] },
        }),
        encrypted_data: OctetStringRef::new(&[0u8; 64]).unwrap(),
    };
    let pem = pki::pem::encode("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap());
    let err = PrivateKey::from_pem(&pem, "any passphrase").unwrap_err();
    assert!(err.to_string().contains("scrypt cost"), "{err}");
}

/// DER length octets.
fn der_length(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![len as u8],
        0x80..=0xff => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    [vec![tag], der_length(content.len()), content.to_vec()].concat()
}

/// An RSA private key above 8,192 bits is refused by its size, read before any arithmetic:
/// this one's numbers are not even a real key.
#[test]
fn an_rsa_private_key_above_8192_bits_is_refused_by_size() {
    let mut modulus = vec![0x00, 0x80];
    modulus.extend(vec![0x01; 1024]);
    let pkcs1 = der(
        0x30,
        &[der(0x02, &[0]), der(0x02, &modulus), der(0x02, &[3])].concat(),
    );
    let algorithm = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            ),
            vec![0x05, 0x00],
        ]
        .concat(),
    );
    let pkcs8 = der(
        0x30,
        &[der(0x02, &[0]), algorithm, der(0x04, &pkcs1)].concat(),
    );
    for pem in [
        pki::pem::encode("PRIVATE KEY", &pkcs8),
        pki::pem::encode("RSA PRIVATE KEY", &pkcs1),
    ] {
        let err = PrivateKey::from_pem(&pem, "").unwrap_err();
        assert!(matches!(err, PkiError::Unsupported(_)), "{err}");
        assert!(
            err.to_string().contains("8200 bits; the limit is 8192"),
            "{err}"
        );
    }
}

/// The CA names a key it does not sign before it checks the signature: a tampered request
/// with an RSA-1024 key is refused for its key, not for its signature.
#[test]
fn the_ca_names_the_key_before_it_checks_the_signature() {
    let w = workshop();
    let dir = TempDir::new("ca-order");
    openssl_ok(dir.path(), &["genrsa", "-out", "k.pem", "1024"]);
    openssl_ok(
        dir.path(),
        &[
            "req",
            "-new",
            "-key",
            "k.pem",
            "-subj",
            "/CN=small",
            "-outform",
            "DER",
            "-out",
            "r.der",
        ],
    );
    let tampered = tampered_csr(&std::fs::read(dir.path().join("r.der")).unwrap());
    let err = w.sign_external_csr(&tampered, unix_now()).unwrap_err();
    assert!(matches!(err, PkiError::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("RSA key of 1024 bits"), "{err}");
}

/// A pasted CSR whose subject holds an attribute type under 2.999 (one subidentifier, 1079)
/// is signed, and openssl reads the same attribute back; it once panicked the page.
#[test]
fn a_csr_with_an_oid_under_2_999_is_signed_without_panic() {
    let w = workshop();
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "odd attribute");
    params
        .distinguished_name
        .push(rcgen::DnType::CustomDnType(vec![2, 999, 1]), "weird");
    let pem = params.serialize_request(&key).unwrap().pem().unwrap();
    let cert = w.sign_external_csr(&pem, unix_now()).unwrap();
    let dir = TempDir::new("odd-oid");
    dir.write("odd.crt", cert.to_pem().as_bytes());
    let subject = openssl_ok(
        dir.path(),
        &["x509", "-in", "odd.crt", "-noout", "-subject"],
    );
    assert!(subject.contains("2.999.1 = weird"), "{subject}");
}
