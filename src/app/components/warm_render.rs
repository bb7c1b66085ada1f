//! A throwaway "Run all steps", drawn into an element that is never attached. The browser
//! compiles each wasm function the first time it runs, so without this the user's first run
//! would pay for compiling the page's signing, state and rendering code. It runs while the page
//! is idle, through the very code a click runs (step 8 in the core worker, which warms itself the
//! same way), and nothing of it is shown or kept.

use super::controls::{Controls, ControlsProps};
use super::navigator::{nav_steps, RunSummaryProps, StepNav};
use super::page::Page;
use super::shared::{Runs, Shared};
use super::shown::Shown;
use super::step::{Step, StepProps};
use super::verification::Verification;
use crate::app::run::RunControl;
use crate::app::state::AppState;
use crate::workshop::StepId;
use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct WarmRunProps {
    /// Called once the run has ended.
    pub done: Rc<RefCell<Option<oneshot::Sender<()>>>>,
}

impl PartialEq for WarmRunProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.done, &other.done)
    }
}

#[function_component(WarmRun)]
pub fn warm_run(props: &WarmRunProps) -> Html {
    let state = use_reducer(AppState::default);
    let control = use_memo((), |_| RunControl::default());
    {
        let page = Page::new(state.clone(), control.clone());
        use_effect_with((), move |_| page.run_all());
    }
    {
        let done = props.done.clone();
        let ended = state.busy.is_none() && !state.workshop.handshakes().is_empty();
        use_effect_with(ended, move |ended| {
            if *ended {
                if let Some(sender) = done.borrow_mut().take() {
                    let _ = sender.send(());
                }
            }
        });
    }
    let s = &*state;
    let shown = Shown::of(s);
    let statuses = s.workshop.statuses();
    let runs: Runs = Shared(Rc::new(
        s.workshop
            .handshakes()
            .iter()
            .map(|(scenario, outcome)| (*scenario, Rc::new(outcome.clone())))
            .collect(),
    ));
    html! {
        <ContextProvider<Page> context={Page::new(state.clone(), control)}>
            <StepNav steps={nav_steps(s, &statuses)} />
            <Controls ..ControlsProps::of(s, &shown, RunSummaryProps::of(s, &statuses, &runs)) />
            { for StepId::ALL.iter().map(|step| html! { <Step key={step.id()} ..StepProps::of(s, &statuses, *step, &shown, &runs) /> }) }
            <Verification products={shown.products.clone()} />
        </ContextProvider<Page>>
    }
}

/// Runs the throwaway workshop off-screen and removes it once it has ended (or after a minute,
/// should the core worker never answer).
pub async fn warm_run() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("div").ok())
    else {
        return;
    };
    let _warming_up = crate::app::turns::warming_up();
    let (sender, ended) = oneshot::channel();
    let props = WarmRunProps {
        done: Rc::new(RefCell::new(Some(sender))),
    };
    let handle = yew::Renderer::<WarmRun>::with_root_and_props(root, props).render();
    let timeout = yew::platform::time::sleep(std::time::Duration::from_secs(60));
    futures_util::future::select(ended, Box::pin(timeout)).await;
    handle.destroy();
    crate::app::browser::mark_root("data-warm");
}
