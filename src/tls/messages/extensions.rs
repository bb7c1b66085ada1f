//! Extension blocks, and the values of the extensions a learner cares about.

use super::super::wire::{Part, Read, Reader, WireError};
use rustls::{NamedGroup, ProtocolVersion, SignatureScheme};

pub const SERVER_NAME: u16 = 0;
pub const SUPPORTED_GROUPS: u16 = 10;
pub const EC_POINT_FORMATS: u16 = 11;
pub const SIGNATURE_ALGORITHMS: u16 = 13;
pub const ALPN: u16 = 16;
pub const SUPPORTED_VERSIONS: u16 = 43;
pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
pub const CERTIFICATE_AUTHORITIES: u16 = 47;
pub const SIGNATURE_ALGORITHMS_CERT: u16 = 50;
pub const KEY_SHARE: u16 = 51;

/// The message an extension block travels in: some extensions read differently in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    EncryptedExtensions,
    CertificateRequest,
    NewSessionTicket,
    /// A TLS 1.3 certificate entry's extensions: named, not decoded.
    Certificate,
}

/// A message's extension block, read as far as it goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    pub entries: Vec<Extension>,
    /// A garbled entry ends the list; the block's own length still says where the message
    /// goes on, so the message reads on after it.
    pub problem: Option<WireError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub id: u16,
    /// Its bytes, undecoded.
    pub data: Vec<u8>,
    /// The value, for the extensions the lab explains; `None` for those it only names.
    pub value: Option<ExtensionValue>,
    /// Why the value could not be read, or what was left after it.
    pub problem: Option<WireError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtensionValue {
    /// A server's empty server_name: it saw the name the client asked for.
    ServerNameAcknowledged,
    ServerNames(Vec<ServerName>),
    SupportedGroups(Vec<NamedGroup>),
    PointFormats(Vec<u8>),
    SignatureAlgorithms(Vec<SignatureScheme>),
    Alpn(Vec<Vec<u8>>),
    /// The versions a client offers.
    SupportedVersions(Vec<ProtocolVersion>),
    /// The version a server chose.
    SelectedVersion(ProtocolVersion),
    CertificateAuthorities(Vec<DistinguishedName>),
    PskModes(Vec<u8>),
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// A client's key shares, one per group it guesses.
    KeyShares(Vec<KeyShare>),
    /// A HelloRetryRequest names the group it wants a share for.
    KeyShareRequested(NamedGroup),
    /// A server's key share.
    KeyShare(KeyShare),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerName {
    /// 0 for a host name, the only type defined.
    pub kind: u8,
    /// As sent: a peer may send anything.
    pub name: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyShare {
    pub group: NamedGroup,
    pub key: Vec<u8>,
}

/// An X.500 name as a CA list carries it: the DER of a certificate's subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinguishedName(pub Vec<u8>);

impl DistinguishedName {
    pub fn der(&self) -> &[u8] {
        &self.0
    }

    /// The name decoded, if it is a DER Name.
    pub fn name(&self) -> Option<x509_cert::name::Name> {
        der::Decode::from_der(&self.0).ok()
    }
}

impl Extensions {
    /// ClientHello and ServerHello may leave the whole block out.
    pub(super) fn read_optional(r: &mut Reader<'_>, context: Context) -> Read<Self> {
        if r.is_empty() {
            return Ok(Extensions::default());
        }
        Self::read(r, "the extensions", context)
    }

    /// Fails only if the block itself is cut short; a garbled entry inside it ends the list
    /// and is kept as `problem`.
    pub(super) fn read(r: &mut Reader<'_>, part: &'static str, context: Context) -> Read<Self> {
        let mut block = r.vec16(part)?;
        let mut entries = Vec::new();
        let mut problem = None;
        while !block.is_empty() {
            let entry = block
                .u16("an extension's type")
                .and_then(|id| Ok((id, block.vec16("an extension")?)));
            match entry {
                Ok((id, data)) => entries.push(Extension::read(id, data, context)),
                Err(garbled) => {
                    problem = Some(garbled);
                    break;
                }
            }
        }
        Ok(Extensions { entries, problem })
    }

    pub fn find(&self, id: u16) -> Option<&Extension> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The value of the first extension of type `id`, if it was read.
    pub fn value(&self, id: u16) -> Option<&ExtensionValue> {
        self.find(id).and_then(|e| e.value.as_ref())
    }

    /// The version a server's supported_versions extension chose.
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        match self.value(SUPPORTED_VERSIONS) {
            Some(ExtensionValue::SelectedVersion(version)) => Some(*version),
            _ => None,
        }
    }

    pub fn certificate_authorities(&self) -> Option<&[DistinguishedName]> {
        match self.value(CERTIFICATE_AUTHORITIES) {
            Some(ExtensionValue::CertificateAuthorities(names)) => Some(names),
            _ => None,
        }
    }

    pub fn signature_algorithms(&self) -> Option<&[SignatureScheme]> {
        match self.value(SIGNATURE_ALGORITHMS) {
            Some(ExtensionValue::SignatureAlgorithms(schemes)) => Some(schemes),
            _ => None,
        }
    }
}

impl Extension {
    fn read(id: u16, mut data: Reader<'_>, context: Context) -> Self {
        // Readers are copies: `whole` keeps the bytes while `data` is read for the value.
        let mut whole = data;
        let bytes = whole.rest().to_vec();
        let (value, problem) = match value(id, &mut data, context) {
            None => (None, None),
            Some(Ok(value)) => (Some(value), data.finish(Part::Extension(id)).err()),
            Some(Err(garbled)) => (None, Some(garbled)),
        };
        Extension {
            id,
            data: bytes,
            value,
            problem,
        }
    }
}

/// Decodes the extensions a learner cares about; `None` for the others.
fn value(id: u16, data: &mut Reader<'_>, context: Context) -> Option<Read<ExtensionValue>> {
    let part = Part::Extension(id);
    let server_side = context != Context::ClientHello;
    let schemes = |data: &mut Reader<'_>| -> Read<Vec<SignatureScheme>> {
        let list = data.vec16(part)?.u16s(part)?;
        Ok(list.into_iter().map(SignatureScheme::from).collect())
    };
    Some(match id {
        _ if context == Context::Certificate => return None,
        SERVER_NAME if data.is_empty() => Ok(ExtensionValue::ServerNameAcknowledged),
        SERVER_NAME => server_names(data, part).map(ExtensionValue::ServerNames),
        SUPPORTED_GROUPS => data
            .vec16(part)
            .and_then(|list| list.u16s(part))
            .map(|list| ExtensionValue::SupportedGroups(groups(list))),
        EC_POINT_FORMATS => data
            .vec8(part)
            .map(|mut list| ExtensionValue::PointFormats(list.rest().to_vec())),
        SIGNATURE_ALGORITHMS => schemes(data).map(ExtensionValue::SignatureAlgorithms),
        ALPN => alpn(data, part).map(ExtensionValue::Alpn),
        SUPPORTED_VERSIONS if server_side => data
            .u16(part)
            .map(|v| ExtensionValue::SelectedVersion(ProtocolVersion::from(v))),
        SUPPORTED_VERSIONS => data
            .vec8(part)
            .and_then(|list| list.u16s(part))
            .map(|list| {
                ExtensionValue::SupportedVersions(
                    list.into_iter().map(ProtocolVersion::from).collect(),
                )
            }),
        CERTIFICATE_AUTHORITIES => data
            .vec16(part)
            .and_then(|list| distinguished_names(list, part))
            .map(ExtensionValue::CertificateAuthorities),
        PSK_KEY_EXCHANGE_MODES => data
            .vec8(part)
            .map(|mut list| ExtensionValue::PskModes(list.rest().to_vec())),
        SIGNATURE_ALGORITHMS_CERT => schemes(data).map(ExtensionValue::SignatureAlgorithmsCert),
        KEY_SHARE => match context {
            Context::ClientHello => client_key_shares(data, part).map(ExtensionValue::KeyShares),
            Context::HelloRetryRequest => data
                .u16(part)
                .map(|g| ExtensionValue::KeyShareRequested(NamedGroup::from(g))),
            _ => key_share(data, part).map(ExtensionValue::KeyShare),
        },
        _ => return None,
    })
}

fn groups(list: Vec<u16>) -> Vec<NamedGroup> {
    list.into_iter().map(NamedGroup::from).collect()
}

fn server_names(data: &mut Reader<'_>, part: Part) -> Read<Vec<ServerName>> {
    let mut list = data.vec16(part)?;
    let mut names = Vec::new();
    while !list.is_empty() {
        let kind = list.u8(part)?;
        let name = list.vec16(part)?.rest().to_vec();
        names.push(ServerName { kind, name });
    }
    Ok(names)
}

fn alpn(data: &mut Reader<'_>, part: Part) -> Read<Vec<Vec<u8>>> {
    let mut list = data.vec16(part)?;
    let mut protocols = Vec::new();
    while !list.is_empty() {
        protocols.push(list.vec8(part)?.rest().to_vec());
    }
    Ok(protocols)
}

fn client_key_shares(data: &mut Reader<'_>, part: Part) -> Read<Vec<KeyShare>> {
    let mut list = data.vec16(part)?;
    let mut shares = Vec::new();
    while !list.is_empty() {
        shares.push(key_share(&mut list, part)?);
    }
    Ok(shares)
}

fn key_share(data: &mut Reader<'_>, part: Part) -> Read<KeyShare> {
    let group = NamedGroup::from(data.u16(part)?);
    let key = data.vec16(part)?.rest().to_vec();
    Ok(KeyShare { group, key })
}

/// A list of X.500 names, each a DER Name behind a u16 length.
pub(super) fn distinguished_names(
    mut list: Reader<'_>,
    part: impl Into<Part>,
) -> Read<Vec<DistinguishedName>> {
    let part = part.into();
    let mut names = Vec::new();
    while !list.is_empty() {
        names.push(DistinguishedName(list.vec16(part)?.rest().to_vec()));
    }
    Ok(names)
}
