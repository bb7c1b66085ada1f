//! A file chooser that reads a PEM file into a text field, refusing anything far larger than
//! PEM can be.

use super::page::use_page;
use crate::app::state::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct UploadProps {
    /// The id of the input the file's text goes into.
    pub target: &'static str,
    /// What to upload, as the label says it: "a key file".
    pub what: &'static str,
}

/// Reads the file chosen in the file input that fired `e`, and clears the input so the same
/// file can be chosen again. A file over `limit` bytes is refused unread: `too_big` says so, given
/// its size in KiB. `done` gets the file's name and bytes, or why it was refused.
pub fn read_chosen(
    e: &Event,
    limit: usize,
    too_big: fn(f64) -> String,
    done: impl FnOnce(Result<(String, Vec<u8>), String>) + 'static,
) {
    let input: HtmlInputElement = e.target_unchecked_into();
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    if file.size() > limit as f64 {
        return done(Err(too_big(file.size() / 1024.0)));
    }
    let name = file.name();
    yew::platform::spawn_local(async move {
        done(
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => Ok((name, js_sys::Uint8Array::new(&buffer).to_vec())),
                Err(_) => Err("The file could not be read.".into()),
            },
        )
    });
}

/// The refusal of a text file far larger than PEM can be.
pub fn pem_too_big(kib: f64) -> String {
    format!(
        "The file is {} KiB; the limit is {} KiB. Choose the PEM text file.",
        crate::text::whole(kib),
        crate::pki::pem::MAX_PEM_BYTES / 1024
    )
}

#[function_component(Upload)]
pub fn upload(props: &UploadProps) -> Html {
    let page = use_page();
    let target = props.target;
    let onchange = Callback::from(move |e: Event| {
        let page = page.clone();
        read_chosen(
            &e,
            crate::pki::pem::MAX_PEM_BYTES,
            pem_too_big,
            move |read| {
                page.dispatch(match read {
                    Ok((_, bytes)) => {
                        Action::Uploaded(target, String::from_utf8_lossy(&bytes).into_owned())
                    }
                    Err(why) => Action::Refuse(vec![(target.to_string(), why)]),
                })
            },
        );
    });
    html! {
        <label class="upload">
            { format!("Or upload {}: ", props.what) }
            <input type="file" accept=".pem,.crt,.cer,.csr,.key,.crl,.txt" {onchange} />
        </label>
    }
}
