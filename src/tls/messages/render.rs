//! Decoded messages as the label/value fields the page lists under each message.
//!
//! This is the one place that turns types into words: the decoders keep numbers and bytes,
//! and every name and sentence a learner reads is chosen here.

use super::super::decrypt::{Message, MessageKind};
use super::super::keylog::hex;
use super::super::names::{
    alert_name, byte_count, certificate_type_name, cipher_suite_name, compression_name,
    extension_name, group_name, handshake_name, key_update_name, point_format_name, psk_mode_name,
    scheme_name, version_name,
};
use super::extensions::CERTIFICATE_AUTHORITIES;
use super::{
    Body, Certificate, CertificateRequest, CertificateRequestTls12, CertificateRequestTls13,
    CertificateVerify, ClientHello, ClientKeyExchange, Context, Decoded, DistinguishedName,
    Extension, ExtensionValue, Extensions, KeyShare, NewSessionTicket, ServerHello,
    ServerKeyExchange,
};
use crate::pki::inspect;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

impl Field {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            label: label.into(),
            value: value.into(),
        }
    }

    fn problem(problem: impl fmt::Display) -> Self {
        Field::new(PROBLEM, problem.to_string())
    }

    /// Whether this field reports a problem rather than a value.
    pub fn is_problem(&self) -> bool {
        self.label == PROBLEM
    }
}

/// The label under which a problem is listed, where it was found.
const PROBLEM: &str = "error";
pub const CA_NAMES_ASKED: &str = "CA names the server asks for";
const NO_CA_NAMES: &str = "none: no hint; the server still checks the chain against its own CAs";

/// A decoded handshake message as fields. The first is "type" when the message has one,
/// and the last is always "length".
pub fn fields(decoded: &Decoded) -> Vec<Field> {
    let mut out = Vec::new();
    if let Some(ty) = decoded.ty {
        out.push(Field::new(
            "type",
            format!("{} ({})", handshake_name(ty), u8::from(ty)),
        ));
    }
    body(&decoded.body, &mut out);
    out.extend(decoded.problems.iter().map(Field::problem));
    out.push(Field::new(
        "length",
        decoded.length.map_or_else(|| "unknown".into(), byte_count),
    ));
    out
}

/// Any message of a run as fields: handshake messages decoded, the rest described.
pub fn message_fields(message: &Message, tls13: bool) -> Vec<Field> {
    match &message.kind {
        MessageKind::Handshake(_) => fields(&super::decode(&message.bytes, tls13)),
        MessageKind::Alert { fatal, description } => vec![
            Field::new("level", if *fatal { "fatal (2)" } else { "warning (1)" }),
            Field::new(
                "description",
                format!("{} ({description})", alert_name(*description)),
            ),
        ],
        MessageKind::ApplicationData => {
            vec![Field::new("text", String::from_utf8_lossy(&message.bytes))]
        }
        MessageKind::ChangeCipherSpec => vec![Field::new(
            "meaning",
            if tls13 {
                "none: sent only so that middleboxes let TLS 1.3 through"
            } else {
                "from now on this side encrypts"
            },
        )],
        MessageKind::Unreadable => vec![Field::new(
            "length",
            format!("{} bytes", message.bytes.len()),
        )],
    }
}

fn body(body: &Body, out: &mut Vec<Field>) {
    match body {
        Body::ClientHello(hello) => client_hello(hello, out),
        Body::ServerHello(hello) => server_hello(hello, out),
        Body::NewSessionTicket(ticket) => new_session_ticket(ticket, out),
        Body::EncryptedExtensions(extensions) => {
            if let Some(extensions) = extensions {
                extension_block(extensions, Context::EncryptedExtensions, out);
            }
        }
        Body::Certificate(certificate) => certificate_list(certificate, out),
        Body::ServerKeyExchange(exchange) => server_key_exchange(exchange, out),
        Body::CertificateRequest(CertificateRequest::Tls13(request)) => {
            certificate_request_tls13(request, out)
        }
        Body::CertificateRequest(CertificateRequest::Tls12(request)) => {
            certificate_request_tls12(request, out)
        }
        Body::ServerHelloDone => out.push(Field::new(
            "contents",
            "empty: the server has sent all its hello messages",
        )),
        Body::CertificateVerify(verify) => certificate_verify(verify, out),
        Body::ClientKeyExchange(ClientKeyExchange { public_key }) => {
            if let Some(key) = public_key {
                out.push(Field::new(
                    "public key",
                    format!("{}: {}", byte_count(key.len()), hex(key)),
                ));
            }
        }
        Body::Finished(finished) => out.push(Field::new("verify data", hex(&finished.verify_data))),
        Body::KeyUpdate(update) => {
            if let Some(request) = update.request {
                out.push(Field::new("request", key_update_name(request)));
            }
        }
        Body::Unread | Body::Empty | Body::Other(_) => {}
    }
}

fn client_hello(hello: &ClientHello, out: &mut Vec<Field>) {
    if let Some(version) = hello.legacy_version {
        out.push(Field::new("legacy version", version_name(version)));
    }
    if let Some(random) = &hello.random {
        out.push(Field::new("random", hex(random)));
    }
    if let Some(id) = &hello.session_id {
        out.push(Field::new("session id", session_id(id)));
    }
    if let Some(suites) = &hello.cipher_suites {
        out.push(Field::new(
            "cipher suites",
            list(suites.iter().map(|s| cipher_suite_name(*s))),
        ));
    }
    if let Some(methods) = &hello.compression_methods {
        out.push(Field::new(
            "compression",
            list(methods.iter().map(|m| compression_name(*m))),
        ));
    }
    if let Some(extensions) = &hello.extensions {
        extension_block(extensions, Context::ClientHello, out);
    }
}

fn server_hello(hello: &ServerHello, out: &mut Vec<Field>) {
    let Some(legacy) = hello.legacy_version else {
        return;
    };
    if hello.is_retry_request() {
        out.push(Field::new(
            "HelloRetryRequest",
            "yes: the server asks the client for a new ClientHello",
        ));
    }
    // TLS 1.3 freezes the old field at 1.2 and says the real version in an extension.
    match hello.selected_version() {
        Some(version) => {
            out.push(Field::new("version", version_name(version)));
            out.push(Field::new("legacy version", version_name(legacy)));
        }
        None => out.push(Field::new("version", version_name(legacy))),
    }
    if let Some(random) = &hello.random {
        let text = if hello.is_retry_request() {
            format!("{} (the fixed HelloRetryRequest value)", hex(random))
        } else if hello.signals_downgrade() {
            format!(
                "{} (ends in DOWNGRD: the server could do TLS 1.3 but is negotiating lower)",
                hex(random)
            )
        } else {
            hex(random)
        };
        out.push(Field::new("random", text));
    }
    if let Some(id) = &hello.session_id {
        out.push(Field::new("session id", session_id(id)));
    }
    if let Some(suite) = hello.cipher_suite {
        out.push(Field::new("cipher suite", cipher_suite_name(suite)));
    }
    if let Some(method) = hello.compression_method {
        out.push(Field::new("compression", compression_name(method)));
    }
    if let Some(extensions) = &hello.extensions {
        let context = if hello.is_retry_request() {
            Context::HelloRetryRequest
        } else {
            Context::ServerHello
        };
        extension_block(extensions, context, out);
    }
}

fn certificate_request_tls13(request: &CertificateRequestTls13, out: &mut Vec<Field>) {
    if let Some(context) = &request.context {
        out.push(Field::new("context", context_text(context)));
    }
    if let Some(extensions) = &request.extensions {
        extension_block(extensions, Context::CertificateRequest, out);
        if extensions.problem.is_none() && extensions.find(CERTIFICATE_AUTHORITIES).is_none() {
            out.push(Field::new(CA_NAMES_ASKED, NO_CA_NAMES));
        }
    }
}

fn certificate_request_tls12(request: &CertificateRequestTls12, out: &mut Vec<Field>) {
    if let Some(types) = &request.certificate_types {
        out.push(Field::new(
            "certificate types",
            list(types.iter().map(|t| certificate_type_name(*t))),
        ));
    }
    if let Some(schemes) = &request.signature_algorithms {
        out.push(Field::new(
            "signature algorithms",
            list(schemes.iter().map(|s| scheme_name(*s))),
        ));
    }
    if let Some(names) = &request.certificate_authorities {
        let text = names_text(names);
        out.push(Field::new(
            CA_NAMES_ASKED,
            if text.is_empty() {
                NO_CA_NAMES.to_string()
            } else {
                text
            },
        ));
    }
}

fn certificate_list(certificate: &Certificate, out: &mut Vec<Field>) {
    if let Some(context) = &certificate.context {
        out.push(Field::new("context", context_text(context)));
    }
    if certificate.is_empty() {
        out.push(Field::new("certificates", "no certificate (empty list)"));
        return;
    }
    // A count only for a list read to its end.
    if certificate.whole {
        out.push(Field::new(
            "certificates",
            certificate.entries.len().to_string(),
        ));
    }
    for (index, entry) in certificate.entries.iter().enumerate() {
        let position = index + 1;
        let role = if position == 1 {
            "the sender's own"
        } else {
            "a CA certificate for the chain"
        };
        let size = byte_count(entry.der.len());
        match entry.view() {
            Some(view) => {
                out.push(Field::new(
                    format!("certificate {position}"),
                    format!("{size}, {role}"),
                ));
                out.push(Field::new(
                    format!("certificate {position} subject"),
                    view.subject,
                ));
                out.push(Field::new(
                    format!("certificate {position} issuer"),
                    view.issuer,
                ));
                out.push(Field::new(
                    format!("certificate {position} key"),
                    view.public_key,
                ));
            }
            None => out.push(Field::new(
                format!("certificate {position}"),
                format!("{size}, {role}, not a readable X.509 certificate"),
            )),
        }
        let Some(extensions) = &entry.extensions else {
            continue;
        };
        if !extensions.entries.is_empty() {
            out.push(Field::new(
                format!("certificate {position} extensions"),
                list(extensions.entries.iter().map(extension_size)),
            ));
        }
        if let Some(problem) = &extensions.problem {
            out.push(Field::problem(problem));
        }
    }
}

fn certificate_verify(verify: &CertificateVerify, out: &mut Vec<Field>) {
    if let Some(scheme) = verify.scheme {
        out.push(Field::new("signature scheme", scheme_name(scheme)));
    }
    if let Some(signature) = &verify.signature {
        out.push(Field::new("signature", byte_count(signature.len())));
    }
}

fn server_key_exchange(exchange: &ServerKeyExchange, out: &mut Vec<Field>) {
    if let (Some(curve_type), Some(other)) = (exchange.curve_type, &exchange.other) {
        out.push(Field::new(
            "key exchange",
            format!(
                "not ECDHE with a named curve (curve type {curve_type}), {} more",
                byte_count(other.len())
            ),
        ));
        return;
    }
    if let Some(curve) = exchange.curve {
        out.push(Field::new("curve", group_name(curve)));
    }
    if let Some(key) = &exchange.public_key {
        out.push(Field::new("public key", byte_count(key.len())));
    }
    if let Some(scheme) = exchange.scheme {
        out.push(Field::new("signature scheme", scheme_name(scheme)));
    }
    if let Some(signature) = &exchange.signature {
        out.push(Field::new("signature", byte_count(signature.len())));
    }
}

fn new_session_ticket(ticket: &NewSessionTicket, out: &mut Vec<Field>) {
    if let Some(lifetime) = ticket.lifetime {
        let label = if ticket.tls13 {
            "lifetime"
        } else {
            "lifetime hint"
        };
        out.push(Field::new(label, format!("{lifetime} seconds")));
    }
    if let Some(age_add) = ticket.age_add {
        out.push(Field::new("age add", format!("0x{age_add:08x}")));
    }
    if let Some(nonce) = &ticket.nonce {
        let text = if nonce.is_empty() {
            "empty".to_string()
        } else {
            hex(nonce)
        };
        out.push(Field::new("nonce", text));
    }
    if let Some(body) = &ticket.ticket {
        out.push(Field::new("ticket", byte_count(body.len())));
    }
    if let Some(extensions) = &ticket.extensions {
        extension_block(extensions, Context::NewSessionTicket, out);
    }
}

fn extension_block(extensions: &Extensions, context: Context, out: &mut Vec<Field>) {
    if extensions.entries.is_empty() && extensions.problem.is_none() {
        out.push(Field::new("extensions", "none"));
    }
    for extension in &extensions.entries {
        match &extension.value {
            // Extensions the lab only names.
            None if extension.problem.is_none() => {
                out.push(Field::new("extension", extension_size(extension)))
            }
            None => {}
            Some(value) => {
                let (label, text) = extension_value(value, context);
                out.push(Field::new(label, text));
            }
        }
        if let Some(problem) = &extension.problem {
            out.push(Field::problem(problem));
        }
    }
    if let Some(problem) = &extensions.problem {
        out.push(Field::problem(problem));
    }
}

/// "status_request (5): 5 bytes".
fn extension_size(extension: &Extension) -> String {
    format!(
        "{} ({}): {}",
        extension_name(extension.id),
        extension.id,
        byte_count(extension.data.len())
    )
}

fn extension_value(value: &ExtensionValue, context: Context) -> (&'static str, String) {
    use ExtensionValue as V;
    let schemes =
        |schemes: &[rustls::SignatureScheme]| list(schemes.iter().map(|s| scheme_name(*s)));
    match value {
        V::ServerNameAcknowledged => ("server name", "acknowledged".to_string()),
        V::ServerNames(names) => (
            "server name",
            list(names.iter().map(|name| {
                let text = text(&name.name);
                if name.kind == 0 {
                    text
                } else {
                    format!("{text} (name type {})", name.kind)
                }
            })),
        ),
        V::SupportedGroups(groups) => (
            "supported groups",
            list(groups.iter().map(|g| group_name(*g))),
        ),
        V::PointFormats(formats) => (
            "EC point formats",
            list(formats.iter().map(|f| point_format_name(*f))),
        ),
        V::SignatureAlgorithms(list) => ("signature algorithms", schemes(list)),
        V::Alpn(protocols) => ("ALPN", list(protocols.iter().map(|p| text(p)))),
        V::SupportedVersions(versions) => (
            "supported versions",
            list(versions.iter().map(|v| version_name(*v))),
        ),
        V::SelectedVersion(version) => ("supported versions", version_name(*version)),
        V::CertificateAuthorities(names) => (
            if context == Context::CertificateRequest {
                CA_NAMES_ASKED
            } else {
                "CA names the client trusts"
            },
            names_text(names),
        ),
        V::PskModes(modes) => ("PSK modes", list(modes.iter().map(|m| psk_mode_name(*m)))),
        V::SignatureAlgorithmsCert(list) => {
            ("signature algorithms for certificates", schemes(list))
        }
        V::KeyShares(shares) => ("key shares", list(shares.iter().map(key_share))),
        V::KeyShareRequested(group) => ("key share requested", group_name(*group)),
        V::KeyShare(share) => ("key share", key_share(share)),
    }
}

fn key_share(share: &KeyShare) -> String {
    format!("{}: {}-byte key", group_name(share.group), share.key.len())
}

/// X.500 names shown as openssl shows them; "; " between names since each name has commas
/// of its own.
fn names_text(names: &[DistinguishedName]) -> String {
    names
        .iter()
        .map(|name| match name.name() {
            Some(name) => inspect::name_text(&name),
            None => format!("unreadable name ({})", byte_count(name.der().len())),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Peer-chosen text (host names, ALPN ids), with control characters made visible.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn session_id(id: &[u8]) -> String {
    if id.is_empty() {
        "empty".to_string()
    } else {
        format!("{}: {}", byte_count(id.len()), hex(id))
    }
}

fn context_text(context: &[u8]) -> String {
    if context.is_empty() {
        "empty".to_string()
    } else {
        hex(context)
    }
}
