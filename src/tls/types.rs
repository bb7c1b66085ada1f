//! The words every part of the TLS layer shares: which version a run speaks, which way a
//! record travels, and which side refused.

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum TlsVersion {
    #[default]
    Tls13,
    Tls12,
}

impl TlsVersion {
    pub fn label(self) -> &'static str {
        match self {
            TlsVersion::Tls13 => "TLS 1.3",
            TlsVersion::Tls12 => "TLS 1.2",
        }
    }

    /// The matching `openssl s_client` / `s_server` flag.
    pub fn openssl_flag(self) -> &'static str {
        match self {
            TlsVersion::Tls13 => "-tls1_3",
            TlsVersion::Tls12 => "-tls1_2",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Direction {
    /// Client B to Client C.
    ClientToServer,
    /// Client C to Client B.
    ServerToClient,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::ClientToServer => "B → C",
            Direction::ServerToClient => "C → B",
        }
    }
}

/// Who refused: one of the two peers, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// Client B, the TLS client.
    Client,
    /// Client C, the TLS server.
    Server,
    /// Neither: the configuration was refused before any byte was sent.
    Setup,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Client => "Client B (TLS client)",
            Side::Server => "Client C (TLS server)",
            Side::Setup => "configuration",
        }
    }
}
