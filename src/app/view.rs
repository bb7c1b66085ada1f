//! Rendering. Every change goes through `state::Action`; nothing here builds a certificate.

use super::browser::{self, Browser};
use super::components::elapsed::Elapsed;
use super::components::field::{Field, FieldAction, FieldKind};
use super::components::page::Page;
use super::navigator::{self, Runs};
use super::run;
use super::state::{self, Action, AppState};
use crate::clock::unix_now;
use crate::pki::{inspect, name::SUBJECT_FIELDS, KeyAlgorithm, San};
use crate::tls::{Outcome, Side, TlsVersion};
use crate::workshop::{
    commands, export, lab::LabScenario, walkthrough, ArtifactKind, ArtifactSpec, Party, StepId,
    StepStatus,
};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

type Dispatch = UseReducerDispatcher<AppState>;

/// Lets a Cancel click stop a run between its pieces of work.
type CancelledRun = Rc<run::CancelledRun>;

/// Starts `steps` in the background; `run::run_steps` says what happens.
fn start_run(state: &AppState, dispatch: Dispatch, steps: Vec<StepId>, cancelled: CancelledRun) {
    let snapshot = state.clone();
    yew::platform::spawn_local(async move {
        let send = |action| dispatch.dispatch(action);
        run::run_steps(&Browser, &send, &snapshot, steps, &cancelled).await
    });
}

fn save_workshop(s: &AppState, dispatch: &Dispatch) {
    if s.pending_restore.is_some() || s.busy.is_some() {
        return;
    }
    let key_file = |party: Party| {
        let spec = crate::workshop::ARTIFACTS
            .iter()
            .find(|a| a.kind == ArtifactKind::Key(party))?;
        s.key_file(spec.path, party).map(|f| f.pem.clone())
    };
    let keys_ready = Party::ALL
        .iter()
        .all(|p| s.workshop.key(*p).is_none() || key_file(*p).is_some());
    let note = if !keys_ready {
        if s.protection().check().is_err() {
            "Keys are not saved in this browser until the key passphrase is valid (or keys are downloaded unencrypted).".to_string()
        } else {
            return; // Key files are still being encrypted; saving follows when they land.
        }
    } else {
        let text = crate::workshop::saved::save(&s.workshop, &s.protection(), key_file);
        if !browser::save(&text) {
            "This browser refused to save the workshop (storage full or disabled).".to_string()
        } else if s.plain_keys {
            "Saved in this browser's local storage. Private keys are stored UNENCRYPTED, as you chose.".to_string()
        } else {
            "Saved in this browser's local storage. Private keys are stored encrypted with your key passphrase.".to_string()
        }
    };
    if note != s.saved_note {
        dispatch.dispatch(Action::Saved(note));
    }
}

/// Makes Client B's PKCS#12 files in the extras worker once typing pauses: their key
/// derivations stay off the page's thread, and their writer out of the page's module.
fn export_pkcs12(state: &AppState, dispatch: Dispatch, epoch: Rc<Cell<u64>>) {
    use crate::pki::pkcs12::Flavour;
    let mine = epoch.get() + 1;
    epoch.set(mine);
    if state.workshop.certificate(Party::BClient).is_none()
        || crate::pki::keys::check_passphrase(&state.passphrase).is_err()
    {
        return;
    }
    let (workshop, passphrase) = (state.workshop.clone(), state.passphrase.clone());
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_millis(300)).await;
        for flavour in [Flavour::Modern, Flavour::Legacy] {
            if epoch.get() != mine {
                return;
            }
            let Some(job) = workshop.client_pkcs12_job(&passphrase, flavour) else {
                return;
            };
            if let Ok(bytes) = browser::pkcs12_in_worker(&job).await {
                dispatch.dispatch(Action::P12Ready(state::P12File {
                    flavour,
                    generation: workshop.generation(),
                    passphrase: passphrase.clone(),
                    bytes,
                }));
            }
        }
    });
}

/// Prepares key files in the background, one key at a time, after typing pauses.
fn export_keys(state: &AppState, dispatch: Dispatch, epoch: Rc<Cell<u64>>) {
    let protection = state.protection();
    if protection.check().is_err() {
        return;
    }
    let pending = state.keys_to_export();
    let mine = epoch.get() + 1;
    epoch.set(mine);
    if pending.is_empty() {
        return;
    }
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_millis(250)).await;
        for (path, key) in pending {
            if epoch.get() != mine {
                return;
            }
            let pem = if protection.plain {
                Ok(key.to_pem())
            } else {
                browser::encrypt_key(&key, &protection.passphrase, protection.iterations).await
            };
            if let Ok(pem) = pem {
                dispatch.dispatch(Action::KeyReady {
                    path,
                    file: state::KeyFile {
                        key,
                        protection: protection.clone(),
                        pem,
                    },
                });
            }
            browser::yield_to_browser().await;
        }
    });
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::from_saved(browser::load_saved(), unix_now()));
    // Bumped by every new export task, so an older one stops between keys.
    let export_epoch = use_memo((), |_| Rc::new(Cell::new(0u64)));
    let cancelled: CancelledRun = (*use_memo((), |_| Rc::new(Cell::new(0u64)))).clone();
    let p12_epoch = use_memo((), |_| Rc::new(Cell::new(0u64)));
    {
        let deps = (state.workshop.generation(), state.passphrase.clone());
        let (dispatch, epoch, snapshot) =
            (state.dispatcher(), (*p12_epoch).clone(), (*state).clone());
        use_effect_with(deps, move |_| export_pkcs12(&snapshot, dispatch, epoch));
    }
    {
        let deps = (state.keys_to_export(), state.protection());
        let dispatch = state.dispatcher();
        let epoch = (*export_epoch).clone();
        let snapshot = (*state).clone();
        use_effect_with(deps, move |_| export_keys(&snapshot, dispatch, epoch));
    }
    // Results, downloads and the archive only change when a step runs or a key file lands;
    // rebuilding them on every keystroke would make typing slow. During a run they are rebuilt
    // once, at its end, so each step's task stays short.
    let memo_version = use_mut_ref(|| 0u64);
    // Step 8's runs, shared once per run, so the views drawn from them (the diagram, the
    // decoded messages) are built once and skipped on later renders.
    let runs = {
        let handle = state.clone();
        use_memo(state.workshop.generation(), move |_| {
            handle
                .workshop
                .handshakes()
                .iter()
                .map(|(scenario, outcome)| (*scenario, Rc::new(outcome.clone())))
                .collect::<Vec<_>>()
        })
    };
    let made = {
        let (handle, memo_version, runs) = (state.clone(), memo_version.clone(), runs.clone());
        let shown_generation = state
            .busy
            .as_ref()
            .map_or(state.workshop.generation(), |busy| busy.before.generation());
        let deps = (
            shown_generation,
            state.key_files_version,
            state.protection(),
            state.workshop.settings.use_intermediates,
        );
        use_memo(deps, move |_| {
            let s = &*handle;
            let mut results: Vec<Html> = StepId::ALL
                .iter()
                .map(|step| step_result(s, *step, &runs))
                .collect();
            results.push(verification_view(s));
            *memo_version.borrow_mut() += 1;
            let version = *memo_version.borrow();
            let frozen = |content: Html| html! { <Frozen {version} {content} /> };
            (
                results.into_iter().map(frozen).collect::<Vec<_>>(),
                frozen(zip_link(s)),
            )
        })
    };
    {
        // Keeps the workshop in this browser, keys as they download (encrypted unless plain).
        let deps = (
            state.workshop.generation(),
            state.workshop.settings.clone(),
            state.protection(),
            state.key_files_version,
            state.pending_restore.is_some(),
            state.busy.is_some(),
        );
        let (dispatch, snapshot) = (state.dispatcher(), (*state).clone());
        use_effect_with(deps, move |_| save_workshop(&snapshot, &dispatch));
    }
    let s = &*state;
    let dispatch = state.dispatcher();
    let page = Page::new(state.clone(), cancelled.clone());
    html! {
        <ContextProvider<Page> context={page}>
        <header class="top">
            <h1>{"mTLS Lab"}</h1>
            <p class="tagline">{"The mutual TLS workshop in your browser: two organisations, their CAs, a signed client certificate and a real handshake. Nothing leaves this tab unless you download it."}</p>
        </header>
        <navigator::StepNav steps={navigator::nav_steps(s)} />
        <main>
            { concept() }
            { controls(s, &dispatch, &cancelled, made.1.clone(), &runs) }
            { for StepId::ALL.iter().zip(made.0.iter()).map(|(step, result)| step_section(s, &dispatch, *step, &cancelled, result.clone())) }
            { super::lab_view::lab_section(s, &dispatch) }
            <section class="verification" id="verification" aria-labelledby="verification-title">
                <h2 id="verification-title">{"Verification"}</h2>
                <p class="why">{"The seed's closing checks, computed from the files above. The Commands tab of step 8 runs the same checks with openssl."}</p>
                { made.0.last().cloned().unwrap_or_default() }
                { check_view(s, &dispatch) }
            </section>
            <section class="elsewhere" id="elsewhere" aria-labelledby="elsewhere-title">
                <h2 id="elsewhere-title">{"Use the files elsewhere"}</h2>
                <p class="why">{"Unzip mtls-workshop.zip, set KEY_PASSPHRASE as in step 1's commands, and run these from the unzipped folder: nginx plays Client C and asks for a client certificate, curl plays Client B."}</p>
                { for commands::snippets(&s.workshop.settings).iter().enumerate().map(|(i, block)| command_block(s, &dispatch, &format!("elsewhere-{i}"), block)) }
            </section>
        </main>
        <footer>
            <p>{"Keys are made in this page (WebCrypto for RSA, Rust compiled to WebAssembly for the rest). The app makes no network request: nothing you make or paste leaves this browser unless you download it."}</p>
            <p>{ format!("What is stored: the workshop is saved in this browser's local storage (key \"mtls-lab.workshop\", this site and this browser profile only) each time it changes, as JSON with a format version. It holds the settings, every CSR and certificate as PEM, and every private key as it downloads: PKCS#8 encrypted under your key passphrase (AES-256-CBC, PBKDF2-HMAC-SHA256, {} rounds), or plain PKCS#8 if you chose plain keys. The passphrase itself is never stored. \"Reset workshop\" deletes it all.", crate::pki::keys::PBKDF2_ITERATIONS) }</p>
        </footer>
        </ContextProvider<Page>>
    }
}

#[derive(Properties, Clone)]
struct FrozenProps {
    version: u64,
    content: Html,
}

impl PartialEq for FrozenProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// Html made once per `version`. While the version stays, Yew does not even compare it, so
/// the page's other renders (a keystroke, a lab result) stay cheap however big the results.
#[function_component(Frozen)]
fn frozen(props: &FrozenProps) -> Html {
    props.content.clone()
}

fn concept() -> Html {
    html! {
        <section class="concept" aria-labelledby="concept-title">
            <h2 id="concept-title">{"How mutual TLS builds trust"}</h2>
            <p>{"In ordinary TLS only the server shows a certificate. In mutual TLS the server also asks the client for one, and each side checks the other's chain up to a CA it trusts, then checks a signature that proves the peer holds the matching private key."}</p>
            <p>{"Here Client C runs the CA and the server. Client B keeps its private key, sends C a signing request, and gets back a clientAuth certificate plus C's CA chain. With those, B can prove who it is to C, and verify that it really talks to C."}</p>
        </section>
    }
}

fn controls(
    s: &AppState,
    dispatch: &Dispatch,
    cancelled: &CancelledRun,
    zip: Html,
    runs: &Runs,
) -> Html {
    let settings = &s.workshop.settings;
    let busy = s.busy.is_some();
    let on_plain = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            d.dispatch(Action::SetPlainKeys(
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            ))
        })
    };
    let on_inter = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            d.dispatch(Action::SetIntermediates(
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            ))
        })
    };
    let on_tls = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            d.dispatch(Action::SetTlsVersion(if value == "1.2" {
                TlsVersion::Tls12
            } else {
                TlsVersion::Tls13
            }))
        })
    };
    let on_seed = {
        let d = dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::UseSeedKeySizes))
    };
    let on_fast = {
        let d = dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::UseFastKeys))
    };
    let on_run_all = {
        let (d, snapshot, cancelled) = (dispatch.clone(), s.clone(), cancelled.clone());
        Callback::from(move |_| {
            let steps = StepId::ALL
                .into_iter()
                .filter(|st| snapshot.workshop.settings.includes(*st))
                .collect();
            start_run(&snapshot, d.clone(), steps, cancelled.clone())
        })
    };
    let on_cancel = {
        let (d, run, cancelled) = (
            dispatch.clone(),
            s.busy.as_ref().map(|b| b.run),
            cancelled.clone(),
        );
        Callback::from(move |_| {
            if let Some(run) = run {
                cancelled.set(run);
                d.dispatch(Action::Cancel { run });
            }
        })
    };
    let pass_help = format!(
        "Private keys download as PKCS#8 encrypted with AES-256-CBC, key from PBKDF2-HMAC-SHA256 with {} rounds. openssl asks for this passphrase (-passin).",
        crate::pki::keys::PBKDF2_ITERATIONS
    );
    html! {
        <section class="controls" aria-label="Workshop settings">
            <Field id={state::PASSPHRASE_INPUT} label="Key passphrase" kind={FieldKind::Password { autocomplete: "new-password" }}
                action={FieldAction::Passphrase} value={s.passphrase.clone()} error={error_of(s, state::PASSPHRASE_INPUT)} help={pass_help} />
            <div class="field checkbox">
                <input id="plain-keys" type="checkbox" checked={s.plain_keys} onchange={on_plain} />
                <label for="plain-keys">{"Download keys unencrypted (for tools that cannot prompt for a passphrase)"}</label>
            </div>
            <div class="field checkbox">
                <input id="use-intermediates" type="checkbox" checked={settings.use_intermediates} onchange={on_inter} disabled={busy} />
                <label for="use-intermediates">{"Use intermediate CAs (steps 3 and 4; without them C signs with its root)"}</label>
            </div>
            <div class="field">
                <label for="tls-version">{"TLS version for step 8"}</label>
                <select id="tls-version" onchange={on_tls} disabled={busy}>
                    <option value="1.3" selected={settings.tls_version == TlsVersion::Tls13}>{"TLS 1.3"}</option>
                    <option value="1.2" selected={settings.tls_version == TlsVersion::Tls12}>{"TLS 1.2"}</option>
                </select>
            </div>
            <div class="buttons">
                <button type="button" onclick={on_fast} disabled={busy}>{"Fast keys (ECDSA P-256 everywhere)"}</button>
                <button type="button" onclick={on_seed} disabled={busy}>{"The seed's keys (RSA 4096 CAs, RSA 2048 leaves)"}</button>
            </div>
            <div class="buttons">
                <button type="button" class="primary" id="run-all" onclick={on_run_all} disabled={busy}>{"Run all steps"}</button>
                if busy {
                    <button type="button" id="cancel-run" onclick={on_cancel}>{"Cancel"}</button>
                }
                { zip }
            </div>
            { progress(s) }
            { navigator::run_summary(s, runs) }
            { storage_view(s, dispatch) }
        </section>
    }
}

/// Restores the saved workshop in the background; `run::restore_saved` says how.
fn restore_saved(s: &AppState, dispatch: Dispatch) {
    let snapshot = s.clone();
    yew::platform::spawn_local(async move {
        let send = |action| dispatch.dispatch(action);
        run::restore_saved(&Browser, &send, &snapshot).await
    });
}

fn storage_view(s: &AppState, dispatch: &Dispatch) -> Html {
    let d = dispatch.clone();
    let snapshot = s.clone();
    let on_restore = Callback::from(move |_| restore_saved(&snapshot, d.clone()));
    let d = dispatch.clone();
    let on_discard = Callback::from(move |_| {
        if browser::confirm("Delete the saved workshop from this browser?") {
            browser::forget_saved();
            d.dispatch(Action::DiscardSaved);
        }
    });
    let d = dispatch.clone();
    let busy = s.busy.is_some();
    let on_reset = Callback::from(move |_| {
        if browser::confirm("Reset the workshop? Every key, CSR and certificate will be deleted from this page and this browser.") {
            browser::forget_saved();
            d.dispatch(Action::Reset);
        }
    });
    html! {
        <div class="storage">
            if s.pending_restore.is_some() {
                <div class="restore" role="region" aria-label="Saved workshop">
                    <p>{"A workshop saved earlier is in this browser. Its private keys are encrypted: type their key passphrase above, then restore it."}</p>
                    <div class="buttons">
                        <button type="button" id="restore-saved" onclick={on_restore} disabled={s.restoring}>{"Restore saved workshop"}</button>
                        if s.restoring { <span role="status">{"Opening the saved keys…"}</span> }
                        <button type="button" onclick={on_discard}>{"Discard it"}</button>
                    </div>
                </div>
            }
            <p class="help" id="saved-note">{ s.saved_note.clone() }</p>
            <div class="buttons">
                <button type="button" id="reset" onclick={on_reset} disabled={busy}>{"Reset workshop"}</button>
            </div>
        </div>
    }
}

fn progress(s: &AppState) -> Html {
    let text = match (&s.busy, &s.notice, s.last_run_ms) {
        (Some(busy), _, _) => {
            return html! {
                <div class="progress" role="status" aria-live="polite">
                    <progress max={busy.total.to_string()} value={busy.done.to_string()}></progress>
                    <span class="progress-label">
                        { format!("{} {} of {} steps done, ", busy.label, busy.done, busy.total) }
                        <Elapsed since_ms={busy.started_ms} />
                    </span>
                </div>
            }
        }
        (None, Some(notice), _) => notice.clone(),
        (None, None, Some(ms)) if s.last_run_keys.is_empty() => format!("Done in {ms:.0} ms."),
        (None, None, Some(ms)) => format!("Done in {ms:.0} ms. Keys: {}.", s.last_run_keys),
        _ => String::new(),
    };
    html! { <div class="progress" role="status" aria-live="polite"><span>{ text }</span></div> }
}

fn zip_link(s: &AppState) -> Html {
    if s.workshop.artifacts(StepId::CRoot).is_empty() {
        return html! { <span class="muted">{"mtls-workshop.zip appears here once a step has run."}</span> };
    }
    let protection = s.protection();
    let files = export::files_with(&s.workshop, &protection, |spec| {
        Ok(match spec.kind {
            ArtifactKind::Key(party) => Some(
                s.key_file(spec.path, party)
                    .map(|f| f.pem.clone())
                    .ok_or_else(|| crate::pki::PkiError::Key("not ready".into()))?,
            ),
            kind => s.workshop.public_pem(kind),
        })
    });
    match files {
        Ok(files) => match export::zip(&files) {
            Ok(zip) => {
                let href = browser::data_url("application/zip", &zip);
                html! { <a class="download zip" id="zip-link" href={href} download={export::ZIP_NAME}>{ format!("Download {} ({} files)", export::ZIP_NAME, files.len()) }</a> }
            }
            Err(e) => html! { <p class="error">{ e.to_string() }</p> },
        },
        Err(_) if protection.check().is_err() => {
            html! { <span class="muted">{"Set a valid key passphrase to download the archive."}</span> }
        }
        Err(_) => html! { <span class="muted">{"Encrypting keys for the archive…"}</span> },
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

fn step_section(
    s: &AppState,
    dispatch: &Dispatch,
    step: StepId,
    cancelled: &CancelledRun,
    result: Html,
) -> Html {
    let status = s.workshop.status(step);
    let busy = s.busy.is_some();
    let on_run = {
        let (d, snapshot, cancelled) = (dispatch.clone(), s.clone(), cancelled.clone());
        Callback::from(move |_| start_run(&snapshot, d.clone(), vec![step], cancelled.clone()))
    };
    let button = if step == StepId::Handshake {
        "Run the handshakes"
    } else {
        "Generate"
    };
    let error = s.errors.get(&step.id());
    html! {
        <section class={classes!("step", (status == StepStatus::Skipped).then_some("skipped"))} id={step.id()} aria-labelledby={format!("{}-title", step.id())}>
            <h2 id={format!("{}-title", step.id())}>{ format!("Step {}: {}", step.number(), step.title()) }</h2>
            { status_badge(status) }
            <p class="why">{ step.why(&s.workshop.settings) }</p>
            if status != StepStatus::Skipped {
                { step_inputs(s, dispatch, step) }
                <div class="buttons">
                    <button type="button" class="generate" onclick={on_run} disabled={busy}>{button}</button>
                </div>
                <p class="error" role="alert">{ error.cloned().unwrap_or_default() }</p>
                { tabs(s, dispatch, step) }
                if s.commands_tab.contains(&step) {
                    <div role="tabpanel" id={format!("{}-panel-commands", step.id())} aria-labelledby={format!("{}-tab-commands", step.id())}>
                        { commands_view(s, dispatch, step) }
                    </div>
                } else {
                    <div role="tabpanel" id={format!("{}-panel-result", step.id())} aria-labelledby={format!("{}-tab-result", step.id())}>
                        { import_view(s, dispatch, step) }
                        { result }
                    </div>
                }
            }
        </section>
    }
}

fn step_inputs(s: &AppState, dispatch: &Dispatch, step: StepId) -> Html {
    let settings = &s.workshop.settings;
    let busy = s.busy.is_some();
    match step {
        StepId::CSignsB => days_field(s, Party::BClient, "Client certificate validity (days)"),
        StepId::Handshake => html! {
            <>
            <p class="help">{ format!("Client B connects to \"{}\" over {}, trusting C's chain file; C requires a client certificate and trusts the same chain.", settings.server_name(), settings.tls_version.label()) }</p>
            <details class="explain">
                <summary>{ format!("How the mutual handshake goes, message by message ({})", settings.tls_version.label()) }</summary>
                <ol class="walkthrough">
                    { for walkthrough::mutual_handshake(settings).into_iter().map(|line| match line.message {
                        Some((direction, name)) => html! {
                            <li><span class="wire">{ format!("{} {name}", direction.arrow()) }</span>{" "}{ line.text }</li>
                        },
                        None => html! { <li class="check">{ line.text }</li> },
                    }) }
                </ol>
            </details>
            </>
        },
        _ => {
            let Some(party) = step.party() else {
                return html! {};
            };
            let cert = settings.cert(party);
            let alg_id = state::algorithm_input(party);
            let on_alg = {
                let d = dispatch.clone();
                Callback::from(move |e: Event| {
                    let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                    if let Some(alg) = KeyAlgorithm::from_id(&value) {
                        d.dispatch(Action::SetAlgorithm(party, alg));
                    }
                })
            };
            html! {
                <fieldset class="inputs" disabled={busy}>
                    <legend>{ party.label() }</legend>
                    <div class="field">
                        <label for={alg_id.clone()}>{"Key algorithm"}</label>
                        <select id={alg_id} onchange={on_alg}>
                            { for KeyAlgorithm::ALL.iter().map(|a| html! { <option value={a.id()} selected={*a == cert.algorithm}>{ a.label() }</option> }) }
                        </select>
                    </div>
                    <div class="subject">
                        { for SUBJECT_FIELDS.iter().map(|f| subject_field(s, party, f.short, f.label)) }
                    </div>
                    if step != StepId::BCsr {
                        { days_field(s, party, "Validity (days)") }
                    }
                    if step == StepId::CServer {
                        { sans_field(s) }
                    }
                </fieldset>
            }
        }
    }
}

/// The message shown by the input with this id, if any.
fn error_of(s: &AppState, id: &str) -> Option<AttrValue> {
    s.errors.get(id).map(|e| AttrValue::from(e.clone()))
}

fn subject_field(s: &AppState, party: Party, short: &'static str, label: &'static str) -> Html {
    let id = state::subject_input(party, short);
    let value = s
        .workshop
        .settings
        .cert(party)
        .subject
        .get(short)
        .to_string();
    html! {
        <Field error={error_of(s, &id)} id={id} {label} kind={FieldKind::Text} action={FieldAction::Subject(party, short)} {value} />
    }
}

fn days_field(s: &AppState, party: Party, label: &'static str) -> Html {
    let id = state::days_input(party);
    let value = s
        .drafts
        .get(&id)
        .cloned()
        .unwrap_or_else(|| s.workshop.settings.cert(party).days.to_string());
    html! {
        <Field error={error_of(s, &id)} id={id} {label} kind={FieldKind::Number} action={FieldAction::Days(party)} {value} />
    }
}

fn sans_field(s: &AppState) -> Html {
    let id = state::SANS_INPUT;
    let value = s
        .drafts
        .get(id)
        .cloned()
        .unwrap_or_else(|| San::list_to_string(&s.workshop.settings.server_sans));
    html! {
        <Field {id} label="Subject alternative names (DNS names and IP addresses, comma-separated)" kind={FieldKind::Lines(2)}
            action={FieldAction::Sans} {value} error={error_of(s, id)} />
    }
}

/// Step 5: Client B may bring its own key; step 6: C may sign a CSR made elsewhere.
fn import_view(s: &AppState, dispatch: &Dispatch, step: StepId) -> Html {
    let busy = s.busy.is_some();
    match step {
        StepId::BCsr => {
            let d = dispatch.clone();
            let on_use = Callback::from(move |_| d.dispatch(Action::UseOwnKey { now: unix_now() }));
            html! {
                <details class="import">
                    <summary>{"Use Client B's own key instead"}</summary>
                    <p class="help">{"Paste a private key: PKCS#8 (PRIVATE KEY or ENCRYPTED PRIVATE KEY, for example from openssl genpkey), or openssl's traditional RSA PRIVATE KEY or EC PRIVATE KEY (genrsa -traditional, ecparam -genkey), plain or encrypted with a passphrase. It stays in this page; the CSR is made from it."}</p>
                    <Field id={state::OWN_KEY_INPUT} label="Client B's private key (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::OwnKey}
                        value={s.own_key.clone()} error={error_of(s, state::OWN_KEY_INPUT)} upload="a key file" />
                    <Field id={state::OWN_KEY_PASSPHRASE_INPUT} label="Passphrase of that key (if encrypted)" kind={FieldKind::Password { autocomplete: "off" }}
                        action={FieldAction::OwnKeyPassphrase} value={s.own_key_passphrase.clone()} error={error_of(s, state::OWN_KEY_PASSPHRASE_INPUT)} />
                    <button type="button" id="use-own-key" onclick={on_use} disabled={busy}>{"Use this key and make the CSR"}</button>
                </details>
            }
        }
        StepId::CSignsB => {
            let d = dispatch.clone();
            let on_sign =
                Callback::from(move |_| d.dispatch(Action::SignExternalCsr { now: unix_now() }));
            let signed = s.external_cert.as_ref().map(|cert| {
                let href = browser::data_url("application/x-pem-file", cert.to_pem().as_bytes());
                let subject = inspect::certificate(cert).map(|v| v.subject).unwrap_or_default();
                html! {
                    <p>{ format!("Signed: {subject}. ") }<a class="download" href={href} download="pasted_csr_signed_by_client_c.crt">{"Download pasted_csr_signed_by_client_c.crt"}</a></p>
                }
            });
            html! {
                <details class="import">
                    <summary>{"Sign a CSR made elsewhere"}</summary>
                    <p class="help">{"Paste a CSR, for example from openssl req -new on your own machine. C checks its signature and signs it with the v3_client profile; only the subject and key are taken from it. The result is kept beside the workshop's tree."}</p>
                    <Field id={state::EXTERNAL_CSR_INPUT} label="Certificate signing request (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::ExternalCsr}
                        value={s.external_csr.clone()} error={error_of(s, state::EXTERNAL_CSR_INPUT)} upload="a CSR file" />
                    <button type="button" id="sign-external-csr" onclick={on_sign} disabled={busy}>{"Sign the pasted CSR"}</button>
                    { for signed }
                </details>
            }
        }
        _ => html! {},
    }
}

fn step_result(s: &AppState, step: StepId, runs: &Runs) -> Html {
    if step == StepId::Handshake {
        return handshake_view(runs);
    }
    let artifacts = s.workshop.artifacts(step);
    if artifacts.is_empty() {
        return html! {};
    }
    let mut shown_certs = Vec::new();
    html! {
        <div class="result">
            { for artifacts.iter().filter_map(|spec| match spec.kind {
                ArtifactKind::Certificate(party) if !shown_certs.contains(&party) => {
                    shown_certs.push(party);
                    Some(certificate_view(s, party))
                }
                ArtifactKind::Csr(party) if step == StepId::BCsr && !shown_certs.contains(&party) => {
                    shown_certs.push(party);
                    Some(csr_view(s, party))
                }
                _ => None,
            }) }
            <h3>{"Files"}</h3>
            <ul class="downloads">
                { for artifacts.iter().map(|spec| download_item(s, spec)) }
            </ul>
            if step == StepId::CSignsB {
                { chain_file_view(s) }
                { pkcs12_links(s) }
            }
        </div>
    }
}

/// Client B's key, certificate and chain in one PKCS#12 file, under the key passphrase.
fn pkcs12_links(s: &AppState) -> Html {
    use crate::pki::pkcs12::Flavour;
    let flavours = [
        (
            Flavour::Modern,
            "AES-256 and SHA-256, as OpenSSL 3 writes it",
        ),
        (
            Flavour::Legacy,
            "3DES and SHA-1, for older macOS and Windows importers",
        ),
    ];
    let links = flavours.iter().map(|(flavour, what)| {
        let name = flavour.file_name("client_b");
        match s.p12_file(*flavour) {
            Some(file) => html! {
                <li><a class="download-p12" href={browser::data_url("application/x-pkcs12", &file.bytes)} download={name.clone()}>{ format!("Download {name}") }</a>{ format!(" ({what})") }</li>
            },
            None => {
                let why = match crate::pki::keys::check_passphrase(&s.passphrase) {
                    Err(e) => e.to_string(),
                    Ok(()) => "preparing…".to_string(),
                };
                html! { <li class="muted">{ format!("{name}: {why}") }</li> }
            }
        }
    });
    html! {
        <>
            <h3>{"Client B's identity as PKCS#12"}</h3>
            <p class="help">{"The key, the certificate and C's chain in one file, protected by the key passphrase, for browsers and OS keychains."}</p>
            <ul class="downloads">{ for links }</ul>
        </>
    }
}

fn certificate_view(s: &AppState, party: Party) -> Html {
    let Some(cert) = s.workshop.certificate(party) else {
        return html! {};
    };
    let view = match inspect::certificate(cert) {
        Ok(v) => v,
        Err(e) => return html! { <p class="error">{ e.to_string() }</p> },
    };
    html! {
        <div class="cert">
            <h3>{ party.label() }</h3>
            <dl>
                <dt>{"Version"}</dt><dd>{ format!("{} (0x{})", view.version, view.version - 1) }</dd>
                <dt>{"Subject"}</dt><dd>{ view.subject.clone() }</dd>
                <dt>{"Issuer"}</dt><dd>{ view.issuer.clone() }{ if view.self_issued { " (self-issued: its issuer is its own subject)" } else { "" } }</dd>
                <dt>{"Validity"}</dt><dd>{ format!("{} → {}", view.not_before, view.not_after) }</dd>
                <dt>{"Public key"}</dt><dd>{ view.public_key.clone() }</dd>
                <dt>{"Signature"}</dt><dd>{ view.signature_algorithm.clone() }</dd>
                <dt>{"Serial"}</dt><dd class="mono">{ view.serial.clone() }</dd>
            </dl>
            <h4>{"X509v3 extensions"}</h4>
            <ul class="extensions">
                { for view.extensions.iter().map(|e| html! {
                    <li><span class="ext-name">{ e.name.clone() }</span>{ if e.critical { " (critical)" } else { "" } }{": "}<span class="mono">{ e.value.clone() }</span>
                        <ul class="explain-ext">{ for e.explanation.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul>
                    </li>
                }) }
            </ul>
            <details><summary>{"Signature value"}</summary><p class="mono signature">{ view.signature.clone() }</p></details>
            <details><summary>{"PEM"}</summary><pre class="pem" tabindex="0">{ cert.to_pem() }</pre></details>
        </div>
    }
}

fn csr_view(s: &AppState, party: Party) -> Html {
    let Some(csr) = s.workshop.csr(party) else {
        return html! {};
    };
    let Ok(view) = inspect::csr(csr) else {
        return html! {};
    };
    html! {
        <div class="cert">
            <h3>{"Client B's certificate signing request"}</h3>
            <dl>
                <dt>{"Version"}</dt><dd>{ format!("{} (0x0)", view.version) }</dd>
                <dt>{"Subject"}</dt><dd>{ view.subject.clone() }</dd>
                <dt>{"Public key"}</dt><dd>{ view.public_key.clone() }</dd>
                <dt>{"Signature"}</dt><dd>{ format!("{} (self-signature verified)", view.signature_algorithm) }</dd>
            </dl>
            if view.requested_extensions.is_empty() {
                <p class="help">{"No requested extensions: Client C's profile decides them all."}</p>
            } else {
                <h4>{"Requested extensions (Client C ignores them: its profile decides)"}</h4>
                <ul class="extensions">
                    { for view.requested_extensions.iter().map(|e| html! { <li>{ format!("{}{}: {}", e.name, if e.critical { " (critical)" } else { "" }, e.value) }<ul class="explain-ext">{ for e.explanation.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul></li> }) }
                </ul>
            }
            <details><summary>{"Signature value"}</summary><p class="mono signature">{ view.signature.clone() }</p></details>
            <details><summary>{"PEM"}</summary><pre class="pem" tabindex="0">{ csr.to_pem() }</pre></details>
        </div>
    }
}

/// Step 6's chain file decoded in its order: each certificate, its issuer, and whether the next
/// one issued it.
fn chain_file_view(s: &AppState) -> Html {
    let Some(pem) = s.workshop.public_pem(ArtifactKind::Chain) else {
        return html! {};
    };
    let view = match crate::pki::Certificate::all_from_pem(&pem)
        .and_then(|certs| inspect::chain_file(&certs))
    {
        Ok(view) => view,
        Err(e) => return html! { <p class="error">{ e.to_string() }</p> },
    };
    html! {
        <div class="chain-file">
            <h3>{"The chain file, in order"}</h3>
            <p class="help">{ match (view.entries.len(), view.in_order) {
                (1, _) => "client_c_ca_chain.crt holds one certificate.".to_string(),
                (n, true) => format!("client_c_ca_chain.crt holds {n} certificates, each issued by the one after it."),
                (n, false) => format!("client_c_ca_chain.crt holds {n} certificates, NOT each issued by the one after it."),
            } }</p>
            <ol class="chain-file">
                { for view.entries.iter().map(|e| html! {
                    <li>
                        <dl class="fields">
                            <dt>{"Subject"}</dt><dd>{ e.subject.clone() }</dd>
                            <dt>{"Issuer"}</dt><dd>{ e.issuer.clone() }{ if e.self_signed { " (self-issued: its issuer is its own subject)" } else { "" } }</dd>
                        </dl>
                        <p class={classes!("chain-link", match e.issued_by_next() { Some(false) => "bad", _ => "ok" })}>{ format!("{} {}", match e.issued_by_next() { Some(false) => "✗", _ => "✓" }, e.note) }</p>
                    </li>
                }) }
            </ol>
            <p class="help">{ inspect::CHAIN_ORDER_NOTE }</p>
        </div>
    }
}

fn download_item(s: &AppState, spec: &ArtifactSpec) -> Html {
    let name = spec.file_name();
    let contents = match spec.kind {
        ArtifactKind::Key(party) => match s.key_file(spec.path, party) {
            Some(file) => Some(file.pem.clone()),
            None => {
                let why = if s.protection().check().is_err() {
                    "needs a valid key passphrase"
                } else {
                    "encrypting…"
                };
                return html! { <li><span class="path">{ spec.path }</span>{" "}<span class="muted">{ format!("{name}: {why}") }</span></li> };
            }
        },
        kind => s.workshop.public_pem(kind),
    };
    let Some(contents) = contents else {
        return html! {};
    };
    let href = browser::data_url("application/x-pem-file", contents.as_bytes());
    // DER for tools that want binary (Windows, Java keystores); a chain has no single DER form.
    let der = match spec.kind {
        ArtifactKind::Certificate(party) => s
            .workshop
            .certificate(party)
            .map(|c| (c.der().to_vec(), "application/pkix-cert")),
        ArtifactKind::Csr(party) => s
            .workshop
            .csr(party)
            .map(|c| (c.der().to_vec(), "application/pkcs10")),
        _ => None,
    };
    let der_link = der.map(|(bytes, mime)| {
        let der_name = match spec.kind {
            ArtifactKind::Csr(_) => format!("{name}.der"),
            _ => format!("{}.der", name.trim_end_matches(".crt")),
        };
        html! { <a class="download-der" href={browser::data_url(mime, &bytes)} download={der_name.clone()}>{ format!("DER: {der_name}") }</a> }
    });
    html! {
        <li><span class="path">{ spec.path }</span>{" "}<a class="download" href={href} download={name}>{ format!("Download {name}") }</a>{ for der_link }</li>
    }
}

/// The seed's two tabs for each step: the live result, and the openssl commands.
fn tabs(s: &AppState, dispatch: &Dispatch, step: StepId) -> Html {
    let showing_commands = s.commands_tab.contains(&step);
    let tab = |commands: bool, label: &'static str| {
        let d = dispatch.clone();
        let onclick = Callback::from(move |_| d.dispatch(Action::ShowCommands(step, commands)));
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

fn commands_view(s: &AppState, dispatch: &Dispatch, step: StepId) -> Html {
    let mut blocks = commands::for_step(step, &s.workshop.settings);
    if step == StepId::CRoot {
        blocks.insert(0, commands::preamble());
    }
    html! {
        <div class="commands">
            <p class="help">{"Run in bash from an empty folder, in order; each block starts and ends in that folder. They use your current settings."}</p>
            { for blocks.iter().enumerate().map(|(i, block)| command_block(s, dispatch, &format!("{}-cmd-{i}", step.id()), block)) }
        </div>
    }
}

fn command_block(
    s: &AppState,
    dispatch: &Dispatch,
    id: &str,
    block: &commands::CommandBlock,
) -> Html {
    let onclick = {
        let (d, id, script) = (dispatch.clone(), id.to_string(), block.script.clone());
        Callback::from(move |_| {
            let (d, id, script) = (d.clone(), id.clone(), script.clone());
            yew::platform::spawn_local(async move {
                if browser::copy_text(&script).await.is_ok() {
                    d.dispatch(Action::Copied(id));
                }
            });
        })
    };
    let copied = s.copied.as_deref() == Some(id);
    html! {
        <div class="command">
            <div class="command-head">
                <h4>{ block.title.clone() }</h4>
                <button type="button" class="copy" {onclick} aria-label={format!("Copy: {}", block.title)}>{ if copied { "Copied" } else { "Copy" } }</button>
            </div>
            if let Some(note) = &block.note {
                <p class="help command-note">{ note.clone() }</p>
            }
            <pre class="mono" tabindex="0" id={id.to_string()}>{ block.script.clone() }</pre>
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

/// "Check a certificate": paste or upload one, see it decoded and tried against both CAs.
fn check_view(s: &AppState, dispatch: &Dispatch) -> Html {
    let id = state::CHECK_CERT_INPUT;
    let d = dispatch.clone();
    let onclick = Callback::from(move |_| d.dispatch(Action::CheckCertificate { now: unix_now() }));
    let result = s.check.as_ref().map(|check| {
        let view = &check.view;
        // Each role judged twice: by webpki, as rustls checks a peer, and by `openssl verify`,
        // as nginx and curl do. Where only one of them accepts it, a note says why.
        let verdicts = |role: &str, v: &crate::pki::verdicts::Verdicts| {
            let purpose = crate::pki::openssl_verdict::purpose(v.usage);
            let webpki = match &v.webpki {
                Ok(chain) => html! {
                    <p>{ format!("webpki (rustls): ✓ verifies ({} certificates up to the root)", chain.len()) }</p>
                },
                Err(e) => html! {
                    <p>
                        { format!("webpki (rustls): ✗ {e}") }
                        <small class="rustls-name">{"webpki: "}<code>{ e.webpki_name.clone() }</code></small>
                    </p>
                },
            };
            let openssl = match (v.openssl.first(), &v.openssl.unjudged) {
                (None, Some(why)) => html! {
                    <p>{ format!("openssl verify -purpose {purpose}: ") }<span class="muted">{ format!("this page cannot tell: {why}") }</span></p>
                },
                _ => html! {
                    <p>{ format!("openssl verify -purpose {purpose}: ") }<code class="mono">{ v.openssl.line() }</code></p>
                },
            };
            html! {
                <div class="check-purpose">
                    <h5>{ format!("For {role} authentication") }</h5>
                    { webpki }
                    { openssl }
                    if let Some(note) = &v.disagreement {
                        <p class="check bad disagree" role="note"><strong>{"⚠ They disagree. "}</strong>{ note.clone() }</p>
                    }
                </div>
            }
        };
        html! {
            <div class="cert checked">
                <h3>{ view.subject.clone() }</h3>
                <dl>
                    <dt>{"Issuer"}</dt><dd>{ view.issuer.clone() }</dd>
                    <dt>{"Validity"}</dt><dd>{ format!("{} → {}", view.not_before, view.not_after) }</dd>
                    <dt>{"Public key"}</dt><dd>{ view.public_key.clone() }</dd>
                </dl>
                <ul class="extensions">
                    { for view.extensions.iter().map(|e| html! { <li>{ format!("{}{}: {}", e.name, if e.critical { " (critical)" } else { "" }, e.value) }</li> }) }
                </ul>
                { for check.chains.iter().map(|c| html! {
                    <div class="check-ca">
                        <h4>{ format!("Against {}", c.ca) }</h4>
                        { verdicts("client", &c.client_auth) }
                        { verdicts("server", &c.server_auth) }
                    </div>
                }) }
            </div>
        }
    });
    html! {
        <details class="import" id="check-certificate">
            <summary>{"Check a certificate made elsewhere"}</summary>
            <Field {id} label="Certificate (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::CheckText}
                value={s.check_text.clone()} error={error_of(s, id)} upload="a certificate file" />
            <button type="button" {onclick}>{"Decode and verify"}</button>
            { for result }
        </details>
    }
}

/// The seed's verification section, live.
fn verification_view(s: &AppState) -> Html {
    let Some(report) = s.workshop.verification(unix_now()) else {
        return html! { <p class="muted">{"Run steps 5 to 7 to see these checks."}</p> };
    };
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    let shown = commands::verification_checks(&s.workshop.settings);
    let mirrors = |commands: &[String]| {
        html! {
            <div class="mirrors"><span class="muted">{"openssl: "}</span>{ for commands.iter().map(|c| html! { <code class="mono">{ c.clone() }</code> }) }</div>
        }
    };
    let chain = |title: &str, result: &Result<Vec<String>, String>, command: &String| match result {
        Ok(subjects) => html! {
            <div class="check ok">
                <h3>{ format!("✓ {title}: verified") }</h3>
                <ol start="0" class="chain">{ for subjects.iter().map(|sub| html! { <li class="mono">{ sub.clone() }</li> }) }</ol>
                { mirrors(std::slice::from_ref(command)) }
            </div>
        },
        Err(e) => html! {
            <div class="check bad"><h3>{ format!("✗ {title}") }</h3><p>{ e.clone() }</p>{ mirrors(std::slice::from_ref(command)) }</div>
        },
    };
    let labels = [
        "client_b.key",
        "client_b_to_client_c.csr",
        "client_b_signed_by_client_c.crt",
    ];
    let matches = report.keys_match();
    html! {
        <div class="result verification-result">
            <div class={classes!("check", if matches { "ok" } else { "bad" })}>
                <h3>{ format!("{} Key, CSR and certificate hold the same public key", mark(matches)) }</h3>
                <table class="hashes">
                    <thead><tr><th scope="col">{"File"}</th><th scope="col">{"SHA-256 of the public key"}</th></tr></thead>
                    <tbody>{ for labels.iter().zip(report.key_hashes.iter()).map(|(l, h)| html! { <tr><td class="mono">{ *l }</td><td class="mono">{ h.clone() }</td></tr> }) }</tbody>
                </table>
                if let Some(moduli) = &report.modulus_hashes {
                    <table class="hashes">
                        <thead><tr><th scope="col">{"File"}</th><th scope="col">{"SHA-256 of the RSA modulus line (the seed's check)"}</th></tr></thead>
                        <tbody>{ for labels.iter().zip(moduli.iter()).map(|(l, h)| html! { <tr><td class="mono">{ *l }</td><td class="mono">{ h.clone() }</td></tr> }) }</tbody>
                    </table>
                }
                { mirrors(&shown.key_hashes) }
                if let Some(moduli) = &shown.modulus_hashes {
                    { mirrors(moduli) }
                }
            </div>
            { chain("Client B's certificate chains to Client C's root (clientAuth)", &report.client_chain, &shown.client_chain) }
            { chain("Client C's server certificate chains to Client C's root (serverAuth)", &report.server_chain, &shown.server_chain) }
            <div class={classes!("check", if report.valid_now { "ok" } else { "bad" })}>
                <h3>{ format!("{} Client B's certificate is valid now", mark(report.valid_now)) }</h3>
                <p class="mono">{ format!("notBefore={}", report.not_before) }<br/>{ format!("notAfter={}", report.not_after) }</p>
                { mirrors(std::slice::from_ref(&shown.dates)) }
            </div>
        </div>
    }
}

fn handshake_view(runs: &Runs) -> Html {
    if runs.is_empty() {
        return html! {};
    }
    html! {
        <div class="result handshakes">
            { for runs.iter().map(|(scenario, outcome)| scenario_view(*scenario, outcome)) }
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
                <super::lab_view::OpenDiagram outcome={outcome.clone()} title={names.title} id="step8-overview-diagram-title" />
            }
            <super::lab_view::CollapsedDetail outcome={outcome.clone()} title={names.title} file_stem={format!("step8-{}", names.stem)} />
            <details>
                <summary>{ format!("Record trace ({} records)", outcome.records.len()) }</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Record trace"><table class="trace">
                    <thead><tr><th scope="col">{"#"}</th><th scope="col">{"Direction"}</th><th scope="col">{"Record"}</th><th scope="col">{"Bytes"}</th><th scope="col">{"Contents"}</th></tr></thead>
                    <tbody>
                        { for outcome.records.iter().enumerate().map(|(i, r)| html! {
                            <tr>
                                <td>{ i + 1 }</td>
                                <td>{ r.direction.arrow() }</td>
                                <td>{ r.content_type_name() }</td>
                                <td>{ r.length }</td>
                                <td>{ r.contents.join(", ") }</td>
                            </tr>
                        }) }
                    </tbody>
                </table></div>
            </details>
        </div>
    }
}
