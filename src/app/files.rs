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

/// The PKCS#12 files the page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum P12Kind {
    /// B's identity in one flavour.
    Identity(pki::pkcs12::Flavour),
    /// C's CAs as a Java truststore.
    Truststore,
}

impl P12Kind {
    pub const ALL: [P12Kind; 3] = [
        P12Kind::Identity(pki::pkcs12::Flavour::Modern),
        P12Kind::Identity(pki::pkcs12::Flavour::Legacy),
        P12Kind::Truststore,
    ];

    pub fn file_name(self) -> String {
        match self {
            P12Kind::Identity(flavour) => flavour.file_name("client_b"),
            P12Kind::Truststore => "client_c_truststore.p12".into(),
        }
    }

    /// What to make for `workshop` with `export`; `None` until the files exist.
    pub fn job(
        self,
        workshop: &Workshop,
        export: &pki::pkcs12::Export,
    ) -> Option<pki::pkcs12::Pkcs12Job> {
        match self {
            P12Kind::Identity(flavour) => workshop.client_pkcs12_job(export, flavour),
            P12Kind::Truststore => {
                workshop.truststore_pkcs12_job(&export.password, pki::pkcs12::Flavour::Modern)
            }
        }
    }
}

/// A PKCS#12 file, valid for one workshop generation and one export choice.
#[derive(Clone, Debug, PartialEq)]
pub struct P12File {
    pub kind: P12Kind,
    pub generation: u64,
    pub export: pki::pkcs12::Export,
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

/// A PKCS#12 file made for `workshop`'s generation and `export`.
pub fn p12_file<'a>(
    files: &'a [P12File],
    workshop: &Workshop,
    export: &pki::pkcs12::Export,
    kind: P12Kind,
) -> Option<&'a P12File> {
    files
        .iter()
        .find(|f| f.kind == kind && f.generation == workshop.generation() && &f.export == export)
}
