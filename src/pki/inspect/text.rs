//! openssl's text forms of keys, names, signature algorithms, bytes and dates.

use crate::pki::{keys::algorithm_of_spki, KeyAlgorithm};
use der::{Tag, Tagged};
use x509_cert::name::Name;

/// "EC P-256 (256 bit)" or "RSA (2048 bit)", openssl's "Public-Key" line in words.
pub fn public_key_text(spki_der: &[u8]) -> String {
    match algorithm_of_spki(spki_der) {
        Ok(alg) => match alg.rsa_bits() {
            Some(bits) => format!("RSA ({bits} bit)"),
            None if alg == KeyAlgorithm::EcdsaP256 => "EC P-256 (256 bit, prime256v1)".into(),
            None => "EC P-384 (384 bit, secp384r1)".into(),
        },
        Err(e) => e.to_string(),
    }
}

/// openssl's default one-line name: "C = FR, ST = Iles-De-France, …, CN = Client C Root CA".
pub fn name_text(name: &Name) -> String {
    let mut parts = Vec::new();
    for atv in name.iter() {
        let short = match atv.oid.to_string().as_str() {
            "2.5.4.6" => "C".to_string(),
            "2.5.4.8" => "ST".into(),
            "2.5.4.7" => "L".into(),
            "2.5.4.10" => "O".into(),
            "2.5.4.11" => "OU".into(),
            "2.5.4.3" => "CN".into(),
            "1.2.840.113549.1.9.1" => "emailAddress".into(),
            other => other.to_string(),
        };
        let value = match atv.value.tag() {
            Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                String::from_utf8_lossy(atv.value.value()).into_owned()
            }
            _ => hex_colon(atv.value.value()),
        };
        parts.push(format!("{short} = {value}"));
    }
    parts.join(", ")
}

pub(super) fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption".into(),
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption".into(),
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256".into(),
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384".into(),
        other => other.into(),
    }
}

pub fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// "Nov 28 11:00:00 2026 GMT", the form of `openssl x509 -dates`.
pub fn openssl_date(unix: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{} {:>2} {:02}:{:02}:{:02} {} GMT",
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        year
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
