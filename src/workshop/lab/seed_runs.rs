//! Step 8's three runs as one piece of work, so the page hands the workshop's files to the core
//! module in one request and gets the three outcomes back: the lab's setup, which builds every
//! scenario's files, stays out of the page's module.

use super::{setup, LabInputs, LabScenario};
use crate::pki::PkiError;
use crate::tls::{HandshakeJob, Outcome, RevocationCheck};
use crate::workshop::Workshop;
use serde::{Deserialize, Serialize};

/// What step 8's runs read from the workshop.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeedRuns {
    pub inputs: LabInputs,
    /// C's published CRLs, when step 8 checks revocation.
    pub revocation: Option<RevocationCheck>,
}

impl SeedRuns {
    pub fn of(workshop: &Workshop) -> Self {
        SeedRuns {
            inputs: LabInputs::of(workshop),
            revocation: workshop.revocation_check(),
        }
    }

    /// One run's handshake: the lab's setup of its scenario, with the published CRLs.
    pub fn connection(&self, scenario: LabScenario) -> Result<HandshakeJob, PkiError> {
        // Step 8's runs make no certificates, so the time they are made at does not matter.
        let mut job = setup(&self.inputs, scenario, crate::clock::unix_now())?.job();
        // The revocation rows bring their own CRLs; step 8's runs check the published ones.
        if job.server.revocation.is_none() {
            job.server.revocation = self.revocation.clone();
        }
        Ok(job)
    }

    /// The three runs, one after the other.
    pub fn run(&self) -> Result<Vec<(LabScenario, Outcome)>, PkiError> {
        LabScenario::step8(self.inputs.tls_version)
            .into_iter()
            .map(|scenario| Ok((scenario, self.connection(scenario)?.run())))
            .collect()
    }
}
