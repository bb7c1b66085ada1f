//! ClientHello and ServerHello (and the HelloRetryRequest that wears a ServerHello's shape).
//!
//! Their fields are read in wire order, and a field is `None` when the message ended or broke
//! before it: a cut-short hello still shows its start.

use super::super::wire::{Read, Reader, RANDOM_LEN};
use super::extensions::{Context, Extensions};
use rustls::{CipherSuite, ProtocolVersion};

/// SHA-256 of "HelloRetryRequest": a ServerHello with this random is a retry request.
pub const HELLO_RETRY_RANDOM: [u8; RANDOM_LEN] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientHello {
    pub legacy_version: Option<ProtocolVersion>,
    pub random: Option<[u8; RANDOM_LEN]>,
    pub session_id: Option<Vec<u8>>,
    pub cipher_suites: Option<Vec<CipherSuite>>,
    pub compression_methods: Option<Vec<u8>>,
    pub extensions: Option<Extensions>,
}

impl ClientHello {
    pub(super) fn read(r: &mut Reader<'_>, hello: &mut Self) -> Read<()> {
        hello.legacy_version = Some(ProtocolVersion::from(r.u16("the legacy version")?));
        hello.random = Some(r.array("the random")?);
        hello.session_id = Some(r.vec8("the session id")?.rest().to_vec());
        let suites = r.vec16("the cipher suites")?.u16s("the cipher suites")?;
        hello.cipher_suites = Some(suites.into_iter().map(CipherSuite::from).collect());
        hello.compression_methods = Some(r.vec8("the compression methods")?.rest().to_vec());
        hello.extensions = Some(Extensions::read_optional(r, Context::ClientHello)?);
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerHello {
    pub legacy_version: Option<ProtocolVersion>,
    pub random: Option<[u8; RANDOM_LEN]>,
    pub session_id: Option<Vec<u8>>,
    pub cipher_suite: Option<CipherSuite>,
    pub compression_method: Option<u8>,
    pub extensions: Option<Extensions>,
}

impl ServerHello {
    pub(super) fn read(r: &mut Reader<'_>, hello: &mut Self) -> Read<()> {
        hello.legacy_version = Some(ProtocolVersion::from(r.u16("the version")?));
        hello.random = Some(r.array("the random")?);
        hello.session_id = Some(r.vec8("the session id")?.rest().to_vec());
        hello.cipher_suite = Some(CipherSuite::from(r.u16("the cipher suite")?));
        hello.compression_method = Some(r.u8("the compression method")?);
        let context = if hello.is_retry_request() {
            Context::HelloRetryRequest
        } else {
            Context::ServerHello
        };
        hello.extensions = Some(Extensions::read_optional(r, context)?);
        Ok(())
    }

    /// A HelloRetryRequest: the server asks for a new ClientHello.
    pub fn is_retry_request(&self) -> bool {
        self.random == Some(HELLO_RETRY_RANDOM)
    }

    /// A TLS 1.3 server negotiating lower ends its random with "DOWNGRD".
    pub fn signals_downgrade(&self) -> bool {
        self.random.is_some_and(|random| {
            random.ends_with(b"DOWNGRD\x01") || random.ends_with(b"DOWNGRD\x00")
        })
    }

    /// The version the server chose: its supported_versions extension in TLS 1.3, else the
    /// version field.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.selected_version().or(self.legacy_version)
    }

    /// The version in the supported_versions extension, if the hello has one.
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        self.extensions.as_ref()?.selected_version()
    }
}
