//! Handshake messages, decoded into types.
//!
//! Input comes off the wire (or out of a decrypted record), so every read is checked: a short
//! or garbled message decodes as far as it goes, its fields after the break left `None`, and
//! the break itself is a [`Problem`]. Nothing here panics on any input.
//!
//! [`render`] turns a decoded message into the label/value fields the page shows.

mod certificate;
mod exchange;
mod extensions;
mod hello;
pub mod render;
#[cfg(test)]
mod tests;

pub use certificate::{
    Certificate, CertificateEntry, CertificateRequest, CertificateRequestTls12,
    CertificateRequestTls13, CertificateVerify,
};
pub use exchange::{ClientKeyExchange, Finished, KeyUpdate, NewSessionTicket, ServerKeyExchange};
pub use extensions::{
    Context, DistinguishedName, Extension, ExtensionValue, Extensions, KeyShare, ServerName,
};
pub use hello::{ClientHello, ServerHello, HELLO_RETRY_RANDOM};
pub use render::{fields, Field};

use super::names::byte_count;
use super::wire::{Read, Reader, WireError, HANDSHAKE_HEADER_LEN};
use rustls::HandshakeType;
use std::fmt;

/// One handshake message, decoded as far as it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The type byte; `None` when the message is empty.
    pub ty: Option<HandshakeType>,
    /// The body length the header declares; `None` when the header is cut short.
    pub length: Option<usize>,
    pub body: Body,
    /// What went wrong with the message as a whole, in the order found. Problems inside an
    /// extension block stay with that block.
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The header was cut short: nothing of the body was read.
    Unread,
    ClientHello(ClientHello),
    ServerHello(ServerHello),
    NewSessionTicket(NewSessionTicket),
    EncryptedExtensions(Option<Extensions>),
    Certificate(Certificate),
    ServerKeyExchange(ServerKeyExchange),
    CertificateRequest(CertificateRequest),
    /// Empty: the server has sent all its hello messages.
    ServerHelloDone,
    CertificateVerify(CertificateVerify),
    ClientKeyExchange(ClientKeyExchange),
    Finished(Finished),
    KeyUpdate(KeyUpdate),
    /// HelloRequest and EndOfEarlyData, empty by definition.
    Empty,
    /// A message the lab does not decode, its body as sent.
    Other(Vec<u8>),
}

/// What went wrong with a message as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Decoding stopped: a part was cut short, or the body went on past its last field.
    Garbled(WireError),
    /// The header declares more than arrived.
    CutShort { declared: usize, arrived: usize },
    /// Bytes follow the end the header declares.
    FollowingBytes(usize),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Garbled(garbled) => garbled.fmt(f),
            Problem::CutShort { declared, arrived } => write!(
                f,
                "cut short: the header says {} but only {} arrived",
                byte_count(*declared),
                byte_count(*arrived)
            ),
            Problem::FollowingBytes(count) => {
                write!(f, "{} follow the end of the message", byte_count(*count))
            }
        }
    }
}

/// Decodes one whole handshake message (4-byte header: type, u24 length; then the body).
/// `tls13` says which protocol the session negotiated, since Certificate,
/// CertificateRequest and NewSessionTicket differ between 1.2 and 1.3 (ServerHello says
/// its version itself).
pub fn decode(message: &[u8], tls13: bool) -> Decoded {
    let mut decoded = Decoded {
        ty: None,
        length: None,
        body: Body::Unread,
        problems: Vec::new(),
    };
    let mut header = Reader::new(message, 0);
    match header.u8("the message header") {
        Ok(ty) => decoded.ty = Some(HandshakeType::from(ty)),
        Err(garbled) => {
            decoded.problems.push(Problem::Garbled(garbled));
            return decoded;
        }
    }
    let declared = match header.u24("the message header") {
        Ok(length) => length,
        Err(garbled) => {
            decoded.problems.push(Problem::Garbled(garbled));
            return decoded;
        }
    };
    decoded.length = Some(declared);
    let rest = header.rest();
    let (body, after) = rest.split_at_checked(declared).unwrap_or((rest, &[]));
    let mut reader = Reader::new(body, HANDSHAKE_HEADER_LEN);
    let ty = decoded.ty.unwrap_or(HandshakeType::Unknown(0));
    let (typed, read) = read_body(&mut reader, ty, tls13);
    decoded.body = typed;
    if let Err(garbled) = read.and_then(|()| reader.finish("the message")) {
        decoded.problems.push(Problem::Garbled(garbled));
    }
    if body.len() < declared {
        decoded.problems.push(Problem::CutShort {
            declared,
            arrived: body.len(),
        });
    }
    if !after.is_empty() {
        decoded.problems.push(Problem::FollowingBytes(after.len()));
    }
    decoded
}

/// Reads a message of type `T` field by field; on a break, returns what was read and why.
fn read<T>(
    r: &mut Reader<'_>,
    start: T,
    read: impl FnOnce(&mut Reader<'_>, &mut T) -> Read<()>,
    wrap: impl FnOnce(T) -> Body,
) -> (Body, Read<()>) {
    let mut message = start;
    let result = read(r, &mut message);
    (wrap(message), result)
}

fn read_body(r: &mut Reader<'_>, ty: HandshakeType, tls13: bool) -> (Body, Read<()>) {
    use HandshakeType as T;
    match ty {
        T::ClientHello => read(
            r,
            ClientHello::default(),
            ClientHello::read,
            Body::ClientHello,
        ),
        T::ServerHello => read(
            r,
            ServerHello::default(),
            ServerHello::read,
            Body::ServerHello,
        ),
        T::NewSessionTicket => read(
            r,
            NewSessionTicket {
                tls13,
                ..NewSessionTicket::default()
            },
            NewSessionTicket::read,
            Body::NewSessionTicket,
        ),
        T::EncryptedExtensions => {
            let extensions = Extensions::read(r, "the extensions", Context::EncryptedExtensions);
            let (extensions, result) = match extensions {
                Ok(extensions) => (Some(extensions), Ok(())),
                Err(garbled) => (None, Err(garbled)),
            };
            (Body::EncryptedExtensions(extensions), result)
        }
        T::Certificate => read(
            r,
            Certificate::default(),
            |r, message| Certificate::read(r, tls13, message),
            Body::Certificate,
        ),
        T::ServerKeyExchange => read(
            r,
            ServerKeyExchange::default(),
            ServerKeyExchange::read,
            Body::ServerKeyExchange,
        ),
        T::CertificateRequest if tls13 => read(
            r,
            CertificateRequestTls13::default(),
            CertificateRequestTls13::read,
            |request| Body::CertificateRequest(CertificateRequest::Tls13(request)),
        ),
        T::CertificateRequest => read(
            r,
            CertificateRequestTls12::default(),
            CertificateRequestTls12::read,
            |request| Body::CertificateRequest(CertificateRequest::Tls12(request)),
        ),
        T::ServerHelloDone => (Body::ServerHelloDone, Ok(())),
        T::CertificateVerify => read(
            r,
            CertificateVerify::default(),
            CertificateVerify::read,
            Body::CertificateVerify,
        ),
        T::ClientKeyExchange => read(
            r,
            ClientKeyExchange::default(),
            ClientKeyExchange::read,
            Body::ClientKeyExchange,
        ),
        T::Finished => (
            Body::Finished(Finished {
                verify_data: r.rest().to_vec(),
            }),
            Ok(()),
        ),
        T::KeyUpdate => read(r, KeyUpdate::default(), KeyUpdate::read, Body::KeyUpdate),
        T::HelloRequest | T::EndOfEarlyData => (Body::Empty, Ok(())),
        _ => (Body::Other(r.rest().to_vec()), Ok(())),
    }
}

impl Decoded {
    /// Every problem found, the message's own and those inside its extension blocks.
    pub fn all_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for block in self.body.extension_blocks() {
            for extension in &block.entries {
                problems.extend(extension.problem.as_ref().map(ToString::to_string));
            }
            problems.extend(block.problem.as_ref().map(ToString::to_string));
        }
        problems.extend(self.problems.iter().map(ToString::to_string));
        problems
    }

    pub fn certificate(&self) -> Option<&Certificate> {
        match &self.body {
            Body::Certificate(certificate) => Some(certificate),
            _ => None,
        }
    }

    pub fn certificate_request(&self) -> Option<&CertificateRequest> {
        match &self.body {
            Body::CertificateRequest(request) => Some(request),
            _ => None,
        }
    }
}

impl Body {
    /// The extension blocks the message carries, in order.
    pub fn extension_blocks(&self) -> Vec<&Extensions> {
        match self {
            Body::ClientHello(hello) => hello.extensions.iter().collect(),
            Body::ServerHello(hello) => hello.extensions.iter().collect(),
            Body::EncryptedExtensions(extensions) => extensions.iter().collect(),
            Body::CertificateRequest(CertificateRequest::Tls13(request)) => {
                request.extensions.iter().collect()
            }
            Body::NewSessionTicket(ticket) => ticket.extensions.iter().collect(),
            Body::Certificate(certificate) => certificate
                .entries
                .iter()
                .filter_map(|entry| entry.extensions.as_ref())
                .collect(),
            _ => Vec::new(),
        }
    }
}
