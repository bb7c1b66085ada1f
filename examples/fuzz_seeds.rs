//! Writes a seed corpus for the fuzz targets from a real workshop: `cargo run --example
//! fuzz_seeds -- fuzz/corpus`. scripts/fuzz.sh adds files made by openssl beside them.

use mtls_lab::clock::unix_now;
use mtls_lab::workshop::{export, saved, Party, Settings, Workshop};
use std::path::Path;

fn write(root: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir).expect("corpus folder");
    std::fs::write(dir.join(name), bytes).expect("corpus file");
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus".into());
    let root = Path::new(&root);
    for (tag, settings) in [
        ("p256", Settings::default()),
        ("rsa", {
            let mut s = Settings::default();
            for party in [Party::CRoot, Party::CIntermediate, Party::BClient] {
                s.cert_mut(party).algorithm = mtls_lab::pki::KeyAlgorithm::Rsa2048;
            }
            s
        }),
    ] {
        let mut workshop = Workshop::new(settings);
        workshop.run_all(unix_now()).expect("workshop runs");
        let plain = export::KeyProtection::plain();
        for file in export::all_files(&workshop, &plain).expect("export") {
            write(
                root,
                "pem_import",
                &format!("{tag}-{}", file.file_name()),
                file.contents.as_bytes(),
            );
        }
        for party in [
            Party::CRoot,
            Party::CIntermediate,
            Party::BClient,
            Party::CServer,
        ] {
            let cert = workshop.certificate(party).expect("certificate");
            write(
                root,
                "certificate",
                &format!("{tag}-{party:?}.der"),
                cert.der(),
            );
        }
        let mut revoked = workshop.clone();
        revoked
            .revoke_b(mtls_lab::pki::crl::Reason::KeyCompromise, unix_now())
            .expect("revocation");
        let published = revoked.revocation().published.clone().expect("CRLs");
        for (i, crl) in published.crls().iter().enumerate() {
            write(root, "crl", &format!("{tag}-{i}.der"), crl.der());
            write(
                root,
                "crl",
                &format!("{tag}-{i}.pem"),
                crl.to_pem().as_bytes(),
            );
        }
        let csr = workshop.csr(Party::BClient).expect("csr");
        write(root, "csr", &format!("{tag}.der"), csr.der());
        write(root, "csr", &format!("{tag}.pem"), csr.to_pem().as_bytes());
        let key = workshop.key(Party::BClient).expect("key");
        let mut encrypted = vec![4u8];
        encrypted.extend_from_slice(b"fuzz");
        encrypted.extend_from_slice(
            key.to_encrypted_pem("fuzz", 1000)
                .expect("encrypt")
                .as_bytes(),
        );
        write(
            root,
            "encrypted_key",
            &format!("{tag}-encrypted"),
            &encrypted,
        );
        let mut plain_key = vec![0u8];
        plain_key.extend_from_slice(key.to_pem().as_bytes());
        write(root, "encrypted_key", &format!("{tag}-plain"), &plain_key);
        let text = saved::save(&workshop, &plain, |p| workshop.key(p).map(|k| k.to_pem()));
        write(
            root,
            "saved_workshop",
            &format!("{tag}.txt"),
            text.as_bytes(),
        );
        // The requests and responses the page and its worker exchange.
        use mtls_lab::workshop::protocol::{Request, Response, Work};
        let job = Workshop::new(workshop.settings.clone())
            .job(mtls_lab::workshop::StepId::CRoot, None, unix_now())
            .expect("job");
        let lab_inputs = mtls_lab::workshop::lab::LabInputs::of(&workshop);
        let connection = workshop
            .connection(
                mtls_lab::workshop::lab::LabScenario::step8(workshop.settings.tls_version)[0],
            )
            .expect("connection");
        let works = [
            ("job", Work::Step(job)),
            (
                "lab",
                Work::Lab {
                    inputs: lab_inputs,
                    scenario: mtls_lab::workshop::lab::LabScenario::ExpiredClientCertificate,
                    now: unix_now(),
                },
            ),
            ("handshake", Work::Handshake(connection)),
            (
                "open-keys",
                Work::OpenKeys {
                    saved: text.clone(),
                    passphrase: "fuzz".into(),
                },
            ),
        ];
        for (id, (name, work)) in (1..).zip(works) {
            let request = Request { id, work };
            write(
                root,
                "saved_workshop",
                &format!("{tag}-{name}.request"),
                &request.to_bytes().expect("request"),
            );
            let response: Response = request.answer();
            write(
                root,
                "saved_workshop",
                &format!("{tag}-{name}.response"),
                &response.to_bytes().expect("response"),
            );
        }
    }
    // A ClientHello header, a ChangeCipherSpec, a fatal alert and an encrypted record.
    let records: &[u8] = &[
        7, 22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0, 20, 3, 3, 0, 1, 1, 21, 3, 3, 0, 2, 2, 116, 23,
        3, 3, 0, 3, 1, 2, 3,
    ];
    write(root, "trace_records", "flight", records);
    let form = "FR\0Iles-De-France\0Paris\0Client C Organization\0IT Department\0Client C Root CA\0client-c.local, localhost, 127.0.0.1\x003650";
    write(root, "form_inputs", "seed", form.as_bytes());
}
