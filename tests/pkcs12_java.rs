//! The page's PKCS#12 files in Java: keytool reads both identity flavours and the truststore
//! with the export password and shows the alias chosen, and a Java client connects with them
//! to `openssl s_server -Verify 2`.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::pkcs12::{Export, Flavour};
use mtls_lab::workshop::elsewhere::Software;
use mtls_lab::workshop::export::{self, KeyProtection};
use mtls_lab::workshop::protocol::{answer_bytes, Reply, Request, Response, Work};
use mtls_lab::workshop::{Party, Settings, Workshop};
use support::*;

const EXPORT_PASSWORD: &str = "export password 42";

/// A job answered as the core worker answers it.
fn made(work: Work) -> Vec<u8> {
    let request = Request { id: 1, work };
    let answer = Response::from_bytes(&answer_bytes(&request.to_bytes().unwrap())).unwrap();
    let Ok(Reply::Pkcs12(bytes)) = answer.result else {
        panic!("no PKCS#12 file came back")
    };
    bytes.into_vec()
}

fn keytool_list(dir: &TempDir, file: &str) -> String {
    let output = run_in(
        dir.path(),
        "keytool",
        &[
            "-list",
            "-v",
            "-keystore",
            file,
            "-storetype",
            "PKCS12",
            "-storepass",
            EXPORT_PASSWORD,
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    text(&output)
}

#[test]
fn keytool_reads_every_file_and_java_connects_with_them() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let dir = TempDir::new("p12-java");
    let export = Export {
        friendly_name: "client-b-java".into(),
        include_root: false,
        password: EXPORT_PASSWORD.into(),
    };
    for flavour in [Flavour::Modern, Flavour::Legacy] {
        let job = workshop.client_pkcs12_job(&export, flavour).unwrap();
        let name = flavour.file_name("client_b");
        dir.write(&name, &made(Work::Pkcs12(job)));
        let listed = keytool_list(&dir, &name);
        assert!(listed.contains("Alias name: client-b-java"), "{listed}");
        assert!(listed.contains("Entry type: PrivateKeyEntry"), "{listed}");
        // B's certificate and C's intermediate: the root was left out.
        assert!(listed.contains("Certificate chain length: 2"), "{listed}");
    }
    let job = workshop
        .truststore_pkcs12_job(EXPORT_PASSWORD, Flavour::Modern)
        .unwrap();
    dir.write("truststore.p12", &made(Work::Pkcs12(job)));
    let listed = keytool_list(&dir, "truststore.p12");
    for alias in ["client-c-root-ca", "client-c-intermediate-ca"] {
        assert!(listed.contains(&format!("Alias name: {alias}")), "{listed}");
    }
    assert_eq!(
        listed.matches("Entry type: trustedCertEntry").count(),
        2,
        "{listed}"
    );
    assert!(!listed.contains("PrivateKeyEntry"), "{listed}");

    // The Java client of the Java folder, with these stores instead of the ones its run.sh makes.
    let files = export::all_files(&workshop, &KeyProtection::plain()).unwrap();
    for file in files
        .iter()
        .filter(|f| f.path.starts_with(&Software::Java.folder()))
    {
        dir.write(file.file_name(), file.contents.as_bytes());
    }
    std::fs::copy(
        dir.path().join("client_b.p12"),
        dir.path().join("keystore.p12"),
    )
    .unwrap();
    let pem = |party: Party| workshop.certificate(party).unwrap().to_pem();
    dir.write("server.crt", pem(Party::CServer).as_bytes());
    dir.write("server-chain.crt", pem(Party::CIntermediate).as_bytes());
    let key = workshop.key(Party::CServer).unwrap().to_pem();
    dir.write("server.key", key.as_bytes());
    let chain: String = workshop.chain().iter().map(|c| c.to_pem()).collect();
    dir.write("client-cas.crt", chain.as_bytes());
    let server = Server::s_server(
        dir.path(),
        "openssl s_server -accept 8443 -www -cert server.crt -cert_chain server-chain.crt \
         -key server.key -CAfile client-cas.crt -Verify 2 -verify_return_error",
    );
    let java = format!(
        "KEY_PASSPHRASE={EXPORT_PASSWORD:?} HOST=client-c.local PORT={} java Client.java",
        server.port
    );
    let output = bash(dir.path(), &java, "");
    assert!(
        output.status.success(),
        "{}\ns_server:\n{}",
        text(&output),
        server.log()
    );
    assert!(server.wait_for("CN = client-b.local"), "{}", server.log());
    assert!(text(&output).contains("TLSv1.3"), "{}", text(&output));
}
