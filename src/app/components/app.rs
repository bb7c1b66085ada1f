//! The app: its state, the background work that follows it (key files, PKCS#12 files,
//! saving), and the page's sections, each a component over the props it needs.

use super::controls::{Controls, ControlsProps};
use super::diagnose::Diagnose;
use super::elsewhere::{Elsewhere, ElsewhereProps};
use super::lab::{Lab, LabProps};
use super::later::Later;
use super::navigator::{nav_steps, RunSummaryProps, StepNav};
use super::page::Page;
use super::revocation::{Revocation, RevocationProps};
use super::shared::Runs;
use super::shared::Shared;
use super::shown::Shown;
use super::step::{Step, StepProps};
use super::verification::{CheckCertificate, CheckProps, Verification};
use crate::app::browser::{self, Browser};
use crate::app::run::{core_reply, RunControl};
use crate::app::state::{self, Action, AppState};
use crate::app::turns;
use crate::workshop::export::KeyProtection;
use crate::workshop::protocol::{Reply, Work};
use crate::workshop::{ArtifactKind, Party, StepId};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

type Dispatch = UseReducerDispatcher<AppState>;

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

/// Makes Client B's PKCS#12 files in the core worker once typing pauses: their key
/// derivations stay off the page's thread, and their writer out of the page's module.
fn export_pkcs12(state: &AppState, dispatch: Dispatch, epoch: Rc<Cell<u64>>) {
    let mine = epoch.get() + 1;
    epoch.set(mine);
    let Ok(export) = state.p12_export() else {
        return;
    };
    if state.workshop.certificate(Party::BClient).is_none()
        || crate::pki::keys::check_passphrase(&export.password).is_err()
    {
        return;
    }
    let workshop = state.workshop.clone();
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_millis(300)).await;
        for kind in state::P12Kind::ALL {
            if epoch.get() != mine {
                return;
            }
            let Some(job) = kind.job(&workshop, &export) else {
                return;
            };
            let made = core_reply(&Browser, Work::Pkcs12(job), |reply| match reply {
                Reply::Pkcs12(bytes) => Some(bytes),
                _ => None,
            });
            dispatch.dispatch(match made.await {
                Ok(bytes) => Action::P12Ready(state::P12File {
                    kind,
                    generation: workshop.generation(),
                    export: export.clone(),
                    bytes: bytes.into_vec(),
                }),
                Err(e) => Action::P12Failed(e.to_string()),
            });
        }
    });
}

/// The key files' background task: its number, bumped by every new one so that an older one
/// stops between keys, and the passphrase choice the last one saw.
#[derive(Default)]
struct KeyExports {
    epoch: Cell<u64>,
    protection: RefCell<Option<KeyProtection>>,
}

/// Prepares key files in the background, one key at a time, once a run has ended: its
/// 100,000 PBKDF2 rounds would take cores from the run's own keys. A new passphrase waits for
/// typing to pause first.
fn export_keys(state: &AppState, dispatch: Dispatch, exports: Rc<KeyExports>) {
    let protection = state.protection();
    let typed = exports.protection.replace(Some(protection.clone())) != Some(protection.clone());
    let mine = exports.epoch.get() + 1;
    exports.epoch.set(mine);
    if protection.check().is_err() || state.busy.is_some() {
        return;
    }
    let pending = state.keys_to_export();
    if pending.is_empty() {
        return;
    }
    turns::spawn_follow_up(async move {
        if typed {
            yew::platform::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        for (path, key) in pending {
            if exports.epoch.get() != mine {
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
            // A task a key, over a message channel: a timer would be slowed to one a second in
            // a tab in the background, which holds the run's turn meanwhile.
            browser::next_task().await;
        }
    });
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::from_saved(browser::load_saved()));
    let key_exports = use_memo((), |_| Rc::new(KeyExports::default()));
    let control = use_memo((), |_| RunControl::default());
    let p12_epoch = use_memo((), |_| Rc::new(Cell::new(0u64)));
    {
        let deps = (state.workshop.generation(), state.p12_export().ok());
        let (handle, epoch) = (state.clone(), (*p12_epoch).clone());
        use_effect_with(deps, move |_| {
            export_pkcs12(&handle, handle.dispatcher(), epoch)
        });
    }
    {
        // The keys, not which of them are done: each key made would otherwise start the task
        // again, and its wait, for the keys after it.
        let deps = (
            state.exported_keys(),
            state.protection(),
            state.busy.is_some(),
        );
        let (handle, exports) = (state.clone(), (*key_exports).clone());
        use_effect_with(deps, move |_| {
            export_keys(&handle, handle.dispatcher(), exports)
        });
    }
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
        let handle = state.clone();
        use_effect_with(deps, move |_| {
            // In a task of its own: the render that changed the workshop is one already.
            turns::spawn_follow_up(async move {
                browser::next_task().await;
                save_workshop(&handle, &handle.dispatcher());
            });
        });
    }
    // Step 8's runs, shared once per shown generation, so what is drawn from their views (the
    // diagram, the messages) is drawn once and skipped on later renders.
    let runs: Runs = {
        let handle = state.clone();
        let runs = use_memo(state.shown_generation(), move |_| {
            handle
                .workshop
                .handshakes()
                .iter()
                .map(|(scenario, outcome)| (*scenario, Rc::new(outcome.clone())))
                .collect::<Vec<_>>()
        });
        Shared(runs)
    };
    {
        // The worker runs every handshake: start loading it now, so that it is ready by the
        // first click; and run step 8 for a workshop restored without its runs.
        let (handle, control) = (state.clone(), control.clone());
        use_effect_with((), move |_| {
            browser::warm_step_worker();
            if handle.step8_after_restore {
                Page::new(handle, control).run(vec![StepId::Handshake]);
            }
            // The page's own code, compiled now rather than on the first click.
            yew::platform::spawn_local(async {
                browser::yield_to_browser().await;
                super::warm_render::warm_run().await;
            });
        });
    }
    let s = &*state;
    let shown = Shown::of(s);
    let statuses = s.workshop.statuses();
    // A run's results are drawn part by part (`Later`), each in a task of its own.
    let version = s.shown_generation();
    html! {
        <ContextProvider<Page> context={Page::new(state.clone(), control)}>
        <header class="top">
            <h1>{"mTLS Lab"}</h1>
            <p class="tagline">{"The mutual TLS workshop in your browser: two organisations, their CAs, a signed client certificate and a real handshake. Nothing leaves this tab unless you download it."}</p>
            <p class="top-links"><a href="#diagnose">{"Diagnose your own files"}</a>{" · "}<a href="#lab">{"Handshake lab"}</a></p>
        </header>
        <StepNav steps={nav_steps(s, &statuses)} />
        <main>
            { concept() }
            <Controls ..ControlsProps::of(s, &shown, RunSummaryProps::of(s, &statuses, &runs)) />
            { for StepId::ALL.iter().map(|step| html! { <Step key={step.id()} ..StepProps::of(s, &statuses, *step, &shown, &runs) /> }) }
            <Later {version}><Revocation ..RevocationProps::of(s, &shown.products) /></Later>
            <Later {version}><Lab ..LabProps::of(s) /></Later>
            <section class="verification" id="verification" aria-labelledby="verification-title">
                <h2 id="verification-title">{"Verification"}</h2>
                <p class="why">{"The seed's closing checks, computed from the files above. The Commands tab of step 8 runs the same checks with openssl."}</p>
                <Later {version}><Verification products={shown.products.clone()} /></Later>
                <CheckCertificate ..CheckProps::of(s) />
            </section>
            <Later {version}><Elsewhere ..ElsewhereProps::of(s, &shown) /></Later>
            <Diagnose />
        </main>
        <footer>
            <p>{"Keys are made in this page (WebCrypto for RSA, Rust compiled to WebAssembly for the rest). The app makes no network request: nothing you make or paste leaves this browser unless you download it."}</p>
            <p>{ format!("What is stored: the workshop is saved in this browser's local storage (key \"mtls-lab.workshop\", this site and this browser profile only) each time it changes, as JSON with a format version. It holds the settings, every CSR and certificate as PEM, and every private key as it downloads: PKCS#8 encrypted under your key passphrase (AES-256-CBC, PBKDF2-HMAC-SHA256, {} rounds), or plain PKCS#8 if you chose plain keys. The passphrase itself is never stored. \"Reset workshop\" deletes it all.", crate::pki::keys::PBKDF2_ITERATIONS) }</p>
        </footer>
        </ContextProvider<Page>>
    }
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
