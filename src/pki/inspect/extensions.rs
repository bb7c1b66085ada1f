//! Each extension's name and value on one line, as `openssl x509 -text` prints them.

use super::{explain::explain, hex_colon, ExtensionView};
use der::Decode;
use x509_cert::ext::pkix::{
    name::GeneralName, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};

pub(super) fn extension_view(oid: &str, critical: bool, value: &[u8]) -> ExtensionView {
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
        "2.5.29.20" => (
            "X509v3 CRL Number",
            der::asn1::Int::from_der(value).map(|n| crl_number_text(n.as_bytes())),
        ),
        _ => ("", Ok(String::new())),
    };
    let explanation = explain(oid, critical, value);
    match (name, text) {
        ("", _) => ExtensionView {
            name: oid.to_string(),
            critical,
            value: hex_colon(value),
            explanation,
        },
        (name, Ok(text)) => ExtensionView {
            name: name.into(),
            critical,
            value: text,
            explanation,
        },
        (name, Err(e)) => ExtensionView {
            name: name.into(),
            critical,
            value: format!("(cannot decode: {e})"),
            explanation,
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
        "1.3.6.1.5.5.7.3.3" => "Code Signing".into(),
        "1.3.6.1.5.5.7.3.4" => "E-mail Protection".into(),
        "1.3.6.1.5.5.7.3.8" => "Time Stamping".into(),
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing".into(),
        "2.5.29.37.0" => "Any Extended Key Usage".into(),
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

/// openssl prints a CRL number in decimal while it fits 64 bits, else in hex.
fn crl_number_text(bytes: &[u8]) -> String {
    let trimmed = crate::pki::parts::trim_sign(bytes);
    if trimmed.len() <= 8 {
        trimmed
            .iter()
            .fold(0u64, |n, b| (n << 8) | u64::from(*b))
            .to_string()
    } else {
        hex_colon(&trimmed)
    }
}
