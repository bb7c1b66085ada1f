//! The errors people paste, as data: the words each tool prints when mutual TLS fails, the
//! alert numbers and openssl's verify errors, each mapped to the lab rows that reproduce it.

use crate::tls::TlsVersion;
use crate::workshop::lab::LabScenario;

/// A message a tool prints, recognised by words it always contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownError {
    pub tool: &'static str,
    /// Lower-case words the message contains, whatever wraps them.
    pub pattern: &'static str,
    /// What it means, in one sentence.
    pub means: &'static str,
    /// The lab rows that end this way.
    pub rows: &'static [LabScenario],
}

use LabScenario as Row;

const NO_CERT: &[Row] = &[Row::NoClientCertificate, Row::ClientPicksByCaNames];
const UNTRUSTED: &[Row] = &[
    Row::UntrustedClientCa,
    Row::MissingIntermediate,
    Row::LeafOnlyCHoldsRootOnly,
];
const NAME: &[Row] = &[Row::WrongServerName];
const KEY: &[Row] = &[Row::MismatchedKey];
const DATES: &[Row] = &[
    Row::ExpiredClientCertificate,
    Row::NotYetValidClientCertificate,
];
const PURPOSE: &[Row] = &[
    Row::ServerCertificateAsClient,
    Row::ServerOnlyEkuOnIntermediate,
];
const CHAIN: &[Row] = &[
    Row::UntrustedClientCa,
    Row::MissingIntermediate,
    Row::ExpiredClientCertificate,
    Row::IssuedByNonCa,
    Row::PathLengthExceeded,
];
/// A server certificate the client does not trust: no lab row breaks the client's trust.
const SERVER_UNTRUSTED: &[Row] = &[];

/// Each tool's words, most specific first.
pub const KNOWN: &[KnownError] = &[
    // openssl, and everything built on it (curl, nginx, Python, Node, PHP, Ruby).
    KnownError { tool: "openssl", pattern: "key values mismatch", means: "The private key is not the one the certificate was issued for; the program stops before connecting.", rows: KEY },
    KnownError { tool: "openssl", pattern: "private key does not match the certificate public key", means: "The private key, of another type than the certificate's, is not the one it was issued for; the program stops before connecting.", rows: KEY },
    KnownError { tool: "openssl", pattern: "alert certificate required", means: "The client sent no certificate and the server requires one (TLS 1.3 alert 116).", rows: NO_CERT },
    KnownError { tool: "openssl", pattern: "peer did not return a certificate", means: "The server asked for a client certificate and the client sent none.", rows: NO_CERT },
    KnownError { tool: "openssl", pattern: "alert unknown ca", means: "The peer could not chain the certificate it received to a CA it trusts (alert 48).", rows: UNTRUSTED },
    KnownError { tool: "openssl", pattern: "alert bad certificate", means: "The peer refused the certificate it received (alert 42); the peer's log says why.", rows: &[Row::NotYetValidClientCertificate, Row::WrongServerName] },
    KnownError { tool: "openssl", pattern: "alert unsupported certificate", means: "The peer refused the certificate's purpose (alert 43): its extendedKeyUsage lacks the role.", rows: PURPOSE },
    KnownError { tool: "openssl", pattern: "alert certificate expired", means: "The peer found an expired certificate (alert 45).", rows: &[Row::ExpiredClientCertificate, Row::ExpiredCrl] },
    KnownError { tool: "openssl", pattern: "alert certificate revoked", means: "The peer found the certificate on its issuer's CRL (alert 44).", rows: &[Row::RevokedClientCertificate] },
    KnownError { tool: "openssl", pattern: "alert decrypt error", means: "A handshake signature did not verify (alert 51): the key is not the certificate's.", rows: KEY },
    KnownError { tool: "openssl", pattern: "alert handshake failure", means: "The handshake failed (alert 40); over TLS 1.2 this is also what a server sends when a required client certificate is missing.", rows: NO_CERT },
    KnownError { tool: "openssl", pattern: "certificate verify failed", means: "The peer's certificate chain did not verify; the words after it say why.", rows: CHAIN },
    KnownError { tool: "openssl", pattern: "self-signed certificate in certificate chain", means: "The chain ends in a root that is not among the trusted CAs.", rows: UNTRUSTED },
    KnownError { tool: "openssl", pattern: "unable to verify the first certificate", means: "The certificate's issuer was neither sent nor trusted: usually a missing intermediate.", rows: &[Row::MissingIntermediate, Row::LeafOnlyCHoldsRootOnly] },
    KnownError { tool: "openssl", pattern: "ee key too small", means: "The certificate's key is too small for the security level (RSA below 2048 bits at Debian's default level 2); the program stops before connecting.", rows: &[] },
    KnownError { tool: "openssl", pattern: "ca md too weak", means: "The certificate is signed with a digest the security level refuses (SHA-1 or MD5); the program stops before connecting.", rows: &[] },
    KnownError { tool: "openssl", pattern: "unable to load private key", means: "The key file could not be read: the wrong passphrase, the wrong file, or no key at all.", rows: KEY },
    // curl
    KnownError { tool: "curl", pattern: "no alternative certificate subject name matches", means: "The server certificate does not name the host curl connected to.", rows: NAME },
    KnownError { tool: "curl", pattern: "unable to set private key file", means: "curl could not use the key with the certificate: usually a key that does not match it.", rows: KEY },
    KnownError { tool: "curl", pattern: "ssl certificate problem", means: "curl could not verify the server's certificate chain; the words after it say why.", rows: SERVER_UNTRUSTED },
    // nginx
    KnownError { tool: "nginx", pattern: "no required ssl certificate was sent", means: "nginx requires a client certificate (ssl_verify_client on) and the client sent none.", rows: NO_CERT },
    KnownError { tool: "nginx", pattern: "client sent no required ssl certificate", means: "nginx requires a client certificate (ssl_verify_client on) and the client sent none.", rows: NO_CERT },
    KnownError { tool: "nginx", pattern: "the ssl certificate error", means: "nginx could not verify the client's certificate; its error log says why (\"client SSL certificate verify error\").", rows: CHAIN },
    KnownError { tool: "nginx", pattern: "client ssl certificate verify error", means: "nginx could not verify the client's certificate; the number in brackets is openssl's verify error.", rows: CHAIN },
    // Python
    KnownError { tool: "Python", pattern: "tlsv13_alert_certificate_required", means: "The client sent no certificate and the server requires one.", rows: NO_CERT },
    KnownError { tool: "Python", pattern: "tlsv1_alert_unknown_ca", means: "The server could not chain the client's certificate to a CA it trusts.", rows: UNTRUSTED },
    KnownError { tool: "Python", pattern: "sslv3_alert_bad_certificate", means: "The peer refused the certificate it received; its log says why.", rows: &[Row::NotYetValidClientCertificate] },
    KnownError { tool: "Python", pattern: "hostname mismatch", means: "The server certificate does not name the host the client connected to.", rows: NAME },
    KnownError { tool: "Python", pattern: "certificate_verify_failed", means: "Python could not verify the server's certificate chain; the words after it say why.", rows: SERVER_UNTRUSTED },
    // Node
    KnownError { tool: "Node", pattern: "err_ssl_tlsv13_alert_certificate_required", means: "The client sent no certificate and the server requires one.", rows: NO_CERT },
    KnownError { tool: "Node", pattern: "err_ssl_tlsv1_alert_unknown_ca", means: "The server could not chain the client's certificate to a CA it trusts.", rows: UNTRUSTED },
    KnownError { tool: "Node", pattern: "err_tls_cert_altname_invalid", means: "The server certificate does not name the host the client connected to.", rows: NAME },
    KnownError { tool: "Node", pattern: "does not match certificate's altnames", means: "The server certificate does not name the host the client connected to.", rows: NAME },
    KnownError { tool: "Node", pattern: "unable_to_verify_leaf_signature", means: "The certificate's issuer was neither sent nor trusted: usually a missing intermediate.", rows: &[Row::MissingIntermediate] },
    KnownError { tool: "Node", pattern: "unable_to_get_issuer_cert_locally", means: "No trusted CA issued the certificate's chain.", rows: SERVER_UNTRUSTED },
    KnownError { tool: "Node", pattern: "self_signed_cert_in_chain", means: "The chain ends in a root that is not among the trusted CAs.", rows: SERVER_UNTRUSTED },
    // Go
    KnownError { tool: "Go", pattern: "tls: unknown certificate authority", means: "The server could not chain the client's certificate to a CA it trusts (alert 48 received).", rows: UNTRUSTED },
    KnownError { tool: "Go", pattern: "tls: certificate required", means: "The client sent no certificate and the server requires one (alert 116 received).", rows: NO_CERT },
    KnownError { tool: "Go", pattern: "tls: bad certificate", means: "The peer refused the certificate it received (alert 42); its log says why.", rows: &[Row::NotYetValidClientCertificate, Row::WrongServerName] },
    KnownError { tool: "Go", pattern: "tls: unsupported certificate", means: "The peer refused the certificate's purpose (alert 43).", rows: PURPOSE },
    KnownError { tool: "Go", pattern: "tls: expired certificate", means: "The peer found an expired certificate (alert 45).", rows: &[Row::ExpiredClientCertificate] },
    KnownError { tool: "Go", pattern: "tls: private key does not match public key", means: "The key is not the one the certificate was issued for.", rows: KEY },
    KnownError { tool: "Go", pattern: "x509: certificate signed by unknown authority", means: "Go could not chain the certificate to a CA it trusts.", rows: UNTRUSTED },
    KnownError { tool: "Go", pattern: "x509: certificate is valid for", means: "The server certificate does not name the host the client connected to.", rows: NAME },
    KnownError { tool: "Go", pattern: "x509: certificate has expired or is not yet valid", means: "A certificate is outside its validity period.", rows: DATES },
    KnownError { tool: "Go", pattern: "x509: certificate specifies an incompatible key usage", means: "A certificate's extendedKeyUsage does not allow the role.", rows: PURPOSE },
    // Java
    KnownError { tool: "Java", pattern: "pkix path building failed", means: "Java could not build a chain to a certificate in its truststore.", rows: UNTRUSTED },
    KnownError { tool: "Java", pattern: "unable to find valid certification path", means: "Java could not build a chain to a certificate in its truststore.", rows: UNTRUSTED },
    KnownError { tool: "Java", pattern: "certificate_required", means: "The client sent no certificate and the server requires one.", rows: NO_CERT },
    KnownError { tool: "Java", pattern: "bad_certificate", means: "The peer refused the certificate it received (alert 42); its log says why.", rows: &[Row::NotYetValidClientCertificate, Row::WrongServerName] },
    KnownError { tool: "Java", pattern: "unknown_ca", means: "The peer could not chain the certificate to a CA it trusts (alert 48).", rows: UNTRUSTED },
    KnownError { tool: "Java", pattern: "no subject alternative", means: "The server certificate does not name the host the client connected to.", rows: NAME },
    KnownError { tool: "Java", pattern: "extended key usage does not permit", means: "A certificate's extendedKeyUsage does not allow the role.", rows: PURPOSE },
    KnownError { tool: "Java", pattern: "certificateexpiredexception", means: "A certificate is past its notAfter date.", rows: &[Row::ExpiredClientCertificate] },
    // Browsers
    KnownError { tool: "Chrome", pattern: "err_bad_ssl_client_auth_cert", means: "The server refused the browser's client authentication: no certificate was chosen, or the one sent was untrusted, expired or of the wrong purpose.", rows: &[Row::NoClientCertificate, Row::UntrustedClientCa, Row::ExpiredClientCertificate, Row::ServerCertificateAsClient] },
    KnownError { tool: "Chrome", pattern: "err_ssl_client_auth_cert_needed", means: "The server requires a client certificate and the browser sent none: none is installed, or none matches the CAs the server names.", rows: NO_CERT },
    KnownError { tool: "Chrome", pattern: "err_cert_authority_invalid", means: "The browser does not trust the server certificate's CA.", rows: SERVER_UNTRUSTED },
    KnownError { tool: "Chrome", pattern: "err_cert_common_name_invalid", means: "The server certificate does not name the host in the address bar.", rows: NAME },
    KnownError { tool: "Firefox", pattern: "ssl_error_handshake_failure_alert", means: "The server ended the handshake; with client authentication, usually because no certificate was sent.", rows: NO_CERT },
    KnownError { tool: "Firefox", pattern: "ssl_error_unknown_ca_alert", means: "The server did not trust the client certificate's CA.", rows: UNTRUSTED },
    KnownError { tool: "Firefox", pattern: "ssl_error_bad_cert_alert", means: "The server refused the client certificate.", rows: CHAIN },
];

/// A TLS alert, with the lab rows where a side sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertMatch {
    pub code: u8,
    /// As the RFCs spell it: "unknown_ca".
    pub name: String,
    pub rows: Vec<LabScenario>,
}

/// openssl's verify error, with the lab rows that end in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyMatch {
    pub code: u32,
    pub words: &'static str,
    pub rows: Vec<LabScenario>,
}

/// Everything a pasted message matches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookup {
    pub known: Vec<&'static KnownError>,
    pub alerts: Vec<AlertMatch>,
    pub verify_errors: Vec<VerifyMatch>,
}

impl Lookup {
    pub fn is_empty(&self) -> bool {
        self.known.is_empty() && self.alerts.is_empty() && self.verify_errors.is_empty()
    }

    /// Every row any match leads to, each once, in the lab's order.
    pub fn rows(&self) -> Vec<LabScenario> {
        LabScenario::ALL
            .into_iter()
            .filter(|row| {
                self.known.iter().any(|k| k.rows.contains(row))
                    || self.alerts.iter().any(|a| a.rows.contains(row))
                    || self.verify_errors.iter().any(|v| v.rows.contains(row))
            })
            .collect()
    }
}

/// A lookup as the page shows it, made by the core module, whose module alone holds the
/// table: each match as its name and what it means, and the rows they lead to.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Found {
    pub lines: Vec<(String, String)>,
    pub rows: Vec<LabScenario>,
}

impl From<Lookup> for Found {
    fn from(lookup: Lookup) -> Self {
        let known = lookup
            .known
            .iter()
            .map(|k| (k.tool.to_string(), k.means.to_string()));
        let alerts = lookup.alerts.iter().map(|a| {
            (
                format!("TLS alert {} ({})", a.code, a.name),
                "the side that sent it refused the connection.".to_string(),
            )
        });
        let verify_errors = lookup.verify_errors.iter().map(|v| {
            (
                format!("openssl verify error {}", v.code),
                format!("{}.", v.words),
            )
        });
        Found {
            rows: lookup.rows(),
            lines: known.chain(alerts).chain(verify_errors).collect(),
        }
    }
}

/// The longest message read: an error and its stack trace.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// What `text` matches: tools' messages by their words, alerts by number ("alert 48", "SSL alert
/// number 48", or a bare number) and openssl verify errors ("verify error:num=20",
/// "(20:unable to get local issuer certificate)", or their words).
pub fn lookup(text: &str) -> Lookup {
    let text = &text[..floor_char_boundary(text, MAX_MESSAGE_BYTES)];
    let lower = text.to_lowercase();
    let mut found = Lookup {
        known: KNOWN.iter().filter(|k| lower.contains(k.pattern)).collect(),
        ..Lookup::default()
    };
    for code in alert_numbers(&lower) {
        let name = crate::tls::names::alert_name(code);
        if name != "unknown alert" {
            found.alerts.push(AlertMatch {
                code,
                name,
                rows: rows_where(|r| r.alert.0 == code),
            });
        }
    }
    for (code, words) in VERIFY_ERRORS {
        let by_number = verify_numbers(&lower).contains(code);
        if by_number || lower.contains(words) {
            found.verify_errors.push(VerifyMatch {
                code: *code,
                words,
                rows: rows_where(|r| r.verify_error.is_some_and(|(n, _)| n == *code)),
            });
        }
    }
    found
}

/// openssl's verify errors that mutual TLS meets, with openssl 3's words.
const VERIFY_ERRORS: &[(u32, &str)] = &[
    (2, "unable to get issuer certificate"),
    (3, "unable to get certificate crl"),
    (9, "certificate is not yet valid"),
    (10, "certificate has expired"),
    (12, "crl has expired"),
    (18, "self-signed certificate"),
    (19, "self-signed certificate in certificate chain"),
    (20, "unable to get local issuer certificate"),
    (21, "unable to verify the first certificate"),
    (22, "certificate chain too long"),
    (23, "certificate revoked"),
    (24, "invalid ca certificate"),
    (25, "path length constraint exceeded"),
    (26, "unsuitable certificate purpose"),
    (47, "permitted subtree violation"),
    (62, "hostname mismatch"),
    (79, "invalid ca certificate"),
];

/// The lab rows whose openssl verdict, over either version, satisfies `hit`.
fn rows_where(hit: impl Fn(&crate::workshop::lab::OpensslReason) -> bool) -> Vec<LabScenario> {
    LabScenario::ALL
        .into_iter()
        .filter(|row| {
            [TlsVersion::Tls13, TlsVersion::Tls12]
                .into_iter()
                .any(|v| row.openssl_reason(v).is_some_and(|reason| hit(&reason)))
        })
        .collect()
}

/// Alert numbers named as such ("alert 48", "alert number 48"), or the whole text as a number.
fn alert_numbers(lower: &str) -> Vec<u8> {
    let mut codes = Vec::new();
    if let Ok(code) = lower.trim().parse::<u8>() {
        codes.push(code);
    }
    for marker in ["alert number ", "alert "] {
        for (at, _) in lower.match_indices(marker) {
            if let Some(code) = leading_number(&lower[at + marker.len()..]) {
                if let Ok(code) = u8::try_from(code) {
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
            }
        }
    }
    codes
}

/// Verify error numbers as openssl and nginx print them: "num=20", "error 20 at",
/// "(20:unable …".
fn verify_numbers(lower: &str) -> Vec<u32> {
    let mut codes = Vec::new();
    for marker in ["num=", "verify error ", "error ", "("] {
        for (at, _) in lower.match_indices(marker) {
            let rest = &lower[at + marker.len()..];
            let Some(code) = leading_number(rest) else {
                continue;
            };
            let digits = code.to_string().len();
            let follows = rest[digits..].chars().next();
            let shaped = match marker {
                "num=" => true,
                "(" => follows == Some(':'),
                _ => rest[digits..].starts_with(" at "),
            };
            if shaped && !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    codes
}

fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(4)
        .collect();
    digits.parse().ok()
}

fn floor_char_boundary(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    (0..=max)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}
