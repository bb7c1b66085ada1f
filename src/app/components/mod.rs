//! Yew components, each over the props it needs. They act through the page's context
//! (`page::Page`), so their props hold only what they show.

pub mod elapsed;
pub mod field;
pub mod page;
pub mod upload;
