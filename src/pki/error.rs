use serde::{Deserialize, Serialize};
use std::fmt;

/// The input an error belongs to, so the page can show the message beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputField {
    Country,
    State,
    Locality,
    Organization,
    OrganizationalUnit,
    CommonName,
    /// A validity in days.
    Days,
    /// The server's subject alternative names.
    Sans,
    /// The passphrase that protects keys.
    Passphrase,
    /// The handshake lab as a whole.
    Lab,
    /// A run of the steps: one is missing, or the work came back unreadable.
    Run,
    /// Revoking B's certificate or publishing C's CRLs.
    Revocation,
    /// A CRL pasted to be checked against C's CAs.
    Crl,
}

/// Everything the PKI core can refuse, each with a message fit to show by the input that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkiError {
    /// Text that should be PEM is not, or holds the wrong kind of block.
    Pem(String),
    /// A private key could not be read or used.
    Key(String),
    /// The passphrase does not open an encrypted key.
    WrongPassphrase,
    /// A CSR could not be parsed, or its signature does not verify.
    Csr(String),
    /// A certificate could not be parsed or built.
    Certificate(String),
    /// A value the user typed is not acceptable; `field` names the input.
    Input { field: InputField, message: String },
    /// The key type or size is not one this lab supports.
    Unsupported(String),
}

impl PkiError {
    pub fn input(field: InputField, message: impl Into<String>) -> Self {
        PkiError::Input {
            field,
            message: message.into(),
        }
    }

    /// The input this error belongs to, when it belongs to one.
    pub fn field(&self) -> Option<InputField> {
        match self {
            PkiError::Input { field, .. } => Some(*field),
            _ => None,
        }
    }
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PkiError::Pem(m) => write!(f, "not usable PEM: {m}"),
            PkiError::Key(m) => write!(f, "private key: {m}"),
            PkiError::WrongPassphrase => {
                write!(f, "the passphrase does not decrypt this key")
            }
            PkiError::Csr(m) => write!(f, "certificate signing request: {m}"),
            PkiError::Certificate(m) => write!(f, "certificate: {m}"),
            PkiError::Input { message, .. } => write!(f, "{message}"),
            PkiError::Unsupported(m) => write!(f, "unsupported: {m}"),
        }
    }
}

impl std::error::Error for PkiError {}

impl From<rcgen::Error> for PkiError {
    fn from(e: rcgen::Error) -> Self {
        PkiError::Certificate(e.to_string())
    }
}
