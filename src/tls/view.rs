//! A run as the page shows it: its messages with their fields and bytes, its diagram, its
//! capture and key log. The core module makes it once, where the run happened, so the page's
//! module carries no decryption, decoding, drawing or pcapng writer.

use super::diagram::Drawing;
use super::messages::render::{message_fields, Field};
use super::{pcapng, Direction, Outcome, TlsVersion};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub messages: Vec<MessageView>,
    pub drawing: Drawing,
    /// The run as a pcapng file, its secrets inside.
    pub capture: ByteBuf,
    /// The run's secrets in SSLKEYLOGFILE form; empty if it derived none.
    pub keylog: String,
}

/// One message, decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub name: String,
    pub direction: Direction,
    /// The record that carried it (its first, if it spans several).
    pub record: usize,
    /// Whether it travelled encrypted and was opened with the session's secrets.
    pub decrypted: bool,
    pub fields: Vec<Field>,
    pub bytes: ByteBuf,
}

impl RunView {
    pub fn of(outcome: &Outcome) -> RunView {
        let tls13 = outcome.version == TlsVersion::Tls13;
        let keylog = outcome.keys.to_sslkeylogfile();
        RunView {
            messages: outcome
                .messages()
                .into_iter()
                .map(|message| MessageView {
                    name: message.name(),
                    direction: message.direction,
                    record: message.record,
                    decrypted: message.decrypted,
                    fields: message_fields(&message, tls13),
                    bytes: ByteBuf::from(message.bytes),
                })
                .collect(),
            drawing: Drawing::of(outcome),
            capture: ByteBuf::from(pcapng::capture(&outcome.records, &keylog)),
            keylog,
        }
    }
}
