//! The few browser facilities the app needs, kept out of the core: WebCrypto RSA keys, the
//! clock, yielding to the event loop, and download URLs.

use crate::pki::{KeyAlgorithm, PrivateKey};
use base64::Engine;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Milliseconds since page load, for elapsed-time display.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// Lets the browser paint and handle input before the next piece of work.
pub async fn yield_to_browser() {
    yew::platform::time::sleep(std::time::Duration::ZERO).await;
}

/// Where a key came from, for the progress line.
pub fn key_source(algorithm: KeyAlgorithm) -> &'static str {
    if algorithm.rsa_bits().is_some() {
        "WebCrypto"
    } else {
        "wasm"
    }
}

/// A new key. RSA comes from WebCrypto (native code, off the main thread), falling back to the
/// rsa crate in wasm if WebCrypto refuses; EC keys are made in wasm in well under a millisecond.
pub async fn generate_key(algorithm: KeyAlgorithm) -> Result<PrivateKey, String> {
    if let Some(bits) = algorithm.rsa_bits() {
        match webcrypto_rsa(bits).await {
            Ok(key) => return Ok(key),
            Err(e) => web_sys::console::warn_1(
                &format!("WebCrypto RSA failed ({e}); using the wasm fallback").into(),
            ),
        }
    }
    PrivateKey::generate(algorithm).map_err(|e| e.to_string())
}

async fn webcrypto_rsa(bits: usize) -> Result<PrivateKey, String> {
    let js_err = |e: JsValue| format!("{e:?}");
    let subtle = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(js_err)?
        .subtle();
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"RSASSA-PKCS1-v1_5".into()).map_err(js_err)?;
    Reflect::set(
        &algorithm,
        &"modulusLength".into(),
        &JsValue::from(bits as u32),
    )
    .map_err(js_err)?;
    Reflect::set(
        &algorithm,
        &"publicExponent".into(),
        &Uint8Array::from(&[1u8, 0, 1][..]),
    )
    .map_err(js_err)?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into()).map_err(js_err)?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let pair = JsFuture::from(
        subtle
            .generate_key_with_object(&algorithm, true, &usages)
            .map_err(js_err)?,
    )
    .await
    .map_err(js_err)?;
    let private: web_sys::CryptoKey = Reflect::get(&pair, &"privateKey".into())
        .map_err(js_err)?
        .dyn_into()
        .map_err(js_err)?;
    let exported = JsFuture::from(subtle.export_key("pkcs8", &private).map_err(js_err)?)
        .await
        .map_err(js_err)?;
    let der = Uint8Array::new(&exported).to_vec();
    PrivateKey::from_pkcs8_der(&der).map_err(|e| e.to_string())
}

/// A `data:` URL: downloads need no object URL to revoke and make no request.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
