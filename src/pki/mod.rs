//! The PKI core: keys, names, CSRs, certificates and their inspection. No DOM, no clock reads.

pub mod cert;
pub mod crl;
pub mod csr;
mod error;
pub mod inspect;
pub mod keys;
pub mod name;
pub mod openssl_verdict;
mod parts;
pub mod pem;
pub mod pkcs12;
pub mod profile;
pub mod san;
mod serde_der;
pub mod signed_outside;
pub mod verdicts;
pub mod verify;

pub use cert::{Certificate, Template};
pub use crl::Crl;
pub use csr::Csr;
pub use error::{InputField, PkiError};
pub use keys::{KeyAlgorithm, PrivateKey};
pub use name::Subject;
pub use san::San;
