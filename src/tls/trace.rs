//! Reads the TLS records each side wrote, as a packet capture would show them.

use super::names::{alert_name, content_type_name, handshake_name};
use super::wire::{self, Reader, HANDSHAKE_HEADER_LEN, RECORD_HEADER_LEN};
use rustls::ContentType;

use super::types::Direction;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub direction: Direction,
    pub content_type: ContentType,
    /// The record-layer version field, e.g. 0x0303.
    pub version: u16,
    pub length: usize,
    /// What the record carries, as far as it can be read without keys: handshake message
    /// names, an alert, or "encrypted".
    pub contents: Vec<String>,
    pub encrypted: bool,
    /// The whole record as sent, header included.
    pub bytes: Vec<u8>,
}

impl Record {
    pub fn content_type_name(&self) -> &'static str {
        content_type_name(self.content_type)
    }

    /// The record's header as sent: TLS authenticates it with the fragment.
    pub fn header(&self) -> Option<&[u8; RECORD_HEADER_LEN]> {
        self.bytes.first_chunk()
    }

    /// What follows the header: the plaintext, or the ciphertext of a protected record.
    pub fn fragment(&self) -> &[u8] {
        self.bytes.get(RECORD_HEADER_LEN..).unwrap_or_default()
    }
}

/// Splits one side's output into records. `after_ccs` tracks, per direction, whether a
/// ChangeCipherSpec has gone by: after it TLS 1.2 handshake records are encrypted.
pub struct RecordReader {
    direction: Direction,
    pending: Vec<u8>,
    after_ccs: bool,
}

impl RecordReader {
    pub fn new(direction: Direction) -> Self {
        RecordReader {
            direction,
            pending: Vec::new(),
            after_ccs: false,
        }
    }

    /// Takes bytes as written and returns every record they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Record> {
        self.pending.extend_from_slice(bytes);
        let mut records = Vec::new();
        while let Ok((frame, rest)) = wire::record(&self.pending) {
            let (content_type, version) = (frame.content_type, frame.version);
            let size = self.pending.len() - rest.len();
            let bytes: Vec<u8> = self.pending.drain(..size).collect();
            records.push(self.read(content_type, version, bytes));
        }
        records
    }

    fn read(&mut self, content_type: ContentType, version: u16, bytes: Vec<u8>) -> Record {
        let mut record = Record {
            direction: self.direction,
            content_type,
            version,
            length: 0,
            contents: Vec::new(),
            encrypted: false,
            bytes,
        };
        let body = record.fragment();
        let (contents, encrypted) = match (content_type, body) {
            (ContentType::ChangeCipherSpec, _) => {
                self.after_ccs = true;
                (vec!["ChangeCipherSpec".to_string()], false)
            }
            (ContentType::Alert, &[level, description]) if !self.after_ccs => (
                vec![format!(
                    "Alert: {} ({})",
                    alert_name(description),
                    if level == 2 { "fatal" } else { "warning" }
                )],
                false,
            ),
            (ContentType::Handshake, _) if !self.after_ccs => (handshake_messages(body), false),
            (ContentType::Handshake, _) => (
                vec!["encrypted handshake message (Finished)".to_string()],
                true,
            ),
            (ContentType::ApplicationData, _) => (vec!["encrypted".to_string()], true),
            _ => (vec!["encrypted or unreadable".to_string()], true),
        };
        record.length = body.len();
        record.contents = contents;
        record.encrypted = encrypted;
        record
    }
}

/// Names the handshake messages packed in one plaintext record.
fn handshake_messages(body: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut r = Reader::new(body, 0);
    while r.len() >= HANDSHAKE_HEADER_LEN {
        let Ok((ty, length)) = r.handshake_header() else {
            break;
        };
        names.push(handshake_name(ty).to_string());
        if r.take(length, "the message").is_err() {
            names.push("(continues in the next record)".to_string());
            break;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_records_across_writes() {
        let mut reader = RecordReader::new(Direction::ClientToServer);
        let hello = [22, 3, 1, 0, 8, 1, 0, 0, 4, 0xaa, 0xbb, 0xcc, 0xdd];
        assert!(reader.push(&hello[..7]).is_empty());
        let records = reader.push(&hello[7..]);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].contents, vec!["ClientHello"]);
        let after = reader.push(&[20, 3, 3, 0, 1, 1, 22, 3, 3, 0, 2, 9, 9]);
        assert_eq!(after[0].content_type_name(), "ChangeCipherSpec");
        assert_eq!(after[1].content_type, ContentType::Handshake);
        assert_eq!(after[1].fragment(), [9, 9]);
        assert!(after[1].encrypted);
    }

    #[test]
    fn never_panics_on_junk() {
        let mut reader = RecordReader::new(Direction::ServerToClient);
        for len in 0..64u8 {
            let junk: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            let _ = reader.push(&junk);
        }
        let _ = reader.push(&[22, 3, 3, 0, 3, 1, 0xff, 0xff]);
    }
}
