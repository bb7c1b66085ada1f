//! Parts of the page drawn one per task. A run changes every step's result at once; drawn in
//! one task, they held the page for tens of milliseconds, and ten tabs at once for hundreds.
//! Each part wrapped in [`Later`] keeps showing what it showed until its draw comes, then draws its
//! new contents in a task of its own, in the order the parts asked (the first, first).

use crate::app::browser::next_task;
use std::cell::{Cell, RefCell};
use yew::prelude::*;

thread_local! {
    /// Waiting draws, the next first: a handful at most, so a plain list.
    static DRAWS: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
    static DRAWING: Cell<bool> = const { Cell::new(false) };
}

/// Queues `draw` for a task of its own; the queue is worked through one draw a task, as a
/// follow-up of the run that changed the parts, whose turn lasts until they are drawn.
fn queue_draw(first: bool, draw: Box<dyn FnOnce()>) {
    DRAWS.with(|draws| {
        let mut draws = draws.borrow_mut();
        if first {
            draws.insert(0, draw);
        } else {
            draws.push(draw);
        }
    });
    if DRAWING.with(|drawing| drawing.replace(true)) {
        return;
    }
    crate::app::turns::spawn_follow_up(async {
        loop {
            next_task().await;
            // Taken out before it runs: a draw may queue another.
            let draw = DRAWS.with(|draws| {
                let mut draws = draws.borrow_mut();
                (!draws.is_empty()).then(|| draws.remove(0))
            });
            match draw {
                Some(draw) => draw(),
                None => break,
            }
        }
        DRAWING.with(|drawing| drawing.set(false));
    });
}

#[derive(Properties)]
pub struct LaterProps {
    pub children: Html,
    /// What the children were made from: the workshop's generation. A new one (a run's
    /// results) is drawn in a task of its own; a change at the same one (a click inside the part)
    /// is drawn at once.
    pub version: u64,
    /// Drawn before the parts already waiting: what a user waits for.
    #[prop_or_default]
    pub first: bool,
}

/// Never equal: the children are components, which compare their own props when drawn;
/// comparing them here too would do that work twice.
impl PartialEq for LaterProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
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
        queue_draw(
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
