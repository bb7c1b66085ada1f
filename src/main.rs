//! The browser entry point. Natively the binary only points at the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    // The same module also loads in core-worker.js, where there is no window to render into.
    if web_sys::window().is_some() {
        mtls_lab::app::start();
    }
}

/// The page's heavy work: a [`Request`](mtls_lab::workshop::protocol::Request) in, its
/// [`Response`](mtls_lab::workshop::protocol::Response) out, both as postcard bytes. The
/// response echoes the request's id and carries the reply or the core's typed refusal.
/// `core-worker.js` calls this inside a Web Worker, so RSA-4096 signatures never hold up the
/// page. It lives in the page's binary, not the library, so the extras worker's module, which
/// links the library too, does not carry the whole core.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn run_in_worker(request: &[u8]) -> Vec<u8> {
    mtls_lab::workshop::protocol::answer_bytes(request)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("mTLS Lab runs in the browser: ./scripts/serve.sh builds it and serves http://127.0.0.1:8080");
}
