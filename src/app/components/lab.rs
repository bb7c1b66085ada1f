//! The handshake lab: every scenario in a table, run all at once or one by one, and the run
//! whose messages are shown below it.

use super::page::use_page;
use super::reproduce::{ReproduceButton, ReproduceProps};
use super::run_detail::{handshake_detail, refusal_view};
use super::shared::Shared;
use crate::app::state::{Action, AppState, JudgedRun, KeyFiles, LabState};
use crate::pki::PrivateKey;
use crate::tls::{Established, TlsVersion};
use crate::workshop::export::KeyProtection;
use crate::workshop::lab::{LabRun, LabScenario, Verdict};
use crate::workshop::protocol::CoreError;
use crate::workshop::{reproduce, Party};
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct LabProps {
    pub lab: Shared<LabState>,
    /// The certificates the lab uses are there.
    pub ready: bool,
    /// The workshop changed since the lab ran.
    pub stale: bool,
    pub busy: bool,
    pub tls_version: TlsVersion,
    /// For the rows' bundles: the key files the page has made, and how they are protected.
    pub key_files: Shared<KeyFiles>,
    pub protection: KeyProtection,
}

impl LabProps {
    pub fn of(s: &AppState) -> Self {
        LabProps {
            lab: s.lab.clone().into(),
            ready: [Party::BClient, Party::CServer]
                .iter()
                .all(|p| s.workshop.certificate(*p).is_some()),
            stale: !s.lab.runs.is_empty() && s.lab.generation != s.workshop.generation(),
            busy: s.busy.is_some(),
            tls_version: s.workshop.settings.tls_version,
            key_files: s.key_files.clone().into(),
            protection: s.protection(),
        }
    }
}

#[function_component(Lab)]
pub fn lab(props: &LabProps) -> Html {
    let page = use_page();
    let (lab, ready) = (&props.lab, props.ready);
    let onclick = {
        let page = page.clone();
        Callback::from(move |_| page.run_lab(LabScenario::ALL.to_vec()))
    };
    let can_run = ready && lab.running.is_none() && !props.busy;
    let progress = if let Some((done, total)) = lab.running {
        format!("Running scenario {} of {total}…", (done + 1).min(total))
    } else if props.stale {
        "The steps changed since this lab ran; run it again to use the new files.".into()
    } else if !lab.runs.is_empty() {
        let as_expected = lab
            .runs
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|judged| judged.run.as_expected()))
            .count();
        format!(
            "{as_expected} of {} scenarios ended as expected.",
            lab.runs.len()
        )
    } else {
        String::new()
    };
    let row = |scenario: LabScenario| {
        let result = lab.run(scenario).cloned();
        let reproduce = match &result {
            Some(Ok(judged)) => Some(reproduce_props(props, scenario, judged)),
            _ => None,
        };
        html! {
            <LabRow key={scenario.id()} {scenario} {result} {can_run} selected={lab.selected == Some(scenario)}
                tls_version={props.tls_version} {reproduce} />
        }
    };
    let selected = lab.selected.and_then(|scenario| match lab.run(scenario) {
        Some(Ok(JudgedRun { run, .. })) => {
            Some(html! { <SelectedRun {scenario} run={Shared(run.clone())} /> })
        }
        _ => None,
    });
    html! {
        <section class="lab" id="lab" aria-labelledby="lab-title">
            <h2 id="lab-title">{"Handshake lab: break it on purpose"}</h2>
            <p class="why">{"Each scenario changes one thing in step 8's handshake, the way it goes wrong in production, and runs it with the same rustls client and server. Fresh certificates are made with your CAs and keys where a scenario needs one. Each row also says what openssl s_server -Verify 2 -verify_return_error and s_client -verify_return_error -verify_hostname report for the very same files (s_server also gets -crl_check or -crl_check_all and the row's CRL where C checks revocation): the tests run them and check that they refuse on the same side, with the verify error and alert named here."}</p>
            <p>
                <button class="primary" {onclick} disabled={!can_run}>{"Run every scenario"}</button>
                if !ready { <span class="muted">{" Run the steps first: the lab uses their files."}</span> }
            </p>
            <p class="lab-progress" role="status" aria-live="polite">{ progress }</p>
            // Shown before the steps have run too: the scenarios say what each one breaks, and
            // a run then changes only the rows' buttons, not the page's fields.
            <div class="table-scroll" tabindex="0" role="region" aria-label="Scenario results">
                <table class="lab-table">
                    <thead><tr>
                        <th scope="col">{"Scenario"}</th>
                        <th scope="col">{"Expected"}</th>
                        <th scope="col">{"Actual"}</th>
                        <th scope="col">{"Refused because, or the identity C accepted"}</th>
                        <th scope="col">{"Why, and the fix"}</th>
                        <th scope="col"><span class="visually-hidden">{"Messages"}</span></th>
                    </tr></thead>
                    <tbody>
                        { for LabScenario::ALL.iter().map(|scenario| row(*scenario)) }
                    </tbody>
                </table>
            </div>
            { for selected }
        </section>
    }
}

/// A row's bundle, with the key files the page already made where they are this row's keys.
fn reproduce_props(props: &LabProps, scenario: LabScenario, judged: &JudgedRun) -> ReproduceProps {
    let made = |key: &PrivateKey| {
        props
            .key_files
            .values()
            .find(|f| &f.key == key && f.protection == props.protection)
            .map(|f| f.pem.clone())
    };
    let (server_key, client_key) = reproduce::keys(&judged.setup);
    ReproduceProps {
        scenario,
        setup: judged.setup.clone(),
        run: judged.run.clone(),
        protection: props.protection.clone(),
        server_pem: made(server_key),
        client_pem: client_key.and_then(made),
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct LabRowProps {
    pub scenario: LabScenario,
    pub result: Option<Result<JudgedRun, CoreError>>,
    pub can_run: bool,
    pub selected: bool,
    pub tls_version: TlsVersion,
    /// The row's bundle, once it has run.
    pub reproduce: Option<ReproduceProps>,
}

#[function_component(LabRow)]
pub fn lab_row(props: &LabRowProps) -> Html {
    let page = use_page();
    let scenario = props.scenario;
    let (why, fix) = scenario.explanation();
    let (actual, error, state) = match &props.result {
        Some(Ok(JudgedRun { run, .. })) => (
            run.verdict().label(),
            match &run.outcome.result {
                Err(f) => refusal_view(f),
                Ok(established) => identity_view(established),
            },
            if run.as_expected() { "true" } else { "false" },
        ),
        Some(Err(error)) => (
            "not run".to_string(),
            html! { { error.to_string() } },
            "false",
        ),
        None => ("not run yet".to_string(), html! {}, "not-run"),
    };
    let (mark, class) = match state {
        "true" => (" ✓ as expected", "expected"),
        "false" => (" ✗ not as expected", "unexpected"),
        _ => ("", "not-run"),
    };
    let show = page.callback(move |_| Action::LabSelect(scenario));
    let run_one = Callback::from(move |_| page.run_lab(vec![scenario]));
    let selected = props.selected;
    html! {
        <tr id={format!("lab-{}", scenario.id())} data-scenario={scenario.id()} data-as-expected={state} class={classes!(class, selected.then_some("selected"))}>
            <th scope="row">
                { scenario.title() }
                <span class="muted model">{ scenario.model().label() }</span>
            </th>
            <td class="expected-verdict">{ scenario.expected().label() }</td>
            <td class="actual-verdict">
                { actual }
                <span class="mark">{ mark }</span>
            </td>
            <td class="rustls-error">{ error }</td>
            <td>
                <p>{ why }</p>
                <p><strong>{"Fix: "}</strong>{ fix }</p>
                <p class="muted openssl-reason">{ match scenario.openssl_reason(props.tls_version) {
                    Some(reason) => reason.sentence(),
                    None => "openssl: accepts the same files too.".to_string(),
                } }</p>
                if let Some(note) = scenario.openssl_note() { <p class="muted">{ note }</p> }
            </td>
            <td><div class="row-actions">
                <button onclick={run_one} disabled={!props.can_run} aria-label={format!("Run: {}", scenario.title())}>{"Run"}</button>
                if matches!(props.result, Some(Ok(_))) {
                    <button onclick={show} aria-pressed={selected.to_string()}>{"Show messages"}</button>
                }
                if let Some(reproduce) = &props.reproduce {
                    <ReproduceButton ..reproduce.clone() />
                }
            </div></td>
        </tr>
    }
}

/// What C's application learns of the client once the handshake is done.
fn identity_view(established: &Established) -> Html {
    match &established.client_subject {
        Some(subject) => html! {
            <span class="client-identity">{"C's application sees: "}<code>{ subject.clone() }</code></span>
        },
        None => html! {
            <span class="client-identity">{"C's application sees: no client identity"}</span>
        },
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct SelectedRunProps {
    pub scenario: LabScenario,
    pub run: Shared<LabRun>,
}

/// The chosen run, decoded: built once per run, not at every render of the lab.
#[function_component(SelectedRun)]
pub fn selected_run(props: &SelectedRunProps) -> Html {
    let scenario = props.scenario;
    let verdict = match props.run.verdict() {
        Verdict::Accepted => "accepted".to_string(),
        other => other.label(),
    };
    html! {
        <div class="lab-detail" id="lab-detail">
            <h3>{ format!("{} — {}", scenario.title(), verdict) }</h3>
            { handshake_detail(&props.run.outcome, scenario.title(), scenario.id()) }
        </div>
    }
}
