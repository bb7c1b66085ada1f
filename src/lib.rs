//! mTLS Lab: the seed's mutual-TLS workshop as a library that runs natively and in wasm.
//!
//! `pki` makes keys, CSRs and certificates; `tls` runs a real rustls handshake over memory;
//! `workshop` holds the seed's steps as data and exports the tree. `app` is the browser UI: its state and run orchestration build natively, its components
//! only for wasm.

pub mod clock;
pub mod diagnose;
#[doc(hidden)]
pub mod fuzzing;
pub mod pki;
pub mod text;
pub mod tls;
pub mod workshop;

pub mod app;
