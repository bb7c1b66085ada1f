//! The seed's tree as files: each artifact as PEM (keys encrypted unless asked otherwise), and
//! all of them as one zip.

use super::model::Workshop;
use super::steps::{ArtifactKind, ArtifactSpec, StepId, ARTIFACTS};
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    pub path: String,
    pub contents: String,
}

impl ExportFile {
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

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
    files.push(ExportFile {
        path: "README.txt".into(),
        contents: readme(workshop, keys),
    });
    Ok(files)
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
    for block in commands
        .iter()
        .chain(&super::commands::snippets(&workshop.settings))
    {
        text.push_str(&format!("# {}\n{}\n\n", block.title, block.script));
    }
    text
}

/// A stored (uncompressed) zip: PEM is small, and every unzip reads it.
pub fn zip(files: &[ExportFile]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 1980-01-01 00:00 in DOS format; a fixed stamp keeps archives reproducible.
    let (dos_time, dos_date): (u16, u16) = (0, 0x21);
    for file in files {
        let name = file.path.as_bytes();
        let data = file.contents.as_bytes();
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let mut local = Vec::new();
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        local.extend_from_slice(&20u16.to_le_bytes()); // version needed
        local.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
        local.extend_from_slice(&0u16.to_le_bytes()); // stored
        local.extend_from_slice(&dos_time.to_le_bytes());
        local.extend_from_slice(&dos_date.to_le_bytes());
        local.extend_from_slice(&crc.to_le_bytes());
        local.extend_from_slice(&(data.len() as u32).to_le_bytes());
        local.extend_from_slice(&(data.len() as u32).to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&local);
        out.extend_from_slice(name);
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&0x031eu16.to_le_bytes()); // made by: Unix, 3.0
        central.extend_from_slice(&local[4..30]);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        let mode: u32 = if file.path.ends_with(".key") {
            0o100600
        } else {
            0o100644
        };
        central.extend_from_slice(&(mode << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Every path the seed's tree can hold, for tests and the archive listing.
pub fn seed_paths() -> impl Iterator<Item = &'static str> {
    ARTIFACTS.iter().map(|a| a.path)
}
