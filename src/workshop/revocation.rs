//! The revocation step, after step 8: C revokes B's certificate and publishes CRLs, one from
//! its issuing CA (the intermediate, or the root without intermediates) listing what it revoked,
//! and one from its root for its intermediate. With "C checks revocation" on, step 8's server
//! reads them.

use super::{Party, Workshop};
use crate::pki::crl::{self, Crl, CrlTemplate, Reason, Revoked, SignatureFault};
use crate::pki::{inspect, InputField, PkiError};
use crate::tls::RevocationCheck;

/// What C has revoked and the CRLs it last published.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revocation {
    /// B's certificates that C's issuing CA has revoked.
    pub revoked: Vec<Revoked>,
    pub published: Option<Published>,
}

/// One publication: both CRLs carry the same number, which grows with each.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Published {
    pub number: u64,
    /// Signed by C's issuing CA: the intermediate, or the root without intermediates.
    pub issuing: Crl,
    /// Signed by C's root, for its intermediate; only with intermediates.
    pub root: Option<Crl>,
}

/// What the revocation step asks C to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RevocationChange {
    Revoke(Reason),
    Publish,
}

/// Where each CRL goes in the tree, named after the CA that signs it.
pub const INTERMEDIATE_CRL_PATH: &str = "client_c_ca/crl/client_c_intermediate_ca.crl";
pub const ROOT_CRL_PATH: &str = "client_c_ca/crl/client_c_root_ca.crl";

impl Published {
    /// Issuing CA's CRL first, then the root's: the order of the seed's chain file.
    pub fn crls(&self) -> Vec<Crl> {
        std::iter::once(self.issuing.clone())
            .chain(self.root.clone())
            .collect()
    }

    /// Each CRL with its path in the tree: without intermediates the root is the issuing CA.
    pub fn files(&self) -> Vec<(&'static str, &Crl)> {
        match &self.root {
            Some(root) => vec![
                (INTERMEDIATE_CRL_PATH, &self.issuing),
                (ROOT_CRL_PATH, root),
            ],
            None => vec![(ROOT_CRL_PATH, &self.issuing)],
        }
    }
}

impl Revocation {
    /// Changes whenever what step 8 would read changes, so a stale step 8 shows as stale.
    pub(crate) fn fingerprint(&self) -> String {
        let number = self.published.as_ref().map_or(0, |p| p.number);
        format!("{}/{number}", self.revoked.len())
    }
}

/// What happens when C checks revocation and holds no CRL: the two stacks differ.
pub const NO_CRL_NOTE: &str = "C has published no CRL yet. rustls's client verifier checks revocation only when it holds at least one CRL, so with none it checks nothing and accepts B; openssl s_server -crl_check refuses instead (verify error 3, \"unable to get certificate CRL\"). Publish the CRLs to check for real.";

fn input(message: &str) -> PkiError {
    PkiError::input(InputField::Revocation, message)
}

impl Workshop {
    pub fn revocation(&self) -> &Revocation {
        &self.revocation
    }

    /// Revokes B's current certificate and publishes new CRLs at once, so C can see it.
    /// Revokes B or publishes again, as the page asks.
    pub fn change_revocation(
        &mut self,
        change: RevocationChange,
        now: u64,
    ) -> Result<(), PkiError> {
        match change {
            RevocationChange::Revoke(reason) => self.revoke_b(reason, now),
            RevocationChange::Publish => self.publish_crls(now),
        }
    }

    /// What C revoked and published, as the core module made it for the page's workshop.
    pub fn adopt_revocation(&mut self, revocation: Revocation) {
        self.revocation = revocation;
        self.bump_generation();
    }

    pub fn revoke_b(&mut self, reason: Reason, now: u64) -> Result<(), PkiError> {
        let serial = self
            .certificate(Party::BClient)
            .ok_or_else(|| input("Run step 6 first: there is no certificate of B's to revoke."))?
            .serial();
        if self.revocation.revoked.iter().any(|r| r.serial == serial) {
            return Err(input("B's current certificate is already revoked."));
        }
        let mut revocation = self.revocation.clone();
        revocation.revoked.push(Revoked {
            serial,
            at: now,
            reason,
        });
        self.publish(revocation, now)
    }

    /// Publishes C's CRLs again: the same list, a new number, new dates.
    pub fn publish_crls(&mut self, now: u64) -> Result<(), PkiError> {
        self.publish(self.revocation.clone(), now)
    }

    fn publish(&mut self, mut revocation: Revocation, now: u64) -> Result<(), PkiError> {
        let need = |party: Party| {
            self.certificate(party).zip(self.key(party)).ok_or_else(|| {
                input("Run C's CA steps first: a CRL is signed by the CA that issued the certificates.")
            })
        };
        let number = revocation.published.as_ref().map_or(1, |p| p.number + 1);
        let days = self.settings.crl_days;
        let issuer = self.settings.c_issuer();
        let (cert, key) = need(issuer)?;
        let issuing = crl::issue(
            cert,
            key,
            &CrlTemplate {
                revoked: &revocation.revoked,
                number,
                now,
                days,
            },
        )?;
        let root = if issuer == Party::CRoot {
            None
        } else {
            let (cert, key) = need(Party::CRoot)?;
            Some(crl::issue(
                cert,
                key,
                &CrlTemplate {
                    revoked: &[],
                    number,
                    now,
                    days,
                },
            )?)
        };
        revocation.published = Some(Published {
            number,
            issuing,
            root,
        });
        self.adopt_revocation(revocation);
        Ok(())
    }

    /// Whether B's current certificate is on the CRL C last published.
    pub fn b_is_revoked(&self) -> bool {
        match (&self.revocation.published, self.certificate(Party::BClient)) {
            (Some(published), Some(cert)) => published.issuing.lists(cert),
            _ => false,
        }
    }

    /// What step 8's server checks when "C checks revocation" is on: the client's own
    /// certificate, as `s_server -crl_check` does, against the CRLs last published.
    pub fn revocation_check(&self) -> Option<RevocationCheck> {
        self.settings.check_revocation.then(|| RevocationCheck {
            crls: self
                .revocation
                .published
                .as_ref()
                .map(Published::crls)
                .unwrap_or_default(),
            whole_chain: false,
            allow_unknown: false,
            enforce_expiry: true,
        })
    }
}

/// A CRL made elsewhere, checked against C's CAs as `openssl crl -CAfile` checks it, and read
/// for what it says.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CrlCheck {
    pub crl: Crl,
    /// As `openssl crl -text` shows it.
    pub view: inspect::CrlView,
    /// The CA of C's whose key verifies its signature, in the page's words.
    pub signer: String,
    pub freshness: Freshness,
    pub number: Option<u64>,
    pub b: BOnCrl,
}

/// Where now falls between the CRL's thisUpdate and nextUpdate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Freshness {
    Current,
    /// nextUpdate is past: openssl's "CRL has expired".
    Expired,
    /// thisUpdate is still to come: openssl's "CRL is not yet valid".
    NotYetValid,
    /// No nextUpdate at all, so nothing says when it goes stale.
    NoNextUpdate,
}

/// What the CRL says of B's current certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BOnCrl {
    NoCertificate,
    /// Another CA issued B's certificate, so this CRL does not speak for it.
    OtherIssuer,
    Listed {
        serial: String,
        at: String,
        reason: Option<String>,
    },
    NotListed {
        serial: String,
    },
}

const C_ROOT: &str = "Client C's root CA";
const C_INTERMEDIATE: &str = "Client C's intermediate CA";

fn refuse(message: String) -> PkiError {
    PkiError::input(InputField::Crl, message)
}

/// openssl's serial form in `crl -text`: upper-case hex, no colons.
fn serial_text(serial: &[u8]) -> String {
    serial.iter().map(|b| format!("{b:02X}")).collect()
}

impl Workshop {
    /// C's CAs a CRL may come from: the root, and the intermediate when intermediates are on.
    fn c_cas(&self) -> Vec<(&'static str, &crate::pki::Certificate)> {
        let root = self.certificate(Party::CRoot).map(|c| (C_ROOT, c));
        let intermediate = self
            .certificate(Party::CIntermediate)
            .filter(|_| self.settings.use_intermediates)
            .map(|c| (C_INTERMEDIATE, c));
        root.into_iter().chain(intermediate).collect()
    }

    /// Reads a pasted CRL (one `X509 CRL` PEM block) and checks it against C's CAs: one of
    /// them must be its issuer and its key must verify the signature, as `openssl crl -CAfile
    /// <C's chain>` requires; then says whether it is current and whether it lists B's current
    /// certificate. Oversized text and absurd entry counts are refused before the CRL is read
    /// in full. The workshop is left as it is.
    pub fn check_crl(&self, text: &str, now: u64) -> Result<CrlCheck, PkiError> {
        let crl = Crl::from_pem(text)?;
        let cas = self.c_cas();
        if cas.is_empty() {
            return Err(refuse(
                "Client C has no CA yet: run step 1, then check a CRL against C's CAs.".into(),
            ));
        }
        let view = inspect::crl(&crl)?;
        let named: Vec<_> = cas.iter().filter(|(_, ca)| crl.names_issuer(ca)).collect();
        let Some((first, _)) = named.first() else {
            let names: Vec<String> = cas
                .iter()
                .map(|(label, ca)| {
                    let subject = inspect::certificate(ca)
                        .map(|v| v.subject)
                        .unwrap_or_default();
                    format!("{label} is \"{subject}\"")
                })
                .collect();
            return Err(refuse(format!(
                "Wrong issuer: this CRL was issued by \"{}\", and none of Client C's CAs has that name ({}). openssl crl -CAfile with C's chain answers \"Error getting CRL issuer certificate\".",
                view.issuer,
                names.join("; ")
            )));
        };
        // Two of C's CAs may share a name: the one whose key verifies is the signer.
        let mut fault = None;
        let signer = named.iter().find(|(_, ca)| match crl.verify_signature(ca) {
            Ok(()) => true,
            Err(e) => {
                fault.get_or_insert(e);
                false
            }
        });
        let Some((signer, _)) = signer else {
            return Err(refuse(match fault {
                Some(SignatureFault::Unsupported(what)) => format!(
                    "This CRL names {first} as its issuer, but it is signed with {what}, which this lab does not check. It checks ECDSA P-256 and P-384 with SHA-256 or SHA-384, RSA PKCS#1 v1.5 and RSA-PSS with SHA-256, SHA-384 or SHA-512, and Ed25519."
                ),
                Some(SignatureFault::AlgorithmsDiffer) => format!(
                    "Bad signature: this CRL names {first} as its issuer, but the signature algorithm inside its signed part differs from the one outside it, so its signature cannot be trusted. openssl crl -CAfile answers \"verify failure\"."
                ),
                _ => format!(
                    "Bad signature: this CRL names {first} as its issuer, but its signature does not verify with that CA's public key. Another key signed it, or it was changed after signing. openssl crl -CAfile answers \"verify failure\"."
                ),
            }));
        };
        let contents = crl.contents()?;
        let freshness = match contents.next_update {
            _ if contents.this_update > now => Freshness::NotYetValid,
            None => Freshness::NoNextUpdate,
            Some(next) if next < now => Freshness::Expired,
            Some(_) => Freshness::Current,
        };
        let b = match self.certificate(Party::BClient) {
            None => BOnCrl::NoCertificate,
            Some(cert) if !crl.covers(cert) => BOnCrl::OtherIssuer,
            Some(cert) => {
                let serial = cert.serial();
                match contents.revoked.iter().find(|(s, _, _)| *s == serial) {
                    Some((_, at, reason)) => BOnCrl::Listed {
                        serial: serial_text(&serial),
                        at: inspect::openssl_date(*at),
                        reason: reason
                            .and_then(Reason::from_code)
                            .map(|r| r.openssl_text().to_string()),
                    },
                    None => BOnCrl::NotListed {
                        serial: serial_text(&serial),
                    },
                }
            }
        };
        Ok(CrlCheck {
            signer: signer.to_string(),
            freshness,
            number: contents.number,
            b,
            view,
            crl,
        })
    }
}

impl CrlCheck {
    /// The signature's verdict, with what openssl says of the same file.
    pub fn signature_line(&self) -> String {
        format!(
            "Signed by {}: its signature verifies with that CA's public key (openssl crl -CAfile: \"verify OK\").",
            self.signer
        )
    }

    /// thisUpdate and nextUpdate, and whether now falls between them.
    pub fn freshness_line(&self) -> String {
        let (this, next) = (&self.view.last_update, self.view.next_update.as_deref());
        match (self.freshness, next) {
            (Freshness::Current, Some(next)) => {
                format!("Current: issued {this}; the next CRL is due by {next}.")
            }
            (Freshness::Expired, Some(next)) => format!(
                "Expired: its nextUpdate, {next}, is in the past (openssl: \"CRL has expired\"). A server that enforces nextUpdate refuses every client, good ones included, until C publishes a new CRL."
            ),
            (Freshness::NotYetValid, _) => format!(
                "Not valid yet: its thisUpdate, {this}, is still to come (openssl: \"CRL is not yet valid\")."
            ),
            _ => format!(
                "Issued {this}, with no nextUpdate: nothing says when it goes stale (RFC 5280 requires one)."
            ),
        }
    }

    pub fn number_line(&self) -> String {
        match self.number {
            Some(n) => format!("CRL number {n}."),
            None => "It carries no CRL number.".into(),
        }
    }

    /// The serials it lists, as `openssl crl -text` prints them.
    pub fn revoked_line(&self) -> String {
        let serials: Vec<&str> = self
            .view
            .revoked
            .iter()
            .map(|r| r.serial.as_str())
            .collect();
        match serials.as_slice() {
            [] => "It lists no revoked certificate.".into(),
            [one] => format!("It lists 1 revoked certificate: serial {one}."),
            many => format!(
                "It lists {} revoked certificates: serials {}.",
                many.len(),
                many.join(", ")
            ),
        }
    }

    pub fn b_line(&self) -> String {
        match &self.b {
            BOnCrl::NoCertificate => {
                "B has no certificate yet (step 6), so there is nothing of B's to look for.".into()
            }
            BOnCrl::OtherIssuer => format!(
                "B's current certificate was not issued by {}, so this CRL does not speak for it.",
                self.signer
            ),
            BOnCrl::Listed { serial, at, reason } => format!(
                "B's current certificate (serial {serial}) is on this CRL: revoked on {at}{}.",
                reason
                    .as_ref()
                    .map(|r| format!(", reason: {r}"))
                    .unwrap_or_default()
            ),
            BOnCrl::NotListed { serial } => {
                format!("B's current certificate (serial {serial}) is not on this CRL.")
            }
        }
    }
}
