//! A diagnosis as the page shows it: the checks by side, each handshake's verdict with its
//! messages, and what a pasted error message means.

use super::run_detail::{CollapsedDetail, Disclosed};
use crate::app::browser::Browser;
use crate::app::run::core_reply;
use crate::diagnose::errors::Found;
use crate::diagnose::{Diagnosis, Finding, Level, Role};
use crate::workshop::lab::LabScenario;
use crate::workshop::protocol::{Reply, Work};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct DiagnosisProps {
    pub diagnosis: Rc<Diagnosis>,
}

impl PartialEq for DiagnosisProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.diagnosis, &other.diagnosis)
    }
}

#[function_component(DiagnosisView)]
pub fn diagnosis_view(props: &DiagnosisProps) -> Html {
    let diagnosis = &props.diagnosis;
    let side = |role: Role| {
        let findings: Vec<&Finding> = diagnosis
            .findings
            .iter()
            .filter(|f| f.role == role)
            .collect();
        html! {
            <div class="findings">
                <h4>{ format!("{} side", match role { Role::Server => "Server", Role::Client => "Client" }) }</h4>
                if findings.is_empty() { <p class="muted">{"Nothing to check on this side yet."}</p> }
                <ul>{ for findings.into_iter().map(finding_view) }</ul>
            </div>
        }
    };
    let runs = diagnosis.runs.iter().map(|run| {
        let outcome = Rc::new(run.outcome.clone());
        let version = run.outcome.version.label();
        let ok = run.outcome.result.is_ok();
        html! {
            <div class={classes!("scenario", "diagnosed-run", if ok { "ok" } else { "bad" })} data-version={version}>
                <h4>{ version }</h4>
                <p class="verdict">{ run.headline.clone() }</p>
                if let Err(failure) = &run.outcome.result {
                    if !failure.error.rustls_name.is_empty() {
                        <small class="rustls-name">{"rustls: "}<code>{ failure.error.rustls_name.clone() }</code></small>
                    }
                }
                <CollapsedDetail outcome={outcome} shows={Disclosed::Messages { title: format!("Your files over {version}").into(), file_stem: format!("diagnosis-{}", version.replace([' ', '.'], "")).into() }} />
            </div>
        }
    });
    let fails = diagnosis
        .findings
        .iter()
        .filter(|f| f.level == Level::Fail)
        .count();
    html! {
        <div class="diagnosis" aria-live="polite">
            <h3>{"Before the handshake"}</h3>
            <p>{ match fails {
                0 => "No check fails.".to_string(),
                1 => "One check fails.".to_string(),
                n => format!("{n} checks fail."),
            } }</p>
            <div class="diagnose-sides">{ side(Role::Server) }{ side(Role::Client) }</div>
            <h3>{"The handshake with your files"}</h3>
            if let Some(why) = &diagnosis.no_handshake { <p class="muted">{ why.clone() }</p> }
            { for runs }
            if !diagnosis.runs.is_empty() {
                <p class="muted">{"Both sides here are rustls. Where a check above says openssl refuses what rustls accepts, or the reverse, nginx, curl, Python and Node follow openssl."}</p>
            }
        </div>
    }
}

fn finding_view(finding: &Finding) -> Html {
    let (mark, class) = match finding.level {
        Level::Pass => ("✓", "pass"),
        Level::Warn => ("⚠", "warn"),
        Level::Fail => ("✗", "fail"),
    };
    html! {
        <li class={classes!("finding", class)} data-topic={format!("{:?}", finding.topic)}>
            <span class="mark" aria-label={class}>{ mark }</span>{" "}{ finding.text.clone() }
            if let Some(openssl) = &finding.openssl { <small class="openssl-says">{"openssl: "}<code>{ openssl.clone() }</code></small> }
            { for finding.rows.iter().map(|row| row_link(*row)) }
        </li>
    }
}

fn row_link(row: LabScenario) -> Html {
    html! { <a class="lab-link" href={format!("#lab-{}", row.id())}>{ format!("Lab: {}", row.title()) }</a> }
}

#[derive(Properties, Clone, PartialEq)]
pub struct MessageLookupProps {
    pub message: String,
}

/// The tools' messages, alerts and verify errors a pasted text matches, and the rows behind them,
/// as the core module finds them.
#[function_component(MessageLookup)]
pub fn message_lookup(props: &MessageLookupProps) -> Html {
    let found = use_state(|| None::<(String, Result<Found, String>)>);
    {
        let found = found.clone();
        use_effect_with(props.message.clone(), move |message| {
            let message = message.clone();
            if !message.trim().is_empty() {
                yew::platform::spawn_local(async move {
                    let work = Work::LookupMessage(message.clone());
                    let answer = core_reply(&Browser, work, |reply| match reply {
                        Reply::Found(found) => Some(found),
                        _ => None,
                    });
                    let answer = answer.await.map_err(|e| e.to_string());
                    found.set(Some((message, answer)));
                });
            }
        });
    }
    if props.message.trim().is_empty() {
        return html! {};
    }
    // Only the answer for the text now in the field is shown.
    let found = match &*found {
        Some((message, Ok(found))) if *message == props.message => found,
        Some((message, Err(e))) if *message == props.message => {
            return html! { <p class="error" role="status">{ format!("The message could not be looked up: {e}") }</p> }
        }
        _ => return html! {},
    };
    if found.lines.is_empty() {
        return html! { <p class="muted" role="status">{"No message this lab knows is in that text. Paste the line with the error, or the alert number."}</p> };
    }
    html! {
        <div class="message-lookup" role="status">
            <ul>
                { for found.lines.iter().map(|(what, means)| html! { <li><strong>{ what.clone() }</strong>{": "}{ means.clone() }</li> }) }
            </ul>
            if found.rows.is_empty() {
                <p class="muted">{"No lab row breaks it this way. Diagnose your files above to see which check fails."}</p>
            } else {
                <p>{"The lab rows that end this way, with why and the fix:"}</p>
                <ul class="message-rows">
                    { for found.rows.iter().map(|row| {
                        let (why, fix) = row.explanation();
                        html! { <li data-row={row.id()}>{ row_link(*row) }<p>{ why }</p><p><strong>{"Fix: "}</strong>{ fix }</p></li> }
                    }) }
                </ul>
            }
        </div>
    }
}
