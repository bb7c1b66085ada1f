//! Step 8's result: its three runs, each with its verdict, why, the good run's diagram, the
//! decoded messages behind a disclosure, and the record trace.

use super::later::Later;
use super::navigator;
use super::run_detail::{CollapsedDetail, Disclosed, OpenDiagram};
use super::shared::Runs;
use crate::tls::{Outcome, Side};
use crate::workshop::commands;
use crate::workshop::lab::LabScenario;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct HandshakesProps {
    pub runs: Runs,
    /// The workshop generation the runs are of.
    pub version: u64,
}

/// Step 8 runs three scenarios, whatever the version.
const RUNS: usize = 3;

/// Each run is drawn in a task of its own (the good run first), in slots that stay in place,
/// so that a new run's views are never all drawn at once.
#[function_component(Handshakes)]
pub fn handshakes(props: &HandshakesProps) -> Html {
    html! {
        <div class="result handshakes" hidden={props.runs.is_empty()}>
            { for (0..RUNS.max(props.runs.len())).map(|slot| html! {
                <Later key={slot} version={props.version} first={slot == 0}>
                    { for props.runs.get(slot).map(|(scenario, outcome)| scenario_view(*scenario, outcome)) }
                </Later>
            }) }
        </div>
    }
}

fn scenario_view(scenario: LabScenario, outcome: &Rc<Outcome>) -> Html {
    let names = scenario.step8_names();
    let as_expected = outcome.result.is_ok() == scenario.should_succeed();
    let detail = match &outcome.result {
        Ok(est) => format!(
            "{} with {}. C accepted {}. Data went both ways: C read \"{}\", B read \"{}\".",
            est.version,
            est.cipher_suite,
            est.client_subject.clone().unwrap_or_default(),
            est.server_received,
            est.client_received
        ),
        Err(f) => match &f.peer_error {
            Some(peer) => {
                let other = match f.side {
                    Side::Client => Side::Server,
                    _ => Side::Client,
                };
                peer.sentence(other)
            }
            None => String::new(),
        },
    };
    html! {
        <div class={classes!("scenario", if as_expected { "expected" } else { "unexpected" })} id={navigator::scenario_anchor(scenario)} data-scenario={names.name}>
            <h3>{ names.title }</h3>
            <p class="verdict">{ outcome.headline() }</p>
            if let Err(f) = &outcome.result {
                if !f.error.rustls_name.is_empty() {
                    <p><small class="rustls-name">{"rustls: "}<code>{ f.error.rustls_name.clone() }</code></small></p>
                }
            }
            <p class="muted">{ format!("{} · expected: {} · {}", outcome.version.label(), if scenario.should_succeed() { "success" } else { "refusal" }, if as_expected { "as expected" } else { "NOT as expected" }) }</p>
            <p>{ detail }</p>
            <p class="muted openssl-reason">{ format!("With openssl (the Commands tab): {}", commands::step8_expectation(scenario, outcome.version).map_or_else(String::new, |e| e.summary)) }</p>
            if scenario.should_succeed() {
                <p class="help">{ format!("The mutual handshake over {}, drawn from this run's own messages: an arrow for each flight, solid if any of its messages was encrypted, dashed if all went in the clear.", outcome.version.label()) }</p>
                <OpenDiagram outcome={outcome.clone()} title={names.title} id="step8-overview-diagram-title" />
            }
            <CollapsedDetail outcome={outcome.clone()} shows={Disclosed::Messages { title: names.title.into(), file_stem: format!("step8-{}", names.stem).into() }} />
            <CollapsedDetail outcome={outcome.clone()} shows={Disclosed::Records} />
        </div>
    }
}
