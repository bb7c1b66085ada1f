//! The few browser facilities the app needs, kept out of the core: WebCrypto keys and RSA
//! signatures, the clock, yielding to the event loop, and download URLs.

use super::run::{core_reply, KeySource, Place, Services};
use crate::pki::{KeyAlgorithm, PrivateKey};
use crate::workshop::protocol::{CoreError, Reply, Request, Response, Work};
use base64::Engine;
use futures_channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use wasm_bindgen::closure::Closure;
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

/// The page's own message channel: each message it carries is a task of its own, run as soon
/// as the tasks before it have, without the 4 ms a chain of zero timeouts comes to.
struct TaskChannel {
    port: web_sys::MessagePort,
    /// Who waits for each message posted, in order.
    waiting: std::rc::Rc<RefCell<Vec<oneshot::Sender<()>>>>,
    _on_message: Closure<dyn FnMut()>,
}

impl TaskChannel {
    fn new() -> Option<TaskChannel> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiting: std::rc::Rc<RefCell<Vec<oneshot::Sender<()>>>> = std::rc::Rc::default();
        let wake = waiting.clone();
        let on_message = Closure::<dyn FnMut()>::new(move || {
            let next = {
                let mut waiting = wake.borrow_mut();
                (!waiting.is_empty()).then(|| waiting.remove(0))
            };
            if let Some(next) = next {
                let _ = next.send(());
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(TaskChannel {
            port: channel.port2(),
            waiting,
            _on_message: on_message,
        })
    }
}

thread_local! {
    static TASKS: Option<TaskChannel> = TaskChannel::new();
}

/// Ends the current task: what follows runs in a new one, after whatever the browser has
/// queued meanwhile (input, a frame), so no task of the page's grows long.
pub async fn next_task() {
    let (sender, receiver) = oneshot::channel();
    let posted = TASKS.with(|tasks| {
        let tasks = tasks.as_ref()?;
        tasks.waiting.borrow_mut().push(sender);
        let posted = tasks.port.post_message(&JsValue::NULL).ok();
        if posted.is_none() {
            tasks.waiting.borrow_mut().pop();
        }
        posted
    });
    match posted {
        Some(()) => {
            let _ = receiver.await;
        }
        None => yield_to_browser().await,
    }
}

/// A JavaScript error in the words it carries (its message, or the thrown text), never as
/// Rust's `JsValue(…)` form.
pub(super) fn js_err(e: JsValue) -> String {
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

/// A new key from WebCrypto (native code, off the main thread), so the page's module carries
/// no key generation. Where WebCrypto refuses (a page served over plain http has none), a Web
/// Worker makes it: the rsa crate in a key worker for RSA, the core module for EC.
pub async fn generate_key(algorithm: KeyAlgorithm) -> Result<(PrivateKey, KeySource), String> {
    match webcrypto_key(algorithm).await {
        Ok(key) => return Ok((key, KeySource::WebCrypto)),
        Err(e) => web_sys::console::warn_1(
            &format!("WebCrypto could not make the key ({e}); using a worker").into(),
        ),
    }
    if let Some(bits) = algorithm.rsa_bits() {
        return rsa_in_worker(bits)
            .await
            .map(|key| (key, KeySource::Worker));
    }
    let key = core_reply(
        &Browser,
        Work::GenerateKey(algorithm),
        |reply| match reply {
            Reply::Key(key) => Some(key),
            _ => None,
        },
    );
    Ok((key.await.map_err(|e| e.to_string())?, KeySource::Worker))
}

/// A module worker running `script`.
fn new_worker(script: &str) -> Result<web_sys::Worker, String> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    web_sys::Worker::new_with_options(script, &options).map_err(js_err)
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

/// Asks a fresh key worker, which loads the core module, for one RSA key; workers of their own
/// make several keys at once. Its reply is the key's bytes.
async fn ask_key_worker(request: &Object) -> Result<Vec<u8>, String> {
    let worker = Stopped(new_worker("key-worker.js")?);
    let reply = ask(&worker.0, request).await;
    drop(worker);
    let der = Reflect::get(&reply?, &"der".into()).map_err(js_err)?;
    Ok(Uint8Array::new(&der).to_vec())
}

/// A worker stopped when dropped, so a key nobody waits for any more is not made to the end.
struct Stopped(web_sys::Worker);

impl Drop for Stopped {
    fn drop(&mut self) {
        self.0.terminate();
    }
}

/// One RSA key from a key worker.
async fn rsa_in_worker(bits: usize) -> Result<PrivateKey, String> {
    let request = dictionary(&[("rsaBits", JsValue::from(bits as u32))])?;
    let der = ask_key_worker(&request).await?;
    PrivateKey::from_pkcs8_der(&der).map_err(|e| e.to_string())
}

/// A response from the worker, or why the worker failed (not a refusal: that is the
/// response's own `Err`).
type Answer = Result<Response, String>;

thread_local! {
    /// One worker for every request, started early so its wasm is ready when the first comes.
    static STEP_WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
    /// Set once the worker failed (say its script could not load): from then on the work
    /// happens in the page without trying again.
    static NO_STEP_WORKER: Cell<bool> = const { Cell::new(false) };
    /// The requests sent to the worker and not answered yet, with their ids: several may be in
    /// flight. A list, not a map: there are a handful at most, and a map's code weighs on the
    /// page's module.
    static PENDING: RefCell<Vec<(u64, oneshot::Sender<Answer>)>> = RefCell::default();
    /// The id the next request takes.
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// The request `id`'s way back, taken out of those in flight.
fn take_pending(id: u64) -> Option<oneshot::Sender<Answer>> {
    PENDING.with(|p| {
        let mut pending = p.borrow_mut();
        let at = pending
            .iter()
            .position(|(pending_id, _)| *pending_id == id)?;
        Some(pending.swap_remove(at).1)
    })
}

/// Answers every request in flight with the worker's failure, so each is done in the page.
fn fail_pending(reason: &str) {
    NO_STEP_WORKER.with(|no| no.set(true));
    let pending: Vec<_> = PENDING.with(|p| p.borrow_mut().drain(..).collect());
    for (_, sender) in pending {
        let _ = sender.send(Err(reason.to_string()));
    }
}

/// Says on the root element, with the page's clock, that a stage of loading is done, for
/// whoever measures loading.
pub fn mark_root(attribute: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(attribute, &crate::text::whole(now_ms()).to_string());
    }
}

/// Hands a response to the request that waits for it, by the id it echoes.
fn on_worker_message(event: web_sys::MessageEvent) {
    let data = event.data();
    if Reflect::get(&data, &"ready".into()).is_ok_and(|r| r.is_truthy()) {
        mark_root("data-core-ready");
        return;
    }
    let Some(bytes) = data.dyn_ref::<Uint8Array>() else {
        let reason = Reflect::get(&data, &"failed".into())
            .ok()
            .and_then(|f| f.as_string())
            .unwrap_or_else(|| "the worker sent something else".into());
        return fail_pending(&format!("the worker failed: {reason}"));
    };
    match Response::from_bytes(&bytes.to_vec()) {
        Ok(response) => {
            if let Some(sender) = take_pending(response.id) {
                let _ = sender.send(Ok(response));
            }
        }
        // Whose response it was cannot be read: the worker is no longer to be trusted.
        Err(e) => fail_pending(&format!("the worker's response is unreadable: {e}")),
    }
}

fn step_worker() -> Result<web_sys::Worker, String> {
    if NO_STEP_WORKER.with(|no| no.get()) {
        return Err("no worker could start".into());
    }
    STEP_WORKER.with(|slot| {
        if let Some(worker) = slot.borrow().as_ref() {
            return Ok(worker.clone());
        }
        let worker = new_worker("core-worker.js")?;
        // A failure before anyone asks must still be seen by the first request.
        let failed = Closure::<dyn FnMut()>::new(|| fail_pending("the worker failed to start"));
        worker
            .add_event_listener_with_callback("error", failed.as_ref().unchecked_ref())
            .map_err(js_err)?;
        failed.forget();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(on_worker_message);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        *slot.borrow_mut() = Some(worker.clone());
        Ok(worker)
    })
}

/// Starts the step worker loading, so a run does not wait for it later.
pub fn warm_step_worker() {
    let _ = step_worker();
}

/// Sends a request to the worker as bytes and waits for the response with its id. `Err`
/// means the worker failed, not that the core refused.
async fn ask_worker(request: &Request) -> Answer {
    let worker = step_worker()?;
    let bytes = request.to_bytes().map_err(|e| e.to_string())?;
    let (sender, receiver) = oneshot::channel();
    PENDING.with(|p| p.borrow_mut().push((request.id, sender)));
    if NO_STEP_WORKER.with(|no| no.get()) {
        fail_pending("the worker failed to start");
    }
    let message = Uint8Array::from(&bytes[..]);
    if let Err(e) = worker.post_message_with_transfer(&message, &Array::of1(&message.buffer())) {
        take_pending(request.id);
        return Err(js_err(e));
    }
    receiver
        .await
        .unwrap_or_else(|_| Err("the worker went away".into()))
}

/// Where no worker can do the work, the page loads the core module and does it.
fn worker_failed(e: &str) {
    web_sys::console::warn_1(&format!("worker: {e}; working in the page").into());
    fail_pending(e);
    STEP_WORKER.with(|slot| slot.borrow_mut().take().map(|w| w.terminate()));
}

/// Where a request runs. The page's module signs steps 1 to 7 itself; every other piece of work
/// (handshakes, the lab, opening saved keys, and signing too when asked) runs in the core
/// module, which the page's module does not carry: in the worker, or, where no worker can
/// start, loaded into the page. Either way the response is the same, refusals included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Executor {
    Page,
    Core,
}

impl Executor {
    pub async fn run(self, request: Request) -> Response {
        match (self, request.work) {
            (Executor::Page, Work::Step(job)) => Response {
                id: request.id,
                result: job.answer(),
            },
            (_, work) => {
                ask_core(Request {
                    id: request.id,
                    work,
                })
                .await
            }
        }
    }
}

/// The core module's answer: from the worker while one runs, else from the module loaded into
/// the page, where later requests go too.
async fn ask_core(request: Request) -> Response {
    if !NO_STEP_WORKER.with(|no| no.get()) {
        match ask_worker(&request).await {
            Ok(response) => return response,
            Err(e) => worker_failed(&e),
        }
    }
    core_in_page(&request).await.unwrap_or_else(|why| Response {
        id: request.id,
        result: Err(CoreError::Unavailable(why)),
    })
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Defined by boot.js: the core module imported into the page, once, started.
    #[wasm_bindgen(js_name = mtlsLabCoreInPage, catch)]
    fn core_module_in_page() -> Result<js_sys::Promise, JsValue>;
}

/// Runs a request in the core module loaded into the page: slower for the page, but it runs.
async fn core_in_page(request: &Request) -> Result<Response, String> {
    let bytes = request.to_bytes().map_err(|e| e.to_string())?;
    let module = JsFuture::from(core_module_in_page().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    let run_in_worker = Reflect::get(&module, &"run_in_worker".into())
        .map_err(js_err)?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| "the core module has no run_in_worker".to_string())?;
    let answer = run_in_worker
        .call1(&JsValue::NULL, &Uint8Array::from(&bytes[..]))
        .map_err(js_err)?;
    Response::from_bytes(&Uint8Array::new(&answer).to_vec()).map_err(|e| e.to_string())
}

/// The browser's side of long work: WebCrypto keys, the worker, the event loop, the clocks.
pub struct Browser;

impl Services for Browser {
    async fn generate_key(
        &self,
        algorithm: KeyAlgorithm,
    ) -> Result<(PrivateKey, KeySource), CoreError> {
        generate_key(algorithm).await.map_err(CoreError::Key)
    }

    async fn generate_rsa_in_frame(
        &self,
        algorithm: KeyAlgorithm,
    ) -> Result<PrivateKey, CoreError> {
        let bits = algorithm
            .rsa_bits()
            .ok_or_else(|| CoreError::Key("the sandboxed frame makes RSA keys only".into()))?;
        let der = super::key_frame::rsa_key(bits)
            .await
            .map_err(CoreError::Key)?;
        let key = PrivateKey::from_pkcs8_der(&der)?;
        if key.algorithm() != algorithm {
            return Err(CoreError::Key(format!(
                "the sandboxed frame made an {} key, not an {} key",
                key.algorithm().label(),
                algorithm.label()
            )));
        }
        Ok(key)
    }

    async fn generate_rsa_beside(&self, bits: usize) -> Result<PrivateKey, CoreError> {
        rsa_in_worker(bits).await.map_err(CoreError::Key)
    }

    async fn execute(&self, work: Work, place: Place) -> Result<Reply, CoreError> {
        let id = NEXT_ID.with(|next| next.replace(next.get() + 1));
        let executor = match place {
            Place::Page => Executor::Page,
            Place::Heavy => Executor::Core,
        };
        executor.run(Request { id, work }).await.result
    }

    fn signs_rsa(&self) -> bool {
        subtle().is_ok()
    }

    async fn sign_rsa(&self, key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>, CoreError> {
        webcrypto_sign_rsa(key, message)
            .await
            .map_err(|e| CoreError::Key(format!("WebCrypto could not sign: {e}")))
    }

    async fn pause(&self) {
        next_task().await
    }

    fn turn<'a>(
        &'a self,
        known: &'a dyn Fn(super::run::TurnStart),
    ) -> impl std::future::Future<Output = super::run::Turn> + 'a {
        super::turns::take_turn(known)
    }

    async fn settle(&self) {
        super::turns::followed_up().await
    }

    fn warm_up(&self) {
        warm_step_worker()
    }

    fn now_ms(&self) -> f64 {
        now_ms()
    }

    fn unix_now(&self) -> u64 {
        crate::clock::unix_now()
    }

    fn mark(&self, name: &str) {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(name);
        }
    }
}

/// Encrypts a key for download: PBKDF2 and AES-256-CBC run in WebCrypto (native, off the main
/// thread) and the page wraps the result. Where WebCrypto cannot, the core module encrypts it.
pub async fn encrypt_key(
    key: &PrivateKey,
    passphrase: &str,
    iterations: u32,
) -> Result<String, String> {
    if let Ok(pem) = webcrypto_encrypt(key, passphrase, iterations).await {
        return Ok(pem);
    }
    let work = Work::EncryptKey {
        key: key.clone(),
        passphrase: passphrase.to_string(),
        iterations,
    };
    let pem = core_reply(&Browser, work, |reply| match reply {
        Reply::Pem(pem) => Some(pem),
        _ => None,
    });
    pem.await.map_err(|e| e.to_string())
}

/// The AES key derived from the key passphrase, and the salt it was derived with.
struct Derived {
    passphrase: String,
    iterations: u32,
    salt: [u8; 16],
    aes: web_sys::CryptoKey,
}

thread_local! {
    /// One derivation for every key file of a passphrase: the files share the passphrase, so a
    /// salt of their own each would only have the page run the same 100,000 rounds six times.
    /// Each file still has its own IV, and carries the salt and rounds openssl reads.
    static DERIVED: RefCell<Option<Derived>> = const { RefCell::new(None) };
}

/// The AES key for `passphrase` and its salt, derived once (PBKDF2 runs in WebCrypto).
async fn derived_key(
    subtle: &web_sys::SubtleCrypto,
    passphrase: &str,
    iterations: u32,
) -> Result<([u8; 16], web_sys::CryptoKey), String> {
    let known = DERIVED.with(|derived| {
        derived
            .borrow()
            .as_ref()
            .filter(|d| d.passphrase == passphrase && d.iterations == iterations)
            .map(|d| (d.salt, d.aes.clone()))
    });
    if let Some(known) = known {
        return Ok(known);
    }
    let salt = crate::pki::keys::Pbes2Nonce::random()
        .map_err(|e| e.to_string())?
        .salt;
    let import = |bytes: &[u8], algorithm: &str, usage: &str| {
        let usages = Array::of1(&usage.into());
        subtle.import_key_with_str("raw", &Uint8Array::from(bytes), algorithm, false, &usages)
    };
    let base = crypto_key(import(passphrase.as_bytes(), "PBKDF2", "deriveBits")).await?;
    let pbkdf2 = dictionary(&[
        ("name", "PBKDF2".into()),
        ("salt", Uint8Array::from(&salt[..]).into()),
        ("iterations", iterations.into()),
        ("hash", "SHA-256".into()),
    ])?;
    let derive = subtle
        .derive_bits_with_object(&pbkdf2, &base, 256)
        .map_err(js_err)?;
    let bits = Uint8Array::new(&JsFuture::from(derive).await.map_err(js_err)?).to_vec();
    let aes = crypto_key(import(&bits, "AES-CBC", "encrypt")).await?;
    DERIVED.with(|derived| {
        *derived.borrow_mut() = Some(Derived {
            passphrase: passphrase.to_string(),
            iterations,
            salt,
            aes: aes.clone(),
        })
    });
    Ok((salt, aes))
}

pub async fn webcrypto_encrypt(
    key: &PrivateKey,
    passphrase: &str,
    iterations: u32,
) -> Result<String, String> {
    crate::pki::keys::check_passphrase(passphrase).map_err(|e| e.to_string())?;
    let subtle = subtle()?;
    let (salt, aes) = derived_key(&subtle, passphrase, iterations).await?;
    let iv = crate::pki::keys::Pbes2Nonce::random()
        .map_err(|e| e.to_string())?
        .iv;
    let nonce = crate::pki::keys::Pbes2Nonce { salt, iv };
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

async fn webcrypto_key(algorithm: KeyAlgorithm) -> Result<PrivateKey, String> {
    let subtle = subtle()?;
    let algorithm = match algorithm {
        KeyAlgorithm::EcdsaP256 => {
            dictionary(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])?
        }
        KeyAlgorithm::EcdsaP384 => {
            dictionary(&[("name", "ECDSA".into()), ("namedCurve", "P-384".into())])?
        }
        rsa => dictionary(&[
            ("name", "RSASSA-PKCS1-v1_5".into()),
            (
                "modulusLength",
                (rsa.rsa_bits().unwrap_or(2048) as u32).into(),
            ),
            ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
            ("hash", "SHA-256".into()),
        ])?,
    };
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

/// An RSA PKCS#1 v1.5 signature with SHA-256 by WebCrypto, the same bytes ring would make.
pub async fn webcrypto_sign_rsa(key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>, String> {
    let subtle = subtle()?;
    let algorithm = dictionary(&[
        ("name", "RSASSA-PKCS1-v1_5".into()),
        ("hash", "SHA-256".into()),
    ])?;
    let usages = Array::of1(&"sign".into());
    let crypto_key = crypto_key(subtle.import_key_with_object(
        "pkcs8",
        &Uint8Array::from(key.pkcs8_der()),
        &algorithm,
        false,
        &usages,
    ))
    .await?;
    let sign = subtle
        .sign_with_object_and_u8_array(&algorithm, &crypto_key, message)
        .map_err(js_err)?;
    let signature = JsFuture::from(sign).await.map_err(js_err)?;
    Ok(Uint8Array::new(&signature).to_vec())
}

/// The page's WebCrypto; none outside a secure context (a page served over plain http).
fn subtle() -> Result<web_sys::SubtleCrypto, String> {
    let subtle = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(js_err)?
        .subtle();
    if subtle.is_undefined() {
        return Err("no WebCrypto outside a secure context (https or localhost)".into());
    }
    Ok(subtle)
}

/// A `data:` URL: downloads need no object URL to revoke and make no request.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// A URL for bytes held by the page (`blob:`), for a large download link: its data URL would
/// take milliseconds to encode and to set. The URL is released when this is dropped.
#[derive(Debug)]
pub struct ObjectUrl(String);

impl ObjectUrl {
    pub fn new(mime: &str, bytes: &[u8]) -> Result<ObjectUrl, String> {
        let parts = Array::of1(&Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(js_err)?;
        web_sys::Url::create_object_url_with_blob(&blob)
            .map(ObjectUrl)
            .map_err(js_err)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
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
