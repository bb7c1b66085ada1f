//! The seed's extension sets as data. Each mirrors an openssl `-extfile` section.

use rcgen::{ExtendedKeyUsagePurpose as Eku, KeyUsagePurpose as Ku};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The openssl section name this profile mirrors.
    pub section: &'static str,
    /// `Some(path_len)` for a CA (`None` inside means no pathlen), `None` for `CA:FALSE`.
    pub ca: Option<Option<u8>>,
    pub key_usage: &'static [Ku],
    pub extended_key_usage: &'static [Eku],
    /// A CA's permitted DNS subtrees (nameConstraints); empty for none.
    pub permitted_dns: &'static [&'static str],
    /// The `-extfile` body openssl would use; empty for the root, which takes `v3_ca` from the
    /// default config through `req -x509`.
    pub openssl_extfile: &'static str,
    /// Default validity in days, from the seed.
    pub days: u32,
}

/// `openssl req -x509` with the default config: SKI hash, AKI keyid:always, critical CA:true.
pub const ROOT_CA: Profile = Profile {
    section: "v3_ca",
    ca: Some(None),
    key_usage: &[],
    extended_key_usage: &[],
    permitted_dns: &[],
    openssl_extfile: "",
    days: 3650,
};

pub const INTERMEDIATE_CA: Profile = Profile {
    section: "v3_intermediate_ca",
    ca: Some(Some(0)),
    key_usage: &[Ku::DigitalSignature, Ku::CrlSign, Ku::KeyCertSign],
    extended_key_usage: &[],
    permitted_dns: &[],
    openssl_extfile: "[v3_intermediate_ca]\\nsubjectKeyIdentifier = hash\\nauthorityKeyIdentifier = keyid:always,issuer\\nbasicConstraints = critical, CA:true, pathlen:0\\nkeyUsage = critical, digitalSignature, cRLSign, keyCertSign",
    days: 1825,
};

pub const CLIENT: Profile = Profile {
    section: "v3_client",
    ca: None,
    key_usage: &[Ku::ContentCommitment, Ku::DigitalSignature, Ku::KeyEncipherment],
    extended_key_usage: &[Eku::ClientAuth],
    permitted_dns: &[],
    openssl_extfile: "[v3_client]\\nsubjectKeyIdentifier = hash\\nauthorityKeyIdentifier = keyid,issuer\\nbasicConstraints = CA:FALSE\\nkeyUsage = critical, nonRepudiation, digitalSignature, keyEncipherment\\nextendedKeyUsage = clientAuth",
    days: 365,
};

pub const SERVER: Profile = Profile {
    section: "v3_server",
    ca: None,
    key_usage: &[Ku::DigitalSignature, Ku::KeyEncipherment],
    extended_key_usage: &[Eku::ServerAuth],
    permitted_dns: &[],
    openssl_extfile: "[v3_server]\\nsubjectKeyIdentifier = hash\\nauthorityKeyIdentifier = keyid,issuer\\nbasicConstraints = CA:FALSE\\nkeyUsage = critical, digitalSignature, keyEncipherment\\nextendedKeyUsage = serverAuth\\nsubjectAltName = @alt_names",
    days: 365,
};
