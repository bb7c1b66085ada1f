//! Parts of the page drawn one per task. A run changes every step's result at once; drawn in
//! one task, they held the page for tens of milliseconds, and ten tabs at once for hundreds.
//! Each part wrapped in [`Later`] keeps showing what it showed until its turn, then draws its
//! new contents in a task of its own, in the order the parts asked (the first, first).

use crate::app::browser::next_task;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use yew::prelude::*;

thread_local! {
    static TURNS: RefCell<VecDeque<Box<dyn FnOnce()>>> = RefCell::new(VecDeque::new());
    static TAKING_TURNS: Cell<bool> = const { Cell::new(false) };
}

/// Queues `draw` for a task of its own; the queue is worked through one draw a task.
fn take_turn(first: bool, draw: Box<dyn FnOnce()>) {
    TURNS.with(|turns| {
        let mut turns = turns.borrow_mut();
        if first {
            turns.push_front(draw);
        } else {
            turns.push_back(draw);
        }
    });
    if TAKING_TURNS.with(|taking| taking.replace(true)) {
        return;
    }
    yew::platform::spawn_local(async {
        loop {
            next_task().await;
            // Taken out before it runs: a draw may queue another.
            let draw = TURNS.with(|turns| turns.borrow_mut().pop_front());
            match draw {
                Some(draw) => draw(),
                None => break,
            }
        }
        TAKING_TURNS.with(|taking| taking.set(false));
    });
}

#[derive(Properties, PartialEq)]
pub struct LaterProps {
    pub children: Html,
    /// What the children were made from: the workshop's generation. A new one (a run's
    /// results) is drawn at the part's turn; a change at the same one (a click inside the part)
    /// is drawn at once.
    pub version: u64,
    /// Drawn before the parts already waiting: what a user waits for.
    #[prop_or_default]
    pub first: bool,
}

/// What a part shows: its children and their version.
struct Drawn {
    version: u64,
    children: Html,
    waiting: bool,
}

/// Its children: drawn at once when first shown or when they change within a version, and in
/// a task of their own when a new version comes.
#[function_component(Later)]
pub fn later(props: &LaterProps) -> Html {
    let drawn = use_mut_ref(|| Drawn {
        version: props.version,
        children: props.children.clone(),
        waiting: false,
    });
    let latest = use_mut_ref(|| (props.version, props.children.clone()));
    let redraw = use_force_update();
    *latest.borrow_mut() = (props.version, props.children.clone());
    let mut now = drawn.borrow_mut();
    if now.version == props.version {
        now.children = props.children.clone();
    } else if !now.waiting {
        now.waiting = true;
        let drawn = drawn.clone();
        take_turn(
            props.first,
            Box::new(move || {
                let (version, children) = latest.borrow().clone();
                *drawn.borrow_mut() = Drawn {
                    version,
                    children,
                    waiting: false,
                };
                redraw.force_update();
            }),
        );
    }
    now.children.clone()
}
