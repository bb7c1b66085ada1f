//! The workshop's settings and what acts on all of it: the key passphrase, plain keys,
//! intermediates, the TLS version, key sizes, Run all and Cancel, the archive, the run's
//! progress, and the saved workshop (restore, discard, reset).

use super::elapsed::Elapsed;
use super::field::{error_of, Field, FieldAction, FieldKind};
use super::navigator::{RunSummary, RunSummaryProps};
use super::page::use_page;
use super::results::ZipLink;
use super::shown::Shown;
use crate::app::browser;
use crate::app::state::{self, Action, AppState};
use crate::text::whole;
use crate::tls::TlsVersion;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct ControlsProps {
    pub passphrase: AttrValue,
    pub passphrase_error: Option<AttrValue>,
    pub plain_keys: bool,
    pub use_intermediates: bool,
    pub tls_version: TlsVersion,
    pub busy: bool,
    /// For the archive.
    pub shown: Shown,
    pub progress: ProgressProps,
    pub summary: RunSummaryProps,
    pub storage: StorageProps,
}

impl ControlsProps {
    pub fn of(s: &AppState, shown: &Shown, summary: RunSummaryProps) -> Self {
        let settings = &s.workshop.settings;
        ControlsProps {
            passphrase: s.passphrase.clone().into(),
            passphrase_error: error_of(s, state::PASSPHRASE_INPUT),
            plain_keys: s.plain_keys,
            use_intermediates: settings.use_intermediates,
            tls_version: settings.tls_version,
            busy: s.busy.is_some(),
            shown: shown.clone(),
            progress: ProgressProps::of(s),
            summary,
            storage: StorageProps {
                pending: s.pending_restore.is_some(),
                restoring: s.restoring,
                note: s.saved_note.clone().into(),
                busy: s.busy.is_some(),
            },
        }
    }
}

fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let page = use_page();
    let busy = props.busy;
    let on_plain = page.callback(|e: Event| Action::SetPlainKeys(checked(&e)));
    let on_inter = page.callback(|e: Event| Action::SetIntermediates(checked(&e)));
    let on_tls = page.callback(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetTlsVersion(if value == "1.2" {
            TlsVersion::Tls12
        } else {
            TlsVersion::Tls13
        })
    });
    let on_seed = page.callback(|_| Action::UseSeedKeySizes);
    let on_fast = page.callback(|_| Action::UseFastKeys);
    let on_run_all = {
        let page = page.clone();
        Callback::from(move |_| page.run_all())
    };
    let on_cancel = Callback::from(move |_| page.cancel());
    let pass_help = format!(
        "Private keys download as PKCS#8 encrypted with AES-256-CBC, key from PBKDF2-HMAC-SHA256 with {} rounds. openssl asks for this passphrase (-passin).",
        crate::pki::keys::PBKDF2_ITERATIONS
    );
    html! {
        <section class="controls" aria-label="Workshop settings">
            <Field id={state::PASSPHRASE_INPUT} label="Key passphrase" kind={FieldKind::Password { autocomplete: "new-password" }}
                action={FieldAction::Passphrase} value={props.passphrase.clone()} error={props.passphrase_error.clone()} help={pass_help} />
            <div class="field checkbox">
                <input id="plain-keys" type="checkbox" checked={props.plain_keys} onchange={on_plain} />
                <label for="plain-keys">{"Download keys unencrypted (for tools that cannot prompt for a passphrase)"}</label>
            </div>
            <div class="field checkbox">
                <input id="use-intermediates" type="checkbox" checked={props.use_intermediates} onchange={on_inter} disabled={busy} />
                <label for="use-intermediates">{"Use intermediate CAs (steps 3 and 4; without them C signs with its root)"}</label>
            </div>
            <div class="field">
                <label for="tls-version">{"TLS version for step 8"}</label>
                <select id="tls-version" onchange={on_tls} disabled={busy}>
                    <option value="1.3" selected={props.tls_version == TlsVersion::Tls13}>{"TLS 1.3"}</option>
                    <option value="1.2" selected={props.tls_version == TlsVersion::Tls12}>{"TLS 1.2"}</option>
                </select>
            </div>
            <div class="buttons">
                <button type="button" onclick={on_fast} disabled={busy}>{"Fast keys (ECDSA P-256 everywhere)"}</button>
                <button type="button" onclick={on_seed} disabled={busy}>{"The seed's keys (RSA 4096 CAs, RSA 2048 leaves)"}</button>
            </div>
            <div class="buttons">
                <button type="button" class="primary" id="run-all" onclick={on_run_all} disabled={busy}>{"Run all steps"}</button>
                // Hidden rather than removed: the browser's autofill looks the whole page over
                // each time a button or field comes or goes.
                <button type="button" id="cancel-run" onclick={on_cancel} hidden={!busy}>{"Cancel"}</button>
                <ZipLink shown={props.shown.clone()} />
            </div>
            <Progress ..props.progress.clone() />
            <RunSummary ..props.summary.clone() />
            <Storage ..props.storage.clone() />
        </section>
    }
}

/// A run under way, as its progress line shows it.
#[derive(Clone, PartialEq)]
pub struct Running {
    label: AttrValue,
    done: usize,
    total: usize,
    started_ms: f64,
    waiting_for_turn: bool,
}

#[derive(Properties, Clone, PartialEq)]
pub struct ProgressProps {
    running: Option<Running>,
    /// A note about the last run (cancelled, failed).
    notice: Option<AttrValue>,
    last_run_ms: Option<f64>,
    /// Which keys the last run made where.
    last_run_keys: AttrValue,
}

impl ProgressProps {
    fn of(s: &AppState) -> Self {
        ProgressProps {
            running: s.busy.as_ref().map(|busy| Running {
                label: busy.label.clone().into(),
                done: busy.done,
                total: busy.total,
                started_ms: busy.started_ms,
                waiting_for_turn: busy.waiting_for_turn,
            }),
            notice: s.notice.clone().map(AttrValue::from),
            last_run_ms: s.last_run_ms,
            last_run_keys: s.last_run_keys.clone().into(),
        }
    }
}

#[function_component(Progress)]
fn progress(props: &ProgressProps) -> Html {
    let text = match (&props.running, &props.notice, props.last_run_ms) {
        (Some(run), _, _) => {
            // A waiting run has done nothing yet, and its clock's every tick would draw the
            // page again in each waiting tab, taking the cores from the tab whose run goes.
            let label = if run.waiting_for_turn {
                html! { run.label.clone() }
            } else {
                html! {
                    <>
                        { format!("{} {} of {} steps done, ", run.label, run.done, run.total) }
                        <Elapsed since_ms={run.started_ms} />
                    </>
                }
            };
            return html! {
                <div class="progress" role="status" aria-live="polite">
                    <progress max={run.total.to_string()} value={run.done.to_string()}></progress>
                    <span class="progress-label">{ label }</span>
                </div>
            };
        }
        (None, Some(notice), _) => notice.to_string(),
        (None, None, Some(ms)) if props.last_run_keys.is_empty() => {
            format!("Done in {} ms.", whole(ms))
        }
        (None, None, Some(ms)) => {
            format!("Done in {} ms. Keys: {}.", whole(ms), props.last_run_keys)
        }
        _ => String::new(),
    };
    html! { <div class="progress" role="status" aria-live="polite"><span>{ text }</span></div> }
}

#[derive(Properties, Clone, PartialEq)]
pub struct StorageProps {
    /// A saved workshop waits for its keys' passphrase.
    pending: bool,
    /// Its keys are being opened.
    restoring: bool,
    /// Whether the last save reached the browser's storage.
    note: AttrValue,
    busy: bool,
}

/// The workshop saved in this browser: restoring it, discarding it, or starting over.
#[function_component(Storage)]
fn storage(props: &StorageProps) -> Html {
    let page = use_page();
    let on_restore = {
        let page = page.clone();
        Callback::from(move |_| page.restore())
    };
    let on_discard = {
        let page = page.clone();
        Callback::from(move |_| {
            if browser::confirm("Delete the saved workshop from this browser?") {
                browser::forget_saved();
                page.dispatch(Action::DiscardSaved);
            }
        })
    };
    let on_reset = Callback::from(move |_| {
        if browser::confirm("Reset the workshop? Every key, CSR and certificate will be deleted from this page and this browser.") {
            browser::forget_saved();
            page.dispatch(Action::Reset);
        }
    });
    html! {
        <div class="storage">
            if props.pending {
                <div class="restore" role="region" aria-label="Saved workshop">
                    <p>{"A workshop saved earlier is in this browser. Its private keys are encrypted: type their key passphrase above, then restore it."}</p>
                    <div class="buttons">
                        <button type="button" id="restore-saved" onclick={on_restore} disabled={props.restoring}>{"Restore saved workshop"}</button>
                        if props.restoring { <span role="status">{"Opening the saved keys…"}</span> }
                        <button type="button" onclick={on_discard}>{"Discard it"}</button>
                    </div>
                </div>
            }
            <p class="help" id="saved-note">{ props.note.clone() }</p>
            <div class="buttons">
                <button type="button" id="reset" onclick={on_reset} disabled={props.busy}>{"Reset workshop"}</button>
            </div>
        </div>
    }
}
