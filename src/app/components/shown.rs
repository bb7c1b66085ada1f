//! What results, downloads and the archive are drawn from, compared by what can change them,
//! so that Yew skips them on every other render (a keystroke, a progress line, a lab result).

use crate::app::state::{self, AppState, KeyFile, KeyFiles, P12File, P12Kind};
use crate::pki::pkcs12::Export;
use crate::pki::PkiError;
use crate::workshop::export::{self, ExportFile, KeyProtection};
use crate::workshop::{ArtifactKind, Party, Workshop};
use std::rc::Rc;

/// The workshop's certificates, CSRs and runs. What it made changes only with its generation,
/// compared as of the run's start while one is under way, so a run's steps reach the results
/// once, at its end; which files a step has changes with the intermediates switch.
#[derive(Clone)]
pub struct Products {
    pub workshop: Rc<Workshop>,
    generation: u64,
}

impl Products {
    /// The generation these products are of (the one before the run, while a run is under way).
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

impl PartialEq for Products {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.workshop.settings.use_intermediates == other.workshop.settings.use_intermediates
    }
}

/// The products and the files made from them in the background. A key or PKCS#12 file
/// landing bumps the files' version; the passphrase choice decides which files are current.
#[derive(Clone)]
pub struct Shown {
    pub products: Products,
    key_files: Rc<KeyFiles>,
    p12_files: Rc<Vec<P12File>>,
    pub p12_error: Option<String>,
    /// How the PKCS#12 files are made now, or the field and reason they cannot be.
    pub p12_export: Result<Export, (&'static str, String)>,
    /// The PKCS#12 fields as typed.
    pub p12_alias: String,
    pub p12_include_root: bool,
    pub p12_password: String,
    pub protection: KeyProtection,
    files_version: u64,
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        self.products == other.products
            && self.files_version == other.files_version
            && self.protection == other.protection
            && self.p12_export == other.p12_export
            && self.p12_alias == other.p12_alias
            && self.p12_include_root == other.p12_include_root
            && self.p12_password == other.p12_password
    }
}

impl Shown {
    pub fn of(s: &AppState) -> Self {
        Shown {
            products: Products {
                workshop: s.workshop.clone(),
                generation: s.shown_generation(),
            },
            key_files: s.key_files.clone(),
            p12_files: s.p12_files.clone(),
            p12_error: s.p12_error.clone(),
            p12_export: s.p12_export(),
            p12_alias: s.p12_alias.clone(),
            p12_include_root: s.p12_include_root,
            p12_password: s.p12_password.clone(),
            protection: s.protection(),
            files_version: s.key_files_version,
        }
    }

    pub fn workshop(&self) -> &Workshop {
        &self.products.workshop
    }

    /// Every file of the tree as it downloads but its use-elsewhere folders, which the core
    /// module makes; keys from the files prepared in the background, and an error while a key
    /// file is not ready yet.
    pub fn tree_files(&self) -> Result<Vec<ExportFile>, PkiError> {
        let workshop = self.workshop();
        export::files_without_folders(workshop, &self.protection, |spec| {
            Ok(match spec.kind {
                ArtifactKind::Key(party) => Some(
                    self.key_file(spec.path, party)
                        .map(|f| f.pem.clone())
                        .ok_or_else(|| PkiError::Key("not ready".into()))?,
                ),
                kind => workshop.public_pem(kind),
            })
        })
    }

    pub fn key_file(&self, path: &str, party: Party) -> Option<&KeyFile> {
        state::key_file(
            &self.key_files,
            self.workshop(),
            &self.protection,
            path,
            party,
        )
    }

    pub fn p12_file(&self, kind: P12Kind) -> Option<&P12File> {
        let export = self.p12_export.as_ref().ok()?;
        state::p12_file(&self.p12_files, self.workshop(), export, kind)
    }
}
