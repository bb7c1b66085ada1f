//! The browser entry point. Natively the binary only points at the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    mtls_lab::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("mTLS Lab runs in the browser: ./scripts/serve.sh builds it and serves http://127.0.0.1:8080");
}
