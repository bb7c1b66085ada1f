//! The files the page prepares in the background: key files and PKCS#12 files, each valid for
//! one key (or workshop generation) and one passphrase choice.

use crate::pki::{self, PrivateKey};
use crate::workshop::{export::KeyProtection, Party, Workshop};
use std::collections::BTreeMap;

/// An encrypted (or plain) key file, valid for one key and one passphrase choice.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyFile {
    pub key: PrivateKey,
    pub protection: KeyProtection,
    pub pem: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct P12File {
    pub flavour: pki::pkcs12::Flavour,
    pub generation: u64,
    pub passphrase: String,
    pub bytes: Vec<u8>,
}

/// Key files by seed path.
pub type KeyFiles = BTreeMap<&'static str, KeyFile>;

/// A key's file, if it is ready for `workshop`'s key and for `protection`.
pub fn key_file<'a>(
    files: &'a KeyFiles,
    workshop: &Workshop,
    protection: &KeyProtection,
    path: &str,
    party: Party,
) -> Option<&'a KeyFile> {
    let key = workshop.key(party)?;
    files
        .get(path)
        .filter(|f| &f.key == key && &f.protection == protection)
}

/// A PKCS#12 file made for `workshop`'s generation and `passphrase`.
pub fn p12_file<'a>(
    files: &'a [P12File],
    workshop: &Workshop,
    passphrase: &str,
    flavour: pki::pkcs12::Flavour,
) -> Option<&'a P12File> {
    files.iter().find(|f| {
        f.flavour == flavour && f.generation == workshop.generation() && f.passphrase == passphrase
    })
}
