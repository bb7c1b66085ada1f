//! "Diagnose your files" against openssl's own verdict. Every file set here is made by the
//! openssl CLI alone (`req`, `x509 -req`, `ca` for dates, `genrsa`, `ecparam`, `pkcs8`, `rsa`,
//! `pkcs12`), pasted into a `DiagnoseJob` as a user would, and then served by
//! `s_server -Verify 2 -verify_return_error` to `s_client -verify_return_error -verify_hostname`
//! with the very same files, over TLS 1.3 and TLS 1.2. The diagnosis must agree with openssl on
//! the verdict, the refusing side (Setup where s_client stops before connecting) and the reason,
//! and its Fail finding must name openssl's error. Every client key form openssl writes is read,
//! with each block labelled.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::diagnose::{BlockKind, DiagnoseJob, Diagnosis, Field, Level, Role, SideFiles};
use mtls_lab::tls::{RefusalKind, Side, TlsVersion};
use serde_bytes::ByteBuf;
use std::path::Path;
use support::*;
use BlockKind::{Intermediate, Key, Leaf, Root};

/// The extensions of each certificate; `server_only` is a client certificate for serverAuth.
const EXTENSIONS: &str = "\
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[server_only]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
";

/// `openssl ca`'s configuration, only to set notBefore and notAfter in the past.
const CA_CONFIG: &str = "[ca]\ndefault_ca = here\n[here]\ndatabase = index.txt\n\
    new_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = anything\n\
    unique_subject = no\n[anything]\ncommonName = supplied\n";

/// Makes every file with openssl alone. `$NOW` is the time the diagnosis judges at.
const MAKE: &str = r#"
: > index.txt; echo 01 > serial
root() { openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.crt" -days 3650 -subj "/CN=$2" -addext "basicConstraints = critical, CA:TRUE" -addext "keyUsage = critical, keyCertSign, cRLSign" 2>/dev/null; }
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
csr() { openssl req -new -key "$1.key" -passin env:KEY_PASSPHRASE -subj "/CN=$2" -out "$3.csr"; }
sign() { openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -set_serial "0x$(openssl rand -hex 8)" -days "$4" -extfile ext.cnf -extensions "$3" -out "$1.crt" 2>/dev/null; }
stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
root server_root "Server Root"; root client_root "Client Root"; root other_root "Other Root"
ec server_inter; csr server_inter "Server Intermediate" server_inter; sign server_inter server_root ca 1825
ec client_inter; csr client_inter "Client Intermediate" client_inter; sign client_inter client_root ca 1825
ec server; csr server localhost server; sign server server_inter server 365
# The client keys, in each form openssl writes.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out pkcs8.key
openssl pkcs8 -topk8 -v2 aes256 -in pkcs8.key -passout env:KEY_PASSPHRASE -out pkcs8_encrypted.key
openssl genrsa -traditional -out pkcs1.key 2048 2>/dev/null
openssl genrsa -traditional -out other_pkcs1.key 2048 2>/dev/null
openssl rsa -aes256 -traditional -in pkcs1.key -passout env:KEY_PASSPHRASE -out legacy_encrypted.key 2>/dev/null
openssl ecparam -genkey -name prime256v1 -out sec1.key
csr pkcs8 client.test good; sign good client_inter client 365
csr pkcs1 rsa-client.test rsa; sign rsa client_inter client 365
csr sec1 ec-client.test sec1; sign sec1 client_inter client 365
csr pkcs8 server-only.test server_only; sign server_only client_inter server_only 365
csr pkcs1 expired.test expired
openssl ca -config ca.cnf -batch -notext -cert client_inter.crt -keyfile client_inter.key -in expired.csr -out expired.crt -startdate "$(stamp $((NOW - 60 * 86400)))" -enddate "$(stamp $((NOW - 30 * 86400)))" -extfile ext.cnf -extensions client 2>/dev/null
cat good.crt client_inter.crt pkcs8.key > bundle.pem
cat server_only.crt client_inter.crt pkcs8.key > server_only_bundle.pem
openssl pkcs12 -export -in good.crt -inkey pkcs8.key -certfile client_inter.crt -passout env:KEY_PASSPHRASE -out modern.p12
openssl pkcs12 -export -legacy -in good.crt -inkey pkcs8.key -certfile client_inter.crt -passout env:KEY_PASSPHRASE -out legacy.p12
"#;

/// How the client's key and certificates are given.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    Pkcs8,
    Pkcs8Encrypted,
    Pkcs1,
    Sec1,
    LegacyEncrypted,
    /// Certificates and the key in the certificates field, as HAProxy's combined file.
    Bundle,
    Pkcs12,
    Pkcs12Legacy,
}

impl Form {
    /// What the file must hold to be this form, as openssl wrote it.
    fn marks(self) -> &'static [&'static str] {
        match self {
            Form::Pkcs8 => &["-----BEGIN PRIVATE KEY-----"],
            Form::Pkcs8Encrypted => &["-----BEGIN ENCRYPTED PRIVATE KEY-----"],
            Form::Pkcs1 => &["-----BEGIN RSA PRIVATE KEY-----\nMII"],
            Form::Sec1 => &[
                "-----BEGIN EC PARAMETERS-----",
                "-----BEGIN EC PRIVATE KEY-----",
            ],
            Form::LegacyEncrypted => &["Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,"],
            Form::Bundle => &["-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"],
            // What `openssl pkcs12 -info` prints of the file's encryption.
            Form::Pkcs12 => &["PBES2, PBKDF2, AES-256-CBC"],
            Form::Pkcs12Legacy => &["pbeWithSHA1And40BitRC2-CBC"],
        }
    }

    fn encrypted(self) -> bool {
        !matches!(self, Form::Pkcs8 | Form::Pkcs1 | Form::Sec1 | Form::Bundle)
    }

    fn key_label(self) -> &'static str {
        match self {
            Form::Pkcs1 | Form::LegacyEncrypted => "RSA 2048 private key",
            _ => "ECDSA P-256 private key",
        }
    }
}

/// openssl's verdict on a set, or what a case expects it to be.
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    Accepted,
    /// s_client stopped before connecting, with these words.
    Setup(&'static str),
    /// `side` printed `verify error:num=<verify>:<words>`; the other read alert `alert`.
    Refused {
        side: Side,
        verify: u32,
        words: String,
        alert: u8,
    },
}

fn refused(side: Side, verify: u32, words: &str, alert: u8) -> Verdict {
    Verdict::Refused {
        side,
        verify,
        words: words.into(),
        alert,
    }
}

struct Case {
    name: &'static str,
    /// The certificates field, files in order, or the PKCS#12 file.
    certificates: &'static [&'static str],
    /// The key field's file; none where the key is in the bundle or the PKCS#12 file.
    key: Option<&'static str>,
    form: Form,
    server_trusts: &'static str,
    server_name: &'static str,
    expect: Verdict,
    /// The client's blocks, as labelled in order across its certificates, key and PKCS#12.
    blocks: &'static [BlockKind],
}

/// A good set in every key form openssl writes, then each way of breaking it, in one form each.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Form::*;
    const GOOD: &[&str] = &["good.crt", "client_inter.crt"];
    const RSA: &[&str] = &["rsa.crt", "client_inter.crt"];
    const ALL: &[BlockKind] = &[Leaf, Intermediate, Key];
    let case = |name, certificates, key, form, expect, blocks| Case {
        name, certificates, key, form, expect, blocks,
        server_trusts: "client_root.crt",
        server_name: "localhost",
    };
    let unknown_issuer = refused(Side::Server, 20, "unable to get local issuer certificate", 48);
    vec![
        case("good, PKCS#8", GOOD, Some("pkcs8.key"), Pkcs8, Verdict::Accepted, ALL),
        case("good, encrypted PKCS#8", GOOD, Some("pkcs8_encrypted.key"), Pkcs8Encrypted, Verdict::Accepted, ALL),
        case("good, PKCS#1", RSA, Some("pkcs1.key"), Pkcs1, Verdict::Accepted, ALL),
        case("good, legacy encrypted PEM", RSA, Some("legacy_encrypted.key"), LegacyEncrypted, Verdict::Accepted, ALL),
        case("good, SEC1", &["sec1.crt", "client_inter.crt"], Some("sec1.key"), Sec1, Verdict::Accepted, ALL),
        case("good, bundle", &["bundle.pem"], None, Bundle, Verdict::Accepted, ALL),
        case("good, PKCS#12", &["modern.p12"], None, Pkcs12, Verdict::Accepted, ALL),
        case("good, legacy PKCS#12", &["legacy.p12"], None, Pkcs12Legacy, Verdict::Accepted, ALL),
        // Another RSA key: a key of another type makes s_client print other words.
        case("wrong key", RSA, Some("other_pkcs1.key"), Pkcs1, Verdict::Setup("key values mismatch"), ALL),
        // s_client takes the file's first certificate as its own, which the key is not.
        case("intermediate first", &["client_inter.crt", "sec1.crt"], Some("sec1.key"), Sec1, Verdict::Setup("key values mismatch"), &[Intermediate, Leaf, Key]),
        case("missing intermediate", &["good.crt"], Some("pkcs8_encrypted.key"), Pkcs8Encrypted, unknown_issuer.clone(), &[Leaf, Key]),
        case("expired client leaf", &["expired.crt", "client_inter.crt"], Some("legacy_encrypted.key"), LegacyEncrypted, refused(Side::Server, 10, "certificate has expired", 45), ALL),
        case("serverAuth-only client certificate", &["server_only_bundle.pem"], None, Bundle, refused(Side::Server, 26, "unsuitable certificate purpose", 43), ALL),
        Case {
            server_name: "other.example",
            ..case("server name not in the SANs", &["modern.p12"], None, Pkcs12, refused(Side::Client, 62, "hostname mismatch", 42), ALL)
        },
        Case {
            server_trusts: "other_root.crt",
            ..case("client CA not trusted", &["legacy.p12"], None, Pkcs12Legacy, unknown_issuer, ALL)
        },
    ]
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The case's files pasted into the fields, as a user would.
fn job(dir: &Path, case: &Case) -> DiagnoseJob {
    let passphrase = case.form.encrypted().then_some(PASSPHRASE);
    let client = match case.form {
        Form::Pkcs12 | Form::Pkcs12Legacy => {
            let bytes = std::fs::read(dir.join(case.certificates[0])).unwrap();
            let pkcs12 = Some(ByteBuf::from(bytes));
            SideFiles {
                pkcs12,
                ..SideFiles::default()
            }
        }
        _ => SideFiles {
            certificates: case.certificates.iter().map(|f| read(dir, f)).collect(),
            key: case.key.map(|f| read(dir, f)).unwrap_or_default(),
            ..SideFiles::default()
        },
    };
    DiagnoseJob {
        server: SideFiles {
            certificates: read(dir, "server.crt") + &read(dir, "server_inter.crt"),
            key: read(dir, "server.key"),
            trusted: read(dir, case.server_trusts),
            ..SideFiles::default()
        },
        client: SideFiles {
            passphrase: passphrase.unwrap_or_default().into(),
            trusted: read(dir, "server_root.crt"),
            ..client
        },
        server_name: case.server_name.into(),
        now: unix_now(),
    }
}

/// The certificate blocks of a PEM text, in order.
fn certificate_blocks(text: &str) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    text.split_inclusive("-----END CERTIFICATE-----\n")
        .filter_map(|part| part.find(BEGIN).map(|at| part[at..].to_string()))
        .collect()
}

/// Writes what the job holds back to files, as openssl takes them, and returns the s_server and
/// s_client command lines: `-cert` is the first certificate of a file and `-cert_chain` the rest.
fn openssl_commands(at: &TempDir, job: &DiagnoseJob, version: TlsVersion) -> (String, String) {
    let flag = version.openssl_flag();
    let server = certificate_blocks(&job.server.certificates);
    at.write("server.crt", server[0].as_bytes());
    at.write("server-chain.crt", server[1..].concat().as_bytes());
    at.write("server.key", job.server.key.as_bytes());
    at.write("server-trusted.crt", job.server.trusted.as_bytes());
    at.write("client-trusted.crt", job.client.trusted.as_bytes());
    let s_server = format!(
        "openssl s_server -accept 8443 {flag} -cert server.crt -cert_chain server-chain.crt \
         -key server.key -CAfile server-trusted.crt -Verify 2 -verify_return_error"
    );
    let client = &job.client;
    let identity = if let Some(p12) = &client.pkcs12 {
        at.write("client.p12", p12);
        // s_client takes only the certificate and key of a PKCS#12 file: its chain goes apart.
        let chain = "pkcs12 -legacy -in client.p12 -passin env:KEY_PASSPHRASE -cacerts -nokeys";
        openssl_line(at.path(), &format!("{chain} -out client-chain.crt"));
        "-provider default -provider legacy -cert client.p12 -key client.p12 \
         -cert_chain client-chain.crt"
    } else {
        let certs = certificate_blocks(&client.certificates);
        at.write("client.crt", certs[0].as_bytes());
        at.write("client-chain.crt", certs[1..].concat().as_bytes());
        at.write("client-certificates.pem", client.certificates.as_bytes());
        at.write("client.key", client.key.as_bytes());
        match (client.key.is_empty(), certs.len()) {
            // The key is in the bundle, where openssl finds it too.
            (true, _) => {
                "-cert client.crt -cert_chain client-chain.crt -key client-certificates.pem"
            }
            (false, 1) => "-cert client.crt -key client.key",
            (false, _) => "-cert client.crt -cert_chain client-chain.crt -key client.key",
        }
    };
    let name = &job.server_name;
    let s_client = format!(
        "openssl s_client -connect 127.0.0.1:PORT {flag} -servername {name} -verify_hostname {name} \
         -verify_return_error -CAfile client-trusted.crt {identity} -pass env:KEY_PASSPHRASE"
    );
    (s_server, s_client)
}

const LINE: &str = "hello-from-the-diagnosis";

/// The number after `marker`, and the rest of its line.
fn after<'a>(log: &'a str, marker: &str) -> Option<(u32, &'a str)> {
    let rest = &log[log.find(marker)? + marker.len()..];
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    let line = rest[digits..].lines().next().unwrap_or_default();
    Some((rest[..digits].parse().ok()?, line.trim_start_matches(':')))
}

/// What the two logs say so far, once they say enough.
fn verdict(c: &str, s: &str) -> Option<Verdict> {
    if s.contains(LINE) {
        return Some(Verdict::Accepted);
    }
    if !c.contains("CONNECTED(") {
        let load_errors = [
            "key values mismatch",
            "does not match the certificate public key",
        ];
        if let Some(words) = load_errors.into_iter().find(|w| c.contains(w)) {
            return Some(Verdict::Setup(words));
        }
    }
    for (side, refuser, other) in [(Side::Server, s, c), (Side::Client, c, s)] {
        let verify = after(refuser, "verify error:num=");
        if let (Some((verify, words)), Some((alert, _))) =
            (verify, after(other, "SSL alert number "))
        {
            let alert = u8::try_from(alert).ok()?;
            return Some(refused(side, verify, words, alert));
        }
    }
    None
}

fn openssl_verdict(case: &Case, job: &DiagnoseJob, version: TlsVersion) -> Verdict {
    let at = TempDir::new("diagnose-openssl");
    let (s_server, s_client) = openssl_commands(&at, job, version);
    let server = Server::s_server(at.path(), &s_server);
    let s_client = s_client.replace("PORT", &server.port.to_string());
    let client = Client::start(at.path(), &s_client, LINE);
    let (done, c, s) = wait_until(&client, &server, |c, s| verdict(c, s).is_some());
    assert!(
        done,
        "{} ({version:?}): openssl said nothing conclusive\n{s_server}\n{s_client}\ns_client:\n{c}\ns_server:\n{s}",
        case.name,
    );
    verdict(&c, &s).unwrap()
}

/// The reason rustls gives for what openssl reports as verify error `verify`.
fn kind_of(verify: u32) -> RefusalKind {
    match verify {
        2 | 19 | 20 | 21 => RefusalKind::UnknownIssuer,
        9 => RefusalKind::NotValidYet,
        10 => RefusalKind::Expired,
        18 => RefusalKind::CaUsedAsEndEntity,
        25 => RefusalKind::PathLenExceeded,
        26 => RefusalKind::WrongPurpose,
        62 => RefusalKind::NameMismatch,
        79 => RefusalKind::EndEntityUsedAsCa,
        other => panic!("no RefusalKind stands for openssl's verify error {other}"),
    }
}

/// Every field reads, each block is labelled as expected, and the key form is what it claims.
fn assert_read(dir: &Path, case: &Case, diagnosis: &Diagnosis) {
    let name = case.name;
    let fields = &diagnosis.fields;
    assert!(
        fields.iter().all(|f| f.error.is_none()),
        "{name}: {fields:?}"
    );
    let kinds = |role, fields: &[Field]| -> Vec<BlockKind> {
        blocks_of(diagnosis, role, fields).map(|b| b.kind).collect()
    };
    let own = [Field::Pkcs12, Field::Certificates, Field::Key];
    assert_eq!(
        kinds(Role::Server, &own),
        [Leaf, Intermediate, Key],
        "{name}"
    );
    assert_eq!(kinds(Role::Client, &own), case.blocks, "{name}");
    for role in [Role::Server, Role::Client] {
        assert_eq!(kinds(role, &[Field::Trusted]), [Root], "{name}");
    }
    // The key is read from the field it was pasted in, as the algorithm openssl made.
    let p12 = matches!(case.form, Form::Pkcs12 | Form::Pkcs12Legacy);
    let holder = match (case.key, p12) {
        (Some(_), _) => Field::Key,
        (None, true) => Field::Pkcs12,
        (None, false) => Field::Certificates,
    };
    let holder = [holder];
    let key = blocks_of(diagnosis, Role::Client, &holder).find(|b| b.kind == Key);
    let key = key.map(|b| b.name.as_str());
    assert_eq!(key, Some(case.form.key_label()), "{name}");
    let file = case.key.unwrap_or(case.certificates[0]);
    let shown = match p12 {
        true => openssl_line(
            dir,
            &format!("pkcs12 -legacy -info -noout -in {file} -passin env:KEY_PASSPHRASE"),
        ),
        false => read(dir, file),
    };
    for mark in case.form.marks() {
        assert!(
            shown.contains(mark),
            "{name}: {file} is not {:?}:\n{shown}",
            case.form
        );
    }
}

/// The blocks of a side's fields, in the order the diagnosis lists the fields.
fn blocks_of<'a>(
    diagnosis: &'a Diagnosis,
    role: Role,
    fields: &'a [Field],
) -> impl Iterator<Item = &'a mtls_lab::diagnose::BlockNote> {
    let mine = diagnosis.fields.iter();
    let mine = mine.filter(move |f| f.id.role == role && fields.contains(&f.id.field));
    mine.flat_map(|f| f.blocks.iter())
}

/// Runs an openssl command line of words without quotes, and insists it succeeds.
fn openssl_line(dir: &Path, line: &str) -> String {
    openssl_ok(dir, &line.split_whitespace().collect::<Vec<_>>())
}

/// The diagnosis's run over `version` and its findings say what openssl said.
fn assert_agrees(case: &Case, diagnosis: &Diagnosis, version: TlsVersion, openssl: &Verdict) {
    let context = format!("{} ({version:?}), openssl: {openssl:?}", case.name);
    let run = diagnosis
        .runs
        .iter()
        .find(|r| r.outcome.version == version)
        .unwrap_or_else(|| panic!("{context}: no run: {:?}", diagnosis.no_handshake));
    let fails: Vec<_> = diagnosis
        .findings
        .iter()
        .filter(|f| f.level == Level::Fail)
        .collect();
    let result = run.outcome.result.as_ref();
    let failure = result.err();
    let context = format!("{context}\nheadline: {}\nfails: {fails:#?}", run.headline);
    match openssl {
        Verdict::Accepted => {
            assert!(result.is_ok(), "{context}");
            assert!(fails.is_empty(), "{context}");
        }
        Verdict::Setup(words) => {
            let failure = failure.unwrap_or_else(|| panic!("{context}"));
            assert_eq!(failure.side, Side::Setup, "{context}");
            assert_eq!(failure.error.kind, RefusalKind::KeyMismatch, "{context}");
            let named = fails.iter().any(|f| {
                f.role == Role::Client && f.openssl.as_deref().is_some_and(|o| o.contains(words))
            });
            assert!(named, "{context}");
        }
        Verdict::Refused {
            side,
            verify,
            words,
            alert,
        } => {
            let failure = failure.unwrap_or_else(|| panic!("{context}"));
            assert_eq!(failure.side, *side, "{context}");
            assert_eq!(failure.error.kind, kind_of(*verify), "{context}");
            // The other side reads the alert openssl sent.
            let received = failure.peer_error.as_ref().map(|p| &p.kind);
            assert_eq!(
                received,
                Some(&RefusalKind::AlertReceived(*alert)),
                "{context}"
            );
            // A Fail finding is about the refused side's files and names openssl's error, in
            // its words and through a lab row that ends in the same verify error and alert.
            let refused_role = if *side == Side::Server {
                Role::Client
            } else {
                Role::Server
            };
            let names = |f: &mtls_lab::diagnose::Finding| {
                let by_words = f.openssl.as_deref().is_some_and(|o| {
                    let o = o.to_lowercase();
                    o.contains(&words.to_lowercase()) || o.contains(&format!("num={verify}:"))
                });
                let by_row = f.rows.iter().any(|row| {
                    row.openssl_reason(version).is_some_and(|r| {
                        r.verify_error.is_some_and(|(n, _)| n == *verify) && r.alert.0 == *alert
                    })
                });
                f.role == refused_role && by_words && by_row
            };
            assert!(fails.iter().any(|f| names(f)), "{context}");
        }
    }
}

#[test]
fn the_diagnosis_agrees_with_openssl_on_files_openssl_made() {
    let dir = TempDir::new("diagnose-files");
    dir.write("ext.cnf", EXTENSIONS.as_bytes());
    dir.write("ca.cnf", CA_CONFIG.as_bytes());
    let made = bash(dir.path(), &format!("NOW={}\n{MAKE}", unix_now()), "");
    assert!(
        made.status.success(),
        "openssl could not make the files:\n{}",
        text(&made)
    );
    for case in &cases() {
        let job = job(dir.path(), case);
        let diagnosis = job.run();
        assert_read(dir.path(), case, &diagnosis);
        for version in [TlsVersion::Tls13, TlsVersion::Tls12] {
            let openssl = openssl_verdict(case, &job, version);
            // The set is what its name says, by openssl's own account.
            assert_eq!(openssl, case.expect, "{} ({version:?})", case.name);
            assert_agrees(case, &diagnosis, version, &openssl);
        }
    }
}
