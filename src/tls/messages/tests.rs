use super::render::CA_NAMES_ASKED;
use super::*;
use crate::clock::unix_now;
use crate::tls::wire::{self, Part};
use crate::tls::{Direction, Outcome, TlsVersion};
use crate::workshop::lab::LabScenario;
use crate::workshop::{Party, Settings, Workshop};
use rustls::{ContentType, SignatureScheme};
use std::sync::OnceLock;

fn message(ty: u8, body: &[u8]) -> Vec<u8> {
    let length = u32::try_from(body.len()).unwrap().to_be_bytes();
    assert_eq!(length[0], 0, "a handshake body fits in 24 bits");
    let mut bytes = vec![ty, length[1], length[2], length[3]];
    bytes.extend_from_slice(body);
    bytes
}

fn vec8(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::try_from(bytes.len()).unwrap()];
    out.extend_from_slice(bytes);
    out
}

fn vec16(bytes: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(bytes.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

fn vec24(bytes: &[u8]) -> Vec<u8> {
    message(0, bytes)[1..].to_vec()
}

fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

fn extension(id: u16, data: &[u8]) -> Vec<u8> {
    let mut out = id.to_be_bytes().to_vec();
    out.extend(vec16(data));
    out
}

fn value<'a>(fields: &'a [Field], label: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.label == label)
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no {label:?} in {fields:#?}"))
}

/// The fields the page shows for a message.
fn shown(message: &[u8], tls13: bool) -> Vec<Field> {
    fields(&decode(message, tls13))
}

/// The fields of a message that decodes without a problem.
fn clean(message: &[u8], tls13: bool) -> Vec<Field> {
    let decoded = decode(message, tls13);
    assert_eq!(decoded.all_problems(), Vec::<String>::new(), "{decoded:#?}");
    let fields = fields(&decoded);
    assert!(fields.iter().all(|f| !f.is_problem()), "{fields:#?}");
    assert_eq!(fields.first().map(|f| f.label.as_str()), Some("type"));
    assert_eq!(fields.last().map(|f| f.label.as_str()), Some("length"));
    fields
}

fn client_hello_body() -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend([0x11; 32]);
    body.extend(vec8(&[0x22; 32]));
    body.extend(vec16(&u16s(&[0x1302, 0x1301, 0x0a0a, 0x00ff])));
    body.extend(vec8(&[0]));
    let mut sni = vec![0];
    sni.extend(vec16(b"client-c.local"));
    let mut shares = u16s(&[0x001d]);
    shares.extend(vec16(&[0x33; 32]));
    shares.extend(u16s(&[0x0017]));
    shares.extend(vec16(&[0x04; 65]));
    let mut alpn = vec8(b"h2");
    alpn.extend(vec8(b"http/1.1"));
    let extensions = [
        extension(0, &vec16(&sni)),
        extension(43, &vec8(&u16s(&[0x0304, 0x0303]))),
        extension(10, &vec16(&u16s(&[0x001d, 0x0017, 0x0018]))),
        extension(13, &vec16(&u16s(&[0x0403, 0x0804, 0x0807]))),
        extension(51, &vec16(&shares)),
        extension(45, &vec8(&[1])),
        extension(16, &vec16(&alpn)),
        extension(23, &[]),
        extension(0xff01, &[0]),
    ]
    .concat();
    body.extend(vec16(&extensions));
    body
}

#[test]
fn a_client_hello_reads_field_by_field() {
    let fields = clean(&message(1, &client_hello_body()), true);
    assert_eq!(value(&fields, "type"), "ClientHello (1)");
    assert_eq!(value(&fields, "legacy version"), "TLS 1.2 (0x0303)");
    assert_eq!(value(&fields, "random"), "11".repeat(32));
    assert_eq!(
        value(&fields, "session id"),
        format!("32 bytes: {}", "22".repeat(32))
    );
    assert_eq!(
        value(&fields, "cipher suites"),
        "TLS13_AES_256_GCM_SHA384 (0x1302), TLS13_AES_128_GCM_SHA256 (0x1301), \
         GREASE (0x0a0a), TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff)"
    );
    assert_eq!(value(&fields, "compression"), "null (0)");
    assert_eq!(value(&fields, "server name"), "client-c.local");
    assert_eq!(
        value(&fields, "supported versions"),
        "TLS 1.3 (0x0304), TLS 1.2 (0x0303)"
    );
    assert_eq!(
        value(&fields, "supported groups"),
        "X25519 (0x001d), secp256r1 (0x0017), secp384r1 (0x0018)"
    );
    assert_eq!(
        value(&fields, "signature algorithms"),
        "ECDSA_NISTP256_SHA256 (0x0403), RSA_PSS_SHA256 (0x0804), ED25519 (0x0807)"
    );
    assert_eq!(
        value(&fields, "key shares"),
        "X25519 (0x001d): 32-byte key, secp256r1 (0x0017): 65-byte key"
    );
    assert_eq!(value(&fields, "PSK modes"), "psk_dhe_ke (1)");
    assert_eq!(value(&fields, "ALPN"), "h2, http/1.1");
    let others: Vec<&str> = fields
        .iter()
        .filter(|f| f.label == "extension")
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(
        others,
        [
            "extended_master_secret (23): 0 bytes",
            "renegotiation_info (65281): 1 byte"
        ]
    );
    assert_eq!(
        value(&fields, "length"),
        format!("{} bytes", client_hello_body().len())
    );
}

fn server_hello_body(random: [u8; 32], key_share: &[u8]) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend(random);
    body.extend(vec8(&[0x22; 32]));
    body.extend(u16s(&[0x1302]));
    body.push(0);
    let extensions = [extension(43, &u16s(&[0x0304])), extension(51, key_share)].concat();
    body.extend(vec16(&extensions));
    body
}

#[test]
fn a_tls13_server_hello_shows_the_real_version() {
    let mut share = u16s(&[0x001d]);
    share.extend(vec16(&[0x44; 32]));
    let fields = clean(&message(2, &server_hello_body([0x55; 32], &share)), true);
    assert_eq!(value(&fields, "version"), "TLS 1.3 (0x0304)");
    assert_eq!(value(&fields, "legacy version"), "TLS 1.2 (0x0303)");
    assert_eq!(value(&fields, "random"), "55".repeat(32));
    assert_eq!(
        value(&fields, "cipher suite"),
        "TLS13_AES_256_GCM_SHA384 (0x1302)"
    );
    assert_eq!(value(&fields, "key share"), "X25519 (0x001d): 32-byte key");
    assert_eq!(value(&fields, "supported versions"), "TLS 1.3 (0x0304)");
    assert!(!fields.iter().any(|f| f.label == "HelloRetryRequest"));
}

#[test]
fn a_hello_retry_request_is_named() {
    let body = server_hello_body(HELLO_RETRY_RANDOM, &u16s(&[0x0018]));
    let fields = clean(&message(2, &body), true);
    assert!(value(&fields, "HelloRetryRequest").starts_with("yes"));
    let labels: Vec<&str> = fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels[..5],
        [
            "type",
            "HelloRetryRequest",
            "version",
            "legacy version",
            "random"
        ]
    );
    assert!(value(&fields, "random").ends_with("(the fixed HelloRetryRequest value)"));
    assert_eq!(value(&fields, "key share requested"), "secp384r1 (0x0018)");
}

#[test]
fn a_tls12_server_hello_without_extensions() {
    let mut body = vec![0x03, 0x03];
    body.extend([0x55; 24]);
    body.extend(b"DOWNGRD\x01");
    body.extend(vec8(&[]));
    body.extend(u16s(&[0xc02b]));
    body.push(0);
    let fields = clean(&message(2, &body), false);
    assert_eq!(value(&fields, "version"), "TLS 1.2 (0x0303)");
    assert!(!fields.iter().any(|f| f.label == "legacy version"));
    assert!(value(&fields, "random").contains("DOWNGRD"));
    assert_eq!(value(&fields, "session id"), "empty");
    assert_eq!(
        value(&fields, "cipher suite"),
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xc02b)"
    );
    assert_eq!(value(&fields, "extensions"), "none");
}

/// One workshop for every test here: keys and certificates take a moment to make.
fn workshop() -> &'static Workshop {
    static WORKSHOP: OnceLock<Workshop> = OnceLock::new();
    WORKSHOP.get_or_init(|| {
        let mut workshop = Workshop::new(Settings::default());
        workshop.run_all(unix_now()).expect("the workshop runs");
        workshop
    })
}

fn connect(version: TlsVersion, scenario: LabScenario) -> Outcome {
    let mut workshop = workshop().clone();
    workshop.settings.tls_version = version;
    workshop.connect(scenario).expect("the workshop connects")
}

/// The plaintext handshake messages one side sent, as a capture shows them.
fn plaintext_messages(outcome: &Outcome, direction: Direction) -> Vec<Vec<u8>> {
    let stream: Vec<u8> = outcome
        .records
        .iter()
        .filter(|r| {
            r.direction == direction && r.content_type == ContentType::Handshake && !r.encrypted
        })
        .flat_map(|r| r.bytes[5..].to_vec())
        .collect();
    let (messages, tail) = wire::handshakes(&stream);
    assert!(tail.is_empty(), "{} bytes left over", tail.len());
    messages.into_iter().map(|m| m.bytes.to_vec()).collect()
}

fn types(messages: &[Vec<u8>]) -> Vec<u8> {
    messages.iter().map(|m| m[0]).collect()
}

fn subject_der(party: Party) -> Vec<u8> {
    use der::{Decode, Encode};
    let cert = workshop()
        .certificate(party)
        .expect("the certificate exists");
    let parsed = x509_cert::Certificate::from_der(cert.der()).unwrap();
    parsed.tbs_certificate().subject().to_der().unwrap()
}

#[test]
fn a_real_tls13_client_hello_and_server_hello() {
    let outcome = connect(TlsVersion::Tls13, LabScenario::GoodRun);
    assert!(outcome.result.is_ok(), "{}", outcome.headline());
    let client = plaintext_messages(&outcome, Direction::ClientToServer);
    let server = plaintext_messages(&outcome, Direction::ServerToClient);
    assert_eq!(types(&client), [1]);
    assert_eq!(types(&server), [2]);

    let hello = clean(&client[0], true);
    assert!(value(&hello, "cipher suites").contains("TLS13_AES_256_GCM_SHA384 (0x1302)"));
    assert_eq!(value(&hello, "supported versions"), "TLS 1.3 (0x0304)");
    assert!(
        value(&hello, "key shares").contains("X25519 (0x001d): 32-byte key"),
        "{hello:#?}"
    );
    assert!(value(&hello, "signature algorithms").contains("ECDSA_NISTP256_SHA256 (0x0403)"));
    assert_eq!(
        value(&hello, "server name"),
        workshop().settings.server_name()
    );

    let reply = clean(&server[0], true);
    assert_eq!(value(&reply, "version"), "TLS 1.3 (0x0304)");
    assert!(value(&reply, "cipher suite").starts_with("TLS13_"));
    assert!(value(&reply, "key share").starts_with("X25519 (0x001d)"));
    assert_eq!(value(&hello, "session id"), value(&reply, "session id"));
}

#[test]
fn a_real_tls12_handshake_in_the_clear() {
    let outcome = connect(TlsVersion::Tls12, LabScenario::GoodRunTls12);
    assert!(outcome.result.is_ok(), "{}", outcome.headline());
    let server = plaintext_messages(&outcome, Direction::ServerToClient);
    let client = plaintext_messages(&outcome, Direction::ClientToServer);
    assert_eq!(types(&server), [2, 11, 12, 13, 14]);
    assert_eq!(types(&client), [1, 11, 16, 15]);
    for message in server.iter().chain(&client) {
        clean(message, false);
    }

    let hello = shown(&server[0], false);
    assert_eq!(value(&hello, "version"), "TLS 1.2 (0x0303)");
    assert!(value(&hello, "cipher suite").starts_with("TLS_ECDHE_ECDSA_WITH_"));

    let decoded = decode(&server[1], false);
    let typed = decoded.certificate().expect("a Certificate message");
    assert_eq!(typed.context, None);
    assert!(typed.whole);
    assert_eq!(
        typed.common_names(),
        ["client-c.local", "Client C Intermediate CA"]
    );
    assert!(typed.entries.iter().all(|e| e.extensions.is_none()));
    let chain = fields(&decoded);
    assert!(!chain.iter().any(|f| f.label == "context"));
    assert_eq!(value(&chain, "certificates"), "2");
    assert!(value(&chain, "certificate 1").ends_with("the sender's own"));
    assert!(value(&chain, "certificate 1 subject").contains("CN = client-c.local"));
    assert!(value(&chain, "certificate 1 issuer").contains("CN = Client C Intermediate CA"));
    assert!(value(&chain, "certificate 1 key").starts_with("EC P-256"));
    assert!(value(&chain, "certificate 2 subject").contains("CN = Client C Intermediate CA"));

    let key_exchange = shown(&server[2], false);
    assert_eq!(value(&key_exchange, "curve"), "X25519 (0x001d)");
    assert_eq!(value(&key_exchange, "public key"), "32 bytes");
    assert_eq!(
        value(&key_exchange, "signature scheme"),
        "ECDSA_NISTP256_SHA256 (0x0403)"
    );

    let decoded = decode(&server[3], false);
    let Some(CertificateRequest::Tls12(typed)) = decoded.certificate_request() else {
        panic!("a TLS 1.2 CertificateRequest: {decoded:#?}");
    };
    assert!(typed.certificate_types.as_ref().unwrap().contains(&64));
    let asked: Vec<&[u8]> = typed
        .certificate_authorities
        .iter()
        .flatten()
        .map(DistinguishedName::der)
        .collect();
    assert!(asked.contains(&subject_der(Party::CRoot).as_slice()));
    assert!(asked.contains(&subject_der(Party::CIntermediate).as_slice()));
    let request = fields(&decoded);
    assert!(value(&request, "certificate types").contains("ecdsa_sign (64)"));
    assert!(value(&request, "signature algorithms").contains("ECDSA_NISTP256_SHA256"));
    let asked = value(&request, CA_NAMES_ASKED);
    assert!(asked.contains("CN = Client C Root CA"), "{asked}");
    assert!(asked.contains("CN = Client C Intermediate CA"), "{asked}");

    assert_eq!(decode(&server[4], false).body, Body::ServerHelloDone);
    assert!(value(&shown(&server[4], false), "contents").starts_with("empty"));

    let presented = shown(&client[1], false);
    assert!(value(&presented, "certificate 1 subject").contains("CN = client-b.local"));
    assert!(value(&shown(&client[2], false), "public key").starts_with("32 bytes: "));
    let verify = shown(&client[3], false);
    assert_eq!(
        value(&verify, "signature scheme"),
        "ECDSA_NISTP256_SHA256 (0x0403)"
    );
    assert!(value(&verify, "signature").ends_with("bytes"));
}

#[test]
fn no_client_certificate_is_an_empty_list() {
    let outcome = connect(TlsVersion::Tls12, LabScenario::NoClientCertificate);
    let client = plaintext_messages(&outcome, Direction::ClientToServer);
    assert_eq!(client.get(1).map(|m| m[0]), Some(11));
    let fields = clean(&client[1], false);
    assert_eq!(
        value(&fields, "certificates"),
        "no certificate (empty list)"
    );

    let tls13 = clean(&message(11, &[0, 0, 0, 0]), true);
    assert_eq!(value(&tls13, "context"), "empty");
    assert_eq!(value(&tls13, "certificates"), "no certificate (empty list)");
}

#[test]
fn a_tls13_certificate_message_from_real_certificates() {
    let leaf = workshop().certificate(Party::BClient).unwrap();
    let intermediate = workshop().certificate(Party::BIntermediate).unwrap();
    let mut entries = Vec::new();
    entries.extend(vec24(leaf.der()));
    entries.extend(vec16(&[]));
    entries.extend(vec24(intermediate.der()));
    entries.extend(vec16(&extension(5, &[1, 0, 0, 0, 0])));
    let mut body = vec8(&[]);
    body.extend(vec24(&entries));
    let decoded = decode(&message(11, &body), true);
    let typed = decoded.certificate().expect("a Certificate message");
    assert_eq!(typed.context.as_deref(), Some(&[][..]));
    let ders: Vec<&[u8]> = typed.entries.iter().map(|e| e.der.as_slice()).collect();
    assert_eq!(ders, [leaf.der(), intermediate.der()]);
    assert_eq!(typed.entries[0].extensions, Some(Extensions::default()));
    let stapled = typed.entries[1].extensions.as_ref().unwrap();
    assert_eq!(stapled.entries.len(), 1);
    assert_eq!(stapled.entries[0].id, 5);
    assert_eq!(stapled.entries[0].data, [1, 0, 0, 0, 0]);
    assert_eq!(
        typed.common_names(),
        ["client-b.local", "Client B Intermediate CA"]
    );
    let fields = clean(&message(11, &body), true);
    assert_eq!(value(&fields, "certificates"), "2");
    assert_eq!(
        value(&fields, "certificate 1"),
        format!("{} bytes, the sender's own", leaf.der().len())
    );
    assert!(value(&fields, "certificate 1 subject").contains("CN = client-b.local"));
    assert!(value(&fields, "certificate 2 subject").contains("CN = Client B Intermediate CA"));
    assert!(value(&fields, "certificate 2 issuer").contains("CN = Client B Root CA"));
    assert_eq!(
        value(&fields, "certificate 2 extensions"),
        "status_request (5): 5 bytes"
    );
}

#[test]
fn a_tls13_certificate_request_names_its_cas() {
    let mut names = vec16(&subject_der(Party::CIntermediate));
    names.extend(vec16(&subject_der(Party::CRoot)));
    let extensions = [
        extension(13, &vec16(&u16s(&[0x0403, 0x0503]))),
        extension(47, &vec16(&names)),
    ]
    .concat();
    let mut body = vec8(&[]);
    body.extend(vec16(&extensions));
    let decoded = decode(&message(13, &body), true);
    let request = decoded.certificate_request().expect("a CertificateRequest");
    assert!(matches!(request, CertificateRequest::Tls13(_)));
    let asked: Vec<&[u8]> = request
        .certificate_authorities()
        .iter()
        .map(DistinguishedName::der)
        .collect();
    assert_eq!(
        asked,
        [
            subject_der(Party::CIntermediate).as_slice(),
            subject_der(Party::CRoot).as_slice()
        ]
    );
    assert_eq!(
        request.signature_algorithms(),
        [
            SignatureScheme::ECDSA_NISTP256_SHA256,
            SignatureScheme::ECDSA_NISTP384_SHA384
        ]
    );
    let fields = clean(&message(13, &body), true);
    assert_eq!(value(&fields, "context"), "empty");
    assert_eq!(
        value(&fields, "signature algorithms"),
        "ECDSA_NISTP256_SHA256 (0x0403), ECDSA_NISTP384_SHA384 (0x0503)"
    );
    assert_eq!(
        value(&fields, CA_NAMES_ASKED),
        "C = FR, ST = Iles-De-France, L = Paris, O = Client C Organization, \
         OU = Certificate Authority, CN = Client C Intermediate CA; \
         C = FR, ST = Iles-De-France, L = Paris, O = Client C Organization, \
         OU = IT Department, CN = Client C Root CA"
    );

    let mut bare = vec8(&[]);
    bare.extend(vec16(&extension(13, &vec16(&u16s(&[0x0804])))));
    let fields = clean(&message(13, &bare), true);
    assert!(value(&fields, CA_NAMES_ASKED).starts_with("none"));
    let decoded = decode(&message(13, &bare), true);
    assert!(decoded
        .certificate_request()
        .unwrap()
        .certificate_authorities()
        .is_empty());
}

#[test]
fn a_tls12_certificate_request() {
    let mut body = vec8(&[1, 64]);
    body.extend(vec16(&u16s(&[0x0401, 0x0403])));
    body.extend(vec16(&vec16(&subject_der(Party::CRoot))));
    let fields = clean(&message(13, &body), false);
    assert_eq!(
        value(&fields, "certificate types"),
        "rsa_sign (1), ecdsa_sign (64)"
    );
    assert_eq!(
        value(&fields, "signature algorithms"),
        "RSA_PKCS1_SHA256 (0x0401), ECDSA_NISTP256_SHA256 (0x0403)"
    );
    assert!(value(&fields, CA_NAMES_ASKED).ends_with("CN = Client C Root CA"));
}

#[test]
fn small_messages() {
    let finished = clean(&message(20, &[0xab; 12]), true);
    assert_eq!(value(&finished, "verify data"), "ab".repeat(12));

    let verify = clean(&message(15, &[0x08, 0x04, 0, 3, 1, 2, 3]), true);
    assert_eq!(
        value(&verify, "signature scheme"),
        "RSA_PSS_SHA256 (0x0804)"
    );
    assert_eq!(value(&verify, "signature"), "3 bytes");

    let mut ticket = 7200u32.to_be_bytes().to_vec();
    ticket.extend(0x0102_0304u32.to_be_bytes());
    ticket.extend(vec8(&[0]));
    ticket.extend(vec16(&[9; 100]));
    ticket.extend(vec16(&[]));
    let fields = clean(&message(4, &ticket), true);
    assert_eq!(value(&fields, "lifetime"), "7200 seconds");
    assert_eq!(value(&fields, "age add"), "0x01020304");
    assert_eq!(value(&fields, "nonce"), "00");
    assert_eq!(value(&fields, "ticket"), "100 bytes");

    let update = clean(&message(24, &[1]), true);
    assert_eq!(value(&update, "type"), "KeyUpdate (24)");
    assert_eq!(value(&update, "request"), "update_requested (1)");

    let unknown = clean(&message(99, &[1, 2, 3]), true);
    assert_eq!(
        unknown,
        [
            Field::new("type", "unknown handshake message (99)"),
            Field::new("length", "3 bytes"),
        ]
    );

    let none = clean(&message(8, &vec16(&[])), true);
    assert_eq!(value(&none, "extensions"), "none");
}

#[test]
fn garbled_input_is_reported_not_fatal() {
    let hello = message(1, &client_hello_body());
    let cut = decode(&hello[..60], true);
    let Body::ClientHello(typed) = &cut.body else {
        panic!("a ClientHello: {cut:#?}");
    };
    assert_eq!(typed.random, Some([0x11; 32]));
    assert_eq!(typed.session_id, None);
    assert_eq!(
        cut.problems,
        [
            Problem::Garbled(wire::WireError::Truncated {
                part: Part::Named("the session id"),
                needed: 32,
                offset: 39,
                left: 21,
            }),
            Problem::CutShort {
                declared: hello.len() - 4,
                arrived: 56
            },
        ]
    );
    let shown_cut = fields(&cut);
    assert_eq!(value(&shown_cut, "random"), "11".repeat(32));
    let problems: Vec<&str> = shown_cut
        .iter()
        .filter(|f| f.is_problem())
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(
        problems,
        [
            "truncated in the session id: 32 bytes needed at byte 39, 21 bytes left",
            &format!(
                "cut short: the header says {} bytes but only 56 bytes arrived",
                hello.len() - 4
            ),
        ]
    );
    assert_eq!(
        shown(&[], true),
        [
            Field::new(
                "error",
                "truncated in the message header: 1 byte needed at byte 0, 0 bytes left"
            ),
            Field::new("length", "unknown")
        ]
    );
    let hello = message(2, &server_hello_body([0x55; 32], &[]));
    let cut = shown(&hello[..50], true);
    assert_eq!(value(&cut, "version"), "TLS 1.2 (0x0303)");
    assert_eq!(value(&cut, "random"), "55".repeat(32));
    assert!(value(&cut, "error").starts_with("truncated in the session id"));
    let mut padded = message(14, &[]);
    padded.push(0);
    assert_eq!(
        decode(&padded, false).problems,
        [Problem::FollowingBytes(1)]
    );
    let fields = shown(&padded, false);
    assert_eq!(
        value(&fields, "error"),
        "1 byte follow the end of the message"
    );
    let fields = shown(&message(14, &[7, 7]), false);
    assert_eq!(value(&fields, "error"), "2 bytes too many in the message");
}

/// Every prefix and many one-byte changes of real messages, and noise of every type.
#[test]
fn decode_never_panics() {
    let mut samples = vec![
        message(1, &client_hello_body()),
        message(
            2,
            &server_hello_body([0x55; 32], &[0x00, 0x1d, 0x00, 0x01, 0x07]),
        ),
    ];
    for (version, scenario) in [
        (TlsVersion::Tls13, LabScenario::GoodRun),
        (TlsVersion::Tls12, LabScenario::GoodRunTls12),
        (TlsVersion::Tls12, LabScenario::NoClientCertificate),
    ] {
        let outcome = connect(version, scenario);
        for direction in [Direction::ClientToServer, Direction::ServerToClient] {
            samples.extend(plaintext_messages(&outcome, direction));
        }
    }
    let check = |bytes: &[u8]| {
        for tls13 in [false, true] {
            let fields = shown(bytes, tls13);
            assert_eq!(fields.last().map(|f| f.label.as_str()), Some("length"));
        }
    };
    for sample in &samples {
        for end in 0..sample.len() {
            check(&sample[..end]);
            assert!(!decode(&sample[..end], false).all_problems().is_empty());
        }
        for at in 0..sample.len() {
            for change in [0x00, 0xff, sample[at] ^ 0x80, sample[at].wrapping_add(1)] {
                let mut changed = sample.clone();
                changed[at] = change;
                check(&changed);
            }
        }
    }
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for ty in 0..=255u8 {
        for length in 0..64usize {
            let body: Vec<u8> = (0..length).map(|_| next() as u8).collect();
            check(&message(ty, &body));
            let mut lying = message(ty, &body);
            lying[1..4].copy_from_slice(&(next() as u32).to_be_bytes()[1..]);
            check(&lying);
        }
    }
}

#[test]
fn split_keeps_a_message_that_spans_records_as_tail() {
    let split = |stream| {
        let (whole, tail) = wire::handshakes(stream);
        let whole: Vec<&[u8]> = whole.iter().map(|m| m.bytes).collect();
        (whole, tail)
    };
    let first = message(2, &[1, 2, 3]);
    let second = message(11, &[4; 300]);
    let stream = [first.clone(), second.clone()].concat();
    for cut in 0..stream.len() {
        let (whole, tail) = split(&stream[..cut]);
        if cut < first.len() {
            assert!(whole.is_empty());
            assert_eq!(tail, &stream[..cut]);
        } else {
            assert_eq!(whole, [first.as_slice()]);
            assert_eq!(tail, &stream[first.len()..cut]);
        }
    }
    let (whole, tail) = split(&stream);
    assert_eq!(whole, [first.as_slice(), second.as_slice()]);
    assert!(tail.is_empty());
    let empty = message(14, &[]);
    assert_eq!(split(&empty), (vec![empty.as_slice()], &[][..]));
    assert_eq!(split(&[0xff, 0xff, 0xff, 0xff, 1]).0.len(), 0);
}

/// Two real runs, recorded (TLS 1.3 and 1.2, with intermediates): their messages decode into
/// types and render to the very fields the page showed when it decoded straight to text.
#[test]
fn real_runs_render_the_fields_they_always_showed() {
    use std::fmt::Write;
    for (recorded, expected, tls13) in [
        (
            &include_bytes!("testdata/tls13-good-run.bin")[..],
            include_str!("testdata/tls13-good-run.txt"),
            true,
        ),
        (
            &include_bytes!("testdata/tls12-good-run.bin")[..],
            include_str!("testdata/tls12-good-run.txt"),
            false,
        ),
    ] {
        // Each run as it crosses from a worker: records, secrets and verdict.
        let outcome: crate::tls::Outcome = postcard::from_bytes(recorded).expect("a recorded run");
        assert_eq!(outcome.version == TlsVersion::Tls13, tls13);
        let messages = outcome.messages();
        let mut shown = String::new();
        for message in &messages {
            let decrypted = if message.decrypted {
                " (decrypted)"
            } else {
                ""
            };
            writeln!(
                shown,
                "== {:?} {}{decrypted}",
                message.direction,
                message.name()
            )
            .unwrap();
            for field in render::message_fields(message, tls13) {
                writeln!(shown, "{}\t{}", field.label, field.value).unwrap();
            }
        }
        assert_eq!(shown, expected);

        // The same messages, read as types.
        let decoded: Vec<Decoded> = messages
            .iter()
            .filter(|m| matches!(m.kind, crate::tls::decrypt::MessageKind::Handshake(_)))
            .map(|m| decode(&m.bytes, tls13))
            .collect();
        assert!(decoded.iter().all(|d| d.all_problems().is_empty()));
        let chains: Vec<Vec<String>> = decoded
            .iter()
            .filter_map(Decoded::certificate)
            .map(Certificate::common_names)
            .collect();
        assert_eq!(
            chains,
            [
                ["client-c.local", "Client C Intermediate CA"],
                ["client-b.local", "Client C Intermediate CA"],
            ]
        );
        let request = decoded
            .iter()
            .find_map(Decoded::certificate_request)
            .expect("C asks for a certificate");
        let asked: Vec<String> = request
            .certificate_authorities()
            .iter()
            .filter_map(DistinguishedName::name)
            .map(|name| crate::pki::inspect::name_text(&name))
            .collect();
        assert_eq!(asked.len(), 2);
        assert!(
            asked[0].ends_with("CN = Client C Intermediate CA"),
            "{asked:?}"
        );
        assert!(asked[1].ends_with("CN = Client C Root CA"), "{asked:?}");
    }
}
