//! The error messages people paste, produced for real: `openssl s_client`, curl, Python's `ssl`
//! and `requests`, Node's `tls.connect`, Go's `crypto/tls` and Java's JSSE each connect to
//! `openssl s_server -tls1_3 -Verify 2 -verify_return_error`, whose client CA is a test CA,
//! without a certificate and with one from another CA; nginx answers the same clients with its
//! 400 pages. `errors::lookup` must lead each message, and s_server's and nginx's own log lines,
//! to the lab row that reproduces it. Every client first connects with a good certificate, so a
//! refusal is the one meant and not a broken setup; a wrong server name is checked with curl and
//! Go. A missing tool fails the test.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use mtls_lab::diagnose::errors::lookup;
use mtls_lab::workshop::lab::LabScenario;
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;
use LabScenario::{ClientPicksByCaNames, NoClientCertificate, UntrustedClientCa, WrongServerName};

const EXTENSIONS: &str = "\
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
";

/// The server's CA and leaf, the test CA the server trusts for clients and its client, and a
/// rogue CA with its own client; PKCS#12 keystores for Java.
const MAKE: &str = r#"
root() { openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" -addext "basicConstraints = critical, CA:TRUE" -addext "keyUsage = critical, keyCertSign" 2>/dev/null; }
leaf() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
         openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -set_serial "0x$(openssl rand -hex 8)" -days 30 -extfile ext.cnf -extensions "$4" -out "$1.crt" 2>/dev/null; }
root server_ca "Test Server CA"; root client_ca "Test Client CA"; root rogue_ca "Rogue CA"
leaf server localhost server_ca server
leaf client client.test client_ca client
leaf rogue rogue.test rogue_ca client
for who in client rogue; do openssl pkcs12 -export -in $who.crt -inkey $who.key -passout env:KEY_PASSPHRASE -out $who.p12; done
printf 'GET / HTTP/1.0\r\n\r\n' > request.txt
"#;

/// Python's ssl module: host, port, server name, CA file, certificate, key ('' for none).
const PYTHON_SSL: &str = r#"import socket, ssl, sys
host, port, name, ca, cert, key = sys.argv[1:7]
context = ssl.create_default_context(cafile=ca)
if cert:
    context.load_cert_chain(cert, key)
with socket.create_connection((host, int(port)), timeout=20) as raw:
    with context.wrap_socket(raw, server_hostname=name) as tls:
        tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
        print(tls.recv(64))
"#;

const PYTHON_REQUESTS: &str = r#"import sys, requests
url, ca, cert, key = sys.argv[1:5]
answer = requests.get(url, verify=ca, cert=(cert, key) if cert else None, timeout=20)
print("HTTP", answer.status_code, answer.reason)
"#;

const NODE: &str = r#"const tls = require("tls");
const fs = require("fs");
const [host, port, servername, ca, cert, key] = process.argv.slice(2);
const options = { host, port: Number(port), servername, ca: fs.readFileSync(ca) };
if (cert) { options.cert = fs.readFileSync(cert); options.key = fs.readFileSync(key); }
const socket = tls.connect(options, () => socket.write("GET / HTTP/1.0\r\n\r\n"));
socket.setTimeout(20000, () => { console.log("timed out"); process.exit(2); });
socket.once("data", (data) => { console.log(data.toString().split("\r\n")[0]); socket.destroy(); });
socket.on("error", (e) => { console.log(e.code, e.message); process.exit(1); });
"#;

/// Go's crypto/tls with a certificate in `Certificates`, as most Go clients hold it.
const GO: &str = r#"package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"
)

func main() {
	host, port, name, ca, cert, key := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5], os.Args[6]
	pem, err := os.ReadFile(ca)
	check(err)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	config := &tls.Config{RootCAs: roots, ServerName: name}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		check(err)
		config.Certificates = []tls.Certificate{pair}
	}
	conn, err := tls.Dial("tcp", host+":"+port, config)
	check(err)
	check(conn.SetDeadline(time.Now().Add(20 * time.Second)))
	_, err = conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	check(err)
	answer := make([]byte, 64)
	n, err := conn.Read(answer)
	check(err)
	fmt.Printf("%q\n", answer[:n])
}

func check(err error) {
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
"#;

/// Java's JSSE with the default key manager over a PKCS#12 keystore made by openssl: host,
/// port, CA file, keystore ('' for none).
const JAVA: &str = r#"import java.io.*;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.*;

public class Client {
    public static void main(String[] args) throws Exception {
        char[] password = System.getenv("KEY_PASSPHRASE").toCharArray();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = new FileInputStream(args[2])) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keys = null;
        if (!args[3].isEmpty()) {
            KeyStore identity = KeyStore.getInstance("PKCS12");
            try (InputStream in = new FileInputStream(args[3])) { identity.load(in, password); }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, password);
            keys = kmf.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(args[0], Integer.parseInt(args[1]))) {
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setSoTimeout(20000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
            socket.getOutputStream().flush();
            System.out.println(new BufferedReader(new InputStreamReader(socket.getInputStream())).readLine());
        } catch (IOException e) {
            System.out.println(e);
            System.exit(1);
        }
    }
}
"#;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tool {
    SClient,
    Curl,
    PythonSsl,
    Requests,
    Node,
    Go,
    Java,
}

const TOOLS: [Tool; 7] = [
    Tool::SClient,
    Tool::Curl,
    Tool::PythonSsl,
    Tool::Requests,
    Tool::Node,
    Tool::Go,
    Tool::Java,
];

/// Makes the files and the client programs, after checking that every tool is installed.
fn prepared(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let needs = "for tool in openssl curl python3 node go java; do command -v $tool >/dev/null \
                 || { echo \"$tool is not installed (scripts/setup.sh installs it)\"; exit 1; }; done
                 python3 -c 'import requests' || { echo 'python3 lacks requests'; exit 1; }
                 PATH=$PATH:/usr/sbin command -v nginx >/dev/null || { echo 'nginx is not installed'; exit 1; }";
    let found = bash(dir.path(), needs, "");
    assert!(found.status.success(), "{}", text(&found));
    dir.write("ext.cnf", EXTENSIONS.as_bytes());
    let made = bash(dir.path(), MAKE, "");
    assert!(made.status.success(), "openssl: {}", text(&made));
    dir.write("tls_client.py", PYTHON_SSL.as_bytes());
    dir.write("requests_client.py", PYTHON_REQUESTS.as_bytes());
    dir.write("tls_client.js", NODE.as_bytes());
    dir.write("go/main.go", GO.as_bytes());
    dir.write("go/go.mod", b"module diagnose\n\ngo 1.19\n");
    dir.write("Client.java", JAVA.as_bytes());
    dir
}

/// Runs `tool` against 127.0.0.1:`port` as `name`, as `who` (`client`, `rogue`) or with no
/// certificate; everything it printed.
fn run(dir: &Path, tool: Tool, port: u16, name: &str, who: Option<&str>) -> String {
    let (crt, key) = who.map_or((String::new(), String::new()), |w| {
        (format!("{w}.crt"), format!("{w}.key"))
    });
    let mut prefix = "";
    let script = match tool {
        // -ign_eof: send the request, then read until the server closes or alerts.
        Tool::SClient => {
            let identity = who.map_or(String::new(), |_| format!("-cert {crt} -key {key}"));
            format!("openssl s_client -connect 127.0.0.1:{port} -servername {name} -verify_hostname {name} \
                     -verify_return_error -CAfile server_ca.crt {identity} -ign_eof < request.txt")
        }
        Tool::Curl => {
            let identity = who.map_or(String::new(), |_| format!("--cert {crt} --key {key}"));
            format!("curl -sS -i --cacert server_ca.crt {identity} --resolve {name}:{port}:127.0.0.1 https://{name}:{port}/")
        }
        Tool::PythonSsl => {
            format!("python3 tls_client.py 127.0.0.1 {port} {name} server_ca.crt '{crt}' '{key}'")
        }
        Tool::Requests => format!(
            "python3 requests_client.py https://{name}:{port}/ server_ca.crt '{crt}' '{key}'"
        ),
        Tool::Node => {
            format!("node tls_client.js 127.0.0.1 {port} {name} server_ca.crt '{crt}' '{key}'")
        }
        Tool::Go => {
            // Its own caches, and no network: the program uses the standard library alone.
            prefix = "cd go && export GOFLAGS='-mod=mod -modcacherw' GOCACHE=$PWD/cache \
                      GOPATH=$PWD/path GOPROXY=off && ";
            let (crt, key) = who.map_or((String::new(), String::new()), |_| {
                (format!("../{crt}"), format!("../{key}"))
            });
            format!("go run . 127.0.0.1 {port} {name} ../server_ca.crt '{crt}' '{key}'")
        }
        // Java takes the server name from the host it connects to.
        Tool::Java => {
            let p12 = who.map_or(String::new(), |w| format!("{w}.p12"));
            format!("java Client.java {name} {port} server_ca.crt '{p12}'")
        }
    };
    // A client that hangs fails the test rather than stalling it.
    let script = format!("{prefix}timeout 120 {script} || echo \"exit status $?\"");
    text(&bash(dir, &script, ""))
}

/// Whether the client got s_server's or nginx's answer.
fn answered(output: &str) -> bool {
    let lower = output.to_lowercase();
    lower.contains("200 ok") || lower.contains("hello cn=client.test")
}

/// Records a miss unless `output` leads `lookup` to `row`: a message the table does not know.
fn expect(misses: &mut Vec<String>, what: &str, output: &str, row: LabScenario) {
    let rows = lookup(output).rows();
    if answered(output) || !rows.contains(&row) {
        misses.push(format!(
            "{what}: expected {row:?}, lookup gives {rows:?}, from:\n{output}"
        ));
    }
}

/// What s_server printed after `from`, once it has printed an error.
fn server_text(server: &Server, from: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let new = server.log().get(from..).unwrap_or_default().to_string();
        if new.contains(":error:") || Instant::now() > deadline {
            return new;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn s_server(dir: &Path, client_cas: &str) -> Server {
    let script = format!(
        "openssl s_server -accept 8443 -tls1_3 -www -cert server.crt -key server.key \
         {client_cas} -Verify 2 -verify_return_error"
    );
    Server::s_server(dir, &script)
}

#[test]
fn every_tools_refusal_leads_to_the_row_that_reproduces_it() {
    let dir = prepared("diagnose-messages");
    let dir = dir.path();
    let mut misses = Vec::new();
    // The test CA is the client CA, and its name goes in the CertificateRequest.
    let server = s_server(dir, "-CAfile client_ca.crt");
    for tool in TOOLS {
        let good = run(dir, tool, server.port, "localhost", Some("client"));
        assert!(
            answered(&good),
            "{tool:?} with a good certificate:\n{good}\ns_server:\n{}",
            server.log()
        );
        let from = server.log().len();
        let none = run(dir, tool, server.port, "localhost", None);
        expect(
            &mut misses,
            &format!("{tool:?}, no certificate"),
            &none,
            NoClientCertificate,
        );
        if tool == Tool::SClient {
            let said = server_text(&server, from);
            expect(
                &mut misses,
                "s_server, no certificate",
                &said,
                NoClientCertificate,
            );
        }
        let from = server.log().len();
        let rogue = run(dir, tool, server.port, "localhost", Some("rogue"));
        // Go and Java pick a certificate by the CA names the server sends: none matches, so
        // they send none, which the lab's "client picks by CA names" row reproduces.
        let row = match tool {
            Tool::Go | Tool::Java => ClientPicksByCaNames,
            _ => UntrustedClientCa,
        };
        expect(&mut misses, &format!("{tool:?}, rogue CA"), &rogue, row);
        if tool == Tool::SClient {
            let said = server_text(&server, from);
            expect(&mut misses, "s_server, rogue CA", &said, UntrustedClientCa);
        }
    }
    // Sent no CA names (trusting the test CA through -verifyCAfile alone), Go and Java send
    // the rogue certificate too, and are refused for it.
    let nameless = s_server(dir, "-verifyCAfile client_ca.crt");
    for tool in [Tool::Go, Tool::Java] {
        let rogue = run(dir, tool, nameless.port, "localhost", Some("rogue"));
        expect(
            &mut misses,
            &format!("{tool:?}, rogue CA, no CA names"),
            &rogue,
            UntrustedClientCa,
        );
    }
    // The server certificate names localhost only.
    for tool in [Tool::Curl, Tool::Go] {
        let output = run(dir, tool, server.port, "other.example", Some("client"));
        expect(
            &mut misses,
            &format!("{tool:?}, other.example"),
            &output,
            WrongServerName,
        );
    }
    assert!(misses.is_empty(), "{}", misses.join("\n\n"));
}

const NGINX: &str = "pid DIR/nginx.pid;
error_log DIR/error.log info;
events {}
http {
    access_log DIR/access.log;
    server {
        listen PORT ssl;
        ssl_certificate DIR/server.crt;
        ssl_certificate_key DIR/server.key;
        ssl_client_certificate DIR/client_ca.crt;
        ssl_verify_client on;
        location / { return 200 \"Hello $ssl_client_s_dn\\n\"; }
    }
}
";

#[test]
fn nginx_pages_and_log_lines_lead_to_the_rows() {
    let dir = prepared("diagnose-nginx");
    let path = dir.path().to_path_buf();
    let server = Server::on_free_port(
        &path,
        |port| {
            let config = NGINX.replace("DIR", &path.display().to_string());
            dir.write(
                "nginx.conf",
                config.replace("PORT", &port.to_string()).as_bytes(),
            );
            format!(
                "exec env PATH=$PATH:/usr/sbin nginx -c {}/nginx.conf -g 'daemon off;'",
                path.display()
            )
        },
        |_| path.join("nginx.pid"),
    );
    let good = run(&path, Tool::Curl, server.port, "localhost", Some("client"));
    assert!(answered(&good), "{good}");
    let mut misses = Vec::new();
    for (who, page, logged, row) in [
        (
            None,
            "400 No required SSL certificate was sent",
            "client sent no required SSL certificate",
            NoClientCertificate,
        ),
        (
            Some("rogue"),
            "400 The SSL certificate error",
            "client SSL certificate verify error",
            UntrustedClientCa,
        ),
    ] {
        let output = run(&path, Tool::Curl, server.port, "localhost", who);
        assert!(output.contains(page), "{output}");
        expect(&mut misses, &format!("nginx page, {who:?}"), &output, row);
        // nginx logs why at the info level, once the request is read.
        let deadline = Instant::now() + Duration::from_secs(20);
        let line = loop {
            let log = std::fs::read_to_string(path.join("error.log")).unwrap_or_default();
            if let Some(line) = log.lines().find(|l| l.contains(logged)) {
                break line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no {logged:?} in error.log:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        expect(
            &mut misses,
            &format!("nginx error.log, {who:?}"),
            &line,
            row,
        );
    }
    assert!(misses.is_empty(), "{}", misses.join("\n\n"));
}
