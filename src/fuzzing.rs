//! The entry points the fuzz targets drive, one per parser that takes user input. They live in
//! the crate so the native regression test replays found inputs through the very same code.
#![doc(hidden)]

use crate::pki::{self, inspect, verify, Certificate, Csr, PrivateKey, San, Subject};
use crate::tls::keylog::{Secret, SessionKeys};
use crate::tls::{self, decrypt, diagram, pcapng, trace::RecordReader, Direction, TlsVersion};
use crate::workshop::protocol::{Request, Response};
use crate::workshop::saved::Saved;
use crate::workshop::{Settings, Workshop};

/// A fixed clock keeps runs reproducible.
const NOW: u64 = 1_795_000_000;

pub fn pem_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = pki::pem::parse_all(&text);
    // A pasted bundle: its first certificate judged through the others, the last as anchor.
    if let Ok(certs) = Certificate::all_from_pem(&text) {
        if let Some((leaf, rest)) = certs.split_first() {
            let anchor = rest
                .last()
                .map_or(std::slice::from_ref(leaf), std::slice::from_ref);
            for usage in [verify::Usage::ClientAuth, verify::Usage::ServerAuth] {
                let _ = verify::chain(leaf, rest, anchor, usage, NOW);
                let _ = pki::openssl_verdict::judge(leaf, rest, anchor, usage, NOW);
            }
            let _ = inspect::chain_file(&certs);
        }
    }
}

/// One CA for every fuzz run: a signed CSR goes all the way through rcgen.
fn fuzz_ca() -> &'static (Certificate, PrivateKey) {
    static CA: std::sync::OnceLock<(Certificate, PrivateKey)> = std::sync::OnceLock::new();
    CA.get_or_init(|| {
        let key = PrivateKey::generate(pki::KeyAlgorithm::EcdsaP256).expect("a P-256 key");
        let template = pki::Template {
            profile: &pki::profile::ROOT_CA,
            days: 30,
            sans: &[],
            now: NOW,
        };
        let subject = Subject::seed("Fuzz", "CA", "Fuzz CA");
        let cert = pki::cert::self_signed(&subject, &key, &template).expect("a CA");
        (cert, key)
    })
}

pub fn csr(data: &[u8]) {
    let parsed = Csr::from_der(data).ok().or_else(|| {
        std::str::from_utf8(data)
            .ok()
            .and_then(|text| Csr::from_pem(text).ok())
    });
    if let Some(csr) = parsed {
        let _ = inspect::csr(&csr);
        // What the CA does with a pasted request: sign its subject and key.
        let (ca, ca_key) = fuzz_ca();
        let template = pki::Template {
            profile: &pki::profile::CLIENT,
            days: 30,
            sans: &[],
            now: NOW,
        };
        if let Ok(cert) = pki::cert::sign_csr(&csr, &template, ca, ca_key) {
            let _ = inspect::certificate(&cert);
        }
    }
}

pub fn certificate(data: &[u8]) {
    if let Ok(cert) = Certificate::from_der(data.to_vec()) {
        let _ = inspect::certificate(&cert);
        let _ = verify::chain(
            &cert,
            &[],
            std::slice::from_ref(&cert),
            verify::Usage::ClientAuth,
            NOW,
        );
        let _ = pki::openssl_verdict::judge(
            &cert,
            &[],
            std::slice::from_ref(&cert),
            verify::Usage::ServerAuth,
            NOW,
        );
        let _ = verify::rsa_modulus_sha256(&cert.spki_der());
    }
}

/// The first byte says how long the passphrase is; the rest is the key file.
pub fn encrypted_key(data: &[u8]) {
    let Some((&len, rest)) = data.split_first() else {
        return;
    };
    let (passphrase, file) = rest.split_at(usize::from(len).min(rest.len()));
    let _ = PrivateKey::from_pem(
        &String::from_utf8_lossy(file),
        &String::from_utf8_lossy(passphrase),
    );
    let _ = PrivateKey::from_pkcs8_der(file);
}

/// Bytes as the wire would deliver them, in chunks whose sizes the input picks, then
/// everything made from records: decryption, message fields, the diagram and the capture.
pub fn trace_records(data: &[u8]) {
    let Some((&chunk, rest)) = data.split_first() else {
        return;
    };
    let mut client = RecordReader::new(Direction::ClientToServer);
    let mut server = RecordReader::new(Direction::ServerToClient);
    let mut records = Vec::new();
    for (i, piece) in rest.chunks(usize::from(chunk).max(1)).enumerate() {
        let reader = if i % 2 == 0 { &mut client } else { &mut server };
        records.extend(reader.push(piece));
    }
    // Secrets for whatever hello random the input carries, so decryption is tried.
    let random = records
        .iter()
        .find_map(|r| tls::wire::hello(r.fragment()).ok().flatten())
        .map(|hello| hello.random.to_vec())
        .unwrap_or_default();
    let keys = SessionKeys {
        secrets: [
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_RANDOM",
        ]
        .iter()
        .map(|label| Secret {
            label: label.to_string(),
            client_random: random.clone(),
            secret: vec![7; 48],
        })
        .collect(),
    };
    for version in [TlsVersion::Tls13, TlsVersion::Tls12] {
        let tls13 = version == TlsVersion::Tls13;
        let messages = decrypt::messages(&records, &keys, version);
        for message in &messages {
            // Decodes handshake messages into their types, then renders them as fields.
            let _ = tls::messages::render::message_fields(message, tls13);
        }
        let _ = diagram::flights(&messages, tls13);
    }
    let _ = pcapng::capture(&records, &keys.to_sslkeylogfile());
}

/// The saved form and every file in it, then the requests and responses that cross to the
/// worker, read from the same bytes; running what they ask only adds work the other targets
/// already cover.
pub fn saved_workshop(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(saved) = Saved::parse(&text) {
        let _ = saved.open("fuzz");
    }
    if let Ok(request) = Request::from_bytes(data) {
        // What decodes must encode and decode again to the same bytes.
        let bytes = request.to_bytes().expect("a decoded request encodes");
        let again = Request::from_bytes(&bytes).expect("an encoded request decodes");
        assert_eq!(again.to_bytes().ok(), Some(bytes));
    }
    if let Ok(response) = Response::from_bytes(data) {
        let bytes = response.to_bytes().expect("a decoded response encodes");
        let again = Response::from_bytes(&bytes).expect("an encoded response decodes");
        assert_eq!(again.to_bytes().ok(), Some(bytes));
    }
}

/// Form fields, split at NUL: a subject's six fields, then SANs, then days.
pub fn form_inputs(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let mut subject = Subject::default();
    for field in pki::name::SUBJECT_FIELDS {
        subject.set(field.short, parts.next().unwrap_or_default().to_string());
    }
    if subject.validate().is_ok() {
        let _ = subject.to_rcgen();
        let _ = subject.openssl_subj();
    }
    let _ = San::parse_list(parts.next().unwrap_or_default());
    if let Ok(days) = parts.next().unwrap_or_default().trim().parse::<u32>() {
        let _ = pki::cert::check_days(days);
    }
}

/// A finished workshop for every fuzz run: pasted CRLs are checked against its C's CAs.
fn fuzz_workshop() -> &'static Workshop {
    static WORKSHOP: std::sync::OnceLock<Workshop> = std::sync::OnceLock::new();
    WORKSHOP.get_or_init(|| {
        let mut workshop = Workshop::new(Settings::default());
        workshop.run_all(NOW).expect("a workshop");
        workshop
    })
}

/// A CRL pasted or uploaded: DER, or PEM text, then everything the page reads from one, and
/// the check against C's CAs the page runs on pasted text.
pub fn crl(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = pki::Crl::from_der(data.to_vec()).or_else(|_| pki::Crl::from_pem(&text));
    let _ = fuzz_workshop().check_crl(&text, NOW);
    if let Ok(crl) = parsed {
        let _ = inspect::crl(&crl);
        let _ = crl.contents();
        // DER input reaches the issuer lookup and the signature check too.
        let _ = fuzz_workshop().check_crl(&crl.to_pem(), NOW);
    }
}

/// "Diagnose your files" with one field taking the input: the first byte picks the side and
/// the field (certificates, key, trusted CAs, or a PKCS#12 file), so every reader is reached;
/// the same text goes to the pasted-message lookup.
pub fn diagnose(data: &[u8]) {
    use crate::diagnose::{errors, DiagnoseJob};
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let _ = errors::lookup(&text);
    let mut job = DiagnoseJob {
        server_name: "localhost".into(),
        now: NOW,
        ..DiagnoseJob::default()
    };
    let side = if selector & 1 == 0 {
        &mut job.server
    } else {
        &mut job.client
    };
    side.passphrase = "fuzz".into();
    match (selector >> 1) % 4 {
        0 => side.certificates = text,
        1 => side.key = text,
        2 => side.trusted = text,
        _ => side.pkcs12 = Some(serde_bytes::ByteBuf::from(rest.to_vec())),
    }
    let _ = job.run();
}

/// One fuzz target's entry point.
pub type Harness = fn(&[u8]);

/// Every target by name, for the regression replay.
pub const TARGETS: [(&str, Harness); 9] = [
    ("pem_import", pem_import),
    ("csr", csr),
    ("certificate", certificate),
    ("encrypted_key", encrypted_key),
    ("trace_records", trace_records),
    ("saved_workshop", saved_workshop),
    ("form_inputs", form_inputs),
    ("crl", crl),
    ("diagnose", diagnose),
];
