//! One step's signing work, separated from the workshop so it can run elsewhere: on the page
//! with WebCrypto's RSA signatures, or in a Web Worker where WebCrypto cannot sign.

use super::steps::{Party, StepId};
use crate::pki::signed_outside::GivenSignatures;
use crate::pki::{
    self, cert::Template, Certificate, Csr, InputField, PkiError, PrivateKey, San, Subject,
};

/// Everything a step reads, copied out of the workshop.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StepJob {
    pub step: StepId,
    /// The step's new key, for steps that make one.
    pub key: Option<PrivateKey>,
    pub subject: Subject,
    pub days: u32,
    pub sans: Vec<San>,
    pub now: u64,
    /// The CA that signs, for steps that issue a certificate from another CA.
    pub issuer: Option<(Certificate, PrivateKey)>,
    /// B's CSR, for step 6.
    pub csr: Option<Csr>,
    /// RSA signatures made outside the module (by WebCrypto), when the page asks for that.
    pub outside: Option<GivenSignatures>,
}

/// What a step made; the key is the job's own.
#[derive(Clone, Debug, PartialEq)]
pub struct StepProducts {
    pub step: StepId,
    pub key: Option<PrivateKey>,
    pub csr: Option<Csr>,
    pub cert: Option<Certificate>,
}

/// The party whose files a step makes; step 6 makes B's certificate.
pub fn target_party(step: StepId) -> Party {
    step.party().unwrap_or(Party::BClient)
}

impl StepJob {
    /// Does the step's signing. Step 8 is not a job: it only connects.
    pub fn run(&self) -> Result<StepProducts, PkiError> {
        let party = target_party(self.step);
        let template = Template {
            profile: party.profile(),
            days: self.days,
            sans: &self.sans,
            now: self.now,
        };
        let key = || {
            self.key
                .as_ref()
                .ok_or_else(|| PkiError::Key("this step needs its new key".into()))
        };
        let issuer = || {
            self.issuer
                .as_ref()
                .ok_or_else(|| PkiError::Key("this step needs its signing CA".into()))
        };
        let (csr, cert) = match self.step {
            StepId::CRoot | StepId::BRoot => (
                None,
                Some(pki::cert::self_signed(&self.subject, key()?, &template)?),
            ),
            StepId::CIntermediate | StepId::BIntermediate | StepId::CServer => {
                let csr = pki::csr::build(&self.subject, key()?)?;
                let (issuer_cert, issuer_key) = issuer()?;
                let cert = pki::cert::sign_csr(&csr, &template, issuer_cert, issuer_key)?;
                (Some(csr), Some(cert))
            }
            StepId::BCsr => (Some(pki::csr::build(&self.subject, key()?)?), None),
            StepId::CSignsB => {
                let csr = self
                    .csr
                    .as_ref()
                    .ok_or_else(|| PkiError::Key("step 6 needs B's CSR".into()))?;
                let (issuer_cert, issuer_key) = issuer()?;
                (
                    None,
                    Some(pki::cert::sign_csr(
                        csr,
                        &template,
                        issuer_cert,
                        issuer_key,
                    )?),
                )
            }
            StepId::Handshake => {
                return Err(PkiError::input(
                    InputField::Run,
                    "Step 8 connects; it signs nothing.",
                ))
            }
        };
        Ok(StepProducts {
            step: self.step,
            key: self.key.clone(),
            csr,
            cert,
        })
    }
}
