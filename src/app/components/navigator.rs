//! Finding your way on a long page: the sticky step navigator, and step 8's verdicts shown
//! beside the run button.

use super::shared::Runs;
use crate::app::state::AppState;
use crate::workshop::lab::LabScenario;
use crate::workshop::{Statuses, StepId, StepStatus};
use yew::prelude::*;

/// Where a step stands, as the navigator says it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NavStatus {
    NotRun,
    Fresh,
    Stale,
    Skipped,
    Failed,
}

impl NavStatus {
    fn of(s: &AppState, statuses: &Statuses, step: StepId) -> Self {
        if s.errors.contains_key(&step.id()) {
            return NavStatus::Failed;
        }
        match statuses.of(step) {
            StepStatus::NotRun => NavStatus::NotRun,
            StepStatus::Fresh => NavStatus::Fresh,
            StepStatus::Stale => NavStatus::Stale,
            StepStatus::Skipped => NavStatus::Skipped,
        }
    }

    fn label(self) -> &'static str {
        match self {
            NavStatus::NotRun => "not run",
            NavStatus::Fresh => "up to date",
            NavStatus::Stale => "stale",
            NavStatus::Skipped => "skipped",
            NavStatus::Failed => "failed",
        }
    }

    fn class(self) -> &'static str {
        match self {
            NavStatus::NotRun => "is-not-run",
            NavStatus::Fresh => "is-fresh",
            NavStatus::Stale => "is-stale",
            NavStatus::Skipped => "is-skipped",
            NavStatus::Failed => "is-failed",
        }
    }
}

/// A few words for each step, short enough for one line of the bar.
fn short_title(step: StepId) -> &'static str {
    match step {
        StepId::CRoot => "C's root CA",
        StepId::BRoot => "B's root CA",
        StepId::CIntermediate => "C's intermediate",
        StepId::BIntermediate => "B's intermediate",
        StepId::BCsr => "B's key and CSR",
        StepId::CSignsB => "C signs B's CSR",
        StepId::CServer => "C's server cert",
        StepId::Handshake => "Connection tests",
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct StepNavProps {
    pub steps: Vec<(StepId, NavStatus)>,
}

/// Each step's status, for the navigator.
pub fn nav_steps(s: &AppState, statuses: &Statuses) -> Vec<(StepId, NavStatus)> {
    StepId::ALL
        .iter()
        .map(|step| (*step, NavStatus::of(s, statuses, *step)))
        .collect()
}

/// Every step with its status, one click from anywhere on the page. Wide screens show the
/// whole list in a bar; narrow ones a one-line bar that opens it.
#[function_component(StepNav)]
pub fn step_nav(props: &StepNavProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    // Following a link closes the list, so the step it leads to is not hidden under it.
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let onkeydown = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let counted: Vec<_> = props
        .steps
        .iter()
        .filter(|(_, status)| *status != NavStatus::Skipped)
        .collect();
    let fresh = counted
        .iter()
        .filter(|(_, status)| *status == NavStatus::Fresh)
        .count();
    let summary = format!("{fresh} of {} up to date", counted.len());
    html! {
        <nav class="step-nav" aria-label="Workshop steps" {onkeydown}>
            <div class="step-nav-inner">
                <button type="button" class="step-nav-toggle" aria-expanded={open.to_string()} aria-controls="step-nav-list" onclick={toggle}>
                    <span class="step-nav-name">{"Steps"}</span>
                    <span class="step-nav-count">{ summary }</span>
                    <span class="step-nav-caret" aria-hidden="true">{ if *open { "▴" } else { "▾" } }</span>
                </button>
                <ol id="step-nav-list" class={classes!("step-nav-list", open.then_some("open"))} onclick={close}>
                    { for props.steps.iter().map(|(step, status)| html! {
                        <li class={status.class()} data-step={step.number().to_string()}>
                            <a href={format!("#{}", step.id())}>
                                <span class="step-nav-num">{ step.number() }</span>
                                <span class="step-nav-title">{ short_title(*step) }</span>
                                <span class="step-nav-status">{ status.label() }</span>
                            </a>
                        </li>
                    }) }
                </ol>
            </div>
        </nav>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct RunSummaryProps {
    pub runs: Runs,
    pub busy: bool,
    /// An input changed after the runs.
    pub stale: bool,
}

impl RunSummaryProps {
    pub fn of(s: &AppState, statuses: &Statuses, runs: &Runs) -> Self {
        RunSummaryProps {
            runs: runs.clone(),
            busy: s.busy.is_some(),
            stale: statuses.of(StepId::Handshake) != StepStatus::Fresh,
        }
    }
}

/// Step 8's verdicts where the run button is, each linking to its run in step 8.
#[function_component(RunSummary)]
pub fn run_summary(props: &RunSummaryProps) -> Html {
    let runs = &props.runs;
    if runs.is_empty() || props.busy {
        return html! {};
    }
    let version = runs[0].1.version.label();
    html! {
        <div class="run-summary" role="region" aria-labelledby="run-summary-title">
            <h2 id="run-summary-title">{ format!("Step 8's connection tests ({version})") }</h2>
            if props.stale {
                <p class="help">{"An input changed after these runs: run step 8 again to test the current files."}</p>
            }
            <ul>
                { for runs.iter().map(|(scenario, outcome)| {
                    let as_expected = outcome.result.is_ok() == scenario.should_succeed();
                    html! {
                        <li class={if as_expected { "expected" } else { "unexpected" }}>
                            <a href={format!("#{}", scenario_anchor(*scenario))}>{ scenario.step8_names().title }</a>
                            <p class="summary-verdict">
                                { outcome.headline() }{" "}
                                <span class="mark">{ if as_expected { "✓ as expected" } else { "✗ NOT as expected" } }</span>
                            </p>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// The id of a run's place in step 8.
pub fn scenario_anchor(scenario: LabScenario) -> String {
    format!("step8-{}", scenario.step8_names().stem)
}
