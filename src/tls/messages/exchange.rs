//! The rest of a handshake: TLS 1.2's key exchange, Finished, and what follows a handshake
//! (session tickets, key updates).

use super::super::wire::{Read, Reader};
use super::extensions::{Context, Extensions};
use rustls::{NamedGroup, SignatureScheme};

/// TLS 1.2 ECDHE: the server's ephemeral key, signed with its certificate's key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// 3 for a named curve, the only kind TLS 1.2 servers send today.
    pub curve_type: Option<u8>,
    pub curve: Option<NamedGroup>,
    pub public_key: Option<Vec<u8>>,
    pub scheme: Option<SignatureScheme>,
    pub signature: Option<Vec<u8>>,
    /// Any other kind of parameters, unread.
    pub other: Option<Vec<u8>>,
}

pub const NAMED_CURVE: u8 = 3;

impl ServerKeyExchange {
    pub(super) fn read(r: &mut Reader<'_>, exchange: &mut Self) -> Read<()> {
        let curve_type = r.u8("the curve type")?;
        exchange.curve_type = Some(curve_type);
        if curve_type != NAMED_CURVE {
            exchange.other = Some(r.rest().to_vec());
            return Ok(());
        }
        exchange.curve = Some(NamedGroup::from(r.u16("the curve")?));
        exchange.public_key = Some(r.vec8("the public key")?.rest().to_vec());
        exchange.scheme = Some(SignatureScheme::from(r.u16("the signature scheme")?));
        exchange.signature = Some(r.vec16("the signature")?.rest().to_vec());
        Ok(())
    }
}

/// TLS 1.2 ECDHE: the client's ephemeral public key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientKeyExchange {
    pub public_key: Option<Vec<u8>>,
}

impl ClientKeyExchange {
    pub(super) fn read(r: &mut Reader<'_>, exchange: &mut Self) -> Read<()> {
        exchange.public_key = Some(r.vec8("the public key")?.rest().to_vec());
        Ok(())
    }
}

/// A MAC over the whole handshake: each side's proof it saw what the other saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finished {
    pub verify_data: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewSessionTicket {
    /// TLS 1.3 tickets carry an age offset, a nonce and extensions; 1.2's do not.
    pub tls13: bool,
    /// Seconds; a hint in TLS 1.2.
    pub lifetime: Option<u32>,
    pub age_add: Option<u32>,
    pub nonce: Option<Vec<u8>>,
    pub ticket: Option<Vec<u8>>,
    pub extensions: Option<Extensions>,
}

impl NewSessionTicket {
    pub(super) fn read(r: &mut Reader<'_>, ticket: &mut Self) -> Read<()> {
        ticket.lifetime = Some(r.u32("the ticket lifetime")?);
        if ticket.tls13 {
            ticket.age_add = Some(r.u32("the ticket age add")?);
            ticket.nonce = Some(r.vec8("the ticket nonce")?.rest().to_vec());
        }
        ticket.ticket = Some(r.vec16("the ticket")?.rest().to_vec());
        if ticket.tls13 {
            ticket.extensions = Some(Extensions::read(
                r,
                "the ticket extensions",
                Context::NewSessionTicket,
            )?);
        }
        Ok(())
    }
}

/// TLS 1.3: the sender switches to new traffic keys, and may ask the peer to as well.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUpdate {
    /// 1 asks the peer to update too.
    pub request: Option<u8>,
}

impl KeyUpdate {
    pub(super) fn read(r: &mut Reader<'_>, update: &mut Self) -> Read<()> {
        update.request = Some(r.u8("the update request")?);
        Ok(())
    }
}
