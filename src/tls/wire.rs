//! Reading TLS off the wire: a checked byte reader, record and handshake framing, and the
//! few hello fields the decryption needs.
//!
//! Every byte here comes from a peer, or from a pasted capture, so every read is checked: a
//! short or over-long input is a [`WireError`] that names the part being read, never a panic.

use super::names::{byte_count, extension_name};
use rustls::{CipherSuite, ContentType, HandshakeType, ProtocolVersion};
use std::fmt;

/// A record's header: type, version, u16 length.
pub const RECORD_HEADER_LEN: usize = 5;
/// A handshake message's header: type, u24 length.
pub const HANDSHAKE_HEADER_LEN: usize = 4;
/// ClientHello and ServerHello carry 32 random bytes.
pub const RANDOM_LEN: usize = 32;

/// What was being read when the bytes ran out or went on too long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// A part named in words: "the session id", "a certificate".
    Named(&'static str),
    /// The body of an extension, by its type.
    Extension(u16),
}

impl From<&'static str> for Part {
    fn from(name: &'static str) -> Self {
        Part::Named(name)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Named(name) => f.write_str(name),
            Part::Extension(id) => write!(f, "the {} extension", extension_name(*id)),
        }
    }
}

/// Why reading stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// `part` needs `needed` bytes at `offset`, and only `left` remain.
    Truncated {
        part: Part,
        needed: usize,
        offset: usize,
        left: usize,
    },
    /// `part` ended with `count` bytes nothing accounts for.
    Trailing { part: Part, count: usize },
}

impl WireError {
    pub fn part(&self) -> Part {
        match self {
            WireError::Truncated { part, .. } | WireError::Trailing { part, .. } => *part,
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Truncated {
                part,
                needed,
                offset,
                left,
            } => write!(
                f,
                "truncated in {part}: {} needed at byte {offset}, {} left",
                byte_count(*needed),
                byte_count(*left)
            ),
            WireError::Trailing { part, count } => {
                write!(f, "{} too many in {part}", byte_count(*count))
            }
        }
    }
}

impl std::error::Error for WireError {}

pub type Read<T> = Result<T, WireError>;

/// Checked reads over part of a message. `offset` is where `bytes` starts in the whole
/// message (or record), so errors point at a byte a hex dump shows.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], offset: usize) -> Self {
        Reader { bytes, offset }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Where the next read starts.
    pub fn offset(&self) -> usize {
        self.offset
    }

    fn truncated(&self, needed: usize, part: Part) -> WireError {
        WireError::Truncated {
            part,
            needed,
            offset: self.offset,
            left: self.bytes.len(),
        }
    }

    pub fn take(&mut self, count: usize, part: impl Into<Part>) -> Read<&'a [u8]> {
        let Some((head, rest)) = self.bytes.split_at_checked(count) else {
            return Err(self.truncated(count, part.into()));
        };
        self.bytes = rest;
        self.offset = self.offset.saturating_add(count);
        Ok(head)
    }

    pub fn array_ref<const N: usize>(&mut self, part: impl Into<Part>) -> Read<&'a [u8; N]> {
        let Some((head, rest)) = self.bytes.split_first_chunk::<N>() else {
            return Err(self.truncated(N, part.into()));
        };
        self.bytes = rest;
        self.offset = self.offset.saturating_add(N);
        Ok(head)
    }

    pub fn array<const N: usize>(&mut self, part: impl Into<Part>) -> Read<[u8; N]> {
        self.array_ref(part).copied()
    }

    pub fn u8(&mut self, part: impl Into<Part>) -> Read<u8> {
        let [byte] = self.array(part)?;
        Ok(byte)
    }

    pub fn u16(&mut self, part: impl Into<Part>) -> Read<u16> {
        Ok(u16::from_be_bytes(self.array(part)?))
    }

    pub fn u24(&mut self, part: impl Into<Part>) -> Read<usize> {
        let [a, b, c] = self.array(part)?;
        Ok((usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c))
    }

    pub fn u32(&mut self, part: impl Into<Part>) -> Read<u32> {
        Ok(u32::from_be_bytes(self.array(part)?))
    }

    /// The next `length` bytes, to be read on their own.
    pub fn sub(&mut self, length: usize, part: impl Into<Part>) -> Read<Reader<'a>> {
        let offset = self.offset;
        Ok(Reader::new(self.take(length, part)?, offset))
    }

    /// TLS's length-prefixed vectors, with 1-, 2- and 3-byte lengths.
    pub fn vec8(&mut self, part: impl Into<Part>) -> Read<Reader<'a>> {
        let part = part.into();
        let length = usize::from(self.u8(part)?);
        self.sub(length, part)
    }

    pub fn vec16(&mut self, part: impl Into<Part>) -> Read<Reader<'a>> {
        let part = part.into();
        let length = usize::from(self.u16(part)?);
        self.sub(length, part)
    }

    pub fn vec24(&mut self, part: impl Into<Part>) -> Read<Reader<'a>> {
        let part = part.into();
        let length = self.u24(part)?;
        self.sub(length, part)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.bytes;
        self.offset = self.offset.saturating_add(rest.len());
        self.bytes = &[];
        rest
    }

    /// Checks that nothing is left of `part`.
    pub fn finish(&self, part: impl Into<Part>) -> Read<()> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(WireError::Trailing {
                part: part.into(),
                count: self.bytes.len(),
            })
        }
    }

    /// Everything left, read as u16 values: a list of suites, groups or schemes.
    pub fn u16s(mut self, part: impl Into<Part>) -> Read<Vec<u16>> {
        let part = part.into();
        let mut values = Vec::new();
        while !self.is_empty() {
            values.push(self.u16(part)?);
        }
        Ok(values)
    }

    /// A handshake message's header: its type and the body length it declares.
    pub fn handshake_header(&mut self) -> Read<(HandshakeType, usize)> {
        let ty = self.u8("the message header")?;
        let length = self.u24("the message header")?;
        Ok((HandshakeType::from(ty), length))
    }
}

/// One record as framed on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordFrame<'a> {
    /// The five header bytes as sent: TLS 1.2 and 1.3 authenticate them.
    pub header: &'a [u8; RECORD_HEADER_LEN],
    pub content_type: ContentType,
    /// The record-layer version field, e.g. 0x0303.
    pub version: u16,
    pub fragment: &'a [u8],
}

/// The first whole record of `bytes`, and what follows it.
pub fn record(bytes: &[u8]) -> Read<(RecordFrame<'_>, &[u8])> {
    let mut r = Reader::new(bytes, 0);
    let header = r.array_ref::<RECORD_HEADER_LEN>("the record header")?;
    let &[content_type, major, minor, high, low] = header;
    let fragment = r.take(
        usize::from(u16::from_be_bytes([high, low])),
        "the record's fragment",
    )?;
    Ok((
        RecordFrame {
            header,
            content_type: ContentType::from(content_type),
            version: u16::from_be_bytes([major, minor]),
            fragment,
        },
        r.rest(),
    ))
}

/// One handshake message as framed in a record's plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandshakeFrame<'a> {
    pub ty: HandshakeType,
    /// The whole message, header included.
    pub bytes: &'a [u8],
    /// The body, `bytes` without its header.
    pub body: &'a [u8],
}

/// The first whole handshake message of `bytes`, and what follows it.
pub fn handshake(bytes: &[u8]) -> Read<(HandshakeFrame<'_>, &[u8])> {
    let mut r = Reader::new(bytes, 0);
    let (ty, length) = r.handshake_header()?;
    let body = r.take(length, "the message")?;
    let (message, after) = bytes.split_at(HANDSHAKE_HEADER_LEN + body.len());
    Ok((
        HandshakeFrame {
            ty,
            bytes: message,
            body,
        },
        after,
    ))
}

/// Splits a plaintext handshake byte stream (one or more records' payloads concatenated)
/// into whole messages, headers included; returns them and any incomplete tail.
pub fn handshakes(stream: &[u8]) -> (Vec<HandshakeFrame<'_>>, &[u8]) {
    let mut messages = Vec::new();
    let mut rest = stream;
    while let Ok((message, after)) = handshake(rest) {
        messages.push(message);
        rest = after;
    }
    (messages, rest)
}

/// The start of a ClientHello or ServerHello: what the record layer's keys are made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello {
    pub ty: HandshakeType,
    /// The version field; TLS 1.3 freezes it at 1.2 and says the real one in an extension.
    pub legacy_version: ProtocolVersion,
    pub random: [u8; RANDOM_LEN],
    /// The suite a ServerHello chose. A ClientHello offers a list, not read here.
    pub cipher_suite: Option<CipherSuite>,
}

/// Reads the hello fields at the start of a handshake message; `None` if the message is
/// another type. A hello that continues in the next record still gives its start.
pub fn hello(message: &[u8]) -> Read<Option<Hello>> {
    let mut r = Reader::new(message, 0);
    let (ty, length) = r.handshake_header()?;
    if ty != HandshakeType::ClientHello && ty != HandshakeType::ServerHello {
        return Ok(None);
    }
    let available = length.min(r.len());
    let mut body = r.sub(available, "the message")?;
    let legacy_version = ProtocolVersion::from(body.u16("the legacy version")?);
    let random = body.array("the random")?;
    let cipher_suite = if ty == HandshakeType::ServerHello {
        body.vec8("the session id")?;
        Some(CipherSuite::from(body.u16("the cipher suite")?))
    } else {
        None
    };
    Ok(Some(Hello {
        ty,
        legacy_version,
        random,
        cipher_suite,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truncated_in(error: WireError) -> String {
        match error {
            WireError::Truncated { part, .. } => part.to_string(),
            other => panic!("not a truncation: {other}"),
        }
    }

    /// A body with a field behind each length: vec8, vec16, vec24 and a u16 list.
    fn nested() -> Vec<u8> {
        let mut bytes = vec![3, 1, 2, 3];
        bytes.extend([0, 2, 9, 9]);
        bytes.extend([0, 0, 1, 7]);
        bytes.extend([0x13, 0x01, 0x13, 0x02]);
        bytes
    }

    fn read_nested(bytes: &[u8]) -> Read<Vec<u16>> {
        let mut r = Reader::new(bytes, 0);
        r.vec8("the first list")?;
        r.vec16("the second list")?;
        r.vec24("the third list")?;
        let suites = r.sub(4, "the suites")?.u16s("the suites")?;
        r.finish("the body")?;
        Ok(suites)
    }

    #[test]
    fn every_cut_is_a_named_truncation() {
        let whole = nested();
        assert_eq!(read_nested(&whole), Ok(vec![0x1301, 0x1302]));
        let expected = |end: usize| match end {
            0..=3 => "the first list",
            4..=7 => "the second list",
            8..=11 => "the third list",
            _ => "the suites",
        };
        for end in 0..whole.len() {
            let error = read_nested(&whole[..end]).unwrap_err();
            assert_eq!(truncated_in(error), expected(end), "cut at {end}");
        }
        let mut long = whole.clone();
        long.push(0);
        assert_eq!(
            read_nested(&long).unwrap_err().to_string(),
            "1 byte too many in the body"
        );
    }

    #[test]
    fn a_length_past_the_end_says_how_much_was_missing() {
        let mut r = Reader::new(&[0xff, 0xff, 1, 2], 10);
        assert_eq!(
            r.vec16("the extensions").unwrap_err(),
            WireError::Truncated {
                part: Part::Named("the extensions"),
                needed: 65535,
                offset: 12,
                left: 2,
            }
        );
        let mut r = Reader::new(&[0, 0, 0x10, 1], 0);
        assert_eq!(
            r.vec24("a certificate").unwrap_err().to_string(),
            "truncated in a certificate: 16 bytes needed at byte 3, 1 byte left"
        );
        let odd = Reader::new(&[1, 2, 3], 0);
        assert_eq!(
            odd.u16s(Part::Extension(10)).unwrap_err().to_string(),
            "truncated in the supported_groups extension: 2 bytes needed at byte 2, 1 byte left"
        );
    }

    fn client_hello() -> Vec<u8> {
        let mut body = vec![0x03, 0x03];
        body.extend([0x11; 32]);
        body.extend([0]);
        body.extend([0, 2, 0x13, 0x01, 1, 0]);
        let mut message = vec![1, 0, 0, u8::try_from(body.len()).unwrap()];
        message.extend(body);
        message
    }

    fn server_hello() -> Vec<u8> {
        let mut body = vec![0x03, 0x03];
        body.extend([0x22; 32]);
        body.extend([2, 0xaa, 0xbb]);
        body.extend([0x13, 0x02, 0]);
        let mut message = vec![2, 0, 0, u8::try_from(body.len()).unwrap()];
        message.extend(body);
        message
    }

    #[test]
    fn hellos_give_their_random_and_suite() {
        let client = hello(&client_hello()).unwrap().unwrap();
        assert_eq!(client.ty, HandshakeType::ClientHello);
        assert_eq!(client.legacy_version, ProtocolVersion::TLSv1_2);
        assert_eq!(client.random, [0x11; 32]);
        assert_eq!(client.cipher_suite, None);
        let server = hello(&server_hello()).unwrap().unwrap();
        assert_eq!(server.random, [0x22; 32]);
        assert_eq!(
            server.cipher_suite,
            Some(CipherSuite::TLS13_AES_256_GCM_SHA384)
        );
        assert_eq!(hello(&[11, 0, 0, 0]), Ok(None));
    }

    #[test]
    fn a_cut_hello_names_the_field_it_lost() {
        let whole = server_hello();
        for end in 0..41 {
            let part = truncated_in(hello(&whole[..end]).unwrap_err());
            let expected = match end {
                0..=3 => "the message header",
                4..=5 => "the legacy version",
                6..=37 => "the random",
                38..=40 => "the session id",
                _ => unreachable!(),
            };
            assert_eq!(part, expected, "cut at {end}");
        }
        for end in 41..43 {
            let part = truncated_in(hello(&whole[..end]).unwrap_err());
            assert_eq!(part, "the cipher suite");
        }
        assert!(hello(&whole[..43]).unwrap().is_some());
        // A ClientHello needs only its random.
        let client = client_hello();
        assert!(hello(&client[..38]).unwrap().is_some());
        assert_eq!(
            truncated_in(hello(&client[..37]).unwrap_err()),
            "the random"
        );
    }

    #[test]
    fn records_and_handshakes_are_framed_or_named_as_cut() {
        let record_bytes = [22, 3, 3, 0, 4, 14, 0, 0, 0, 23];
        let (frame, rest) = record(&record_bytes).unwrap();
        assert_eq!(frame.content_type, ContentType::Handshake);
        assert_eq!(frame.version, 0x0303);
        assert_eq!(frame.header, &[22, 3, 3, 0, 4]);
        assert_eq!(frame.fragment, &[14, 0, 0, 0]);
        assert_eq!(rest, &[23]);
        for end in 0..9 {
            let part = truncated_in(record(&record_bytes[..end]).unwrap_err());
            let expected = if end < RECORD_HEADER_LEN {
                "the record header"
            } else {
                "the record's fragment"
            };
            assert_eq!(part, expected, "cut at {end}");
        }

        let messages = [vec![14, 0, 0, 0], vec![20, 0, 0, 2, 7, 7]].concat();
        let (whole, tail) = handshakes(&messages);
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[1].ty, HandshakeType::Finished);
        assert_eq!(whole[1].bytes, &[20, 0, 0, 2, 7, 7]);
        assert_eq!(whole[1].body, &[7, 7]);
        assert!(tail.is_empty());
        for end in 0..messages.len() {
            let (whole, tail) = handshakes(&messages[..end]);
            let complete: usize = whole.iter().map(|m| m.bytes.len()).sum();
            assert_eq!(complete + tail.len(), end);
        }
        assert_eq!(
            truncated_in(handshake(&[20, 0, 0]).unwrap_err()),
            "the message header"
        );
        assert_eq!(
            truncated_in(handshake(&[20, 0, 0, 2, 7]).unwrap_err()),
            "the message"
        );
        // A length near 2^24 is just a short message, not an overflow.
        assert!(handshake(&[20, 0xff, 0xff, 0xff, 1]).is_err());
    }
}
