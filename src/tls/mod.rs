//! The mutual-TLS handshake over in-memory buffers, its record trace, and its decoding.

pub mod decrypt;
pub mod diagram;
pub mod handshake;
pub mod keylog;
pub mod messages;
pub mod names;
pub mod pcapng;
pub mod refusal;
pub mod trace;
pub mod types;
pub mod view;
pub mod wire;

pub use handshake::{
    run, ClientAuth, ClientSide, Established, Failure, HandshakeJob, Outcome, RevocationCheck,
    ServerSide, Side,
};
pub use keylog::SessionKeys;
pub use refusal::{Refusal, RefusalKind};
pub use trace::Record;
pub use types::{Direction, TlsVersion};
