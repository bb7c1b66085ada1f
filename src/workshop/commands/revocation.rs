//! Revocation with openssl: `x509 -req` keeps no record of what it issued, so revoking needs
//! `openssl ca` and its database. These blocks give C's CAs one, revoke B, publish the CRLs and
//! check B against them.

use super::{block, c_server, digest, inside, refused_by_c_note, CommandBlock, Expectation};
use crate::pki::crl::Reason;
use crate::tls::TlsVersion;
use crate::workshop::steps::{Party, Settings};

/// The file name of C's CA: `certs/<name>.crt`, `private/<name>.key`, and `crl/<name>.crl` for
/// the CRL it signs.
fn c_ca_name(party: Party) -> &'static str {
    if party == Party::CRoot {
        "client_c_root_ca"
    } else {
        "client_c_intermediate_ca"
    }
}

/// The CAs of C that publish a CRL, the issuing CA first; the root too when it has an
/// intermediate below it.
fn crl_issuers(settings: &Settings) -> Vec<Party> {
    match settings.c_issuer() {
        Party::CRoot => vec![Party::CRoot],
        issuer => vec![issuer, Party::CRoot],
    }
}

/// `openssl ca` with the configuration of the first block, as one of C's CAs (the issuing CA
/// unless `-name` picks another section).
fn openssl_ca(settings: &Settings, party: Party) -> String {
    let name = if party == settings.c_issuer() {
        String::new()
    } else {
        format!(" -name {}", c_ca_name(party))
    };
    format!("openssl ca -config ca-db/openssl.cnf{name} -passin env:KEY_PASSPHRASE")
}

/// After step 8: C revokes B's certificate for `reason` and publishes CRLs with `openssl ca`,
/// then checks B against them. The last block is a server that runs until stopped.
pub fn revocation(settings: &Settings, reason: Reason) -> Vec<CommandBlock> {
    let issuers = crl_issuers(settings);
    let issuing = c_ca_name(settings.c_issuer());
    let b_cert = "certs/client_b_signed_by_client_c.crt";

    let mut database = vec![
        "# Each CA's records: what it revoked (index.txt) and the number of its next CRL".into(),
        "# (crlnumber, kept if it exists: each CRL must carry a larger number than the last)"
            .into(),
        "mkdir -p crl ca-db".into(),
    ];
    for party in &issuers {
        let name = c_ca_name(*party);
        database.push(format!("touch ca-db/{name}.index.txt"));
        database.push(format!(
            "[ -f ca-db/{name}.crlnumber ] || echo 01 > ca-db/{name}.crlnumber"
        ));
    }
    database.extend([
        String::new(),
        "# The smallest configuration openssl ca needs to revoke and to publish CRLs".into(),
        "cat > ca-db/openssl.cnf <<'EOF'".into(),
        "[ca]".into(),
        format!("default_ca = {issuing}"),
    ]);
    for party in &issuers {
        let name = c_ca_name(*party);
        let md = digest(settings.cert(*party).algorithm).trim_start_matches('-');
        database.extend([
            String::new(),
            format!("[{name}]"),
            format!("database         = ca-db/{name}.index.txt"),
            format!("crlnumber        = ca-db/{name}.crlnumber"),
            format!("certificate      = certs/{name}.crt"),
            format!("private_key      = private/{name}.key"),
            format!("default_md       = {md}"),
            format!("default_crl_days = {}", settings.crl_days),
            "crl_extensions   = crl_ext".into(),
        ]);
    }
    database.extend([
        String::new(),
        "[crl_ext]".into(),
        "authorityKeyIdentifier = keyid:always".into(),
        "EOF".into(),
    ]);
    let database = CommandBlock {
        note: Some(format!(
            "openssl x509 -req, which signed the certificates so far, keeps no record of what it \
             issued, so it cannot revoke anything. openssl ca can: it keeps a database of each CA's \
             certificates (index.txt) and numbers its CRLs (crlnumber). This configuration is the \
             least it needs to revoke and to publish CRLs, not to sign certificates.{}",
            if settings.use_intermediates {
                " The intermediate and the root each get a database: a CRL lists only what its own CA revoked."
            } else {
                ""
            }
        )),
        ..block(
            "Give Client C's issuing CA a database",
            inside("client_c_ca", database),
        )
    };

    let reasons: Vec<&str> = Reason::ALL.iter().map(|r| r.name()).collect();
    let revoke = CommandBlock {
        note: Some(
            "openssl ca -revoke takes a certificate it did not sign itself: it adds it to the \
             database and marks it revoked. Nobody else knows until C publishes a CRL."
                .into(),
        ),
        ..block(
            "Revoke Client B's certificate",
            inside(
                "client_c_ca",
                vec![
                    format!("# Reasons the page offers: {}", reasons.join(", ")),
                    format!("{} \\", openssl_ca(settings, settings.c_issuer())),
                    format!("    -revoke {b_cert} -crl_reason {}", reason.name()),
                    String::new(),
                    "# The database now holds B's serial number, marked R (revoked)".into(),
                    format!("cat ca-db/{issuing}.index.txt"),
                ],
            ),
        )
    };

    let mut publish = Vec::new();
    for party in &issuers {
        let name = c_ca_name(*party);
        publish.push(if *party == settings.c_issuer() {
            format!("# {}'s CRL: it lists B's certificate", party.label())
        } else {
            format!(
                "# {}'s CRL, for the intermediate it signed: it lists nothing",
                party.label()
            )
        });
        publish.extend([
            format!("{} \\", openssl_ca(settings, *party)),
            format!("    -gencrl -out crl/{name}.crl"),
        ]);
    }
    publish.extend([
        String::new(),
        "# B's serial number and the reason, the CRL number, and when the next CRL is due".into(),
        format!("openssl crl -in crl/{issuing}.crl -noout -text"),
    ]);
    let publish = block("Publish the CRLs", inside("client_c_ca", publish));

    let mut check = vec![
        "# B's certificate against its CA's CRL, as s_server -crl_check does".into(),
        "openssl verify -crl_check -CAfile certs/client_c_ca_chain.crt \\".into(),
        format!("    -CRLfile crl/{issuing}.crl {b_cert}"),
    ];
    if settings.use_intermediates {
        check.extend([
            "# Every certificate of the chain, each against its CA's CRL".into(),
            "openssl verify -crl_check_all -CAfile certs/client_c_ca_chain.crt \\".into(),
            format!(
                "    {} \\",
                issuers
                    .iter()
                    .map(|p| format!("-CRLfile crl/{}.crl", c_ca_name(*p)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            format!("    {b_cert}"),
        ]);
    }
    let check = CommandBlock {
        expect: Some(Expectation {
            summary: "Refused: openssl prints \"error 23 at 0 depth lookup: certificate revoked\" \
                      and \"verification failed\" for each check, and exits with status 2."
                .into(),
            client_prints: vec!["error 23 at 0 depth lookup: certificate revoked".into()],
            server_prints: vec![],
        }),
        ..block(
            "Check Client B's certificate against the CRLs",
            inside("client_c_ca", check),
        )
    };

    let server = CommandBlock {
        note: Some(
            "Step 8's server with -crl_check: it checks the client's certificate against the CRL \
             of the CA that issued it. Connect from Client B as in step 8 (terminal 2)."
                .into(),
        ),
        expect: Some(expect_revoked(settings.tls_version)),
        ..block(
            "Start Client C's server checking the CRL (terminal 1)",
            c_server(settings.tls_version, Some(&format!("crl/{issuing}.crl"))),
        )
    };
    vec![database, revoke, publish, check, server]
}

fn expect_revoked(version: TlsVersion) -> Expectation {
    let note = refused_by_c_note(version);
    Expectation {
        summary: format!(
            "Refused by C: B's client prints \"alert certificate revoked\" (\"SSL alert number 44\"); \
             s_server logs \"verify error:num=23:certificate revoked\".{note}"
        ),
        client_prints: vec![
            "alert certificate revoked".into(),
            "SSL alert number 44".into(),
        ],
        server_prints: vec!["verify error:num=23:certificate revoked".into()],
    }
}
