//! The entry points the fuzz targets drive, one per parser that takes user input. They live in
//! the crate so the native regression test replays found inputs through the very same code.
#![doc(hidden)]

use crate::pki::{self, inspect, verify, Certificate, Csr, PrivateKey, San, Subject};
use crate::tls::{trace::RecordReader, Direction};
use crate::workshop::saved::Saved;

/// A fixed clock keeps runs reproducible.
const NOW: u64 = 1_795_000_000;

pub fn pem_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = pki::pem::parse_all(&text);
    let _ = Certificate::all_from_pem(&text);
}

pub fn csr(data: &[u8]) {
    if let Ok(csr) = Csr::from_der(data) {
        let _ = inspect::csr(&csr);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Csr::from_pem(text);
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

/// Bytes as the wire would deliver them, in chunks whose sizes the input picks.
pub fn trace_records(data: &[u8]) {
    let Some((&chunk, rest)) = data.split_first() else {
        return;
    };
    let mut reader = RecordReader::new(Direction::ClientToServer);
    for piece in rest.chunks(usize::from(chunk).max(1)) {
        let _ = reader.push(piece);
    }
}

/// The saved form and every file in it; rebuilding the workshop from them only adds work
/// the other targets already cover.
pub fn saved_workshop(data: &[u8]) {
    if let Ok(saved) = Saved::parse(&String::from_utf8_lossy(data)) {
        let _ = saved.open("fuzz");
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

/// One fuzz target's entry point.
pub type Harness = fn(&[u8]);

/// Every target by name, for the regression replay.
pub const TARGETS: [(&str, Harness); 7] = [
    ("pem_import", pem_import),
    ("csr", csr),
    ("certificate", certificate),
    ("encrypted_key", encrypted_key),
    ("trace_records", trace_records),
    ("saved_workshop", saved_workshop),
    ("form_inputs", form_inputs),
];
