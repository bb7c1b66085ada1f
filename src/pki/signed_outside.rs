//! RSA signatures made outside this module. In the page, wasm signs with RSA-4096 many times
//! slower than the browser's own WebCrypto, which answers only asynchronously, while rcgen asks
//! for each signature synchronously, deep inside a certificate or CSR. So a step runs with the
//! signatures it was given; each message it still needs signed comes back as [`Wanted`]; the
//! page has WebCrypto sign those and runs the step again. RSA PKCS#1 v1.5 signatures are
//! deterministic and the step keeps its serial number, so each run builds the same bytes and
//! the last one finds every signature it asks for.

use super::{KeyAlgorithm, PkiError, PrivateKey};
use rcgen::{KeyPair, PublicKeyData, SignatureAlgorithm, SigningKey};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::cell::RefCell;

/// The signatures a step is given, and the serial number its certificate keeps from run to run
/// (a step makes one certificate at most).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenSignatures {
    serial: [u8; 16],
    given: Vec<(Wanted, ByteBuf)>,
}

/// A message to sign with the key whose SubjectPublicKeyInfo is `spki`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wanted {
    pub spki: ByteBuf,
    pub message: ByteBuf,
}

/// Why a run with given signatures did not finish.
#[derive(Debug)]
pub enum Unfinished {
    /// These messages need signing first.
    Wanted(Vec<Wanted>),
    Failed(PkiError),
}

struct InForce {
    given: GivenSignatures,
    serial_taken: bool,
    wanted: Vec<Wanted>,
}

thread_local! {
    static IN_FORCE: RefCell<Option<InForce>> = const { RefCell::new(None) };
}

impl GivenSignatures {
    /// None given yet, and a fresh serial number.
    pub fn new() -> Result<Self, PkiError> {
        Ok(GivenSignatures {
            serial: super::cert::fresh_serial()?,
            given: Vec::new(),
        })
    }

    /// Adds the signature of a wanted message.
    pub fn give(&mut self, wanted: Wanted, signature: Vec<u8>) {
        self.given.push((wanted, ByteBuf::from(signature)));
    }

    /// Runs `work` with these signatures in force for RSA keys.
    pub fn run<T>(&self, work: impl FnOnce() -> Result<T, PkiError>) -> Result<T, Unfinished> {
        let previous = IN_FORCE.with(|cell| {
            cell.replace(Some(InForce {
                given: self.clone(),
                serial_taken: false,
                wanted: Vec::new(),
            }))
        });
        let result = work();
        let in_force = IN_FORCE.with(|cell| cell.replace(previous));
        let wanted = in_force.map(|f| f.wanted).unwrap_or_default();
        // A missing signature fails the run at once: what it wanted is the reason.
        if !wanted.is_empty() {
            return Err(Unfinished::Wanted(wanted));
        }
        result.map_err(Unfinished::Failed)
    }
}

/// The serial number for a new certificate: the given one while signatures are in force.
pub(crate) fn serial_in_force() -> Option<Result<[u8; 16], PkiError>> {
    IN_FORCE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let in_force = cell.as_mut()?;
        if std::mem::replace(&mut in_force.serial_taken, true) {
            return Some(Err(PkiError::Certificate(
                "a step with signatures made outside makes one certificate at most".into(),
            )));
        }
        Some(Ok(in_force.given.serial))
    })
}

/// Signs with ring here, or looks the signature up among those given.
// A signer lives for one certificate or CSR; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Signer {
    Here(KeyPair),
    Outside {
        spki: Vec<u8>,
        public_key: Vec<u8>,
        algorithm: KeyAlgorithm,
    },
}

impl Signer {
    /// The signer for `key`: outside for RSA while given signatures are in force.
    pub(crate) fn for_key(key: &PrivateKey) -> Result<Signer, PkiError> {
        let in_force = IN_FORCE.with(|cell| cell.borrow().is_some());
        if in_force && key.algorithm().rsa_bits().is_some() {
            let spki = key.spki_der();
            let public_key = {
                use der::Decode;
                x509_cert::spki::SubjectPublicKeyInfoRef::from_der(&spki)
                    .map_err(|_| PkiError::Key("the public key cannot be parsed".into()))?
                    .subject_public_key
                    .raw_bytes()
                    .to_vec()
            };
            return Ok(Signer::Outside {
                spki,
                public_key,
                algorithm: key.algorithm(),
            });
        }
        KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls_pki_types::PrivatePkcs8KeyDer::from(key.pkcs8_der()),
            key.algorithm().signature_algorithm(),
        )
        .map(Signer::Here)
        .map_err(|e| PkiError::Key(e.to_string()))
    }
}

impl PublicKeyData for Signer {
    fn der_bytes(&self) -> &[u8] {
        match self {
            Signer::Here(pair) => pair.der_bytes(),
            Signer::Outside { public_key, .. } => public_key,
        }
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            Signer::Here(pair) => pair.algorithm(),
            Signer::Outside { algorithm, .. } => algorithm.signature_algorithm(),
        }
    }
}

impl SigningKey for Signer {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        match self {
            Signer::Here(pair) => pair.sign(msg),
            Signer::Outside { spki, .. } => given_signature(spki, msg),
        }
    }
}

/// The given signature of `msg` by the key `spki`; else it is wanted, and signing fails.
fn given_signature(spki: &[u8], msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
    IN_FORCE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let in_force = cell.as_mut().ok_or(rcgen::Error::RemoteKeyError)?;
        let found = in_force
            .given
            .given
            .iter()
            .find(|(w, _)| w.spki.as_slice() == spki && w.message.as_slice() == msg);
        if let Some((_, signature)) = found {
            return Ok(signature.to_vec());
        }
        in_force.wanted.push(Wanted {
            spki: ByteBuf::from(spki.to_vec()),
            message: ByteBuf::from(msg.to_vec()),
        });
        Err(rcgen::Error::RemoteKeyError)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{cert, csr, profile, Certificate, Subject, Template};
    use der::Decode;

    const NOW: u64 = 1_795_000_000;

    fn template(profile: &'static crate::pki::profile::Profile) -> Template<'static> {
        Template {
            profile,
            days: 30,
            sans: &[],
            now: NOW,
        }
    }

    fn rsa_key() -> PrivateKey {
        PrivateKey::generate(KeyAlgorithm::Rsa2048).unwrap()
    }

    /// Runs `work` until it finishes, signing what it wants with ring, as the page has WebCrypto
    /// do. Returns its result, the rounds it took and the signatures it was given.
    fn finish<T>(
        keys: &[&PrivateKey],
        work: impl Fn() -> Result<T, PkiError>,
    ) -> (T, usize, GivenSignatures) {
        let mut given = GivenSignatures::new().unwrap();
        for round in 1..=4 {
            match given.run(&work) {
                Ok(value) => return (value, round, given),
                Err(Unfinished::Wanted(wanted)) => {
                    for w in wanted {
                        let key = keys.iter().find(|k| k.spki_der() == *w.spki).unwrap();
                        let signature = key.signer().unwrap().sign(&w.message).unwrap();
                        given.give(w, signature);
                    }
                }
                Err(Unfinished::Failed(e)) => panic!("{e}"),
            }
        }
        panic!("still wanting signatures after four rounds")
    }

    fn verifies_under(cert: &Certificate, issuer_key: &PrivateKey) -> bool {
        let parsed = x509_cert::Certificate::from_der(cert.der()).unwrap();
        let (parts, _) = crate::pki::parts::certificate(cert.der()).unwrap();
        let spki = issuer_key.spki_der();
        let issuer = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(&spki).unwrap();
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            issuer.subject_public_key.raw_bytes(),
        )
        .verify(parts.tbs, parsed.signature().raw_bytes())
        .is_ok()
    }

    #[test]
    fn an_intermediate_gets_its_csr_signed_then_its_certificate_and_both_verify() {
        let root_key = rsa_key();
        let subject = Subject::seed("O", "OU", "root");
        let (root, rounds, _) = finish(&[&root_key], || {
            cert::self_signed(&subject, &root_key, &template(&profile::ROOT_CA))
        });
        assert_eq!(rounds, 2);
        assert!(verifies_under(&root, &root_key));

        let key = rsa_key();
        let subject = Subject::seed("O", "OU", "intermediate");
        let work = || {
            let request = csr::build(&subject, &key)?;
            let cert = cert::sign_csr(
                &request,
                &template(&profile::INTERMEDIATE_CA),
                &root,
                &root_key,
            )?;
            Ok((request, cert))
        };
        let ((request, cert), rounds, given) = finish(&[&key, &root_key], work);
        // The CSR's signature, then the certificate's: each run builds the same bytes.
        assert_eq!(rounds, 3);
        assert!(verifies_under(&cert, &root_key));
        assert_eq!(request.spki_der(), key.spki_der());
        let (_, again) = given.run(work).unwrap();
        assert_eq!(again.der(), cert.der());
    }

    #[test]
    fn a_wrong_signature_given_is_caught_where_the_csr_is_checked() {
        let key = rsa_key();
        let subject = Subject::seed("O", "OU", "b");
        let mut given = GivenSignatures::new().unwrap();
        let Err(Unfinished::Wanted(wanted)) = given.run(|| csr::build(&subject, &key)) else {
            panic!("an RSA CSR wants its signature");
        };
        for w in wanted {
            given.give(w, vec![0x42; 256]);
        }
        let Err(Unfinished::Failed(error)) = given.run(|| csr::build(&subject, &key)) else {
            panic!("a wrong signature must be refused");
        };
        assert!(
            error.to_string().contains("signature does not verify"),
            "{error}"
        );
    }

    #[test]
    fn ec_keys_sign_here_while_signatures_are_in_force() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let subject = Subject::seed("O", "OU", "root");
        let (root, rounds, given) = finish(&[], || {
            cert::self_signed(&subject, &key, &template(&profile::ROOT_CA))
        });
        assert_eq!(rounds, 1);
        assert!(given.given.is_empty());
        assert_eq!(root.spki_der(), key.spki_der());
    }

    #[test]
    fn a_second_certificate_under_the_same_serial_is_refused() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let subject = Subject::seed("O", "OU", "root");
        let given = GivenSignatures::new().unwrap();
        let Err(Unfinished::Failed(error)) = given.run(|| {
            cert::self_signed(&subject, &key, &template(&profile::ROOT_CA))?;
            cert::self_signed(&subject, &key, &template(&profile::ROOT_CA))
        }) else {
            panic!("two certificates in one step must be refused");
        };
        assert!(
            error.to_string().contains("one certificate at most"),
            "{error}"
        );
    }
}
