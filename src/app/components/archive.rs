//! Archives are packed by the core module on the click and saved as a download: the page's
//! module carries no zip writer, and a closed section costs no packing.

use crate::app::browser::{self, Browser};
use crate::app::run::core_reply;
use crate::workshop::export::ExportFile;
use crate::workshop::protocol::{Reply, Work};
use std::rc::Rc;
use yew::prelude::*;

/// Has the core module make the archive `work` describes, and saves it as `name`.
pub async fn make_and_save(name: &str, work: Work) -> Result<(), String> {
    let zip = core_reply(&Browser, work, |reply| match reply {
        Reply::Archive(zip) => Some(zip),
        _ => None,
    });
    browser::download(
        name,
        "application/zip",
        &zip.await.map_err(|e| e.to_string())?,
    )
}

#[derive(Properties, Clone, PartialEq)]
pub struct ZipButtonProps {
    pub id: AttrValue,
    /// The archive's file name.
    pub name: AttrValue,
    pub label: AttrValue,
    pub files: Rc<Vec<ExportFile>>,
    #[prop_or_default]
    pub class: Classes,
    /// Shown but not ready: the files are still to come.
    #[prop_or_default]
    pub disabled: bool,
}

/// A button that saves `files` as one zip archive.
#[function_component(ZipButton)]
pub fn zip_button(props: &ZipButtonProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let onclick = {
        let (props, busy, error) = (props.clone(), busy.clone(), error.clone());
        Callback::from(move |_| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (props, busy, error) = (props.clone(), busy.clone(), error.clone());
            yew::platform::spawn_local(async move {
                let saved = make_and_save(&props.name, Work::Zip(props.files.to_vec())).await;
                busy.set(false);
                if let Err(e) = saved {
                    error.set(Some(format!("{} could not be made: {e}", props.name)));
                }
            });
        })
    };
    html! {
        <>
            <button type="button" id={props.id.clone()} class={classes!("download", props.class.clone())} {onclick} disabled={*busy || props.disabled}>
                { props.label.clone() }
            </button>
            if let Some(message) = &*error { <small class="error" role="alert">{ message.clone() }</small> }
        </>
    }
}
