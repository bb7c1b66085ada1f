//! The browser UI: a thin Yew layer over the workshop core. One section per seed step.
//! The state and the run orchestration are plain Rust, tested natively; the rest is wasm only.

pub mod run;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod lab_view;
#[cfg(target_arch = "wasm32")]
mod navigator;
#[cfg(target_arch = "wasm32")]
mod view;

#[cfg(target_arch = "wasm32")]
pub use view::App;

/// Mounts the app and turns a panic into a visible, recoverable notice instead of a dead page.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(notice) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("crash-notice"))
        {
            let _ = notice.set_attribute("class", "crash-notice shown");
        }
    }));
    yew::Renderer::<App>::new().render();
}

/// One RSA key as PKCS#8 DER, made by the rsa crate. `core-worker.js` calls this inside a Web
/// Worker when WebCrypto cannot make the key, so the page's thread stays free.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn generate_rsa_pkcs8(bits: u32) -> Result<Vec<u8>, wasm_bindgen::JsError> {
    let algorithm = match bits {
        2048 => crate::pki::KeyAlgorithm::Rsa2048,
        3072 => crate::pki::KeyAlgorithm::Rsa3072,
        4096 => crate::pki::KeyAlgorithm::Rsa4096,
        other => return Err(wasm_bindgen::JsError::new(&format!("no RSA size {other}"))),
    };
    crate::pki::PrivateKey::generate(algorithm)
        .map(|key| key.pkcs8_der().to_vec())
        .map_err(|e| wasm_bindgen::JsError::new(&e.to_string()))
}

/// The page's heavy work: a [`Request`](crate::workshop::protocol::Request) in, its
/// [`Response`](crate::workshop::protocol::Response) out, both as postcard bytes. The response
/// echoes the request's id and carries the reply or the core's typed refusal.
/// `core-worker.js` calls this inside a Web Worker, so RSA-4096 signatures never hold up the
/// page.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn run_in_worker(request: &[u8]) -> Vec<u8> {
    crate::workshop::protocol::answer_bytes(request)
}
