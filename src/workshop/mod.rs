//! The seed's workshop as data: steps, settings, state, the equivalent openssl commands and
//! the exported tree.

pub mod commands;
pub mod elsewhere;
pub mod export;
mod file;
pub mod job;
pub mod lab;
mod model;
pub mod protocol;
pub mod reproduce;
pub mod revocation;
pub mod saved;
mod steps;
pub mod walkthrough;

pub use model::{
    CertificateCheck, ChainCheck, Statuses, StepError, StepStatus, Verification, Workshop,
    WorkshopFiles,
};
pub use revocation::CrlCheck;
pub use steps::{ArtifactKind, ArtifactSpec, CertSettings, Party, Settings, StepId, ARTIFACTS};
