//! A CRL pasted into "Check a certificate made elsewhere": checked against C's CAs (issuer,
//! signature), read for its dates, number and serials, refused at its field when it is not
//! C's, not intact or absurd; and judged as `openssl crl -CAfile` judges the same files.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::crl::{self, Crl, CrlTemplate, Reason, Revoked};
use mtls_lab::pki::{self, cert, profile, InputField, KeyAlgorithm, PkiError, PrivateKey};
use mtls_lab::workshop::revocation::{BOnCrl, Freshness};
use mtls_lab::workshop::{CrlCheck, Party, Settings, Workshop};
use support::*;

const DAY: u64 = 86_400;

fn finished(settings: Settings) -> Workshop {
    let mut workshop = Workshop::new(settings);
    workshop.run_all(unix_now()).unwrap();
    workshop
}

fn rsa_settings() -> Settings {
    let mut settings = Settings::default();
    for party in [Party::CRoot, Party::CIntermediate] {
        settings.cert_mut(party).algorithm = KeyAlgorithm::Rsa2048;
    }
    settings
}

fn checked(workshop: &Workshop, crl: &Crl) -> Result<CrlCheck, PkiError> {
    workshop.check_crl(&crl.to_pem(), unix_now())
}

/// A refusal that belongs to the CRL field, with its message.
fn refused(result: Result<CrlCheck, PkiError>) -> String {
    let error = result.expect_err("the CRL must be refused");
    assert_eq!(error.field(), Some(InputField::Crl), "{error}");
    error.to_string()
}

fn issuing(workshop: &Workshop) -> Crl {
    workshop.revocation().published.clone().unwrap().issuing
}

/// A CRL signed by `party`'s CA in `workshop`.
fn crl_by(workshop: &Workshop, party: Party, revoked: &[Revoked], now: u64) -> Crl {
    crl::issue(
        workshop.certificate(party).unwrap(),
        workshop.key(party).unwrap(),
        &CrlTemplate {
            revoked,
            number: 9,
            now,
            days: 7,
        },
    )
    .unwrap()
}

/// A CRL with C's issuing CA's name, signed by a stranger's key.
fn forged(workshop: &Workshop) -> Crl {
    let party = workshop.settings.c_issuer();
    let key = PrivateKey::generate(workshop.settings.cert(party).algorithm).unwrap();
    let stranger = cert::self_signed(
        &workshop.settings.cert(party).subject,
        &key,
        &pki::Template {
            profile: &profile::ROOT_CA,
            days: 30,
            sans: &[],
            now: unix_now(),
        },
    )
    .unwrap();
    crl::issue(
        &stranger,
        &key,
        &CrlTemplate {
            revoked: &[],
            number: 1,
            now: unix_now(),
            days: 7,
        },
    )
    .unwrap()
}

/// The same CRL with the last byte of its signature changed.
fn tampered(crl: &Crl) -> Crl {
    let mut der = crl.der().to_vec();
    *der.last_mut().unwrap() ^= 0x01;
    Crl::from_der(der).unwrap()
}

/// The same CRL with the algorithm inside its signed part changed from SHA-256 to SHA-384, so
/// the two algorithm fields differ.
fn algorithms_differ(crl: &Crl) -> Crl {
    let mut der = crl.der().to_vec();
    let sha256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let at = der
        .windows(sha256.len())
        .position(|w| w == sha256)
        .expect("an ecdsa-with-SHA256 CRL");
    der[at + sha256.len() - 1] = 0x03;
    Crl::from_der(der).unwrap()
}

#[test]
fn a_published_crl_is_accepted_and_lists_b_once_revoked() {
    for settings in [
        Settings::default(),
        Settings {
            use_intermediates: false,
            ..Settings::default()
        },
        rsa_settings(),
    ] {
        let mut workshop = finished(settings);
        workshop.publish_crls(unix_now()).unwrap();
        let check = checked(&workshop, &issuing(&workshop)).unwrap();
        let signer = if workshop.settings.use_intermediates {
            "Client C's intermediate CA"
        } else {
            "Client C's root CA"
        };
        assert_eq!(check.signer, signer);
        assert!(check.signature_line().contains("verify OK"));
        assert_eq!(check.freshness, Freshness::Current);
        assert_eq!(check.number, Some(1));
        assert_eq!(check.number_line(), "CRL number 1.");
        assert_eq!(check.revoked_line(), "It lists no revoked certificate.");
        assert!(matches!(check.b, BOnCrl::NotListed { .. }), "{:?}", check.b);

        workshop
            .revoke_b(Reason::KeyCompromise, unix_now())
            .unwrap();
        let check = checked(&workshop, &issuing(&workshop)).unwrap();
        let serial: String = workshop
            .certificate(Party::BClient)
            .unwrap()
            .serial()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(check.number, Some(2));
        assert_eq!(
            check.revoked_line(),
            format!("It lists 1 revoked certificate: serial {serial}.")
        );
        match &check.b {
            BOnCrl::Listed {
                serial: s, reason, ..
            } => {
                assert_eq!(*s, serial);
                assert_eq!(reason.as_deref(), Some("Key Compromise"));
            }
            other => panic!("B must be listed: {other:?}"),
        }
        assert!(
            check.b_line().contains("is on this CRL"),
            "{}",
            check.b_line()
        );
        assert_eq!(check.view.revoked.len(), 1);

        // The root's CRL speaks for the intermediate, not for B.
        if let Some(root) = workshop.revocation().published.clone().unwrap().root {
            let check = checked(&workshop, &root).unwrap();
            assert_eq!(check.signer, "Client C's root CA");
            assert_eq!(check.b, BOnCrl::OtherIssuer);
        }
    }
}

#[test]
fn a_crl_signed_by_another_key_or_changed_is_refused_as_a_bad_signature() {
    for settings in [Settings::default(), rsa_settings()] {
        let mut workshop = finished(settings);
        workshop.publish_crls(unix_now()).unwrap();
        for (name, crl) in [
            ("forged", forged(&workshop)),
            ("tampered", tampered(&issuing(&workshop))),
        ] {
            let message = refused(checked(&workshop, &crl));
            assert!(message.starts_with("Bad signature:"), "{name}: {message}");
            assert!(
                message.contains("does not verify with that CA's public key"),
                "{name}: {message}"
            );
            assert!(message.contains("verify failure"), "{name}: {message}");
        }
    }
    let mut workshop = finished(Settings::default());
    workshop.publish_crls(unix_now()).unwrap();
    let message = refused(checked(&workshop, &algorithms_differ(&issuing(&workshop))));
    assert!(
        message.contains("differs from the one outside it"),
        "{message}"
    );
}

#[test]
fn a_crl_from_b_s_ca_is_refused_naming_its_issuer() {
    let workshop = finished(Settings::default());
    for party in [Party::BRoot, Party::BIntermediate] {
        let crl = crl_by(&workshop, party, &[], unix_now());
        let message = refused(checked(&workshop, &crl));
        let issuer = pki::inspect::certificate(workshop.certificate(party).unwrap())
            .unwrap()
            .subject;
        assert!(message.starts_with("Wrong issuer:"), "{message}");
        assert!(message.contains(&format!("\"{issuer}\"")), "{message}");
        assert!(message.contains("Client C's root CA is"), "{message}");
    }
    // Without intermediates, a CRL from C's (now unused) intermediate is not C's either.
    let mut workshop = workshop;
    workshop.settings.use_intermediates = false;
    let crl = crl_by(&workshop, Party::CIntermediate, &[], unix_now());
    assert!(refused(checked(&workshop, &crl)).starts_with("Wrong issuer:"));
}

#[test]
fn garbage_truncated_oversized_and_absurd_crls_are_refused_in_words() {
    let workshop = finished(Settings::default());
    let good = crl_by(&workshop, Party::CIntermediate, &[], unix_now());
    let der = good.der();
    let pem_of = |der: &[u8]| pki::pem::encode("X509 CRL", der);
    let truncated = pem_of(&der[..der.len() / 2]);
    let extra = pem_of(&[der, &[0u8, 0]].concat());
    let certificate = workshop.certificate(Party::CRoot).unwrap().to_pem();
    let huge = "-----BEGIN X509 CRL-----\n".to_string() + &"QUFB\n".repeat(80_000);
    let base64_cut = {
        let pem = good.to_pem();
        let lines: Vec<&str> = pem.lines().collect();
        let mut cut = lines[..lines.len() / 2].join("\n");
        cut.push_str("\n-----END X509 CRL-----\n");
        cut
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "empty"),
        ("not PEM", "hello there".into(), "BEGIN"),
        (
            "binary DER",
            String::from_utf8_lossy(der).into_owned(),
            "BEGIN",
        ),
        ("a certificate", certificate, "expected \"X509 CRL\""),
        (
            "two CRLs",
            format!("{}{}", good.to_pem(), good.to_pem()),
            "just one",
        ),
        ("too big", huge, "limit"),
        ("truncated DER", truncated, "not a usable CRL"),
        ("extra bytes", extra, "extra bytes"),
        ("cut base64", base64_cut, "not"),
        (
            "not DER at all",
            pem_of(b"definitely not DER"),
            "not a usable CRL",
        ),
    ];
    for (name, text, expected) in cases {
        let error = workshop.check_crl(&text, unix_now()).unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{name}: {message}");
        assert!(
            !message.contains("Error {"),
            "{name}: Debug text: {message}"
        );
    }

    // More entries than any workshop needs, signed by C's own key: refused by count before
    // it is read in full.
    let dir = openssl_ca(&workshop, "many-entries");
    let index: String = (1..=crl::MAX_CRL_ENTRIES + 1)
        .map(|i| {
            format!("R\t301231000000Z\t250101000000Z,superseded\t{i:04X}\tunknown\t/CN=n{i}\n")
        })
        .collect();
    dir.write("index.txt", index.as_bytes());
    openssl_ok(
        dir.path(),
        &[&CA[..], &["-gencrl", "-out", "many.crl"]].concat(),
    );
    let pem = std::fs::read_to_string(dir.path().join("many.crl")).unwrap();
    let message = refused(workshop.check_crl(&pem, unix_now()));
    assert!(
        message.contains("lists 1001 revoked certificates; this lab reads at most 1000"),
        "{message}"
    );

    // Before step 1 there is no CA of C's to check against.
    let empty = Workshop::new(Settings::default());
    assert!(refused(empty.check_crl(&good.to_pem(), unix_now())).contains("run step 1"));
}

#[test]
fn an_expired_or_future_crl_is_reported_as_such() {
    let mut workshop = finished(Settings::default());
    // Published ten days ago with a seven-day nextUpdate.
    workshop.publish_crls(unix_now() - 10 * DAY).unwrap();
    let check = checked(&workshop, &issuing(&workshop)).unwrap();
    assert_eq!(check.freshness, Freshness::Expired);
    let line = check.freshness_line();
    assert!(line.starts_with("Expired:"), "{line}");
    assert!(line.contains("CRL has expired"), "{line}");

    let future = crl_by(&workshop, Party::CIntermediate, &[], unix_now() + DAY);
    let check = checked(&workshop, &future).unwrap();
    assert_eq!(check.freshness, Freshness::NotYetValid);
    assert!(check.freshness_line().contains("CRL is not yet valid"));
}

/// What `openssl crl -in crl.pem -CAfile chain.pem -noout` concludes: whether it found the
/// issuer and the signature verified.
fn openssl_accepts(dir: &TempDir, crl: &Crl) -> bool {
    dir.write("crl.pem", crl.to_pem().as_bytes());
    let out = text(&run_in(
        dir.path(),
        "openssl",
        &["crl", "-in", "crl.pem", "-CAfile", "chain.pem", "-noout"],
    ));
    match (
        out.contains("verify OK"),
        out.contains("verify failure") || out.contains("Error getting CRL issuer certificate"),
    ) {
        (true, false) => true,
        (false, true) => false,
        _ => panic!("unexpected openssl crl output:\n{out}"),
    }
}

#[test]
fn the_page_and_openssl_crl_agree_on_the_same_files() {
    for settings in [Settings::default(), rsa_settings()] {
        let mut workshop = finished(settings);
        let dir = TempDir::new("pasted-crl");
        let chain: String = workshop.chain().iter().map(|c| c.to_pem()).collect();
        dir.write("chain.pem", chain.as_bytes());
        workshop.publish_crls(unix_now() - 10 * DAY).unwrap();
        let expired = issuing(&workshop);
        workshop
            .revoke_b(Reason::KeyCompromise, unix_now())
            .unwrap();
        let published = workshop.revocation().published.clone().unwrap();
        let mut cases = vec![
            ("issuing CA's", published.issuing.clone(), true),
            ("root's", published.root.clone().unwrap(), true),
            ("expired", expired.clone(), true),
            ("forged", forged(&workshop), false),
            ("tampered", tampered(&published.issuing), false),
            (
                "B's root's",
                crl_by(&workshop, Party::BRoot, &[], unix_now()),
                false,
            ),
        ];
        if workshop.settings.c_intermediate.algorithm == KeyAlgorithm::EcdsaP256 {
            cases.push((
                "algorithms differ",
                algorithms_differ(&published.issuing),
                false,
            ));
        }
        for (name, crl, accepted) in cases {
            let page = checked(&workshop, &crl);
            assert_eq!(page.is_ok(), accepted, "page, {name}: {:?}", page.err());
            assert_eq!(openssl_accepts(&dir, &crl), accepted, "openssl, {name}");
        }

        // openssl reads the expired CRL's dates as the page does when it checks a certificate.
        dir.write(
            "b.crt",
            workshop
                .certificate(Party::BClient)
                .unwrap()
                .to_pem()
                .as_bytes(),
        );
        dir.write("expired.crl", expired.to_pem().as_bytes());
        let verify = text(&run_in(
            dir.path(),
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                "chain.pem",
                "-CRLfile",
                "expired.crl",
                "b.crt",
            ],
        ));
        assert!(verify.contains("CRL has expired"), "{verify}");
    }
}

/// `openssl ca` with C's issuing CA's key and certificate and an empty database, in a new
/// folder.
fn openssl_ca(workshop: &Workshop, tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let issuer = workshop.settings.c_issuer();
    dir.write("ca.key", workshop.key(issuer).unwrap().to_pem().as_bytes());
    dir.write(
        "ca.crt",
        workshop.certificate(issuer).unwrap().to_pem().as_bytes(),
    );
    dir.write("index.txt", b"");
    dir.write("crlnumber", b"07\n");
    dir.write(
        "ca.cnf",
        b"[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 7\n",
    );
    dir
}

const CA: [&str; 7] = [
    "ca", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.crt",
];

/// A CRL made by `openssl ca -gencrl` with C's own key, RSA-PSS included, is C's: the page
/// finds its issuer, verifies it and reads B off it. One signed with SHA-1 is refused by name.
#[test]
fn a_crl_made_by_openssl_ca_with_c_s_key_is_accepted() {
    let workshop = finished(rsa_settings());
    let dir = openssl_ca(&workshop, "openssl-crl");
    dir.write(
        "b.crt",
        workshop
            .certificate(Party::BClient)
            .unwrap()
            .to_pem()
            .as_bytes(),
    );
    openssl_ok(
        dir.path(),
        &[&CA[..], &["-revoke", "b.crt", "-crl_reason", "superseded"]].concat(),
    );
    for (name, extra) in [
        ("PKCS#1 v1.5", &[][..]),
        (
            "RSA-PSS",
            &[
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:digest",
            ][..],
        ),
    ] {
        openssl_ok(
            dir.path(),
            &[&CA[..], &["-gencrl", "-out", "openssl.crl"], extra].concat(),
        );
        let pem = std::fs::read_to_string(dir.path().join("openssl.crl")).unwrap();
        let check = workshop.check_crl(&pem, unix_now()).unwrap();
        assert_eq!(check.signer, "Client C's intermediate CA", "{name}");
        assert!(
            check
                .view
                .signature_algorithm
                .contains(if name == "RSA-PSS" {
                    "1.2.840.113549.1.1.10"
                } else {
                    "sha256WithRSAEncryption"
                }),
            "{name}: {}",
            check.view.signature_algorithm
        );
        match &check.b {
            BOnCrl::Listed { reason, .. } => {
                assert_eq!(reason.as_deref(), Some("Superseded"), "{name}")
            }
            other => panic!("{name}: B must be listed: {other:?}"),
        }
    }
    // SHA-1 is not among the algorithms the page checks: it says so rather than guess.
    openssl_ok(
        dir.path(),
        &[&CA[..], &["-gencrl", "-md", "sha1", "-out", "sha1.crl"]].concat(),
    );
    let pem = std::fs::read_to_string(dir.path().join("sha1.crl")).unwrap();
    let message = refused(workshop.check_crl(&pem, unix_now()));
    assert!(
        message.contains("signed with sha1WithRSAEncryption and a key of type rsaEncryption, which this lab does not check"),
        "{message}"
    );
}
