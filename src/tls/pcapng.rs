//! A capture file (pcapng) of a run, with its secrets embedded.

use crate::tls::{Direction, Record};

const SECTION_HEADER_BLOCK: u32 = 0x0A0D_0D0A;
const INTERFACE_DESCRIPTION_BLOCK: u32 = 0x0000_0001;
const ENHANCED_PACKET_BLOCK: u32 = 0x0000_0006;
const DECRYPTION_SECRETS_BLOCK: u32 = 0x0000_000A;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// "TLSK": the secrets are NSS key log lines.
const TLS_KEY_LOG: u32 = 0x544C_534B;
const LINKTYPE_ETHERNET: u16 = 1;
const OPT_END: u16 = 0;
const SHB_USERAPPL: u16 = 4;
const APPLICATION: &str = "mTLS Lab";

const ETHERTYPE_IPV4: u16 = 0x0800;
const IP_PROTOCOL_TCP: u8 = 6;
const ETHERNET_HEADER_LEN: usize = 14;
const IPV4_HEADER_LEN: usize = 20;
const TCP_HEADER_LEN: usize = 20;
/// The most payload an IPv4 packet's 16-bit total length leaves room for.
const MAX_SEGMENT: usize = u16::MAX as usize - IPV4_HEADER_LEN - TCP_HEADER_LEN;
/// No window scaling is negotiated, so this is also the most a side may have unacknowledged.
const WINDOW: u16 = u16::MAX;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// 2024-01-01T00:00:00Z in microseconds: a fixed start keeps the file deterministic.
const START_MICROS: u64 = 1_704_067_200_000_000;
const MICROS_PER_PACKET: u64 = 1_000;

const CLIENT: Endpoint = Endpoint {
    mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x02],
    ip: [10, 0, 0, 2],
    port: 50_000,
    initial_sequence: 0x1000_0000,
};
/// Port 443, so Wireshark dissects the stream as TLS without being told.
const SERVER: Endpoint = Endpoint {
    mac: [0x02, 0x00, 0x00, 0x00, 0x00, 0x03],
    ip: [10, 0, 0, 3],
    port: 443,
    initial_sequence: 0x2000_0000,
};

/// A pcapng capture of one run: synthetic Ethernet/IPv4/TCP framing around the records as
/// sent, and a Decryption Secrets Block with the session's key log, so Wireshark/tshark
/// decrypt it with no setup.
pub fn capture(records: &[Record], keylog: &str) -> Vec<u8> {
    let mut file = Vec::new();
    push_block(&mut file, SECTION_HEADER_BLOCK, &section_header());
    push_block(
        &mut file,
        INTERFACE_DESCRIPTION_BLOCK,
        &interface_description(),
    );
    if !keylog.is_empty() {
        // Wireshark only applies secrets to packets that come after them.
        push_block(
            &mut file,
            DECRYPTION_SECRETS_BLOCK,
            &decryption_secrets(keylog),
        );
    }
    let mut connection = Connection::new(file);
    connection.open();
    for record in records {
        for chunk in record.bytes.chunks(MAX_SEGMENT) {
            connection.send_data(record.direction, chunk);
        }
    }
    connection.close();
    connection.file
}

fn section_header() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    // -1: the section length is not given.
    body.extend_from_slice(&(-1i64).to_le_bytes());
    push_option(&mut body, SHB_USERAPPL, APPLICATION.as_bytes());
    push_option(&mut body, OPT_END, &[]);
    body
}

fn interface_description() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    // 0: no snapshot length limit.
    body.extend_from_slice(&0u32.to_le_bytes());
    body
}

fn decryption_secrets(keylog: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&TLS_KEY_LOG.to_le_bytes());
    body.extend_from_slice(&len_u32(keylog.len()).to_le_bytes());
    body.extend_from_slice(keylog.as_bytes());
    pad_to_4(&mut body);
    body
}

fn enhanced_packet(timestamp_micros: u64, frame: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(20 + frame.len() + 3);
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&((timestamp_micros >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(timestamp_micros as u32).to_le_bytes());
    let length = len_u32(frame.len()).to_le_bytes();
    body.extend_from_slice(&length);
    body.extend_from_slice(&length);
    body.extend_from_slice(frame);
    pad_to_4(&mut body);
    body
}

/// Frames `body` (already padded) as a block. A block too large for its 32-bit length is
/// left out rather than written corrupt.
fn push_block(file: &mut Vec<u8>, block_type: u32, body: &[u8]) {
    let Some(total) = body
        .len()
        .checked_add(12)
        .and_then(|n| u32::try_from(n).ok())
    else {
        return;
    };
    file.extend_from_slice(&block_type.to_le_bytes());
    file.extend_from_slice(&total.to_le_bytes());
    file.extend_from_slice(body);
    file.extend_from_slice(&total.to_le_bytes());
}

fn push_option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    let Ok(length) = u16::try_from(value.len()) else {
        return;
    };
    body.extend_from_slice(&code.to_le_bytes());
    body.extend_from_slice(&length.to_le_bytes());
    body.extend_from_slice(value);
    pad_to_4(body);
}

fn pad_to_4(bytes: &mut Vec<u8>) {
    bytes.resize(bytes.len().next_multiple_of(4), 0);
}

/// Lengths beyond u32 only reach here inside blocks that `push_block` then drops.
fn len_u32(length: usize) -> u32 {
    u32::try_from(length).unwrap_or(u32::MAX)
}

struct Endpoint {
    mac: [u8; 6],
    ip: [u8; 4],
    port: u16,
    initial_sequence: u32,
}

/// Both ends of the synthetic TCP connection, writing each segment into the file.
struct Connection {
    file: Vec<u8>,
    packets: u64,
    /// Indexed by `side`: the next sequence number each end sends.
    next_sequence: [u32; 2],
    ip_id: [u16; 2],
    /// Bytes each end sent that the other has not acknowledged yet.
    unacknowledged: [usize; 2],
}

fn side(direction: Direction) -> usize {
    match direction {
        Direction::ClientToServer => 0,
        Direction::ServerToClient => 1,
    }
}

fn reverse(direction: Direction) -> Direction {
    match direction {
        Direction::ClientToServer => Direction::ServerToClient,
        Direction::ServerToClient => Direction::ClientToServer,
    }
}

fn endpoints(direction: Direction) -> (&'static Endpoint, &'static Endpoint) {
    match direction {
        Direction::ClientToServer => (&CLIENT, &SERVER),
        Direction::ServerToClient => (&SERVER, &CLIENT),
    }
}

impl Connection {
    fn new(file: Vec<u8>) -> Self {
        Connection {
            file,
            packets: 0,
            next_sequence: [CLIENT.initial_sequence, SERVER.initial_sequence],
            ip_id: [0x1000, 0x2000],
            unacknowledged: [0, 0],
        }
    }

    fn open(&mut self) {
        self.segment(Direction::ClientToServer, SYN, &[]);
        self.segment(Direction::ServerToClient, SYN | ACK, &[]);
        self.segment(Direction::ClientToServer, ACK, &[]);
    }

    fn send_data(&mut self, direction: Direction, payload: &[u8]) {
        if payload.is_empty() {
            return;
        }
        let in_flight = self.unacknowledged[side(direction)].saturating_add(payload.len());
        if in_flight > usize::from(WINDOW) {
            // The receiver acknowledges first, as a real one would before its window filled.
            self.segment(reverse(direction), ACK, &[]);
        }
        self.segment(direction, PSH | ACK, payload);
    }

    fn close(&mut self) {
        self.segment(Direction::ClientToServer, FIN | ACK, &[]);
        self.segment(Direction::ServerToClient, FIN | ACK, &[]);
        self.segment(Direction::ClientToServer, ACK, &[]);
    }

    /// `payload` is at most `MAX_SEGMENT` bytes, so every length below fits its field.
    fn segment(&mut self, direction: Direction, flags: u8, payload: &[u8]) {
        let (from, to) = endpoints(direction);
        let sender = side(direction);
        let receiver = 1 - sender;
        let sequence = self.next_sequence[sender];
        let acknowledgment = if flags & ACK != 0 {
            self.unacknowledged[receiver] = 0;
            self.next_sequence[receiver]
        } else {
            0
        };
        // SYN and FIN each take up one sequence number.
        let consumed = payload.len() + usize::from(flags & (SYN | FIN) != 0);
        self.next_sequence[sender] = sequence.wrapping_add(consumed as u32);
        self.unacknowledged[sender] = self.unacknowledged[sender].saturating_add(payload.len());
        let ip_id = self.ip_id[sender];
        self.ip_id[sender] = ip_id.wrapping_add(1);

        let mut tcp = Vec::with_capacity(TCP_HEADER_LEN + payload.len());
        tcp.extend_from_slice(&from.port.to_be_bytes());
        tcp.extend_from_slice(&to.port.to_be_bytes());
        tcp.extend_from_slice(&sequence.to_be_bytes());
        tcp.extend_from_slice(&acknowledgment.to_be_bytes());
        tcp.push(((TCP_HEADER_LEN / 4) as u8) << 4);
        tcp.push(flags);
        tcp.extend_from_slice(&WINDOW.to_be_bytes());
        tcp.extend_from_slice(&[0, 0]); // checksum, filled in below
        tcp.extend_from_slice(&[0, 0]); // urgent pointer
        tcp.extend_from_slice(payload);
        let tcp_length = tcp.len() as u16;
        let mut pseudo_header = Vec::with_capacity(12);
        pseudo_header.extend_from_slice(&from.ip);
        pseudo_header.extend_from_slice(&to.ip);
        pseudo_header.extend_from_slice(&[0, IP_PROTOCOL_TCP]);
        pseudo_header.extend_from_slice(&tcp_length.to_be_bytes());
        let tcp_checksum = !fold(sum_words(&tcp, sum_words(&pseudo_header, 0)));
        tcp[16..18].copy_from_slice(&tcp_checksum.to_be_bytes());

        let mut ip = Vec::with_capacity(IPV4_HEADER_LEN);
        ip.push(0x45); // version 4, 5 words of header
        ip.push(0);
        ip.extend_from_slice(&(IPV4_HEADER_LEN as u16 + tcp_length).to_be_bytes());
        ip.extend_from_slice(&ip_id.to_be_bytes());
        ip.extend_from_slice(&0x4000u16.to_be_bytes()); // don't fragment
        ip.push(64);
        ip.push(IP_PROTOCOL_TCP);
        ip.extend_from_slice(&[0, 0]); // checksum, filled in below
        ip.extend_from_slice(&from.ip);
        ip.extend_from_slice(&to.ip);
        let ip_checksum = !fold(sum_words(&ip, 0));
        ip[10..12].copy_from_slice(&ip_checksum.to_be_bytes());

        let mut frame = Vec::with_capacity(ETHERNET_HEADER_LEN + ip.len() + tcp.len());
        frame.extend_from_slice(&to.mac);
        frame.extend_from_slice(&from.mac);
        frame.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&tcp);

        let timestamp = START_MICROS.saturating_add(self.packets.saturating_mul(MICROS_PER_PACKET));
        self.packets = self.packets.saturating_add(1);
        push_block(
            &mut self.file,
            ENHANCED_PACKET_BLOCK,
            &enhanced_packet(timestamp, &frame),
        );
    }
}

/// The Internet checksum's running sum of big-endian 16-bit words, an odd last byte padded.
fn sum_words(bytes: &[u8], mut sum: u64) -> u64 {
    let mut words = bytes.chunks_exact(2);
    for word in &mut words {
        sum += u64::from(u16::from_be_bytes([word[0], word[1]]));
    }
    if let [last] = words.remainder() {
        sum += u64::from(u16::from_be_bytes([*last, 0]));
    }
    sum
}

fn fold(mut sum: u64) -> u16 {
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(direction: Direction, content_type: u8, body_len: usize) -> Record {
        let mut bytes = vec![content_type, 0x03, 0x03];
        bytes.extend_from_slice(&(body_len.min(0xFFFF) as u16).to_be_bytes());
        bytes.extend((0..body_len).map(|i| i as u8));
        Record {
            direction,
            content_type: content_type.into(),
            version: 0x0303,
            length: body_len,
            contents: Vec::new(),
            encrypted: false,
            bytes,
        }
    }

    fn exchange() -> Vec<Record> {
        vec![
            record(Direction::ClientToServer, 22, 300),
            record(Direction::ServerToClient, 22, 1201),
            record(Direction::ServerToClient, 23, 17),
            record(Direction::ClientToServer, 23, 40),
            record(Direction::ServerToClient, 23, 40),
        ]
    }

    const KEYLOG: &str = "CLIENT_RANDOM 00112233 44556677\n";

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    /// Walks the file block by block, checking each block's framing.
    fn blocks(file: &[u8]) -> Vec<(u32, &[u8])> {
        let mut blocks = Vec::new();
        let mut at = 0;
        while at < file.len() {
            let block_type = u32_at(file, at);
            let total = u32_at(file, at + 4) as usize;
            assert_eq!(total % 4, 0, "block at {at} is {total} bytes");
            assert!(total >= 12 && at + total <= file.len(), "block at {at}");
            assert_eq!(
                u32_at(file, at + total - 4) as usize,
                total,
                "block at {at}"
            );
            blocks.push((block_type, &file[at + 8..at + total - 4]));
            at += total;
        }
        blocks
    }

    struct Segment {
        from_client: bool,
        flags: u8,
        sequence: u32,
        acknowledgment: u32,
        payload: Vec<u8>,
    }

    fn segments(file: &[u8]) -> Vec<Segment> {
        blocks(file)
            .into_iter()
            .filter(|(t, _)| *t == ENHANCED_PACKET_BLOCK)
            .map(|(_, body)| {
                let captured = u32_at(body, 12) as usize;
                assert_eq!(u32_at(body, 16) as usize, captured);
                let frame = &body[20..20 + captured];
                assert_eq!(&frame[12..14], &ETHERTYPE_IPV4.to_be_bytes());
                let ip = &frame[ETHERNET_HEADER_LEN..];
                assert_eq!(u16::from_be_bytes([ip[2], ip[3]]) as usize, ip.len());
                assert_eq!(fold(sum_words(&ip[..IPV4_HEADER_LEN], 0)), 0xFFFF);
                let tcp = &ip[IPV4_HEADER_LEN..];
                let mut pseudo = ip[12..20].to_vec();
                pseudo.extend_from_slice(&[0, IP_PROTOCOL_TCP]);
                pseudo.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
                assert_eq!(fold(sum_words(tcp, sum_words(&pseudo, 0))), 0xFFFF);
                let from_client = ip[12..16] == CLIENT.ip;
                assert_eq!(
                    frame[6..12],
                    if from_client { CLIENT.mac } else { SERVER.mac }
                );
                Segment {
                    from_client,
                    flags: tcp[13],
                    sequence: u32::from_be_bytes(tcp[4..8].try_into().unwrap()),
                    acknowledgment: u32::from_be_bytes(tcp[8..12].try_into().unwrap()),
                    payload: tcp[TCP_HEADER_LEN..].to_vec(),
                }
            })
            .collect()
    }

    #[test]
    fn blocks_are_framed_and_in_order() {
        let file = capture(&exchange(), KEYLOG);
        let types: Vec<u32> = blocks(&file).iter().map(|(t, _)| *t).collect();
        assert_eq!(
            types[..3],
            [
                SECTION_HEADER_BLOCK,
                INTERFACE_DESCRIPTION_BLOCK,
                DECRYPTION_SECRETS_BLOCK
            ]
        );
        // 3-way handshake, 5 records, FIN/ACK exchange.
        assert_eq!(types[3..], [ENHANCED_PACKET_BLOCK; 11]);
        assert_eq!(u32_at(&file, 8), BYTE_ORDER_MAGIC);
        assert!(file
            .windows(APPLICATION.len())
            .any(|w| w == APPLICATION.as_bytes()));
    }

    #[test]
    fn secrets_block_carries_the_key_log() {
        let file = capture(&exchange(), KEYLOG);
        let (_, body) = blocks(&file)
            .into_iter()
            .find(|(t, _)| *t == DECRYPTION_SECRETS_BLOCK)
            .unwrap();
        assert_eq!(u32_at(body, 0), TLS_KEY_LOG);
        let length = u32_at(body, 4) as usize;
        assert_eq!(&body[8..8 + length], KEYLOG.as_bytes());
        assert!(body[8 + length..].iter().all(|b| *b == 0));
    }

    #[test]
    fn empty_key_log_leaves_out_the_secrets_block() {
        let file = capture(&exchange(), "");
        assert!(!blocks(&file)
            .iter()
            .any(|(t, _)| *t == DECRYPTION_SECRETS_BLOCK));
        assert_eq!(segments(&file).len(), 11);
    }

    #[test]
    fn records_ride_in_order_with_continuous_sequence_numbers() {
        let records = exchange();
        let segments = segments(&capture(&records, KEYLOG));
        let flags: Vec<u8> = segments.iter().map(|s| s.flags).collect();
        assert_eq!(flags[..3], [SYN, SYN | ACK, ACK]);
        assert_eq!(flags[3..8], [PSH | ACK; 5]);
        assert_eq!(flags[8..], [FIN | ACK, FIN | ACK, ACK]);

        // Expected next sequence number of each side, and what it has received.
        let mut next = [CLIENT.initial_sequence, SERVER.initial_sequence];
        for (i, segment) in segments.iter().enumerate() {
            let (sender, receiver) = if segment.from_client { (0, 1) } else { (1, 0) };
            assert_eq!(segment.sequence, next[sender], "segment {i}");
            if segment.flags & ACK != 0 {
                assert_eq!(segment.acknowledgment, next[receiver], "segment {i}");
            }
            let consumed =
                segment.payload.len() as u32 + u32::from(segment.flags & (SYN | FIN) != 0);
            next[sender] = next[sender].wrapping_add(consumed);
        }
        for (segment, record) in segments[3..8].iter().zip(&records) {
            assert_eq!(segment.payload, record.bytes);
            assert_eq!(
                segment.from_client,
                record.direction == Direction::ClientToServer
            );
        }
    }

    #[test]
    fn timestamps_advance_one_millisecond_per_packet() {
        let file = capture(&exchange(), KEYLOG);
        let stamps: Vec<u64> = blocks(&file)
            .into_iter()
            .filter(|(t, _)| *t == ENHANCED_PACKET_BLOCK)
            .map(|(_, b)| (u64::from(u32_at(b, 4)) << 32) | u64::from(u32_at(b, 8)))
            .collect();
        for (i, stamp) in stamps.iter().enumerate() {
            assert_eq!(*stamp, START_MICROS + i as u64 * MICROS_PER_PACKET);
        }
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(capture(&exchange(), KEYLOG), capture(&exchange(), KEYLOG));
    }

    #[test]
    fn oversized_records_are_split_and_acknowledged_within_the_window() {
        let records = vec![
            record(Direction::ClientToServer, 23, 100_000),
            record(Direction::ClientToServer, 23, 60_000),
        ];
        let segments = segments(&capture(&records, ""));
        let data: Vec<&Segment> = segments.iter().filter(|s| !s.payload.is_empty()).collect();
        assert!(data.iter().all(|s| s.payload.len() <= MAX_SEGMENT));
        let sent: Vec<u8> = data.iter().flat_map(|s| s.payload.clone()).collect();
        let expected: Vec<u8> = records.iter().flat_map(|r| r.bytes.clone()).collect();
        assert_eq!(sent, expected);
        // The server acknowledges between segments so the client never exceeds its window.
        let mut in_flight = 0usize;
        for segment in &segments[3..] {
            if segment.from_client {
                in_flight += segment.payload.len();
                assert!(in_flight <= usize::from(WINDOW));
            } else {
                in_flight = 0;
            }
        }
        assert!(segments[3..]
            .iter()
            .any(|s| !s.from_client && s.flags == ACK));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let empty = Record {
            bytes: Vec::new(),
            ..record(Direction::ServerToClient, 21, 0)
        };
        let odd = Record {
            bytes: vec![0xFF],
            ..record(Direction::ClientToServer, 0, 0)
        };
        let file = capture(&[empty, odd], "no newline at the end");
        let segments = segments(&file);
        // The empty record sends nothing; the one-byte one still gets a segment.
        assert_eq!(segments.len(), 7);
        assert_eq!(segments[3].payload, [0xFF]);
        assert_eq!(blocks(&capture(&[], "")).len(), 8);
    }
}
