//! The workshop's state: what each step made, and which results are stale.

use super::job::{self, StepJob, StepProducts};
use super::lab::{self, LabInputs, LabRun, LabScenario};
use super::steps::{ca_chain, ArtifactKind, ArtifactSpec, Party, Settings, StepId, ARTIFACTS};
use crate::pki::{self, cert::Template, Certificate, Csr, PkiError, PrivateKey};
use crate::tls::{HandshakeJob, Outcome};
use std::collections::BTreeMap;

/// A refusal, tied to the step and (when there is one) the input that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepError {
    pub step: StepId,
    pub error: PkiError,
}

impl StepError {
    fn new(step: StepId, error: PkiError) -> Self {
        StepError { step, error }
    }

    pub fn field(&self) -> Option<pki::InputField> {
        self.error.field()
    }
}

impl std::fmt::Display for StepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Step {}: {}", self.step.number(), self.error)
    }
}

impl std::error::Error for StepError {}

/// The seed's verification section, as live results.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verification {
    /// SHA-256 of the public key PEM of B's key, CSR and certificate, in that order.
    pub key_hashes: [String; 3],
    /// The seed's RSA modulus hashes, in the same order; `None` for EC keys.
    pub modulus_hashes: Option<Vec<String>>,
    /// Subjects from leaf to root, or why the chain does not verify.
    pub client_chain: Result<Vec<String>, String>,
    pub server_chain: Result<Vec<String>, String>,
    pub not_before: String,
    pub not_after: String,
    pub valid_now: bool,
}

impl Verification {
    pub fn keys_match(&self) -> bool {
        self.key_hashes.iter().all(|h| *h == self.key_hashes[0])
    }
}

/// The workshop's settings and files, as the core module reads them to check them for the
/// page: the closing checks, a pasted certificate, a pasted CRL.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WorkshopFiles {
    settings: Settings,
    keys: BTreeMap<Party, PrivateKey>,
    csrs: BTreeMap<Party, Csr>,
    certs: BTreeMap<Party, Certificate>,
}

/// A pasted certificate, decoded and tried against the workshop's CAs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertificateCheck {
    pub view: pki::inspect::CertificateView,
    pub chains: Vec<ChainCheck>,
}

/// One organisation's CA hierarchy, judged by webpki and by openssl for each TLS role.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainCheck {
    pub ca: String,
    pub client_auth: pki::verdicts::Verdicts,
    pub server_auth: pki::verdicts::Verdicts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct StepRun {
    generation: u64,
    /// The generation of each dependency when this step ran.
    consumed: Vec<(StepId, u64)>,
    inputs: String,
}

#[derive(Clone, Debug, Default)]
pub struct Workshop {
    pub settings: Settings,
    keys: BTreeMap<Party, PrivateKey>,
    csrs: BTreeMap<Party, Csr>,
    certs: BTreeMap<Party, Certificate>,
    runs: BTreeMap<StepId, StepRun>,
    handshakes: Vec<(LabScenario, Outcome)>,
    generation: u64,
    pub(super) revocation: super::revocation::Revocation,
}

/// Every step's status, in step order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statuses([StepStatus; StepId::ALL.len()]);

impl Statuses {
    pub fn of(&self, step: StepId) -> StepStatus {
        self.0[step.number() - 1]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    NotRun,
    Fresh,
    /// It ran, but an input or a step it depends on changed since.
    Stale,
    /// An optional step switched off by the settings.
    Skipped,
}

impl Workshop {
    pub fn files(&self) -> WorkshopFiles {
        WorkshopFiles {
            settings: self.settings.clone(),
            keys: self.keys.clone(),
            csrs: self.csrs.clone(),
            certs: self.certs.clone(),
        }
    }

    /// A workshop holding `files`, as the core module checks them; it has run nothing.
    pub fn from_files(files: WorkshopFiles) -> Self {
        let mut workshop = Workshop::new(files.settings);
        workshop.keys = files.keys;
        workshop.csrs = files.csrs;
        workshop.certs = files.certs;
        workshop
    }

    pub fn new(settings: Settings) -> Self {
        Workshop {
            settings,
            ..Default::default()
        }
    }

    /// A workshop rebuilt from saved files: each step whose files are all present counts as
    /// run, in the seed's order, and the handshakes run again when they can.
    pub fn restored(
        settings: Settings,
        keys: BTreeMap<Party, PrivateKey>,
        csrs: BTreeMap<Party, Csr>,
        certs: BTreeMap<Party, Certificate>,
    ) -> Self {
        let mut workshop = Workshop {
            settings,
            keys,
            csrs,
            certs,
            ..Default::default()
        };
        for step in StepId::ALL {
            let files: Vec<_> = ARTIFACTS.iter().filter(|a| a.step == step).collect();
            let all_there = step != StepId::Handshake
                && workshop.settings.includes(step)
                && files.iter().all(|a| workshop.has(a.kind))
                && step
                    .depends_on(&workshop.settings)
                    .iter()
                    .all(|d| workshop.runs.contains_key(d));
            if all_there {
                workshop.record_run(step);
            }
        }
        workshop
    }

    pub fn status(&self, step: StepId) -> StepStatus {
        self.statuses().of(step)
    }

    /// Every step's status, each step's inputs read once: a step's status reads those of the
    /// steps it depends on, which come before it.
    pub fn statuses(&self) -> Statuses {
        let mut known = Statuses([StepStatus::NotRun; StepId::ALL.len()]);
        for (index, step) in StepId::ALL.into_iter().enumerate() {
            known.0[index] = self.status_after(step, &known);
        }
        known
    }

    /// A step's status, given those of the steps before it.
    fn status_after(&self, step: StepId, before: &Statuses) -> StepStatus {
        if !self.settings.includes(step) {
            return StepStatus::Skipped;
        }
        let Some(run) = self.runs.get(&step) else {
            return StepStatus::NotRun;
        };
        let deps = step.depends_on(&self.settings);
        let deps_unchanged = deps.len() == run.consumed.len()
            && deps.iter().all(|dep| {
                let now = self.runs.get(dep).map(|r| r.generation);
                run.consumed
                    .iter()
                    .any(|(d, g)| d == dep && Some(*g) == now)
                    && before.of(*dep) == StepStatus::Fresh
            });
        if deps_unchanged && run.inputs == self.inputs_of(step) {
            StepStatus::Fresh
        } else {
            StepStatus::Stale
        }
    }

    /// The key algorithm a step will generate, so the caller can supply the key itself
    /// (the browser asks WebCrypto for RSA keys).
    pub fn key_needed(&self, step: StepId) -> Option<pki::KeyAlgorithm> {
        step.party().map(|p| self.settings.cert(p).algorithm)
    }

    /// Checks what a step will read from the settings and the steps it needs.
    pub fn validate(&self, step: StepId) -> Result<(), StepError> {
        self.validate_inputs(step)?;
        for dep in step.depends_on(&self.settings) {
            if !self.runs.contains_key(&dep) {
                return Err(StepError::new(
                    step,
                    PkiError::input(
                        pki::InputField::Run,
                        format!("Run step {} ({}) first.", dep.number(), dep.title()),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks only what a step reads from the settings.
    pub fn validate_inputs(&self, step: StepId) -> Result<(), StepError> {
        let fail = |e| StepError::new(step, e);
        if let Some(party) = step.party() {
            let cert = self.settings.cert(party);
            cert.subject.validate().map_err(fail)?;
            if step != StepId::BCsr {
                pki::cert::check_days(cert.days).map_err(fail)?;
            }
        }
        match step {
            StepId::CSignsB => pki::cert::check_days(self.settings.b_client.days).map_err(fail)?,
            StepId::CServer if self.settings.server_sans.is_empty() => {
                return Err(fail(PkiError::input(
                    pki::InputField::Sans,
                    "The server needs at least one DNS name or IP address.",
                )))
            }
            _ => {}
        }
        Ok(())
    }

    /// Runs one step. `key` is the new key for steps that make one; `None` generates it here.
    /// On error nothing changes.
    pub fn run_step(
        &mut self,
        step: StepId,
        key: Option<PrivateKey>,
        now: u64,
    ) -> Result<(), StepError> {
        if step == StepId::Handshake {
            self.validate(step)?;
            let outcomes = self.connect_all().map_err(|e| StepError::new(step, e))?;
            return self.set_handshakes(outcomes);
        }
        self.validate(step)?;
        let key = self.new_key_for(step, key)?;
        self.sign_step(step, key, now)
    }

    /// Runs one signing step (1 to 7) here, with its key given for a step that makes one.
    /// On error nothing changes.
    pub fn sign_step(
        &mut self,
        step: StepId,
        key: Option<PrivateKey>,
        now: u64,
    ) -> Result<(), StepError> {
        let job = self.job_with_key(step, key, now)?;
        let products = job.run().map_err(|e| StepError::new(step, e))?;
        self.commit(products)
    }

    /// Copies out what a signing step (1 to 7) reads, so the signing can happen elsewhere;
    /// a step that makes a key gets a new one here when `key` is `None`.
    pub fn job(
        &self,
        step: StepId,
        key: Option<PrivateKey>,
        now: u64,
    ) -> Result<StepJob, StepError> {
        self.validate(step)?;
        let key = self.new_key_for(step, key)?;
        self.job_with_key(step, key, now)
    }

    /// The step's key: `key`, or a new one of the settings' kind for a step that makes one.
    /// Natively and in the core module; the page asks WebCrypto for its keys.
    fn new_key_for(
        &self,
        step: StepId,
        key: Option<PrivateKey>,
    ) -> Result<Option<PrivateKey>, StepError> {
        match (step.party(), key) {
            (Some(party), None) => PrivateKey::generate(self.settings.cert(party).algorithm)
                .map(Some)
                .map_err(|e| StepError::new(step, e)),
            (_, key) => Ok(key),
        }
    }

    /// [`job`](Self::job) with the step's key given: the page's, whose module makes no key.
    pub fn job_with_key(
        &self,
        step: StepId,
        key: Option<PrivateKey>,
        now: u64,
    ) -> Result<StepJob, StepError> {
        self.validate(step)?;
        let fail = |e| StepError::new(step, e);
        let key = match (step.party(), key) {
            (None, _) => None,
            (Some(party), Some(key)) => {
                if key.algorithm() != self.settings.cert(party).algorithm {
                    return Err(fail(PkiError::Key(format!(
                        "the supplied key is {}, the settings ask for {}",
                        key.algorithm().label(),
                        self.settings.cert(party).algorithm.label()
                    ))));
                }
                Some(key)
            }
            (Some(_), None) => {
                return Err(fail(PkiError::Key("this step needs its new key".into())))
            }
        };
        let party = job::target_party(step);
        let issuer = match step {
            StepId::CIntermediate => Some(Party::CRoot),
            StepId::BIntermediate => Some(Party::BRoot),
            StepId::CServer | StepId::CSignsB => Some(self.settings.c_issuer()),
            _ => None,
        };
        let issuer = match issuer {
            Some(p) => Some((
                self.certs
                    .get(&p)
                    .cloned()
                    .ok_or_else(|| fail(missing(p.label())))?,
                self.keys
                    .get(&p)
                    .cloned()
                    .ok_or_else(|| fail(missing(p.label())))?,
            )),
            None => None,
        };
        let csr = match step {
            StepId::CSignsB => Some(
                self.csrs
                    .get(&Party::BClient)
                    .cloned()
                    .ok_or_else(|| fail(missing("B's CSR")))?,
            ),
            _ => None,
        };
        Ok(StepJob {
            step,
            key,
            subject: self.settings.cert(party).subject.clone(),
            days: self.settings.cert(party).days,
            sans: if party == Party::CServer {
                self.settings.server_sans.clone()
            } else {
                Vec::new()
            },
            now,
            issuer,
            csr,
            outside: None,
        })
    }

    /// Stores what a step's job made, wherever it ran.
    pub fn commit(&mut self, products: StepProducts) -> Result<(), StepError> {
        let step = products.step;
        self.validate(step)?;
        let party = job::target_party(step);
        if let Some(key) = products.key {
            self.keys.insert(party, key);
        }
        if let Some(csr) = products.csr {
            self.csrs.insert(party, csr);
        }
        if let Some(cert) = products.cert {
            self.certs.insert(party, cert);
        }
        self.record_run(step);
        Ok(())
    }

    /// Step 8's three runs, each judged in memory.
    pub fn connect_all(&self) -> Result<Vec<(LabScenario, Outcome)>, PkiError> {
        LabScenario::step8(self.settings.tls_version)
            .into_iter()
            .map(|s| self.connect(s).map(|o| (s, o)))
            .collect()
    }

    /// Stores step 8's runs, made here or one at a time by the caller.
    pub fn set_handshakes(
        &mut self,
        outcomes: Vec<(LabScenario, Outcome)>,
    ) -> Result<(), StepError> {
        self.validate(StepId::Handshake)?;
        self.handshakes = outcomes;
        self.record_run(StepId::Handshake);
        Ok(())
    }

    fn sign(
        &self,
        csr: &Csr,
        template: &Template<'_>,
        issuer: Party,
    ) -> Result<Certificate, PkiError> {
        let issuer_cert = self
            .certs
            .get(&issuer)
            .ok_or_else(|| missing(issuer.label()))?;
        let issuer_key = self
            .keys
            .get(&issuer)
            .ok_or_else(|| missing(issuer.label()))?;
        pki::cert::sign_csr(csr, template, issuer_cert, issuer_key)
    }

    /// What a step reads besides the steps it depends on: its settings, and for step 8 the
    /// revocation state its server checks.
    fn inputs_of(&self, step: StepId) -> String {
        let settings = self.settings.inputs_of(step);
        match step {
            StepId::Handshake if self.settings.check_revocation => {
                format!("{settings}|crl {}", self.revocation.fingerprint())
            }
            _ => settings,
        }
    }

    fn record_run(&mut self, step: StepId) {
        self.generation += 1;
        let consumed = step
            .depends_on(&self.settings)
            .into_iter()
            .map(|dep| (dep, self.runs.get(&dep).map(|r| r.generation).unwrap_or(0)))
            .collect();
        self.runs.insert(
            step,
            StepRun {
                generation: self.generation,
                consumed,
                inputs: self.inputs_of(step),
            },
        );
    }

    /// Signs a CSR made elsewhere (say by `openssl req -new`) as a client certificate from C's
    /// issuing CA. Only its subject and key are used; the workshop's tree is left as it is.
    pub fn sign_external_csr(&self, pem: &str, now: u64) -> Result<Certificate, PkiError> {
        let csr = Csr::from_pem(pem)?;
        let template = Template {
            profile: Party::BClient.profile(),
            days: self.settings.b_client.days,
            sans: &[],
            now,
        };
        self.sign(&csr, &template, self.settings.c_issuer())
    }

    /// Step 5 with Client B's own key instead of a new one (PEM, encrypted or plain).
    /// The key's algorithm replaces the setting; on error nothing changes.
    pub fn use_own_b_key(&mut self, pem: &str, passphrase: &str, now: u64) -> Result<(), PkiError> {
        self.use_b_key(PrivateKey::from_pem(pem, passphrase)?, now)
    }

    /// Step 5 with a key already read (the page has the core module read it).
    pub fn use_b_key(&mut self, key: PrivateKey, now: u64) -> Result<(), PkiError> {
        let previous = self.settings.b_client.algorithm;
        self.settings.b_client.algorithm = key.algorithm();
        self.sign_step(StepId::BCsr, Some(key), now).map_err(|e| {
            self.settings.b_client.algorithm = previous;
            e.error
        })
    }

    /// The seed's verification section, computed from the current files: the key, CSR and
    /// certificate of Client B hold one public key; both leaves chain to C's root; the dates.
    /// `None` until steps 6 and 7 have run.
    pub fn verification(&self, now: u64) -> Option<Verification> {
        use crate::pki::verify;
        let key = self.keys.get(&Party::BClient)?;
        let csr = self.csrs.get(&Party::BClient)?;
        let client = self.certs.get(&Party::BClient)?;
        let server = self.certs.get(&Party::CServer)?;
        let root = self.certs.get(&Party::CRoot)?;
        let untrusted: Vec<Certificate> = if self.settings.use_intermediates {
            self.certs
                .get(&Party::CIntermediate)
                .cloned()
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        let spkis = [key.spki_der(), csr.spki_der().to_vec(), client.spki_der()];
        let chain = |leaf: &Certificate, usage| {
            verify::chain(leaf, &untrusted, std::slice::from_ref(root), usage, now)
                .map_err(|e| e.to_string())
        };
        let view = pki::inspect::certificate(client).ok()?;
        Some(Verification {
            key_hashes: spkis.each_ref().map(|s| verify::public_key_sha256(s)),
            modulus_hashes: spkis
                .each_ref()
                .map(|s| verify::rsa_modulus_sha256(s))
                .into_iter()
                .collect::<Option<Vec<_>>>(),
            client_chain: chain(client, verify::Usage::ClientAuth),
            server_chain: chain(server, verify::Usage::ServerAuth),
            not_before: view.not_before,
            not_after: view.not_after,
            valid_now: view.not_before_unix <= now && now <= view.not_after_unix,
        })
    }

    /// Inspects a certificate pasted by the user and tries it against both organisations'
    /// CAs, for client and for server authentication, as webpki (rustls) and as `openssl
    /// verify` judge it. The workshop is left as it is.
    pub fn check_certificate(&self, pem: &str, now: u64) -> Result<CertificateCheck, PkiError> {
        use crate::pki::verdicts::Verdicts;
        use crate::pki::verify::Usage;
        let cert = Certificate::from_pem(pem)?;
        let view = pki::inspect::certificate(&cert)?;
        let hierarchies = [
            ("Client C's CA", Party::CRoot, Party::CIntermediate),
            ("Client B's CA", Party::BRoot, Party::BIntermediate),
        ];
        let chains = hierarchies
            .iter()
            .filter_map(|(label, root, intermediate)| {
                let root = self.certs.get(root)?;
                let untrusted: Vec<Certificate> = self
                    .certs
                    .get(intermediate)
                    .filter(|_| self.settings.use_intermediates)
                    .cloned()
                    .into_iter()
                    .collect();
                let check = |usage| {
                    Verdicts::judge(&cert, &untrusted, std::slice::from_ref(root), usage, now)
                };
                Some(ChainCheck {
                    ca: label.to_string(),
                    client_auth: check(Usage::ClientAuth),
                    server_auth: check(Usage::ServerAuth),
                })
            })
            .collect();
        Ok(CertificateCheck { view, chains })
    }

    /// Client B's identity as PKCS#12: its key, its certificate, then C's chain, under the
    /// default alias. `None` until step 6 has run.
    pub fn client_pkcs12(
        &self,
        passphrase: &str,
        flavour: pki::pkcs12::Flavour,
    ) -> Option<Result<Vec<u8>, PkiError>> {
        let export = pki::pkcs12::Export::with_password(passphrase);
        Some(self.client_pkcs12_job(&export, flavour)?.run())
    }

    /// What B's PKCS#12 file holds, to make here or in a worker: B's key under `export`'s alias,
    /// its certificate, C's intermediate and (if asked) C's root.
    pub fn client_pkcs12_job(
        &self,
        export: &pki::pkcs12::Export,
        flavour: pki::pkcs12::Flavour,
    ) -> Option<pki::pkcs12::Pkcs12Job> {
        let key = self.keys.get(&Party::BClient)?.clone();
        let leaf = self.certs.get(&Party::BClient)?.clone();
        let mut cas = self.chain();
        if !export.include_root {
            cas.pop();
        }
        Some(pki::pkcs12::Pkcs12Job {
            contents: pki::pkcs12::Pkcs12Contents::Identity {
                key,
                chain: std::iter::once(leaf).chain(cas).collect(),
                friendly_name: export.friendly_name.clone(),
            },
            passphrase: export.password.clone(),
            flavour,
        })
    }

    /// C's CAs as a Java truststore: each a trusted entry under its file's name.
    pub fn truststore_pkcs12_job(
        &self,
        password: &str,
        flavour: pki::pkcs12::Flavour,
    ) -> Option<pki::pkcs12::Pkcs12Job> {
        let mut cas = Vec::new();
        if self.settings.use_intermediates {
            let inter = self.certs.get(&Party::CIntermediate)?.clone();
            cas.push(("client-c-intermediate-ca".to_string(), inter));
        }
        let root = self.certs.get(&Party::CRoot)?.clone();
        cas.push(("client-c-root-ca".to_string(), root));
        Some(pki::pkcs12::Pkcs12Job {
            contents: pki::pkcs12::Pkcs12Contents::Trusted(cas),
            passphrase: password.into(),
            flavour,
        })
    }

    /// C's CA chain as the seed's `cat` builds it: intermediate first, then root.
    pub fn chain(&self) -> Vec<Certificate> {
        ca_chain(
            &self.certs,
            self.settings.use_intermediates,
            Party::CIntermediate,
            Party::CRoot,
        )
    }

    /// One of step 8's runs (or any lab scenario), over memory.
    pub fn connect(&self, scenario: LabScenario) -> Result<Outcome, PkiError> {
        self.connection(scenario).map(|job| job.run())
    }

    /// What one of step 8's runs reads, to run here or in a worker: the lab's setup of that
    /// scenario, from the workshop's files.
    pub fn connection(&self, scenario: LabScenario) -> Result<HandshakeJob, PkiError> {
        lab::SeedRuns::of(self).connection(scenario)
    }

    /// Bumped by every step run and every CRL publication: what was made can only have
    /// changed when this did.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub(super) fn bump_generation(&mut self) {
        self.generation += 1;
    }

    pub fn handshakes(&self) -> &[(LabScenario, Outcome)] {
        &self.handshakes
    }

    pub fn key(&self, party: Party) -> Option<&PrivateKey> {
        self.keys.get(&party)
    }

    pub fn csr(&self, party: Party) -> Option<&Csr> {
        self.csrs.get(&party)
    }

    pub fn certificate(&self, party: Party) -> Option<&Certificate> {
        self.certs.get(&party)
    }

    /// The files a step has made so far that belong to the current settings.
    pub fn artifacts(&self, step: StepId) -> Vec<&'static ArtifactSpec> {
        ARTIFACTS
            .iter()
            .filter(|a| a.step == step && self.settings.includes(step) && self.has(a.kind))
            .collect()
    }

    fn has(&self, kind: ArtifactKind) -> bool {
        match kind {
            ArtifactKind::Key(p) => self.keys.contains_key(&p),
            ArtifactKind::Csr(p) => self.csrs.contains_key(&p),
            ArtifactKind::Certificate(p) => self.certs.contains_key(&p),
            ArtifactKind::Chain => {
                self.certs.contains_key(&Party::BClient) && !self.chain().is_empty()
            }
        }
    }

    /// The public (non-key) PEM of an artifact; keys go through `export`.
    pub fn public_pem(&self, kind: ArtifactKind) -> Option<String> {
        match kind {
            ArtifactKind::Key(_) => None,
            ArtifactKind::Csr(p) => self.csrs.get(&p).map(Csr::to_pem),
            ArtifactKind::Certificate(p) => self.certs.get(&p).map(Certificate::to_pem),
            ArtifactKind::Chain => Some(self.chain().iter().map(Certificate::to_pem).collect()),
        }
    }

    /// Runs every included step in the seed's order, generating keys here.
    pub fn run_all(&mut self, now: u64) -> Result<(), StepError> {
        for step in StepId::ALL {
            if self.settings.includes(step) {
                self.run_step(step, None, now)?;
            }
        }
        Ok(())
    }
}

fn missing(what: &str) -> PkiError {
    PkiError::input(
        pki::InputField::Run,
        format!("{what} does not exist yet; run its step first."),
    )
}

impl LabInputs {
    /// The workshop's files and settings the lab reads, copied out.
    pub fn of(workshop: &Workshop) -> Self {
        let settings = &workshop.settings;
        LabInputs {
            use_intermediates: settings.use_intermediates,
            tls_version: settings.tls_version,
            server_name: settings.server_name(),
            b_subject: settings.b_client.subject.clone(),
            c_organization: settings.c_intermediate.subject.get("O").to_string(),
            certs: Party::ALL
                .iter()
                .filter_map(|p| workshop.certificate(*p).map(|c| (*p, c.clone())))
                .collect(),
            keys: Party::ALL
                .iter()
                .filter_map(|p| workshop.key(*p).map(|k| (*p, k.clone())))
                .collect(),
        }
    }
}

impl Workshop {
    /// Builds and runs one lab scenario with this workshop's files.
    pub fn run_lab(&self, scenario: LabScenario, now: u64) -> Result<LabRun, PkiError> {
        lab::run_with(&LabInputs::of(self), scenario, now)
    }
}
