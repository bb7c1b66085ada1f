//! Reads the TLS records each side wrote, as a packet capture would show them.

use super::types::Direction;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub direction: Direction,
    pub content_type: u8,
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
}

pub fn content_type_name(ty: u8) -> &'static str {
    match ty {
        20 => "ChangeCipherSpec",
        21 => "Alert",
        22 => "Handshake",
        23 => "ApplicationData",
        _ => "Unknown",
    }
}

pub fn handshake_type_name(ty: u8) -> &'static str {
    match ty {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        24 => "KeyUpdate",
        _ => "unknown handshake message",
    }
}

pub fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        80 => "internal_error",
        109 => "missing_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        _ => "unknown alert",
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
        while self.pending.len() >= 5 {
            let length = usize::from(u16::from_be_bytes([self.pending[3], self.pending[4]]));
            if self.pending.len() < 5 + length {
                break;
            }
            let body: Vec<u8> = self.pending.drain(..5 + length).collect();
            records.push(self.read(body));
        }
        records
    }

    fn read(&mut self, bytes: Vec<u8>) -> Record {
        let (header, body) = bytes.split_at(5);
        let content_type = header[0];
        let version = u16::from_be_bytes([header[1], header[2]]);
        let (contents, encrypted) = match content_type {
            20 => {
                self.after_ccs = true;
                (vec!["ChangeCipherSpec".to_string()], false)
            }
            21 if !self.after_ccs && body.len() == 2 => (
                vec![format!(
                    "Alert: {} ({})",
                    alert_name(body[1]),
                    if body[0] == 2 { "fatal" } else { "warning" }
                )],
                false,
            ),
            22 if !self.after_ccs => (handshake_messages(body), false),
            22 => (
                vec!["encrypted handshake message (Finished)".to_string()],
                true,
            ),
            23 => (vec!["encrypted".to_string()], true),
            _ => (vec!["encrypted or unreadable".to_string()], true),
        };
        Record {
            direction: self.direction,
            content_type,
            version,
            length: bytes.len() - 5,
            contents,
            encrypted,
            bytes,
        }
    }
}

/// Names the handshake messages packed in one plaintext record.
fn handshake_messages(mut body: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    while body.len() >= 4 {
        let length =
            (usize::from(body[1]) << 16) | (usize::from(body[2]) << 8) | usize::from(body[3]);
        names.push(handshake_type_name(body[0]).to_string());
        if body.len() < 4 + length {
            names.push("(continues in the next record)".to_string());
            break;
        }
        body = &body[4 + length..];
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
