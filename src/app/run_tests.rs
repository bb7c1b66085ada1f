//! The orchestration driven by a fake page: the real core does the work, while the fake
//! answers late, fails where told, records what was asked, and clicks Cancel mid-run.

use super::*;
use crate::pki::{KeyAlgorithm, PrivateKey};
use crate::workshop::export::KeyProtection;
use crate::workshop::{Settings, StepId};
use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Polls a future to its end. The fake's futures wake themselves, so polling in a loop is a
/// complete executor for them.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
    panic!("the run never finished");
}

/// Pending `polls` times, then ready: an answer that comes late.
struct Late(usize);

impl Future for Late {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        context.waker().wake_by_ref();
        Poll::Pending
    }
}

#[derive(Default)]
struct Fake {
    /// How many polls each answer waits.
    late: usize,
    /// The n-th request (from 1) is refused with this error.
    fail_request: Option<(usize, CoreError)>,
    /// Key generation is refused with this error.
    fail_keys: Option<CoreError>,
    /// At the n-th request (from 1), the user clicks Cancel for this run.
    cancel_at: Option<(usize, u64)>,
    control: Rc<RunControl>,
    requests: RefCell<Vec<(String, Place)>>,
    pauses: Cell<usize>,
    warmed: Cell<bool>,
    /// The page has WebCrypto to sign RSA with; the fake signs with ring instead.
    signs_rsa: bool,
    /// WebCrypto is there but refuses to sign.
    refuse_signing: bool,
    /// The messages the run asked the page to sign, with the key's size.
    signed: RefCell<Vec<(usize, Vec<u8>)>>,
    /// How many times longer than the page's WebCrypto the sandboxed frame takes for a key.
    frame_slower: usize,
    /// The sandboxed frame cannot start.
    frame_refuses: bool,
    /// The sizes of the keys the sandboxed frame finished.
    frame_keys: RefCell<Vec<usize>>,
    /// How many times longer than WebCrypto the key worker takes for a key.
    worker_slower: usize,
    /// The key worker cannot start.
    worker_refuses: bool,
    /// The sizes of the keys the key worker finished.
    worker_keys: RefCell<Vec<usize>>,
    /// Keys made and requests asked, in the order they happened.
    events: RefCell<Vec<String>>,
    /// Actions the fake's user made (the Cancel click), in the same log as the run's.
    log: Rc<RefCell<Vec<Action>>>,
    /// Another tab's run has the turn for this many polls.
    turn_taken: usize,
    /// While it waits for its turn, the user clicks Cancel for this run.
    cancel_while_waiting: Option<u64>,
    /// Whether the run holds its turn now.
    holds_turn: Rc<Cell<bool>>,
    /// Keys made and requests asked by a run that did not hold its turn.
    outside_turn: Cell<usize>,
}

impl Fake {
    fn note_turn(&self) {
        if !self.holds_turn.get() {
            self.outside_turn.set(self.outside_turn.get() + 1);
        }
    }
}

fn work_name(work: &Work) -> String {
    match work {
        Work::Step(job) => format!("step {}", job.step.number()),
        Work::Handshake(_) => "handshake".into(),
        Work::SeedRuns(_) => "seed runs".into(),
        Work::Lab { scenario, .. } => format!("lab {}", scenario.id()),
        Work::OpenKeys { .. } => "open keys".into(),
        Work::Pkcs12(_) => "pkcs12".into(),
        Work::Diagnose(_) => "diagnose".into(),
        Work::ReadKey { .. } => "read key".into(),
        Work::EncryptKey { .. } => "encrypt key".into(),
        Work::GenerateKey(_) => "generate key".into(),
        Work::Revocation { .. } => "revocation".into(),
        Work::LookupMessage(_) => "lookup".into(),
        Work::Verify { .. } | Work::CheckCertificate { .. } | Work::CheckCrl { .. } => {
            "check".into()
        }
        Work::Zip(_) | Work::TreeZip { .. } | Work::Elsewhere { .. } | Work::Reproduce { .. } => {
            "download".into()
        }
    }
}

impl Services for Fake {
    async fn generate_key(
        &self,
        algorithm: KeyAlgorithm,
    ) -> Result<(PrivateKey, KeySource), CoreError> {
        self.note_turn();
        Late(self.late).await;
        if let Some(error) = &self.fail_keys {
            return Err(error.clone());
        }
        self.events.borrow_mut().push("key".into());
        Ok((PrivateKey::generate(algorithm)?, KeySource::Wasm))
    }

    async fn generate_rsa_in_frame(
        &self,
        algorithm: KeyAlgorithm,
    ) -> Result<PrivateKey, CoreError> {
        Late(self.late * self.frame_slower).await;
        if self.frame_refuses {
            return Err(CoreError::Key("the sandboxed frame did not start".into()));
        }
        self.frame_keys
            .borrow_mut()
            .push(algorithm.rsa_bits().unwrap_or_default());
        self.events.borrow_mut().push("key".into());
        Ok(PrivateKey::generate(algorithm)?)
    }

    async fn generate_rsa_beside(&self, bits: usize) -> Result<PrivateKey, CoreError> {
        Late(self.late * self.worker_slower).await;
        if self.worker_refuses {
            return Err(CoreError::Key("the key worker could not start".into()));
        }
        let algorithm = match bits {
            2048 => KeyAlgorithm::Rsa2048,
            _ => KeyAlgorithm::Rsa4096,
        };
        self.worker_keys.borrow_mut().push(bits);
        self.events.borrow_mut().push("key".into());
        Ok(PrivateKey::generate(algorithm)?)
    }

    async fn execute(&self, work: Work, place: Place) -> Result<Reply, CoreError> {
        let n = {
            let mut requests = self.requests.borrow_mut();
            requests.push((work_name(&work), place));
            requests.len()
        };
        self.events.borrow_mut().push(work_name(&work));
        self.note_turn();
        if let Some((at, run)) = self.cancel_at {
            if at == n {
                self.control.cancel(run);
                self.log.borrow_mut().push(Action::Cancel { run });
            }
        }
        Late(self.late).await;
        match &self.fail_request {
            Some((at, error)) if *at == n => Err(error.clone()),
            _ => work.run(),
        }
    }

    fn signs_rsa(&self) -> bool {
        self.signs_rsa
    }

    async fn sign_rsa(&self, key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>, CoreError> {
        use rcgen::SigningKey;
        Late(self.late).await;
        if self.refuse_signing {
            return Err(CoreError::Key("WebCrypto could not sign: disabled".into()));
        }
        let bits = key
            .algorithm()
            .rsa_bits()
            .expect("only RSA is signed outside");
        self.signed.borrow_mut().push((bits, message.to_vec()));
        Ok(key.signer()?.sign(message).expect("ring signs"))
    }

    async fn pause(&self) {
        self.pauses.set(self.pauses.get() + 1);
        Late(1).await
    }

    async fn turn<'a>(&'a self, known: &'a dyn Fn(TurnStart)) -> Turn {
        if self.turn_taken == 0 {
            known(TurnStart::Now);
        } else {
            known(TurnStart::AfterAnotherTab);
            self.events.borrow_mut().push("waited".into());
            if let Some(run) = self.cancel_while_waiting {
                self.control.cancel(run);
                self.log.borrow_mut().push(Action::Cancel { run });
            }
            Late(self.turn_taken).await;
        }
        self.holds_turn.set(true);
        let holds = self.holds_turn.clone();
        Turn::passed_on_by(move || holds.set(false))
    }

    async fn settle(&self) {
        let held = if self.holds_turn.get() {
            "in its turn"
        } else {
            "outside its turn"
        };
        self.events.borrow_mut().push(format!("settled {held}"));
        Late(self.late).await
    }

    fn warm_up(&self) {
        self.warmed.set(true)
    }

    fn now_ms(&self) -> f64 {
        1000.0
    }

    fn unix_now(&self) -> u64 {
        crate::clock::unix_now()
    }
}

fn all_steps(state: &AppState) -> Vec<StepId> {
    StepId::ALL
        .into_iter()
        .filter(|step| state.workshop.settings.includes(*step))
        .collect()
}

/// Runs every step from `state` with `fake`, and returns the actions in the order they came
/// and the state after them.
fn run_all(fake: &Fake, state: AppState) -> (Vec<Action>, Rc<AppState>) {
    let steps = all_steps(&state);
    let log = fake.log.clone();
    let send = |action| log.borrow_mut().push(action);
    block_on(run_steps(fake, &send, &state, steps, &fake.control));
    settle(&fake.log, Rc::new(state))
}

fn settle(log: &RefCell<Vec<Action>>, state: Rc<AppState>) -> (Vec<Action>, Rc<AppState>) {
    let actions = log.take();
    let mut state = state;
    for action in actions.iter().cloned() {
        state = state.apply(action);
    }
    (actions, state)
}

fn kind(action: &Action) -> String {
    match action {
        Action::Begin { .. } => "begin".into(),
        Action::Progress { .. } => "progress".into(),
        Action::Commit { made, .. } => format!("commit {}", made.len()),
        Action::Fail { step, .. } => format!("fail {}", step.number()),
        Action::Finish { .. } => "finish".into(),
        Action::Cancel { .. } => "cancel".into(),
        Action::Refuse(_) => "refuse".into(),
        Action::RestoreBegin => "restore begin".into(),
        Action::Restored(Ok(_)) => "restored".into(),
        Action::Restored(Err(_)) => "not restored".into(),
        Action::LabBegin { .. } => "lab begin".into(),
        Action::LabResult { result: Ok(_), .. } => "lab result".into(),
        Action::LabResult { result: Err(_), .. } => "lab refused".into(),
        Action::LabDone { .. } => "lab done".into(),
        _ => "other".into(),
    }
}

fn kinds(actions: &[Action]) -> Vec<String> {
    actions.iter().map(kind).collect()
}

fn rsa_client_settings() -> Settings {
    let mut settings = Settings::default();
    settings.cert_mut(Party::BClient).algorithm = KeyAlgorithm::Rsa2048;
    settings
}

fn with_settings(settings: Settings) -> AppState {
    let mut state = AppState::default();
    state.workshop = Rc::new(Workshop::new(settings));
    state
}

fn assert_seed_verdicts(state: &AppState) {
    let handshakes = state.workshop.handshakes();
    assert_eq!(handshakes.len(), 3);
    for (scenario, outcome) in handshakes {
        assert_eq!(
            outcome.result.is_ok(),
            scenario.should_succeed(),
            "{scenario:?}"
        );
    }
}

#[test]
fn a_fast_run_signs_on_the_page_runs_step_8_in_the_core_and_commits_once() {
    let fake = Fake::default();
    let state = AppState::default();
    let steps = all_steps(&state).len();
    let (actions, after) = run_all(&fake, state);
    assert_eq!(
        kinds(&actions),
        ["begin", "progress", &format!("commit {steps}"), "finish"]
    );
    // The signing stays on the page; step 8's runs go to the core in one request.
    let requests = fake.requests.borrow();
    let (runs, signing) = requests.split_last().unwrap();
    assert!(signing
        .iter()
        .all(|(n, p)| n.starts_with("step") && *p == Place::Page));
    assert_eq!(*runs, ("seed runs".to_string(), Place::Heavy));
    drop(requests);
    assert!(fake.warmed.get());
    // The click's task ends once the page shows the run; then each step has a task of its own.
    assert_eq!(fake.pauses.get(), steps + 1);
    assert!(after.busy.is_none());
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert_seed_verdicts(&after);
    assert_eq!(after.last_run_keys, "6 × ECDSA P-256 from wasm");
}

#[test]
fn an_rsa_run_goes_to_the_worker_step_by_step_even_when_answers_are_late() {
    let fake = Fake {
        late: 3,
        ..Fake::default()
    };
    let state = with_settings(rsa_client_settings());
    let steps = all_steps(&state);
    let (actions, after) = run_all(&fake, state);
    let mut expected = vec!["begin".to_string(), "progress".into(), "progress".into()];
    for _ in &steps {
        expected.extend(["progress".into(), "commit 1".into()]);
    }
    expected.push("finish".into());
    // One progress line per RSA key as it lands.
    assert_eq!(kinds(&actions), expected);
    assert!(fake.warmed.get());
    assert_eq!(fake.pauses.get(), steps.len() + 1);
    let requests = fake.requests.borrow();
    assert!(requests.iter().all(|(_, p)| *p == Place::Heavy));
    // Signing steps in order, then step 8's runs.
    let names: Vec<&str> = requests.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.last(), Some(&"seed runs"));
    assert!(after.busy.is_none());
    assert_seed_verdicts(&after);
}

#[test]
fn an_rsa_run_with_webcrypto_signs_on_the_page_and_asks_each_rsa_signature_once() {
    let fake = Fake {
        late: 2,
        signs_rsa: true,
        ..Fake::default()
    };
    let mut settings = Settings::default();
    for party in Party::ALL {
        settings.cert_mut(party).algorithm = KeyAlgorithm::Rsa2048;
    }
    let state = with_settings(settings);
    let steps = all_steps(&state);
    let (actions, after) = run_all(&fake, state);
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert!(kinds(&actions).contains(&"finish".to_string()));
    assert_seed_verdicts(&after);
    // A self-signed root signs once; a CA or server step signs its CSR, then its certificate.
    let signatures_of = |step: &StepId| match step {
        StepId::CRoot | StepId::BRoot | StepId::BCsr | StepId::CSignsB => 1,
        StepId::CIntermediate | StepId::BIntermediate | StepId::CServer => 2,
        StepId::Handshake => 0,
    };
    let signed = fake.signed.borrow();
    assert_eq!(signed.len(), steps.iter().map(signatures_of).sum::<usize>());
    assert!(signed.iter().all(|(bits, _)| *bits == 2048));
    let distinct: std::collections::BTreeSet<_> = signed.iter().map(|(_, m)| m).collect();
    assert_eq!(distinct.len(), signed.len(), "a message was signed twice");
    // Each signing step is asked once more for each round of signatures; step 8 stays in the
    // core.
    let requests = fake.requests.borrow();
    for step in steps.iter().filter(|s| **s != StepId::Handshake) {
        let asked: Vec<Place> = requests
            .iter()
            .filter(|(name, _)| *name == format!("step {}", step.number()))
            .map(|(_, place)| *place)
            .collect();
        assert_eq!(
            asked,
            vec![Place::Page; 1 + signatures_of(step)],
            "{step:?}"
        );
    }
    let runs: Vec<_> = requests.iter().filter(|(n, _)| n == "seed runs").collect();
    assert_eq!(runs, [&("seed runs".to_string(), Place::Heavy)]);
}

fn all_rsa_2048() -> Settings {
    let mut settings = Settings::default();
    for party in Party::ALL {
        settings.cert_mut(party).algorithm = KeyAlgorithm::Rsa2048;
    }
    settings
}

/// Runs every step with RSA 2048 keys and checks that the run ended with the seed's verdicts.
fn rsa_run_that_succeeds(fake: &Fake) -> Rc<AppState> {
    let (actions, after) = run_all(fake, with_settings(all_rsa_2048()));
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert!(kinds(&actions).contains(&"finish".to_string()));
    assert_seed_verdicts(&after);
    after
}

/// How many keys the run's "Keys:" line counts, whatever made them.
fn keys_counted(keys: &str) -> usize {
    keys.split(", ")
        .map(|part| part.split(" × ").next().unwrap().parse::<usize>().unwrap())
        .sum()
}

#[test]
fn with_webcrypto_each_step_goes_on_as_its_key_comes_and_a_sandboxed_frame_makes_keys_beside_it() {
    let fake = Fake {
        late: 3,
        frame_slower: 1,
        signs_rsa: true,
        ..Fake::default()
    };
    let after = rsa_run_that_succeeds(&fake);
    // Step 1 was signed before the last key was made.
    let events = fake.events.borrow();
    let first_step = events.iter().position(|e| e == "step 1").unwrap();
    let last_key = events.iter().rposition(|e| e == "key").unwrap();
    assert!(first_step < last_key, "{events:?}");
    // The frame made some of the six keys, each counted once, whoever finished first; the
    // key worker was not needed.
    let by_frame = fake.frame_keys.borrow().len();
    assert!(by_frame > 0 && by_frame < 6, "{by_frame}");
    assert!(fake.worker_keys.borrow().is_empty());
    let keys = &after.last_run_keys;
    assert!(
        keys.contains("RSA 2048 from WebCrypto in a sandboxed frame"),
        "{keys}"
    );
    assert_eq!(keys_counted(keys), 6, "{keys}");
}

#[test]
fn where_the_sandboxed_frame_cannot_start_a_key_worker_makes_keys_beside_webcrypto() {
    let fake = Fake {
        late: 3,
        frame_refuses: true,
        worker_slower: 2,
        signs_rsa: true,
        ..Fake::default()
    };
    let after = rsa_run_that_succeeds(&fake);
    let by_worker = fake.worker_keys.borrow().len();
    assert!(by_worker > 0 && by_worker < 6, "{by_worker}");
    let keys = &after.last_run_keys;
    assert!(keys.contains("RSA 2048 from a Web Worker"), "{keys}");
    assert!(!keys.contains("sandboxed frame"), "{keys}");
    assert_eq!(keys_counted(keys), 6, "{keys}");
}

#[test]
fn where_neither_the_frame_nor_the_key_worker_can_start_webcrypto_makes_every_key() {
    let fake = Fake {
        late: 1,
        worker_slower: 1,
        frame_refuses: true,
        worker_refuses: true,
        signs_rsa: true,
        ..Fake::default()
    };
    let after = rsa_run_that_succeeds(&fake);
    assert!(fake.worker_keys.borrow().is_empty());
    assert!(fake.frame_keys.borrow().is_empty());
    assert_eq!(after.last_run_keys, "6 × RSA 2048 from wasm");
}

#[test]
fn with_webcrypto_a_refused_key_fails_its_step_and_nothing_is_kept() {
    let fake = Fake {
        signs_rsa: true,
        frame_refuses: true,
        worker_refuses: true,
        fail_keys: Some(CoreError::Key("WebCrypto refused".into())),
        ..Fake::default()
    };
    let state = with_settings(all_rsa_2048());
    let before = state.workshop.clone();
    let (actions, after) = run_all(&fake, state);
    assert_eq!(kinds(&actions), ["begin", "progress", "fail 1"]);
    // The refusal is WebCrypto's, shown at step 1, and no step was signed.
    assert!(after.errors[&StepId::CRoot.id()].contains("WebCrypto refused"));
    assert!(fake.requests.borrow().is_empty());
    assert_eq!(after.workshop.generation(), before.generation());
    assert!(after.busy.is_none());
}

#[test]
fn where_webcrypto_refuses_to_sign_each_rsa_step_is_signed_in_the_worker() {
    let fake = Fake {
        signs_rsa: true,
        refuse_signing: true,
        ..Fake::default()
    };
    let state = with_settings(rsa_client_settings());
    let (actions, after) = run_all(&fake, state);
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert!(kinds(&actions).contains(&"finish".to_string()));
    assert_seed_verdicts(&after);
    // B's CSR is the one RSA signature: asked on the page, refused, then made in the worker.
    let requests = fake.requests.borrow();
    let b_csr: Vec<Place> = requests
        .iter()
        .filter(|(name, _)| *name == format!("step {}", StepId::BCsr.number()))
        .map(|(_, place)| *place)
        .collect();
    assert_eq!(b_csr, [Place::Page, Place::Heavy]);
}

#[test]
fn a_run_says_it_waits_while_another_tab_has_the_turn_and_works_only_in_its_own() {
    let fake = Fake {
        turn_taken: 5,
        ..Fake::default()
    };
    let state = AppState::default();
    let steps = all_steps(&state).len();
    let (actions, after) = run_all(&fake, state);
    assert_eq!(
        kinds(&actions),
        [
            "begin",
            "progress",
            "progress",
            &format!("commit {steps}"),
            "finish"
        ]
    );
    // The run's start is drawn once, saying that it waits; its clock starts with its turn.
    let waiting = Rc::new(AppState::default()).apply(actions[0].clone());
    assert!(waiting
        .busy
        .as_ref()
        .is_some_and(|b| b.waiting_for_turn && b.label == WAITING_FOR_TURN));
    let Action::Progress { label, .. } = &actions[1] else {
        unreachable!()
    };
    assert_eq!(label, STARTING);
    let going = waiting.apply(actions[1].clone());
    assert!(going.busy.as_ref().is_some_and(|b| !b.waiting_for_turn));
    let events = fake.events.borrow();
    assert_eq!(events.first().map(String::as_str), Some("waited"));
    // What the run set off lands before the turn passes on.
    assert_eq!(
        events.last().map(String::as_str),
        Some("settled in its turn")
    );
    drop(events);
    assert_eq!(fake.outside_turn.get(), 0);
    // The run ended, so the next tab's run goes on.
    assert!(!fake.holds_turn.get());
    assert_seed_verdicts(&after);
}

#[test]
fn a_run_whose_turn_is_free_goes_on_without_saying_it_waited() {
    let fake = Fake::default();
    let (actions, _) = run_all(&fake, AppState::default());
    assert!(matches!(
        &actions[0],
        Action::Begin {
            waiting_for_turn: false,
            ..
        }
    ));
    let started = Rc::new(AppState::default()).apply(actions[0].clone());
    assert!(started.busy.as_ref().is_some_and(|b| b.label == STARTING));
    assert!(actions.iter().all(|action| !matches!(
        action,
        Action::Progress { label, .. } if label == WAITING_FOR_TURN
    )));
    assert_eq!(fake.outside_turn.get(), 0);
    assert!(!fake.holds_turn.get());
}

#[test]
fn a_run_cancelled_while_waiting_for_its_turn_makes_nothing_and_passes_the_turn_on() {
    let state = AppState::default();
    let fake = Fake {
        turn_taken: 3,
        cancel_while_waiting: Some(state.next_run_id()),
        ..Fake::default()
    };
    let before = state.workshop.clone();
    let (actions, after) = run_all(&fake, state);
    assert_eq!(kinds(&actions), ["begin", "cancel"]);
    assert_eq!(*fake.events.borrow(), ["waited"]);
    assert!(!fake.holds_turn.get());
    assert!(after.busy.is_none());
    assert_eq!(after.workshop.generation(), before.generation());
}

#[test]
fn a_second_click_before_the_first_runs_start_is_drawn_starts_nothing() {
    // Both clicks see the page as it was: the first run's start waits for its turn's answer.
    let fake = Fake::default();
    let state = AppState::default();
    let steps = all_steps(&state);
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(run_steps(
        &fake,
        &send,
        &state,
        steps.clone(),
        &fake.control,
    ));
    block_on(run_steps(&fake, &send, &state, steps, &fake.control));
    let begun = kinds(&fake.log.borrow())
        .iter()
        .filter(|kind| *kind == "begin")
        .count();
    assert_eq!(begun, 1);
}

#[test]
fn after_starting_over_a_run_goes_even_where_one_of_that_number_ran_or_was_cancelled() {
    let fake = Fake::default();
    let (_, ran) = run_all(&fake, AppState::default());
    // Cancel clicked as the run ended: the page's control keeps its id.
    fake.control.cancel(ran.next_run_id() - 1);
    let fresh = ran.apply(Action::Reset);
    let (actions, after) = run_all(&fake, (*fresh).clone());
    assert_eq!(kinds(&actions).first().map(String::as_str), Some("begin"));
    assert_seed_verdicts(&after);
}

#[test]
fn cancel_stops_the_run_and_puts_the_workshop_back() {
    let state = with_settings(rsa_client_settings());
    let run = state.next_run_id();
    let fake = Fake {
        cancel_at: Some((2, run)),
        ..Fake::default()
    };
    let before = state.workshop.clone();
    let (actions, after) = run_all(&fake, state);
    // The step under way when Cancel came may land; nothing after it is asked or committed.
    assert_eq!(fake.requests.borrow().len(), 2);
    let kinds = kinds(&actions);
    let cancel = kinds.iter().position(|k| k == "cancel").unwrap();
    assert!(kinds[cancel + 1..].iter().all(|k| k.starts_with("commit")));
    assert!(!kinds.contains(&"finish".to_string()));
    assert!(after.busy.is_none());
    assert_eq!(after.workshop.generation(), before.generation());
    assert!(after.workshop.handshakes().is_empty());
    assert_eq!(
        after.notice.as_deref(),
        Some("Cancelled: the workshop is as it was before the run.")
    );
}

#[test]
fn a_refused_step_stops_the_run_where_it_failed() {
    let fake = Fake {
        fail_request: Some((
            3,
            CoreError::Certificate("the signature was refused".into()),
        )),
        ..Fake::default()
    };
    let state = AppState::default();
    let third = all_steps(&state)[2];
    let (actions, after) = run_all(&fake, state);
    assert_eq!(
        kinds(&actions),
        ["begin", "progress", &format!("fail {}", third.number())]
    );
    assert_eq!(fake.requests.borrow().len(), 3);
    assert!(after.busy.is_none());
    let message = &after.errors[&third.id()];
    assert!(message.contains("the signature was refused"), "{message}");
    assert!(!message.contains("Certificate("), "plain words: {message}");
    assert_eq!(
        after.notice.as_deref(),
        Some(format!("Stopped at step {}.", third.number()).as_str())
    );
    assert!(after.workshop.handshakes().is_empty());
}

#[test]
fn a_key_that_cannot_be_made_stops_the_run_before_any_signing() {
    let fake = Fake {
        fail_keys: Some(CoreError::Key("WebCrypto refused".into())),
        ..Fake::default()
    };
    let (actions, after) = run_all(&fake, AppState::default());
    assert_eq!(kinds(&actions), ["begin", "progress", "fail 1"]);
    assert!(fake.requests.borrow().is_empty());
    assert!(after.errors[&StepId::CRoot.id()].contains("WebCrypto refused"));
}

#[test]
fn bad_inputs_refuse_the_run_and_a_busy_page_starts_nothing() {
    let fake = Fake::default();
    let state = Rc::new(AppState::default()).apply(Action::SetDays(Party::CRoot, "soon".into()));
    let (actions, after) = run_all(&fake, (*state).clone());
    assert_eq!(kinds(&actions), ["refuse"]);
    assert!(after
        .errors
        .contains_key(&super::super::state::days_input(Party::CRoot)));
    assert!(fake.requests.borrow().is_empty());

    let busy = Rc::new(AppState::default()).apply(Action::Begin {
        run: 1,
        waiting_for_turn: false,
        total: 1,
        started_ms: 0.0,
    });
    let (actions, _) = run_all(&fake, (*busy).clone());
    assert!(actions.is_empty());
}

/// A finished workshop saved with its keys encrypted under `passphrase`.
fn saved_workshop(passphrase: &str) -> String {
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let protection = KeyProtection {
        iterations: 1000,
        ..KeyProtection::encrypted(passphrase)
    };
    crate::workshop::saved::save(&done.workshop, &protection, |party| {
        done.workshop
            .key(party)
            .map(|key| key.to_encrypted_pem(passphrase, 1000).unwrap())
    })
}

fn restoring(text: String, passphrase: &str) -> AppState {
    let mut state = AppState::default();
    state.pending_restore = Some(text);
    state.passphrase = passphrase.into();
    state
}

#[test]
fn restoring_opens_the_keys_in_the_worker_and_reruns_step_8() {
    let text = saved_workshop("correct horse");
    let fake = Fake {
        late: 2,
        ..Fake::default()
    };
    let state = restoring(text, "correct horse");
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(restore_saved(&fake, &send, &state));
    let (actions, after) = settle(&fake.log, Rc::new(state));
    assert_eq!(kinds(&actions), ["restore begin", "restored"]);
    let names: Vec<String> = fake.requests.borrow().iter().map(|r| r.0.clone()).collect();
    assert_eq!(names, ["open keys", "seed runs"]);
    assert!(after.pending_restore.is_none());
    assert!(!after.restoring);
    assert_seed_verdicts(&after);
}

#[test]
fn a_wrong_passphrase_leaves_the_saved_workshop_waiting_with_a_message() {
    let text = saved_workshop("correct horse");
    let fake = Fake::default();
    let state = restoring(text.clone(), "wrong horse");
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(restore_saved(&fake, &send, &state));
    let (actions, after) = settle(&fake.log, Rc::new(state));
    assert_eq!(kinds(&actions), ["restore begin", "not restored"]);
    assert_eq!(after.pending_restore.as_deref(), Some(text.as_str()));
    assert_eq!(
        after.errors[super::super::state::PASSPHRASE_INPUT],
        "This passphrase does not open the saved keys."
    );
    assert!(after.workshop.handshakes().is_empty());
}

#[test]
fn the_lab_runs_each_scenario_and_keeps_the_files_it_judged() {
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let scenarios = vec![
        LabScenario::GoodRun,
        LabScenario::UntrustedClientCa,
        LabScenario::WrongServerName,
    ];
    // The second scenario's handshake request (the 4th request) is refused.
    let fake = Fake {
        late: 1,
        fail_request: Some((4, CoreError::Unreadable("a torn message".into()))),
        ..Fake::default()
    };
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(run_lab(&fake, &send, &done, scenarios.clone()));
    let (actions, after) = settle(&fake.log, done.clone());
    assert_eq!(
        kinds(&actions),
        [
            "lab begin",
            "lab result",
            "lab refused",
            "lab result",
            "lab done"
        ]
    );
    assert!(after.lab.running.is_none());
    assert_eq!(after.lab.selected, Some(LabScenario::GoodRun));
    let Some(Ok(good)) = after.lab.run(LabScenario::GoodRun) else {
        panic!("the good run has a result");
    };
    assert!(good.run.as_expected());
    assert_eq!(good.setup.scenario, LabScenario::GoodRun);
    assert!(matches!(
        after.lab.run(LabScenario::UntrustedClientCa),
        Some(Err(CoreError::Unreadable(_)))
    ));
    let Some(Ok(wrong_name)) = after.lab.run(LabScenario::WrongServerName) else {
        panic!("the wrong-name run has a result");
    };
    assert!(wrong_name.run.as_expected());
    // Results for a workshop that has changed since are dropped.
    let later = after.apply(Action::LabResult {
        generation: done.workshop.generation() + 1,
        scenario: LabScenario::UntrustedClientCa,
        result: Err(CoreError::Unreadable("old".into())),
    });
    assert!(matches!(
        later.lab.run(LabScenario::UntrustedClientCa),
        Some(Err(CoreError::Unreadable(m))) if m == "a torn message"
    ));
}

#[test]
fn the_lab_waits_while_a_run_is_under_way() {
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let busy = done.apply(Action::Begin {
        run: 9,
        waiting_for_turn: false,
        total: 1,
        started_ms: 0.0,
    });
    let fake = Fake::default();
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(run_lab(&fake, &send, &busy, vec![LabScenario::GoodRun]));
    assert!(fake.log.borrow().is_empty());
    assert!(fake.requests.borrow().is_empty());
}

#[test]
fn revoking_b_runs_step_8_again_and_c_refuses_it() {
    use crate::app::state::revocation::RevocationAction;
    use crate::pki::crl::Reason;
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let checking = done.apply(Action::Revocation(RevocationAction::SetCheck(true)));
    let fake = Fake::default();
    let send = |action| fake.log.borrow_mut().push(action);
    let change = RevocationChange::Revoke(Reason::KeyCompromise);
    block_on(change_revocation(
        &fake,
        &send,
        &checking,
        change,
        &fake.control,
    ));
    let (actions, after) = settle(&fake.log, checking);
    assert_eq!(kinds(&actions), ["other", "begin", "commit 1", "finish"]);
    let names: Vec<String> = fake.requests.borrow().iter().map(|r| r.0.clone()).collect();
    // The core signs the CRLs, then runs step 8 again.
    assert_eq!(names, ["revocation", "seed runs"]);
    assert!(after.workshop.b_is_revoked());
    let failure = after.workshop.handshakes()[0]
        .1
        .result
        .as_ref()
        .unwrap_err();
    assert_eq!(
        failure.error.kind,
        crate::tls::refusal::RefusalKind::Revoked
    );
}

#[test]
fn revoking_before_step_6_is_refused_where_the_step_shows_it_and_changes_nothing() {
    use crate::app::state::revocation::{RevocationAction, ERROR_ID};
    use crate::pki::crl::Reason;
    let state = AppState::default();
    let fake = Fake::default();
    let send = |action| fake.log.borrow_mut().push(action);
    let change = RevocationChange::Revoke(Reason::Superseded);
    block_on(change_revocation(
        &fake,
        &send,
        &state,
        change,
        &fake.control,
    ));
    let (actions, after) = settle(&fake.log, Rc::new(state));
    assert!(matches!(
        actions[..],
        [Action::Revocation(RevocationAction::Refused(_))]
    ));
    assert!(
        after.errors[ERROR_ID].contains("step 6"),
        "{:?}",
        after.errors
    );
    assert!(after.workshop.revocation().published.is_none());
    // The core refused it: step 8 did not run again.
    let names: Vec<String> = fake.requests.borrow().iter().map(|r| r.0.clone()).collect();
    assert_eq!(names, ["revocation"]);
}

#[test]
fn a_pasted_crl_is_checked_and_a_tampered_one_is_refused_at_its_field() {
    use crate::app::state::CHECK_CRL_INPUT;
    let now = crate::clock::unix_now();
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let mut workshop = (*done.workshop).clone();
    workshop.publish_crls(now).unwrap();
    let crl = workshop.revocation().published.clone().unwrap().issuing;
    let mut state = (*done).clone();
    state.workshop = Rc::new(workshop);
    let fake = Fake::default();
    let send = |action| fake.log.borrow_mut().push(action);
    let state = Rc::new(state).apply(Action::SetCrlText(crl.to_pem()));
    block_on(check_crl(&fake, &send, &state));
    let (_, state) = settle(&fake.log, state);
    let first = state
        .crl_check
        .clone()
        .expect("a published CRL is accepted");
    assert!(!state.errors.contains_key(CHECK_CRL_INPUT));

    let mut der = crl.der().to_vec();
    *der.last_mut().unwrap() ^= 1;
    let tampered = crate::pki::pem::encode("X509 CRL", &der);
    let workshop = state.workshop.clone();
    let state = state.apply(Action::Uploaded(CHECK_CRL_INPUT, tampered.clone()));
    block_on(check_crl(&fake, &send, &state));
    let (_, after) = settle(&fake.log, state);
    assert_eq!(after.crl_text, tampered);
    assert!(
        after.errors[CHECK_CRL_INPUT].starts_with("Bad signature:"),
        "{:?}",
        after.errors
    );
    // Nothing else changes: the last verdict and the workshop stay as they were.
    assert!(Rc::ptr_eq(after.crl_check.as_ref().unwrap(), &first));
    assert!(Rc::ptr_eq(&after.workshop, &workshop));
}

#[test]
fn a_workshop_with_plain_keys_comes_back_at_load_and_step_8_runs_in_the_core() {
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let text = crate::workshop::saved::save(&done.workshop, &KeyProtection::plain(), |party| {
        done.workshop.key(party).map(PrivateKey::to_pem)
    });
    // Read at load, on the page: the files and keys, not step 8's runs.
    let state = AppState::from_saved(Some(text));
    assert!(state.pending_restore.is_none());
    assert!(state.workshop.handshakes().is_empty());
    assert!(state.step8_after_restore);
    let notice = state.notice.clone();
    assert!(notice.as_deref().is_some_and(|n| n.starts_with("Restored")));
    // The page then runs step 8, in the core, and keeps the restore's notice.
    let fake = Fake::default();
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(run_steps(
        &fake,
        &send,
        &state,
        vec![StepId::Handshake],
        &RunControl::default(),
    ));
    let (_, after) = settle(&fake.log, Rc::new(state));
    let requests = fake.requests.borrow();
    assert_eq!(*requests, [("seed runs".to_string(), Place::Heavy)]);
    assert_seed_verdicts(&after);
    assert!(!after.step8_after_restore);
    assert_eq!(after.notice, notice);
}

#[test]
fn b_s_own_key_is_read_by_the_core_and_a_wrong_passphrase_lands_at_its_field() {
    use crate::app::inputs::{OWN_KEY_INPUT, OWN_KEY_PASSPHRASE_INPUT};
    let (_, done) = run_all(&Fake::default(), AppState::default());
    let own = PrivateKey::generate(KeyAlgorithm::EcdsaP384).unwrap();
    let pem = own.to_encrypted_pem("my own pass", 1000).unwrap();
    let before = done.workshop.key(Party::BClient).cloned();
    let typed = done
        .apply(Action::SetOwnKey(pem))
        .apply(Action::SetOwnKeyPassphrase("not it".into()));
    let fake = Fake::default();
    let send = |action| fake.log.borrow_mut().push(action);
    block_on(use_own_key(&fake, &send, &typed));
    let (_, refused) = settle(&fake.log, typed.clone());
    assert_eq!(
        refused
            .errors
            .get(OWN_KEY_PASSPHRASE_INPUT)
            .map(String::as_str),
        Some("the passphrase does not decrypt this key")
    );
    assert_eq!(refused.workshop.key(Party::BClient), before.as_ref());

    let typed = typed.apply(Action::SetOwnKeyPassphrase("my own pass".into()));
    block_on(use_own_key(&fake, &send, &typed));
    let (_, used) = settle(&fake.log, typed);
    assert!(
        !used.errors.contains_key(OWN_KEY_INPUT),
        "{:?}",
        used.errors
    );
    assert!(!used.errors.contains_key(OWN_KEY_PASSPHRASE_INPUT));
    assert_eq!(used.workshop.key(Party::BClient), Some(&own));
    let csr = used.workshop.csr(Party::BClient).unwrap();
    assert_eq!(csr.spki_der(), own.spki_der());
    let names: Vec<String> = fake.requests.borrow().iter().map(|r| r.0.clone()).collect();
    assert_eq!(names, ["read key", "read key"]);
}
