//! The browser UI: a thin Yew layer over the workshop core. One section per seed step.
//! The state and the run orchestration are plain Rust, tested natively; the rest is wasm only.

pub mod files;
pub mod inputs;
pub mod key_frame;
mod key_lanes;
pub mod run;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod turns;
#[cfg(target_arch = "wasm32")]
pub use components::app::App;

/// Mounts the app in `#app` and turns a panic into a visible, recoverable notice instead of a dead page.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(notice) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("crash-notice"))
        {
            let _ = notice.set_attribute("class", "crash-notice shown");
        }
    }));
    // Its own root: Yew empties the element it mounts in, and the notices beside it must stay.
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}
