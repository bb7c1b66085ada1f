//! The handshake lab and the decoded view of one run: messages, fields, bytes, diagram and
//! capture downloads.

use super::browser::{self, Browser};
use super::run;
use super::state::{Action, AppState, JudgedRun};
use crate::pki::PrivateKey;
use crate::tls::decrypt::Message;
use crate::tls::{diagram, messages, pcapng, Direction, Failure, Outcome, TlsVersion};
use crate::workshop::export::KeyProtection;
use crate::workshop::lab::{LabRun, LabScenario, Setup, Verdict};
use crate::workshop::protocol::CoreError;
use crate::workshop::reproduce::{self, KeyPems};
use crate::workshop::Party;
use std::rc::Rc;
use yew::prelude::*;

type Dispatch = UseReducerDispatcher<AppState>;

/// Runs scenarios in the background; `run::run_lab` says how.
fn run_lab(s: &AppState, dispatch: Dispatch, scenarios: Vec<LabScenario>) {
    let snapshot = s.clone();
    yew::platform::spawn_local(async move {
        let send = |action| dispatch.dispatch(action);
        run::run_lab(&Browser, &send, &snapshot, scenarios).await
    });
}

pub fn lab_section(s: &AppState, dispatch: &Dispatch) -> Html {
    let ready = [Party::BClient, Party::CServer]
        .iter()
        .all(|p| s.workshop.certificate(*p).is_some());
    let stale = !s.lab.runs.is_empty() && s.lab.generation != s.workshop.generation();
    let onclick = {
        let (snapshot, dispatch) = (s.clone(), dispatch.clone());
        Callback::from(move |_| run_lab(&snapshot, dispatch.clone(), LabScenario::ALL.to_vec()))
    };
    let can_run = ready && s.lab.running.is_none() && s.busy.is_none();
    let progress = if let Some((done, total)) = s.lab.running {
        format!("Running scenario {} of {total}…", (done + 1).min(total))
    } else if stale {
        "The steps changed since this lab ran; run it again to use the new files.".into()
    } else if !s.lab.runs.is_empty() {
        let as_expected = s
            .lab
            .runs
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|judged| judged.run.as_expected()))
            .count();
        format!(
            "{as_expected} of {} scenarios ended as expected.",
            s.lab.runs.len()
        )
    } else {
        String::new()
    };
    html! {
        <section class="lab" id="lab" aria-labelledby="lab-title">
            <h2 id="lab-title">{"Handshake lab: break it on purpose"}</h2>
            <p class="why">{"Each scenario changes one thing in step 8's handshake, the way it goes wrong in production, and runs it with the same rustls client and server. Fresh certificates are made with your CAs and keys where a scenario needs one. Each row also says what openssl s_server -Verify 2 -verify_return_error and s_client -verify_return_error -verify_hostname report for the very same files: the tests run them and check that they refuse on the same side, with the verify error and alert named here."}</p>
            <p>
                <button class="primary" {onclick} disabled={!can_run}>{"Run every scenario"}</button>
                if !ready { <span class="muted">{" Run the steps first: the lab uses their files."}</span> }
            </p>
            <p class="lab-progress" role="status" aria-live="polite">{ progress }</p>
            if ready {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Scenario results">
                    <table class="lab-table">
                        <thead><tr>
                            <th scope="col">{"Scenario"}</th>
                            <th scope="col">{"Expected"}</th>
                            <th scope="col">{"Actual"}</th>
                            <th scope="col">{"Why it was refused"}</th>
                            <th scope="col">{"Why, and the fix"}</th>
                            <th scope="col"><span class="visually-hidden">{"Messages"}</span></th>
                        </tr></thead>
                        <tbody>
                            { for LabScenario::ALL.iter().map(|scenario| lab_row(s, dispatch, *scenario, s.lab.run(*scenario), can_run)) }
                        </tbody>
                    </table>
                </div>
            }
            { selected_run(s) }
        </section>
    }
}

fn lab_row(
    s: &AppState,
    dispatch: &Dispatch,
    scenario: LabScenario,
    result: Option<&Result<JudgedRun, CoreError>>,
    can_run: bool,
) -> Html {
    let (why, fix) = scenario.explanation();
    let (actual, error, state) = match result {
        Some(Ok(JudgedRun { run, .. })) => (
            run.verdict().label(),
            match &run.outcome.result {
                Err(f) => refusal_view(f),
                Ok(_) => html! { {"—"} },
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
    let show = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::LabSelect(scenario)))
    };
    let run_one = {
        let (snapshot, dispatch) = (s.clone(), dispatch.clone());
        Callback::from(move |_| run_lab(&snapshot, dispatch.clone(), vec![scenario]))
    };
    let selected = s.lab.selected == Some(scenario);
    html! {
        <tr data-scenario={scenario.id()} data-as-expected={state} class={classes!(class, selected.then_some("selected"))}>
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
                <p class="muted openssl-reason">{ match scenario.openssl_reason(s.workshop.settings.tls_version) {
                    Some(reason) => reason.sentence(),
                    None => "openssl: accepts the same files too.".to_string(),
                } }</p>
                if let Some(note) = scenario.openssl_note() { <p class="muted">{ note }</p> }
            </td>
            <td><div class="row-actions">
                <button onclick={run_one} disabled={!can_run} aria-label={format!("Run: {}", scenario.title())}>{"Run"}</button>
                if matches!(result, Some(Ok(_))) {
                    <button onclick={show} aria-pressed={selected.to_string()}>{"Show messages"}</button>
                }
                { reproduce_button(s, scenario, result) }
            </div></td>
        </tr>
    }
}

/// A row's "Reproduce with openssl" download, once the row has run.
fn reproduce_button(
    s: &AppState,
    scenario: LabScenario,
    result: Option<&Result<JudgedRun, CoreError>>,
) -> Html {
    let Some(Ok(JudgedRun { run, setup })) = result else {
        return html! {};
    };
    let protection = s.protection();
    // Key files the page already made for its own downloads, where they are this row's keys.
    let made = |key: &PrivateKey| {
        s.key_files
            .values()
            .find(|f| &f.key == key && f.protection == protection)
            .map(|f| f.pem.clone())
    };
    let (server_key, client_key) = reproduce::keys(setup);
    let (server_pem, client_pem) = (made(server_key), client_key.and_then(made));
    html! {
        <ReproduceButton {scenario} setup={setup.clone()} run={run.clone()} {protection} {server_pem} {client_pem} />
    }
}

#[derive(Properties, Clone)]
struct ReproduceProps {
    scenario: LabScenario,
    setup: Rc<Setup>,
    run: Rc<LabRun>,
    protection: KeyProtection,
    /// The keys' files where the page has them ready; the others are encrypted on the click.
    server_pem: Option<String>,
    client_pem: Option<String>,
}

impl PartialEq for ReproduceProps {
    fn eq(&self, other: &Self) -> bool {
        self.scenario == other.scenario
            && Rc::ptr_eq(&self.setup, &other.setup)
            && Rc::ptr_eq(&self.run, &other.run)
            && self.protection == other.protection
            && self.server_pem == other.server_pem
            && self.client_pem == other.client_pem
    }
}

/// One key's file for the bundle: the page's own if ready, else encrypted now the way the page
/// encrypts its key downloads (WebCrypto, off the page's thread).
async fn key_pem(
    key: &PrivateKey,
    made: &Option<String>,
    protection: &KeyProtection,
) -> Result<String, String> {
    match made {
        Some(pem) => Ok(pem.clone()),
        None if protection.plain => Ok(key.to_pem()),
        None => browser::encrypt_key(key, &protection.passphrase, protection.iterations).await,
    }
}

/// The row's bundle: its files, `reproduce.sh` and `OUTCOME.txt`, zipped by the core.
async fn bundle(props: &ReproduceProps) -> Result<Vec<u8>, String> {
    let (server_key, client_key) = reproduce::keys(&props.setup);
    let server = key_pem(server_key, &props.server_pem, &props.protection).await?;
    let client = match client_key {
        Some(key) => Some(key_pem(key, &props.client_pem, &props.protection).await?),
        None => None,
    };
    let keys = KeyPems {
        server,
        client,
        encrypted: !props.protection.plain,
    };
    reproduce::zip(&props.setup, &props.run, &keys).map_err(|e| e.to_string())
}

/// Downloads a zip with the row's very files, a script that runs openssl s_server and s_client
/// on them, and what the page saw.
#[function_component(ReproduceButton)]
fn reproduce_button_component(props: &ReproduceProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let name = reproduce::zip_name(props.scenario);
    let passphrase_ok = props.protection.check().is_ok();
    let onclick = {
        let (props, busy, error, name) = (props.clone(), busy.clone(), error.clone(), name.clone());
        Callback::from(move |_| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (props, busy, error, name) =
                (props.clone(), busy.clone(), error.clone(), name.clone());
            yew::platform::spawn_local(async move {
                let saved = bundle(&props)
                    .await
                    .and_then(|zip| browser::download(&name, "application/zip", &zip));
                busy.set(false);
                if let Err(e) = saved {
                    error.set(Some(format!("{name} could not be made: {e}")));
                }
            });
        })
    };
    html! {
        <>
            <button class="reproduce" {onclick} disabled={*busy || !passphrase_ok}
                aria-label={format!("Reproduce with openssl: {}", props.scenario.title())}
                title={format!("{name}: this run's certificates and keys, reproduce.sh (openssl s_server and s_client) and OUTCOME.txt")}>
                { if *busy { "Preparing…" } else { "Reproduce with openssl" } }
            </button>
            if !passphrase_ok { <small class="muted">{"Set a valid key passphrase to download it."}</small> }
            if let Some(message) = &*error { <small class="error" role="alert">{ message.clone() }</small> }
        </>
    }
}

/// A refusal in plain words, with rustls's own name for it in small type.
pub fn refusal_view(failure: &Failure) -> Html {
    html! {
        <>
            <span class="refusal">{ failure.error.sentence(failure.side) }</span>
            if !failure.error.rustls_name.is_empty() {
                <small class="rustls-name">{"rustls: "}<code>{ failure.error.rustls_name.clone() }</code></small>
            }
        </>
    }
}

fn selected_run(s: &AppState) -> Html {
    let Some(scenario) = s.lab.selected else {
        return html! {};
    };
    let Some(Ok(JudgedRun { run, .. })) = s.lab.run(scenario) else {
        return html! {};
    };
    let verdict = match run.verdict() {
        Verdict::Accepted => "accepted".to_string(),
        other => other.label(),
    };
    html! {
        <div class="lab-detail" id="lab-detail">
            <h3>{ format!("{} — {}", scenario.title(), verdict) }</h3>
            { handshake_detail(&run.outcome, scenario.title(), scenario.id()) }
        </div>
    }
}

#[derive(Properties, Clone)]
pub struct CollapsedDetailProps {
    pub outcome: std::rc::Rc<Outcome>,
    pub title: AttrValue,
    pub file_stem: AttrValue,
}

impl PartialEq for CollapsedDetailProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.outcome, &other.outcome)
            && self.title == other.title
            && self.file_stem == other.file_stem
    }
}

/// A run's decoded view behind a disclosure, built only once opened: decoding, the capture
/// and the diagram cost time that a closed section should not.
#[function_component(CollapsedDetail)]
pub fn collapsed_detail(props: &CollapsedDetailProps) -> Html {
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            open.set(details.open());
        })
    };
    html! {
        <details {ontoggle}>
            <summary>{ format!("Messages and diagram ({} messages)", props.outcome.messages().len()) }</summary>
            if *open { { handshake_detail(&props.outcome, &props.title, &props.file_stem) } }
        </details>
    }
}

#[derive(Properties, Clone)]
pub struct OpenDiagramProps {
    pub outcome: std::rc::Rc<Outcome>,
    pub title: AttrValue,
    /// Unique in the page: the diagram's title element takes it as its id.
    pub id: AttrValue,
}

impl PartialEq for OpenDiagramProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.outcome, &other.outcome)
            && self.title == other.title
            && self.id == other.id
    }
}

/// A run's sequence diagram, shown without opening anything. It is drawn once per run:
/// later renders pass the same outcome and are skipped.
#[function_component(OpenDiagram)]
pub fn open_diagram(props: &OpenDiagramProps) -> Html {
    let svg = diagram::svg_with_id(&props.outcome, &props.title, &props.id);
    html! {
        <div class="diagram" role="figure" aria-label={format!("Sequence diagram: {}", props.title)}>
            { Html::from_html_unchecked(AttrValue::from(svg)) }
        </div>
    }
}

/// The decoded view of one run: diagram, then every message with its fields and bytes.
pub fn handshake_detail(outcome: &Outcome, title: &str, file_stem: &str) -> Html {
    let svg = diagram::svg_with_id(outcome, title, &format!("{file_stem}-diagram-title"));
    let keylog = outcome.keys.to_sslkeylogfile();
    let capture = pcapng::capture(&outcome.records, &keylog);
    let tls13 = outcome.version == TlsVersion::Tls13;
    html! {
        <div class="handshake-detail">
            <div class="diagram" role="figure" aria-label={format!("Sequence diagram: {title}")}>
                { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
            </div>
            <p class="downloads">
                <a download={format!("handshake-{file_stem}.pcapng")} href={browser::data_url("application/octet-stream", &capture)}>{"Capture (pcapng, secrets inside)"}</a>
                if !keylog.is_empty() {
                    <a download={format!("handshake-{file_stem}.keylog")} href={browser::data_url("text/plain", keylog.as_bytes())}>{"SSLKEYLOGFILE"}</a>
                }
                <a download={format!("handshake-{file_stem}.svg")} href={browser::data_url("image/svg+xml", svg.as_bytes())}>{"Diagram (SVG)"}</a>
            </p>
            <p class="muted">{"Open the capture in Wireshark or run tshark -r on it: the session's secrets travel inside, so the encrypted messages decode with no setup. They are this run's secrets only, not your keys."}</p>
            <ol class="messages" aria-label="Messages in order">
                { for outcome.messages().iter().map(|m| message_item(m, tls13)) }
            </ol>
        </div>
    }
}

fn message_item(message: &Message, tls13: bool) -> Html {
    let fields = messages::render::message_fields(message, tls13);
    let (arrow, side) = match message.direction {
        Direction::ClientToServer => ("B → C", "from-client"),
        Direction::ServerToClient => ("C → B", "from-server"),
    };
    html! {
        <li class={classes!("message", side)} data-message={message.name()} data-direction={arrow}>
            <details>
                <summary>
                    <span class="arrow">{ arrow }</span>
                    <strong>{ message.name() }</strong>
                    if message.decrypted { <span class="badge">{"decrypted"}</span> }
                    <span class="muted">{ format!(" · record {}", message.record + 1) }</span>
                </summary>
                <dl class="fields">
                    { for fields.iter().map(|f| html! { <><dt>{ &f.label }</dt><dd>{ &f.value }</dd></> }) }
                </dl>
                <pre class="hex" aria-label="Raw bytes">{ hex_dump(&message.bytes) }</pre>
            </details>
        </li>
    }
}

/// Offset, sixteen bytes in hex, as `xxd` lays them out; long messages are cut.
fn hex_dump(bytes: &[u8]) -> String {
    const SHOWN: usize = 4096;
    let mut out: String = bytes
        .chunks(16)
        .take(SHOWN / 16)
        .enumerate()
        .map(|(row, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            format!("{:06x}  {}\n", row * 16, hex.join(" "))
        })
        .collect();
    if bytes.len() > SHOWN {
        out.push_str(&format!("… {} more bytes\n", bytes.len() - SHOWN));
    }
    out
}
