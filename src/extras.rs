//! The extras module: work a first run does not need, kept out of the page's module and loaded
//! by `extras-worker.js` only when wanted. RSA key generation, for pages where WebCrypto cannot
//! make keys (a page served over plain http has none); and Client B's PKCS#12 files, made in
//! the background after a run.

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

/// One PKCS#12 file from its [`Pkcs12Job`](mtls_lab::pki::pkcs12::Pkcs12Job) as postcard
/// bytes.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn make_pkcs12(job: &[u8]) -> Result<Vec<u8>, wasm_bindgen::JsError> {
    mtls_lab::pki::pkcs12::Pkcs12Job::from_bytes(job)
        .and_then(|job| job.run())
        .map_err(|e| wasm_bindgen::JsError::new(&e.to_string()))
}

fn main() {}
