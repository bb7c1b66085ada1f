//! Subject alternative names typed by a user: DNS names and IP addresses.

use super::{InputField, PkiError};
use std::net::IpAddr;

/// Crosses to a worker as its text, read back through [`San::parse`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum San {
    Dns(String),
    Ip(IpAddr),
}

impl San {
    /// Reads one SAN: an IP address if it parses as one, else a DNS name checked by RFC 1123.
    pub fn parse(raw: &str) -> Result<San, PkiError> {
        let value = raw.trim();
        if let Ok(ip) = value.parse::<IpAddr>() {
            return Ok(San::Ip(ip));
        }
        let looks_like_ip = value.chars().all(|c| c.is_ascii_digit() || c == '.')
            || (value.contains(':') && value.chars().all(|c| c.is_ascii_hexdigit() || c == ':'));
        if looks_like_ip && !value.is_empty() {
            return Err(PkiError::input(
                InputField::Sans,
                format!("\"{value}\" is not a valid IP address."),
            ));
        }
        let labels_ok = !value.is_empty()
            && value.len() <= 253
            && value.split('.').enumerate().all(|(i, label)| {
                let body = if i == 0 {
                    label
                        .strip_prefix("*")
                        .map(|rest| rest.is_empty())
                        .unwrap_or(false)
                } else {
                    false
                };
                body || (!label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            });
        if !labels_ok {
            return Err(PkiError::input(
                InputField::Sans,
                format!("\"{value}\" is neither a DNS name (letters, digits, hyphens, dots) nor an IP address."),
            ));
        }
        Ok(San::Dns(value.to_ascii_lowercase()))
    }

    /// Reads a comma- or newline-separated list; at least one name is required.
    pub fn parse_list(raw: &str) -> Result<Vec<San>, PkiError> {
        let sans = raw
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(San::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if sans.is_empty() {
            return Err(PkiError::input(
                InputField::Sans,
                "The server needs at least one DNS name or IP address.",
            ));
        }
        Ok(sans)
    }

    pub fn to_rcgen(&self) -> Result<rcgen::SanType, PkiError> {
        Ok(match self {
            San::Dns(name) => rcgen::SanType::DnsName(name.clone().try_into().map_err(|_| {
                PkiError::input(InputField::Sans, format!("\"{name}\" is not a DNS name."))
            })?),
            San::Ip(ip) => rcgen::SanType::IpAddress(*ip),
        })
    }

    /// The openssl `[alt_names]` lines: `DNS.1 = …`, `IP.1 = …`.
    pub fn openssl_alt_names(sans: &[San]) -> String {
        let (mut dns, mut ip) = (0, 0);
        sans.iter()
            .map(|san| match san {
                San::Dns(name) => {
                    dns += 1;
                    format!("DNS.{dns} = {name}")
                }
                San::Ip(addr) => {
                    ip += 1;
                    format!("IP.{ip} = {addr}")
                }
            })
            .collect::<Vec<_>>()
            .join("\\n")
    }

    pub fn list_to_string(sans: &[San]) -> String {
        sans.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for San {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            San::Dns(name) => f.write_str(name),
            San::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl From<San> for String {
    fn from(san: San) -> String {
        san.to_string()
    }
}

impl TryFrom<String> for San {
    type Error = PkiError;

    fn try_from(text: String) -> Result<San, PkiError> {
        San::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_sans_and_refuses_junk() {
        let sans = San::parse_list("client-c.local, localhost, 127.0.0.1").unwrap();
        assert_eq!(
            San::openssl_alt_names(&sans),
            "DNS.1 = client-c.local\\nDNS.2 = localhost\\nIP.1 = 127.0.0.1"
        );
        assert!(San::parse("999.1.1.1").is_err());
        assert!(San::parse("bad name").is_err());
        assert!(San::parse("-x.local").is_err());
        assert!(San::parse("::1").is_ok());
        assert!(San::parse("*.example.com").is_ok());
        assert!(San::parse_list(" , ").is_err());
    }
}
