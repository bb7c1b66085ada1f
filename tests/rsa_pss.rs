//! RSA-PSS signatures made by openssl: on certificates, which the openssl-like judge checks as
//! openssl does where ring can (a salt as long as the hash, MGF1 with the same hash), and on
//! CSRs, whose self-signature the CA checks before it signs.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::openssl_verdict;
use mtls_lab::pki::verify::Usage;
use mtls_lab::pki::{Certificate, Csr, PkiError};
use support::{bash, run_in, text, TempDir};

const MAKE: &str = r#"
printf '[ca]\nbasicConstraints = critical, CA:true\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n[client]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\nauthorityKeyIdentifier = keyid\n' > ext.cnf
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root.key 2>/dev/null
openssl req -x509 -new -key root.key -subj "/CN=PSS Root" -days 30 -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -extensions ca -config <(printf '[req]\ndistinguished_name = dn\n[dn]\n'; cat ext.cnf) -out root.crt
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key 2>/dev/null
openssl req -new -key leaf.key -subj "/CN=pss.test" -out plain.csr
leaf() { openssl x509 -req -in plain.csr -CA root.crt -CAkey root.key -set_serial "$RANDOM" -days 30 -extfile ext.cnf -extensions client -sigopt rsa_padding_mode:pss "${@:2}" -out "$1.crt" 2>/dev/null; }
leaf sha256 -sha256 -sigopt rsa_pss_saltlen:digest
leaf sha384 -sha384 -sigopt rsa_pss_saltlen:digest
leaf max_salt -sha256 -sigopt rsa_pss_saltlen:max
csr() { openssl req -new -key leaf.key -subj "/CN=pss.test" -sigopt rsa_padding_mode:pss "${@:2}" -out "$1.csr"; }
csr sha256 -sha256 -sigopt rsa_pss_saltlen:digest
csr sha512 -sha512 -sigopt rsa_pss_saltlen:digest
csr max_salt -sha256 -sigopt rsa_pss_saltlen:max
"#;

fn read(dir: &TempDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join(file)).unwrap()
}

#[test]
fn pss_signed_certificates_are_judged_as_openssl_verify_judges_them() {
    let dir = TempDir::new("rsa-pss");
    let made = bash(dir.path(), MAKE, "");
    assert!(made.status.success(), "{}", text(&made));
    let now = unix_now();
    let root = Certificate::from_pem(&read(&dir, "root.crt")).unwrap();
    for (leaf, judged) in [("sha256", true), ("sha384", true), ("max_salt", false)] {
        let file = format!("{leaf}.crt");
        let at = now.to_string();
        let args = [
            "verify",
            "-attime",
            &at,
            "-purpose",
            "sslclient",
            "-CAfile",
            "root.crt",
            &file,
        ];
        let openssl = run_in(dir.path(), "openssl", &args);
        assert!(openssl.status.success(), "{leaf}: {}", text(&openssl));
        let cert = Certificate::from_pem(&read(&dir, &file)).unwrap();
        let roots = std::slice::from_ref(&root);
        let ours = openssl_verdict::judge(&cert, &[], roots, Usage::ClientAuth, now);
        if judged {
            assert_eq!(ours.line(), "OK", "{leaf}");
        } else {
            // A longer salt is valid PSS, but ring checks only a salt as long as the hash.
            let why = ours.unjudged.unwrap_or_default();
            assert!(why.contains("1.2.840.113549.1.1.10"), "{leaf}: {why}");
        }
    }
}

#[test]
fn pss_signed_requests_verify_where_ring_can_check_them() {
    let dir = TempDir::new("rsa-pss-csr");
    let made = bash(dir.path(), MAKE, "");
    assert!(made.status.success(), "{}", text(&made));
    for name in ["plain", "sha256", "sha512"] {
        let csr = Csr::from_pem(&read(&dir, &format!("{name}.csr")));
        assert!(csr.is_ok(), "{name}: {csr:?}");
    }
    let err = Csr::from_pem(&read(&dir, "max_salt.csr")).unwrap_err();
    assert!(matches!(err, PkiError::Csr(_)), "{err}");
    assert!(err.to_string().contains("does not verify"), "{err}");
}
