//! A decoded view of certificates and CSRs, with the fields and names `openssl x509 -text` uses.

use super::{keys::algorithm_of_spki, Certificate, Csr, PkiError};
use der::{Decode, Tag, Tagged};
use x509_cert::ext::pkix::{
    name::GeneralName, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionView {
    /// openssl's name, e.g. "X509v3 Basic Constraints".
    pub name: String,
    pub critical: bool,
    /// openssl's one-line rendering, e.g. "CA:TRUE, pathlen:0".
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateView {
    pub version: u8,
    /// Colon-separated hex, as openssl prints long serials.
    pub serial: String,
    pub signature_algorithm: String,
    pub issuer: String,
    pub subject: String,
    /// openssl's `-dates` form: "Nov 28 11:00:00 2026 GMT".
    pub not_before: String,
    pub not_after: String,
    pub not_before_unix: u64,
    pub not_after_unix: u64,
    pub public_key: String,
    pub extensions: Vec<ExtensionView>,
    pub self_issued: bool,
    /// The signature value, colon-separated hex as openssl prints it.
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrView {
    pub version: u8,
    pub subject: String,
    pub public_key: String,
    /// Extensions the requester asked for (a strict CA ignores them).
    pub requested_extensions: Vec<ExtensionView>,
    pub signature_algorithm: String,
    pub signature: String,
}

pub fn certificate(cert: &Certificate) -> Result<CertificateView, PkiError> {
    let bad = |e: der::Error| PkiError::Certificate(format!("cannot decode ({e})"));
    let parsed = x509_cert::Certificate::from_der(cert.der()).map_err(bad)?;
    let tbs = parsed.tbs_certificate();
    let validity = tbs.validity();
    let not_before_unix = validity.not_before.to_unix_duration().as_secs();
    let not_after_unix = validity.not_after.to_unix_duration().as_secs();
    let spki = der::Encode::to_der(tbs.subject_public_key_info()).map_err(bad)?;
    let mut extensions = Vec::new();
    for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or_default() {
        extensions.push(extension_view(
            &ext.extn_id.to_string(),
            ext.critical,
            ext.extn_value.as_bytes(),
        ));
    }
    Ok(CertificateView {
        version: match tbs.version() {
            x509_cert::certificate::Version::V1 => 1,
            x509_cert::certificate::Version::V2 => 2,
            x509_cert::certificate::Version::V3 => 3,
        },
        serial: hex_colon(tbs.serial_number().as_bytes()),
        signature_algorithm: signature_name(&parsed.signature_algorithm().oid.to_string()),
        issuer: name_text(tbs.issuer()),
        subject: name_text(tbs.subject()),
        not_before: openssl_date(not_before_unix),
        not_after: openssl_date(not_after_unix),
        not_before_unix,
        not_after_unix,
        public_key: public_key_text(&spki),
        extensions,
        self_issued: tbs.issuer() == tbs.subject(),
        signature: hex_colon(parsed.signature().raw_bytes()),
    })
}

pub fn csr(csr: &Csr) -> Result<CsrView, PkiError> {
    let bad = |e: der::Error| PkiError::Csr(format!("cannot decode ({e})"));
    let parsed = x509_cert::request::CertReq::from_der(csr.der()).map_err(bad)?;
    let mut requested_extensions = Vec::new();
    for attribute in parsed.info.attributes.iter() {
        // PKCS#9 extensionRequest: a SET holding one SEQUENCE of extensions.
        if attribute.oid.to_string() != "1.2.840.113549.1.9.14" {
            continue;
        }
        for value in attribute.values.iter() {
            if let Ok(extensions) = value.decode_as::<Vec<x509_cert::ext::Extension>>() {
                requested_extensions.extend(extensions.iter().map(|ext| {
                    extension_view(
                        &ext.extn_id.to_string(),
                        ext.critical,
                        ext.extn_value.as_bytes(),
                    )
                }));
            }
        }
    }
    Ok(CsrView {
        version: 1,
        subject: name_text(&parsed.info.subject),
        public_key: public_key_text(csr.spki_der()),
        requested_extensions,
        signature_algorithm: signature_name(&parsed.algorithm.oid.to_string()),
        signature: hex_colon(parsed.signature.raw_bytes()),
    })
}

/// "EC P-256 (256 bit)" or "RSA (2048 bit)", openssl's "Public-Key" line in words.
pub fn public_key_text(spki_der: &[u8]) -> String {
    match algorithm_of_spki(spki_der) {
        Ok(alg) => match alg.rsa_bits() {
            Some(bits) => format!("RSA ({bits} bit)"),
            None if alg == super::KeyAlgorithm::EcdsaP256 => {
                "EC P-256 (256 bit, prime256v1)".into()
            }
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

fn extension_view(oid: &str, critical: bool, value: &[u8]) -> ExtensionView {
    let (name, text) = match oid {
        "2.5.29.19" => (
            "X509v3 Basic Constraints",
            BasicConstraints::from_der(value).map(|bc| {
                let mut text = if bc.ca {
                    "CA:TRUE".to_string()
                } else {
                    "CA:FALSE".to_string()
                };
                if let Some(n) = bc.path_len_constraint {
                    text.push_str(&format!(", pathlen:{n}"));
                }
                text
            }),
        ),
        "2.5.29.15" => (
            "X509v3 Key Usage",
            KeyUsage::from_der(value).map(|ku| key_usage_text(&ku)),
        ),
        "2.5.29.37" => (
            "X509v3 Extended Key Usage",
            ExtendedKeyUsage::from_der(value).map(|eku| {
                eku.0
                    .iter()
                    .map(|oid| eku_name(&oid.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        "2.5.29.14" => (
            "X509v3 Subject Key Identifier",
            SubjectKeyIdentifier::from_der(value).map(|ski| hex_colon(ski.0.as_bytes())),
        ),
        "2.5.29.35" => (
            "X509v3 Authority Key Identifier",
            AuthorityKeyIdentifier::from_der(value).map(|aki| {
                aki.key_identifier
                    .map(|k| hex_colon(k.as_bytes()))
                    .unwrap_or_else(|| "(no key id)".into())
            }),
        ),
        "2.5.29.17" => (
            "X509v3 Subject Alternative Name",
            SubjectAltName::from_der(value).map(|san| {
                san.0
                    .iter()
                    .map(general_name_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        _ => ("", Ok(String::new())),
    };
    match (name, text) {
        ("", _) => ExtensionView {
            name: oid.to_string(),
            critical,
            value: hex_colon(value),
        },
        (name, Ok(text)) => ExtensionView {
            name: name.into(),
            critical,
            value: text,
        },
        (name, Err(e)) => ExtensionView {
            name: name.into(),
            critical,
            value: format!("(cannot decode: {e})"),
        },
    }
}

fn key_usage_text(ku: &KeyUsage) -> String {
    let names = [
        (ku.digital_signature(), "Digital Signature"),
        (ku.non_repudiation(), "Non Repudiation"),
        (ku.key_encipherment(), "Key Encipherment"),
        (ku.data_encipherment(), "Data Encipherment"),
        (ku.key_agreement(), "Key Agreement"),
        (ku.key_cert_sign(), "Certificate Sign"),
        (ku.crl_sign(), "CRL Sign"),
        (ku.encipher_only(), "Encipher Only"),
        (ku.decipher_only(), "Decipher Only"),
    ];
    names
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn eku_name(oid: &str) -> String {
    match oid {
        "1.3.6.1.5.5.7.3.1" => "TLS Web Server Authentication".into(),
        "1.3.6.1.5.5.7.3.2" => "TLS Web Client Authentication".into(),
        other => other.into(),
    }
}

fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(dns) => format!("DNS:{}", dns.as_str()),
        GeneralName::IpAddress(ip) => {
            let bytes = ip.as_bytes();
            match bytes.len() {
                4 => format!(
                    "IP Address:{}",
                    std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])
                ),
                16 => {
                    let mut octets = [0u8; 16];
                    octets.copy_from_slice(bytes);
                    format!("IP Address:{}", std::net::Ipv6Addr::from(octets))
                }
                _ => format!("IP Address:<{}>", hex_colon(bytes)),
            }
        }
        GeneralName::Rfc822Name(mail) => format!("email:{}", mail.as_str()),
        GeneralName::UniformResourceIdentifier(uri) => format!("URI:{}", uri.as_str()),
        _ => "othername".into(),
    }
}

fn signature_name(oid: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_like_openssl() {
        assert_eq!(openssl_date(0), "Jan  1 00:00:00 1970 GMT");
        assert_eq!(openssl_date(1_795_863_600), "Nov 28 11:00:00 2026 GMT");
        assert_eq!(openssl_date(951_782_400), "Feb 29 00:00:00 2000 GMT");
    }
}
