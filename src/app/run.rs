//! Long work, in order: running steps, restoring the saved workshop, running the lab. Each is
//! a sequence of typed requests to [`Services`] and of [`Action`]s for the state; nothing here
//! touches the DOM, so the order, cancellation and failures are tested natively.

use super::key_lanes;
use super::state::revocation::RevocationAction;
use super::state::{Action, AppState, JudgedRun, Made};
use crate::pki::signed_outside::{GivenSignatures, Wanted};
use crate::pki::{KeyAlgorithm, PrivateKey};
use crate::tls::{HandshakeJob, Outcome};
use crate::workshop::job::{StepJob, StepProducts};
use crate::workshop::lab::{LabInputs, LabRun, LabScenario, SeedRuns, Setup};
use crate::workshop::protocol::{CoreError, Reply, Work};
use crate::workshop::saved::Saved;
use crate::workshop::{Party, StepId, Workshop};
use futures_channel::oneshot;
use futures_util::future::{select, Either};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::pin::pin;
use std::rc::Rc;

/// Where a new key was made, for the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeySource {
    WebCrypto,
    /// The WebCrypto of a sandboxed frame of the page's own, which Chromium runs in a
    /// process of its own.
    Frame,
    Worker,
    Wasm,
}

impl KeySource {
    pub fn label(self) -> &'static str {
        match self {
            KeySource::WebCrypto => "WebCrypto",
            KeySource::Frame => "WebCrypto in a sandboxed frame",
            KeySource::Worker => "a Web Worker",
            KeySource::Wasm => "wasm",
        }
    }
}

/// Where a request runs: on the page's thread (an EC step's signing, work of milliseconds,
/// where a round trip to the worker would cost more than the work), or in the core module,
/// which alone runs handshakes, the lab and the opening of saved keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Page,
    Heavy,
}

/// What the page provides to long work: keys, an executor for requests, a way to let the
/// browser paint, and clocks. The browser's is in `browser.rs`; the tests have a fake.
// The app is single-threaded (wasm), so these futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Services {
    async fn generate_key(
        &self,
        algorithm: KeyAlgorithm,
    ) -> Result<(PrivateKey, KeySource), CoreError>;
    /// An RSA key from WebCrypto in a sandboxed frame: where the browser gives that frame a
    /// process of its own (Chromium does), its WebCrypto makes keys beside the page's.
    /// Dropping the future drops the frame, so a key nobody waits for is not made to the end.
    async fn generate_rsa_in_frame(&self, algorithm: KeyAlgorithm)
        -> Result<PrivateKey, CoreError>;
    /// An RSA key from a key worker of its own (the core module's rsa crate in wasm), made on
    /// another core while WebCrypto makes others. Dropping the future stops the worker.
    async fn generate_rsa_beside(&self, bits: usize) -> Result<PrivateKey, CoreError>;
    async fn execute(&self, work: Work, place: Place) -> Result<Reply, CoreError>;
    /// Whether [`sign_rsa`](Services::sign_rsa) works here: the browser's WebCrypto, which
    /// signs RSA many times faster than wasm, and only in a secure context.
    fn signs_rsa(&self) -> bool;
    /// Signs `message` with an RSA key, PKCS#1 v1.5 with SHA-256, outside the wasm.
    async fn sign_rsa(&self, key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>, CoreError>;
    /// Ends the page's task: the next piece of work runs in a new one, after any input and
    /// painting that are due.
    async fn pause(&self);
    /// The run's turn among the runs of this browser's tabs, which go one at a time: ten runs
    /// at once on two cores stretch each page's every task many times over, to no gain, as the
    /// cores are busy either way. Calls `known` once, as soon as it is known whether the run
    /// goes at once or waits for another tab's run, so that the page draws the run's start
    /// once, saying which. The browser asks as this is called, before the future is polled.
    fn turn<'a>(
        &'a self,
        known: &'a dyn Fn(TurnStart),
    ) -> impl std::future::Future<Output = Turn> + 'a;
    /// Waits until the work a run set off in the page (its results drawn, its key files, its
    /// archive) has landed.
    async fn settle(&self);
    /// Starts loading the heavy-work executor, so it is ready when the keys are.
    fn warm_up(&self);
    /// Milliseconds on the page's clock, for the time a run took.
    fn now_ms(&self) -> f64;
    /// Seconds since the Unix epoch, for certificates' validity.
    fn unix_now(&self) -> u64;
    /// Marks a moment of a run on the page's performance timeline, for the benchmark.
    fn mark(&self, _name: &str) {}
}

/// What a page shares with the runs its clicks start.
#[derive(Default)]
pub struct RunControl {
    /// A run's id, set by Cancel: the run stops before its next piece of work.
    cancelled: Cell<u64>,
    /// The last run started. Its start is drawn only once its turn is known, so a second
    /// click before then still sees no run under way: this keeps it from starting another.
    started: Cell<Option<u64>>,
}

impl RunControl {
    pub fn cancel(&self, run: u64) {
        self.cancelled.set(run)
    }

    fn is_cancelled(&self, run: u64) -> bool {
        self.cancelled.get() == run
    }

    /// Whether `run` may start: no run of that id or a later one has.
    fn start(&self, run: u64) -> bool {
        if self.started.get().is_some_and(|started| started >= run) {
            return false;
        }
        self.started.set(Some(run));
        true
    }
}

/// Whether a run goes at once or waits for another tab's run to end first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnStart {
    Now,
    AfterAnotherTab,
}

/// A run's turn among this browser's tabs: it passes to the next run waiting when dropped.
pub struct Turn(Option<Box<dyn FnOnce()>>);

impl Turn {
    /// A turn that waits for nobody and that nobody waits for.
    pub fn alone() -> Self {
        Turn(None)
    }

    pub fn passed_on_by(release: impl FnOnce() + 'static) -> Self {
        Turn(Some(Box::new(release)))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            release()
        }
    }
}

pub use super::state::{STARTING, WAITING_FOR_TURN};

fn other_reply() -> CoreError {
    CoreError::Unreadable("a reply to other work".into())
}

/// Has the core module do `work`, and takes the reply `pick` expects: any other is refused.
pub async fn core_reply<S: Services, T>(
    services: &S,
    work: Work,
    pick: impl FnOnce(Reply) -> Option<T>,
) -> Result<T, CoreError> {
    pick(services.execute(work, Place::Heavy).await?).ok_or_else(other_reply)
}

/// A step's signing. A job with [`GivenSignatures`] comes back with the messages it wants
/// signed, has the page sign them and runs again: a CA step's CSR, then its certificate.
pub async fn step<S: Services>(
    services: &S,
    job: &StepJob,
    place: Place,
) -> Result<StepProducts, CoreError> {
    let mut job = job.clone();
    // Each round signs at least one more message: a step signs two at most.
    for _ in 0..4 {
        match services.execute(Work::Step(job.clone()), place).await? {
            Reply::Step { csr, cert } => return Ok(StepProducts::from_reply(&job, csr, cert)),
            Reply::SignaturesWanted(wanted) => {
                for wanted in wanted {
                    let Ok(signature) = sign_wanted(services, &job, &wanted).await else {
                        // WebCrypto refused (some browsers disable it): the worker signs.
                        job.outside = None;
                        return signed_in_worker(services, &job).await;
                    };
                    let given = job.outside.as_mut().ok_or_else(other_reply)?;
                    given.give(wanted, signature);
                }
            }
            _ => return Err(other_reply()),
        }
    }
    Err(CoreError::Unreadable(
        "a step that kept asking for signatures".into(),
    ))
}

async fn signed_in_worker<S: Services>(
    services: &S,
    job: &StepJob,
) -> Result<StepProducts, CoreError> {
    match services
        .execute(Work::Step(job.clone()), Place::Heavy)
        .await?
    {
        Reply::Step { csr, cert } => Ok(StepProducts::from_reply(job, csr, cert)),
        _ => Err(other_reply()),
    }
}

/// Signs a wanted message with whichever of the job's keys it names.
async fn sign_wanted<S: Services>(
    services: &S,
    job: &StepJob,
    wanted: &Wanted,
) -> Result<Vec<u8>, CoreError> {
    let issuer_key = job.issuer.as_ref().map(|(_, key)| key);
    let key = [job.key.as_ref(), issuer_key]
        .into_iter()
        .flatten()
        .find(|key| key.spki_der() == wanted.spki.as_slice())
        .ok_or_else(|| CoreError::Key("a signature by a key the step does not hold".into()))?;
    services.sign_rsa(key, &wanted.message).await
}

/// One handshake.
pub async fn handshake<S: Services>(
    services: &S,
    job: HandshakeJob,
    place: Place,
) -> Result<Outcome, CoreError> {
    match services.execute(Work::Handshake(job), place).await? {
        Reply::Handshake(outcome) => Ok(outcome),
        _ => Err(other_reply()),
    }
}

/// Step 8's runs, in the core module.
async fn seed_runs<S: Services>(
    services: &S,
    workshop: &Workshop,
) -> Result<Vec<(LabScenario, Outcome)>, CoreError> {
    let work = Work::SeedRuns(SeedRuns::of(workshop));
    match services.execute(work, Place::Heavy).await? {
        Reply::SeedRuns(outcomes) => Ok(outcomes),
        _ => Err(other_reply()),
    }
}

/// Builds one lab scenario's files (fresh certificates may take RSA-4096 signatures), then
/// runs its handshake. The files come back with the run, so that the row can hand the very
/// ones rustls judged to openssl.
pub async fn lab_scenario<S: Services>(
    services: &S,
    inputs: &LabInputs,
    scenario: LabScenario,
) -> Result<(LabRun, Setup), CoreError> {
    let work = Work::Lab {
        inputs: inputs.clone(),
        scenario,
        now: services.unix_now(),
    };
    let Reply::Lab(job) = services.execute(work, Place::Heavy).await? else {
        return Err(other_reply());
    };
    let outcome = handshake(services, job.clone(), Place::Heavy).await?;
    let setup = Setup {
        scenario,
        server: job.server,
        client: job.client,
        version: job.version,
    };
    Ok((LabRun { scenario, outcome }, setup))
}

/// Runs `steps` from the state at the click, committing to a working copy of the workshop so
/// the next step's job sees the last one's products. Fast (EC) runs, and RSA runs without
/// WebCrypto, make all their keys at once first; EC runs then stay on the page and commit once.
/// RSA runs with WebCrypto make their keys in two lanes (`key_lanes`) and send each step on as
/// soon as its key is there. RSA runs commit step by step, pausing between steps so the page
/// keeps painting.
pub async fn run_steps<S: Services>(
    services: &S,
    dispatch: &dyn Fn(Action),
    state: &AppState,
    steps: Vec<StepId>,
    control: &RunControl,
) {
    if state.busy.is_some() {
        return;
    }
    let errors = state.input_errors(&steps);
    if !errors.is_empty() {
        dispatch(Action::Refuse(errors));
        return;
    }
    let run = state.next_run_id();
    let workshop = Workshop::clone(&state.workshop);
    let settings = workshop.settings.clone();
    let fast = Party::ALL
        .iter()
        .all(|party| settings.cert(*party).algorithm.rsa_bits().is_none());
    // Step 8 runs in the worker whatever the keys: it should be loaded by then. The page
    // starts it at load; this only matters where that failed.
    services.warm_up();
    if !control.start(run) {
        return;
    }
    let total = steps.len();
    // Drawn once the turn is known: ten tabs clicked at once would otherwise each draw the
    // run's start, then draw it again to say that they wait, all at the same moment.
    let waited = Cell::new(false);
    let begin = |start: TurnStart| {
        let waiting_for_turn = start == TurnStart::AfterAnotherTab;
        waited.set(waiting_for_turn);
        dispatch(Action::Begin {
            run,
            waiting_for_turn,
            total,
            started_ms: services.now_ms(),
        })
    };
    let turn = services.turn(&begin);
    let wanted: Vec<(StepId, KeyAlgorithm)> = steps
        .iter()
        .filter_map(|step| step.party().map(|p| (*step, settings.cert(p).algorithm)))
        .collect();
    let signing = match (fast, services.signs_rsa()) {
        (true, _) => Signing::Page,
        (false, true) => Signing::PageWithWebCrypto,
        (false, false) => Signing::Worker,
    };
    let run_of = RunOfSteps {
        services,
        dispatch,
        run,
        control,
        workshop,
        signing,
        sources: KeySources::new(),
    };
    let _turn = turn.await;
    if control.is_cancelled(run) {
        return;
    }
    if waited.get() {
        dispatch(Action::Progress {
            run,
            label: STARTING.into(),
        });
    }
    run_of.run(steps, wanted).await;
    // The turn passes on once what the run set off in the page (its results drawn, its key
    // files, its archive) has landed too: that work is the run's as much as its steps are.
    services.settle().await;
}

/// One run's steps on the working copy of the workshop.
struct RunOfSteps<'a, S: Services> {
    services: &'a S,
    dispatch: &'a dyn Fn(Action),
    run: u64,
    control: &'a RunControl,
    workshop: Workshop,
    signing: Signing,
    sources: KeySources,
}

impl<S: Services> RunOfSteps<'_, S> {
    /// The keys, then the steps as their keys come.
    async fn run(self, steps: Vec<StepId>, wanted: Vec<(StepId, KeyAlgorithm)>) {
        let (services, dispatch, run) = (self.services, self.dispatch, self.run);
        // The busy page is drawn in the click's task; the keys start in the next.
        services.pause().await;
        services.mark("mtls-lab:keys-start");
        if !matches!(self.signing, Signing::PageWithWebCrypto) {
            let made = make_keys(services, dispatch, run, wanted).await;
            services.mark("mtls-lab:keys-made");
            let keys = match made {
                Ok(keys) => keys,
                Err((step, error)) => return dispatch(Action::Fail { run, step, error }),
            };
            let made = keys.into_iter().map(|(step, made)| {
                let (sender, receiver) = oneshot::channel();
                let _ = sender.send(Ok(made));
                (step, receiver)
            });
            return self.steps_as_keys_come(steps, made.collect()).await;
        }
        // Each key goes to its step as it comes, while the next keys are made.
        let keys_total = wanted.len();
        dispatch(Action::Progress {
            run,
            label: format!(
                "Generating {keys_total} keys, each step going on once its key is ready…"
            ),
        });
        // One channel a key: each step waits for its own, whichever lane gives it.
        let (mut senders, mut receivers) = (BTreeMap::new(), BTreeMap::new());
        for (step, _) in &wanted {
            let (sender, receiver) = oneshot::channel();
            senders.insert(*step, sender);
            receivers.insert(*step, receiver);
        }
        let senders = RefCell::new(senders);
        let ready = Cell::new(0usize);
        let give = |step: StepId, made: key_lanes::Given| {
            ready.set(ready.get() + 1);
            if ready.get() == keys_total {
                services.mark("mtls-lab:keys-made");
            }
            if let Ok((key, source)) = &made {
                let label = keys_ready(keys_total, ready.get(), key.algorithm(), *source);
                dispatch(Action::Progress { run, label });
            }
            if let Some(sender) = senders.borrow_mut().remove(&step) {
                let _ = sender.send(made);
            }
        };
        let lanes = key_lanes::make(services, wanted, &give);
        let steps = self.steps_as_keys_come(steps, receivers);
        // The steps end the run; the lanes end once every key is given.
        let (steps, lanes) = (pin!(steps), pin!(lanes));
        if let Either::Right(((), steps)) = select(steps, lanes).await {
            steps.await;
        }
    }

    /// The steps, each of `coming` waiting for its key from its channel (made already, or
    /// to come from the key lanes).
    async fn steps_as_keys_come(
        mut self,
        steps: Vec<StepId>,
        mut coming: BTreeMap<StepId, oneshot::Receiver<key_lanes::Given>>,
    ) {
        let mut batch = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let mut key = None;
            if let Some(receiver) = coming.remove(step) {
                let given = receiver
                    .await
                    .unwrap_or_else(|_| Err(CoreError::Key("no key came for this step".into())));
                match given {
                    Ok((made, source)) => key = Some(self.counted(made, source)),
                    Err(error) => {
                        let run = self.run;
                        return (self.dispatch)(Action::Fail {
                            run,
                            step: *step,
                            error,
                        });
                    }
                }
            }
            match self.step(index, steps.len(), *step, key).await {
                Some(made) => batch.extend(made),
                None => return,
            }
        }
        self.finish(batch);
    }

    fn counted(&mut self, key: PrivateKey, source: KeySource) -> PrivateKey {
        *self
            .sources
            .entry((source, key.algorithm().label()))
            .or_default() += 1;
        key
    }

    /// One step: what it made, to commit with the others (EC), or `Some(None)` once committed
    /// (RSA); `None` where the run stopped (cancelled or failed).
    async fn step(
        &mut self,
        index: usize,
        total: usize,
        step: StepId,
        key: Option<PrivateKey>,
    ) -> Option<Option<Made>> {
        let run = self.run;
        if self.control.is_cancelled(run) {
            return None;
        }
        let fast = matches!(self.signing, Signing::Page);
        if !fast {
            let label = format!(
                "Step {} ({} of {total}): {}…",
                step.number(),
                index + 1,
                step.title()
            );
            (self.dispatch)(Action::Progress { run, label });
        }
        // Each step in a task of its own, so that none holds the page long.
        self.services.pause().await;
        let made = do_step(self.services, &mut self.workshop, step, key, self.signing).await;
        let made = match made {
            Ok(made) => made,
            Err(error) => {
                (self.dispatch)(Action::Fail { run, step, error });
                return None;
            }
        };
        if fast {
            return Some(Some(made));
        }
        (self.dispatch)(Action::Commit {
            run,
            made: vec![made],
        });
        Some(None)
    }

    fn finish(self, batch: Vec<Made>) {
        let run = self.run;
        if self.control.is_cancelled(run) {
            return;
        }
        if !batch.is_empty() {
            // EC steps take well under a millisecond each: one action, one render.
            (self.dispatch)(Action::Commit { run, made: batch });
        }
        let keys_made = self
            .sources
            .iter()
            .map(|((source, algorithm), n)| format!("{n} × {algorithm} from {}", source.label()))
            .collect::<Vec<_>>()
            .join(", ");
        (self.dispatch)(Action::Finish {
            run,
            now_ms: self.services.now_ms(),
            keys_made,
        });
    }
}

/// The progress line as keys come in.
fn keys_ready(total: usize, ready: usize, latest: KeyAlgorithm, source: KeySource) -> String {
    format!(
        "Generating {total} keys: {ready} ready, the latest an {} key from {}.",
        latest.label(),
        source.label()
    )
}

/// Counts of keys made, by where and of what kind.
type KeySources = BTreeMap<(KeySource, &'static str), usize>;

/// Makes every key the run needs at once: EC keys, and RSA keys from workers where WebCrypto
/// cannot make them.
async fn make_keys<S: Services>(
    services: &S,
    dispatch: &dyn Fn(Action),
    run: u64,
    wanted: Vec<(StepId, KeyAlgorithm)>,
) -> Result<BTreeMap<StepId, (PrivateKey, KeySource)>, (StepId, CoreError)> {
    let keys_total = wanted.len();
    if keys_total > 0 {
        dispatch(Action::Progress {
            run,
            label: format!("Generating {keys_total} keys in parallel…"),
        });
    }
    let ready = Cell::new(0usize);
    let jobs = wanted.into_iter().map(|(step, algorithm)| {
        let ready = &ready;
        async move {
            let result = services.generate_key(algorithm).await;
            ready.set(ready.get() + 1);
            // EC keys are ready at once; a render per key would cost more than the keys.
            if let (Ok((_, source)), Some(_)) = (&result, algorithm.rsa_bits()) {
                let label = keys_ready(keys_total, ready.get(), algorithm, *source);
                dispatch(Action::Progress { run, label });
            }
            (step, result)
        }
    });
    let mut keys = BTreeMap::new();
    for (step, result) in futures_util::future::join_all(jobs).await {
        keys.insert(step, result.map_err(|e| (step, e))?);
    }
    Ok(keys)
}

/// Where a run's steps sign.
#[derive(Clone, Copy)]
enum Signing {
    /// EC keys, on the page: a round trip to the worker would cost more than the work.
    Page,
    /// RSA keys, on the page, each RSA signature made by WebCrypto.
    PageWithWebCrypto,
    /// RSA keys without WebCrypto: in the worker, in wasm, off the page's thread.
    Worker,
}

/// One step on the working copy: its signing, or step 8's runs.
async fn do_step<S: Services>(
    services: &S,
    workshop: &mut Workshop,
    step: StepId,
    key: Option<PrivateKey>,
    signing: Signing,
) -> Result<Made, CoreError> {
    if step == StepId::Handshake {
        workshop.validate(step).map_err(|e| e.error)?;
        let outcomes = seed_runs(services, workshop).await?;
        workshop
            .set_handshakes(outcomes.clone())
            .map_err(|e| e.error)?;
        return Ok(Made::Handshakes(outcomes));
    }
    let mut job = workshop
        .job_with_key(step, key, services.unix_now())
        .map_err(|e| e.error)?;
    let place = match signing {
        Signing::Page => Place::Page,
        Signing::PageWithWebCrypto => {
            job.outside = Some(GivenSignatures::new()?);
            Place::Page
        }
        Signing::Worker => Place::Heavy,
    };
    let products = self::step(services, &job, place).await?;
    workshop.commit(products.clone()).map_err(|e| e.error)?;
    Ok(Made::Step(products))
}

/// Has the core module read Client B's own key (its module alone reads encrypted and
/// traditional key files), then step 5 signs B's CSR with it.
pub async fn use_own_key<S: Services>(services: &S, dispatch: &dyn Fn(Action), state: &AppState) {
    let work = Work::ReadKey {
        pem: state.own_key.clone(),
        passphrase: state.own_key_passphrase.clone(),
    };
    dispatch(match services.execute(work, Place::Heavy).await {
        Ok(Reply::Key(key)) => Action::UseOwnKey {
            key,
            now: services.unix_now(),
        },
        Ok(_) => Action::OwnKeyRefused(other_reply()),
        Err(e) => Action::OwnKeyRefused(e),
    });
}

/// Has the core module decode the pasted certificate and try it against the workshop's CAs.
pub async fn check_certificate<S: Services>(
    services: &S,
    dispatch: &dyn Fn(Action),
    state: &AppState,
) {
    let work = Work::CheckCertificate {
        files: state.workshop.files(),
        text: state.check_text.clone(),
        now: services.unix_now(),
    };
    let checked = core_reply(services, work, |reply| match reply {
        Reply::CertificateCheck(check) => Some(check),
        _ => None,
    });
    dispatch(Action::CertificateChecked(checked.await));
}

/// Has the core module check the pasted CRL against C's CAs.
pub async fn check_crl<S: Services>(services: &S, dispatch: &dyn Fn(Action), state: &AppState) {
    let work = Work::CheckCrl {
        files: state.workshop.files(),
        text: state.crl_text.clone(),
        now: services.unix_now(),
    };
    let checked = core_reply(services, work, |reply| match reply {
        Reply::CrlCheck(check) => Some(check),
        _ => None,
    });
    dispatch(Action::CrlChecked(checked.await));
}

/// Opens the saved keys with the heavy executor (PBKDF2 would hold up the page), rebuilds
/// the workshop, and runs step 8 there too when its steps are all done.
pub async fn restore<S: Services>(
    services: &S,
    text: &str,
    passphrase: &str,
) -> Result<Box<Workshop>, CoreError> {
    let saved = Saved::parse(text)?;
    let work = Work::OpenKeys {
        saved: text.to_string(),
        passphrase: passphrase.to_string(),
    };
    let Reply::OpenedKeys(keys) = services.execute(work, Place::Heavy).await? else {
        return Err(other_reply());
    };
    let mut workshop = saved.restore_with_keys(keys)?;
    if workshop.validate(StepId::Handshake).is_ok() {
        let outcomes = seed_runs(services, &workshop).await?;
        workshop.set_handshakes(outcomes).map_err(|e| e.error)?;
    }
    Ok(Box::new(workshop))
}

/// Restores the saved workshop waiting for its passphrase, once.
pub async fn restore_saved<S: Services>(services: &S, dispatch: &dyn Fn(Action), state: &AppState) {
    let Some(text) = state.pending_restore.as_deref() else {
        return;
    };
    if state.restoring {
        return;
    }
    dispatch(Action::RestoreBegin);
    let restored = restore(services, text, &state.passphrase).await;
    dispatch(Action::Restored(restored));
}

/// Runs lab scenarios with the heavy executor, one after the other, so the page keeps
/// answering; each result lands as it comes.
pub async fn run_lab<S: Services>(
    services: &S,
    dispatch: &dyn Fn(Action),
    state: &AppState,
    scenarios: Vec<LabScenario>,
) {
    if state.lab.running.is_some() || state.busy.is_some() {
        return;
    }
    let inputs = LabInputs::of(&state.workshop);
    let generation = state.workshop.generation();
    dispatch(Action::LabBegin {
        generation,
        scenarios: scenarios.clone(),
    });
    for scenario in scenarios {
        let result = lab_scenario(services, &inputs, scenario)
            .await
            .map(|(run, setup)| JudgedRun::new(run, setup));
        dispatch(Action::LabResult {
            generation,
            scenario,
            result,
        });
    }
    dispatch(Action::LabDone { generation });
}

pub use crate::workshop::revocation::RevocationChange;

/// Revokes B or publishes C's CRLs (signatures of milliseconds, even with RSA), then runs
/// step 8 again when it has run, so its verdict says what C now decides.
pub async fn change_revocation<S: Services>(
    services: &S,
    dispatch: &dyn Fn(Action),
    state: &AppState,
    change: RevocationChange,
    control: &RunControl,
) {
    if state.busy.is_some() {
        return;
    }
    let work = Work::Revocation {
        files: state.workshop.files(),
        revocation: state.workshop.revocation().clone(),
        change,
        now: services.unix_now(),
    };
    let revocation = match services.execute(work, Place::Heavy).await {
        Ok(Reply::Revocation(revocation)) => revocation,
        Ok(_) => return dispatch(Action::Revocation(RevocationAction::Refused(other_reply()))),
        Err(e) => return dispatch(Action::Revocation(RevocationAction::Refused(e))),
    };
    let mut workshop = (*state.workshop).clone();
    workshop.adopt_revocation(*revocation);
    let rerun = !workshop.handshakes().is_empty();
    let workshop = Rc::new(workshop);
    dispatch(Action::Revocation(RevocationAction::Changed(
        workshop.clone(),
    )));
    if rerun {
        let mut next = state.clone();
        next.workshop = workshop;
        run_steps(services, dispatch, &next, vec![StepId::Handshake], control).await;
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
