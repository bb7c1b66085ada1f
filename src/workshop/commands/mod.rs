//! The openssl commands that do each step by hand, with the user's current values.
//! Every block here is run by `tests/openssl_interop.rs`; the revocation blocks also by
//! `tests/revocation_commands.rs`.

use super::lab::LabScenario;
use super::steps::{Party, Settings, StepId};
use crate::pki::{profile, KeyAlgorithm, San, Subject};
use crate::tls::TlsVersion;

mod elsewhere;
mod revocation;
pub use elsewhere::{snippets, NGINX_CRL_PATH};
pub use revocation::revocation;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandBlock {
    pub title: String,
    /// A bash script, run from the workshop root (the folder that holds client_c_ca/). It
    /// starts and ends there: a block that works in a subfolder does so in a subshell.
    pub script: String,
    /// A line shown above the script, such as where it departs from the seed.
    pub note: Option<String>,
    /// What the terminals print when the block does what it should.
    pub expect: Option<Expectation>,
}

/// The output that tells success or refusal apart, checked against real runs by the tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub summary: String,
    /// Text the client's terminal prints (each is part of one line); for a block with no
    /// server, what its one terminal prints.
    pub client_prints: Vec<String>,
    /// Text `s_server`'s terminal prints.
    pub server_prints: Vec<String>,
}

fn block(title: &str, lines: Vec<String>) -> CommandBlock {
    CommandBlock {
        title: title.into(),
        script: lines.join("\n"),
        note: None,
        expect: None,
    }
}

/// Lines that run inside `folder`, in a subshell so the block ends where it started.
fn inside(folder: &str, lines: Vec<String>) -> Vec<String> {
    let mut out = vec![format!("(cd {folder}")];
    out.extend(lines);
    out.push(")".into());
    out
}

/// Typed once before any step: the passphrase every `-passout`/`-passin` reads.
pub fn preamble() -> CommandBlock {
    CommandBlock {
        note: Some(
            "These commands are bash: they use read -rsp, process substitution <(…) and echo -e. \
             Run them in bash (not sh, zsh or PowerShell), from one empty folder."
                .into(),
        ),
        ..block(
            "Before you start: the key passphrase (openssl reads it from the environment)",
            vec![
                "read -rsp 'Key passphrase: ' KEY_PASSPHRASE && echo && export KEY_PASSPHRASE"
                    .into(),
            ],
        )
    }
}

/// Single-quotes a value for bash.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

fn subj(subject: &Subject) -> String {
    let utf8 = if subject.is_ascii() { "" } else { " -utf8" };
    format!("-subj {}{utf8}", quote(&subject.openssl_subj()))
}

fn digest(issuer: KeyAlgorithm) -> &'static str {
    if issuer == KeyAlgorithm::EcdsaP384 {
        "-sha384"
    } else {
        "-sha256"
    }
}

/// Key, CSR and CA signature for one of C's or B's CA-signed certificates.
fn csr_and_sign(
    settings: &Settings,
    party: Party,
    issuer: Party,
    folder: &str,
    name: &str,
    extfile: String,
) -> Vec<String> {
    let cert = settings.cert(party);
    let issuer_cert = match issuer {
        Party::CRoot => "client_c_root_ca",
        Party::BRoot => "client_b_root_ca",
        _ => "client_c_intermediate_ca",
    };
    let section = party.profile().section;
    inside(
        folder,
        vec![
            format!("# Generate the {} private key", party.label()),
            cert.algorithm
                .openssl_genkey(&format!("private/{name}.key")),
            String::new(),
            "# Create the certificate signing request".into(),
            format!("openssl req -new -key private/{name}.key -passin env:KEY_PASSPHRASE \\"),
            format!("    -out csr/{name}.csr \\"),
            format!("    {}", subj(&cert.subject)),
            String::new(),
            format!("# Sign it with {}", issuer.label()),
            format!("openssl x509 -req -in csr/{name}.csr \\"),
            format!("    -CA certs/{issuer_cert}.crt \\"),
            format!("    -CAkey private/{issuer_cert}.key -passin env:KEY_PASSPHRASE \\"),
            "    -CAcreateserial \\".into(),
            format!("    -out certs/{name}.crt \\"),
            format!(
                "    -days {} {} \\",
                cert.days,
                digest(settings.cert(issuer).algorithm)
            ),
            format!("    -extensions {section} \\"),
            format!("    -extfile <(echo -e \"{extfile}\")"),
        ],
    )
}

fn root(settings: &Settings, party: Party) -> CommandBlock {
    let (folder, name, who) = if party == Party::CRoot {
        ("client_c_ca", "client_c_root_ca", "Client C")
    } else {
        ("client_b_ca", "client_b_root_ca", "Client B")
    };
    let cert = settings.cert(party);
    block(
        &format!("Create {who}'s root CA"),
        [
            vec![
                format!("# Create directory structure for {who} CA"),
                format!("mkdir -p {folder}/{{certs,private,csr}}"),
            ],
            inside(
                folder,
                vec![
            format!("# Generate {who} root CA private key"),
            cert.algorithm
                .openssl_genkey(&format!("private/{name}.key")),
            String::new(),
            format!("# Generate {who} root CA certificate (self-signed, v3_ca)"),
            format!("openssl req -x509 -new -key private/{name}.key -passin env:KEY_PASSPHRASE \\"),
            format!("    {} -days {} \\", digest(cert.algorithm), cert.days),
            format!("    -out certs/{name}.crt \\"),
            format!("    {}", subj(&cert.subject)),
            ],
            ),
        ]
        .concat(),
    )
}

fn verify_block(title: &str, lines: Vec<String>) -> CommandBlock {
    block(title, lines)
}

/// The blocks for one step: first what makes its files, then the seed's checks.
pub fn for_step(step: StepId, settings: &Settings) -> Vec<CommandBlock> {
    let c_issuer_name = if settings.use_intermediates {
        "client_c_intermediate_ca"
    } else {
        "client_c_root_ca"
    };
    match step {
        StepId::CRoot | StepId::BRoot => {
            let party = step.party().unwrap_or(Party::CRoot);
            let path = if party == Party::CRoot {
                "client_c_ca/certs/client_c_root_ca.crt"
            } else {
                "client_b_ca/certs/client_b_root_ca.crt"
            };
            vec![
                root(settings, party),
                verify_block(
                    "Verify",
                    vec![format!("openssl x509 -in {path} -text -noout")],
                ),
            ]
        }
        StepId::CIntermediate | StepId::BIntermediate => {
            let (party, issuer, folder, name, root_name) = if step == StepId::CIntermediate {
                (
                    Party::CIntermediate,
                    Party::CRoot,
                    "client_c_ca",
                    "client_c_intermediate_ca",
                    "client_c_root_ca",
                )
            } else {
                (
                    Party::BIntermediate,
                    Party::BRoot,
                    "client_b_ca",
                    "client_b_intermediate_ca",
                    "client_b_root_ca",
                )
            };
            let lines = csr_and_sign(
                settings,
                party,
                issuer,
                folder,
                name,
                profile::INTERMEDIATE_CA.openssl_extfile.into(),
            );
            vec![
                block(&format!("Create the {}", party.label()), lines),
                verify_block(
                    "Verify",
                    vec![
                        "# Verify the intermediate certificate against the root CA".into(),
                        format!("openssl verify -CAfile {folder}/certs/{root_name}.crt {folder}/certs/{name}.crt"),
                        "# Check issuer and subject".into(),
                        format!("openssl x509 -in {folder}/certs/{name}.crt -text -noout | grep -A2 \"Issuer\\|Subject\""),
                    ],
                ),
            ]
        }
        StepId::BCsr => {
            let b = &settings.b_client;
            vec![
                block(
                    "Client B makes its key and CSR, and sends the CSR to Client C",
                    vec![
                        "mkdir -p client_b_cert".into(),
                        String::new(),
                        "# Generate Client B's private key for the client certificate".into(),
                        b.algorithm.openssl_genkey("client_b_cert/client_b.key"),
                        String::new(),
                        "# Generate the CSR from Client B for Client C to sign".into(),
                        "openssl req -new -key client_b_cert/client_b.key -passin env:KEY_PASSPHRASE \\".into(),
                        "    -out client_b_cert/client_b_to_client_c.csr \\".into(),
                        format!("    {}", subj(&b.subject)),
                        String::new(),
                        "# Transfer the CSR to Client C (simulated file transfer)".into(),
                        "cp client_b_cert/client_b_to_client_c.csr client_c_ca/csr/".into(),
                    ],
                ),
                verify_block(
                    "Verify",
                    vec![
                        "openssl req -in client_b_cert/client_b_to_client_c.csr -text -noout".into(),
                        "openssl req -in client_b_cert/client_b_to_client_c.csr -verify -noout".into(),
                    ],
                ),
            ]
        }
        StepId::CSignsB => {
            let chain_sources = if settings.use_intermediates {
                "certs/client_c_intermediate_ca.crt certs/client_c_root_ca.crt"
            } else {
                "certs/client_c_root_ca.crt"
            };
            let days = settings.b_client.days;
            let digest = digest(settings.cert(settings.c_issuer()).algorithm);
            let untrusted = if settings.use_intermediates {
                " -untrusted client_c_ca/certs/client_c_intermediate_ca.crt"
            } else {
                ""
            };
            vec![
                block(
                    "Client C signs B's CSR and returns the certificate with its CA chain",
                    inside("client_c_ca", vec![
                        format!("# Create the client certificate, signed by {}", settings.c_issuer().label()),
                        "openssl x509 -req -in csr/client_b_to_client_c.csr \\".into(),
                        format!("    -CA certs/{c_issuer_name}.crt \\"),
                        format!("    -CAkey private/{c_issuer_name}.key -passin env:KEY_PASSPHRASE \\"),
                        "    -CAcreateserial \\".into(),
                        "    -out certs/client_b_signed_by_client_c.crt \\".into(),
                        format!("    -days {days} {digest} \\"),
                        "    -extensions v3_client \\".into(),
                        format!("    -extfile <(echo -e \"{}\")", profile::CLIENT.openssl_extfile),
                        String::new(),
                        "# Transfer the signed certificate back to Client B".into(),
                        "cp certs/client_b_signed_by_client_c.crt ../client_b_cert/".into(),
                        String::new(),
                        "# Create the certificate chain file for Client B (intermediate first, then root)".into(),
                        format!("cat {chain_sources} > certs/client_c_ca_chain.crt"),
                        "cp certs/client_c_ca_chain.crt ../client_b_cert/".into(),
                    ]),
                ),
                verify_block(
                    "Verify",
                    vec![
                        "openssl x509 -in client_c_ca/certs/client_b_signed_by_client_c.crt -text -noout".into(),
                        format!("openssl verify -CAfile client_c_ca/certs/client_c_root_ca.crt{untrusted} client_c_ca/certs/client_b_signed_by_client_c.crt"),
                    ],
                ),
            ]
        }
        StepId::CServer => {
            let extfile = format!(
                "{}\\n[alt_names]\\n{}",
                profile::SERVER.openssl_extfile,
                San::openssl_alt_names(&settings.server_sans)
            );
            let lines = csr_and_sign(
                settings,
                Party::CServer,
                settings.c_issuer(),
                "client_c_ca",
                "client_c_server",
                extfile,
            );
            vec![
                block("Create Client C's server certificate", lines),
                verify_block(
                    "Verify",
                    vec![format!(
                        "openssl verify -CAfile client_c_ca/certs/client_c_ca_chain.crt client_c_ca/certs/client_c_server.crt"
                    )],
                ),
            ]
        }
        StepId::Handshake => step8(settings),
    }
}

/// The `s_client` flags that check the server's name as the page's client does: SNI plus
/// `-verify_hostname` (or `-verify_ip` for an address, which SNI cannot carry).
fn name_checks(settings: &Settings) -> String {
    let name = settings.server_name();
    if name.parse::<std::net::IpAddr>().is_ok() {
        format!("-verify_ip {name}")
    } else {
        format!("-servername {name} -verify_hostname {name}")
    }
}

/// Step 8's `s_server` for Client C, run inside client_c_ca; with `crl`, it also checks the
/// client's certificate against that CRL.
fn c_server(version: TlsVersion, crl: Option<&str>) -> Vec<String> {
    let tls = version.openssl_flag();
    let mut lines: Vec<String> = vec![
        "openssl s_server -accept 8443 \\".into(),
        "    -cert certs/client_c_server.crt \\".into(),
        "    -key private/client_c_server.key -pass env:KEY_PASSPHRASE \\".into(),
        "    -CAfile certs/client_c_ca_chain.crt \\".into(),
        format!("    -Verify 2 -verify_return_error {tls} \\"),
    ];
    if let Some(crl) = crl {
        lines.push(format!("    -crl_check -CRL {crl} \\"));
    }
    lines.push("    -state".into());
    inside("client_c_ca", lines)
}

/// Step 8 and the seed's verification section. The server block runs until stopped.
pub fn step8(settings: &Settings) -> Vec<CommandBlock> {
    let version = settings.tls_version;
    let tls = version.openssl_flag();
    let names = name_checks(settings);
    let checks = verification_checks(settings);
    let mut matching = vec![
        "# The private key, CSR and certificate hold the same public key (same hash three times)"
            .to_string(),
    ];
    matching.extend(checks.key_hashes.iter().cloned());
    if let Some(moduli) = &checks.modulus_hashes {
        matching.push("# The seed's RSA modulus check".to_string());
        matching.extend(moduli.iter().cloned());
    }
    matching.extend([
        String::new(),
        "# Verify the complete chain".into(),
        checks.client_chain.clone(),
        checks.server_chain.clone(),
        String::new(),
        "# Validity period".into(),
        checks.dates.clone(),
    ]);
    let server = block(
        "Start Client C as the mTLS server (terminal 1)",
        c_server(version, None),
    );
    let good = CommandBlock {
        note: Some(
            "The seed writes -Verify 2 here too, but s_client has no -Verify option (openssl answers \
             \"Unknown option\"). On s_server, -Verify makes a client certificate mandatory. s_client \
             always checks the server's chain and prints the result; -verify_return_error is what makes \
             a bad chain end the handshake."
                .into(),
        ),
        expect: Some(expect_good(version)),
        ..block(
            "Connect from Client B with its certificate (terminal 2)",
            inside(
                "client_b_cert",
                vec![
                    format!("openssl s_client -connect localhost:8443 {names} \\"),
                    "    -cert client_b_signed_by_client_c.crt \\".into(),
                    "    -key client_b.key -pass env:KEY_PASSPHRASE \\".into(),
                    "    -CAfile client_c_ca_chain.crt \\".into(),
                    format!("    -verify 2 -verify_return_error {tls} \\"),
                    "    -state".into(),
                ],
            ),
        )
    };
    let no_cert = CommandBlock {
        expect: Some(expect_no_certificate(version)),
        ..block(
            "Connect without a client certificate (should fail)",
            vec![
                format!("openssl s_client -connect localhost:8443 {names} \\"),
                format!(
                    "    -CAfile client_b_cert/client_c_ca_chain.crt -verify_return_error {tls}"
                ),
            ],
        )
    };
    let wrong_cert = CommandBlock {
        expect: Some(expect_wrong_certificate(version)),
        ..block(
            "Connect with the wrong client certificate: B's root CA (should fail)",
            vec![
                format!("openssl s_client -connect localhost:8443 {names} \\"),
                "    -cert client_b_ca/certs/client_b_root_ca.crt \\".into(),
                "    -key client_b_ca/private/client_b_root_ca.key -pass env:KEY_PASSPHRASE \\"
                    .into(),
                format!(
                    "    -CAfile client_b_cert/client_c_ca_chain.crt -verify_return_error {tls}"
                ),
            ],
        )
    };
    vec![
        server,
        good,
        block("Verification commands", matching),
        no_cert,
        wrong_cert,
    ]
}

/// What the openssl commands print for one of step 8's three runs; `None` for a scenario
/// step 8 does not run.
pub fn step8_expectation(scenario: LabScenario, version: TlsVersion) -> Option<Expectation> {
    match scenario {
        LabScenario::GoodRun | LabScenario::GoodRunTls12 => Some(expect_good(version)),
        LabScenario::NoClientCertificate => Some(expect_no_certificate(version)),
        LabScenario::ClientRootAsCertificate => Some(expect_wrong_certificate(version)),
        _ => None,
    }
}

/// s_client prints its session summary even after a TLS 1.2 refusal.
const TLS12_SUMMARY_NOTE: &str = " The client's closing summary still shows a cipher and \
     \"Verify return code: 0 (ok)\": that is its check of the server. The alert above it means refusal.";

fn expect_good(version: TlsVersion) -> Expectation {
    Expectation {
        summary: format!(
            "Success: the client prints \"Verify return code: 0 (ok)\" and the {} cipher, and stays \
             connected; a line typed in terminal 2 appears in terminal 1. s_server logs B's chain \
             (\"depth=0 … verify return:1\" for client_b) and its subject.",
            version.label()
        ),
        client_prints: vec!["Verify return code: 0 (ok)".into()],
        server_prints: vec!["verify return:1".into()],
    }
}

fn expect_no_certificate(version: TlsVersion) -> Expectation {
    let (alert, tls13_note) = match version {
        TlsVersion::Tls13 => (
            "certificate required",
            " Under TLS 1.3 the client first prints \"Verify return code: 0 (ok)\" and a cipher: \
             it has finished its side before C judges it, so only the alert that follows means refusal.",
        ),
        TlsVersion::Tls12 => ("handshake failure", TLS12_SUMMARY_NOTE),
    };
    let code = if version == TlsVersion::Tls13 {
        116
    } else {
        40
    };
    Expectation {
        summary: format!(
            "Refused by C: the client prints \"alert {alert}\" (\"SSL alert number {code}\") and exits; \
             s_server logs \"peer did not return a certificate\".{tls13_note}"
        ),
        client_prints: vec![format!("alert {alert}"), format!("SSL alert number {code}")],
        server_prints: vec!["peer did not return a certificate".into()],
    }
}

/// What else a client refused by C prints first: under TLS 1.3 its own check of the server
/// passed before C judged B; under TLS 1.2 its closing summary.
fn refused_by_c_note(version: TlsVersion) -> &'static str {
    match version {
        TlsVersion::Tls13 => {
            " Under TLS 1.3 the client first prints \"Verify return code: 0 (ok)\": \
             that is the client's check of the server, made before C judged B's certificate."
        }
        TlsVersion::Tls12 => TLS12_SUMMARY_NOTE,
    }
}

fn expect_wrong_certificate(version: TlsVersion) -> Expectation {
    let tls13_note = refused_by_c_note(version);
    Expectation {
        summary: format!(
            "Refused by C: the client prints \"alert unknown ca\" (\"SSL alert number 48\"); s_server \
             logs \"verify error:num=18:self-signed certificate\": B's root is self-signed and C does \
             not trust it.{tls13_note}"
        ),
        client_prints: vec!["alert unknown ca".into(), "SSL alert number 48".into()],
        server_prints: vec!["verify error:num=18:self-signed certificate".into()],
    }
}

/// The openssl commands behind each check of the verification section, run from the workshop
/// root. Key files are for Client B: its key, CSR and certificate, in that order.
pub struct VerificationCommands {
    pub key_hashes: [String; 3],
    pub modulus_hashes: Option<[String; 3]>,
    pub client_chain: String,
    pub server_chain: String,
    pub dates: String,
}

pub fn verification_checks(settings: &Settings) -> VerificationCommands {
    let untrusted = if settings.use_intermediates {
        " -untrusted client_c_ca/certs/client_c_intermediate_ca.crt"
    } else {
        ""
    };
    let rsa = settings.b_client.algorithm.rsa_bits().is_some();
    VerificationCommands {
        key_hashes: [
            "openssl pkey -in client_b_cert/client_b.key -passin env:KEY_PASSPHRASE -pubout | openssl sha256".into(),
            "openssl req -in client_b_cert/client_b_to_client_c.csr -noout -pubkey | openssl sha256".into(),
            "openssl x509 -in client_b_cert/client_b_signed_by_client_c.crt -noout -pubkey | openssl sha256".into(),
        ],
        modulus_hashes: rsa.then(|| {
            [
                "openssl rsa -noout -modulus -in client_b_cert/client_b.key -passin env:KEY_PASSPHRASE | openssl sha256".into(),
                "openssl req -noout -modulus -in client_b_cert/client_b_to_client_c.csr | openssl sha256".into(),
                "openssl x509 -noout -modulus -in client_b_cert/client_b_signed_by_client_c.crt | openssl sha256".into(),
            ]
        }),
        client_chain: format!(
            "openssl verify -show_chain -purpose sslclient -CAfile client_c_ca/certs/client_c_root_ca.crt{untrusted} client_b_cert/client_b_signed_by_client_c.crt"
        ),
        server_chain: format!(
            "openssl verify -show_chain -purpose sslserver -CAfile client_c_ca/certs/client_c_root_ca.crt{untrusted} client_c_ca/certs/client_c_server.crt"
        ),
        dates: "openssl x509 -in client_b_cert/client_b_signed_by_client_c.crt -noout -dates".into(),
    }
}
