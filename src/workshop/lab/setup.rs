//! Each scenario's files: fresh certificates, keys, trust stores and CRLs made with the
//! workshop's own CAs, so rustls and openssl judge the very same ones.

use super::*;

/// The certificates, keys and trust stores a scenario uses, fresh ones made with the
/// workshop's own CAs and keys. Each scenario reads only the files it uses, so step 8's runs
/// need no more than step 8 does: not B's intermediate (step 4), nor C's CA keys.
pub fn setup(inputs: &LabInputs, scenario: LabScenario, now: u64) -> Result<Setup, PkiError> {
    if scenario.needs_intermediates() && !inputs.use_intermediates {
        return Err(PkiError::input(
            InputField::Lab,
            "This scenario needs the intermediate CAs; switch them on and run the steps.",
        ));
    }
    let c_chain = inputs.chain();
    let c_intermediates = &c_chain[..c_chain.len().saturating_sub(1)];
    let with_c_intermediates = |leaf: Certificate| {
        std::iter::once(leaf)
            .chain(c_intermediates.iter().cloned())
            .collect::<Vec<_>>()
    };
    let c_server = inputs.need_certificate(Party::CServer)?;
    let c_server_key = inputs.need_key(Party::CServer)?;
    let mut server = ServerSide {
        chain: with_c_intermediates(c_server.clone()),
        key: c_server_key.clone(),
        trusted_client_cas: c_chain.clone(),
        revocation: None,
        client_auth: ClientAuth::Required,
    };
    let b_client_key = || inputs.need_key(Party::BClient);
    // B's certificate from step 6, sent with C's intermediates, and B's key: the seed's run.
    let signed_b = || -> Result<_, PkiError> {
        let leaf = inputs.need_certificate(Party::BClient)?;
        Ok((with_c_intermediates(leaf), b_client_key()?))
    };
    let mut client = ClientSide {
        identity: None,
        trusted_server_cas: c_chain.clone(),
        server_name: inputs.server_name.clone(),
        skip_key_check: false,
        picks_by_ca_names: false,
    };
    let version = match scenario {
        LabScenario::GoodRun => TlsVersion::Tls13,
        LabScenario::GoodRunTls12 => TlsVersion::Tls12,
        _ => inputs.tls_version,
    };
    let b_subject = &inputs.b_subject;
    // A client certificate for B's key, issued by `issuer` with `profile`, valid from `start`.
    let client_cert = |issuer: (&Certificate, &PrivateKey), start: u64, days: u32, p: &Profile| {
        issue_for(b_subject, &b_client_key()?, issuer, start, days, p)
    };
    // A CA of C's organisation for `key`, issued by `issuer` with `profile`, valid a year.
    let c_ca = |unit: &str,
                name: &str,
                key: &PrivateKey,
                issuer: (&Certificate, &PrivateKey),
                profile: &Profile| {
        let subject = Subject::seed(&inputs.c_organization, unit, name);
        issue_for(&subject, key, issuer, now, 365, profile)
    };
    match scenario {
        LabScenario::GoodRun | LabScenario::GoodRunTls12 => {
            client.identity = Some(signed_b()?);
        }
        LabScenario::NoClientCertificate => {}
        LabScenario::ClientRootAsCertificate => {
            client.identity = Some((
                vec![inputs.need_certificate(Party::BRoot)?],
                inputs.need_key(Party::BRoot)?,
            ));
        }
        LabScenario::UntrustedClientCa | LabScenario::FederatedGoodRun => {
            let (issuer, issuer_key) = inputs.b_issuer()?;
            let leaf = client_cert((&issuer, &issuer_key), now, 365, &profile::CLIENT)?;
            client.identity = Some((b_chain(inputs, leaf), b_client_key()?));
            if scenario == LabScenario::FederatedGoodRun {
                server.trusted_client_cas = b_chain_cas(inputs);
            }
        }
        LabScenario::ExpiredClientCertificate => {
            let (c_issuer, c_issuer_key) = inputs.c_issuer()?;
            let start = now.saturating_sub(31 * DAY);
            let leaf = client_cert((&c_issuer, &c_issuer_key), start, 30, &profile::CLIENT)?;
            client.identity = Some((with_c_intermediates(leaf), b_client_key()?));
        }
        LabScenario::NotYetValidClientCertificate => {
            let (c_issuer, c_issuer_key) = inputs.c_issuer()?;
            let leaf = client_cert(
                (&c_issuer, &c_issuer_key),
                now + 30 * DAY,
                365,
                &profile::CLIENT,
            )?;
            client.identity = Some((with_c_intermediates(leaf), b_client_key()?));
        }
        LabScenario::ServerCertificateAsClient => {
            client.identity = Some((server.chain.clone(), c_server_key));
        }
        LabScenario::WrongServerName => {
            client.identity = Some(signed_b()?);
            client.server_name = "not-client-c.example".into();
        }
        LabScenario::MissingIntermediate => {
            // C must not hold the missing intermediate itself, or it fills the gap: so this
            // runs in the federated model, where C trusts B's root alone.
            let (issuer, issuer_key) = inputs.b_issuer()?;
            let leaf = client_cert((&issuer, &issuer_key), now, 365, &profile::CLIENT)?;
            client.identity = Some((vec![leaf], b_client_key()?));
            server.trusted_client_cas = vec![inputs.need_certificate(Party::BRoot)?];
        }
        LabScenario::IssuedByNonCa => {
            let leaf = client_cert((&c_server, &c_server_key), now, 365, &profile::CLIENT)?;
            let mut chain = vec![leaf];
            chain.extend(server.chain.iter().cloned());
            client.identity = Some((chain, b_client_key()?));
        }
        LabScenario::PathLengthExceeded => {
            let (c_issuer, c_issuer_key) = inputs.c_issuer()?;
            let b_root_key = inputs.need_key(Party::BRoot)?;
            let sub_ca = c_ca(
                "Extra CA",
                "Client C Sub-CA (below pathlen:0)",
                &b_root_key,
                (&c_issuer, &c_issuer_key),
                &SUB_CA,
            )?;
            let leaf = client_cert((&sub_ca, &b_root_key), now, 365, &profile::CLIENT)?;
            let mut chain = vec![leaf, sub_ca];
            chain.extend(c_intermediates.iter().cloned());
            client.identity = Some((chain, b_client_key()?));
            server.trusted_client_cas = c_chain.last().cloned().into_iter().collect();
        }
        LabScenario::MismatchedKey => {
            let (chain, _) = signed_b()?;
            client.identity = Some((chain, inputs.other_key_like_b()?));
            client.skip_key_check = true;
        }
        LabScenario::RevokedClientCertificate => {
            let (chain, key) = signed_b()?;
            let revoked = Revoked {
                serial: chain[0].serial(),
                at: now,
                reason: Reason::KeyCompromise,
            };
            let crl = inputs.c_issuer_crl(&[revoked], now, CRL_DAYS)?;
            server.revocation = Some(revocation_check(vec![crl], false));
            client.identity = Some((chain, key));
        }
        LabScenario::ExpiredCrl => {
            client.identity = Some(signed_b()?);
            // Three days past its nextUpdate.
            let crl = inputs.c_issuer_crl(&[], now.saturating_sub(10 * DAY), CRL_DAYS)?;
            server.revocation = Some(revocation_check(vec![crl], false));
        }
        LabScenario::NoCrlForIntermediate => {
            client.identity = Some(signed_b()?);
            let crl = inputs.c_issuer_crl(&[], now, CRL_DAYS)?;
            server.revocation = Some(revocation_check(vec![crl], true));
            // rustls checks no trust anchor's revocation: were C's intermediate one, the chain
            // would end there and nothing would need the root's CRL.
            server.trusted_client_cas = c_chain.last().cloned().into_iter().collect();
        }
        LabScenario::OptionalWithoutCertificate => {
            server.client_auth = ClientAuth::Optional;
        }
        LabScenario::OptionalWithCertificate => {
            server.client_auth = ClientAuth::Optional;
            client.identity = Some(signed_b()?);
        }
        LabScenario::ClientPicksByCaNames => {
            // The certificate of the untrusted-CA row, held by a client that chooses.
            let (issuer, issuer_key) = inputs.b_issuer()?;
            let leaf = client_cert((&issuer, &issuer_key), now, 365, &profile::CLIENT)?;
            client.identity = Some((b_chain(inputs, leaf), b_client_key()?));
            client.picks_by_ca_names = true;
        }
        LabScenario::ServerOnlyEkuOnIntermediate => {
            let c_root = inputs.need_certificate(Party::CRoot)?;
            let c_root_key = inputs.need_key(Party::CRoot)?;
            let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256)?;
            let ca = c_ca(
                "Web CA",
                "Client C Intermediate CA (serverAuth only)",
                &key,
                (&c_root, &c_root_key),
                &SERVER_ONLY_CA,
            )?;
            let leaf = client_cert((&ca, &key), now, 365, &profile::CLIENT)?;
            client.identity = Some((vec![leaf, ca], b_client_key()?));
            // A trusted intermediate would be an anchor, whose EKU rustls does not read.
            server.trusted_client_cas = vec![c_root];
        }
        LabScenario::LeafOnlyCHoldsIntermediate | LabScenario::LeafOnlyCHoldsRootOnly => {
            let leaf = inputs.need_certificate(Party::BClient)?;
            client.identity = Some((vec![leaf], b_client_key()?));
            if scenario == LabScenario::LeafOnlyCHoldsRootOnly {
                server.trusted_client_cas = c_chain.last().cloned().into_iter().collect();
            }
        }
        LabScenario::NameConstraintPermitted | LabScenario::NameConstraintViolated => {
            let (b_ca, b_ca_key) = inputs.b_issuer()?;
            let c_root = inputs.need_certificate(Party::CRoot)?;
            let c_root_key = inputs.need_key(Party::CRoot)?;
            // B's CA as C's root certifies it: B's name and key, C's signature, B's names only.
            let cross = issue_with_subject(
                cert::subject_of(&b_ca)?,
                &b_ca_key,
                (&c_root, &c_root_key),
                now,
                365,
                &CONSTRAINED_CA,
            )?;
            let name = match scenario {
                LabScenario::NameConstraintPermitted => PERMITTED_NAME,
                _ => "other.example",
            };
            let sans = [San::Dns(name.into())];
            let template = cert::Template {
                profile: &profile::CLIENT,
                days: 365,
                sans: &sans,
                now,
            };
            let leaf = cert::issue(
                b_subject.to_rcgen()?,
                &b_client_key()?.signer()?,
                &template,
                &b_ca,
                &b_ca_key,
            )?;
            client.identity = Some((vec![leaf, cross], b_client_key()?));
            server.trusted_client_cas = vec![c_root];
        }
        LabScenario::DeepChain => {
            let (mut issuer, mut issuer_key) = (
                inputs.need_certificate(Party::CRoot)?,
                inputs.need_key(Party::CRoot)?,
            );
            let mut cas = Vec::new();
            for tier in 1..=3 {
                let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256)?;
                let name = format!("Client C Tier {tier} CA");
                let ca = c_ca("Tiered CA", &name, &key, (&issuer, &issuer_key), &SUB_CA)?;
                cas.push(ca.clone());
                (issuer, issuer_key) = (ca, key);
            }
            let leaf = client_cert((&issuer, &issuer_key), now, 365, &profile::CLIENT)?;
            // Leaf first, then the CAs from the one that signed it up.
            let chain = std::iter::once(leaf).chain(cas.into_iter().rev()).collect();
            client.identity = Some((chain, b_client_key()?));
            server.trusted_client_cas = c_chain.last().cloned().into_iter().collect();
        }
    }
    Ok(Setup {
        scenario,
        server,
        client,
        version,
    })
}

/// nextUpdate of the lab's CRLs, in days after thisUpdate.
const CRL_DAYS: u32 = 7;

/// C checking revocation as openssl does: a certificate no CRL speaks for is refused, and so is
/// a CRL past its nextUpdate.
fn revocation_check(crls: Vec<Crl>, whole_chain: bool) -> RevocationCheck {
    RevocationCheck {
        crls,
        whole_chain,
        allow_unknown: false,
        enforce_expiry: true,
    }
}

/// A CA with no path length limit of its own, for the pathlen scenario.
const SUB_CA: Profile = Profile {
    section: "v3_sub_ca",
    ca: Some(None),
    key_usage: profile::INTERMEDIATE_CA.key_usage,
    extended_key_usage: &[],
    permitted_dns: &[],
    openssl_extfile: "",
    days: 365,
};

/// A CA for serverAuth only, as some organisations restrict the intermediates they run.
const SERVER_ONLY_CA: Profile = Profile {
    section: "v3_server_only_ca",
    ca: Some(Some(0)),
    key_usage: profile::INTERMEDIATE_CA.key_usage,
    extended_key_usage: &[rcgen::ExtendedKeyUsagePurpose::ServerAuth],
    permitted_dns: &[],
    openssl_extfile: "",
    days: 365,
};

/// The one DNS subtree C's cross-certificate lets B's CA issue for.
pub const PERMITTED_NAME: &str = "client-b.local";

/// B's CA as C certifies it: no CA below it, and names under `PERMITTED_NAME` only.
const CONSTRAINED_CA: Profile = Profile {
    section: "v3_constrained_ca",
    ca: Some(Some(0)),
    key_usage: profile::INTERMEDIATE_CA.key_usage,
    extended_key_usage: &[],
    permitted_dns: &[PERMITTED_NAME],
    openssl_extfile: "",
    days: 365,
};

/// B's chain as B's own CA issues it: leaf, then B's intermediate if there is one.
fn b_chain(inputs: &LabInputs, leaf: Certificate) -> Vec<Certificate> {
    let mut chain = vec![leaf];
    if inputs.use_intermediates {
        chain.extend(inputs.certificate(Party::BIntermediate).cloned());
    }
    chain
}

/// B's CA chain as C would load it: intermediate (if any), then root.
fn b_chain_cas(inputs: &LabInputs) -> Vec<Certificate> {
    ca_chain(
        &inputs.certs,
        inputs.use_intermediates,
        Party::BIntermediate,
        Party::BRoot,
    )
}

fn issue_for(
    subject: &Subject,
    key: &PrivateKey,
    issuer: (&Certificate, &PrivateKey),
    start: u64,
    days: u32,
    profile: &Profile,
) -> Result<Certificate, PkiError> {
    issue_with_subject(subject.to_rcgen()?, key, issuer, start, days, profile)
}

/// As `issue_for`, under a name as rcgen holds it, such as one copied from another certificate.
fn issue_with_subject(
    subject: rcgen::DistinguishedName,
    key: &PrivateKey,
    (issuer, issuer_key): (&Certificate, &PrivateKey),
    start: u64,
    days: u32,
    profile: &Profile,
) -> Result<Certificate, PkiError> {
    let template = cert::Template {
        profile,
        days,
        sans: &[],
        now: start,
    };
    cert::issue(subject, &key.signer()?, &template, issuer, issuer_key)
}

/// The workshop files and settings the lab reads, in a form a Web Worker can receive.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LabInputs {
    pub use_intermediates: bool,
    pub tls_version: TlsVersion,
    pub server_name: String,
    pub b_subject: Subject,
    /// C's organisation, for the extra CA of the pathlen scenario.
    pub c_organization: String,
    pub certs: BTreeMap<Party, Certificate>,
    pub keys: BTreeMap<Party, PrivateKey>,
}

impl LabInputs {
    fn certificate(&self, party: Party) -> Option<&Certificate> {
        self.certs.get(&party)
    }

    fn key(&self, party: Party) -> Option<&PrivateKey> {
        self.keys.get(&party)
    }

    fn need_certificate(&self, p: Party) -> Result<Certificate, PkiError> {
        self.certificate(p).cloned().ok_or_else(|| {
            PkiError::input(
                InputField::Lab,
                format!("{} does not exist yet; run all steps first.", p.label()),
            )
        })
    }

    fn need_key(&self, p: Party) -> Result<PrivateKey, PkiError> {
        self.key(p).cloned().ok_or_else(|| {
            PkiError::input(
                InputField::Lab,
                format!(
                    "{}'s key does not exist yet; run all steps first.",
                    p.label()
                ),
            )
        })
    }

    /// The CA that signs B's leaves in the seed: C's intermediate, or C's root without one.
    fn c_issuer_party(&self) -> Party {
        if self.use_intermediates {
            Party::CIntermediate
        } else {
            Party::CRoot
        }
    }

    fn c_issuer(&self) -> Result<(Certificate, PrivateKey), PkiError> {
        let p = self.c_issuer_party();
        Ok((self.need_certificate(p)?, self.need_key(p)?))
    }

    /// A CRL from C's issuing CA listing `revoked`, published at `published`.
    fn c_issuer_crl(
        &self,
        revoked: &[Revoked],
        published: u64,
        days: u32,
    ) -> Result<Crl, PkiError> {
        let (cert, key) = self.c_issuer()?;
        crl::issue(
            &cert,
            &key,
            &CrlTemplate {
                revoked,
                number: 1,
                now: published,
                days,
            },
        )
    }

    /// B's own issuing CA, for the federated model: its intermediate, or its root without one.
    fn b_issuer(&self) -> Result<(Certificate, PrivateKey), PkiError> {
        let p = if self.use_intermediates {
            Party::BIntermediate
        } else {
            Party::BRoot
        };
        Ok((self.need_certificate(p)?, self.need_key(p)?))
    }

    /// A private key of the same type as B's that is not B's: B's root key where it is one,
    /// else another of the workshop's keys, else a new one. A key of another type would make
    /// the signature fail for its algorithm, not for the key; an RSA key of another size is
    /// still an RSA key, and the page's module makes no RSA keys of its own.
    fn other_key_like_b(&self) -> Result<PrivateKey, PkiError> {
        let b_key = self.need_key(Party::BClient)?;
        let wanted = b_key.algorithm();
        let same_type = |k: &PrivateKey| {
            k.algorithm() == wanted
                || (k.algorithm().rsa_bits().is_some() && wanted.rsa_bits().is_some())
        };
        let candidates = [
            Some(Party::BRoot),
            self.use_intermediates.then_some(Party::BIntermediate),
            Some(Party::CServer),
            Some(self.c_issuer_party()),
        ];
        match candidates
            .into_iter()
            .flatten()
            .filter_map(|p| self.key(p))
            .find(|k| same_type(k) && k.pkcs8_der() != b_key.pkcs8_der())
        {
            Some(key) => Ok(key.clone()),
            None => PrivateKey::generate(wanted),
        }
    }

    /// C's CA chain, intermediate first, as the seed's chain file.
    fn chain(&self) -> Vec<Certificate> {
        ca_chain(
            &self.certs,
            self.use_intermediates,
            Party::CIntermediate,
            Party::CRoot,
        )
    }
}
