//! The mutual-TLS handshake over in-memory buffers, and its record trace.

pub mod handshake;
pub mod trace;

pub use handshake::{run, ClientSide, Established, Failure, Outcome, ServerSide, Side, TlsVersion};
pub use trace::{Direction, Record};
