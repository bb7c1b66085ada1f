//! Decodes handshake messages into named fields.
//!
//! Input comes off the wire (or out of a decrypted record), so every read is checked: a short
//! or garbled message yields the fields read so far plus an "error" field, never a panic.

use super::keylog::hex;
use super::names::handshake_name;
use crate::pki::{inspect, Certificate};
use rustls::{CipherSuite, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub value: String,
}

impl Field {
    fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            label: label.into(),
            value: value.into(),
        }
    }

    fn error(problem: impl fmt::Display) -> Self {
        Field::new("error", problem.to_string())
    }
}

/// Decodes one whole handshake message (4-byte header: type, u24 length; then the body).
/// `tls13` says which protocol the session negotiated, since Certificate,
/// CertificateRequest and NewSessionTicket differ between 1.2 and 1.3 (ServerHello says
/// its version itself).
///
/// The first field is always "type" and the last always "length".
pub fn decode(message: &[u8], tls13: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut header = Reader::new(message, 0);
    let ty = match header.u8("the message header") {
        Ok(ty) => ty,
        Err(problem) => {
            fields.push(Field::error(problem));
            fields.push(Field::new("length", "unknown"));
            return fields;
        }
    };
    fields.push(Field::new(
        "type",
        format!("{} ({ty})", handshake_name(HandshakeType::from(ty))),
    ));
    let declared = match header.u24("the message header") {
        Ok(length) => length,
        Err(problem) => {
            fields.push(Field::error(problem));
            fields.push(Field::new("length", "unknown"));
            return fields;
        }
    };
    let rest = header.rest();
    let (body, after) = rest.split_at_checked(declared).unwrap_or((rest, &[]));
    let mut reader = Reader::new(body, 4);
    let decoded = match ty {
        1 => client_hello(&mut reader, &mut fields),
        2 => server_hello(&mut reader, &mut fields),
        4 => new_session_ticket(&mut reader, tls13, &mut fields),
        8 => encrypted_extensions(&mut reader, &mut fields),
        11 => certificate(&mut reader, tls13, &mut fields),
        12 => server_key_exchange(&mut reader, &mut fields),
        13 if tls13 => certificate_request_tls13(&mut reader, &mut fields),
        13 => certificate_request_tls12(&mut reader, &mut fields),
        14 => {
            fields.push(Field::new(
                "contents",
                "empty: the server has sent all its hello messages",
            ));
            Ok(())
        }
        15 => certificate_verify(&mut reader, &mut fields),
        16 => client_key_exchange(&mut reader, &mut fields),
        20 => {
            fields.push(Field::new("verify data", hex(reader.rest())));
            Ok(())
        }
        24 => key_update(&mut reader, &mut fields),
        // HelloRequest and EndOfEarlyData are empty.
        0 | 5 => Ok(()),
        _ => {
            reader.rest();
            Ok(())
        }
    };
    match decoded {
        Err(problem) => fields.push(Field::error(problem)),
        Ok(()) => {
            if let Err(problem) = reader.finish("the message") {
                fields.push(Field::error(problem));
            }
        }
    }
    if body.len() < declared {
        fields.push(Field::error(format!(
            "cut short: the header says {} but only {} arrived",
            byte_count(declared),
            byte_count(body.len())
        )));
    }
    if !after.is_empty() {
        fields.push(Field::error(format!(
            "{} follow the end of the message",
            byte_count(after.len())
        )));
    }
    fields.push(Field::new("length", byte_count(declared)));
    fields
}

/// Splits a plaintext handshake byte stream (one or more records' payloads concatenated)
/// into whole messages; returns the messages and any incomplete tail left over.
pub fn split(stream: &[u8]) -> (Vec<&[u8]>, &[u8]) {
    let mut messages = Vec::new();
    let mut rest = stream;
    while let [_, a, b, c, ..] = *rest {
        let length = (usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c);
        let Some((message, after)) = length
            .checked_add(4)
            .and_then(|total| rest.split_at_checked(total))
        else {
            break;
        };
        messages.push(message);
        rest = after;
    }
    (messages, rest)
}

/// Why decoding stopped.
#[derive(Debug)]
enum Garbled {
    Truncated {
        what: String,
        needed: usize,
        offset: usize,
        left: usize,
    },
    Trailing {
        what: String,
        count: usize,
    },
}

impl fmt::Display for Garbled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Garbled::Truncated {
                what,
                needed,
                offset,
                left,
            } => write!(
                f,
                "truncated in {what}: {} needed at byte {offset}, {} left",
                byte_count(*needed),
                byte_count(*left)
            ),
            Garbled::Trailing { what, count } => {
                write!(f, "{} too many in {what}", byte_count(*count))
            }
        }
    }
}

type Decoded<T> = Result<T, Garbled>;

/// Checked reads over part of a message. `offset` is where `bytes` starts in the whole
/// message, header included, so errors point at a byte a hex dump shows.
#[derive(Clone, Copy, Debug)]
struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], offset: usize) -> Self {
        Reader { bytes, offset }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }

    fn truncated(&self, needed: usize, what: &str) -> Garbled {
        Garbled::Truncated {
            what: what.to_string(),
            needed,
            offset: self.offset,
            left: self.bytes.len(),
        }
    }

    fn take(&mut self, count: usize, what: &str) -> Decoded<&'a [u8]> {
        let Some((head, rest)) = self.bytes.split_at_checked(count) else {
            return Err(self.truncated(count, what));
        };
        self.bytes = rest;
        self.offset = self.offset.saturating_add(count);
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Decoded<[u8; N]> {
        let Some((head, rest)) = self.bytes.split_first_chunk::<N>() else {
            return Err(self.truncated(N, what));
        };
        self.bytes = rest;
        self.offset = self.offset.saturating_add(N);
        Ok(*head)
    }

    fn u8(&mut self, what: &str) -> Decoded<u8> {
        let [byte] = self.array(what)?;
        Ok(byte)
    }

    fn u16(&mut self, what: &str) -> Decoded<u16> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    fn u24(&mut self, what: &str) -> Decoded<usize> {
        let [a, b, c] = self.array(what)?;
        Ok((usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c))
    }

    fn u32(&mut self, what: &str) -> Decoded<u32> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    /// A part of `length` bytes, read on its own.
    fn part(&mut self, length: usize, what: &str) -> Decoded<Reader<'a>> {
        let offset = self.offset;
        Ok(Reader::new(self.take(length, what)?, offset))
    }

    /// TLS's length-prefixed vectors, with 1-, 2- and 3-byte lengths.
    fn vec8(&mut self, what: &str) -> Decoded<Reader<'a>> {
        let length = usize::from(self.u8(what)?);
        self.part(length, what)
    }

    fn vec16(&mut self, what: &str) -> Decoded<Reader<'a>> {
        let length = usize::from(self.u16(what)?);
        self.part(length, what)
    }

    fn vec24(&mut self, what: &str) -> Decoded<Reader<'a>> {
        let length = self.u24(what)?;
        self.part(length, what)
    }

    fn rest(&mut self) -> &'a [u8] {
        let rest = self.bytes;
        self.offset = self.offset.saturating_add(rest.len());
        self.bytes = &[];
        rest
    }

    fn finish(&self, what: &str) -> Decoded<()> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Garbled::Trailing {
                what: what.to_string(),
                count: self.bytes.len(),
            })
        }
    }

    /// Reads the whole part as a list of u16 values and names each one.
    fn u16_list(mut self, what: &str, name: fn(u16) -> String) -> Decoded<String> {
        let mut names = Vec::new();
        while !self.is_empty() {
            names.push(name(self.u16(what)?));
        }
        Ok(list_text(names))
    }

    fn u8_list(mut self, what: &str, name: fn(u8) -> String) -> Decoded<String> {
        let mut names = Vec::new();
        while !self.is_empty() {
            names.push(name(self.u8(what)?));
        }
        Ok(list_text(names))
    }
}

fn client_hello(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    out.push(Field::new(
        "legacy version",
        version_name(r.u16("the legacy version")?),
    ));
    out.push(Field::new("random", hex(r.take(32, "the random")?)));
    out.push(Field::new(
        "session id",
        session_id(r.vec8("the session id")?.rest()),
    ));
    out.push(Field::new(
        "cipher suites",
        r.vec16("the cipher suites")?
            .u16_list("the cipher suites", cipher_suite_name)?,
    ));
    out.push(Field::new(
        "compression",
        r.vec8("the compression methods")?
            .u8_list("the compression methods", compression_name)?,
    ));
    Extensions::read(r)?.render(Context::ClientHello, out);
    Ok(())
}

/// SHA-256 of "HelloRetryRequest": a ServerHello with this random is a retry request.
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

fn server_hello(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    let legacy = r.u16("the version")?;
    // Fields go out as they are read, so a cut-short hello still shows its start; the
    // version is corrected once the extensions have been read.
    let mut version_at = out.len();
    out.push(Field::new("version", version_name(legacy)));
    let random = r.take(32, "the random")?;
    let retry = random == HELLO_RETRY_RANDOM;
    let random_text = if retry {
        out.insert(
            version_at,
            Field::new(
                "HelloRetryRequest",
                "yes: the server asks the client for a new ClientHello",
            ),
        );
        version_at += 1;
        format!("{} (the fixed HelloRetryRequest value)", hex(random))
    } else if random.ends_with(b"DOWNGRD\x01") || random.ends_with(b"DOWNGRD\x00") {
        format!(
            "{} (ends in DOWNGRD: the server could do TLS 1.3 but is negotiating lower)",
            hex(random)
        )
    } else {
        hex(random)
    };
    out.push(Field::new("random", random_text));
    out.push(Field::new(
        "session id",
        session_id(r.vec8("the session id")?.rest()),
    ));
    out.push(Field::new(
        "cipher suite",
        cipher_suite_name(r.u16("the cipher suite")?),
    ));
    out.push(Field::new(
        "compression",
        compression_name(r.u8("the compression method")?),
    ));
    let extensions = Extensions::read(r)?;
    // TLS 1.3 freezes the old field at 1.2 and says the real version in an extension.
    let supported = extensions
        .find(SUPPORTED_VERSIONS)
        .and_then(|mut data| data.u16("the supported_versions extension").ok());
    if let (Some(version), Some(field)) = (supported, out.get_mut(version_at)) {
        field.value = version_name(version);
        out.insert(
            version_at + 1,
            Field::new("legacy version", version_name(legacy)),
        );
    }
    let context = if retry {
        Context::HelloRetryRequest
    } else {
        Context::ServerHello
    };
    extensions.render(context, out);
    Ok(())
}

fn encrypted_extensions(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    Extensions::read_block(r, "the extensions")?.render(Context::EncryptedExtensions, out);
    Ok(())
}

fn certificate_request_tls13(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    out.push(Field::new(
        "context",
        context_text(r.vec8("the request context")?.rest()),
    ));
    let extensions = Extensions::read_block(r, "the extensions")?;
    extensions.render(Context::CertificateRequest, out);
    if extensions.problem.is_none() && extensions.find(CERTIFICATE_AUTHORITIES).is_none() {
        out.push(Field::new(
            CA_NAMES_ASKED,
            "none: no hint; the server still checks the chain against its own CAs",
        ));
    }
    Ok(())
}

fn certificate_request_tls12(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    out.push(Field::new(
        "certificate types",
        r.vec8("the certificate types")?
            .u8_list("the certificate types", certificate_type_name)?,
    ));
    out.push(Field::new(
        "signature algorithms",
        r.vec16("the signature algorithms")?
            .u16_list("the signature algorithms", scheme_name)?,
    ));
    let names = distinguished_names(r.vec16("the CA names")?, "the CA names")?;
    out.push(Field::new(
        CA_NAMES_ASKED,
        if names.is_empty() {
            "none: no hint; the server still checks the chain against its own CAs".to_string()
        } else {
            names
        },
    ));
    Ok(())
}

fn certificate(r: &mut Reader<'_>, tls13: bool, out: &mut Vec<Field>) -> Decoded<()> {
    if tls13 {
        out.push(Field::new(
            "context",
            context_text(r.vec8("the request context")?.rest()),
        ));
    }
    let mut list = r.vec24("the certificate list")?;
    if list.is_empty() {
        out.push(Field::new("certificates", "no certificate (empty list)"));
        return Ok(());
    }
    // The count goes first but is known last.
    let count_at = out.len();
    let mut position = 0usize;
    while !list.is_empty() {
        position = position.saturating_add(1);
        let der = list.vec24("a certificate")?.rest();
        certificate_entry(position, der, out);
        if tls13 {
            let extensions = Extensions::read_block(&mut list, "a certificate's extensions")?;
            if !extensions.entries.is_empty() {
                out.push(Field::new(
                    format!("certificate {position} extensions"),
                    list_text(
                        extensions
                            .entries
                            .iter()
                            .map(|(id, data)| {
                                format!(
                                    "{} ({id}): {}",
                                    extension_name(*id),
                                    byte_count(data.len())
                                )
                            })
                            .collect(),
                    ),
                ));
            }
            if let Some(problem) = extensions.problem {
                out.push(Field::error(problem));
            }
        }
    }
    out.insert(count_at, Field::new("certificates", position.to_string()));
    Ok(())
}

fn certificate_entry(position: usize, der: &[u8], out: &mut Vec<Field>) {
    let role = if position == 1 {
        "the sender's own"
    } else {
        "a CA certificate for the chain"
    };
    let view = Certificate::from_der(der.to_vec()).and_then(|cert| inspect::certificate(&cert));
    match view {
        Ok(view) => {
            out.push(Field::new(
                format!("certificate {position}"),
                format!("{}, {role}", byte_count(der.len())),
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
        Err(_) => out.push(Field::new(
            format!("certificate {position}"),
            format!(
                "{}, {role}, not a readable X.509 certificate",
                byte_count(der.len())
            ),
        )),
    }
}

fn certificate_verify(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    out.push(Field::new(
        "signature scheme",
        scheme_name(r.u16("the signature scheme")?),
    ));
    out.push(Field::new(
        "signature",
        byte_count(r.vec16("the signature")?.len()),
    ));
    Ok(())
}

/// TLS 1.2 ECDHE: the server's ephemeral key, signed with its certificate's key.
fn server_key_exchange(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    const NAMED_CURVE: u8 = 3;
    let curve_type = r.u8("the curve type")?;
    if curve_type != NAMED_CURVE {
        out.push(Field::new(
            "key exchange",
            format!(
                "not ECDHE with a named curve (curve type {curve_type}), {} more",
                byte_count(r.rest().len())
            ),
        ));
        return Ok(());
    }
    out.push(Field::new("curve", group_name(r.u16("the curve")?)));
    out.push(Field::new(
        "public key",
        byte_count(r.vec8("the public key")?.len()),
    ));
    out.push(Field::new(
        "signature scheme",
        scheme_name(r.u16("the signature scheme")?),
    ));
    out.push(Field::new(
        "signature",
        byte_count(r.vec16("the signature")?.len()),
    ));
    Ok(())
}

fn client_key_exchange(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    let point = r.vec8("the public key")?.rest();
    out.push(Field::new(
        "public key",
        format!("{}: {}", byte_count(point.len()), hex(point)),
    ));
    Ok(())
}

fn new_session_ticket(r: &mut Reader<'_>, tls13: bool, out: &mut Vec<Field>) -> Decoded<()> {
    let lifetime = r.u32("the ticket lifetime")?;
    let label = if tls13 { "lifetime" } else { "lifetime hint" };
    out.push(Field::new(label, format!("{lifetime} seconds")));
    if tls13 {
        out.push(Field::new(
            "age add",
            format!("0x{:08x}", r.u32("the ticket age add")?),
        ));
        let nonce = r.vec8("the ticket nonce")?.rest();
        out.push(Field::new(
            "nonce",
            if nonce.is_empty() {
                "empty".to_string()
            } else {
                hex(nonce)
            },
        ));
    }
    out.push(Field::new(
        "ticket",
        byte_count(r.vec16("the ticket")?.len()),
    ));
    if tls13 {
        Extensions::read_block(r, "the ticket extensions")?.render(Context::NewSessionTicket, out);
    }
    Ok(())
}

fn key_update(r: &mut Reader<'_>, out: &mut Vec<Field>) -> Decoded<()> {
    let request = r.u8("the update request")?;
    let name = match request {
        0 => "update_not_requested",
        1 => "update_requested",
        _ => "unknown",
    };
    out.push(Field::new("request", format!("{name} ({request})")));
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    EncryptedExtensions,
    CertificateRequest,
    NewSessionTicket,
}

const SUPPORTED_VERSIONS: u16 = 43;
const CERTIFICATE_AUTHORITIES: u16 = 47;
const CA_NAMES_ASKED: &str = "CA names the server asks for";

/// A message's extension block, read as far as it goes.
struct Extensions<'a> {
    entries: Vec<(u16, Reader<'a>)>,
    problem: Option<Garbled>,
}

impl<'a> Extensions<'a> {
    /// ClientHello and ServerHello may leave the whole block out.
    fn read(r: &mut Reader<'a>) -> Decoded<Self> {
        if r.is_empty() {
            return Ok(Extensions {
                entries: Vec::new(),
                problem: None,
            });
        }
        Self::read_block(r, "the extensions")
    }

    /// Fails only if the block itself is cut short; a garbled entry inside it ends the list
    /// and is kept as `problem`, since the block's length still says where the message goes on.
    fn read_block(r: &mut Reader<'a>, what: &str) -> Decoded<Self> {
        let mut block = r.vec16(what)?;
        let mut entries = Vec::new();
        let mut problem = None;
        while !block.is_empty() {
            let entry = block
                .u16("an extension's type")
                .and_then(|id| Ok((id, block.vec16("an extension")?)));
            match entry {
                Ok(entry) => entries.push(entry),
                Err(garbled) => {
                    problem = Some(garbled);
                    break;
                }
            }
        }
        Ok(Extensions { entries, problem })
    }

    fn find(&self, id: u16) -> Option<Reader<'a>> {
        self.entries
            .iter()
            .find(|(entry, _)| *entry == id)
            .map(|(_, data)| *data)
    }

    fn render(&self, context: Context, out: &mut Vec<Field>) {
        if self.entries.is_empty() && self.problem.is_none() {
            out.push(Field::new("extensions", "none"));
        }
        for (id, data) in &self.entries {
            extension(*id, *data, context, out);
        }
        if let Some(problem) = &self.problem {
            out.push(Field::error(problem));
        }
    }
}

/// One extension as a field: decoded where a learner cares, else its name and size.
fn extension(id: u16, mut data: Reader<'_>, context: Context, out: &mut Vec<Field>) {
    let name = extension_name(id);
    let what = format!("the {name} extension");
    let server_side = context != Context::ClientHello;
    let decoded: Option<(&str, Decoded<String>)> = match id {
        0 if data.is_empty() => Some(("server name", Ok("acknowledged".to_string()))),
        0 => Some(("server name", server_names(&mut data, &what))),
        10 => Some((
            "supported groups",
            data.vec16(&what)
                .and_then(|list| list.u16_list(&what, group_name)),
        )),
        11 => Some((
            "EC point formats",
            data.vec8(&what)
                .and_then(|list| list.u8_list(&what, point_format_name)),
        )),
        13 => Some((
            "signature algorithms",
            data.vec16(&what)
                .and_then(|list| list.u16_list(&what, scheme_name)),
        )),
        16 => Some(("ALPN", alpn(&mut data, &what))),
        SUPPORTED_VERSIONS if server_side => {
            Some(("supported versions", data.u16(&what).map(version_name)))
        }
        SUPPORTED_VERSIONS => Some((
            "supported versions",
            data.vec8(&what)
                .and_then(|list| list.u16_list(&what, version_name)),
        )),
        CERTIFICATE_AUTHORITIES => Some((
            if context == Context::CertificateRequest {
                CA_NAMES_ASKED
            } else {
                "CA names the client trusts"
            },
            data.vec16(&what)
                .and_then(|list| distinguished_names(list, &what)),
        )),
        45 => Some((
            "PSK modes",
            data.vec8(&what)
                .and_then(|list| list.u8_list(&what, psk_mode_name)),
        )),
        50 => Some((
            "signature algorithms for certificates",
            data.vec16(&what)
                .and_then(|list| list.u16_list(&what, scheme_name)),
        )),
        51 => Some(match context {
            Context::ClientHello => ("key shares", client_key_shares(&mut data, &what)),
            Context::HelloRetryRequest => ("key share requested", data.u16(&what).map(group_name)),
            _ => ("key share", key_share(&mut data, &what)),
        }),
        _ => None,
    };
    match decoded {
        None => out.push(Field::new(
            "extension",
            format!("{name} ({id}): {}", byte_count(data.len())),
        )),
        Some((label, Ok(value))) => {
            out.push(Field::new(label, value));
            if let Err(problem) = data.finish(&what) {
                out.push(Field::error(problem));
            }
        }
        Some((_, Err(problem))) => out.push(Field::error(problem)),
    }
}

fn server_names(data: &mut Reader<'_>, what: &str) -> Decoded<String> {
    let mut list = data.vec16(what)?;
    let mut names = Vec::new();
    while !list.is_empty() {
        let kind = list.u8(what)?;
        let name = text(list.vec16(what)?.rest());
        names.push(if kind == 0 {
            name
        } else {
            format!("{name} (name type {kind})")
        });
    }
    Ok(list_text(names))
}

fn alpn(data: &mut Reader<'_>, what: &str) -> Decoded<String> {
    let mut list = data.vec16(what)?;
    let mut protocols = Vec::new();
    while !list.is_empty() {
        protocols.push(text(list.vec8(what)?.rest()));
    }
    Ok(list_text(protocols))
}

fn client_key_shares(data: &mut Reader<'_>, what: &str) -> Decoded<String> {
    let mut list = data.vec16(what)?;
    let mut shares = Vec::new();
    while !list.is_empty() {
        shares.push(key_share(&mut list, what)?);
    }
    Ok(list_text(shares))
}

fn key_share(data: &mut Reader<'_>, what: &str) -> Decoded<String> {
    let group = group_name(data.u16(what)?);
    let key = data.vec16(what)?;
    Ok(format!("{group}: {}-byte key", key.len()))
}

/// X.500 names, each a DER Name, shown as openssl shows them; "; " between names since
/// each name has commas of its own.
fn distinguished_names(mut list: Reader<'_>, what: &str) -> Decoded<String> {
    use der::Decode;
    let mut names = Vec::new();
    while !list.is_empty() {
        let der = list.vec16(what)?.rest();
        names.push(match x509_cert::name::Name::from_der(der) {
            Ok(name) => inspect::name_text(&name),
            Err(_) => format!("unreadable name ({})", byte_count(der.len())),
        });
    }
    Ok(names.join("; "))
}

fn byte_count(count: usize) -> String {
    if count == 1 {
        "1 byte".to_string()
    } else {
        format!("{count} bytes")
    }
}

fn list_text(items: Vec<String>) -> String {
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

/// Browsers sprinkle reserved values (0x0a0a, 0x1a1a, …) to keep servers tolerant.
fn is_grease(value: u16) -> bool {
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

fn cipher_suite_name(value: u16) -> String {
    // `as_str`, not Debug: Debug prints many older suites as `CipherSuite(0x…)`.
    named_u16(CipherSuite::from(value).as_str(), value)
}

fn scheme_name(value: u16) -> String {
    named_u16(SignatureScheme::from(value).as_str(), value)
}

fn group_name(value: u16) -> String {
    named_u16(NamedGroup::from(value).as_str(), value)
}

/// "TLS 1.3 (0x0304)", the way the rest of the lab writes versions.
fn version_name(value: u16) -> String {
    let name = ProtocolVersion::from(value)
        .as_str()
        .map(|name| name.replace("TLSv1_", "TLS 1."));
    named_u16(name.as_deref(), value)
}

fn named_u8(name: &str, value: u8) -> String {
    format!("{name} ({value})")
}

fn compression_name(value: u8) -> String {
    let name = match value {
        0 => "null",
        1 => "DEFLATE",
        _ => "unknown",
    };
    named_u8(name, value)
}

fn point_format_name(value: u8) -> String {
    let name = match value {
        0 => "uncompressed",
        1 => "ansiX962_compressed_prime",
        2 => "ansiX962_compressed_char2",
        _ => "unknown",
    };
    named_u8(name, value)
}

fn psk_mode_name(value: u8) -> String {
    let name = match value {
        0 => "psk_ke",
        1 => "psk_dhe_ke",
        _ => "unknown",
    };
    named_u8(name, value)
}

/// TLS 1.2's ClientCertificateType: which kinds of client key the server accepts.
fn certificate_type_name(value: u8) -> String {
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

/// IANA's names. rustls keeps its `ExtensionType` under `rustls::internal`, not a stable API.
fn extension_name(id: u16) -> &'static str {
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
    use crate::clock::unix_now;
    use crate::tls::{Direction, Outcome, TlsVersion};
    use crate::workshop::{Party, Scenario, Settings, Workshop};
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

    fn assert_clean(fields: &[Field]) {
        assert!(
            fields.iter().all(|f| f.label != "error"),
            "unexpected error in {fields:#?}"
        );
        assert_eq!(fields.first().map(|f| f.label.as_str()), Some("type"));
        assert_eq!(fields.last().map(|f| f.label.as_str()), Some("length"));
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
        let fields = decode(&message(1, &client_hello_body()), true);
        assert_clean(&fields);
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
        let fields = decode(&message(2, &server_hello_body([0x55; 32], &share)), true);
        assert_clean(&fields);
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
        let fields = decode(&message(2, &body), true);
        assert_clean(&fields);
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
        let fields = decode(&message(2, &body), false);
        assert_clean(&fields);
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

    fn connect(version: TlsVersion, scenario: Scenario) -> Outcome {
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
                r.direction == direction
                    && r.content_type == rustls::ContentType::Handshake
                    && !r.encrypted
            })
            .flat_map(|r| r.bytes[5..].to_vec())
            .collect();
        let (messages, tail) = split(&stream);
        assert!(tail.is_empty(), "{} bytes left over", tail.len());
        messages.into_iter().map(<[u8]>::to_vec).collect()
    }

    fn types(messages: &[Vec<u8>]) -> Vec<u8> {
        messages.iter().map(|m| m[0]).collect()
    }

    fn subject_der(party: Party) -> Vec<u8> {
        use x509_parser::prelude::FromDer;
        let cert = workshop()
            .certificate(party)
            .expect("the certificate exists");
        let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(cert.der()).unwrap();
        parsed.subject().as_raw().to_vec()
    }

    #[test]
    fn a_real_tls13_client_hello_and_server_hello() {
        let outcome = connect(TlsVersion::Tls13, Scenario::Mutual);
        assert!(outcome.result.is_ok(), "{}", outcome.headline());
        let client = plaintext_messages(&outcome, Direction::ClientToServer);
        let server = plaintext_messages(&outcome, Direction::ServerToClient);
        assert_eq!(types(&client), [1]);
        assert_eq!(types(&server), [2]);

        let hello = decode(&client[0], true);
        assert_clean(&hello);
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

        let reply = decode(&server[0], true);
        assert_clean(&reply);
        assert_eq!(value(&reply, "version"), "TLS 1.3 (0x0304)");
        assert!(value(&reply, "cipher suite").starts_with("TLS13_"));
        assert!(value(&reply, "key share").starts_with("X25519 (0x001d)"));
        assert_eq!(value(&hello, "session id"), value(&reply, "session id"));
    }

    #[test]
    fn a_real_tls12_handshake_in_the_clear() {
        let outcome = connect(TlsVersion::Tls12, Scenario::Mutual);
        assert!(outcome.result.is_ok(), "{}", outcome.headline());
        let server = plaintext_messages(&outcome, Direction::ServerToClient);
        let client = plaintext_messages(&outcome, Direction::ClientToServer);
        assert_eq!(types(&server), [2, 11, 12, 13, 14]);
        assert_eq!(types(&client), [1, 11, 16, 15]);
        for message in server.iter().chain(&client) {
            assert_clean(&decode(message, false));
        }

        let hello = decode(&server[0], false);
        assert_eq!(value(&hello, "version"), "TLS 1.2 (0x0303)");
        assert!(value(&hello, "cipher suite").starts_with("TLS_ECDHE_ECDSA_WITH_"));

        let chain = decode(&server[1], false);
        assert!(!chain.iter().any(|f| f.label == "context"));
        assert_eq!(value(&chain, "certificates"), "2");
        assert!(value(&chain, "certificate 1").ends_with("the sender's own"));
        assert!(value(&chain, "certificate 1 subject").contains("CN = client-c.local"));
        assert!(value(&chain, "certificate 1 issuer").contains("CN = Client C Intermediate CA"));
        assert!(value(&chain, "certificate 1 key").starts_with("EC P-256"));
        assert!(value(&chain, "certificate 2 subject").contains("CN = Client C Intermediate CA"));

        let key_exchange = decode(&server[2], false);
        assert_eq!(value(&key_exchange, "curve"), "X25519 (0x001d)");
        assert_eq!(value(&key_exchange, "public key"), "32 bytes");
        assert_eq!(
            value(&key_exchange, "signature scheme"),
            "ECDSA_NISTP256_SHA256 (0x0403)"
        );

        let request = decode(&server[3], false);
        assert!(value(&request, "certificate types").contains("ecdsa_sign (64)"));
        assert!(value(&request, "signature algorithms").contains("ECDSA_NISTP256_SHA256"));
        let asked = value(&request, CA_NAMES_ASKED);
        assert!(asked.contains("CN = Client C Root CA"), "{asked}");
        assert!(asked.contains("CN = Client C Intermediate CA"), "{asked}");

        assert!(value(&decode(&server[4], false), "contents").starts_with("empty"));

        let presented = decode(&client[1], false);
        assert!(value(&presented, "certificate 1 subject").contains("CN = client-b.local"));
        assert!(value(&decode(&client[2], false), "public key").starts_with("32 bytes: "));
        let verify = decode(&client[3], false);
        assert_eq!(
            value(&verify, "signature scheme"),
            "ECDSA_NISTP256_SHA256 (0x0403)"
        );
        assert!(value(&verify, "signature").ends_with("bytes"));
    }

    #[test]
    fn no_client_certificate_is_an_empty_list() {
        let outcome = connect(TlsVersion::Tls12, Scenario::NoClientCertificate);
        let client = plaintext_messages(&outcome, Direction::ClientToServer);
        assert_eq!(client.get(1).map(|m| m[0]), Some(11));
        let fields = decode(&client[1], false);
        assert_clean(&fields);
        assert_eq!(
            value(&fields, "certificates"),
            "no certificate (empty list)"
        );

        let tls13 = decode(&message(11, &[0, 0, 0, 0]), true);
        assert_clean(&tls13);
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
        let fields = decode(&message(11, &body), true);
        assert_clean(&fields);
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
        let fields = decode(&message(13, &body), true);
        assert_clean(&fields);
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
        let fields = decode(&message(13, &bare), true);
        assert_clean(&fields);
        assert!(value(&fields, CA_NAMES_ASKED).starts_with("none"));
    }

    #[test]
    fn a_tls12_certificate_request() {
        let mut body = vec8(&[1, 64]);
        body.extend(vec16(&u16s(&[0x0401, 0x0403])));
        body.extend(vec16(&vec16(&subject_der(Party::CRoot))));
        let fields = decode(&message(13, &body), false);
        assert_clean(&fields);
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
        let finished = decode(&message(20, &[0xab; 12]), true);
        assert_clean(&finished);
        assert_eq!(value(&finished, "verify data"), "ab".repeat(12));

        let verify = decode(&message(15, &[0x08, 0x04, 0, 3, 1, 2, 3]), true);
        assert_clean(&verify);
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
        let fields = decode(&message(4, &ticket), true);
        assert_clean(&fields);
        assert_eq!(value(&fields, "lifetime"), "7200 seconds");
        assert_eq!(value(&fields, "age add"), "0x01020304");
        assert_eq!(value(&fields, "nonce"), "00");
        assert_eq!(value(&fields, "ticket"), "100 bytes");

        let update = decode(&message(24, &[1]), true);
        assert_clean(&update);
        assert_eq!(value(&update, "type"), "KeyUpdate (24)");
        assert_eq!(value(&update, "request"), "update_requested (1)");

        let unknown = decode(&message(99, &[1, 2, 3]), true);
        assert_clean(&unknown);
        assert_eq!(
            unknown,
            [
                Field::new("type", "unknown handshake message (99)"),
                Field::new("length", "3 bytes"),
            ]
        );

        let none = decode(&message(8, &vec16(&[])), true);
        assert_clean(&none);
        assert_eq!(value(&none, "extensions"), "none");
    }

    #[test]
    fn garbled_input_is_reported_not_fatal() {
        let hello = message(1, &client_hello_body());
        let cut = decode(&hello[..60], true);
        assert_eq!(value(&cut, "random"), "11".repeat(32));
        let problems: Vec<&str> = cut
            .iter()
            .filter(|f| f.label == "error")
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
            decode(&[], true),
            [
                Field::error(
                    "truncated in the message header: 1 byte needed at byte 0, 0 bytes left"
                ),
                Field::new("length", "unknown")
            ]
        );
        let hello = message(2, &server_hello_body([0x55; 32], &[]));
        let cut = decode(&hello[..50], true);
        assert_eq!(value(&cut, "version"), "TLS 1.2 (0x0303)");
        assert_eq!(value(&cut, "random"), "55".repeat(32));
        assert!(value(&cut, "error").starts_with("truncated in the session id"));
        let mut padded = message(14, &[]);
        padded.push(0);
        let fields = decode(&padded, false);
        assert_eq!(
            value(&fields, "error"),
            "1 byte follow the end of the message"
        );
        let fields = decode(&message(14, &[7, 7]), false);
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
            (TlsVersion::Tls13, Scenario::Mutual),
            (TlsVersion::Tls12, Scenario::Mutual),
            (TlsVersion::Tls12, Scenario::NoClientCertificate),
        ] {
            let outcome = connect(version, scenario);
            for direction in [Direction::ClientToServer, Direction::ServerToClient] {
                samples.extend(plaintext_messages(&outcome, direction));
            }
        }
        let check = |bytes: &[u8]| {
            for tls13 in [false, true] {
                let fields = decode(bytes, tls13);
                assert_eq!(fields.last().map(|f| f.label.as_str()), Some("length"));
            }
        };
        for sample in &samples {
            for end in 0..sample.len() {
                check(&sample[..end]);
                assert!(decode(&sample[..end], false)
                    .iter()
                    .any(|f| f.label == "error"));
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
}
