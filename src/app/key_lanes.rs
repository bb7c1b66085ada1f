//! A run's RSA keys from two makers at once. WebCrypto makes one key at a time, however many
//! are asked of it at once; a key worker, the core module's rsa crate in wasm, makes keys on
//! the other core, several times slower. WebCrypto takes the keys from the first step on, the
//! worker the small ones from the last step back. Once WebCrypto has nothing left, it makes the
//! worker's key too: whichever finishes first gives it, and the worker is stopped.

use super::run::{KeySource, Services};
use crate::pki::{KeyAlgorithm, PrivateKey};
use crate::workshop::protocol::CoreError;
use crate::workshop::StepId;
use futures_util::future::{select, Either};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::pin::pin;

/// The largest key the worker takes. In headless Chromium on two cores, an RSA 2048 key took
/// the worker 0.1–0.35 s (WebCrypto: 0.03–0.11 s), an RSA 4096 key 3.5–7 s (WebCrypto:
/// 0.3–0.8 s), so only the 2048-bit keys are worth its while.
const WORKER_MAX_BITS: usize = 2048;

/// A key, or why it could not be made, for one step.
pub type Given = Result<(PrivateKey, KeySource), CoreError>;

/// Which keys are taken, by whom, and which were given.
struct Claims {
    wanted: Vec<(StepId, KeyAlgorithm)>,
    /// WebCrypto takes `wanted[front]` next; the worker `wanted[back - 1]`.
    front: usize,
    back: usize,
    /// The key the worker is making, unless WebCrypto makes it too.
    worker_making: Option<usize>,
    given: BTreeSet<StepId>,
}

impl Claims {
    fn for_webcrypto(&mut self) -> Option<(StepId, KeyAlgorithm)> {
        if self.front < self.back {
            self.front += 1;
            return Some(self.wanted[self.front - 1]);
        }
        // Nothing left but the worker's key, if it is still to come: race it.
        let index = self.worker_making.take()?;
        let (step, algorithm) = self.wanted[index];
        (!self.given.contains(&step)).then_some((step, algorithm))
    }

    fn for_worker(&mut self) -> Option<(StepId, usize)> {
        if self.front >= self.back {
            return None;
        }
        let (step, algorithm) = self.wanted[self.back - 1];
        let bits = algorithm.rsa_bits().filter(|b| *b <= WORKER_MAX_BITS)?;
        self.back -= 1;
        self.worker_making = Some(self.back);
        Some((step, bits))
    }

    /// The worker could not make its key: it goes back to WebCrypto, unless WebCrypto is
    /// already making it.
    fn worker_failed(&mut self) {
        if self.worker_making.take().is_some() {
            self.back += 1;
        }
    }

    /// Whether `step`'s key is the first given for it.
    fn first(&mut self, step: StepId) -> bool {
        self.given.insert(step)
    }
}

/// Makes every key in `wanted` (in step order), handing each to `give` once, as it comes.
pub async fn make<S: Services>(
    services: &S,
    wanted: Vec<(StepId, KeyAlgorithm)>,
    give: &dyn Fn(StepId, Given),
) {
    let claims = RefCell::new(Claims {
        back: wanted.len(),
        wanted,
        front: 0,
        worker_making: None,
        given: BTreeSet::new(),
    });
    let webcrypto = async {
        loop {
            let next = claims.borrow_mut().for_webcrypto();
            let Some((step, algorithm)) = next else {
                return;
            };
            let made = services.generate_key(algorithm).await;
            if claims.borrow_mut().first(step) {
                give(step, made);
            }
        }
    };
    let worker = async {
        loop {
            let next = claims.borrow_mut().for_worker();
            let Some((step, bits)) = next else {
                return;
            };
            match services.generate_rsa_beside(bits).await {
                Ok(key) => {
                    if claims.borrow_mut().first(step) {
                        give(step, Ok((key, KeySource::Worker)));
                    }
                }
                Err(_) => return claims.borrow_mut().worker_failed(),
            }
        }
    };
    // WebCrypto's lane ends once every key is given or on its way from it: the worker's
    // lane, still making a key WebCrypto has made, is dropped, which stops its worker.
    let (webcrypto, worker) = (pin!(webcrypto), pin!(worker));
    if let Either::Right(((), webcrypto)) = select(webcrypto, worker).await {
        webcrypto.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(bits: &[usize]) -> Claims {
        let wanted: Vec<_> = bits
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
        Claims {
            back: wanted.len(),
            wanted,
            front: 0,
            worker_making: None,
            given: BTreeSet::new(),
        }
    }

    #[test]
    fn the_worker_takes_the_small_keys_from_the_back_and_webcrypto_the_rest_from_the_front() {
        let mut c = claims(&[4096, 4096, 2048, 4096, 2048, 2048]);
        assert_eq!(c.for_worker(), Some((StepId::ALL[5], 2048)));
        assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[0]));
        assert!(c.first(StepId::ALL[5]));
        assert_eq!(c.for_worker(), Some((StepId::ALL[4], 2048)));
        assert!(c.first(StepId::ALL[4]));
        // The next from the back is an RSA 4096 key: the worker stops there.
        assert_eq!(c.for_worker(), None);
        for expected in 1..4 {
            assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[expected]));
        }
        assert_eq!(c.for_webcrypto(), None);
    }

    #[test]
    fn webcrypto_races_the_key_the_worker_is_still_making_and_only_the_first_is_given() {
        let mut c = claims(&[2048, 2048]);
        assert_eq!(c.for_worker(), Some((StepId::ALL[1], 2048)));
        assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[0]));
        assert!(c.first(StepId::ALL[0]));
        assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[1]));
        assert!(c.first(StepId::ALL[1]));
        // The worker's key for the same step comes second and is not given.
        assert!(!c.first(StepId::ALL[1]));
        assert_eq!(c.for_webcrypto(), None);
        assert_eq!(c.for_worker(), None);
    }

    #[test]
    fn a_failed_worker_hands_its_key_back_to_webcrypto() {
        let mut c = claims(&[4096, 2048]);
        assert_eq!(c.for_worker(), Some((StepId::ALL[1], 2048)));
        c.worker_failed();
        assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[0]));
        assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[1]));
        assert_eq!(c.for_webcrypto(), None);
    }

    #[test]
    fn a_worker_that_fails_while_webcrypto_races_it_changes_nothing() {
        let mut c = claims(&[2048]);
        assert_eq!(c.for_worker(), Some((StepId::ALL[0], 2048)));
        assert_eq!(c.for_webcrypto().map(|w| w.0), Some(StepId::ALL[0]));
        c.worker_failed();
        assert_eq!(c.for_webcrypto(), None);
    }
}
