//! The seed's tree as files: each artifact as PEM (keys encrypted unless asked otherwise), and
//! all of them as one zip.

use super::model::Workshop;
use super::steps::{ArtifactKind, ArtifactSpec, Settings, StepId, ARTIFACTS};
use crate::pki::{keys::PBKDF2_ITERATIONS, PkiError};

pub const ZIP_NAME: &str = "mtls-workshop.zip";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyProtection {
    pub passphrase: String,
    /// Write keys unencrypted, for tools that cannot prompt.
    pub plain: bool,
    pub iterations: u32,
}

impl KeyProtection {
    pub fn encrypted(passphrase: &str) -> Self {
        KeyProtection {
            passphrase: passphrase.into(),
            plain: false,
            iterations: PBKDF2_ITERATIONS,
        }
    }

    pub fn plain() -> Self {
        KeyProtection {
            passphrase: String::new(),
            plain: true,
            iterations: PBKDF2_ITERATIONS,
        }
    }

    pub fn check(&self) -> Result<(), PkiError> {
        if self.plain {
            Ok(())
        } else {
            crate::pki::keys::check_passphrase(&self.passphrase)
        }
    }
}

pub use super::file::ExportFile;

/// One artifact's file content.
pub fn artifact_file(
    workshop: &Workshop,
    spec: &ArtifactSpec,
    keys: &KeyProtection,
) -> Result<Option<ExportFile>, PkiError> {
    let contents = match spec.kind {
        ArtifactKind::Key(party) => match workshop.key(party) {
            None => None,
            Some(_) if !keys.plain => {
                keys.check()?;
                workshop
                    .key(party)
                    .map(|k| k.to_encrypted_pem(&keys.passphrase, keys.iterations))
                    .transpose()?
            }
            Some(key) => Some(key.to_pem()),
        },
        kind => workshop.public_pem(kind),
    };
    Ok(contents.map(|contents| ExportFile {
        path: spec.path.to_string(),
        contents,
    }))
}

/// Every file of the current tree, in step order, plus a README with the commands to use it.
pub fn all_files(workshop: &Workshop, keys: &KeyProtection) -> Result<Vec<ExportFile>, PkiError> {
    keys.check()?;
    files_with(workshop, keys, |spec| {
        artifact_file(workshop, spec, keys).map(|f| f.map(|f| f.contents))
    })
}

/// The tree with each file's contents from `contents`; the browser passes key files it has
/// already encrypted. `None` from `contents` leaves the file out.
pub fn files_with(
    workshop: &Workshop,
    keys: &KeyProtection,
    contents: impl FnMut(&ArtifactSpec) -> Result<Option<String>, PkiError>,
) -> Result<Vec<ExportFile>, PkiError> {
    let tree = files_without_folders(workshop, keys, contents)?;
    Ok(with_folders(&workshop.settings, tree))
}

/// The tree but its use-elsewhere folders: the page's part of the archive. The core module
/// adds the folders as it packs it ([`with_folders`]), so their makers stay out of the page.
pub fn files_without_folders(
    workshop: &Workshop,
    keys: &KeyProtection,
    mut contents: impl FnMut(&ArtifactSpec) -> Result<Option<String>, PkiError>,
) -> Result<Vec<ExportFile>, PkiError> {
    let mut files = Vec::new();
    for step in StepId::ALL {
        for spec in workshop.artifacts(step) {
            if let Some(text) = contents(spec)? {
                files.push(ExportFile {
                    path: spec.path.to_string(),
                    contents: text,
                });
            }
        }
    }
    if let Some(published) = &workshop.revocation().published {
        for (path, crl) in published.files() {
            files.push(ExportFile {
                path: path.to_string(),
                contents: crl.to_pem(),
            });
        }
    }
    files.push(ExportFile {
        path: README.into(),
        contents: readme(workshop, keys),
    });
    Ok(files)
}

/// The tree's README, last in it.
const README: &str = "README.txt";

/// `tree` (from [`files_without_folders`]) with every use-elsewhere folder, made from its
/// files, before its README.
pub fn with_folders(settings: &Settings, mut tree: Vec<ExportFile>) -> Vec<ExportFile> {
    let readme = tree
        .last()
        .is_some_and(|f| f.path == README)
        .then(|| tree.pop())
        .flatten();
    let folders = super::elsewhere::all_folders(settings, &tree);
    tree.extend(folders);
    tree.extend(readme);
    tree
}

fn readme(workshop: &Workshop, keys: &KeyProtection) -> String {
    let commands = super::commands::step8(&workshop.settings);
    let mut text = String::from(
        "mTLS Lab workshop tree\n======================\n\nThe layout follows the mutual TLS workshop: client_c_ca/ is Client C's CA and server,\nclient_b_ca/ is Client B's CA, client_b_cert/ is Client B's client identity.\n\n",
    );
    if keys.plain {
        text.push_str("Private keys are NOT encrypted. Drop the -pass/-passin options below.\n\n");
    } else {
        text.push_str(&format!(
            "Private keys are PKCS#8, encrypted with AES-256-CBC under PBKDF2-HMAC-SHA256 ({} rounds).\nSet the passphrase you chose once, then run the commands from this folder:\n\n    read -rsp 'Key passphrase: ' KEY_PASSPHRASE && export KEY_PASSPHRASE\n\n",
            keys.iterations
        ));
    }
    // Once C has published, the openssl ca commands that do the same, with B's last reason.
    let revocation = match &workshop.revocation().published {
        Some(_) => {
            let last = workshop.revocation().revoked.last().map(|r| r.reason);
            let reason = last.unwrap_or(crate::pki::crl::Reason::KeyCompromise);
            super::commands::revocation(&workshop.settings, reason)
        }
        None => Vec::new(),
    };
    for block in commands
        .iter()
        .chain(&revocation)
        .chain(&super::commands::snippets(&workshop.settings))
    {
        text.push_str(&format!("# {}\n{}\n\n", block.title, block.script));
    }
    text
}

/// An archive that could not be written, such as one naming the same file twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveError(String);

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the archive could not be written: {}", self.0)
    }
}

impl std::error::Error for ArchiveError {}

/// A stored (uncompressed) zip with a fixed date, so the same files give the same archive.
/// Keys get owner-only permissions.
pub fn zip(files: &[ExportFile]) -> Result<Vec<u8>, ArchiveError> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    for file in files {
        let mode = if file.path.ends_with(".key") {
            0o600
        } else {
            0o644
        };
        writer
            .start_file(file.path.as_str(), stored.unix_permissions(mode))
            .and_then(|()| Ok(writer.write_all(file.contents.as_bytes())?))
            .map_err(|e| ArchiveError(format!("{}: {e}", file.path)))?;
    }
    writer
        .finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| ArchiveError(e.to_string()))
}

/// Every path the seed's tree can hold, for tests and the archive listing.
pub fn seed_paths() -> impl Iterator<Item = &'static str> {
    ARTIFACTS.iter().map(|a| a.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> ExportFile {
        ExportFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn the_archive_is_stored_reproducible_and_keys_are_private() {
        let files = [
            file("client_b_cert/client_b.key", "KEY"),
            file("client_b_cert/client_c_ca_chain.crt", "CHAIN"),
        ];
        let zip = zip(&files).unwrap();
        assert_eq!(zip, super::zip(&files).unwrap());
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        assert_eq!(archive.len(), 2);
        for (i, (path, mode)) in [
            ("client_b_cert/client_b.key", 0o600),
            ("client_b_cert/client_c_ca_chain.crt", 0o644),
        ]
        .into_iter()
        .enumerate()
        {
            let entry = archive.by_index(i).unwrap();
            assert_eq!(entry.name().unwrap(), path);
            assert_eq!(entry.compression(), ::zip::CompressionMethod::Stored);
            assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(mode));
        }
    }

    #[test]
    fn a_name_given_twice_is_refused() {
        let files = [file("a.crt", "one"), file("a.crt", "two")];
        let error = zip(&files).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the archive could not be written: a.crt"),
            "{error}"
        );
    }
}
