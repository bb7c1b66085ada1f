//! The current time. `SystemTime::now()` panics on wasm32; pki-types' `web` feature reads
//! the browser's clock there, and the system clock natively.

pub fn unix_now() -> u64 {
    rustls_pki_types::UnixTime::now().as_secs()
}
