//! The context every component acts through: the dispatcher and the cancel cell. It is made
//! once, so no component re-renders because of it.

use crate::app::run::CancelledRun;
use crate::app::state::{Action, AppState};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone)]
pub struct Page {
    /// Read through a fresh clone each time: a clone sees the state as it is now, and keeps
    /// no history of the states it saw.
    state: UseReducerHandle<AppState>,
    cancelled: Rc<CancelledRun>,
}

impl PartialEq for Page {
    fn eq(&self, other: &Self) -> bool {
        self.state.dispatcher() == other.state.dispatcher()
            && Rc::ptr_eq(&self.cancelled, &other.cancelled)
    }
}

impl Page {
    pub fn new(state: UseReducerHandle<AppState>, cancelled: Rc<CancelledRun>) -> Self {
        Page { state, cancelled }
    }

    pub fn dispatch(&self, action: Action) {
        self.state.dispatch(action)
    }

    /// A callback that turns its event into an action.
    pub fn callback<E: 'static>(&self, make: impl Fn(E) -> Action + 'static) -> Callback<E> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |e| dispatch.dispatch(make(e)))
    }
}

/// The page's context, for a component inside the app.
#[hook]
pub fn use_page() -> Page {
    use_context::<Page>().expect("components render inside the app's context")
}
