//! The context every component acts through: the dispatcher, the runs' controls, and the long
//! work a click starts. It is made once, so no component re-renders because of it.

use crate::app::browser::Browser;
use crate::app::run::{self, RunControl};
use crate::app::state::{Action, AppState};
use crate::workshop::lab::LabScenario;
use crate::workshop::StepId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone)]
pub struct Page {
    /// Read through a fresh clone each time: a clone sees the state as it is now, and keeps
    /// no history of the states it saw.
    state: UseReducerHandle<AppState>,
    control: Rc<RunControl>,
}

impl PartialEq for Page {
    fn eq(&self, other: &Self) -> bool {
        self.state.dispatcher() == other.state.dispatcher()
            && Rc::ptr_eq(&self.control, &other.control)
    }
}

impl Page {
    pub fn new(state: UseReducerHandle<AppState>, control: Rc<RunControl>) -> Self {
        Page { state, control }
    }

    pub fn dispatch(&self, action: Action) {
        self.state.dispatch(action)
    }

    /// A callback that turns its event into an action.
    pub fn callback<E: 'static>(&self, make: impl Fn(E) -> Action + 'static) -> Callback<E> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |e| dispatch.dispatch(make(e)))
    }

    /// The state now, for work that starts from it.
    fn now(&self) -> UseReducerHandle<AppState> {
        self.state.clone()
    }

    fn send(&self) -> impl Fn(Action) {
        let dispatch = self.state.dispatcher();
        move |action| dispatch.dispatch(action)
    }

    /// Starts `steps` in the background; `run::run_steps` says what happens.
    pub fn run(&self, steps: Vec<StepId>) {
        let (state, send, control) = (self.now(), self.send(), self.control.clone());
        yew::platform::spawn_local(async move {
            run::run_steps(&Browser, &send, &state, steps, &control).await
        });
    }

    /// Every step the settings include.
    pub fn run_all(&self) {
        let steps = {
            let state = self.now();
            StepId::ALL
                .into_iter()
                .filter(|step| state.workshop.settings.includes(*step))
                .collect()
        };
        self.run(steps)
    }

    /// Stops the run under way between its pieces of work, and puts the workshop back.
    pub fn cancel(&self) {
        let Some(run) = self.now().busy.as_ref().map(|b| b.run) else {
            return;
        };
        self.control.cancel(run);
        self.dispatch(Action::Cancel { run });
    }

    /// Restores the saved workshop in the background; `run::restore_saved` says how.
    pub fn restore(&self) {
        let (state, send) = (self.now(), self.send());
        yew::platform::spawn_local(
            async move { run::restore_saved(&Browser, &send, &state).await },
        );
    }

    /// Step 5 with Client B's own key, read by the core module.
    pub fn use_own_key(&self) {
        let (state, send) = (self.now(), self.send());
        yew::platform::spawn_local(async move { run::use_own_key(&Browser, &send, &state).await });
    }

    /// The pasted certificate, checked by the core module.
    pub fn check_certificate(&self) {
        let (state, send) = (self.now(), self.send());
        yew::platform::spawn_local(
            async move { run::check_certificate(&Browser, &send, &state).await },
        );
    }

    /// The pasted CRL, checked by the core module.
    pub fn check_crl(&self) {
        let (state, send) = (self.now(), self.send());
        yew::platform::spawn_local(async move { run::check_crl(&Browser, &send, &state).await });
    }

    /// Runs lab scenarios in the background; `run::run_lab` says how.
    pub fn run_lab(&self, scenarios: Vec<LabScenario>) {
        let (state, send) = (self.now(), self.send());
        yew::platform::spawn_local(async move {
            run::run_lab(&Browser, &send, &state, scenarios).await
        });
    }

    /// Revokes B or publishes C's CRLs, then runs step 8 again; `run::change_revocation`
    /// says how.
    pub fn change_revocation(&self, change: run::RevocationChange) {
        let (state, send, control) = (self.now(), self.send(), self.control.clone());
        yew::platform::spawn_local(async move {
            run::change_revocation(&Browser, &send, &state, change, &control).await
        });
    }
}

/// The page's context, for a component inside the app.
#[hook]
pub fn use_page() -> Page {
    use_context::<Page>().expect("components render inside the app's context")
}
