//! A diagnosis as the page shows it: the checks by side, each handshake's verdict with its
//! messages, and what a pasted error message means.

use super::run_detail::CollapsedDetail;
use crate::diagnose::errors::lookup;
use crate::diagnose::{Diagnosis, Finding, Level, Role};
use crate::workshop::lab::LabScenario;
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
                <CollapsedDetail outcome={outcome} title={AttrValue::from(format!("Your files over {version}"))} file_stem={AttrValue::from(format!("diagnosis-{}", version.replace([' ', '.'], "")))} />
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

/// The tools' messages, alerts and verify errors a pasted text matches, and the rows behind them.
#[function_component(MessageLookup)]
pub fn message_lookup(props: &MessageLookupProps) -> Html {
    if props.message.trim().is_empty() {
        return html! {};
    }
    let found = lookup(&props.message);
    if found.is_empty() {
        return html! { <p class="muted" role="status">{"No message this lab knows is in that text. Paste the line with the error, or the alert number."}</p> };
    }
    let rows = found.rows();
    html! {
        <div class="message-lookup" role="status">
            <ul>
                { for found.known.iter().map(|k| html! { <li><strong>{ k.tool }</strong>{": "}{ k.means }</li> }) }
                { for found.alerts.iter().map(|a| html! { <li><strong>{ format!("TLS alert {} ({})", a.code, a.name) }</strong>{": the side that sent it refused the connection."}</li> }) }
                { for found.verify_errors.iter().map(|v| html! { <li><strong>{ format!("openssl verify error {}", v.code) }</strong>{ format!(": {}.", v.words) }</li> }) }
            </ul>
            if rows.is_empty() {
                <p class="muted">{"No lab row breaks it this way. Diagnose your files above to see which check fails."}</p>
            } else {
                <p>{"The lab rows that end this way, with why and the fix:"}</p>
                <ul class="message-rows">
                    { for rows.into_iter().map(|row| {
                        let (why, fix) = row.explanation();
                        html! { <li data-row={row.id()}>{ row_link(row) }<p>{ why }</p><p><strong>{"Fix: "}</strong>{ fix }</p></li> }
                    }) }
                </ul>
            }
        </div>
    }
}
