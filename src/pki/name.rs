//! Subject distinguished names as the seed writes them: C, ST, L, O, OU, CN.

use super::{InputField, PkiError};
use rcgen::{DistinguishedName, DnType, DnValue};

#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Subject {
    pub country: String,
    pub state: String,
    pub locality: String,
    pub organization: String,
    pub organizational_unit: String,
    pub common_name: String,
}

/// One subject attribute: its openssl short name, a label for forms, and its X.520 upper bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubjectField {
    pub short: &'static str,
    /// The input its errors name.
    pub input: InputField,
    pub label: &'static str,
    pub max_chars: usize,
}

pub const SUBJECT_FIELDS: [SubjectField; 6] = [
    SubjectField {
        short: "C",
        input: InputField::Country,
        label: "Country (C)",
        max_chars: 2,
    },
    SubjectField {
        short: "ST",
        input: InputField::State,
        label: "State (ST)",
        max_chars: 128,
    },
    SubjectField {
        short: "L",
        input: InputField::Locality,
        label: "Locality (L)",
        max_chars: 128,
    },
    SubjectField {
        short: "O",
        input: InputField::Organization,
        label: "Organization (O)",
        max_chars: 64,
    },
    SubjectField {
        short: "OU",
        input: InputField::OrganizationalUnit,
        label: "Organizational unit (OU)",
        max_chars: 64,
    },
    SubjectField {
        short: "CN",
        input: InputField::CommonName,
        label: "Common name (CN)",
        max_chars: 64,
    },
];

impl Subject {
    /// The seed's DN shape: `/C=FR/ST=Iles-De-France/L=Paris/O=…/OU=…/CN=…`.
    pub fn seed(organization: &str, unit: &str, common_name: &str) -> Self {
        Subject {
            country: "FR".into(),
            state: "Iles-De-France".into(),
            locality: "Paris".into(),
            organization: organization.into(),
            organizational_unit: unit.into(),
            common_name: common_name.into(),
        }
    }

    pub fn get(&self, short: &str) -> &str {
        match short {
            "C" => &self.country,
            "ST" => &self.state,
            "L" => &self.locality,
            "O" => &self.organization,
            "OU" => &self.organizational_unit,
            _ => &self.common_name,
        }
    }

    pub fn set(&mut self, short: &str, value: String) {
        match short {
            "C" => self.country = value,
            "ST" => self.state = value,
            "L" => self.locality = value,
            "O" => self.organization = value,
            "OU" => self.organizational_unit = value,
            _ => self.common_name = value,
        }
    }

    /// Checks every field; the error names the first bad one by its short name.
    pub fn validate(&self) -> Result<(), PkiError> {
        for field in SUBJECT_FIELDS {
            validate_field(field, self.get(field.short))?;
        }
        Ok(())
    }

    pub fn to_rcgen(&self) -> Result<DistinguishedName, PkiError> {
        self.validate()?;
        let mut dn = DistinguishedName::new();
        for field in SUBJECT_FIELDS {
            let value = self.get(field.short).trim();
            if value.is_empty() {
                continue;
            }
            let (ty, value) = match field.short {
                // X.520 says PrintableString for the country, as openssl writes it.
                "C" => (
                    DnType::CountryName,
                    DnValue::PrintableString(value.try_into().map_err(|_| {
                        PkiError::input(
                            InputField::Country,
                            "The country must be two letters, such as FR.",
                        )
                    })?),
                ),
                "ST" => (
                    DnType::StateOrProvinceName,
                    DnValue::Utf8String(value.into()),
                ),
                "L" => (DnType::LocalityName, DnValue::Utf8String(value.into())),
                "O" => (DnType::OrganizationName, DnValue::Utf8String(value.into())),
                "OU" => (
                    DnType::OrganizationalUnitName,
                    DnValue::Utf8String(value.into()),
                ),
                _ => (DnType::CommonName, DnValue::Utf8String(value.into())),
            };
            dn.push(ty, value);
        }
        Ok(dn)
    }

    /// The `-subj` argument openssl takes. openssl reads `/` as the next attribute and an
    /// unescaped `+` as another value of the same RDN, so both are escaped, and `\` itself.
    pub fn openssl_subj(&self) -> String {
        SUBJECT_FIELDS
            .iter()
            .filter(|f| !self.get(f.short).trim().is_empty())
            .map(|f| {
                let mut value = String::new();
                for c in self.get(f.short).trim().chars() {
                    if matches!(c, '\\' | '/' | '+') {
                        value.push('\\');
                    }
                    value.push(c);
                }
                format!("/{}={}", f.short, value)
            })
            .collect()
    }

    pub fn is_ascii(&self) -> bool {
        SUBJECT_FIELDS.iter().all(|f| self.get(f.short).is_ascii())
    }
}

fn validate_field(field: SubjectField, raw: &str) -> Result<(), PkiError> {
    let value = raw.trim();
    let name = field.label;
    if value.chars().any(char::is_control) {
        return Err(PkiError::input(
            field.input,
            format!("{name} contains a control character."),
        ));
    }
    if field.short == "CN" && value.is_empty() {
        return Err(PkiError::input(
            InputField::CommonName,
            "The common name (CN) cannot be empty.",
        ));
    }
    if field.short == "C" {
        let two_letters = value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic());
        if !value.is_empty() && !two_letters {
            return Err(PkiError::input(
                InputField::Country,
                "The country (C) must be exactly two letters, such as FR.",
            ));
        }
        return Ok(());
    }
    let chars = value.chars().count();
    if chars > field.max_chars {
        return Err(PkiError::input(
            field.input,
            format!(
                "{name} has {chars} characters; X.509 allows at most {}.",
                field.max_chars
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_subject_renders_like_the_seed() {
        let s = Subject::seed("Client C Organization", "IT Department", "Client C Root CA");
        assert_eq!(
            s.openssl_subj(),
            "/C=FR/ST=Iles-De-France/L=Paris/O=Client C Organization/OU=IT Department/CN=Client C Root CA"
        );
        assert!(s.to_rcgen().is_ok());
    }

    #[test]
    fn bad_fields_are_named() {
        let mut s = Subject::seed("O", "OU", "cn");
        s.country = "FRA".into();
        assert_eq!(s.validate().unwrap_err().field(), Some(InputField::Country));
        s.country = "FR".into();
        s.common_name = "  ".into();
        assert_eq!(
            s.validate().unwrap_err().field(),
            Some(InputField::CommonName)
        );
        s.common_name = "x".repeat(65);
        assert_eq!(
            s.validate().unwrap_err().field(),
            Some(InputField::CommonName)
        );
        s.common_name = "tab\there".into();
        assert_eq!(
            s.validate().unwrap_err().field(),
            Some(InputField::CommonName)
        );
        s.common_name = "Zürich/1".into();
        assert!(s.validate().is_ok());
        assert!(s.openssl_subj().ends_with("/CN=Zürich\\/1"));
        s.organization = "A+B Corp".into();
        assert!(s.openssl_subj().contains("/O=A\\+B Corp/"));
    }
}
