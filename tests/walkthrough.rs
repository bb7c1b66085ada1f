//! Step 8's walkthrough names the messages in the order the real run puts them on the wire.
#![cfg(not(target_arch = "wasm32"))]

use mtls_lab::clock::unix_now;
use mtls_lab::tls::decrypt::MessageKind;
use mtls_lab::tls::{Direction, TlsVersion};
use mtls_lab::workshop::lab::LabScenario;
use mtls_lab::workshop::walkthrough::mutual_handshake;
use mtls_lab::workshop::{Settings, Workshop};

fn wire_order(settings: &Settings) -> Vec<(Direction, String)> {
    let mut workshop = Workshop::new(settings.clone());
    workshop.run_all(unix_now()).expect("the workshop runs");
    let (_, good) = workshop
        .handshakes()
        .iter()
        .find(|(s, _)| *s == LabScenario::step8(settings.tls_version)[0])
        .expect("the good run");
    assert!(good.result.is_ok(), "{}", good.headline());
    good.messages()
        .iter()
        .filter(|m| match m.kind {
            MessageKind::Handshake(_) => true,
            // TLS 1.3's ChangeCipherSpec is only for middleboxes; the walkthrough says so.
            MessageKind::ChangeCipherSpec => settings.tls_version == TlsVersion::Tls12,
            _ => false,
        })
        .map(|m| (m.direction, m.name()))
        .collect()
}

#[test]
fn the_walkthrough_follows_the_wire_in_every_configuration() {
    for tls_version in [TlsVersion::Tls13, TlsVersion::Tls12] {
        for use_intermediates in [true, false] {
            let settings = Settings {
                tls_version,
                use_intermediates,
                ..Settings::default()
            };
            let said: Vec<(Direction, String)> = mutual_handshake(&settings)
                .into_iter()
                .filter_map(|line| line.message)
                .map(|(d, name)| (d, name.to_string()))
                .collect();
            // The run may send more than one ticket; the walkthrough names the message once.
            let mut seen = wire_order(&settings);
            seen.dedup();
            assert_eq!(
                said, seen,
                "{tls_version:?}, intermediates {use_intermediates}"
            );
        }
    }
}

#[test]
fn the_walkthrough_says_what_each_version_does() {
    let tls13 = mutual_handshake(&Settings::default());
    let text13: String = tls13.iter().map(|l| l.text.as_str()).collect();
    assert!(text13.contains("certificate_authorities extension"));
    assert!(text13.contains("C has finished before it has seen B's certificate"));
    let tls12 = mutual_handshake(&Settings {
        tls_version: TlsVersion::Tls12,
        ..Settings::default()
    });
    let text12: String = tls12.iter().map(|l| l.text.as_str()).collect();
    assert!(text12.contains("TLS 1.2 has no server CertificateVerify"));
    assert!(!tls12
        .iter()
        .any(|l| l.message == Some((Direction::ServerToClient, "CertificateVerify"))));
    // Without intermediates, no line speaks of one travelling.
    let flat = mutual_handshake(&Settings {
        use_intermediates: false,
        ..Settings::default()
    });
    assert!(flat
        .iter()
        .filter(|l| l.message.is_some())
        .all(|l| !l.text.contains("followed by C's intermediate")));
}
