//! "Use the files elsewhere": pick a server for Client C and a client for Client B; each shows
//! its configuration and commands with the workshop's own names and values, and downloads as a
//! folder that runs as its README.txt says.

use super::commands::{blocks, copied};
use super::shown::Shown;
use crate::app::browser;
use crate::app::state::AppState;
use crate::workshop::commands::{self, CommandBlock};
use crate::workshop::elsewhere::{self, Software};
use crate::workshop::export;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct ElsewhereProps {
    pub shown: Shown,
    /// nginx and curl run from the unzipped tree, written from the current settings.
    pub blocks: Rc<Vec<CommandBlock>>,
    pub copied: Option<AttrValue>,
}

impl ElsewhereProps {
    pub fn of(s: &AppState, shown: &Shown) -> Self {
        ElsewhereProps {
            shown: shown.clone(),
            blocks: Rc::new(commands::snippets(&s.workshop.settings)),
            copied: copied(s),
        }
    }
}

#[function_component(Elsewhere)]
pub fn elsewhere(props: &ElsewhereProps) -> Html {
    let server = use_state(|| Software::SERVERS[0]);
    let client = use_state(|| Software::CLIENTS[0]);
    // The clients that speak the chosen server's protocol: psql for PostgreSQL, and so on.
    let clients: Vec<Software> = Software::CLIENTS
        .into_iter()
        .filter(|c| c.protocol() == server.protocol())
        .collect();
    let choose_server = {
        let (server, client) = (server.clone(), client.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(chosen) = Software::from_id(&select.value()) {
                server.set(chosen);
                if client.protocol() != chosen.protocol() {
                    let first = Software::CLIENTS
                        .into_iter()
                        .find(|c| c.protocol() == chosen.protocol());
                    client.set(first.unwrap_or(*client));
                }
            }
        })
    };
    let choose_client = {
        let client = client.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(chosen) = Software::from_id(&select.value()) {
                client.set(chosen);
            }
        })
    };
    let options = |all: &[Software], chosen: Software| {
        all.iter()
            .map(
                |s| html! { <option value={s.id()} selected={*s == chosen}>{ s.label() }</option> },
            )
            .collect::<Html>()
    };
    html! {
        <section class="elsewhere" id="elsewhere" aria-labelledby="elsewhere-title">
            <h2 id="elsewhere-title">{"Use the files elsewhere"}</h2>
            <p class="why">{"Pick the server that plays Client C and the client that plays Client B. Each comes as a folder with the workshop's files in the form that software takes, its configuration, run.sh and a README.txt; mtls-workshop.zip holds every folder under use-elsewhere/."}</p>
            <div class="chooser">
                <label for="elsewhere-server">{"Server (Client C)"}</label>
                <select id="elsewhere-server" onchange={choose_server}>{ options(&Software::SERVERS, *server) }</select>
                <label for="elsewhere-client">{"Client (Client B)"}</label>
                <select id="elsewhere-client" onchange={choose_client}>{ options(&clients, *client) }</select>
            </div>
            <Recipe shown={props.shown.clone()} software={*server} />
            <Recipe shown={props.shown.clone()} software={*client} />
            <h3>{"nginx and curl, from the unzipped tree"}</h3>
            <p class="why">{"Unzip mtls-workshop.zip, set KEY_PASSPHRASE as in step 1's commands, and run these from the unzipped folder: nginx plays Client C and asks for a client certificate, curl plays Client B."}</p>
            { for blocks(&props.blocks, "elsewhere", &props.copied) }
        </section>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct RecipeProps {
    shown: Shown,
    software: Software,
}

/// One folder: its README, its configuration and scripts as text, and its download.
#[function_component(Recipe)]
fn recipe(props: &RecipeProps) -> Html {
    let software = props.software;
    let id = format!("elsewhere-{}", software.id());
    let files = match props.shown.tree_files() {
        Ok(tree) => elsewhere::folder(&props.shown.workshop().settings, &tree, software),
        Err(_) => Vec::new(),
    };
    if files.is_empty() {
        let why = if props.shown.protection.check().is_err() {
            "Set a valid key passphrase to make this folder."
        } else {
            "This folder appears once steps 1 to 7 have run and their keys are ready."
        };
        return html! { <div class="recipe" {id}><h3>{ software.label() }</h3><p class="muted">{ why }</p></div> };
    }
    let shown_text = |name: &str| !name.ends_with(".crt") && !name.ends_with(".key");
    let download = match export::zip(&files) {
        Ok(zip) => {
            let name = format!("use-elsewhere-{}.zip", software.id());
            let href = browser::data_url("application/zip", &zip);
            html! { <a class="download" id={format!("{id}-download")} href={href} download={name.clone()}>{ format!("Download {name}") }</a> }
        }
        Err(e) => html! { <p class="error">{ e.to_string() }</p> },
    };
    html! {
        <div class="recipe" {id}>
            <h3>{ software.label() }</h3>
            { download }
            { for files.iter().filter(|f| shown_text(f.file_name())).map(|f| html! {
                <details open={f.file_name() == "README.txt"}>
                    <summary><code>{ f.path.clone() }</code></summary>
                    <pre class="mono" tabindex="0">{ f.contents.clone() }</pre>
                </details>
            }) }
        </div>
    }
}
