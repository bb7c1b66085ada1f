//! Keys from elsewhere: every private key form openssl writes, made by the real openssl CLI and
//! loaded as step 5 loads a pasted key, each checked against openssl's own public key.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::pki::{KeyAlgorithm, PkiError, PrivateKey};
use std::path::Path;
use support::*;

/// The four ciphers of openssl's legacy PEM encryption this lab opens: openssl's flag and the
/// name it writes in `DEK-Info`.
const LEGACY_CIPHERS: [(&str, &str); 4] = [
    ("-aes128", "AES-128-CBC"),
    ("-aes192", "AES-192-CBC"),
    ("-aes256", "AES-256-CBC"),
    ("-des3", "DES-EDE3-CBC"),
];

fn load(dir: &Path, file: &str, passphrase: &str) -> Result<PrivateKey, PkiError> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    PrivateKey::from_pem(&text, passphrase)
}

/// openssl's view of the file's public key, as SubjectPublicKeyInfo DER.
fn openssl_spki(dir: &Path, file: &str) -> Vec<u8> {
    let out = format!("{file}.pub.der");
    openssl_ok(
        dir,
        &[
            "pkey",
            "-in",
            file,
            "-passin",
            "env:KEY_PASSPHRASE",
            "-pubout",
            "-outform",
            "DER",
            "-out",
            &out,
        ],
    );
    std::fs::read(dir.join(out)).unwrap()
}

/// Checks the file is the form expected (its first line and, when encrypted, its DEK-Info),
/// loads it with the workshop passphrase and compares its public key with openssl's; an
/// encrypted one must also refuse a wrong passphrase.
fn assert_loads(
    dir: &Path,
    file: &str,
    begin: &str,
    dek_info: Option<&str>,
    algorithm: KeyAlgorithm,
) {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    assert!(
        text.contains(&format!("-----BEGIN {begin}-----")),
        "{file}:\n{text}"
    );
    match dek_info {
        Some(cipher) => {
            assert!(text.contains("Proc-Type: 4,ENCRYPTED"), "{file}:\n{text}");
            assert!(
                text.contains(&format!("DEK-Info: {cipher},")),
                "{file}:\n{text}"
            );
        }
        None => assert!(!text.contains("DEK-Info"), "{file}:\n{text}"),
    }
    let key = load(dir, file, PASSPHRASE).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(key.algorithm(), algorithm, "{file}");
    assert_eq!(key.spki_der(), openssl_spki(dir, file), "{file}");
    // What step 5 keeps is plain PKCS#8 that reloads as the same key.
    assert_eq!(
        PrivateKey::from_pem(&key.to_pem(), "").unwrap(),
        key,
        "{file}"
    );
    if dek_info.is_some() {
        assert_eq!(
            load(dir, file, "not the passphrase").unwrap_err(),
            PkiError::WrongPassphrase,
            "{file}"
        );
        assert_eq!(
            load(dir, file, "").unwrap_err(),
            PkiError::WrongPassphrase,
            "{file}"
        );
    }
}

fn refusal(dir: &Path, file: &str) -> PkiError {
    let err = load(dir, file, PASSPHRASE).unwrap_err();
    assert!(
        matches!(err, PkiError::Unsupported(_)),
        "{file}: expected a refusal naming what is unsupported, got: {err}"
    );
    err
}

#[test]
fn pkcs1_rsa_key_loads() {
    let dir = TempDir::new("key-forms-pkcs1");
    openssl_ok(
        dir.path(),
        &["genrsa", "-traditional", "-out", "rsa.key", "2048"],
    );
    assert_loads(
        dir.path(),
        "rsa.key",
        "RSA PRIVATE KEY",
        None,
        KeyAlgorithm::Rsa2048,
    );
}

#[test]
fn sec1_ec_keys_load_with_and_without_ec_parameters() {
    let dir = TempDir::new("key-forms-sec1");
    for (curve, algorithm) in [
        ("prime256v1", KeyAlgorithm::EcdsaP256),
        ("secp384r1", KeyAlgorithm::EcdsaP384),
    ] {
        // As `openssl ecparam -genkey` prints it: an EC PARAMETERS block, then the key.
        let with_params = format!("{curve}-params.key");
        openssl_ok(
            dir.path(),
            &["ecparam", "-name", curve, "-genkey", "-out", &with_params],
        );
        let text = std::fs::read_to_string(dir.path().join(&with_params)).unwrap();
        assert!(text.starts_with("-----BEGIN EC PARAMETERS-----"), "{text}");
        assert_loads(dir.path(), &with_params, "EC PRIVATE KEY", None, algorithm);

        let bare = format!("{curve}.key");
        openssl_ok(
            dir.path(),
            &[
                "ecparam", "-name", curve, "-genkey", "-noout", "-out", &bare,
            ],
        );
        assert_loads(dir.path(), &bare, "EC PRIVATE KEY", None, algorithm);
    }
}

#[test]
fn legacy_encrypted_rsa_keys_load_with_every_cipher() {
    let dir = TempDir::new("key-forms-legacy-rsa");
    // The seed's own line with -traditional, as openssl 1.x wrote it.
    openssl_ok(
        dir.path(),
        &[
            "genrsa",
            "-aes256",
            "-traditional",
            "-passout",
            "env:KEY_PASSPHRASE",
            "-out",
            "genrsa.key",
            "2048",
        ],
    );
    assert_loads(
        dir.path(),
        "genrsa.key",
        "RSA PRIVATE KEY",
        Some("AES-256-CBC"),
        KeyAlgorithm::Rsa2048,
    );
    openssl_ok(
        dir.path(),
        &["genrsa", "-traditional", "-out", "rsa.key", "2048"],
    );
    for (flag, cipher) in LEGACY_CIPHERS {
        let file = format!("rsa{flag}.key");
        openssl_ok(
            dir.path(),
            &[
                "rsa",
                "-in",
                "rsa.key",
                "-traditional",
                flag,
                "-passout",
                "env:KEY_PASSPHRASE",
                "-out",
                &file,
            ],
        );
        assert_loads(
            dir.path(),
            &file,
            "RSA PRIVATE KEY",
            Some(cipher),
            KeyAlgorithm::Rsa2048,
        );
    }
}

#[test]
fn legacy_encrypted_ec_keys_load_with_every_cipher() {
    let dir = TempDir::new("key-forms-legacy-ec");
    for (curve, algorithm) in [
        ("prime256v1", KeyAlgorithm::EcdsaP256),
        ("secp384r1", KeyAlgorithm::EcdsaP384),
    ] {
        let plain = format!("{curve}.key");
        openssl_ok(
            dir.path(),
            &["ecparam", "-name", curve, "-genkey", "-out", &plain],
        );
        for (flag, cipher) in LEGACY_CIPHERS {
            let file = format!("{curve}{flag}.key");
            openssl_ok(
                dir.path(),
                &[
                    "ec",
                    "-in",
                    &plain,
                    flag,
                    "-passout",
                    "env:KEY_PASSPHRASE",
                    "-out",
                    &file,
                ],
            );
            assert_loads(dir.path(), &file, "EC PRIVATE KEY", Some(cipher), algorithm);
        }
    }
}

#[test]
fn secp256k1_key_is_refused_by_name() {
    let dir = TempDir::new("key-forms-k1");
    openssl_ok(
        dir.path(),
        &["ecparam", "-name", "secp256k1", "-genkey", "-out", "k1.key"],
    );
    let err = refusal(dir.path(), "k1.key");
    assert!(err.to_string().contains("secp256k1"), "{err}");
    // Encrypted, it is still refused by name once opened, not taken for a wrong passphrase.
    openssl_ok(
        dir.path(),
        &[
            "ec",
            "-in",
            "k1.key",
            "-aes256",
            "-passout",
            "env:KEY_PASSPHRASE",
            "-out",
            "k1-aes.key",
        ],
    );
    let err = refusal(dir.path(), "k1-aes.key");
    assert!(err.to_string().contains("secp256k1"), "{err}");
    // So is its PKCS#8 form.
    openssl_ok(
        dir.path(),
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            "k1.key",
            "-out",
            "k1-pkcs8.key",
        ],
    );
    let err = refusal(dir.path(), "k1-pkcs8.key");
    assert!(err.to_string().contains("secp256k1"), "{err}");
}

/// EC files ring cannot take as they are are refused with the openssl command that fixes them,
/// and the fixed file loads.
#[test]
fn unusual_ec_files_are_refused_with_the_command_that_fixes_them() {
    let dir = TempDir::new("key-forms-ec-fixes");
    openssl_ok(
        dir.path(),
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec.key",
        ],
    );
    let cases: [(&str, &[&str]); 3] = [
        ("explicit", &["-param_enc", "explicit"]),
        ("compressed", &["-conv_form", "compressed"]),
        ("no-public", &["-no_public"]),
    ];
    for (tag, options) in cases {
        let file = format!("{tag}.key");
        let mut args = vec!["ec", "-in", "ec.key", "-out", &file];
        args.extend(options);
        openssl_ok(dir.path(), &args);
        let err = refusal(dir.path(), &file);
        let message = err.to_string();
        let command = message
            .split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("{tag}: no command in: {message}"));
        let fixed = format!("{tag}-fixed.key");
        let command = command
            .replace("old.key", &file)
            .replace("client_b.key", &fixed);
        let args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args[0], "openssl", "{message}");
        openssl_ok(dir.path(), &args[1..]);
        assert_loads(
            dir.path(),
            &fixed,
            "EC PRIVATE KEY",
            None,
            KeyAlgorithm::EcdsaP256,
        );
    }
}

#[test]
fn other_legacy_ciphers_are_refused_with_the_conversion_command() {
    let dir = TempDir::new("key-forms-camellia");
    openssl_ok(
        dir.path(),
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec.key",
        ],
    );
    openssl_ok(
        dir.path(),
        &[
            "ec",
            "-in",
            "ec.key",
            "-camellia256",
            "-passout",
            "env:KEY_PASSPHRASE",
            "-out",
            "old.key",
        ],
    );
    let err = refusal(dir.path(), "old.key");
    let message = err.to_string();
    assert!(message.contains("CAMELLIA-256-CBC"), "{message}");
    let command = "openssl pkcs8 -topk8 -in old.key -out client_b.key -v2 aes-256-cbc";
    assert!(message.contains(command), "{message}");
    // The command, with the passphrases it would ask for, gives a file the lab opens.
    let mut args: Vec<&str> = command.split_whitespace().skip(1).collect();
    args.extend([
        "-passin",
        "env:KEY_PASSPHRASE",
        "-passout",
        "env:KEY_PASSPHRASE",
    ]);
    openssl_ok(dir.path(), &args);
    let key = load(dir.path(), "client_b.key", PASSPHRASE).unwrap();
    assert_eq!(key.spki_der(), openssl_spki(dir.path(), "ec.key"));
}
