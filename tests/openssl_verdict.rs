//! Certificates made by the real openssl CLI, each judged by `openssl verify -purpose sslclient`
//! and `-purpose sslserver`, by this lab's openssl-like judge and by webpki. The judge must print
//! exactly the lines openssl prints; webpki's verdict must be the one expected, told in a plain
//! sentence; and where the two disagree, a pasted certificate says so.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::pki::openssl_verdict::{self, OpensslVerdict};
use mtls_lab::pki::verify::{self, ChainError, Usage};
use mtls_lab::pki::Certificate;
use mtls_lab::workshop::{Party, Settings, Workshop};
use support::{bash, run_in, text, TempDir};

/// openssl's extension sections for every case. Each mirrors a profile or breaks one rule.
const EXTENSIONS: &str = r#"
[inter]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, digitalSignature, cRLSign, keyCertSign
[ca]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign
[ca_false]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = CA:FALSE
[ca_no_certsign]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign
[ca_server_only]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign
extendedKeyUsage = serverAuth
[client]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
basicConstraints = CA:FALSE
keyUsage = critical, nonRepudiation, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[server]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.test
[key_encipherment]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = clientAuth, serverAuth
[no_eku]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
[ca_leaf]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = clientAuth, serverAuth
[unknown_critical]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth, serverAuth
1.3.6.1.4.1.55555.1 = critical, DER:05:00
[critical_policies]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth, serverAuth
certificatePolicies = critical, 2.5.29.32.0
"#;

/// `openssl ca`'s configuration, only to set notBefore and notAfter freely.
const CA_CONFIG: &str =
    "[ca]\ndefault_ca = here\n[here]\ndatabase = index.txt\nnew_certs_dir = .\n\
    serial = serial\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n\
    [anything]\ncommonName = supplied\n";

/// Makes every certificate with openssl alone. `$NOW` is the time every verdict is taken at.
const MAKE: &str = r#"
ec() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null; }
rsa() { openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null; }
sign() { openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -set_serial "0x$(openssl rand -hex 8)" -days "$4" -extfile ext.cnf -extensions "$3" -out "$1.crt" 2>/dev/null; }
root() { openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.crt" -days 3650 -subj "/CN=$2" ${3:+-addext "$3"} 2>/dev/null; }
stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
dated() { openssl ca -config ca.cnf -batch -notext -cert inter.crt -keyfile inter.key -in "$1.csr" -out "$1.crt" -startdate "$(stamp "$2")" -enddate "$(stamp "$3")" -extfile ext.cnf -extensions client 2>/dev/null; }
: > index.txt; echo 01 > serial
root root "Verdict Root"
root other_root "Other Root"
root root_server_only "Server-only Root" "extendedKeyUsage = serverAuth"
root root_pathlen0 "Pathlen-0 Root" "basicConstraints = critical, CA:true, pathlen:0"
for ca in inter ca_false ca_no_certsign ca_server_only; do ec "$ca" "$ca CA"; sign "$ca" root "$ca" 1825; done
ec sub_ca "Sub CA"; sign sub_ca inter ca 1825
ec other_inter "Other Intermediate"; sign other_inter other_root inter 1825
ec inter_under_server_only "Intermediate under the server-only root"; sign inter_under_server_only root_server_only inter 1825
ec inter_under_pathlen0 "Intermediate under the pathlen-0 root"; sign inter_under_pathlen0 root_pathlen0 ca 1825
ec client client.test; sign client inter client 365
ec server server.test; sign server inter server 365
ec key_encipherment_ec kenc-ec.test; sign key_encipherment_ec inter key_encipherment 365
rsa key_encipherment_rsa kenc-rsa.test; sign key_encipherment_rsa inter key_encipherment 365
ec no_eku no-eku.test; sign no_eku inter no_eku 365
ec ca_leaf ca-leaf.test; sign ca_leaf inter ca_leaf 365
ec unknown_critical unknown-critical.test; sign unknown_critical inter unknown_critical 365
ec critical_policies critical-policies.test; sign critical_policies inter critical_policies 365
ec under_ca_false under-ca-false.test; sign under_ca_false ca_false client 365
ec under_ca_no_certsign under-no-certsign.test; sign under_ca_no_certsign ca_no_certsign client 365
ec under_ca_server_only under-server-only-ca.test; sign under_ca_server_only ca_server_only client 365
ec under_sub_ca under-sub-ca.test; sign under_sub_ca sub_ca client 365
ec foreign foreign.test; sign foreign other_inter client 365
ec under_root_server_only under-server-only-root.test; sign under_root_server_only inter_under_server_only client 365
ec under_root_pathlen0 under-pathlen0-root.test; sign under_root_pathlen0 inter_under_pathlen0 client 365
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self_signed.key -out self_signed.crt -days 365 -subj "/CN=self-signed.test" -addext "basicConstraints = CA:FALSE" -addext "keyUsage = critical, digitalSignature" -addext "extendedKeyUsage = clientAuth, serverAuth" 2>/dev/null
ec expired expired.test; dated expired $((NOW - 60 * 86400)) $((NOW - 30 * 86400))
ec not_yet_valid not-yet-valid.test; dated not_yet_valid $((NOW + 10 * 86400)) $((NOW + 400 * 86400))
"#;

/// What a judge should say for one purpose: `None` for success, else openssl's first error
/// as (number, depth) or webpki's variant name.
type Openssl = Option<(u32, usize)>;
type Webpki = Option<&'static str>;

struct Case {
    name: &'static str,
    leaf: &'static str,
    untrusted: &'static [&'static str],
    roots: &'static [&'static str],
    /// Seconds after the test's clock at which to judge.
    later: i64,
    /// (sslclient, sslserver)
    openssl: (Openssl, Openssl),
    webpki: (Webpki, Webpki),
}

const INTER: &[&str] = &["inter"];
const ROOT: &[&str] = &["root"];
const EKU: Webpki = Some("RequiredEkuNotFoundContext");

const CASES: &[Case] = &[
    Case {
        name: "good client leaf",
        leaf: "client",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (None, Some((26, 0))),
        webpki: (None, EKU),
    },
    // Its sslclient verdict is the "serverAuth only, checked as a client" case.
    Case {
        name: "good server leaf",
        leaf: "server",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((26, 0)), None),
        webpki: (EKU, None),
    },
    Case {
        name: "keyUsage keyEncipherment only, EC key",
        leaf: "key_encipherment_ec",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((26, 0)), None),
        webpki: (None, None),
    },
    Case {
        name: "keyUsage keyEncipherment only, RSA key",
        leaf: "key_encipherment_rsa",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((26, 0)), None),
        webpki: (None, None),
    },
    Case {
        name: "leaf without extendedKeyUsage",
        leaf: "no_eku",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (None, None),
        webpki: (None, None),
    },
    Case {
        name: "CA:TRUE leaf",
        leaf: "ca_leaf",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (None, None),
        webpki: (Some("CaUsedAsEndEntity"), Some("CaUsedAsEndEntity")),
    },
    Case {
        name: "expired leaf",
        leaf: "expired",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((10, 0)), Some((26, 0))),
        webpki: (Some("CertExpired"), Some("CertExpired")),
    },
    Case {
        name: "leaf not yet valid",
        leaf: "not_yet_valid",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((9, 0)), Some((26, 0))),
        webpki: (Some("CertNotValidYet"), Some("CertNotValidYet")),
    },
    Case {
        name: "leaf checked in the very second of its notAfter",
        leaf: "client",
        untrusted: INTER,
        roots: ROOT,
        later: i64::MIN, // the leaf's own notAfter, read from the file
        openssl: (Some((10, 0)), Some((26, 0))),
        webpki: (None, EKU),
    },
    Case {
        name: "intermediate with CA:FALSE",
        leaf: "under_ca_false",
        untrusted: &["ca_false"],
        roots: ROOT,
        later: 0,
        openssl: (Some((79, 1)), Some((26, 0))),
        webpki: (Some("EndEntityUsedAsCa"), EKU),
    },
    Case {
        name: "intermediate without keyCertSign",
        leaf: "under_ca_no_certsign",
        untrusted: &["ca_no_certsign"],
        roots: ROOT,
        later: 0,
        openssl: (Some((79, 1)), Some((26, 0))),
        webpki: (None, EKU),
    },
    Case {
        name: "intermediate with extendedKeyUsage serverAuth only, client leaf",
        leaf: "under_ca_server_only",
        untrusted: &["ca_server_only"],
        roots: ROOT,
        later: 0,
        openssl: (Some((26, 1)), Some((26, 0))),
        webpki: (EKU, EKU),
    },
    Case {
        name: "root with extendedKeyUsage serverAuth only, client leaf",
        leaf: "under_root_server_only",
        untrusted: &["inter_under_server_only"],
        roots: &["root_server_only"],
        later: 0,
        openssl: (Some((26, 2)), Some((26, 0))),
        webpki: (None, EKU),
    },
    Case {
        name: "pathlen:0 intermediate with a CA below it",
        leaf: "under_sub_ca",
        untrusted: &["inter", "sub_ca"],
        roots: ROOT,
        later: 0,
        openssl: (Some((25, 2)), Some((26, 0))),
        webpki: (Some("PathLenConstraintViolated"), EKU),
    },
    Case {
        name: "pathlen:0 root with an intermediate below it",
        leaf: "under_root_pathlen0",
        untrusted: &["inter_under_pathlen0"],
        roots: &["root_pathlen0"],
        later: 0,
        openssl: (Some((25, 2)), Some((26, 0))),
        webpki: (None, EKU),
    },
    Case {
        name: "the trusted root itself",
        leaf: "root",
        untrusted: &[],
        roots: ROOT,
        later: 0,
        openssl: (None, None),
        webpki: (Some("CaUsedAsEndEntity"), Some("CaUsedAsEndEntity")),
    },
    Case {
        name: "an intermediate CA as the leaf",
        leaf: "inter",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (None, None),
        webpki: (Some("CaUsedAsEndEntity"), Some("CaUsedAsEndEntity")),
    },
    Case {
        name: "unknown critical extension",
        leaf: "unknown_critical",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((34, 0)), Some((34, 0))),
        webpki: (
            Some("UnsupportedCriticalExtension"),
            Some("UnsupportedCriticalExtension"),
        ),
    },
    Case {
        name: "critical certificatePolicies",
        leaf: "critical_policies",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (None, None),
        webpki: (
            Some("UnsupportedCriticalExtension"),
            Some("UnsupportedCriticalExtension"),
        ),
    },
    Case {
        name: "self-signed leaf",
        leaf: "self_signed",
        untrusted: &[],
        roots: ROOT,
        later: 0,
        openssl: (Some((18, 0)), Some((18, 0))),
        webpki: (Some("UnknownIssuer"), Some("UnknownIssuer")),
    },
    Case {
        name: "missing intermediate",
        leaf: "client",
        untrusted: &[],
        roots: ROOT,
        later: 0,
        openssl: (Some((20, 0)), Some((20, 0))),
        webpki: (Some("UnknownIssuer"), EKU),
    },
    Case {
        name: "tampered signature",
        leaf: "tampered",
        untrusted: INTER,
        roots: ROOT,
        later: 0,
        openssl: (Some((7, 0)), Some((26, 0))),
        webpki: (Some("InvalidSignatureForPublicKey"), EKU),
    },
    Case {
        name: "chain through an untrusted root",
        leaf: "foreign",
        untrusted: &["other_inter", "other_root"],
        roots: ROOT,
        later: 0,
        openssl: (Some((19, 2)), Some((19, 2))),
        webpki: (Some("UnknownIssuer"), EKU),
    },
    Case {
        name: "chain to an untrusted intermediate",
        leaf: "foreign",
        untrusted: &["other_inter"],
        roots: ROOT,
        later: 0,
        openssl: (Some((20, 1)), Some((20, 1))),
        webpki: (Some("UnknownIssuer"), EKU),
    },
];

struct Pki {
    dir: TempDir,
    now: i64,
}

impl Pki {
    fn make() -> Pki {
        let dir = TempDir::new("openssl-verdict");
        dir.write("ext.cnf", EXTENSIONS.as_bytes());
        dir.write("ca.cnf", CA_CONFIG.as_bytes());
        let start = unix_now();
        let made = bash(dir.path(), &format!("NOW={start}\n{MAKE}"), "");
        assert!(made.status.success(), "making the cases:\n{}", text(&made));
        // Every verdict is taken once all the certificates exist, none of them in the future.
        let now = i64::try_from(unix_now()).unwrap();
        // One byte of the signature flipped: the last byte of the DER is the signature's.
        let mut der = Pki::load(&dir, "client").der().to_vec();
        *der.last_mut().unwrap() ^= 1;
        let tampered = Certificate::from_der(der).unwrap();
        dir.write("tampered.crt", tampered.to_pem().as_bytes());
        Pki { dir, now }
    }

    fn load(dir: &TempDir, name: &str) -> Certificate {
        let pem = std::fs::read_to_string(dir.path().join(format!("{name}.crt"))).unwrap();
        Certificate::from_pem(&pem).unwrap()
    }

    fn cert(&self, name: &str) -> Certificate {
        Pki::load(&self.dir, name)
    }

    /// Writes `names`' certificates into one PEM file, as `-CAfile` and `-untrusted` read them.
    fn bundle(&self, file: &str, names: &[&str]) -> String {
        let pem: String = names.iter().map(|n| self.cert(n).to_pem()).collect();
        self.dir.write(file, pem.as_bytes());
        file.to_string()
    }
}

/// Every `error N at D depth lookup: …` line `openssl verify` prints; none when it says OK.
fn openssl_lines(pki: &Pki, case: &Case, usage: Usage, at: i64) -> Vec<String> {
    let roots = pki.bundle("roots.pem", case.roots);
    let untrusted = pki.bundle("untrusted.pem", case.untrusted);
    let at = at.to_string();
    let leaf = format!("{}.crt", case.leaf);
    let mut args = vec![
        "verify",
        "-attime",
        &at,
        "-purpose",
        openssl_verdict::purpose(usage),
        "-CAfile",
        &roots,
    ];
    if !case.untrusted.is_empty() {
        args.extend(["-untrusted", &untrusted]);
    }
    args.push(&leaf);
    let output = run_in(pki.dir.path(), "openssl", &args);
    let printed = text(&output);
    let lines: Vec<String> = printed
        .lines()
        .filter(|l| l.starts_with("error ") && l.contains(" depth lookup: "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        output.status.success(),
        lines.is_empty(),
        "{}: openssl {}:\n{printed}",
        case.name,
        args.join(" ")
    );
    if lines.is_empty() {
        assert!(printed.contains(&format!("{leaf}: OK")), "{printed}");
    }
    lines
}

/// webpki's sentences are for people: no Rust Debug text, such as `Name(…)` or `{ … }`.
fn assert_plain(sentence: &str) {
    assert!(!sentence.is_empty());
    assert!(!sentence.contains(['{', '}']), "Debug text in {sentence:?}");
    let debug_call = sentence
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_alphanumeric() && w[1] == b'(');
    assert!(!debug_call, "Debug text in {sentence:?}");
}

fn expected_line(expected: Openssl) -> String {
    match expected {
        None => "OK".into(),
        Some((code, depth)) => format!(
            "error {code} at {depth} depth lookup: {}",
            openssl_verdict::words(code)
        ),
    }
}

#[test]
fn the_judge_prints_what_openssl_verify_prints_and_webpki_says_why_in_words() {
    let pki = Pki::make();
    let mut disagreements = Vec::new();
    for case in CASES {
        let leaf = pki.cert(case.leaf);
        let untrusted: Vec<Certificate> = case.untrusted.iter().map(|n| pki.cert(n)).collect();
        let roots: Vec<Certificate> = case.roots.iter().map(|n| pki.cert(n)).collect();
        let at = if case.later == i64::MIN {
            let view = mtls_lab::pki::inspect::certificate(&leaf).unwrap();
            i64::try_from(view.not_after_unix).unwrap()
        } else {
            pki.now + case.later
        };
        let now = u64::try_from(at).unwrap();
        for (usage, expected_openssl, expected_webpki) in [
            (Usage::ClientAuth, case.openssl.0, case.webpki.0),
            (Usage::ServerAuth, case.openssl.1, case.webpki.1),
        ] {
            let purpose = openssl_verdict::purpose(usage);
            let printed = openssl_lines(&pki, case, usage, at);
            let ours: OpensslVerdict =
                openssl_verdict::judge(&leaf, &untrusted, &roots, usage, now);
            assert_eq!(ours.unjudged, None, "{}, {purpose}", case.name);
            let our_lines: Vec<String> = ours.errors.iter().map(|e| e.line()).collect();
            // The first line decides; every later one must match too.
            assert_eq!(
                ours.line(),
                printed.first().cloned().unwrap_or_else(|| "OK".into()),
                "{}, {purpose}: first line",
                case.name
            );
            assert_eq!(our_lines, printed, "{}, {purpose}: every line", case.name);
            // openssl 3.0 itself behaves as this table says.
            assert_eq!(
                ours.line(),
                expected_line(expected_openssl),
                "{}, {purpose}",
                case.name
            );
            for error in &ours.errors {
                assert_plain(&error.detail);
            }

            let webpki = verify::chain(&leaf, &untrusted, &roots, usage, now);
            match (&webpki, expected_webpki) {
                (Ok(subjects), None) => assert_eq!(
                    subjects.len(),
                    untrusted.len() + 2,
                    "{}, {purpose}: {subjects:?}",
                    case.name
                ),
                (Err(e), Some(name)) => {
                    assert_eq!(e.webpki_name, name, "{}, {purpose}: {e:?}", case.name);
                    assert_plain(&e.sentence);
                    assert_plain(&e.to_string());
                    assert!(e.to_string().starts_with(char::is_uppercase), "{e}");
                }
                (got, want) => panic!(
                    "{}, {purpose}: webpki {got:?}, expected {want:?}",
                    case.name
                ),
            }
            let note = mtls_lab::pki::verdicts::disagreement(&leaf, &webpki, &ours, usage);
            assert_eq!(
                note.is_some(),
                webpki.is_ok() != ours.is_ok(),
                "{}, {purpose}: {note:?}",
                case.name
            );
            if let Some(note) = note {
                disagreements.push(format!("{} ({purpose}): {note}", case.name));
            }
        }
    }
    // Where openssl and webpki part ways, each for its own reason.
    let expected = [
        "keyUsage keyEncipherment only, EC key (sslclient)",
        "keyUsage keyEncipherment only, RSA key (sslclient)",
        "CA:TRUE leaf (sslclient)",
        "CA:TRUE leaf (sslserver)",
        "leaf checked in the very second of its notAfter (sslclient)",
        "intermediate without keyCertSign (sslclient)",
        "root with extendedKeyUsage serverAuth only, client leaf (sslclient)",
        "pathlen:0 root with an intermediate below it (sslclient)",
        "the trusted root itself (sslclient)",
        "the trusted root itself (sslserver)",
        "an intermediate CA as the leaf (sslclient)",
        "an intermediate CA as the leaf (sslserver)",
        "critical certificatePolicies (sslclient)",
        "critical certificatePolicies (sslserver)",
    ];
    let named: Vec<&str> = disagreements
        .iter()
        .map(|d| d.split(": ").next().unwrap())
        .collect();
    assert_eq!(named, expected, "{disagreements:#?}");
}

/// Signs a CSR made by openssl with a key and certificate from the workshop, with `section`.
fn signed_by_workshop_ca(workshop: &Workshop, section: &str) -> String {
    let dir = TempDir::new("pasted");
    dir.write("ext.cnf", EXTENSIONS.as_bytes());
    let ca_cert = workshop.certificate(Party::CIntermediate).unwrap();
    let ca_key = workshop.key(Party::CIntermediate).unwrap();
    dir.write("ca.crt", ca_cert.to_pem().as_bytes());
    dir.write("ca.key", ca_key.to_pem().as_bytes());
    let script = format!(
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
         -out leaf.csr -subj /CN=pasted.test 2>/dev/null\n\
         openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -set_serial 0x1234 -days 30 \
         -extfile ext.cnf -extensions {section} -out leaf.crt 2>/dev/null"
    );
    let made = bash(dir.path(), &script, "");
    assert!(made.status.success(), "{}", text(&made));
    std::fs::read_to_string(dir.path().join("leaf.crt")).unwrap()
}

#[test]
fn a_pasted_certificate_where_openssl_and_webpki_differ_carries_a_note() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();

    // keyUsage keyEncipherment only: webpki accepts it for client authentication, openssl not.
    let pem = signed_by_workshop_ca(&workshop, "key_encipherment");
    let check = workshop.check_certificate(&pem, unix_now()).unwrap();
    let c = &check.chains[0];
    assert_eq!(c.ca, "Client C's CA");
    let client = &c.client_auth;
    assert!(client.webpki.is_ok(), "{client:?}");
    assert_eq!(
        client.openssl.line(),
        "error 26 at 0 depth lookup: unsuitable certificate purpose"
    );
    assert!(!client.agree());
    let note = client.disagreement.as_deref().unwrap();
    assert!(note.starts_with("openssl refuses it: "), "{note}");
    assert!(
        note.contains("keyUsage") && note.contains("digitalSignature"),
        "{note}"
    );
    assert!(note.contains("webpki does not check"), "{note}");
    assert!(note.contains("nginx and curl"), "{note}");
    // For a server both accept it; against B's CA both refuse it.
    assert!(
        c.server_auth.agree() && c.server_auth.webpki.is_ok(),
        "{c:?}"
    );
    assert!(c.server_auth.openssl.is_ok());
    let b = &check.chains[1];
    assert_eq!(b.ca, "Client B's CA");
    for v in [&b.client_auth, &b.server_auth] {
        assert!(
            v.agree() && v.webpki.is_err() && !v.openssl.is_ok(),
            "{v:?}"
        );
        assert_eq!(
            v.openssl.line(),
            "error 20 at 0 depth lookup: unable to get local issuer certificate"
        );
    }

    // A CA:TRUE leaf: openssl's sslclient purpose takes it, webpki refuses it.
    let pem = signed_by_workshop_ca(&workshop, "ca_leaf");
    let check = workshop.check_certificate(&pem, unix_now()).unwrap();
    let client = &check.chains[0].client_auth;
    assert_eq!(client.openssl.line(), "OK");
    let refusal = client.webpki.as_ref().unwrap_err();
    assert_eq!(refusal.webpki_name, "CaUsedAsEndEntity");
    let note = client.disagreement.as_deref().unwrap();
    assert!(note.starts_with("webpki refuses it: "), "{note}");
    assert!(
        note.contains("CA:TRUE") && note.contains("sslclient"),
        "{note}"
    );

    // The workshop's own server certificate: both agree, for each purpose and CA.
    let server = workshop.certificate(Party::CServer).unwrap().to_pem();
    let check = workshop.check_certificate(&server, unix_now()).unwrap();
    for chain in &check.chains {
        for v in [&chain.client_auth, &chain.server_auth] {
            assert!(v.agree(), "{v:?}");
            assert_eq!(v.disagreement, None);
        }
    }
    assert_eq!(check.chains[0].server_auth.openssl.line(), "OK");
}

#[test]
fn webpki_refusals_read_as_sentences_everywhere_they_are_shown() {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let later = workshop.verification(unix_now() + 3700 * 86_400).unwrap();
    let shown = later.client_chain.unwrap_err();
    assert_plain(&shown);
    let foreign: Result<Vec<String>, ChainError> = verify::chain(
        workshop.certificate(Party::BClient).unwrap(),
        &[],
        &[workshop.certificate(Party::BRoot).unwrap().clone()],
        Usage::ClientAuth,
        unix_now(),
    );
    let e = foreign.unwrap_err();
    assert_eq!(e.webpki_name, "UnknownIssuer");
    assert_plain(&e.sentence);
}
