//! The seconds a run has taken, counting while it runs. Only this text re-renders on its
//! timer, and the timer stops when the run ends and the component goes.

use crate::app::browser;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ElapsedProps {
    /// When the run started, on the page's clock.
    pub since_ms: f64,
}

#[function_component(Elapsed)]
pub fn elapsed(props: &ElapsedProps) -> Html {
    let now = use_state(browser::now_ms);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let interval =
                gloo_timers::callback::Interval::new(200, move || now.set(browser::now_ms()));
            move || drop(interval)
        });
    }
    html! { { format!("{} s.", crate::text::seconds(*now - props.since_ms)) } }
}
