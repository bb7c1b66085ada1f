//! The names the lab writes beside TLS's numbers. Where rustls names a registry it is asked;
//! the rest are IANA's names, written out here.

use rustls::{
    AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme,
};

/// "Handshake", "Alert", …; "Unknown" for a byte no record type has.
pub fn content_type_name(ty: ContentType) -> &'static str {
    ty.as_str().unwrap_or("Unknown")
}

/// "ClientHello", "Certificate", …
pub fn handshake_name(ty: HandshakeType) -> &'static str {
    ty.as_str().unwrap_or("unknown handshake message")
}

/// An alert as the RFCs spell it: "certificate_required", "unknown_ca".
pub fn alert_name(description: u8) -> String {
    let alert = AlertDescription::from(description);
    match alert {
        // rustls's own spellings, where they differ from the registry's.
        AlertDescription::UnrecognisedName => "unrecognized_name".into(),
        AlertDescription::EncryptedClientHelloRequired => "ech_required".into(),
        _ => alert
            .as_str()
            .map_or_else(|| "unknown alert".into(), snake_case),
    }
}

/// "UnknownPSKIdentity" to "unknown_psk_identity": a capital starts a word after a small
/// letter, and so does the last capital of an acronym followed by a small letter.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|j| chars.get(j));
        let after = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && match before {
                Some(b) if b.is_ascii_lowercase() => true,
                Some(b) if b.is_ascii_uppercase() => after.is_some_and(char::is_ascii_lowercase),
                _ => false,
            };
        if starts_word {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

pub fn byte_count(count: usize) -> String {
    if count == 1 {
        "1 byte".to_string()
    } else {
        format!("{count} bytes")
    }
}

/// Browsers sprinkle reserved values (0x0a0a, 0x1a1a, …) to keep servers tolerant.
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

fn named_u16(name: Option<&str>, value: u16) -> String {
    let name = match name {
        Some(name) => name,
        None if is_grease(value) => "GREASE",
        None => "unknown",
    };
    format!("{name} (0x{value:04x})")
}

pub fn cipher_suite_name(suite: CipherSuite) -> String {
    // `as_str`, not Debug: Debug prints many older suites as `CipherSuite(0x…)`.
    named_u16(suite.as_str(), u16::from(suite))
}

pub fn scheme_name(scheme: SignatureScheme) -> String {
    named_u16(scheme.as_str(), u16::from(scheme))
}

pub fn group_name(group: NamedGroup) -> String {
    named_u16(group.as_str(), u16::from(group))
}

/// "TLS 1.3 (0x0304)", the way the rest of the lab writes versions.
pub fn version_name(version: ProtocolVersion) -> String {
    let name = version
        .as_str()
        .map(|name| name.replace("TLSv1_", "TLS 1."));
    named_u16(name.as_deref(), u16::from(version))
}

fn named_u8(name: &str, value: u8) -> String {
    format!("{name} ({value})")
}

pub fn compression_name(value: u8) -> String {
    let name = match value {
        0 => "null",
        1 => "DEFLATE",
        _ => "unknown",
    };
    named_u8(name, value)
}

pub fn point_format_name(value: u8) -> String {
    let name = match value {
        0 => "uncompressed",
        1 => "ansiX962_compressed_prime",
        2 => "ansiX962_compressed_char2",
        _ => "unknown",
    };
    named_u8(name, value)
}

pub fn psk_mode_name(value: u8) -> String {
    let name = match value {
        0 => "psk_ke",
        1 => "psk_dhe_ke",
        _ => "unknown",
    };
    named_u8(name, value)
}

/// TLS 1.2's ClientCertificateType: which kinds of client key the server accepts.
pub fn certificate_type_name(value: u8) -> String {
    let name = match value {
        1 => "rsa_sign",
        2 => "dss_sign",
        3 => "rsa_fixed_dh",
        4 => "dss_fixed_dh",
        64 => "ecdsa_sign",
        65 => "rsa_fixed_ecdh",
        66 => "ecdsa_fixed_ecdh",
        _ => "unknown",
    };
    named_u8(name, value)
}

pub fn key_update_name(request: u8) -> String {
    let name = match request {
        0 => "update_not_requested",
        1 => "update_requested",
        _ => "unknown",
    };
    named_u8(name, request)
}

/// IANA's names. rustls keeps its `ExtensionType` under `rustls::internal`, not a stable API.
pub fn extension_name(id: u16) -> &'static str {
    match id {
        0 => "server_name",
        1 => "max_fragment_length",
        5 => "status_request",
        10 => "supported_groups",
        11 => "ec_point_formats",
        13 => "signature_algorithms",
        14 => "use_srtp",
        15 => "heartbeat",
        16 => "application_layer_protocol_negotiation",
        18 => "signed_certificate_timestamp",
        19 => "client_certificate_type",
        20 => "server_certificate_type",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        27 => "compress_certificate",
        28 => "record_size_limit",
        35 => "session_ticket",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        47 => "certificate_authorities",
        48 => "oid_filters",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        57 => "quic_transport_parameters",
        0xfe0d => "encrypted_client_hello",
        0xff01 => "renegotiation_info",
        id if is_grease(id) => "GREASE",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_keep_the_registry_spelling() {
        for (code, name) in [
            (0, "close_notify"),
            (20, "bad_record_mac"),
            (42, "bad_certificate"),
            (48, "unknown_ca"),
            (112, "unrecognized_name"),
            (115, "unknown_psk_identity"),
            (116, "certificate_required"),
            (121, "ech_required"),
            (200, "unknown alert"),
        ] {
            assert_eq!(alert_name(code), name);
        }
    }

    #[test]
    fn record_and_handshake_types_are_rustls_names() {
        assert_eq!(content_type_name(ContentType::from(22)), "Handshake");
        assert_eq!(content_type_name(ContentType::from(99)), "Unknown");
        assert_eq!(
            handshake_name(HandshakeType::from(13)),
            "CertificateRequest"
        );
        assert_eq!(
            handshake_name(HandshakeType::from(99)),
            "unknown handshake message"
        );
    }
}
