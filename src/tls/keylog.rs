//! The session's secrets as rustls hands them out, for decryption and SSLKEYLOGFILE.

use std::sync::{Arc, Mutex};

/// One NSS key log line: a label such as `CLIENT_HANDSHAKE_TRAFFIC_SECRET`, the
/// ClientHello random it belongs to, and the secret.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Secret {
    pub label: String,
    #[serde(with = "serde_bytes")]
    pub client_random: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub secret: Vec<u8>,
}

/// Every secret one run produced, in the order rustls derived them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionKeys {
    pub secrets: Vec<Secret>,
}

impl SessionKeys {
    /// The secret with this label for the session that sent this ClientHello random.
    pub fn secret(&self, label: &str, client_random: &[u8]) -> Option<&[u8]> {
        self.secrets
            .iter()
            .find(|s| s.label == label && s.client_random == client_random)
            .map(|s| s.secret.as_slice())
    }

    /// The NSS key log format that Wireshark, tshark and curl's `SSLKEYLOGFILE` use.
    pub fn to_sslkeylogfile(&self) -> String {
        self.secrets
            .iter()
            .map(|s| format!("{} {} {}\n", s.label, hex(&s.client_random), hex(&s.secret)))
            .collect()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Collects what rustls logs; shared between the config and the run that reads it back.
#[derive(Debug, Default)]
pub(crate) struct Collector(Mutex<Vec<Secret>>);

impl Collector {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Collector::default())
    }

    pub(crate) fn keys(&self) -> SessionKeys {
        SessionKeys {
            secrets: self.0.lock().map(|s| s.clone()).unwrap_or_default(),
        }
    }
}

impl rustls::KeyLog for Collector {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if let Ok(mut secrets) = self.0.lock() {
            secrets.push(Secret {
                label: label.to_string(),
                client_random: client_random.to_vec(),
                secret: secret.to_vec(),
            });
        }
    }
}
