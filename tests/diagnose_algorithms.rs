//! The algorithm checks of "Diagnose your files" against openssl's own words: an RSA-1024 leaf
//! and a SHA-1-signed leaf, made by openssl, are named by the diagnosis with the verify error
//! `openssl verify -auth_level` prints and the words `s_client` stops on when it loads them
//! at Debian's default security level 2.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::diagnose::{DiagnoseJob, Level, SideFiles, Topic};
use support::{bash, text, TempDir};

const MAKE: &str = r#"
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > leaf.ext
ca() { openssl req -x509 -newkey "$2" -nodes -keyout "$1.key" -out "$1.crt" -days 5 -subj "/CN=$1" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null; }
leaf() { # name key-spec ca digest
  openssl req -new -newkey "$2" -nodes -keyout "$1.key" -subj "/CN=$1" -out "$1.csr" 2>/dev/null
  openssl x509 -req "-$4" -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 2 -extfile leaf.ext -out "$1.crt" 2>/dev/null
}
ca ca rsa:2048
leaf weak rsa:1024 ca sha256
leaf sha1 rsa:2048 ca sha1
leaf good rsa:2048 ca sha256
openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.crt -days 5 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost 2>/dev/null
"#;

/// What openssl says of `leaf`: `verify -auth_level 2`, then s_client loading it as its own.
fn openssl_words(dir: &TempDir, leaf: &str) -> String {
    let verify = bash(
        dir.path(),
        &format!("openssl verify -auth_level 2 -CAfile ca.crt {leaf}.crt 2>&1 || true"),
        "",
    );
    let load = bash(
        dir.path(),
        &format!(
            "openssl s_client -connect 127.0.0.1:9 -cert {leaf}.crt -key {leaf}.key 2>&1 || true"
        ),
        "",
    );
    format!("{}{}", text(&verify), text(&load))
}

#[test]
fn weak_keys_and_digests_are_named_with_openssls_own_words() {
    let dir = TempDir::new("diagnose-algorithms");
    let made = bash(dir.path(), MAKE, "");
    assert!(made.status.success(), "{}", text(&made));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let cases = [
        (
            "weak",
            "error 66 at 0 depth lookup: EE certificate key too weak",
            "ee key too small",
            "verify error:num=66:EE certificate key too weak",
        ),
        (
            "sha1",
            "error 68 at 0 depth lookup: CA signature digest algorithm too weak",
            "ca md too weak",
            "verify error:num=68:CA signature digest algorithm too weak",
        ),
    ];
    for (leaf, verify_line, load_words, finding_says) in cases {
        let openssl = openssl_words(&dir, leaf);
        assert!(openssl.contains(verify_line), "{leaf}: {openssl}");
        assert!(openssl.contains(load_words), "{leaf}: {openssl}");
        let diagnosis = DiagnoseJob {
            server: SideFiles {
                certificates: read("server.crt"),
                key: read("server.key"),
                trusted: read("ca.crt"),
                ..SideFiles::default()
            },
            client: SideFiles {
                certificates: read(&format!("{leaf}.crt")),
                key: read(&format!("{leaf}.key")),
                trusted: read("server.crt"),
                ..SideFiles::default()
            },
            server_name: "localhost".into(),
            now: unix_now(),
        }
        .run();
        let found: Vec<_> = diagnosis
            .findings
            .iter()
            .filter(|f| f.topic == Topic::Algorithms && f.level == Level::Fail)
            .collect();
        assert_eq!(found.len(), 1, "{leaf}: {:#?}", diagnosis.findings);
        let said = found[0].openssl.clone().unwrap_or_default();
        assert!(
            said.contains(finding_says) && said.contains(load_words),
            "{leaf}: {said}"
        );
    }
    // A leaf with neither passes the algorithm check.
    let openssl = openssl_words(&dir, "good");
    assert!(openssl.contains("good.crt: OK"), "{openssl}");
}
