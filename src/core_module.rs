//! The core module: the work the page's module does not carry, loaded by the workers (and, where
//! no worker can start, by the page itself). `core-worker.js` sends it every request but the
//! page's own signing: step 8's handshakes, the lab's scenarios, RSA signing where WebCrypto
//! cannot sign, opening saved keys, Client B's PKCS#12 files. `key-worker.js` asks it for RSA
//! keys where WebCrypto cannot make them (a page served over plain http has none), one worker
//! a key.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// One RSA key of `bits` bits as PKCS#8 DER.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn generate_rsa_pkcs8(bits: u32) -> Result<Vec<u8>, wasm_bindgen::JsError> {
    if ![2048, 3072, 4096].contains(&bits) {
        return Err(wasm_bindgen::JsError::new(&format!("no RSA size {bits}")));
    }
    mtls_lab::pki::keys::rsa_pkcs8(bits as usize)
        .map_err(|e| wasm_bindgen::JsError::new(&e.to_string()))
}

/// One [`Request`](mtls_lab::workshop::protocol::Request) in, its
/// [`Response`](mtls_lab::workshop::protocol::Response) out, both as postcard bytes. The
/// response echoes the request's id and carries the reply or the core's typed refusal.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn run_in_worker(request: &[u8]) -> Vec<u8> {
    mtls_lab::workshop::protocol::answer_bytes(request)
}

/// Runs a whole P-256 workshop once, then step 8's runs again as a request, and throws it all
/// away. The browser compiles a module's functions when they are first called: done here, as
/// the worker starts, a first run's handshakes do not wait for it.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn warm_up() {
    use mtls_lab::workshop::lab::SeedRuns;
    use mtls_lab::workshop::protocol::{answer_bytes, Request, Work};
    use mtls_lab::workshop::{Settings, Workshop};
    let mut workshop = Workshop::new(Settings::default());
    if workshop.run_all(mtls_lab::clock::unix_now()).is_err() {
        return;
    }
    let request = Request {
        id: 0,
        work: Work::SeedRuns(SeedRuns::of(&workshop)),
    };
    if let Ok(bytes) = request.to_bytes() {
        answer_bytes(&bytes);
    }
}

fn main() {}
