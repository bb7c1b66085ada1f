//! The few browser facilities the app needs, kept out of the core: WebCrypto RSA keys, the
//! clock, yielding to the event loop, and download URLs.

use crate::pki::{KeyAlgorithm, PrivateKey};
use crate::tls::{HandshakeJob, Outcome};
use crate::workshop::job::{StepJob, StepProducts};
use crate::workshop::lab::{LabInputs, LabRun, LabScenario, Setup};
use crate::workshop::protocol::{CoreError, Reply, Request, Response, Work};
use crate::workshop::Party;
use base64::Engine;
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::collections::BTreeMap;
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

/// A JavaScript error in the words it carries (its message, or the thrown text), never as
/// Rust's `JsValue(…)` form.
fn js_err(e: JsValue) -> String {
    if let Some(text) = e.as_string() {
        return text;
    }
    match Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
    {
        Some(message) if !message.is_empty() => message,
        _ => "the browser gave no reason".to_string(),
    }
}

/// A WebCrypto algorithm dictionary from its fields.
fn dictionary(fields: &[(&str, JsValue)]) -> Result<Object, String> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value).map_err(js_err)?;
    }
    Ok(object)
}

/// Awaits a WebCrypto promise that yields a key.
async fn crypto_key(
    promise: Result<js_sys::Promise, JsValue>,
) -> Result<web_sys::CryptoKey, String> {
    JsFuture::from(promise.map_err(js_err)?)
        .await
        .map_err(js_err)?
        .dyn_into()
        .map_err(js_err)
}

/// Where a new key was made, for the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeySource {
    WebCrypto,
    Worker,
    Wasm,
}

impl KeySource {
    pub fn label(self) -> &'static str {
        match self {
            KeySource::WebCrypto => "WebCrypto",
            KeySource::Worker => "a Web Worker",
            KeySource::Wasm => "wasm",
        }
    }
}

/// A new key. RSA comes from WebCrypto (native code, off the main thread); where WebCrypto
/// refuses (a page served over plain http has none) a Web Worker runs the rsa crate, so the page
/// never freezes. EC keys are made in wasm in well under a millisecond.
pub async fn generate_key(algorithm: KeyAlgorithm) -> Result<(PrivateKey, KeySource), String> {
    if let Some(bits) = algorithm.rsa_bits() {
        match webcrypto_rsa(bits).await {
            Ok(key) => return Ok((key, KeySource::WebCrypto)),
            Err(e) => web_sys::console::warn_1(
                &format!("WebCrypto RSA failed ({e}); using a worker").into(),
            ),
        }
        return rsa_in_worker(bits)
            .await
            .map(|key| (key, KeySource::Worker));
    }
    PrivateKey::generate(algorithm)
        .map(|key| (key, KeySource::Wasm))
        .map_err(|e| e.to_string())
}

fn new_worker() -> Result<web_sys::Worker, String> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    web_sys::Worker::new_with_options("core-worker.js", &options).map_err(js_err)
}

/// Posts one request to a worker and waits for its one reply; an `error` field is refused.
async fn ask(worker: &web_sys::Worker, request: &JsValue) -> Result<JsValue, String> {
    let reply = js_sys::Promise::new(&mut |resolve, reject| {
        worker.set_onmessage(Some(&resolve));
        worker.set_onerror(Some(&reject));
    });
    worker.post_message(request).map_err(js_err)?;
    let data = JsFuture::from(reply)
        .await
        .map_err(|e| format!("the worker failed: {}", js_err(e)))?
        .dyn_into::<web_sys::MessageEvent>()
        .map_err(js_err)?
        .data();
    match Reflect::get(&data, &"error".into())
        .ok()
        .and_then(|e| e.as_string())
    {
        Some(text) => Err(text),
        None => Ok(data),
    }
}

/// Asks a fresh worker, which loads this same wasm, for one RSA key.
async fn rsa_in_worker(bits: usize) -> Result<PrivateKey, String> {
    let worker = new_worker()?;
    let request = dictionary(&[("rsaBits", JsValue::from(bits as u32))])?;
    let reply = ask(&worker, &request).await;
    worker.terminate();
    let der = Reflect::get(&reply?, &"der".into()).map_err(js_err)?;
    PrivateKey::from_pkcs8_der(&Uint8Array::new(&der).to_vec()).map_err(|e| e.to_string())
}

thread_local! {
    /// One worker for step jobs, started early so its wasm is ready when the first job comes.
    static STEP_WORKER: std::cell::RefCell<Option<web_sys::Worker>> = const { std::cell::RefCell::new(None) };
}

thread_local! {
    /// Set once the step worker failed (say its script could not load): from then on the
    /// work happens in the page without trying again.
    static NO_STEP_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn step_worker() -> Result<web_sys::Worker, String> {
    if NO_STEP_WORKER.with(|no| no.get()) {
        return Err("no worker could start".into());
    }
    STEP_WORKER.with(|slot| {
        if let Some(worker) = slot.borrow().as_ref() {
            return Ok(worker.clone());
        }
        let worker = new_worker()?;
        // A failure before anyone asks must still be seen by the first request.
        let failed = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
            NO_STEP_WORKER.with(|no| no.set(true));
        });
        worker
            .add_event_listener_with_callback("error", failed.as_ref().unchecked_ref())
            .map_err(js_err)?;
        failed.forget();
        *slot.borrow_mut() = Some(worker.clone());
        Ok(worker)
    })
}

/// Starts the step worker loading, so a run does not wait for it later.
pub fn warm_step_worker() {
    let _ = step_worker();
}

thread_local! {
    /// Whether a request to the step worker awaits its reply; the worker answers one at a time.
    static STEP_WORKER_BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The id the next request takes.
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// Frees the step worker for the next request, however the request ended.
struct StepWorkerTurn;

impl Drop for StepWorkerTurn {
    fn drop(&mut self) {
        STEP_WORKER_BUSY.with(|busy| busy.set(false));
    }
}

/// Sends a request to the step worker as bytes and reads its response. `Err` means the
/// worker failed, not that the core refused: a refusal is the response's own `Err`.
async fn ask_worker(request: &Request) -> Result<Response, String> {
    while STEP_WORKER_BUSY.with(|busy| busy.replace(true)) {
        yew::platform::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let _turn = StepWorkerTurn;
    let worker = step_worker()?;
    if NO_STEP_WORKER.with(|no| no.get()) {
        return Err("the worker failed to start".into());
    }
    let bytes = request.to_bytes().map_err(|e| e.to_string())?;
    let message = Uint8Array::from(&bytes[..]);
    let reply = js_sys::Promise::new(&mut |resolve, reject| {
        worker.set_onmessage(Some(&resolve));
        worker.set_onerror(Some(&reject));
    });
    worker
        .post_message_with_transfer(&message, &Array::of1(&message.buffer()))
        .map_err(js_err)?;
    let data = JsFuture::from(reply)
        .await
        .map_err(|e| format!("the worker failed: {}", js_err(e)))?
        .dyn_into::<web_sys::MessageEvent>()
        .map_err(js_err)?
        .data();
    let bytes = data
        .dyn_into::<Uint8Array>()
        .map_err(|_| "the worker sent no response".to_string())?
        .to_vec();
    let response = Response::from_bytes(&bytes).map_err(|e| e.to_string())?;
    if response.id != request.id {
        return Err("the worker answered another request".into());
    }
    Ok(response)
}

/// Where no worker can do the work, it happens here: slower for the page, but it happens.
fn worker_failed(e: &str) {
    web_sys::console::warn_1(&format!("worker: {e}; working in the page").into());
    NO_STEP_WORKER.with(|no| no.set(true));
    STEP_WORKER.with(|slot| slot.borrow_mut().take().map(|w| w.terminate()));
}

/// Runs work in the worker, or in the page where no worker can. The core's refusal comes
/// back typed, wherever the work ran.
async fn execute(work: Work) -> Result<Reply, CoreError> {
    let request = Request {
        id: NEXT_ID.with(|next| next.replace(next.get() + 1)),
        work,
    };
    match ask_worker(&request).await {
        Ok(response) => response.result,
        Err(e) => {
            worker_failed(&e);
            request.work.run()
        }
    }
}

fn other_reply() -> CoreError {
    CoreError::Unreadable("a reply to other work".into())
}

/// Runs a step's signing in the worker.
pub async fn run_job(job: &StepJob) -> Result<StepProducts, CoreError> {
    match execute(Work::Step(job.clone())).await? {
        Reply::Step { csr, cert } => Ok(StepProducts::from_reply(job, csr, cert)),
        _ => Err(other_reply()),
    }
}

/// Runs one handshake in the worker.
pub async fn run_handshake(job: &HandshakeJob) -> Result<Outcome, CoreError> {
    match execute(Work::Handshake(job.clone())).await? {
        Reply::Handshake(outcome) => Ok(outcome),
        _ => Err(other_reply()),
    }
}

/// Builds one lab scenario's files in the worker (fresh certificates may take RSA-4096
/// signatures), then runs its handshake there. The files come back with the run, so that the
/// row can hand the very ones rustls judged to openssl.
pub async fn run_lab(
    inputs: &LabInputs,
    scenario: LabScenario,
    now: u64,
) -> Result<(LabRun, Setup), CoreError> {
    let work = Work::Lab {
        inputs: inputs.clone(),
        scenario,
        now,
    };
    let Reply::Lab(job) = execute(work).await? else {
        return Err(other_reply());
    };
    let outcome = run_handshake(&job).await?;
    let setup = Setup {
        scenario,
        server: job.server,
        client: job.client,
        version: job.version,
    };
    Ok((LabRun { scenario, outcome }, setup))
}

/// Opens the saved workshop's keys in the worker: 100,000 PBKDF2 rounds a key.
pub async fn open_saved_keys(
    saved_text: &str,
    passphrase: &str,
) -> Result<BTreeMap<Party, PrivateKey>, CoreError> {
    let work = Work::OpenKeys {
        saved: saved_text.to_string(),
        passphrase: passphrase.to_string(),
    };
    match execute(work).await? {
        Reply::OpenedKeys(keys) => Ok(keys),
        _ => Err(other_reply()),
    }
}

/// Encrypts a key for download: PBKDF2 and AES-256-CBC run in WebCrypto (native, off the main
/// thread) and the core wraps the result. Falls back to the core's own PBES2 in wasm.
pub async fn encrypt_key(
    key: &PrivateKey,
    passphrase: &str,
    iterations: u32,
) -> Result<String, String> {
    match webcrypto_encrypt(key, passphrase, iterations).await {
        Ok(pem) => Ok(pem),
        Err(_) => key
            .to_encrypted_pem(passphrase, iterations)
            .map_err(|e| e.to_string()),
    }
}

pub async fn webcrypto_encrypt(
    key: &PrivateKey,
    passphrase: &str,
    iterations: u32,
) -> Result<String, String> {
    crate::pki::keys::check_passphrase(passphrase).map_err(|e| e.to_string())?;
    let subtle = subtle()?;
    let nonce = crate::pki::keys::Pbes2Nonce::random().map_err(|e| e.to_string())?;
    let import = |bytes: &[u8], algorithm: &str, usage: &str| {
        let usages = Array::of1(&usage.into());
        subtle.import_key_with_str("raw", &Uint8Array::from(bytes), algorithm, false, &usages)
    };
    let base = crypto_key(import(passphrase.as_bytes(), "PBKDF2", "deriveBits")).await?;
    let pbkdf2 = dictionary(&[
        ("name", "PBKDF2".into()),
        ("salt", Uint8Array::from(&nonce.salt[..]).into()),
        ("iterations", iterations.into()),
        ("hash", "SHA-256".into()),
    ])?;
    let derive = subtle
        .derive_bits_with_object(&pbkdf2, &base, 256)
        .map_err(js_err)?;
    let bits = Uint8Array::new(&JsFuture::from(derive).await.map_err(js_err)?).to_vec();
    let aes = crypto_key(import(&bits, "AES-CBC", "encrypt")).await?;
    let cbc = dictionary(&[
        ("name", "AES-CBC".into()),
        ("iv", Uint8Array::from(&nonce.iv[..]).into()),
    ])?;
    let encrypt = subtle
        .encrypt_with_object_and_u8_array(&cbc, &aes, key.pkcs8_der())
        .map_err(js_err)?;
    let ciphertext = Uint8Array::new(&JsFuture::from(encrypt).await.map_err(js_err)?).to_vec();
    crate::pki::keys::encrypted_pem(iterations, &nonce, &ciphertext).map_err(|e| e.to_string())
}

async fn webcrypto_rsa(bits: usize) -> Result<PrivateKey, String> {
    let subtle = subtle()?;
    let algorithm = dictionary(&[
        ("name", "RSASSA-PKCS1-v1_5".into()),
        ("modulusLength", (bits as u32).into()),
        ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
        ("hash", "SHA-256".into()),
    ])?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let generate = subtle
        .generate_key_with_object(&algorithm, true, &usages)
        .map_err(js_err)?;
    let pair = JsFuture::from(generate).await.map_err(js_err)?;
    let private: web_sys::CryptoKey = Reflect::get(&pair, &"privateKey".into())
        .map_err(js_err)?
        .dyn_into()
        .map_err(js_err)?;
    let exported = JsFuture::from(subtle.export_key("pkcs8", &private).map_err(js_err)?)
        .await
        .map_err(js_err)?;
    PrivateKey::from_pkcs8_der(&Uint8Array::new(&exported).to_vec()).map_err(|e| e.to_string())
}

fn subtle() -> Result<web_sys::SubtleCrypto, String> {
    Ok(web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(js_err)?
        .subtle())
}

/// A `data:` URL: downloads need no object URL to revoke and make no request.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Saves bytes as a file, as a click on a download link would: for files made on demand.
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "not a link".to_string())?;
    link.set_attribute("href", &data_url(mime, bytes))
        .map_err(js_err)?;
    link.set_attribute("download", file_name).map_err(js_err)?;
    link.set_hidden(true);
    body.append_child(&link).map_err(js_err)?;
    link.click();
    body.remove_child(&link).map_err(js_err)?;
    Ok(())
}

/// Puts text on the clipboard (the page must be a secure context, as localhost is).
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(js_err)
}

const STORAGE_KEY: &str = "mtls-lab.workshop";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The workshop saved in this browser, if any.
pub fn load_saved() -> Option<String> {
    local_storage()?.get_item(STORAGE_KEY).ok().flatten()
}

/// Saves the workshop; a full or disabled storage only costs persistence.
pub fn save(text: &str) -> bool {
    local_storage().is_some_and(|s| s.set_item(STORAGE_KEY, text).is_ok())
}

pub fn forget_saved() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// The browser's own yes/no dialog.
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}
