//! Runs take turns across this browser's tabs, through the Web Locks API: one lock, held by the
//! run under way, queued for by the others in the order they asked. A turn lasts until the
//! work the run set off in the page (its follow-ups) has landed too.

use super::browser::next_task;
use super::run::{Turn, TurnStart};
use futures_channel::oneshot;
use futures_util::future::{select, Either};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The lock's name: tabs of one origin share it, and nothing else on the origin uses it.
const RUN_LOCK: &str = "mtls-lab-run";

thread_local! {
    /// Whether this page's run holds the turn.
    static HELD_HERE: Cell<bool> = const { Cell::new(false) };
    /// Whether the page's throwaway warm-up run is under way.
    static WARMING_UP: Cell<bool> = const { Cell::new(false) };
}

/// While it lives, runs take no turn and wait for no follow-up: the page's throwaway warm-up
/// run at load should neither wait for other tabs nor hold the user's first run behind it.
pub struct WarmingUp(());

pub fn warming_up() -> WarmingUp {
    WARMING_UP.with(|warming| warming.set(true));
    WarmingUp(())
}

impl Drop for WarmingUp {
    fn drop(&mut self) {
        WARMING_UP.with(|warming| warming.set(false));
    }
}

/// The run's turn, telling `known` first whether the run goes at once or waits for another
/// tab's run. Where the browser has no Web Locks (an insecure context, an old browser), the
/// run goes at once. The first request goes out now, before the returned future is polled.
pub fn take_turn(known: &dyn Fn(TurnStart)) -> impl Future<Output = Turn> + '_ {
    let locks = lock_manager().filter(|_| !WARMING_UP.with(Cell::get));
    // This page's last run may hold the turn while its files are made: the new run queues
    // after it without a word, as no other tab is the reason.
    let after_own = HELD_HERE.with(Cell::get);
    // Asked first without queueing, to know whether to say that the run waits.
    let first = locks.as_ref().map(|locks| ask(locks, !after_own));
    async move {
        let (Some(locks), Some(first)) = (locks, first) else {
            known(TurnStart::Now);
            return Turn::alone();
        };
        let queued = if after_own {
            known(TurnStart::Now);
            first
        } else {
            match first.granted().await {
                Granted::Yes(turn) => {
                    known(TurnStart::Now);
                    return turn;
                }
                Granted::Unable => {
                    known(TurnStart::Now);
                    return Turn::alone();
                }
                Granted::Taken => {}
            }
            known(TurnStart::AfterAnotherTab);
            ask(&locks, false)
        };
        match queued.granted().await {
            Granted::Yes(turn) => turn,
            Granted::Taken | Granted::Unable => Turn::alone(),
        }
    }
}

enum Granted {
    Yes(Turn),
    /// Another tab holds it (asked without queueing).
    Taken,
    /// The browser refused the request itself.
    Unable,
}

fn lock_manager() -> Option<Object> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"locks".into())
        .ok()
        .and_then(|locks| locks.dyn_into::<Object>().ok())
}

/// A request for the lock, sent: its callback's answer, and the request's own promise.
struct Asked(Option<(oneshot::Receiver<Option<Function>>, JsFuture)>);

/// Sends `locks.request(RUN_LOCK, { ifAvailable }, callback)`. The callback holds the lock
/// until the promise it returns settles: that promise's resolve function is the turn's release.
fn ask(locks: &Object, if_available: bool) -> Asked {
    let (sender, receiver) = oneshot::channel::<Option<Function>>();
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if lock.is_null() {
            let _ = sender.send(None);
            return JsValue::UNDEFINED;
        }
        let mut release = None;
        let held = Promise::new(&mut |resolve, _reject| release = Some(resolve));
        if let Err(Some(release)) = sender.send(release) {
            // Nobody waits for this turn any more: pass it on at once.
            let _ = release.call0(&JsValue::NULL);
        }
        held.into()
    });
    let asked = options(if_available).ok().and_then(|options| {
        Reflect::get(locks, &"request".into())
            .ok()
            .and_then(|request| request.dyn_into::<Function>().ok())
            .and_then(|request| {
                request
                    .call3(locks, &RUN_LOCK.into(), &options, &callback)
                    .ok()
            })
            .and_then(|promise| promise.dyn_into::<Promise>().ok())
    });
    // The request's own promise settles once the turn ends, or at once where the browser
    // refuses: then no callback comes. Awaited or dropped, its refusal counts as handled.
    Asked(asked.map(|asked| (receiver, JsFuture::from(asked))))
}

impl Asked {
    async fn granted(self) -> Granted {
        let Some((receiver, settled)) = self.0 else {
            return Granted::Unable;
        };
        match select(receiver, settled).await {
            Either::Left((Ok(Some(release)), _)) => {
                HELD_HERE.with(|held| held.set(true));
                Granted::Yes(Turn::passed_on_by(move || {
                    HELD_HERE.with(|held| held.set(false));
                    let _ = release.call0(&JsValue::NULL);
                }))
            }
            Either::Left((Ok(None), _)) => Granted::Taken,
            Either::Left((Err(_), _)) | Either::Right(_) => Granted::Unable,
        }
    }
}

fn options(if_available: bool) -> Result<Object, JsValue> {
    let options = Object::new();
    Reflect::set(&options, &"ifAvailable".into(), &if_available.into())?;
    Ok(options)
}

thread_local! {
    /// Follow-ups under way: a run's parts waiting to be drawn, its key files, its archive.
    static FOLLOW_UPS: Cell<usize> = const { Cell::new(0) };
    /// Told when the last follow-up under way ends.
    static ON_QUIET: RefCell<Vec<oneshot::Sender<()>>> = const { RefCell::new(Vec::new()) };
}

/// How long a run's turn waits for its follow-ups at most: work that hangs must not hold
/// other tabs' runs for ever.
const FOLLOW_UPS_AT_MOST: Duration = Duration::from_secs(3);

/// Work held while a follow-up runs.
struct FollowUp;

impl FollowUp {
    fn new() -> Self {
        FOLLOW_UPS.with(|n| n.set(n.get() + 1));
        FollowUp
    }
}

impl Drop for FollowUp {
    fn drop(&mut self) {
        let left = FOLLOW_UPS.with(|n| {
            n.set(n.get().saturating_sub(1));
            n.get()
        });
        if left == 0 {
            for told in ON_QUIET.with(|waiting| waiting.take()) {
                let _ = told.send(());
            }
        }
    }
}

/// Spawns `work` as a follow-up of whatever run is under way: its turn waits for it.
pub fn spawn_follow_up(work: impl Future<Output = ()> + 'static) {
    let held = FollowUp::new();
    yew::platform::spawn_local(async move {
        work.await;
        drop(held);
    });
}

/// Resolves once no follow-up is under way and none started in the next two tasks: one often
/// sets off the next as the page draws what it made (the key files, then their archive).
pub async fn followed_up() {
    if WARMING_UP.with(Cell::get) {
        return;
    }
    let quiet = async {
        loop {
            while FOLLOW_UPS.with(Cell::get) > 0 {
                let (told, quiet) = oneshot::channel();
                ON_QUIET.with(|waiting| waiting.borrow_mut().push(told));
                let _ = quiet.await;
            }
            next_task().await;
            next_task().await;
            if FOLLOW_UPS.with(Cell::get) == 0 {
                return;
            }
        }
    };
    let limit = yew::platform::time::sleep(FOLLOW_UPS_AT_MOST);
    select(pin!(quiet), pin!(limit)).await;
}
