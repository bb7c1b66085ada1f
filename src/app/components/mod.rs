//! Yew components, each over the props it needs.

pub mod elapsed;
