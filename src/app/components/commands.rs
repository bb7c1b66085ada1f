//! The openssl commands beside the app's work: a step's Commands tab, and the copy button on
//! every block.

use super::page::use_page;
use crate::app::browser;
use crate::app::state::{Action, AppState};
use crate::workshop::commands::{self, CommandBlock};
use crate::workshop::StepId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct CommandsProps {
    pub step: StepId,
    /// Written from the current settings.
    pub blocks: Rc<Vec<CommandBlock>>,
    /// The id of the block last copied.
    pub copied: Option<AttrValue>,
}

impl CommandsProps {
    pub fn of(s: &AppState, step: StepId) -> Self {
        let mut blocks = commands::for_step(step, &s.workshop.settings);
        if step == StepId::CRoot {
            blocks.insert(0, commands::preamble());
        }
        CommandsProps {
            step,
            blocks: Rc::new(blocks),
            copied: copied(s),
        }
    }
}

pub(super) fn copied(s: &AppState) -> Option<AttrValue> {
    s.copied.clone().map(AttrValue::from)
}

/// A step's Commands tab.
#[function_component(Commands)]
pub fn commands_tab(props: &CommandsProps) -> Html {
    let step = props.step;
    html! {
        <div class="commands">
            <p class="help">{"Run in bash from an empty folder, in order; each block starts and ends in that folder. They use your current settings."}</p>
            { for blocks(&props.blocks, &format!("{}-cmd", step.id()), &props.copied) }
        </div>
    }
}

/// Each block with its id: `{prefix}-{index}`.
pub(super) fn blocks<'a>(
    blocks: &'a [CommandBlock],
    prefix: &'a str,
    copied: &'a Option<AttrValue>,
) -> impl Iterator<Item = Html> + 'a {
    blocks.iter().enumerate().map(move |(i, block)| {
        let id = AttrValue::from(format!("{prefix}-{i}"));
        let copied = copied.as_ref() == Some(&id);
        let key = id.to_string();
        html! { <Command {key} {id} block={block.clone()} {copied} /> }
    })
}

#[derive(Properties, Clone, PartialEq)]
pub struct CommandProps {
    pub id: AttrValue,
    pub block: CommandBlock,
    pub copied: bool,
}

/// One block: its title, a copy button, the script, and what a good run prints.
#[function_component(Command)]
pub fn command(props: &CommandProps) -> Html {
    let page = use_page();
    let block = &props.block;
    let onclick = {
        let (id, script) = (props.id.to_string(), block.script.clone());
        Callback::from(move |_| {
            let (page, id, script) = (page.clone(), id.clone(), script.clone());
            yew::platform::spawn_local(async move {
                if browser::copy_text(&script).await.is_ok() {
                    page.dispatch(Action::Copied(id));
                }
            });
        })
    };
    html! {
        <div class="command">
            <div class="command-head">
                <h4>{ block.title.clone() }</h4>
                <button type="button" class="copy" {onclick} aria-label={format!("Copy: {}", block.title)}>{ if props.copied { "Copied" } else { "Copy" } }</button>
            </div>
            if let Some(note) = &block.note {
                <p class="help command-note">{ note.clone() }</p>
            }
            <pre class="mono" tabindex="0" id={props.id.clone()}>{ block.script.clone() }</pre>
            if let Some(expect) = &block.expect {
                <div class="expect">
                    <p>{ expect.summary.clone() }</p>
                    <p class="muted">{"Look for: "}
                        { for expect.client_prints.iter().map(|p| html! { <><code>{ p.clone() }</code>{" (client) "}</> }) }
                        { for expect.server_prints.iter().map(|p| html! { <><code>{ p.clone() }</code>{" (s_server) "}</> }) }
                    </p>
                </div>
            }
        </div>
    }
}
