use super::explain::{CRITICAL, NOT_CRITICAL};
use super::*;
use crate::workshop::{ArtifactKind, Party, Settings, Workshop};
use der::asn1::{Ia5String, ObjectIdentifier, OctetString};
use der::Encode;
use x509_cert::ext::pkix::{
    name::GeneralName, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage,
    KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};

fn explained(oid: &str, critical: bool, value: &impl Encode) -> Vec<String> {
    extension_view(oid, critical, &value.to_der().unwrap()).explanation
}

fn workshop() -> Workshop {
    let mut workshop = Workshop::new(Settings::default());
    workshop
        .run_all(crate::clock::unix_now())
        .expect("the workshop runs");
    workshop
}

#[test]
fn each_key_usage_bit_has_its_own_line() {
    let bits = [
        (KeyUsages::DigitalSignature, "digitalSignature:"),
        (
            KeyUsages::NonRepudiation,
            "nonRepudiation (contentCommitment",
        ),
        (KeyUsages::KeyEncipherment, "keyEncipherment:"),
        (KeyUsages::DataEncipherment, "dataEncipherment:"),
        (KeyUsages::KeyAgreement, "keyAgreement:"),
        (KeyUsages::KeyCertSign, "keyCertSign:"),
        (KeyUsages::CRLSign, "cRLSign:"),
        (KeyUsages::EncipherOnly, "encipherOnly:"),
        (KeyUsages::DecipherOnly, "decipherOnly:"),
    ];
    for (bit, start) in bits {
        let lines = explained("2.5.29.15", true, &KeyUsage(bit.into()));
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("Key usage:"), "{lines:?}");
        assert!(lines[1].starts_with(start), "{start}: {lines:?}");
        assert_eq!(lines[2], CRITICAL);
    }
    let every = bits
        .iter()
        .fold(KeyUsage(None.into()).0, |set, (bit, _)| set | *bit);
    let all = explained("2.5.29.15", false, &KeyUsage(every));
    assert_eq!(all.len(), 1 + bits.len() + 1, "{all:?}");
    for ((_, start), line) in bits.iter().zip(&all[1..]) {
        assert!(line.starts_with(start), "{start}: {line}");
    }
}

#[test]
fn key_usage_lines_say_what_tls_does_with_each_bit() {
    let line = |bit: KeyUsages| explained("2.5.29.15", true, &KeyUsage(bit.into()))[1].clone();
    let signature = line(KeyUsages::DigitalSignature);
    assert!(signature.contains("CertificateVerify"), "{signature}");
    let encipherment = line(KeyUsages::KeyEncipherment);
    for needle in [
        "RSA key exchange of TLS 1.2",
        "nothing for an EC key",
        "nothing in TLS 1.3",
    ] {
        assert!(encipherment.contains(needle), "{needle}: {encipherment}");
    }
    assert!(line(KeyUsages::KeyCertSign).contains("may sign certificates"));
    assert!(line(KeyUsages::CRLSign).contains("may sign certificate revocation lists"));
    assert!(line(KeyUsages::NonRepudiation).contains("TLS handshakes do not use it"));
}

#[test]
fn each_extended_key_usage_has_its_own_line() {
    let purposes = [
        ("1.3.6.1.5.5.7.3.1", "serverAuth:"),
        ("1.3.6.1.5.5.7.3.2", "clientAuth:"),
        ("1.3.6.1.5.5.7.3.3", "codeSigning:"),
        ("1.3.6.1.5.5.7.3.4", "emailProtection:"),
        ("1.3.6.1.5.5.7.3.8", "timeStamping:"),
        ("1.3.6.1.5.5.7.3.9", "OCSPSigning:"),
        ("2.5.29.37.0", "anyExtendedKeyUsage:"),
        (
            "1.2.3.4.5",
            "1.2.3.4.5: a purpose this page does not recognise",
        ),
    ];
    let oids = purposes
        .iter()
        .map(|(oid, _)| ObjectIdentifier::new(oid).unwrap())
        .collect();
    let lines = explained("2.5.29.37", false, &ExtendedKeyUsage(oids));
    assert_eq!(lines.len(), 1 + purposes.len() + 1, "{lines:?}");
    assert!(lines[0].starts_with("Extended key usage:"));
    for ((_, start), line) in purposes.iter().zip(&lines[1..]) {
        assert!(line.starts_with(start), "{start}: {line}");
    }
    assert_eq!(lines.last().unwrap(), NOT_CRITICAL);
    let view = extension_view(
        "2.5.29.37",
        false,
        &ExtendedKeyUsage(vec![ObjectIdentifier::new("1.3.6.1.5.5.7.3.9").unwrap()])
            .to_der()
            .unwrap(),
    );
    assert_eq!(view.value, "OCSP Signing");
}

#[test]
fn pathlen_zero_differs_from_no_pathlen() {
    let bc = |ca, path_len_constraint| BasicConstraints {
        ca,
        path_len_constraint,
    };
    let zero = explained("2.5.29.19", true, &bc(true, Some(0)));
    assert!(zero[0].starts_with("CA:TRUE:"), "{zero:?}");
    assert!(
        zero[1].starts_with("pathlen:0: no intermediate CA"),
        "{zero:?}"
    );
    assert!(
        zero[1].contains("end-entity (leaf) certificate"),
        "{zero:?}"
    );
    let none = explained("2.5.29.19", true, &bc(true, None));
    assert!(none[1].starts_with("No pathlen: "), "{none:?}");
    assert!(none[1].contains("no limit"), "{none:?}");
    let two = explained("2.5.29.19", true, &bc(true, Some(2)));
    assert!(two[1].starts_with("pathlen:2: at most 2 intermediate CA certificates"));
    let leaf = explained("2.5.29.19", false, &bc(false, None));
    assert_eq!(leaf.len(), 2, "{leaf:?}");
    assert!(leaf[0].starts_with("CA:FALSE:"), "{leaf:?}");
    let odd = explained("2.5.29.19", false, &bc(false, Some(1)));
    assert!(odd[1].contains("no meaning without CA:TRUE"), "{odd:?}");
}

#[test]
fn critical_and_not_critical_say_what_a_verifier_does() {
    let bc = BasicConstraints {
        ca: true,
        path_len_constraint: None,
    };
    let critical = explained("2.5.29.19", true, &bc);
    let not = explained("2.5.29.19", false, &bc);
    assert_eq!(critical.last().unwrap(), CRITICAL);
    assert_eq!(not.last().unwrap(), NOT_CRITICAL);
    assert!(CRITICAL.contains("must reject the certificate"));
    assert!(NOT_CRITICAL.contains("may ignore it"));
    assert_eq!(critical[..critical.len() - 1], not[..not.len() - 1]);
}

#[test]
fn unknown_extensions_say_so() {
    let raw = OctetString::new(vec![1, 2, 3]).unwrap();
    let critical = extension_view("1.2.3.4", true, &raw.to_der().unwrap());
    assert_eq!(critical.name, "1.2.3.4");
    assert_eq!(critical.explanation.len(), 2);
    assert!(critical.explanation[0].contains("does not recognise this extension (OID 1.2.3.4)"));
    assert!(critical.explanation[1].contains("must reject the certificate"));
    let plain = extension_view("1.2.3.4", false, &raw.to_der().unwrap());
    assert!(plain.explanation[1].contains("may ignore it"));
    let garbled = extension_view("2.5.29.19", true, &[0xff, 0x00]);
    assert_eq!(garbled.explanation.len(), 1);
    assert!(garbled.explanation[0].contains("must reject the certificate"));
}

#[test]
fn names_and_key_identifiers_are_explained() {
    let dns = GeneralName::DnsName(Ia5String::new("server.example").unwrap());
    let ip = GeneralName::IpAddress(OctetString::new(vec![127, 0, 0, 1]).unwrap());
    let with_dns = explained("2.5.29.17", false, &SubjectAltName(vec![dns, ip.clone()]));
    assert!(with_dns[0].contains("checks the host name or IP address"));
    assert!(
        with_dns[1].contains("must not use the subject's CN"),
        "{with_dns:?}"
    );
    let ip_only = explained("2.5.29.17", false, &SubjectAltName(vec![ip]));
    assert_eq!(ip_only.len(), 2, "{ip_only:?}");
    let ski = explained(
        "2.5.29.14",
        false,
        &SubjectKeyIdentifier(OctetString::new(vec![1; 20]).unwrap()),
    );
    assert!(ski[0].contains("authority key identifier"), "{ski:?}");
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(vec![1; 20]).unwrap()),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    let aki = explained("2.5.29.35", false, &aki);
    assert_eq!(aki.len(), 2, "{aki:?}");
    assert!(aki[0].contains("equals the subject key identifier of the issuer's"));
}

#[test]
fn the_workshop_certificates_explain_every_extension() {
    let workshop = workshop();
    for party in Party::ALL {
        let cert = workshop.certificate(party).expect("issued");
        let view = certificate(cert).unwrap();
        assert!(!view.extensions.is_empty());
        for ext in &view.extensions {
            assert!(ext.explanation.len() >= 2, "{party:?} {ext:?}");
            let last = ext.explanation.last().unwrap();
            assert_eq!(last, if ext.critical { CRITICAL } else { NOT_CRITICAL });
            assert!(!ext.explanation[0].contains("does not recognise"));
        }
    }
    let intermediate = certificate(workshop.certificate(Party::CIntermediate).unwrap()).unwrap();
    let bc = intermediate
        .extensions
        .iter()
        .find(|e| e.name == "X509v3 Basic Constraints")
        .unwrap();
    assert!(bc.critical);
    assert!(bc.explanation[1].starts_with("pathlen:0:"), "{bc:?}");
    let client = certificate(workshop.certificate(Party::BClient).unwrap()).unwrap();
    let ku = client
        .extensions
        .iter()
        .find(|e| e.name == "X509v3 Key Usage")
        .unwrap();
    let starts: Vec<&str> = ku.explanation[1..4]
        .iter()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "digitalSignature",
            "nonRepudiation (contentCommitment in recent X.509 editions)",
            "keyEncipherment"
        ]
    );
}

#[test]
fn the_chain_file_in_order_links_each_certificate_to_the_next() {
    let workshop = workshop();
    let pem = workshop.public_pem(ArtifactKind::Chain).unwrap();
    let chain = Certificate::all_from_pem(&pem).unwrap();
    let view = chain_file(&chain).unwrap();
    assert!(view.in_order);
    assert_eq!(view.entries.len(), 2);
    let (intermediate, root) = (&view.entries[0], &view.entries[1]);
    assert!(intermediate
        .subject
        .contains("CN = Client C Intermediate CA"));
    assert_eq!(intermediate.issuer, root.subject);
    assert!(!intermediate.self_signed);
    assert_eq!(
        intermediate.next,
        Some(IssuerMatch {
            name: true,
            key_id: Some(true)
        })
    );
    assert_eq!(intermediate.issued_by_next(), Some(true));
    assert_eq!(intermediate.issuer_position, Some(1));
    assert!(intermediate
        .note
        .starts_with("Issued by certificate 2, the next one"));
    assert!(root.self_signed);
    assert_eq!(root.issued_by_next(), None);
    assert_eq!(root.note, "Self-signed: a root, where the chain ends.");

    let leaf = workshop.certificate(Party::BClient).unwrap().clone();
    let full: Vec<Certificate> = std::iter::once(leaf).chain(chain).collect();
    let view = chain_file(&full).unwrap();
    assert!(view.in_order);
    assert!(view.entries[0].subject.contains("client-b.local"));
    assert_eq!(view.entries[0].issued_by_next(), Some(true));
}

#[test]
fn a_chain_file_in_the_wrong_order_is_detected() {
    let workshop = workshop();
    let mut chain = workshop.chain();
    chain.reverse();
    let view = chain_file(&chain).unwrap();
    assert!(!view.in_order);
    let (root, intermediate) = (&view.entries[0], &view.entries[1]);
    assert!(root.self_signed);
    assert_eq!(root.issued_by_next(), Some(false));
    assert!(
        root.note
            .contains("self-signed, yet more certificates follow it"),
        "{}",
        root.note
    );
    assert!(!intermediate.self_signed);
    assert_eq!(intermediate.issuer_position, Some(0));
    assert_eq!(
        intermediate.note,
        "Last in the file and not self-signed; its issuer is certificate 1 of this file."
    );
}

#[test]
fn unrelated_certificates_are_not_linked() {
    let workshop = workshop();
    let c_root = workshop.certificate(Party::CRoot).unwrap().clone();
    let b_root = workshop.certificate(Party::BRoot).unwrap().clone();
    let c_intermediate = workshop.certificate(Party::CIntermediate).unwrap().clone();
    let view = chain_file(&[c_root, b_root.clone()]).unwrap();
    assert!(!view.in_order);
    assert!(view.entries.iter().all(|e| e.self_signed));
    assert_eq!(view.entries[0].issued_by_next(), Some(false));

    let view = chain_file(&[c_intermediate.clone(), b_root]).unwrap();
    assert!(!view.in_order);
    let entry = &view.entries[0];
    assert_eq!(
        entry.next,
        Some(IssuerMatch {
            name: false,
            key_id: Some(false)
        })
    );
    assert_eq!(entry.issuer_position, None);
    assert!(
        entry.note.ends_with("its issuer is not in this file."),
        "{}",
        entry.note
    );

    // Another run's root has the same name but another key: the key identifiers tell.
    let other = self::workshop();
    let other_root = other.certificate(Party::CRoot).unwrap().clone();
    let view = chain_file(&[c_intermediate, other_root]).unwrap();
    assert!(!view.in_order);
    assert_eq!(
        view.entries[0].next,
        Some(IssuerMatch {
            name: true,
            key_id: Some(false)
        })
    );
    assert!(view.entries[0]
        .note
        .contains("its authority key identifier is not that one's subject key identifier"));
}

#[test]
fn dates_read_like_openssl() {
    assert_eq!(openssl_date(0), "Jan  1 00:00:00 1970 GMT");
    assert_eq!(openssl_date(1_795_863_600), "Nov 28 11:00:00 2026 GMT");
    assert_eq!(openssl_date(951_782_400), "Feb 29 00:00:00 2000 GMT");
}
