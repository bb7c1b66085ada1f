//! The app's state and every change a user can make to it. The core does all the work.

use crate::pki::{self, KeyAlgorithm, PrivateKey, San};
use crate::tls::Outcome;
use crate::tls::TlsVersion;
use crate::workshop::job::StepProducts;
use crate::workshop::lab::{LabRun, LabScenario, Setup};
use crate::workshop::protocol::CoreError;
use crate::workshop::{export::KeyProtection, Party, Settings, StepId, Workshop, ARTIFACTS};
use std::collections::BTreeMap;
use std::rc::Rc;

pub use super::files::*;

/// What the progress line says as a run starts.
pub const STARTING: &str = "Starting…";

/// What the progress line says while another tab's run has the turn.
pub const WAITING_FOR_TURN: &str =
    "Waiting for another tab's run to end: this browser's tabs run one at a time, so that none of them freezes.";
pub use super::inputs::*;

pub mod revocation;

/// Long work under way: what it is doing now and since when.
#[derive(Clone, Debug)]
pub struct Busy {
    pub run: u64,
    pub label: String,
    pub started_ms: f64,
    pub done: usize,
    pub total: usize,
    /// Whether the run waits for another tab's run to end: its clock does not tick meanwhile.
    pub waiting_for_turn: bool,
    /// The workshop before the run, restored by Cancel; results show it until the run ends.
    pub before: Rc<Workshop>,
}

/// A lab row's run and the files it was judged with, so that the row's openssl bundle holds
/// those very files.
#[derive(Clone, Debug)]
pub struct JudgedRun {
    pub run: Rc<LabRun>,
    pub setup: Rc<Setup>,
}

/// The same run, not an equal one: a row compares its result without reading it.
impl PartialEq for JudgedRun {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run) && Rc::ptr_eq(&self.setup, &other.setup)
    }
}

impl JudgedRun {
    pub fn new(run: LabRun, setup: Setup) -> Self {
        JudgedRun {
            run: Rc::new(run),
            setup: Rc::new(setup),
        }
    }
}

/// What one step of a run made, to commit to the workshop.
// Made once per step and moved into its commit; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Made {
    Step(StepProducts),
    Handshakes(Vec<(LabScenario, Outcome)>),
}

/// The handshake lab's runs, made for one workshop generation.
#[derive(Clone, Debug, Default)]
pub struct LabState {
    pub generation: u64,
    pub runs: Vec<(LabScenario, Result<JudgedRun, CoreError>)>,
    /// Scenarios done and in all, while some run.
    pub running: Option<(usize, usize)>,
    /// The run whose messages and diagram are shown.
    pub selected: Option<LabScenario>,
}

impl LabState {
    pub fn run(&self, scenario: LabScenario) -> Option<&Result<JudgedRun, CoreError>> {
        self.runs
            .iter()
            .find(|(s, _)| *s == scenario)
            .map(|(_, result)| result)
    }
}

/// The big parts sit behind `Rc`s: a change elsewhere shares them, and the views drawn from
/// them compare pointers instead of contents.
#[derive(Clone, Debug)]
pub struct AppState {
    pub workshop: Rc<Workshop>,
    pub passphrase: String,
    pub plain_keys: bool,
    /// Raw text of inputs that may not parse (days, SANs), keyed by input id.
    pub drafts: BTreeMap<String, String>,
    /// Messages keyed by input id, or by step id for step-wide errors.
    pub errors: BTreeMap<String, String>,
    pub busy: Option<Busy>,
    pub last_run_ms: Option<f64>,
    pub last_run_keys: String,
    /// A one-line note about the last run (cancelled, failed).
    pub notice: Option<String>,
    next_run: u64,
    /// Key files by seed path, and a counter bumped whenever one lands.
    pub key_files: Rc<KeyFiles>,
    pub key_files_version: u64,
    /// Client B's PKCS#12 files, made in the background for one workshop generation and
    /// passphrase.
    pub p12_files: Rc<Vec<P12File>>,
    /// Why the last PKCS#12 file could not be made, until one is.
    pub p12_error: Option<String>,
    /// B's PKCS#12 file's alias, whether C's root goes in its chain, and its export password
    /// (empty: the key passphrase).
    pub p12_alias: String,
    pub p12_include_root: bool,
    pub p12_password: String,
    /// A CSR pasted into step 6, and the certificate C made from it (kept beside the tree).
    pub external_csr: String,
    pub external_cert: Option<pki::Certificate>,
    /// Client B's own key pasted into step 5, and its passphrase.
    pub own_key: String,
    pub own_key_passphrase: String,
    /// Steps showing their Commands tab rather than their Result.
    pub commands_tab: std::collections::BTreeSet<StepId>,
    /// The command block last copied, to say so by its button.
    pub copied: Option<String>,
    /// A certificate pasted into the verification section, and what was found.
    pub check_text: String,
    pub check: Option<Rc<crate::workshop::CertificateCheck>>,
    /// A CRL pasted into the same section, and what checking it against C's CAs found.
    pub crl_text: String,
    pub crl_check: Option<Rc<crate::workshop::CrlCheck>>,
    /// A saved workshop whose keys wait for their passphrase before it can be restored.
    pub pending_restore: Option<String>,
    /// Whether the last save reached the browser's storage, and why not.
    pub saved_note: String,
    pub lab: Rc<LabState>,
    /// The saved keys are being opened in the worker.
    pub restoring: bool,
    /// The reason the revocation step gives when C revokes B.
    pub revoke_reason: crate::pki::crl::Reason,
    /// Step 8 is to run once the page is up: a workshop restored here, with plain keys,
    /// comes back without its runs, which the worker makes.
    pub step8_after_restore: bool,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            workshop: Rc::new(Workshop::new(Settings::default())),
            passphrase: String::new(),
            plain_keys: false,
            drafts: BTreeMap::new(),
            errors: BTreeMap::new(),
            busy: None,
            last_run_ms: None,
            last_run_keys: String::new(),
            notice: None,
            next_run: 1,
            key_files: Rc::default(),
            key_files_version: 0,
            p12_files: Rc::default(),
            p12_error: None,
            p12_alias: "client-b".into(),
            p12_include_root: true,
            p12_password: String::new(),
            external_csr: String::new(),
            external_cert: None,
            own_key: String::new(),
            own_key_passphrase: String::new(),
            commands_tab: Default::default(),
            copied: None,
            check_text: String::new(),
            check: None,
            crl_text: String::new(),
            crl_check: None,
            pending_restore: None,
            saved_note: String::new(),
            lab: Rc::default(),
            restoring: false,
            revoke_reason: crate::pki::crl::Reason::KeyCompromise,
            step8_after_restore: false,
        }
    }
}

impl AppState {
    pub(super) fn settings_mut(&mut self) -> &mut Settings {
        &mut Rc::make_mut(&mut self.workshop).settings
    }

    /// Counts a finished step, or stops the run at it with its error shown.
    fn step_done(&mut self, step: StepId, result: Result<(), CoreError>) {
        match result {
            Ok(()) => {
                self.errors.remove(&step.id());
                if let Some(busy) = self.busy.as_mut() {
                    busy.done += 1;
                }
            }
            Err(e) => {
                self.errors
                    .insert(step.id(), format!("Step {}: {e}", step.number()));
                self.notice = Some(format!("Stopped at step {}.", step.number()));
                self.busy = None;
            }
        }
    }
}

impl PartialEq for AppState {
    fn eq(&self, _: &Self) -> bool {
        // Every dispatch yields a new state; Yew re-renders on each.
        false
    }
}

#[derive(Clone)]
pub enum Action {
    /// The lab starts over for this workshop generation; its results arrive one by one.
    /// These scenarios run now; results from another workshop generation are dropped.
    LabBegin {
        generation: u64,
        scenarios: Vec<LabScenario>,
    },
    LabResult {
        generation: u64,
        scenario: LabScenario,
        result: Result<JudgedRun, CoreError>,
    },
    LabDone {
        generation: u64,
    },
    LabSelect(LabScenario),
    SetPassphrase(String),
    SetPlainKeys(bool),
    SetIntermediates(bool),
    SetTlsVersion(TlsVersion),
    SetAlgorithm(Party, KeyAlgorithm),
    SetSubject(Party, &'static str, String),
    SetDays(Party, String),
    SetSans(String),
    UseSeedKeySizes,
    UseFastKeys,
    /// Refuses to start and shows why, by the inputs at fault.
    Refuse(Vec<(String, String)>),
    /// A run's start: its progress line says "Starting…", or that it waits for its turn.
    Begin {
        run: u64,
        waiting_for_turn: bool,
        total: usize,
        started_ms: f64,
    },
    Progress {
        run: u64,
        label: String,
    },
    /// Stops the run and puts the workshop back as it was before it.
    Cancel {
        run: u64,
    },
    /// Steps' products, in order; an error stops the run. Fast steps travel together, so
    /// the page renders once for them.
    Commit {
        run: u64,
        made: Vec<Made>,
    },
    /// The run stops at this step, with the core's reason.
    Fail {
        run: u64,
        step: StepId,
        error: CoreError,
    },
    Finish {
        run: u64,
        now_ms: f64,
        /// Which keys were made where, e.g. "4 × RSA 4096 from WebCrypto".
        keys_made: String,
    },
    KeyReady {
        path: &'static str,
        file: KeyFile,
    },
    P12Ready(P12File),
    P12Failed(String),
    SetP12Alias(String),
    SetP12IncludeRoot(bool),
    SetP12Password(String),
    SetExternalCsr(String),
    SignExternalCsr {
        now: u64,
    },
    SetOwnKey(String),
    SetOwnKeyPassphrase(String),
    /// Client B's own key, read by the core module: step 5 signs the CSR with it.
    UseOwnKey {
        key: pki::PrivateKey,
        now: u64,
    },
    /// The core module could not read the own key.
    OwnKeyRefused(CoreError),
    ShowCommands(StepId, bool),
    Copied(String),
    SetCheckText(String),
    /// The core module's check of the pasted certificate.
    CertificateChecked(Result<Box<crate::workshop::CertificateCheck>, CoreError>),
    SetCrlText(String),
    /// The core module's check of the pasted CRL.
    CrlChecked(Result<Box<crate::workshop::CrlCheck>, CoreError>),
    /// A file's text, read for the input with this id.
    Uploaded(&'static str, String),
    /// The saved keys are being opened.
    RestoreBegin,
    /// The saved workshop, opened and reconnected, or why not.
    Restored(Result<Box<Workshop>, CoreError>),
    DiscardSaved,
    Saved(String),
    /// Starts over with nothing (the caller has asked for confirmation and cleared storage).
    Reset,
    /// The revocation step's settings, and what revoking or publishing made.
    Revocation(revocation::RevocationAction),
}

impl AppState {
    /// How the PKCS#12 files are to be made now; the field to blame when they cannot be.
    pub fn p12_export(&self) -> Result<pki::pkcs12::Export, (&'static str, String)> {
        let alias = self.p12_alias.trim();
        if alias.is_empty()
            || alias
                .chars()
                .any(|c| c.is_control() || u32::from(c) > 0xffff)
        {
            return Err((
                P12_ALIAS_INPUT,
                "Give the file an alias: letters, digits and punctuation, as keytool -list shows it."
                    .into(),
            ));
        }
        let password = if self.p12_password.is_empty() {
            self.passphrase.clone()
        } else {
            crate::pki::keys::check_passphrase(&self.p12_password)
                .map_err(|e| (P12_PASSWORD_INPUT, e.to_string()))?;
            self.p12_password.clone()
        };
        Ok(pki::pkcs12::Export {
            friendly_name: alias.to_string(),
            include_root: self.p12_include_root,
            password,
        })
    }

    /// The state at page load: a saved workshop comes back at once when its keys are plain;
    /// encrypted keys wait for the passphrase.
    pub fn from_saved(text: Option<String>) -> Self {
        let mut state = AppState::default();
        let Some(text) = text else { return state };
        match crate::workshop::saved::Saved::parse(&text) {
            Ok(saved) if !saved.keys_encrypted || !saved.has_keys() => match saved
                .open_plain_keys()
                .and_then(|keys| saved.restore_with_keys(keys))
            {
                Ok(workshop) => {
                    state.plain_keys = !saved.keys_encrypted;
                    state.step8_after_restore = workshop.validate(StepId::Handshake).is_ok();
                    state.workshop = Rc::new(workshop);
                    state.notice = Some("Restored the workshop saved in this browser.".into());
                }
                Err(e) => {
                    state.notice = Some(format!("The saved workshop could not be restored: {e}"))
                }
            },
            Ok(_) => state.pending_restore = Some(text),
            Err(e) => state.notice = Some(format!("The saved workshop could not be read: {e}")),
        }
        state
    }

    pub fn protection(&self) -> KeyProtection {
        if self.plain_keys {
            KeyProtection::plain()
        } else {
            KeyProtection::encrypted(&self.passphrase)
        }
    }

    /// The keys whose files are missing or out of date, by seed path.
    pub fn keys_to_export(&self) -> Vec<(&'static str, PrivateKey)> {
        let protection = self.protection();
        self.exported_keys()
            .into_iter()
            .filter(|(path, key)| {
                self.key_files
                    .get(path)
                    .is_none_or(|f| &f.key != key || f.protection != protection)
            })
            .collect()
    }

    /// Every key the included steps have, by the path of its file: what the key files are
    /// made from, whether made yet or not.
    pub fn exported_keys(&self) -> Vec<(&'static str, PrivateKey)> {
        ARTIFACTS
            .iter()
            .filter_map(|spec| match spec.kind {
                crate::workshop::ArtifactKind::Key(party)
                    if self.workshop.settings.includes(spec.step) =>
                {
                    self.workshop.key(party).map(|k| (spec.path, k.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// The current file of a key, if it is ready for the current passphrase choice.
    pub fn key_file(&self, path: &str, party: Party) -> Option<&KeyFile> {
        key_file(
            &self.key_files,
            &self.workshop,
            &self.protection(),
            path,
            party,
        )
    }

    /// The generation results show: the one before the run while a run is under way, so that
    /// they are drawn once, at its end, and not at each of its steps.
    pub fn shown_generation(&self) -> u64 {
        self.busy
            .as_ref()
            .map_or(self.workshop.generation(), |busy| busy.before.generation())
    }

    pub fn next_run_id(&self) -> u64 {
        self.next_run
    }

    /// Everything wrong with the inputs of the given steps, by input id.
    pub fn input_errors(&self, steps: &[StepId]) -> Vec<(String, String)> {
        let mut errors: Vec<(String, String)> = self
            .errors
            .iter()
            .filter(|(k, _)| k.starts_with("days-") || k.as_str() == SANS_INPUT)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for step in steps {
            if let Err(e) = self.workshop.validate_inputs(*step) {
                let id = e
                    .field()
                    .and_then(|f| input_id(f, step.party()))
                    .unwrap_or_else(|| step.id());
                errors.push((id, e.error.to_string()));
            }
        }
        errors
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.apply(action)
    }
}

impl AppState {
    /// The state after `action`; every change the page makes goes through here.
    pub fn apply(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::SetPassphrase(value) => {
                match pki::keys::check_passphrase(&value) {
                    Ok(()) => state.errors.remove(PASSPHRASE_INPUT),
                    Err(e) => state.errors.insert(PASSPHRASE_INPUT.into(), e.to_string()),
                };
                state.passphrase = value;
            }
            Action::SetPlainKeys(plain) => state.plain_keys = plain,
            Action::SetIntermediates(on) => state.settings_mut().use_intermediates = on,
            Action::SetTlsVersion(version) => state.settings_mut().tls_version = version,
            Action::SetAlgorithm(party, algorithm) => {
                state.settings_mut().cert_mut(party).algorithm = algorithm
            }
            Action::SetSubject(party, short, value) => {
                let input = subject_input(party, short);
                let mut subject = state.workshop.settings.cert(party).subject.clone();
                subject.set(short, value);
                // Keep what was typed; show the problem by the field until it is fixed.
                match subject.validate() {
                    Err(e)
                        if e.field().and_then(|f| input_id(f, Some(party)))
                            == Some(input.clone()) =>
                    {
                        state.errors.insert(input, e.to_string());
                    }
                    _ => {
                        state.errors.remove(&input);
                    }
                }
                state.settings_mut().cert_mut(party).subject = subject;
            }
            Action::SetDays(party, raw) => {
                let input = days_input(party);
                let parsed = raw.trim().parse::<u32>().map_err(|_| {
                    pki::PkiError::input(
                        pki::InputField::Days,
                        format!(
                            "Validity must be a whole number of days, 1 to {}.",
                            pki::cert::MAX_DAYS
                        ),
                    )
                });
                match parsed.and_then(|d| pki::cert::check_days(d).map(|()| d)) {
                    Ok(days) => {
                        state.settings_mut().cert_mut(party).days = days;
                        state.errors.remove(&input);
                        state.drafts.remove(&input);
                    }
                    Err(e) => {
                        state.errors.insert(input.clone(), e.to_string());
                        state.drafts.insert(input, raw);
                    }
                }
            }
            Action::SetSans(raw) => match San::parse_list(&raw) {
                Ok(sans) => {
                    state.settings_mut().server_sans = sans;
                    state.errors.remove(SANS_INPUT);
                    state.drafts.remove(SANS_INPUT);
                }
                Err(e) => {
                    state.errors.insert(SANS_INPUT.into(), e.to_string());
                    state.drafts.insert(SANS_INPUT.into(), raw);
                }
            },
            Action::UseSeedKeySizes => {
                let settings = state.workshop.settings.clone().with_seed_key_sizes();
                *state.settings_mut() = settings;
            }
            Action::UseFastKeys => {
                for party in Party::ALL {
                    state.settings_mut().cert_mut(party).algorithm = KeyAlgorithm::EcdsaP256;
                }
            }
            Action::Refuse(errors) => {
                for (id, message) in errors {
                    state.errors.insert(id, message);
                }
            }
            Action::Begin {
                run,
                waiting_for_turn,
                total,
                started_ms,
            } => {
                if state.busy.is_none() {
                    state.next_run = run + 1;
                    // The run that finishes a restore keeps the restore's notice.
                    if !std::mem::take(&mut state.step8_after_restore) {
                        state.notice = None;
                    }
                    let before = state.workshop.clone();
                    let label = if waiting_for_turn {
                        WAITING_FOR_TURN
                    } else {
                        STARTING
                    };
                    state.busy = Some(Busy {
                        run,
                        label: label.into(),
                        started_ms,
                        done: 0,
                        total,
                        waiting_for_turn,
                        before,
                    });
                }
            }
            Action::Progress { run, label } => {
                if let Some(busy) = state.busy.as_mut().filter(|b| b.run == run) {
                    busy.label = label;
                    busy.waiting_for_turn = false;
                }
            }
            Action::Cancel { run } => {
                if let Some(busy) = state.busy.take_if(|b| b.run == run) {
                    state.workshop = busy.before;
                    state.notice =
                        Some("Cancelled: the workshop is as it was before the run.".into());
                }
            }
            Action::Commit { run, made } => {
                for made in made {
                    if state.busy.as_ref().is_none_or(|b| b.run != run) {
                        break;
                    }
                    let workshop = Rc::make_mut(&mut state.workshop);
                    let (step, result) = match made {
                        Made::Step(products) => (products.step, workshop.commit(products)),
                        Made::Handshakes(outcomes) => {
                            (StepId::Handshake, workshop.set_handshakes(outcomes))
                        }
                    };
                    state.step_done(step, result.map_err(|e| e.error.into()));
                }
            }
            Action::Fail { run, step, error } => {
                if state.busy.as_ref().is_some_and(|b| b.run == run) {
                    state.step_done(step, Err(error));
                }
            }
            Action::Finish {
                run,
                now_ms,
                keys_made,
            } => {
                if let Some(busy) = state.busy.as_ref().filter(|b| b.run == run) {
                    state.last_run_ms = Some(now_ms - busy.started_ms);
                    state.last_run_keys = keys_made;
                    state.busy = None;
                }
            }
            Action::LabBegin {
                generation,
                scenarios,
            } => {
                let lab = Rc::make_mut(&mut state.lab);
                if generation != lab.generation {
                    lab.runs.clear();
                    lab.generation = generation;
                }
                lab.runs.retain(|(s, _)| !scenarios.contains(s));
                lab.running = Some((0, scenarios.len()));
            }
            Action::LabResult {
                generation,
                scenario,
                result,
            } => {
                if generation == state.lab.generation {
                    let lab = Rc::make_mut(&mut state.lab);
                    lab.runs.push((scenario, result));
                    // Shown in the scenarios' own order, whichever ran last.
                    lab.runs
                        .sort_by_key(|(s, _)| LabScenario::ALL.iter().position(|a| a == s));
                    if let Some((done, _)) = lab.running.as_mut() {
                        *done += 1;
                    }
                }
            }
            Action::LabDone { generation } => {
                if generation == state.lab.generation {
                    let lab = Rc::make_mut(&mut state.lab);
                    lab.running = None;
                    if lab.selected.is_none() {
                        lab.selected = lab.runs.first().map(|(s, _)| *s);
                    }
                }
            }
            Action::LabSelect(scenario) => Rc::make_mut(&mut state.lab).selected = Some(scenario),
            Action::KeyReady { path, file } => {
                // Only keep it if it still matches the key and the passphrase choice.
                if state.protection() == file.protection
                    && ARTIFACTS.iter().any(|a| {
                        a.path == path
                            && matches!(a.kind, crate::workshop::ArtifactKind::Key(p) if state.workshop.key(p) == Some(&file.key))
                    })
                {
                    Rc::make_mut(&mut state.key_files).insert(path, file);
                    state.key_files_version += 1;
                }
            }
            Action::P12Failed(why) => {
                state.p12_error = Some(why);
                state.key_files_version += 1;
            }
            Action::SetP12Alias(alias) => state.p12_alias = alias,
            Action::SetP12IncludeRoot(include) => state.p12_include_root = include,
            Action::SetP12Password(password) => state.p12_password = password,
            Action::P12Ready(file) => {
                state.p12_error = None;
                if file.generation == state.workshop.generation()
                    && state.p12_export().as_ref() == Ok(&file.export)
                {
                    let files = Rc::make_mut(&mut state.p12_files);
                    files.retain(|f| f.kind != file.kind);
                    files.push(file);
                    state.key_files_version += 1;
                }
            }
            Action::SetExternalCsr(text) => state.external_csr = text,
            Action::SignExternalCsr { now } => {
                match state.workshop.sign_external_csr(&state.external_csr, now) {
                    Ok(cert) => {
                        state.external_cert = Some(cert);
                        state.errors.remove(EXTERNAL_CSR_INPUT);
                    }
                    Err(e) => {
                        state
                            .errors
                            .insert(EXTERNAL_CSR_INPUT.into(), e.to_string());
                    }
                }
            }
            Action::SetOwnKey(text) => state.own_key = text,
            Action::SetOwnKeyPassphrase(text) => state.own_key_passphrase = text,
            Action::UseOwnKey { key, now } if state.busy.is_none() => {
                state.errors.remove(OWN_KEY_INPUT);
                state.errors.remove(OWN_KEY_PASSPHRASE_INPUT);
                match Rc::make_mut(&mut state.workshop).use_b_key(key, now) {
                    Ok(()) => {
                        state.errors.remove(&StepId::BCsr.id());
                    }
                    Err(e) => {
                        state.errors.insert(OWN_KEY_INPUT.into(), e.to_string());
                    }
                }
            }
            Action::UseOwnKey { .. } => {}
            Action::OwnKeyRefused(error) => {
                state.errors.remove(OWN_KEY_INPUT);
                state.errors.remove(OWN_KEY_PASSPHRASE_INPUT);
                let field = match error {
                    CoreError::WrongPassphrase => OWN_KEY_PASSPHRASE_INPUT,
                    _ => OWN_KEY_INPUT,
                };
                state.errors.insert(field.into(), error.to_string());
            }
            Action::ShowCommands(step, show) => {
                if show {
                    state.commands_tab.insert(step);
                } else {
                    state.commands_tab.remove(&step);
                }
            }
            Action::Copied(id) => state.copied = Some(id),
            Action::SetCheckText(text) => state.check_text = text,
            Action::CertificateChecked(result) => match result {
                Ok(check) => {
                    state.check = Some(Rc::from(check));
                    state.errors.remove(CHECK_CERT_INPUT);
                }
                Err(e) => {
                    state.errors.insert(CHECK_CERT_INPUT.into(), e.to_string());
                }
            },
            Action::SetCrlText(text) => state.crl_text = text,
            Action::CrlChecked(result) => match result {
                Ok(check) => {
                    state.crl_check = Some(Rc::from(check));
                    state.errors.remove(CHECK_CRL_INPUT);
                }
                Err(e) => {
                    state.errors.insert(CHECK_CRL_INPUT.into(), e.to_string());
                }
            },
            Action::RestoreBegin => state.restoring = true,
            Action::Restored(result) => {
                state.restoring = false;
                match result {
                    Ok(workshop) => {
                        state.workshop = Rc::from(workshop);
                        state.pending_restore = None;
                        state.errors.remove(PASSPHRASE_INPUT);
                        state.notice = Some("Restored the workshop saved in this browser.".into());
                    }
                    Err(CoreError::WrongPassphrase) => {
                        state.errors.insert(
                            PASSPHRASE_INPUT.into(),
                            "This passphrase does not open the saved keys.".into(),
                        );
                    }
                    Err(e) => {
                        state.errors.insert(
                            PASSPHRASE_INPUT.into(),
                            format!("The saved workshop could not be restored: {e}"),
                        );
                    }
                }
            }
            Action::DiscardSaved => state.pending_restore = None,
            Action::Saved(note) => state.saved_note = note,
            Action::Revocation(action) => revocation::apply(&mut state, action),
            Action::Reset => {
                let fresh = AppState {
                    notice: Some("Started over: every key and certificate is gone from this page and this browser.".into()),
                    // Run ids go on: the page's run control remembers the last started and
                    // cancelled ones, and a new run must be neither.
                    next_run: state.next_run,
                    ..AppState::default()
                };
                return Rc::new(fresh);
            }
            Action::Uploaded(input, text) => {
                state.errors.remove(input);
                match input {
                    EXTERNAL_CSR_INPUT => state.external_csr = text,
                    OWN_KEY_INPUT => state.own_key = text,
                    CHECK_CRL_INPUT => state.crl_text = text,
                    _ => state.check_text = text,
                }
            }
        }
        Rc::new(state)
    }
}
