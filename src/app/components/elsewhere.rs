//! "Use the files elsewhere": pick a server for Client C and a client for Client B; each shows
//! its configuration and commands with the workshop's own names and values, and downloads as a
//! folder that runs as its README.txt says.

use super::archive::ZipButton;
use super::commands::{blocks, copied};
use super::shown::Shown;
use crate::app::browser::{next_task, Browser};
use crate::app::run::core_reply;
use crate::app::state::AppState;
use crate::workshop::commands::{self, CommandBlock};
use crate::workshop::elsewhere::Software;
use crate::workshop::export::ExportFile;
use crate::workshop::protocol::{Reply, Work};
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

/// One folder: its README, its configuration and scripts as text, and its download. The core
/// module makes it from the tree as it downloads, again whenever that changes.
#[function_component(Recipe)]
fn recipe(props: &RecipeProps) -> Html {
    let software = props.software;
    let id = format!("elsewhere-{}", software.id());
    let tree = props.shown.tree_files().ok();
    let settings = props.shown.workshop().settings.clone();
    let folder = use_state(|| None::<Result<Rc<Vec<ExportFile>>, String>>);
    let asked = use_mut_ref(|| 0u64);
    {
        let (folder, asked) = (folder.clone(), asked.clone());
        use_effect_with(
            (tree.clone(), settings, software),
            move |(tree, settings, software)| {
                // Only the latest request's answer is shown.
                let mine = {
                    let mut asked = asked.borrow_mut();
                    *asked += 1;
                    *asked
                };
                folder.set(None);
                if let Some(tree) = tree.clone() {
                    let work = Work::Elsewhere {
                        settings: settings.clone(),
                        tree,
                        software: *software,
                    };
                    crate::app::turns::spawn_follow_up(async move {
                        // Asked in a task of its own: the render that changed the tree is one
                        // already.
                        next_task().await;
                        let made = core_reply(&Browser, work, |reply| match reply {
                            Reply::Files(files) => Some(Rc::new(files)),
                            _ => None,
                        });
                        let made = made.await.map_err(|e| e.to_string());
                        if *asked.borrow() == mine {
                            folder.set(Some(made));
                        }
                    });
                }
            },
        );
    }
    let waiting = match (&tree, &*folder) {
        (None, _) if props.shown.protection.check().is_err() => {
            Some("Set a valid key passphrase to make this folder.".to_string())
        }
        (None, _) => Some("This folder appears once the keys are ready.".to_string()),
        (Some(_), None) => Some("Making the folder…".to_string()),
        (Some(_), Some(Err(e))) => Some(format!("The folder could not be made: {e}")),
        (Some(_), Some(Ok(files))) if files.is_empty() => Some(
            "This folder appears once steps 1 to 7 have run and their keys are ready.".to_string(),
        ),
        (Some(_), Some(Ok(_))) => None,
    };
    let files = match &*folder {
        Some(Ok(files)) if waiting.is_none() => files.clone(),
        _ => Rc::default(),
    };
    let shown_text = |name: &str| !name.ends_with(".crt") && !name.ends_with(".key");
    let name = format!("use-elsewhere-{}.zip", software.id());
    // The button stays while the folder is made, disabled: the browser's autofill looks the
    // whole page over each time a button comes or goes.
    html! {
        <div class="recipe" id={id.clone()}>
            <h3>{ software.label() }</h3>
            <ZipButton id={format!("{id}-download")} name={name.clone()} label={format!("Download {name}")} files={files.clone()} disabled={waiting.is_some()} />
            // What changes, in an element of its own: the button beside it is never moved.
            <div>
                if let Some(why) = waiting { <p class="muted">{ why }</p> }
                { for files.iter().filter(|f| shown_text(f.file_name())).map(|f| html! {
                    <details open={f.file_name() == "README.txt"}>
                        <summary><code>{ f.path.clone() }</code></summary>
                        <pre class="mono" tabindex="0">{ f.contents.clone() }</pre>
                    </details>
                }) }
            </div>
        </div>
    }
}
