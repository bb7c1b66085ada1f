//! The checks made before any handshake, in plain words, each with what openssl reports for the
//! same files: key and certificate, the file's order, dates, purposes, the server name, each
//! chain as rustls and openssl judge it, and the algorithms.

use super::facts::{Facts, KeyKind, SignatureHash};
use super::files::SideSet;
use super::Role;
use crate::pki::inspect::openssl_date;
use crate::pki::verdicts::Verdicts;
use crate::pki::verify::Usage;
use crate::pki::Certificate;
use crate::workshop::lab::LabScenario;
use rustls::pki_types::{CertificateDer, ServerName};

/// How a finding bears on the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Level {
    Pass,
    /// Works here, but some stacks or a later date refuse it.
    Warn,
    /// The handshake, or a common stack, refuses it.
    Fail,
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Topic {
    Missing,
    KeyMatch,
    Order,
    Dates,
    Purpose,
    ServerName,
    Chain,
    Trust,
    Algorithms,
}

/// One finding: its level, the side it is about, a sentence, what openssl reports for the same
/// files, and the lab rows that reproduce it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub level: Level,
    pub role: Role,
    pub topic: Topic,
    pub text: String,
    pub openssl: Option<String>,
    pub rows: Vec<LabScenario>,
}

impl Finding {
    fn new(level: Level, role: Role, topic: Topic, text: String) -> Self {
        Finding {
            level,
            role,
            topic,
            text,
            openssl: None,
            rows: Vec::new(),
        }
    }

    fn openssl(mut self, line: impl Into<String>) -> Self {
        self.openssl = Some(line.into());
        self
    }

    fn row(mut self, row: LabScenario) -> Self {
        self.rows.push(row);
        self
    }
}

/// Every finding for the two sides, at `now` (Unix seconds).
pub fn check(server: &SideSet, client: &SideSet, server_name: &str, now: u64) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (role, side, peer) in [
        (Role::Server, server, client),
        (Role::Client, client, server),
    ] {
        let Some(leaf) = identity(role, side, &mut findings) else {
            continue;
        };
        key_match(role, side, leaf, &mut findings);
        order(role, side, &mut findings);
        dates(role, side, now, &mut findings);
        purpose(role, leaf, &mut findings);
        if role == Role::Server {
            name(leaf, server_name, &mut findings);
        }
        chain(role, side, peer, now, &mut findings);
    }
    for (role, side) in [(Role::Server, server), (Role::Client, client)] {
        trust(role, side, &mut findings);
        algorithms(role, side, &mut findings);
    }
    findings
}

/// The certificate the side's key belongs to: the one with the key's public key, else the first
/// that is not a CA, else the first.
pub fn own_certificate(side: &SideSet) -> Option<&Certificate> {
    if let Some(key) = &side.key {
        let spki = key.spki_der();
        if let Some(own) = side.certificates.iter().find(|c| c.spki_der() == spki) {
            return Some(own);
        }
    }
    side.certificates
        .iter()
        .find(|c| !Facts::of(c).is_ca)
        .or(side.certificates.first())
}

fn identity<'a>(
    role: Role,
    side: &'a SideSet,
    findings: &mut Vec<Finding>,
) -> Option<&'a Certificate> {
    let leaf = own_certificate(side);
    match (role, leaf, &side.key) {
        (Role::Server, None, _) => findings.push(
            Finding::new(Level::Fail, role, Topic::Missing, "The server has no certificate: every TLS server presents one. Paste its certificate and chain, or a PKCS#12 file.".into())
                .openssl("s_server: \"-cert\" names the server's certificate; without it s_server cannot serve TLS with certificates."),
        ),
        (Role::Client, None, _) => findings.push(
            Finding::new(Level::Warn, role, Topic::Missing, "The client has no certificate, so it sends an empty Certificate message and a server that requires one refuses it.".into())
                .openssl("s_server -Verify: alert 116 (certificate required) over TLS 1.3, alert 40 (handshake failure) over TLS 1.2.")
                .row(LabScenario::NoClientCertificate),
        ),
        (_, Some(_), None) => findings.push(
            Finding::new(Level::Fail, role, Topic::Missing, format!("{} certificate has no private key here: the side that presents a certificate must prove it holds its key. Paste the key, or a PKCS#12 file with both.", role.possessive()))
                .openssl(format!("{}: a \"-cert\" without \"-key\" makes openssl look for the key in the certificate file, and it stops there: \"unable to load private key\".", role.openssl_tool())),
        ),
        _ => {}
    }
    leaf
}

fn key_match(role: Role, side: &SideSet, leaf: &Certificate, findings: &mut Vec<Finding>) {
    let Some(key) = &side.key else { return };
    let facts = Facts::of(leaf);
    if key.spki_der() == leaf.spki_der() {
        findings.push(
            Finding::new(
                Level::Pass,
                role,
                Topic::KeyMatch,
                format!(
                    "{} key ({}) matches its certificate \"{}\".",
                    role.possessive(),
                    key.algorithm().label(),
                    facts.short_name()
                ),
            )
            .openssl(format!(
                "{} loads the pair: no \"key values mismatch\".",
                role.openssl_tool()
            )),
        );
    } else {
        findings.push(
            Finding::new(Level::Fail, role, Topic::KeyMatch, format!("{} key does not match any of its certificates: its public key is not the one in \"{}\". The side cannot sign its CertificateVerify with it; find the key this certificate was issued for.", role.possessive(), facts.short_name()))
                .openssl(format!("{} stops before connecting: \"X509_check_private_key:key values mismatch\", or, for a key of another type, \"Private key does not match the certificate public key\".", role.openssl_tool()))
                .row(LabScenario::MismatchedKey),
        );
    }
}

fn order(role: Role, side: &SideSet, findings: &mut Vec<Finding>) {
    let certs = &side.certificates;
    let Some(first) = certs.first() else { return };
    let facts: Vec<Facts> = certs.iter().map(Facts::of).collect();
    let key_spki = side.key.as_ref().map(|k| k.spki_der());
    let first_is_own = match &key_spki {
        Some(spki) => first.spki_der() == *spki || !certs.iter().any(|c| c.spki_der() == *spki),
        None => !facts[0].is_ca || facts.iter().all(|f| f.is_ca),
    };
    if !first_is_own {
        let own = own_certificate(side)
            .map(Facts::of)
            .map(|f| f.short_name())
            .unwrap_or_default();
        findings.push(
            Finding::new(Level::Fail, role, Topic::Order, format!("The first certificate of {} file is \"{}\", not its own certificate \"{own}\". TLS sends the certificates in the file's order and the peer takes the first as the sender's own (RFC 8446 §4.4.2, RFC 5246 §7.4.2): put \"{own}\" first.", role.possessive_lower(), facts[0].short_name()))
                .openssl(format!("{} takes the first certificate of the file as its own, so the key does not match it: \"X509_check_private_key:key values mismatch\".", role.openssl_tool())),
        );
        return;
    }
    let out_of_order = certs
        .windows(2)
        .zip(facts.windows(2))
        .any(|(_, pair)| pair[0].issuer != pair[1].subject);
    if certs.len() > 1 && out_of_order {
        findings.push(
            Finding::new(Level::Warn, role, Topic::Order, format!("After {} own certificate, the chain is not in issuing order: each certificate should be followed by the one that issued it. TLS 1.3 (RFC 8446 §4.4.2) asks peers to accept any order after the first, and openssl and rustls do, over TLS 1.2 too; RFC 5246 §7.4.2 requires the order, and strict TLS 1.2 peers refuse it.", role.possessive_lower()))
                .openssl("openssl builds the chain from the certificates received, in any order after the first."),
        );
    } else if certs.len() > 1 {
        findings.push(Finding::new(
            Level::Pass,
            role,
            Topic::Order,
            format!(
                "{} file is in order: its own certificate first, then each issuer.",
                role.possessive()
            ),
        ).openssl("s_server -cert with -cert_chain, and nginx's ssl_certificate, send the certificates in this order."));
    }
}

fn dates(role: Role, side: &SideSet, now: u64, findings: &mut Vec<Finding>) {
    let mut all_valid = true;
    for (depth, cert) in side.certificates.iter().enumerate() {
        let facts = Facts::of(cert);
        // The lab's date rows are about the client's own certificate.
        let own_client = depth == 0 && role == Role::Client;
        let outside = if facts.not_after < now {
            Some((
                format!("expired on {}", openssl_date(facts.not_after)),
                "verify error:num=10:certificate has expired",
                LabScenario::ExpiredClientCertificate,
            ))
        } else if facts.not_before > now {
            Some((
                format!("is not valid until {}", openssl_date(facts.not_before)),
                "verify error:num=9:certificate is not yet valid",
                LabScenario::NotYetValidClientCertificate,
            ))
        } else {
            None
        };
        if let Some((when, openssl, row)) = outside {
            all_valid = false;
            let text = format!(
                "\"{}\" in {} file {when}.",
                facts.short_name(),
                role.possessive_lower()
            );
            let finding = Finding::new(Level::Fail, role, Topic::Dates, text).openssl(openssl);
            findings.push(if own_client {
                finding.row(row)
            } else {
                finding
            });
        } else if facts.not_after < now.saturating_add(30 * 86_400) {
            findings.push(Finding::new(
                Level::Warn,
                role,
                Topic::Dates,
                format!(
                    "\"{}\" expires within 30 days, on {}.",
                    facts.short_name(),
                    openssl_date(facts.not_after)
                ),
            ));
        }
    }
    if all_valid && !side.certificates.is_empty() {
        findings.push(
            Finding::new(
                Level::Pass,
                role,
                Topic::Dates,
                format!(
                    "Every certificate in {} file is valid now.",
                    role.possessive_lower()
                ),
            )
            .openssl("no verify error 9 (not yet valid) or 10 (expired)"),
        );
    }
}

fn purpose(role: Role, leaf: &Certificate, findings: &mut Vec<Finding>) {
    let facts = Facts::of(leaf);
    let (needed, wanted) = match role {
        Role::Server => ("serverAuth", facts.eku.map(|(server, _)| server)),
        Role::Client => ("clientAuth", facts.eku.map(|(_, client)| client)),
    };
    match wanted {
        None => findings.push(
            Finding::new(
                Level::Pass,
                role,
                Topic::Purpose,
                format!(
                "\"{}\" lists no extendedKeyUsage, so it may serve any purpose, {needed} included.",
                facts.short_name()
            ),
            )
            .openssl("no verify error 26 (unsuitable certificate purpose)"),
        ),
        Some(true) => findings.push(
            Finding::new(
                Level::Pass,
                role,
                Topic::Purpose,
                format!(
                    "\"{}\" allows {needed}, as a TLS {} certificate needs.",
                    facts.short_name(),
                    role.noun()
                ),
            )
            .openssl("no verify error 26 (unsuitable certificate purpose)"),
        ),
        Some(false) => {
            let finding = Finding::new(Level::Fail, role, Topic::Purpose, format!("\"{}\" lists an extendedKeyUsage without {needed}, so it cannot serve as a TLS {} certificate: rustls and openssl refuse it. Issue it again with extendedKeyUsage = {needed}.", facts.short_name(), role.noun()))
                .openssl("verify error:num=26:unsuitable certificate purpose");
            findings.push(match role {
                Role::Client => finding.row(LabScenario::ServerCertificateAsClient),
                Role::Server => finding,
            });
        }
    }
    if facts.is_ca {
        findings.push(
            Finding::new(Level::Fail, role, Topic::Purpose, format!("{} own certificate \"{}\" is a CA certificate (CA:TRUE): rustls refuses a CA certificate as a TLS identity, and openssl refuses it unless the peer trusts it directly.", role.possessive(), facts.short_name()))
                .row(LabScenario::ClientRootAsCertificate),
        );
    }
}

fn name(leaf: &Certificate, server_name: &str, findings: &mut Vec<Finding>) {
    let server_name = server_name.trim();
    if server_name.is_empty() {
        findings.push(Finding::new(Level::Warn, Role::Client, Topic::ServerName, "No server name was given, so the server certificate's names are not checked. Clients always check them: type the name the client connects to.".into()));
        return;
    }
    let Ok(name) = ServerName::try_from(server_name.to_string()) else {
        findings.push(Finding::new(
            Level::Fail,
            Role::Client,
            Topic::ServerName,
            format!("\"{server_name}\" is not a DNS name or an IP address."),
        ));
        return;
    };
    let der = CertificateDer::from(leaf.der());
    let matches = webpki::EndEntityCert::try_from(&der)
        .map(|cert| cert.verify_is_valid_for_subject_name(&name).is_ok());
    let facts = Facts::of(leaf);
    match matches {
        Ok(true) => findings.push(Finding::new(
            Level::Pass,
            Role::Server,
            Topic::ServerName,
            format!("\"{}\" names {server_name} in its subjectAltName.", facts.short_name()),
        ).openssl(format!("s_client -verify_hostname {server_name}: no verify error 62 (hostname mismatch)"))),
        _ => findings.push(
            Finding::new(Level::Fail, Role::Server, Topic::ServerName, format!("\"{}\" does not name {server_name}: the name is not in its subjectAltName. Clients match only the subjectAltName when it is present (RFC 6125 §6.4.4), and rustls never reads the CN. Issue the certificate with subjectAltName = DNS:{server_name}, or connect with a name it lists.", facts.short_name()))
                .openssl("s_client -verify_hostname: verify error:num=62:hostname mismatch; curl: \"SSL: no alternative certificate subject name matches target host name\"")
                .row(LabScenario::WrongServerName),
        ),
    }
}

/// The side's chain as its peer judges it: rustls (webpki) and openssl, both.
fn chain(role: Role, side: &SideSet, peer: &SideSet, now: u64, findings: &mut Vec<Finding>) {
    let Some(leaf) = own_certificate(side) else {
        return;
    };
    if peer.trusted.is_empty() {
        findings.push(Finding::new(Level::Fail, role.peer(), Topic::Trust, format!("{} trusts no CA, so it cannot accept {} certificate. Paste the CA certificates it trusts ({}).", role.peer().the(), role.possessive_lower(), role.peer().trust_option())));
        return;
    }
    let untrusted: Vec<Certificate> = side
        .certificates
        .iter()
        .filter(|c| *c != leaf)
        .cloned()
        .collect();
    let usage = match role {
        Role::Server => Usage::ServerAuth,
        Role::Client => Usage::ClientAuth,
    };
    let verdicts = Verdicts::judge(leaf, &untrusted, &peer.trusted, usage, now);
    let openssl = verdicts.openssl.line();
    let peer_name = role.peer().the_lower();
    match (&verdicts.webpki, verdicts.openssl.is_ok()) {
        (Ok(subjects), true) => findings.push(
            Finding::new(Level::Pass, role, Topic::Chain, format!("rustls and openssl both build {} chain to a CA {peer_name} trusts: {}.", role.possessive_lower(), subjects.join(" → ")))
                .openssl(format!("verify -purpose {}: OK", crate::pki::openssl_verdict::purpose(usage))),
        ),
        (Ok(subjects), false) => findings.push(
            Finding::new(Level::Fail, role, Topic::Chain, format!("rustls accepts {} chain ({}), but openssl refuses it, and so do nginx, curl, Python and Node, which use openssl. {}", role.possessive_lower(), subjects.join(" → "), verdicts.disagreement.clone().unwrap_or_default()))
                .openssl(openssl),
        ),
        (Err(error), openssl_ok) => {
            let stacks = if openssl_ok && verdicts.openssl.unjudged.is_none() {
                format!(" openssl accepts it ({}).", verdicts.disagreement.clone().unwrap_or_else(|| "it builds the chain its own way".into()))
            } else {
                " openssl refuses it too.".into()
            };
            let mut finding = Finding::new(Level::Fail, role, Topic::Chain, format!("{peer_name_cap} refuses {} chain with rustls: {}.{stacks}", role.possessive_lower(), error.sentence, peer_name_cap = role.peer().the()))
                .openssl(openssl);
            let rows = chain_rows(role, &error.kind, side);
            if rows.contains(&LabScenario::MissingIntermediate) {
                finding.text.push_str(&format!(" {} file holds its certificate alone: if an intermediate CA issued it, send the intermediate after it; if not, {} does not trust its CA.", role.possessive(), role.peer().the_lower()));
                if role == Role::Server {
                    finding.text.push_str(" A browser may still connect, if it already holds the intermediate or fetches it from the address in the certificate's Authority Information Access; curl, openssl, rustls, Go and Java fetch nothing.");
                }
            }
            for row in rows {
                finding = finding.row(row);
            }
            findings.push(finding);
        }
    }
}

/// The lab rows that break a chain the same way.
fn chain_rows(
    role: Role,
    kind: &crate::pki::verify::ChainErrorKind,
    side: &SideSet,
) -> Vec<LabScenario> {
    use crate::pki::verify::ChainErrorKind as K;
    vec![match kind {
        // A lone leaf from a CA the peer does not hold: the intermediate may have been left out,
        // or the CA is not trusted at all; from here the two look the same.
        K::UnknownIssuer if side.certificates.len() == 1 => {
            return vec![
                LabScenario::MissingIntermediate,
                LabScenario::UntrustedClientCa,
            ]
        }
        K::UnknownIssuer => LabScenario::UntrustedClientCa,
        K::CaUsedAsEndEntity => LabScenario::ClientRootAsCertificate,
        K::EndEntityUsedAsCa => LabScenario::IssuedByNonCa,
        K::PathLenExceeded => LabScenario::PathLengthExceeded,
        K::Expired => LabScenario::ExpiredClientCertificate,
        K::NotValidYet => LabScenario::NotYetValidClientCertificate,
        K::WrongPurpose if role == Role::Client => LabScenario::ServerCertificateAsClient,
        K::WrongPurpose => LabScenario::ServerOnlyEkuOnIntermediate,
        _ => return Vec::new(),
    }]
}

fn trust(role: Role, side: &SideSet, findings: &mut Vec<Finding>) {
    for cert in &side.trusted {
        let facts = Facts::of(cert);
        if !facts.is_ca {
            findings.push(Finding::new(Level::Warn, role, Topic::Trust, format!("\"{}\", among the CAs {} trusts, is not a CA certificate (CA:FALSE). rustls cannot use it as a trust anchor for others' certificates, and openssl trusts it only as that very certificate with -partial_chain.", facts.short_name(), role.the_lower())));
        }
    }
}

fn algorithms(role: Role, side: &SideSet, findings: &mut Vec<Finding>) {
    let mut all_fine = true;
    for cert in side.certificates.iter().chain(&side.trusted) {
        let facts = Facts::of(cert);
        let name = facts.short_name();
        match facts.key {
            KeyKind::Rsa(bits) if bits < 2048 => {
                all_fine = false;
                findings.push(
                    Finding::new(Level::Fail, role, Topic::Algorithms, format!("\"{name}\" has an RSA {bits} key. OpenSSL 3 at security level 2 (Debian's and Ubuntu's default) refuses RSA keys below 2048 bits, and rustls, Go and browsers refuse them too. Use RSA 2048 or more, or ECDSA P-256."))
                        .openssl(if facts.is_ca { "verify error:num=67:CA certificate key too weak" } else { "verify error:num=66:EE certificate key too weak; s_server/s_client: \"ee key too small\"" }),
                );
            }
            KeyKind::Ed25519 | KeyKind::Ed448 => {
                all_fine = false;
                findings.push(Finding::new(Level::Warn, role, Topic::Algorithms, format!("\"{name}\" has an {} key. openssl and rustls accept it{}, but browsers do not offer EdDSA signatures for TLS certificates, so a browser will not use or accept it.", facts.key.label(), if facts.key == KeyKind::Ed448 { " (rustls's default provider does not: only Ed25519)" } else { "" })));
            }
            KeyKind::Ec(curve) if curve != "P-256" && curve != "P-384" => {
                all_fine = false;
                let which = if curve == "P-521" {
                    "on P-521. openssl accepts it"
                } else {
                    "on a curve other than P-256, P-384 and P-521. Check that each stack supports it"
                };
                findings.push(Finding::new(Level::Warn, role, Topic::Algorithms, format!("\"{name}\" has an ECDSA key {which}; rustls with its ring provider, which this lab runs, verifies only P-256 and P-384 (with aws-lc-rs, P-521 too).")));
            }
            KeyKind::Other => {
                all_fine = false;
                findings.push(Finding::new(Level::Warn, role, Topic::Algorithms, format!("\"{name}\" has a key of a kind this lab does not know; most TLS stacks will not either.")));
            }
            _ => {}
        }
        // Nobody checks a self-signed root's own signature, so its hash does not matter.
        if facts.self_issued {
            continue;
        }
        match facts.signature_hash {
            SignatureHash::Sha1 | SignatureHash::Md5 => {
                all_fine = false;
                findings.push(
                    Finding::new(Level::Fail, role, Topic::Algorithms, format!("\"{name}\" is signed with {} ({}): rustls does not accept it, and OpenSSL 3 at security level 1 and above refuses it. Have its CA sign it again with SHA-256.", facts.signature, if facts.signature_hash == SignatureHash::Md5 { "MD5" } else { "SHA-1" }))
                        .openssl("verify error:num=68:CA signature digest algorithm too weak; s_server/s_client, loading it as their own: \"ca md too weak\""),
                );
            }
            SignatureHash::Strong => {}
        }
    }
    if all_fine && !(side.certificates.is_empty() && side.trusted.is_empty()) {
        let kinds: std::collections::BTreeSet<String> = side
            .certificates
            .iter()
            .chain(&side.trusted)
            .map(|c| {
                let facts = Facts::of(c);
                format!("{} with {}", facts.key.label(), facts.signature)
            })
            .collect();
        findings.push(Finding::new(
            Level::Pass,
            role,
            Topic::Algorithms,
            format!(
                "{} files use {}, which openssl and rustls both accept.",
                role.possessive(),
                kinds.into_iter().collect::<Vec<_>>().join("; ")
            ),
        ));
    }
}
