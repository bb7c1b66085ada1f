//! The workshop for the browser's local storage, as JSON with a format version: the settings,
//! then every key, CSR and certificate as PEM. Keys are stored as they download: encrypted
//! unless the user chose plain. A workshop saved in the first, line-based form is migrated.

use super::export::KeyProtection;
use super::model::Workshop;
use super::revocation::{Published, Revocation};
use super::steps::{Party, Settings, StepId};
use crate::pki::crl::Revoked;
use crate::pki::{Certificate, Crl, Csr, KeyAlgorithm, PkiError, PrivateKey, San, Subject};
use crate::tls::TlsVersion;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod v1;

/// The version `save` writes; `Saved::parse` reads it and migrates version 1.
pub const FORMAT: u32 = 2;

pub(super) fn bad(what: &str) -> PkiError {
    PkiError::Pem(format!("the saved workshop is damaged ({what})"))
}

/// The stored form. Unknown fields are refused rather than ignored.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    format: u32,
    use_intermediates: bool,
    tls_version: TlsVersion,
    sans: Vec<San>,
    keys_plain: bool,
    parties: BTreeMap<Party, StoredCert>,
    files: Vec<StoredFile>,
    /// Absent in workshops saved before the revocation step.
    #[serde(default)]
    revocation: StoredRevocation,
}

/// The revocation step: its settings, what C revoked and the CRLs it last published.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StoredRevocation {
    check: bool,
    crl_days: Option<u32>,
    revoked: Vec<Revoked>,
    /// The CRL number, then the issuing CA's CRL and the root's (with intermediates), as PEM.
    published: Option<(u64, String, Option<String>)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredCert {
    /// `KeyAlgorithm::id`, e.g. "p256".
    algorithm: String,
    days: u32,
    subject: Subject,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum FileKind {
    Key,
    Csr,
    Cert,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFile {
    owner: Party,
    kind: FileKind,
    pem: String,
}

/// Writes the workshop. `key_pem` gives each key's stored form (the download file, which the
/// browser has already encrypted); a key it has no file for is left out.
pub fn save(
    workshop: &Workshop,
    keys: &KeyProtection,
    mut key_pem: impl FnMut(Party) -> Option<String>,
) -> String {
    let s = &workshop.settings;
    let mut files = Vec::new();
    for party in Party::ALL {
        let mut add = |kind, pem: Option<String>| {
            if let Some(pem) = pem {
                files.push(StoredFile {
                    owner: party,
                    kind,
                    pem,
                });
            }
        };
        add(FileKind::Key, workshop.key(party).and(key_pem(party)));
        add(FileKind::Csr, workshop.csr(party).map(Csr::to_pem));
        add(
            FileKind::Cert,
            workshop.certificate(party).map(Certificate::to_pem),
        );
    }
    let stored = Stored {
        format: FORMAT,
        use_intermediates: s.use_intermediates,
        tls_version: s.tls_version,
        sans: s.server_sans.clone(),
        keys_plain: keys.plain,
        parties: Party::ALL
            .into_iter()
            .map(|party| {
                let cert = s.cert(party);
                let stored = StoredCert {
                    algorithm: cert.algorithm.id().to_string(),
                    days: cert.days,
                    subject: cert.subject.clone(),
                };
                (party, stored)
            })
            .collect(),
        files,
        revocation: StoredRevocation {
            check: s.check_revocation,
            crl_days: Some(s.crl_days),
            revoked: workshop.revocation().revoked.clone(),
            published: workshop.revocation().published.as_ref().map(|p| {
                (
                    p.number,
                    p.issuing.to_pem(),
                    p.root.as_ref().map(Crl::to_pem),
                )
            }),
        },
    };
    // Strings, numbers, booleans and maps with string keys: JSON always takes them.
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The files of a saved workshop, keys opened.
pub struct SavedFiles {
    pub keys: BTreeMap<Party, PrivateKey>,
    pub csrs: BTreeMap<Party, Csr>,
    pub certs: BTreeMap<Party, Certificate>,
}

/// What a saved text holds, before its keys are opened.
pub struct Saved {
    pub settings: Settings,
    pub revocation: Revocation,
    pub keys_encrypted: bool,
    keys: Vec<(Party, String)>,
    csrs: Vec<(Party, String)>,
    certs: Vec<(Party, String)>,
}

impl Saved {
    /// Reads a saved workshop: this format, or the first one, migrated. Nothing in it is taken
    /// on trust: every setting is checked as the form would check it.
    pub fn parse(text: &str) -> Result<Saved, PkiError> {
        if text.starts_with(v1::HEADER) {
            return v1::parse(text);
        }
        // Only the format field, read as its own type: a JSON value of the whole text would
        // carry serde_json's whole `Value` into the page's module.
        #[derive(Deserialize)]
        struct FormatOnly {
            format: u64,
        }
        let format = serde_json::from_str::<FormatOnly>(text)
            .map_err(|_| bad("unknown format"))?
            .format;
        if format != u64::from(FORMAT) {
            return Err(PkiError::Pem(format!(
                "the saved workshop is in format {format}, which this page does not read; \
                 reset the workshop to start again"
            )));
        }
        let stored: Stored =
            serde_json::from_str(text).map_err(|e| bad(&format!("format {FORMAT}: {e}")))?;
        let mut settings = Settings {
            use_intermediates: stored.use_intermediates,
            tls_version: stored.tls_version,
            server_sans: stored.sans,
            check_revocation: stored.revocation.check,
            ..Settings::default()
        };
        if let Some(days) = stored.revocation.crl_days {
            crate::pki::cert::check_days(days).map_err(|_| bad("the CRL days"))?;
            settings.crl_days = days;
        }
        for (party, saved) in stored.parties {
            let cert = settings.cert_mut(party);
            cert.algorithm =
                KeyAlgorithm::from_id(&saved.algorithm).ok_or_else(|| bad("a key algorithm"))?;
            cert.days = saved.days;
            saved
                .subject
                .validate()
                .map_err(|_| bad("a subject that the form would refuse"))?;
            cert.subject = saved.subject;
        }
        let mut saved = Saved::new(settings, !stored.keys_plain);
        saved.revocation = Revocation {
            revoked: stored.revocation.revoked,
            published: match stored.revocation.published {
                Some((number, issuing, root)) => Some(Published {
                    number,
                    issuing: Crl::from_pem(&issuing).map_err(|_| bad("a CRL"))?,
                    root: root
                        .map(|pem| Crl::from_pem(&pem))
                        .transpose()
                        .map_err(|_| bad("a CRL"))?,
                }),
                None => None,
            },
        };
        for file in stored.files {
            saved.add(file.kind, file.owner, file.pem);
        }
        Ok(saved)
    }

    pub(super) fn new(settings: Settings, keys_encrypted: bool) -> Self {
        Saved {
            settings,
            revocation: Revocation::default(),
            keys_encrypted,
            keys: Vec::new(),
            csrs: Vec::new(),
            certs: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, kind: FileKind, owner: Party, pem: String) {
        match kind {
            FileKind::Key => self.keys.push((owner, pem)),
            FileKind::Csr => self.csrs.push((owner, pem)),
            FileKind::Cert => self.certs.push((owner, pem)),
        }
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Opens the keys (with `passphrase` when they are encrypted) and rebuilds the workshop:
    /// every step whose files are all there counts as run, and the handshakes run again.
    pub fn restore(&self, passphrase: &str, now: u64) -> Result<Workshop, PkiError> {
        let mut workshop = self.restore_with_keys(self.open_keys(passphrase)?)?;
        if workshop.validate(StepId::Handshake).is_ok() {
            let _ = workshop.run_step(StepId::Handshake, None, now);
        }
        Ok(workshop)
    }

    /// Rebuilds the workshop around keys opened elsewhere (the browser opens them in a
    /// worker: 100,000 PBKDF2 rounds a key would hold up the page). Step 8 is left to run.
    pub fn restore_with_keys(
        &self,
        keys: BTreeMap<Party, PrivateKey>,
    ) -> Result<Workshop, PkiError> {
        let files = self.open_files(keys)?;
        let mut workshop =
            Workshop::restored(self.settings.clone(), files.keys, files.csrs, files.certs);
        workshop.revocation = self.revocation.clone();
        Ok(workshop)
    }

    /// Decrypts the stored keys with `passphrase` (ignored for plain keys).
    pub fn open_keys(&self, passphrase: &str) -> Result<BTreeMap<Party, PrivateKey>, PkiError> {
        self.keys
            .iter()
            .map(|(party, pem)| Ok((*party, PrivateKey::from_pem(pem, passphrase)?)))
            .collect()
    }

    /// The keys of a workshop saved with plain keys, PKCS#8 as the page writes them: read
    /// without the decryption the page's module does not carry.
    pub fn open_plain_keys(&self) -> Result<BTreeMap<Party, PrivateKey>, PkiError> {
        self.keys
            .iter()
            .map(|(party, pem)| Ok((*party, PrivateKey::from_plain_pem(pem)?)))
            .collect()
    }

    /// Reads every stored file, opening the keys with `passphrase`.
    pub fn open(&self, passphrase: &str) -> Result<SavedFiles, PkiError> {
        self.open_files(self.open_keys(passphrase)?)
    }

    fn open_files(&self, keys: BTreeMap<Party, PrivateKey>) -> Result<SavedFiles, PkiError> {
        let mut csrs = BTreeMap::new();
        for (party, pem) in &self.csrs {
            csrs.insert(*party, Csr::from_pem(pem)?);
        }
        let mut certs = BTreeMap::new();
        for (party, pem) in &self.certs {
            certs.insert(*party, Certificate::from_pem(pem)?);
        }
        Ok(SavedFiles { keys, csrs, certs })
    }
}
