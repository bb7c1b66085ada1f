//! The browser UI.
