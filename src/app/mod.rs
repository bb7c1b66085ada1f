//! The browser UI: a thin Yew layer over the workshop core. One section per seed step.

pub mod browser;
mod lab_view;
mod navigator;
mod state;
mod view;

pub use view::App;

/// Mounts the app and turns a panic into a visible, recoverable notice instead of a dead page.
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

/// The page's heavy work, sent as text: a step's signing (`job`), one handshake
/// (`handshake`), one lab scenario's files (`lab`, answered as the handshake to run, which the
/// page keeps for openssl) or the saved keys to open (`open-keys`). `core-worker.js` calls this inside a Web Worker,
/// so RSA-4096 signatures never hold up the page. The reply is text too.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn run_in_worker(kind: &str, text: &str) -> Result<String, wasm_bindgen::JsError> {
    use crate::tls::transfer::{encode_outcome, HandshakeJob};
    use crate::workshop::{job::StepJob, lab};
    let reply = match kind {
        "job" => StepJob::decode(text)
            .and_then(|job| job.run())
            .map(|products| products.encode()),
        "handshake" => HandshakeJob::decode(text).map(|job| encode_outcome(&job.run())),
        "open-keys" => crate::workshop::saved::answer_open_keys(text),
        "lab" => lab::LabInputs::decode(text)
            .and_then(|(inputs, scenario, now)| lab::setup(&inputs, scenario, now))
            .map(|setup| {
                let (server, client, version) = (setup.server, setup.client, setup.version);
                HandshakeJob {
                    server,
                    client,
                    version,
                }
                .encode()
            }),
        other => {
            return Err(wasm_bindgen::JsError::new(&format!(
                "no work called {other}"
            )))
        }
    };
    // The core refused its input: an answer for the page to show, not a failed worker.
    reply.map_err(|e| wasm_bindgen::JsError::new(&format!("{}{e}", browser::WORK_REFUSED)))
}
