//! One step's signing work, separated from the workshop so it can run elsewhere: the browser
//! sends it to a Web Worker, where RSA-4096 signatures cannot hold up the page.

use super::steps::{Party, StepId};
use crate::pki::{self, cert::Template, Certificate, Csr, PkiError, PrivateKey, San, Subject};
use crate::tls::keylog::hex;

/// Everything a step reads, copied out of the workshop.
#[derive(Clone, Debug)]
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
                return Err(PkiError::input("run", "Step 8 connects; it signs nothing."))
            }
        };
        Ok(StepProducts {
            step: self.step,
            key: self.key.clone(),
            csr,
            cert,
        })
    }

    /// A line-based text form for a worker; binary values in hex.
    pub fn encode(&self) -> String {
        let mut lines = vec![
            JOB_HEADER.to_string(),
            format!("step {}", self.step.number()),
            format!("now {}", self.now),
            format!("days {}", self.days),
            format!("sans {}", San::list_to_string(&self.sans)),
        ];
        for field in pki::name::SUBJECT_FIELDS {
            lines.push(format!(
                "subject {} {}",
                field.short,
                hex(self.subject.get(field.short).as_bytes())
            ));
        }
        if let Some(key) = &self.key {
            lines.push(format!("key {}", hex(key.pkcs8_der())));
        }
        if let Some((cert, key)) = &self.issuer {
            lines.push(format!("issuer-cert {}", hex(cert.der())));
            lines.push(format!("issuer-key {}", hex(key.pkcs8_der())));
        }
        if let Some(csr) = &self.csr {
            lines.push(format!("csr {}", hex(csr.der())));
        }
        lines.join("\n")
    }

    pub fn decode(text: &str) -> Result<Self, PkiError> {
        let mut lines = text.lines();
        if lines.next() != Some(JOB_HEADER) {
            return Err(bad("not a step job"));
        }
        let mut job = StepJob {
            step: StepId::CRoot,
            key: None,
            subject: Subject::default(),
            days: 0,
            sans: Vec::new(),
            now: 0,
            issuer: None,
            csr: None,
        };
        let mut issuer_cert = None;
        let mut issuer_key = None;
        for line in lines {
            let (name, value) = line.split_once(' ').unwrap_or((line, ""));
            match name {
                "step" => {
                    let number: usize = value.parse().map_err(|_| bad("step"))?;
                    job.step = StepId::ALL
                        .into_iter()
                        .find(|s| s.number() == number)
                        .ok_or_else(|| bad("step"))?;
                }
                "now" => job.now = value.parse().map_err(|_| bad("now"))?,
                "days" => job.days = value.parse().map_err(|_| bad("days"))?,
                "sans" if value.is_empty() => job.sans.clear(),
                "sans" => job.sans = San::parse_list(value)?,
                "subject" => {
                    let (short, value) = value.split_once(' ').unwrap_or((value, ""));
                    let field = pki::name::SUBJECT_FIELDS
                        .iter()
                        .find(|f| f.short == short)
                        .ok_or_else(|| bad("subject"))?;
                    let text = String::from_utf8(unhex(value)?).map_err(|_| bad("subject"))?;
                    job.subject.set(field.short, text);
                }
                "key" => job.key = Some(PrivateKey::from_pkcs8_der(&unhex(value)?)?),
                "issuer-cert" => issuer_cert = Some(Certificate::from_der(unhex(value)?)?),
                "issuer-key" => issuer_key = Some(PrivateKey::from_pkcs8_der(&unhex(value)?)?),
                "csr" => job.csr = Some(Csr::from_der(&unhex(value)?)?),
                _ => return Err(bad(name)),
            }
        }
        job.issuer = issuer_cert.zip(issuer_key);
        Ok(job)
    }
}

impl StepProducts {
    /// The products without the key, which the sender of the job already holds.
    pub fn encode(&self) -> String {
        let mut lines = vec![
            PRODUCTS_HEADER.to_string(),
            format!("step {}", self.step.number()),
        ];
        if let Some(csr) = &self.csr {
            lines.push(format!("csr {}", hex(csr.der())));
        }
        if let Some(cert) = &self.cert {
            lines.push(format!("cert {}", hex(cert.der())));
        }
        lines.join("\n")
    }

    /// Reads products back and pairs them with the job's key.
    pub fn decode(text: &str, job: &StepJob) -> Result<Self, PkiError> {
        let mut lines = text.lines();
        if lines.next() != Some(PRODUCTS_HEADER) {
            return Err(bad("not step products"));
        }
        let mut products = StepProducts {
            step: job.step,
            key: job.key.clone(),
            csr: None,
            cert: None,
        };
        for line in lines {
            let (name, value) = line.split_once(' ').unwrap_or((line, ""));
            match name {
                "step" if value == job.step.number().to_string() => {}
                "csr" => products.csr = Some(Csr::from_der(&unhex(value)?)?),
                "cert" => products.cert = Some(Certificate::from_der(unhex(value)?)?),
                _ => return Err(bad(name)),
            }
        }
        Ok(products)
    }
}

const JOB_HEADER: &str = "mtls-lab step job v1";
const PRODUCTS_HEADER: &str = "mtls-lab step products v1";

fn bad(what: &str) -> PkiError {
    PkiError::input(
        "run",
        format!("The step's work came back unreadable ({what})."),
    )
}

fn unhex(text: &str) -> Result<Vec<u8>, PkiError> {
    crate::tls::transfer::unhex(text).map_err(|_| bad("hex"))
}
