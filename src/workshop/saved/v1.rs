//! The first saved form, line-based text, read only to migrate a workshop saved by an earlier
//! build. It is read strictly: a value the form would refuse makes the whole file refused.

use super::super::steps::{Party, Settings};
use super::{bad, FileKind, Saved};
use crate::pki::{name::SUBJECT_FIELDS, KeyAlgorithm, PkiError, San};
use crate::tls::TlsVersion;

pub const HEADER: &str = "mtls-lab workshop v1";

fn party_from_id(id: &str) -> Option<Party> {
    Party::ALL.into_iter().find(|p| format!("{p:?}") == id)
}

fn unescape(value: &str) -> String {
    value
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

pub fn parse(text: &str) -> Result<Saved, PkiError> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(bad("unknown format"));
    }
    let mut settings = Settings::default();
    let mut keys_encrypted = true;
    let mut files = Vec::new();
    while let Some(line) = lines.next() {
        if let Some(setting) = line.strip_prefix("setting ") {
            let (name, value) = setting
                .split_once('=')
                .ok_or_else(|| bad("a setting without a value"))?;
            let value = unescape(value);
            if name == "keys" {
                keys_encrypted = value != "plain";
            } else {
                apply(&mut settings, name, &value).ok_or_else(|| bad(name))?;
            }
            continue;
        }
        let (kind, party) = line.split_once(' ').ok_or_else(|| bad("an unknown line"))?;
        let party = party_from_id(party).ok_or_else(|| bad("an unknown owner"))?;
        let kind = match kind {
            "key" => FileKind::Key,
            "csr" => FileKind::Csr,
            "cert" => FileKind::Cert,
            _ => return Err(bad("an unknown kind of file")),
        };
        let mut pem = String::new();
        for pem_line in lines.by_ref() {
            pem.push_str(pem_line);
            pem.push('\n');
            if pem_line.starts_with("-----END ") {
                break;
            }
        }
        files.push((kind, party, pem));
    }
    for party in Party::ALL {
        if settings.cert(party).subject.validate().is_err() {
            return Err(bad("a subject that the form would refuse"));
        }
    }
    let mut saved = Saved::new(settings, keys_encrypted);
    for (kind, party, pem) in files {
        saved.add(kind, party, pem);
    }
    Ok(saved)
}

fn apply(s: &mut Settings, name: &str, value: &str) -> Option<()> {
    match name {
        "use_intermediates" => s.use_intermediates = value.parse().ok()?,
        "tls" => {
            s.tls_version = match value {
                "1.3" => TlsVersion::Tls13,
                "1.2" => TlsVersion::Tls12,
                _ => return None,
            }
        }
        "sans" => s.server_sans = San::parse_list(value).ok()?,
        _ => {
            let (party, field) = name.split_once('.')?;
            let cert = s.cert_mut(party_from_id(party)?);
            match field {
                "algorithm" => cert.algorithm = KeyAlgorithm::from_id(value)?,
                "days" => cert.days = value.parse().ok()?,
                // Only the six subject fields; another key is refused, not taken as the CN.
                short => {
                    let known = SUBJECT_FIELDS.iter().find(|f| f.short == short)?;
                    cert.subject.set(known.short, value.to_string());
                }
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "mtls-lab workshop v1
setting use_intermediates=false
setting tls=1.2
setting sans=client-c.local, 127.0.0.1
setting keys=plain
setting CRoot.algorithm=p384
setting CRoot.days=100
setting CRoot.O=Percent %25 and = signs
";

    #[test]
    fn a_workshop_saved_in_the_first_form_migrates() {
        let saved = parse(V1).unwrap();
        assert!(!saved.settings.use_intermediates);
        assert_eq!(saved.settings.tls_version, TlsVersion::Tls12);
        assert!(!saved.keys_encrypted);
        let root = saved.settings.cert(Party::CRoot);
        assert_eq!(root.algorithm, KeyAlgorithm::EcdsaP384);
        assert_eq!(root.days, 100);
        assert_eq!(root.subject.organization, "Percent % and = signs");
    }

    #[test]
    fn values_the_form_would_refuse_are_refused() {
        for bad_line in [
            "setting tls=1.1",
            "setting use_intermediates=yes",
            "setting CRoot.XX=ignored before, now refused",
            "setting CRoot.C=France",
        ] {
            let text = format!("{HEADER}\n{bad_line}\n");
            assert!(parse(&text).is_err(), "{bad_line}");
        }
    }
}
