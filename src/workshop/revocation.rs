//! The revocation step, after step 8: C revokes B's certificate and publishes CRLs, one from
//! its issuing CA (the intermediate, or the root without intermediates) listing what it revoked,
//! and one from its root for its intermediate. With "C checks revocation" on, step 8's server
//! reads them.

use super::{Party, Workshop};
use crate::pki::crl::{self, Crl, CrlTemplate, Reason, Revoked};
use crate::pki::{InputField, PkiError};
use crate::tls::RevocationCheck;

/// What C has revoked and the CRLs it last published.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revocation {
    /// B's certificates that C's issuing CA has revoked.
    pub revoked: Vec<Revoked>,
    pub published: Option<Published>,
}

/// One publication: both CRLs carry the same number, which grows with each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub number: u64,
    /// Signed by C's issuing CA: the intermediate, or the root without intermediates.
    pub issuing: Crl,
    /// Signed by C's root, for its intermediate; only with intermediates.
    pub root: Option<Crl>,
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
        self.revocation = revocation;
        self.bump_generation();
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
