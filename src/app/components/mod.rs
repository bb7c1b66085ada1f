//! Yew components, each over the props it needs. They act through the page's context
//! (`page::Page`), so their props hold only what they show, and compare cheaply: a component
//! re-renders when what it shows changes, not when anything on the page does.

pub mod app;
pub mod archive;
pub mod commands;
pub mod controls;
pub mod diagnose;
pub mod diagnosis;
pub mod elapsed;
pub mod elsewhere;
pub mod field;
pub mod handshake;
pub mod import;
pub mod inputs;
pub mod lab;
pub mod later;
pub mod navigator;
pub mod page;
pub mod reproduce;
pub mod results;
pub mod revocation;
pub mod run_detail;
pub mod shared;
pub mod shown;
pub mod step;
pub mod upload;
pub mod verification;
pub mod warm_render;
