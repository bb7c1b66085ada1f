//! Decodes handshake messages into named fields.
