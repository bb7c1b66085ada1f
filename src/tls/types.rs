//! The words every part of the TLS layer shares: which version a run speaks, and which way a
//! record travels.

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
