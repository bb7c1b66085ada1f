//! A sandboxed frame that makes RSA keys with its own WebCrypto. Chromium runs a sandboxed frame
//! in a process of its own, whose WebCrypto makes keys beside the page's (each process makes one
//! RSA key at a time). The frame's document is inline (`srcdoc`), so it loads nothing, works
//! offline, and its one script is allowed by the page's CSP through its hash.

/// The frame's script, whose SHA-256 the page's CSP names.
pub const SCRIPT: &str = include_str!("key_frame.js");

/// The frame's whole document.
pub fn document() -> String {
    format!("<!doctype html><script>{SCRIPT}</script>")
}

/// The CSP source that allows [`SCRIPT`].
pub fn csp_hash() -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(SCRIPT.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(target_arch = "wasm32")]
pub use browser::rsa_key;

#[cfg(target_arch = "wasm32")]
mod browser {
    use crate::app::browser::js_err;
    use futures_channel::oneshot;
    use futures_util::future::{select, Either};
    use js_sys::{Object, Reflect, Uint8Array};
    use std::cell::{Cell, RefCell};
    use std::pin::pin;
    use std::rc::Rc;
    use std::time::Duration;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    /// How long the frame may take to say it is ready: a new process, then a small script.
    const READY_WITHIN: Duration = Duration::from_secs(3);

    type Answer = Result<Vec<u8>, String>;

    /// What the frame's messages are waited for by.
    #[derive(Default)]
    struct Inbox {
        ready: Option<oneshot::Sender<bool>>,
        /// One request at a time in practice: a list is smaller in the module than a map.
        answers: Vec<(u32, oneshot::Sender<Answer>)>,
    }

    /// The frame in the page; dropping it removes the frame, and with it any key it was making.
    struct KeyFrame {
        element: web_sys::HtmlIFrameElement,
        inbox: Rc<RefCell<Inbox>>,
        listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
        next_id: Cell<u32>,
    }

    impl Drop for KeyFrame {
        fn drop(&mut self) {
            if let Some(window) = web_sys::window() {
                let _ = window.remove_event_listener_with_callback(
                    "message",
                    self.listener.as_ref().unchecked_ref(),
                );
            }
            self.element.remove();
        }
    }

    thread_local! {
        /// The frame, kept from one key to the next.
        static FRAME: RefCell<Option<Rc<KeyFrame>>> = RefCell::default();
        /// Set once a frame could not start: the page does not try again.
        static NO_FRAME: Cell<bool> = const { Cell::new(false) };
    }

    /// Reads one message from the frame into the inbox.
    fn receive(inbox: &RefCell<Inbox>, data: &JsValue) {
        let field = |name: &str| Reflect::get(data, &name.into()).unwrap_or(JsValue::UNDEFINED);
        if let Some(ready) = field("ready").as_bool() {
            if let Some(sender) = inbox.borrow_mut().ready.take() {
                let _ = sender.send(ready);
            }
            return;
        }
        let Some(id) = field("id").as_f64() else {
            return;
        };
        let answer = match field("error").as_string() {
            Some(error) => Err(error),
            None => {
                let der = field("der");
                if der.is_instance_of::<js_sys::ArrayBuffer>() {
                    Ok(Uint8Array::new(&der).to_vec())
                } else {
                    Err("the frame's answer holds no key".into())
                }
            }
        };
        let mut inbox = inbox.borrow_mut();
        if let Some(at) = inbox
            .answers
            .iter()
            .position(|(asked, _)| *asked == id as u32)
        {
            let _ = inbox.answers.swap_remove(at).1.send(answer);
        }
    }

    /// Adds the frame to the page and waits until its script says WebCrypto is there.
    async fn start() -> Result<KeyFrame, String> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let element: web_sys::HtmlIFrameElement = document
            .create_element("iframe")
            .map_err(js_err)?
            .dyn_into()
            .map_err(|_| "no iframe element".to_string())?;
        // Scripts only: an opaque origin, no storage, no navigation of the page.
        element
            .set_attribute("sandbox", "allow-scripts")
            .map_err(js_err)?;
        element.set_title("Key maker");
        element.set_hidden(true);
        element.set_srcdoc(&super::document());
        let (ready, is_ready) = oneshot::channel();
        let inbox = Rc::new(RefCell::new(Inbox {
            ready: Some(ready),
            ..Inbox::default()
        }));
        let listener = {
            let (inbox, element) = (inbox.clone(), element.clone());
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let from_frame = match (event.source(), element.content_window()) {
                    (Some(source), Some(frame)) => Object::is(&source, &frame),
                    _ => false,
                };
                if from_frame {
                    receive(&inbox, &event.data());
                }
            })
        };
        window
            .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref())
            .map_err(js_err)?;
        let frame = KeyFrame {
            element,
            inbox,
            listener,
            next_id: Cell::new(1),
        };
        document
            .body()
            .ok_or("no body")?
            .append_child(&frame.element)
            .map_err(js_err)?;
        let waited = pin!(yew::platform::time::sleep(READY_WITHIN));
        match select(is_ready, waited).await {
            Either::Left((Ok(true), _)) => Ok(frame),
            Either::Left((Ok(false), _)) => Err("the sandboxed frame has no WebCrypto".into()),
            _ => Err("the sandboxed frame did not start".into()),
        }
    }

    impl KeyFrame {
        fn ask(&self, bits: usize) -> Result<oneshot::Receiver<Answer>, String> {
            let id = self.next_id.replace(self.next_id.get() + 1);
            let (sender, answer) = oneshot::channel();
            self.inbox.borrow_mut().answers.push((id, sender));
            let request = Object::new();
            Reflect::set(&request, &"id".into(), &id.into()).map_err(js_err)?;
            Reflect::set(&request, &"bits".into(), &(bits as u32).into()).map_err(js_err)?;
            let frame = self
                .element
                .content_window()
                .ok_or("the sandboxed frame has gone")?;
            // The frame's origin is opaque: it cannot be named, only its window targeted.
            frame.post_message(&request, "*").map_err(js_err)?;
            Ok(answer)
        }
    }

    /// Drops the frame unless the answer came: a key nobody waits for is not made to the end.
    struct Unanswered(bool);

    impl Drop for Unanswered {
        fn drop(&mut self) {
            if self.0 {
                FRAME.with(|frame| frame.borrow_mut().take());
            }
        }
    }

    /// A new RSA key of `bits` from the frame's WebCrypto, as PKCS#8 DER.
    pub async fn rsa_key(bits: usize) -> Result<Vec<u8>, String> {
        if NO_FRAME.with(Cell::get) {
            return Err("no sandboxed frame can make keys on this page".into());
        }
        let frame = match FRAME.with(|frame| frame.borrow().clone()) {
            Some(frame) => frame,
            None => match start().await {
                Ok(frame) => {
                    let frame = Rc::new(frame);
                    FRAME.with(|kept| kept.replace(Some(frame.clone())));
                    frame
                }
                Err(error) => {
                    NO_FRAME.with(|no| no.set(true));
                    return Err(error);
                }
            },
        };
        let answer = frame.ask(bits)?;
        drop(frame);
        let mut unanswered = Unanswered(true);
        let answer = answer
            .await
            .map_err(|_| "the sandboxed frame gave no answer".to_string())?;
        unanswered.0 = false;
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_csp_allows_the_frame_script_by_its_hash_and_nothing_else_inline() {
        let index = include_str!("../../www/index.html");
        let csp = index
            .lines()
            .find(|line| line.contains("Content-Security-Policy"))
            .expect("the page has a CSP");
        let script_src = csp
            .split(';')
            .find(|directive| directive.trim_start().starts_with("script-src"))
            .expect("the CSP has script-src");
        assert!(script_src.contains(&csp_hash()), "{script_src}");
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        assert_eq!(script_src.matches("'sha256-").count(), 1, "{script_src}");
    }

    #[test]
    fn the_frame_document_is_its_script_alone() {
        let document = document();
        assert_eq!(document.matches("<script>").count(), 1);
        assert!(document.ends_with(&format!("{SCRIPT}</script>")));
    }
}
