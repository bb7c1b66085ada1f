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

#[function_component(Upload)]
pub fn upload(props: &UploadProps) -> Html {
    let page = use_page();
    let target = props.target;
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let limit = crate::pki::pem::MAX_PEM_BYTES;
        if file.size() > limit as f64 {
            let message = format!(
                "The file is {:.0} KiB; the limit is {} KiB. Choose the PEM text file.",
                file.size() / 1024.0,
                limit / 1024
            );
            page.dispatch(Action::Refuse(vec![(target.to_string(), message)]));
            return;
        }
        let page = page.clone();
        yew::platform::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => page.dispatch(Action::Uploaded(
                    target,
                    text.as_string().unwrap_or_default(),
                )),
                Err(_) => page.dispatch(Action::Refuse(vec![(
                    target.to_string(),
                    "The file could not be read.".into(),
                )])),
            }
        });
    });
    html! {
        <label class="upload">
            { format!("Or upload {}: ", props.what) }
            <input type="file" accept=".pem,.crt,.cer,.csr,.key,.crl,.txt" {onchange} />
        </label>
    }
}
