//! Every "Use the files elsewhere" folder, run as its README.txt says with the real software:
//! each server from its folder, reached by each client folder with B's files. B gets through
//! and the server answers with B's subject; a client without a certificate and one with B's
//! root CA certificate are refused in the handshake, each for its own reason.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::clock::unix_now;
use mtls_lab::workshop::elsewhere::Software;
use mtls_lab::workshop::export::{self, KeyProtection};
use mtls_lab::workshop::{Settings, Workshop};
use std::path::{Path, PathBuf};
use support::*;

/// The whole tree, keys encrypted under `PASSPHRASE`, unpacked as a user would.
fn unpacked(tag: &str) -> TempDir {
    unpacked_with(tag, &KeyProtection::encrypted(PASSPHRASE))
}

fn unpacked_with(tag: &str, keys: &KeyProtection) -> TempDir {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(unix_now()).unwrap();
    let dir = TempDir::new(tag);
    let files = export::all_files(&workshop, keys).unwrap();
    for file in files {
        dir.write(&file.path, file.contents.as_bytes());
    }
    dir
}

fn folder(dir: &TempDir, software: Software) -> PathBuf {
    dir.path().join(software.folder())
}

/// Starts a server folder's run.sh on a free port, as an unprivileged user where the tests
/// are root: PostgreSQL will not run as root, Mosquitto started as root switches to its own
/// user, and none of them needs root for a port above 1024. Each runs as its system user, or
/// nobody, who then owns its folder, as their README.txt says.
fn start(dir: &TempDir, server: Software) -> Server {
    let folder = folder(dir, server);
    let run = folder.join("run.sh");
    let user = match server {
        Software::Postgres => "postgres",
        Software::Mosquitto => "mosquitto",
        _ => "nobody",
    };
    let as_user = if is_root() {
        let chown = format!("chown -R {user} {}", folder.display());
        let chown = bash(dir.path(), &chown, "");
        assert!(chown.status.success(), "{}", text(&chown));
        format!("runuser -u {user} -- env KEY_PASSPHRASE=\"$KEY_PASSPHRASE\" ")
    } else {
        String::new()
    };
    Server::on_free_port(
        &folder,
        |port| format!("{as_user}env PORT={port} bash run.sh"),
        |_| run.clone(),
    )
}

fn is_root() -> bool {
    text(&bash(Path::new("/"), "id -u", "")).trim() == "0"
}

/// Runs a client folder's run.sh against `port`; what it printed, and whether it succeeded.
fn client(dir: &TempDir, client: Software, port: u16) -> (bool, String) {
    // These resolve the name themselves: the server's certificate also names localhost.
    let host = match client {
        Software::PythonRequests | Software::MosquittoPub => "HOST=localhost ",
        _ => "",
    };
    // A JVM that starts quicker, compiling less: the client does the same, in half the time.
    let jvm = match client {
        Software::Java => "JAVA_TOOL_OPTIONS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' ",
        _ => "",
    };
    let output = bash(
        &folder(dir, client),
        &format!("{host}{jvm}PORT={port} bash run.sh"),
        "",
    );
    (output.status.success(), text(&output))
}

/// openssl s_client from the curl folder with `identity` as its certificate options, until it
/// prints `alert` (what it received) or 60 seconds pass: a TLS 1.3 client finishes its side of
/// the handshake before the server judges its certificate, so the refusal comes as an alert
/// after, which s_client waits for where curl may already have hung up.
fn refused_with(dir: &TempDir, port: u16, identity: &str, alert: &str) -> (bool, String) {
    let script = format!(
        "openssl s_client -connect 127.0.0.1:{port} -servername client-c.local \
         -CAfile server-cas.crt -verify_return_error {identity}"
    );
    let client = Client::start(&folder(dir, Software::Curl), &script, "GET / HTTP/1.0\r\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if client.log().contains(alert) {
            return (true, client.log());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (false, client.log())
}

/// B's root CA certificate and key, from the tree, as a client identity.
fn b_root(dir: &Path) -> String {
    format!(
        "-cert {0}/client_b_ca/certs/client_b_root_ca.crt -key {0}/client_b_ca/private/client_b_root_ca.key \
         -pass env:KEY_PASSPHRASE",
        dir.display()
    )
}

/// The alerts a server sends, as s_client prints them: without a certificate, and for B's root.
fn refusals(server: Software) -> (&'static str, &'static str) {
    match server {
        // Go's TLS stack (1.19) answers both with bad_certificate: a missing certificate too.
        Software::Caddy => ("SSL alert number 42", "SSL alert number 42"),
        _ => ("SSL alert number 116", "SSL alert number 48"),
    }
}

/// One server from its folder: every client of its protocol gets through with B's files, and
/// a client without a certificate and one with B's root CA certificate are refused.
fn serves_every_client_and_refuses_the_others(server: Software) {
    let dir = unpacked(&format!("elsewhere-{}", server.id()));
    let running = start(&dir, server);
    let port = running.port;
    let clients = Software::CLIENTS.into_iter();
    for software in clients.filter(|c| c.protocol() == server.protocol()) {
        let (ok, printed) = client(&dir, software, port);
        // The broker relays the message; it shows B's CN as the client's username.
        let (answered, seen) = match server {
            Software::Mosquitto => ("Hello from Client B", running.log()),
            _ => ("Hello", printed.clone()),
        };
        assert!(
            ok && printed.contains(answered) && seen.contains("client-b.local"),
            "{server:?} with {software:?}:\n{printed}\nserver:\n{}",
            running.log()
        );
    }
    if server == Software::Postgres {
        return postgres_refuses(&dir, port);
    }
    let (no_certificate, untrusted) = refusals(server);
    for (identity, alert) in [
        (String::new(), no_certificate),
        (b_root(dir.path()), untrusted),
    ] {
        let (refused, printed) = refused_with(&dir, port, &identity, alert);
        assert!(
            refused,
            "{server:?} {identity}:\n{printed}\nserver:\n{}",
            running.log()
        );
        assert!(!printed.contains("Hello"), "{server:?}: {printed}");
    }
}

// One test a server, so the servers run side by side. No cluster here: the Kubernetes folder
// is proven by kubectl instead, below.
#[test]
fn apache_serves_every_client_and_refuses_the_others() {
    serves_every_client_and_refuses_the_others(Software::Apache);
}

#[test]
fn haproxy_serves_every_client_and_refuses_the_others() {
    serves_every_client_and_refuses_the_others(Software::Haproxy);
}

#[test]
fn caddy_serves_every_client_and_refuses_the_others() {
    serves_every_client_and_refuses_the_others(Software::Caddy);
}

#[test]
fn stunnel_serves_every_client_and_refuses_the_others() {
    serves_every_client_and_refuses_the_others(Software::Stunnel);
}

#[test]
fn postgres_serves_psql_and_refuses_the_others() {
    serves_every_client_and_refuses_the_others(Software::Postgres);
}

#[test]
fn mosquitto_serves_mosquitto_pub_and_refuses_the_others() {
    serves_every_client_and_refuses_the_others(Software::Mosquitto);
}

/// Every server but Kubernetes has its test above.
#[test]
fn every_server_has_its_test() {
    let tested = [
        Software::Apache,
        Software::Haproxy,
        Software::Caddy,
        Software::Stunnel,
        Software::Postgres,
        Software::Mosquitto,
        Software::Kubernetes,
    ];
    assert_eq!(tested, Software::SERVERS);
}

/// PostgreSQL asks for a client certificate without making TLS fail when none comes: the
/// refusal is its authentication's. A certificate that fails verification does fail TLS.
fn postgres_refuses(dir: &TempDir, port: u16) {
    let root = dir.path().join("client_b_ca");
    let psql = |identity: &str| {
        let script = format!(
            "psql \"host=client-c.local hostaddr=127.0.0.1 port={port} dbname=postgres user=client-b.local \
             sslmode=verify-full sslrootcert=server-cas.crt {identity}\" -Atc 'SELECT 1'"
        );
        text(&bash(&folder(dir, Software::Psql), &script, ""))
    };
    let refused = psql("sslcert=/nonexistent sslkey=/nonexistent");
    assert!(
        refused.contains("connection requires a valid client certificate"),
        "{refused}"
    );
    let key = root.join("private/client_b_root_ca.key");
    let chmod = bash(dir.path(), &format!("chmod 600 {}", key.display()), "");
    assert!(chmod.status.success());
    let refused = psql(&format!(
        "sslcert={} sslkey={} sslpassword='{PASSPHRASE}'",
        root.join("certs/client_b_root_ca.crt").display(),
        key.display()
    ));
    assert!(refused.contains("alert unknown ca"), "{refused}");
}

/// The Kubernetes folder's objects are exactly what its kubectl commands print: the Ingress
/// always, the Secret where the keys downloaded unencrypted (a Secret holds its key in the
/// clear); with encrypted keys, run.sh makes the same Secret from a decrypted copy.
#[test]
fn the_kubernetes_objects_are_what_kubectl_makes() {
    let plain = unpacked_with("kubernetes-plain", &KeyProtection::plain());
    let encrypted = unpacked("kubernetes");
    let objects = |dir: &TempDir| {
        let folder = folder(dir, Software::Kubernetes);
        let read = |name: &str| std::fs::read_to_string(folder.join(name)).ok();
        (read("secret.yaml"), read("ingress.yaml"))
    };
    let (shipped_secret, shipped_ingress) = objects(&plain);
    let shipped_secret = shipped_secret.expect("with plain keys the folder holds the Secret");
    assert!(
        objects(&encrypted).0.is_none(),
        "no Secret with an encrypted key"
    );
    for dir in [&plain, &encrypted] {
        let folder = folder(dir, Software::Kubernetes);
        let ran = bash(&folder, "bash run.sh", "");
        assert!(ran.status.success(), "{}", text(&ran));
        let (secret, ingress) = objects(dir);
        assert_eq!(ingress, shipped_ingress);
        // The Secret holds the folder's files, the key decrypted, under the keys ingress-nginx reads.
        let expected = text(&bash(
            &folder,
            "for f in ca.crt tls.crt; do echo \"  $f: $(base64 -w0 $f)\"; done
             echo \"  tls.key: $(openssl pkey -in tls.key -passin env:KEY_PASSPHRASE | base64 -w0)\"",
            "",
        ));
        let secret = secret.unwrap();
        assert!(secret.contains(&expected), "{secret}\n{expected}");
        assert!(!folder.join("tls.plain.key").exists());
    }
    // Where the page could write the Secret itself, it wrote what kubectl writes.
    assert_eq!(objects(&plain).0, Some(shipped_secret));
    let ingress = shipped_ingress.unwrap();
    for annotation in [
        "auth-tls-secret: default/client-c-tls",
        "auth-tls-verify-client: \"on\"",
        "auth-tls-verify-depth: \"2\"",
        "auth-tls-pass-certificate-to-upstream: \"true\"",
    ] {
        assert!(ingress.contains(annotation), "{ingress}");
    }
}
