//! A run's RSA keys from several makers at once. Chromium's WebCrypto makes one key at a time
//! in a process, however many are asked of it at once. So the page's WebCrypto and the
//! WebCrypto of a sandboxed frame (which Chromium runs in a process of its own) each take the
//! next key in step order. Where the frame cannot make keys, a key worker (the core module's
//! rsa crate in wasm, several times slower) takes the small keys from the last step back. A
//! WebCrypto lane with nothing left makes a key another lane is still on: whichever finishes
//! first gives it, and the lane that lost is stopped when it is dropped.

use super::run::{KeySource, Services};
use crate::pki::{KeyAlgorithm, PrivateKey};
use crate::workshop::protocol::CoreError;
use crate::workshop::StepId;
use futures_util::future::{select, Either};
use std::cell::RefCell;
use std::pin::pin;

/// The largest key the worker takes. In headless Chromium on two cores, an RSA 2048 key took
/// the worker 0.1–0.35 s (WebCrypto: 0.03–0.11 s), an RSA 4096 key 3.5–7 s (WebCrypto:
/// 0.3–0.8 s), so only the 2048-bit keys are worth its while.
const WORKER_MAX_BITS: usize = 2048;

/// At most this many lanes make the same key.
const MAKERS_A_KEY: usize = 2;

/// A key, or why it could not be made, for one step.
pub type Given = Result<(PrivateKey, KeySource), CoreError>;

/// Where a key is: open to any lane, being made by some lanes, or given to its step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Open,
    Making(usize),
    Given,
}

/// Every key of the run and where it is. Keys are named by their index in `wanted`, which is
/// in step order. (Six keys at most: a list, not a map, keeps the page's module small.)
struct Claims {
    wanted: Vec<(StepId, KeyAlgorithm)>,
    keys: Vec<Key>,
}

impl Claims {
    fn new(wanted: Vec<(StepId, KeyAlgorithm)>) -> Self {
        Claims {
            keys: vec![Key::Open; wanted.len()],
            wanted,
        }
    }

    /// The next key for a WebCrypto lane: the first open one, or else the first that another
    /// lane is still making.
    fn for_webcrypto(&mut self) -> Option<usize> {
        let index = self
            .keys
            .iter()
            .position(|key| *key == Key::Open)
            .or_else(|| {
                self.keys
                    .iter()
                    .position(|key| matches!(key, Key::Making(n) if *n < MAKERS_A_KEY))
            })?;
        self.keys[index] = match self.keys[index] {
            Key::Making(n) => Key::Making(n + 1),
            _ => Key::Making(1),
        };
        Some(index)
    }

    /// The next key for the worker, with its size: the last open one, if it is small enough.
    fn for_worker(&mut self) -> Option<(usize, usize)> {
        let index = self.keys.iter().rposition(|key| *key == Key::Open)?;
        let bits = self.wanted[index].1.rsa_bits()?;
        if bits > WORKER_MAX_BITS {
            return None;
        }
        self.keys[index] = Key::Making(1);
        Some((index, bits))
    }

    /// A lane is done with key `index`: whether its key is the first given for the step.
    fn made(&mut self, index: usize) -> bool {
        let first = self.keys[index] != Key::Given;
        self.keys[index] = Key::Given;
        first
    }

    /// A lane could not make key `index`: it is open again, unless another lane is making it
    /// or it was given.
    fn failed(&mut self, index: usize) {
        if let Key::Making(n) = self.keys[index] {
            self.keys[index] = if n > 1 { Key::Making(n - 1) } else { Key::Open };
        }
    }
}

/// Who makes the keys beside the page's WebCrypto.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Beside {
    Frame,
    Worker,
}

/// Makes every key in `wanted` (in step order), handing each to `give` once, as it comes.
pub async fn make<S: Services>(
    services: &S,
    wanted: Vec<(StepId, KeyAlgorithm)>,
    give: &dyn Fn(StepId, Given),
) {
    let claims = RefCell::new(Claims::new(wanted));
    let step_of = |index: usize| claims.borrow().wanted[index];
    // The page's WebCrypto answers for every key it makes, refusals included: a key it
    // cannot make fails its step, as a key made without lanes would.
    let page = async {
        loop {
            let next = claims.borrow_mut().for_webcrypto();
            let Some(index) = next else {
                return;
            };
            let (step, algorithm) = step_of(index);
            let made = services.generate_key(algorithm).await;
            if claims.borrow_mut().made(index) {
                give(step, made);
            }
        }
    };
    let beside = async {
        let mut maker = Beside::Frame;
        loop {
            // The worker's keys come with their size; the frame takes any.
            let next = match maker {
                Beside::Frame => claims.borrow_mut().for_webcrypto().map(|i| (i, None)),
                Beside::Worker => claims
                    .borrow_mut()
                    .for_worker()
                    .map(|(i, bits)| (i, Some(bits))),
            };
            let Some((index, worker_bits)) = next else {
                return;
            };
            let (step, algorithm) = step_of(index);
            let made = match worker_bits {
                None => services
                    .generate_rsa_in_frame(algorithm)
                    .await
                    .map(|key| (key, KeySource::Frame)),
                Some(bits) => services
                    .generate_rsa_beside(bits)
                    .await
                    .map(|key| (key, KeySource::Worker)),
            };
            match made {
                Ok(made) => {
                    if claims.borrow_mut().made(index) {
                        give(step, Ok(made));
                    }
                }
                // The frame could not make it: the key worker takes over; once the worker
                // fails too, the page's WebCrypto makes the rest.
                Err(_) => {
                    claims.borrow_mut().failed(index);
                    match maker {
                        Beside::Frame => maker = Beside::Worker,
                        Beside::Worker => return,
                    }
                }
            }
        }
    };
    // The page's lane ends once every key is given or on its way from it: the other lane,
    // still making a key the page has made, is dropped, which stops its frame or worker.
    let (page, beside) = (pin!(page), pin!(beside));
    if let Either::Right(((), page)) = select(page, beside).await {
        page.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(bits: &[usize]) -> Claims {
        let wanted = bits
            .iter()
            .zip(StepId::ALL)
            .map(|(bits, step)| {
                let algorithm = match bits {
                    4096 => KeyAlgorithm::Rsa4096,
                    _ => KeyAlgorithm::Rsa2048,
                };
                (step, algorithm)
            })
            .collect();
        Claims::new(wanted)
    }

    #[test]
    fn two_webcrypto_lanes_take_the_keys_in_step_order() {
        let mut c = claims(&[4096, 4096, 4096, 4096, 2048, 2048]);
        assert_eq!(c.for_webcrypto(), Some(0));
        assert_eq!(c.for_webcrypto(), Some(1));
        assert!(c.made(1));
        assert_eq!(c.for_webcrypto(), Some(2));
        assert!(c.made(0));
        assert_eq!(c.for_webcrypto(), Some(3));
        assert!(c.made(2));
        assert_eq!(c.for_webcrypto(), Some(4));
        assert!(c.made(4));
        assert_eq!(c.for_webcrypto(), Some(5));
    }

    #[test]
    fn a_lane_with_nothing_left_races_a_key_being_made_and_only_the_first_is_given() {
        let mut c = claims(&[4096, 2048]);
        assert_eq!(c.for_webcrypto(), Some(0));
        assert_eq!(c.for_webcrypto(), Some(1));
        assert!(c.made(1));
        // Nothing is open: the idle lane makes key 0 too; a third lane would not.
        assert_eq!(c.for_webcrypto(), Some(0));
        assert_eq!(c.for_webcrypto(), None);
        assert!(c.made(0));
        // The loser's key comes second and is not given; nothing is left.
        assert!(!c.made(0));
        assert_eq!(c.for_webcrypto(), None);
    }

    #[test]
    fn the_worker_takes_the_small_keys_from_the_back_and_stops_at_an_rsa_4096_key() {
        let mut c = claims(&[4096, 4096, 2048, 4096, 2048, 2048]);
        assert_eq!(c.for_worker(), Some((5, 2048)));
        assert_eq!(c.for_webcrypto(), Some(0));
        assert!(c.made(5));
        assert_eq!(c.for_worker(), Some((4, 2048)));
        assert!(c.made(4));
        assert_eq!(c.for_worker(), None);
        for expected in 1..4 {
            assert_eq!(c.for_webcrypto(), Some(expected));
        }
        // Only the key WebCrypto is still making is left; the worker does not race.
        assert_eq!(c.for_worker(), None);
    }

    #[test]
    fn a_key_a_lane_could_not_make_is_open_again_unless_another_lane_is_making_it() {
        let mut c = claims(&[4096, 2048]);
        assert_eq!(c.for_worker(), Some((1, 2048)));
        c.failed(1);
        assert_eq!(c.for_webcrypto(), Some(0));
        assert!(c.made(0));
        assert_eq!(c.for_webcrypto(), Some(1));
        // Raced, then the racer fails: the first lane is still on it, so it is not open.
        assert_eq!(c.for_webcrypto(), Some(1));
        c.failed(1);
        assert!(!c.keys.contains(&Key::Open));
        assert!(c.made(1));
        assert_eq!(c.for_webcrypto(), None);
    }

    #[test]
    fn a_lane_that_fails_after_its_key_was_given_changes_nothing() {
        let mut c = claims(&[2048]);
        assert_eq!(c.for_webcrypto(), Some(0));
        assert_eq!(c.for_webcrypto(), Some(0));
        assert!(c.made(0));
        c.failed(0);
        assert_eq!(c.for_webcrypto(), None);
        assert_eq!(c.for_worker(), None);
    }
}
