//! The workshop as text, for the browser's local storage: settings, then every key, CSR and
//! certificate as PEM. Keys are stored as they download: encrypted unless the user chose plain.

use super::export::KeyProtection;
use super::model::Workshop;
use super::steps::{Party, Settings, StepId};
use crate::pki::{Certificate, Csr, KeyAlgorithm, PkiError, PrivateKey, San, Subject};
use crate::tls::TlsVersion;
use std::collections::BTreeMap;

const HEADER: &str = "mtls-lab workshop v1";

fn bad(what: &str) -> PkiError {
    PkiError::Pem(format!("the saved workshop is damaged ({what})"))
}

fn party_id(party: Party) -> String {
    format!("{party:?}")
}

fn party_from_id(id: &str) -> Option<Party> {
    Party::ALL.into_iter().find(|p| party_id(*p) == id)
}

/// Keeps a value on one line.
fn escape(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

fn unescape(value: &str) -> String {
    value
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

/// Writes the workshop. `key_pem` gives each key's stored form (the download file, which the
/// browser has already encrypted); a key it has no file for is left out.
pub fn save(
    workshop: &Workshop,
    keys: &KeyProtection,
    mut key_pem: impl FnMut(Party) -> Option<String>,
) -> String {
    let s = &workshop.settings;
    let mut out = vec![HEADER.to_string()];
    out.push(format!("setting use_intermediates={}", s.use_intermediates));
    out.push(format!(
        "setting tls={}",
        if s.tls_version == TlsVersion::Tls12 {
            "1.2"
        } else {
            "1.3"
        }
    ));
    out.push(format!(
        "setting sans={}",
        escape(&San::list_to_string(&s.server_sans))
    ));
    out.push(format!(
        "setting keys={}",
        if keys.plain { "plain" } else { "encrypted" }
    ));
    for party in Party::ALL {
        let cert = s.cert(party);
        let id = party_id(party);
        out.push(format!("setting {id}.algorithm={}", cert.algorithm.id()));
        out.push(format!("setting {id}.days={}", cert.days));
        for field in crate::pki::name::SUBJECT_FIELDS {
            out.push(format!(
                "setting {id}.{}={}",
                field.short,
                escape(cert.subject.get(field.short))
            ));
        }
    }
    for party in Party::ALL {
        if let Some(pem) = workshop.key(party).and(key_pem(party)) {
            out.push(format!("key {}", party_id(party)));
            out.push(pem.trim_end().to_string());
        }
        if let Some(csr) = workshop.csr(party) {
            out.push(format!("csr {}", party_id(party)));
            out.push(csr.to_pem().trim_end().to_string());
        }
        if let Some(cert) = workshop.certificate(party) {
            out.push(format!("cert {}", party_id(party)));
            out.push(cert.to_pem().trim_end().to_string());
        }
    }
    out.join("\n") + "\n"
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
    pub keys_encrypted: bool,
    keys: Vec<(Party, String)>,
    csrs: Vec<(Party, String)>,
    certs: Vec<(Party, String)>,
}

impl Saved {
    pub fn parse(text: &str) -> Result<Saved, PkiError> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(bad("unknown format"));
        }
        let mut saved = Saved {
            settings: Settings::default(),
            keys_encrypted: true,
            keys: Vec::new(),
            csrs: Vec::new(),
            certs: Vec::new(),
        };
        while let Some(line) = lines.next() {
            if let Some(setting) = line.strip_prefix("setting ") {
                let (name, value) = setting
                    .split_once('=')
                    .ok_or_else(|| bad("a setting without a value"))?;
                saved
                    .apply(name, &unescape(value))
                    .ok_or_else(|| bad(name))?;
                continue;
            }
            let (kind, party) = line.split_once(' ').ok_or_else(|| bad("an unknown line"))?;
            let party = party_from_id(party).ok_or_else(|| bad("an unknown owner"))?;
            let mut pem = String::new();
            for pem_line in lines.by_ref() {
                pem.push_str(pem_line);
                pem.push('\n');
                if pem_line.starts_with("-----END ") {
                    break;
                }
            }
            match kind {
                "key" => saved.keys.push((party, pem)),
                "csr" => saved.csrs.push((party, pem)),
                "cert" => saved.certs.push((party, pem)),
                _ => return Err(bad("an unknown kind of file")),
            }
        }
        Ok(saved)
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    fn apply(&mut self, name: &str, value: &str) -> Option<()> {
        let s = &mut self.settings;
        match name {
            "use_intermediates" => s.use_intermediates = value == "true",
            "tls" => {
                s.tls_version = if value == "1.2" {
                    TlsVersion::Tls12
                } else {
                    TlsVersion::Tls13
                }
            }
            "sans" => s.server_sans = San::parse_list(value).ok()?,
            "keys" => self.keys_encrypted = value != "plain",
            _ => {
                let (party, field) = name.split_once('.')?;
                let cert = s.cert_mut(party_from_id(party)?);
                match field {
                    "algorithm" => cert.algorithm = KeyAlgorithm::from_id(value)?,
                    "days" => cert.days = value.parse().ok()?,
                    short => {
                        let mut subject: Subject = cert.subject.clone();
                        subject.set(short, value.to_string());
                        cert.subject = subject;
                    }
                }
            }
        }
        Some(())
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
        Ok(Workshop::restored(
            self.settings.clone(),
            files.keys,
            files.csrs,
            files.certs,
        ))
    }

    /// Decrypts the stored keys with `passphrase` (ignored for plain keys).
    pub fn open_keys(&self, passphrase: &str) -> Result<BTreeMap<Party, PrivateKey>, PkiError> {
        self.keys
            .iter()
            .map(|(party, pem)| Ok((*party, PrivateKey::from_pem(pem, passphrase)?)))
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
