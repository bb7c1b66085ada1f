//! One step of the seed: its title, status, why it exists, its inputs and button, and two
//! tabs: the live result (with what can be brought in from elsewhere) and the openssl commands.

use super::commands::{Commands, CommandsProps};
use super::import::{ExternalCsr, ExternalCsrProps, OwnKey, OwnKeyProps};
use super::inputs::{Inputs, StepInputs};
use super::later::Later;
use super::page::use_page;
use super::results::{Pkcs12Links, Pkcs12Props, StepResult};
use super::shared::Runs;
use super::shown::Shown;
use crate::app::state::{Action, AppState};
use crate::workshop::{Statuses, StepId, StepStatus};
use yew::prelude::*;

/// What a step's result panel lets the user bring in.
#[derive(Clone, PartialEq)]
pub enum Import {
    None,
    OwnKey(OwnKeyProps),
    ExternalCsr(ExternalCsrProps),
}

#[derive(Properties, Clone, PartialEq)]
pub struct StepProps {
    pub step: StepId,
    pub status: StepStatus,
    pub busy: bool,
    pub why: &'static str,
    /// Why the step's last run stopped.
    pub error: Option<AttrValue>,
    pub inputs: Inputs,
    /// Some while the Commands tab is shown.
    pub commands: Option<CommandsProps>,
    pub import: Import,
    pub shown: Shown,
    pub runs: Runs,
}

impl StepProps {
    pub fn of(s: &AppState, statuses: &Statuses, step: StepId, shown: &Shown, runs: &Runs) -> Self {
        StepProps {
            step,
            status: statuses.of(step),
            busy: s.busy.is_some(),
            why: step.why(&s.workshop.settings),
            error: s.errors.get(&step.id()).cloned().map(AttrValue::from),
            inputs: Inputs::of(s, step),
            commands: s
                .commands_tab
                .contains(&step)
                .then(|| CommandsProps::of(s, step)),
            import: match step {
                StepId::BCsr => Import::OwnKey(OwnKeyProps::of(s)),
                StepId::CSignsB => Import::ExternalCsr(ExternalCsrProps::of(s)),
                _ => Import::None,
            },
            shown: shown.clone(),
            runs: runs.clone(),
        }
    }
}

fn status_badge(status: StepStatus) -> Html {
    let (class, text) = match status {
        StepStatus::NotRun => ("badge not-run", "Not run yet"),
        StepStatus::Fresh => ("badge fresh", "Up to date"),
        StepStatus::Stale => ("badge stale", "Stale: an input changed, run it again"),
        StepStatus::Skipped => ("badge skipped", "Skipped: intermediates are off"),
    };
    html! { <span class={class}>{text}</span> }
}

#[function_component(Step)]
pub fn step(props: &StepProps) -> Html {
    let page = use_page();
    let (step, status) = (props.step, props.status);
    let id = step.id();
    let on_run = {
        let page = page.clone();
        Callback::from(move |_| page.run(vec![step]))
    };
    let button = if step == StepId::Handshake {
        "Run the handshakes"
    } else {
        "Generate"
    };
    html! {
        <section class={classes!("step", (status == StepStatus::Skipped).then_some("skipped"))} id={id.clone()} aria-labelledby={format!("{id}-title")}>
            <h2 id={format!("{id}-title")}>{ format!("Step {}: {}", step.number(), step.title()) }</h2>
            { status_badge(status) }
            <p class="why">{ props.why }</p>
            if status != StepStatus::Skipped {
                <StepInputs inputs={props.inputs.clone()} busy={props.busy} />
                <div class="buttons">
                    <button type="button" class="generate" onclick={on_run} disabled={props.busy}>{button}</button>
                </div>
                <p class="error" role="alert">{ props.error.clone().unwrap_or_default() }</p>
                { tabs(&page, step, props.commands.is_some()) }
                if let Some(commands) = &props.commands {
                    <div role="tabpanel" id={format!("{id}-panel-commands")} aria-labelledby={format!("{id}-tab-commands")}>
                        <Commands ..commands.clone() />
                    </div>
                } else {
                    <div role="tabpanel" id={format!("{id}-panel-result")} aria-labelledby={format!("{id}-tab-result")}>
                        { match &props.import {
                            Import::OwnKey(own) => html! { <OwnKey ..own.clone() /> },
                            Import::ExternalCsr(csr) => html! { <ExternalCsr ..csr.clone() /> },
                            Import::None => html! {},
                        } }
                        if step == StepId::Handshake {
                            <StepResult {step} shown={props.shown.clone()} runs={props.runs.clone()} />
                        } else {
                            <Later version={props.shown.products.generation()}><StepResult {step} shown={props.shown.clone()} runs={props.runs.clone()} /></Later>
                        }
                        if step == StepId::CSignsB {
                            <Pkcs12Links ..Pkcs12Props::of(&props.shown) />
                        }
                    </div>
                }
            }
        </section>
    }
}

/// The seed's two tabs for each step: the live result, and the openssl commands.
fn tabs(page: &super::page::Page, step: StepId, showing_commands: bool) -> Html {
    let tab = |commands: bool, label: &'static str| {
        let onclick = page.callback(move |_| Action::ShowCommands(step, commands));
        let which = if commands { "commands" } else { "result" };
        html! {
            <button type="button" role="tab" class="tab"
                id={format!("{}-tab-{which}", step.id())}
                aria-controls={format!("{}-panel-{which}", step.id())}
                aria-selected={(showing_commands == commands).to_string()}
                {onclick}>{label}</button>
        }
    };
    html! {
        <div class="tabs" role="tablist" aria-label={format!("Step {}", step.number())}>
            { tab(false, "Result") }
            { tab(true, "Commands") }
        </div>
    }
}
