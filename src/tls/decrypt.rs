//! Turns a run's records back into the messages both sides sent, decrypting the protected
//! ones with the secrets rustls logged for that very session.

use super::keylog::SessionKeys;
use super::names::{alert_name, handshake_name};
use super::trace::Record;
use super::types::{Direction, TlsVersion};
use super::wire::{self, RANDOM_LEN};
use ring::{aead, hkdf, hmac};
use rustls::{CipherSuite, ContentType, HandshakeType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// A handshake message, by its type.
    Handshake(HandshakeType),
    ChangeCipherSpec,
    Alert {
        fatal: bool,
        description: u8,
    },
    ApplicationData,
    /// A protected record the session's secrets could not open.
    Unreadable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub direction: Direction,
    pub kind: MessageKind,
    /// The record that carried it (its first, if it spans several).
    pub record: usize,
    /// Whether it travelled encrypted and was opened with the session's secrets.
    pub decrypted: bool,
    /// The message itself: a handshake message with its 4-byte header, an alert's two
    /// bytes, or application data.
    pub bytes: Vec<u8>,
}

impl Message {
    pub fn name(&self) -> String {
        match &self.kind {
            MessageKind::Handshake(ty) => handshake_name(*ty).to_string(),
            MessageKind::ChangeCipherSpec => "ChangeCipherSpec".into(),
            MessageKind::Alert { fatal, description } => format!(
                "Alert: {} ({})",
                alert_name(*description),
                if *fatal { "fatal" } else { "warning" }
            ),
            MessageKind::ApplicationData => "Application data".into(),
            MessageKind::Unreadable => "Encrypted record (no key for it)".into(),
        }
    }

    pub fn is_handshake(&self, ty: HandshakeType) -> bool {
        self.kind == MessageKind::Handshake(ty)
    }
}

/// Every message of a run in the order it was sent.
pub fn messages(records: &[Record], keys: &SessionKeys, version: TlsVersion) -> Vec<Message> {
    let hellos = Hellos::find(records);
    let mut client = Reader::new(Direction::ClientToServer);
    let mut server = Reader::new(Direction::ServerToClient);
    let mut out = Vec::new();
    for (index, record) in records.iter().enumerate() {
        let reader = match record.direction {
            Direction::ClientToServer => &mut client,
            Direction::ServerToClient => &mut server,
        };
        reader.read(index, record, &hellos, keys, version, &mut out);
    }
    out
}

/// The randoms and suite the ClientHello and ServerHello carried in the clear.
#[derive(Default)]
struct Hellos {
    client_random: Option<[u8; RANDOM_LEN]>,
    server_random: Option<[u8; RANDOM_LEN]>,
    suite: Option<CipherSuite>,
}

impl Hellos {
    fn find(records: &[Record]) -> Self {
        let mut hellos = Hellos::default();
        for record in records
            .iter()
            .filter(|r| r.content_type == ContentType::Handshake)
        {
            let Ok(Some(hello)) = wire::hello(record.fragment()) else {
                continue;
            };
            match (record.direction, hello.ty) {
                (Direction::ClientToServer, HandshakeType::ClientHello)
                    if hellos.client_random.is_none() =>
                {
                    hellos.client_random = Some(hello.random);
                }
                (Direction::ServerToClient, HandshakeType::ServerHello)
                    if hellos.server_random.is_none() =>
                {
                    hellos.server_random = Some(hello.random);
                    hellos.suite = hello.cipher_suite;
                }
                _ => {}
            }
        }
        hellos
    }
}

/// One direction's record layer: its current keys and sequence number, and handshake
/// bytes waiting for the rest of a message.
struct Reader {
    direction: Direction,
    keys: Option<RecordKeys>,
    /// TLS 1.3: still on handshake traffic keys.
    handshake_phase: bool,
    /// TLS 1.2: a ChangeCipherSpec has gone by, so records are protected.
    cipher_changed: bool,
    pending: Vec<u8>,
    pending_record: usize,
    pending_decrypted: bool,
}

impl Reader {
    fn new(direction: Direction) -> Self {
        Reader {
            direction,
            keys: None,
            handshake_phase: true,
            cipher_changed: false,
            pending: Vec::new(),
            pending_record: 0,
            pending_decrypted: false,
        }
    }

    fn read(
        &mut self,
        index: usize,
        record: &Record,
        hellos: &Hellos,
        keys: &SessionKeys,
        version: TlsVersion,
        out: &mut Vec<Message>,
    ) {
        let Some(header) = record.header() else {
            return;
        };
        let fragment = record.fragment();
        let direction = self.direction;
        let message = |kind, decrypted, bytes: &[u8]| Message {
            direction,
            kind,
            record: index,
            decrypted,
            bytes: bytes.to_vec(),
        };
        if record.content_type == ContentType::ChangeCipherSpec {
            out.push(message(MessageKind::ChangeCipherSpec, false, fragment));
            if version == TlsVersion::Tls12 {
                self.cipher_changed = true;
                self.keys = tls12_keys(direction, hellos, keys);
            }
            return;
        }
        let protected = match version {
            TlsVersion::Tls13 => record.content_type == ContentType::ApplicationData,
            TlsVersion::Tls12 => self.cipher_changed,
        };
        if !protected {
            self.take(
                index,
                record.content_type,
                fragment,
                false,
                version,
                hellos,
                keys,
                out,
            );
            return;
        }
        if version == TlsVersion::Tls13 && self.keys.is_none() && self.handshake_phase {
            self.keys = tls13_keys(direction, true, hellos, keys);
        }
        let opened = self.keys.as_mut().and_then(|k| match version {
            TlsVersion::Tls13 => k.open_tls13(header, fragment),
            TlsVersion::Tls12 => k
                .open_tls12(header, fragment)
                .map(|text| (record.content_type, text)),
        });
        match opened {
            Some((content_type, plaintext)) => self.take(
                index,
                content_type,
                &plaintext,
                true,
                version,
                hellos,
                keys,
                out,
            ),
            None => out.push(message(MessageKind::Unreadable, false, fragment)),
        }
    }

    /// Files one record's plaintext as messages.
    #[allow(clippy::too_many_arguments)]
    fn take(
        &mut self,
        index: usize,
        content_type: ContentType,
        plaintext: &[u8],
        decrypted: bool,
        version: TlsVersion,
        hellos: &Hellos,
        keys: &SessionKeys,
        out: &mut Vec<Message>,
    ) {
        let direction = self.direction;
        let message = |kind, bytes: &[u8]| Message {
            direction,
            kind,
            record: index,
            decrypted,
            bytes: bytes.to_vec(),
        };
        match content_type {
            ContentType::Handshake => {
                if self.pending.is_empty() {
                    self.pending_record = index;
                    self.pending_decrypted = decrypted;
                }
                self.pending.extend_from_slice(plaintext);
                let stream = std::mem::take(&mut self.pending);
                let (whole, tail) = wire::handshakes(&stream);
                for frame in whole {
                    out.push(Message {
                        direction,
                        kind: MessageKind::Handshake(frame.ty),
                        record: self.pending_record,
                        decrypted: self.pending_decrypted,
                        bytes: frame.bytes.to_vec(),
                    });
                    self.pending_record = index;
                    self.pending_decrypted = decrypted;
                    if version == TlsVersion::Tls13
                        && frame.ty == HandshakeType::Finished
                        && self.handshake_phase
                    {
                        // After its Finished a side writes with application traffic keys.
                        self.handshake_phase = false;
                        self.keys = tls13_keys(self.direction, false, hellos, keys);
                    }
                }
                self.pending = tail.to_vec();
            }
            ContentType::Alert => {
                let kind = match plaintext {
                    [level, description] => MessageKind::Alert {
                        fatal: *level == 2,
                        description: *description,
                    },
                    _ => MessageKind::Unreadable,
                };
                out.push(message(kind, plaintext));
            }
            ContentType::ApplicationData => {
                out.push(message(MessageKind::ApplicationData, plaintext))
            }
            ContentType::ChangeCipherSpec => {
                out.push(message(MessageKind::ChangeCipherSpec, plaintext))
            }
            _ => out.push(message(MessageKind::Unreadable, plaintext)),
        }
    }
}

/// How a suite protects records.
#[derive(Clone, Copy)]
struct SuiteParams {
    aead: &'static aead::Algorithm,
    hkdf: hkdf::Algorithm,
    prf: hmac::Algorithm,
    /// TLS 1.2 GCM's implicit nonce part is 4 bytes; ChaCha20 and TLS 1.3 use 12.
    fixed_iv_len: usize,
}

fn suite_params(suite: CipherSuite) -> Option<SuiteParams> {
    use CipherSuite as S;
    let (aead, sha384, fixed_iv_len) = match suite {
        S::TLS13_AES_128_GCM_SHA256 => (&aead::AES_128_GCM, false, 12),
        S::TLS13_AES_256_GCM_SHA384 => (&aead::AES_256_GCM, true, 12),
        S::TLS13_CHACHA20_POLY1305_SHA256 => (&aead::CHACHA20_POLY1305, false, 12),
        S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 | S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => {
            (&aead::AES_128_GCM, false, 4)
        }
        S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 | S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => {
            (&aead::AES_256_GCM, true, 4)
        }
        S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        | S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => (&aead::CHACHA20_POLY1305, false, 12),
        _ => return None,
    };
    Some(SuiteParams {
        aead,
        hkdf: if sha384 {
            hkdf::HKDF_SHA384
        } else {
            hkdf::HKDF_SHA256
        },
        prf: if sha384 {
            hmac::HMAC_SHA384
        } else {
            hmac::HMAC_SHA256
        },
        fixed_iv_len,
    })
}

struct RecordKeys {
    key: aead::LessSafeKey,
    iv: Vec<u8>,
    sequence: u64,
}

impl RecordKeys {
    fn new(params: SuiteParams, key: &[u8], iv: Vec<u8>) -> Option<Self> {
        let key = aead::UnboundKey::new(params.aead, key).ok()?;
        Some(RecordKeys {
            key: aead::LessSafeKey::new(key),
            iv,
            sequence: 0,
        })
    }

    /// The per-record nonce: the IV with the sequence number XORed into its tail.
    fn sequence_nonce(&self) -> Option<aead::Nonce> {
        let mut nonce: [u8; 12] = self.iv.as_slice().try_into().ok()?;
        for (n, s) in nonce[4..].iter_mut().zip(self.sequence.to_be_bytes()) {
            *n ^= s;
        }
        Some(aead::Nonce::assume_unique_for_key(nonce))
    }

    /// TLS 1.3: the header is the AAD; the real content type is the last non-zero byte.
    fn open_tls13(&mut self, header: &[u8; 5], fragment: &[u8]) -> Option<(ContentType, Vec<u8>)> {
        let nonce = self.sequence_nonce()?;
        self.sequence = self.sequence.wrapping_add(1);
        let mut buffer = fragment.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, aead::Aad::from(header), &mut buffer)
            .ok()?;
        let end = plain.iter().rposition(|&b| b != 0)?;
        Some((ContentType::from(plain[end]), plain[..end].to_vec()))
    }

    /// TLS 1.2: the AAD is sequence, type, version and plaintext length; GCM carries an
    /// explicit 8-byte nonce before the ciphertext.
    fn open_tls12(&mut self, header: &[u8; 5], fragment: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = if self.iv.len() == 4 {
            let (explicit, rest) = fragment.split_first_chunk::<8>()?;
            let mut nonce = [0u8; 12];
            nonce[..4].copy_from_slice(&self.iv);
            nonce[4..].copy_from_slice(explicit);
            (aead::Nonce::assume_unique_for_key(nonce), rest)
        } else {
            (self.sequence_nonce()?, fragment)
        };
        let plain_len = ciphertext.len().checked_sub(aead::MAX_TAG_LEN)?;
        let mut aad = Vec::with_capacity(13);
        aad.extend_from_slice(&self.sequence.to_be_bytes());
        aad.extend_from_slice(&header[..3]);
        aad.extend_from_slice(&u16::try_from(plain_len).ok()?.to_be_bytes());
        self.sequence = self.sequence.wrapping_add(1);
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, aead::Aad::from(aad), &mut buffer)
            .ok()?;
        Some(plain.to_vec())
    }
}

struct Length(usize);

impl hkdf::KeyType for Length {
    fn len(&self) -> usize {
        self.0
    }
}

/// RFC 8446 section 7.1's HKDF-Expand-Label with an empty context.
fn expand_label(
    algorithm: hkdf::Algorithm,
    secret: &[u8],
    label: &str,
    len: usize,
) -> Option<Vec<u8>> {
    let full_label = format!("tls13 {label}");
    let mut info = Vec::new();
    info.extend_from_slice(&u16::try_from(len).ok()?.to_be_bytes());
    info.push(u8::try_from(full_label.len()).ok()?);
    info.extend_from_slice(full_label.as_bytes());
    info.push(0);
    let prk = hkdf::Prk::new_less_safe(algorithm, secret);
    let info = [info.as_slice()];
    let okm = prk.expand(&info, Length(len)).ok()?;
    let mut out = vec![0; len];
    okm.fill(&mut out).ok()?;
    Some(out)
}

fn tls13_keys(
    direction: Direction,
    handshake: bool,
    hellos: &Hellos,
    keys: &SessionKeys,
) -> Option<RecordKeys> {
    let params = suite_params(hellos.suite?)?;
    let label = match (direction, handshake) {
        (Direction::ClientToServer, true) => "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        (Direction::ServerToClient, true) => "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        (Direction::ClientToServer, false) => "CLIENT_TRAFFIC_SECRET_0",
        (Direction::ServerToClient, false) => "SERVER_TRAFFIC_SECRET_0",
    };
    let client_random = hellos.client_random.as_ref()?;
    let secret = keys.secret(label, client_random)?;
    let key_len = params.aead.key_len();
    let key = expand_label(params.hkdf, secret, "key", key_len)?;
    let iv = expand_label(params.hkdf, secret, "iv", 12)?;
    RecordKeys::new(params, &key, iv)
}

/// RFC 5246 section 5's P_hash.
fn p_hash(algorithm: hmac::Algorithm, secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let key = hmac::Key::new(algorithm, secret);
    let mut out = Vec::with_capacity(len);
    let mut a = hmac::sign(&key, seed);
    while out.len() < len {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(a.as_ref());
        ctx.update(seed);
        out.extend_from_slice(ctx.sign().as_ref());
        a = hmac::sign(&key, a.as_ref());
    }
    out.truncate(len);
    out
}

fn tls12_keys(direction: Direction, hellos: &Hellos, keys: &SessionKeys) -> Option<RecordKeys> {
    let params = suite_params(hellos.suite?)?;
    let client_random = hellos.client_random.as_ref()?;
    let server_random = hellos.server_random.as_ref()?;
    let master = keys.secret("CLIENT_RANDOM", client_random)?;
    let key_len = params.aead.key_len();
    let iv_len = params.fixed_iv_len;
    let mut seed = b"key expansion".to_vec();
    seed.extend_from_slice(server_random);
    seed.extend_from_slice(client_random);
    let block = p_hash(params.prf, master, &seed, 2 * (key_len + iv_len));
    let (client_key, rest) = block.split_at(key_len);
    let (server_key, rest) = rest.split_at(key_len);
    let (client_iv, server_iv) = rest.split_at(iv_len);
    match direction {
        Direction::ClientToServer => RecordKeys::new(params, client_key, client_iv.to_vec()),
        Direction::ServerToClient => RecordKeys::new(params, server_key, server_iv.to_vec()),
    }
}
