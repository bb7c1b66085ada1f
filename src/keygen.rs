//! The key worker's module: RSA key generation for pages where WebCrypto cannot make keys (a
//! page served over plain http has none). It is a module of its own, loaded by
//! `keygen-worker.js` only then, so the page's module carries no RSA key generation.

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

fn main() {}
