//! The element ids the page gives its fields, and where a core error about a field is shown.

use crate::pki;
use crate::workshop::Party;

pub fn days_input(party: Party) -> String {
    format!("days-{party:?}")
}

pub fn subject_input(party: Party, short: &str) -> String {
    format!("subject-{party:?}-{short}")
}

/// The element that shows an error about `field` for `party`'s certificate; `None` when the
/// field has no input of its own there and the step shows the message.
pub fn input_id(field: pki::InputField, party: Option<Party>) -> Option<String> {
    match field {
        pki::InputField::Days => party.map(days_input),
        pki::InputField::Sans => Some(SANS_INPUT.to_string()),
        pki::InputField::Crl => Some(CHECK_CRL_INPUT.to_string()),
        pki::InputField::Passphrase
        | pki::InputField::Lab
        | pki::InputField::Run
        | pki::InputField::Revocation => None,
        subject => pki::name::SUBJECT_FIELDS
            .iter()
            .find(|f| f.input == subject)
            .zip(party)
            .map(|(f, party)| subject_input(party, f.short)),
    }
}

pub fn algorithm_input(party: Party) -> String {
    format!("algorithm-{party:?}")
}

pub const SANS_INPUT: &str = "sans";
pub const EXTERNAL_CSR_INPUT: &str = "external-csr";
pub const OWN_KEY_INPUT: &str = "own-key";
pub const OWN_KEY_PASSPHRASE_INPUT: &str = "own-key-passphrase";
pub const CHECK_CERT_INPUT: &str = "check-cert";
pub const CHECK_CRL_INPUT: &str = "check-crl";
pub const PASSPHRASE_INPUT: &str = "passphrase";
pub const P12_ALIAS_INPUT: &str = "p12-alias";
pub const P12_PASSWORD_INPUT: &str = "p12-password";
