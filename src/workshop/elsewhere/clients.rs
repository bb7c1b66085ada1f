//! Client B in other software: each presents B's certificate (with C's intermediate after it),
//! checks C's server certificate against C's chain and the server's name, and prints what the
//! server answered.

use super::*;

const CLIENT_FILES: [(&str, &str); 3] = [
    (
        "client-fullchain.crt",
        "B's certificate, then C's intermediate that signed it",
    ),
    ("client.key", "B's private key, as it downloaded"),
    (
        "server-cas.crt",
        "the CAs B trusts for the server: C's chain",
    ),
];

/// What every client folder's run does: the address the server listens on and the name it is
/// checked against.
fn success(name: &str) -> String {
    format!(
        "  With one of the server folders running (or any server set up as Client C), the server's\n  \
         answer: \"Hello\" and B's subject. The client checks that the server's certificate names\n  \
         {name} (set HOST to check another of its names, ADDRESS to connect elsewhere)."
    )
}

/// The shell lines every client's run.sh starts with.
fn prelude(name: &str) -> String {
    format!(
        "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\n\
         export HOST=\"${{HOST:-{name}}}\" PORT=\"${{PORT:-8443}}\" ADDRESS=\"${{ADDRESS:-127.0.0.1}}\"\n"
    )
}

pub(super) fn folder(tree: &Tree<'_>, software: Software) -> Option<Vec<ExportFile>> {
    let name = tree.server_name();
    let mut files = vec![
        file(software, "client-fullchain.crt", tree.client_fullchain()?),
        file(software, "client.key", tree.get(paths::B_KEY)?),
        file(software, "server-cas.crt", tree.get(paths::C_CHAIN)?),
    ];
    let mut listed = CLIENT_FILES.to_vec();
    let (what, run) = match software {
        Software::Curl => {
            listed.push(("run.sh", "curl with B's certificate and key"));
            (
                "curl as Client B. curl reads the encrypted key with --pass; --resolve sends the server's \
                 name while connecting to ADDRESS.",
                format!(
                    "{}# --pass is ignored for an unencrypted key.\n\
                     exec curl --silent --show-error --cert client-fullchain.crt --key client.key \
                     --pass \"${{KEY_PASSPHRASE:-}}\" \\\n    --cacert server-cas.crt \
                     --resolve \"$HOST:$PORT:$ADDRESS\" \"https://$HOST:$PORT/\"\n",
                    prelude(&name)
                ),
            )
        }
        Software::PythonRequests => {
            files.push(file(software, "client.py", PYTHON_REQUESTS));
            listed.push((
                "client.py",
                "requests.get(url, cert=(certificate, key), verify=CAs)",
            ));
            listed.push(("run.sh", "decrypts a copy of the key, then runs client.py"));
            (
                "Python's requests as Client B. requests takes no key passphrase (it would ask on the \
                 terminal), so run.sh gives it a decrypted copy, client.plain.key, readable by you alone. \
                 requests connects to the name itself: the name must resolve to the server (add it to \
                 /etc/hosts, or set HOST=localhost when the server runs here and its certificate names \
                 localhost).",
                format!(
                    "{}{}exec python3 client.py\n",
                    prelude(&name),
                    decrypt_key("client.key", "client.plain.key")
                ),
            )
        }
        Software::PythonSsl => {
            files.push(file(software, "client.py", PYTHON_SSL));
            listed.push((
                "client.py",
                "ssl.create_default_context, load_cert_chain with the password",
            ));
            listed.push(("run.sh", "runs client.py"));
            (
                "Python's standard ssl module as Client B: it opens the encrypted key with the passphrase \
                 (load_cert_chain's password), connects to ADDRESS and checks the server's certificate \
                 against HOST.",
                format!("{}exec python3 client.py\n", prelude(&name)),
            )
        }
        Software::Node => {
            files.push(file(software, "client.mjs", NODE));
            listed.push((
                "client.mjs",
                "https.request with key, cert, ca, passphrase and servername",
            ));
            listed.push(("run.sh", "runs client.mjs"));
            (
                "Node.js's https module as Client B: it opens the encrypted key with the passphrase, \
                 connects to ADDRESS and checks the server's certificate against HOST (servername).",
                format!("{}exec node client.mjs\n", prelude(&name)),
            )
        }
        Software::Go => {
            files.push(file(software, "main.go", GO));
            listed.push((
                "main.go",
                "tls.LoadX509KeyPair and a tls.Config with RootCAs and ServerName",
            ));
            listed.push(("run.sh", "decrypts a copy of the key, then go run main.go"));
            (
                "Go's crypto/tls as Client B. Go cannot decrypt an encrypted PKCS#8 key \
                 (tls.LoadX509KeyPair reads only unencrypted keys), so run.sh gives it a decrypted copy, \
                 client.plain.key, readable by you alone; keep such a copy out of backups and \
                 repositories, or load the key from a secret store instead.",
                format!(
                    "{}{}exec go run main.go\n",
                    prelude(&name),
                    decrypt_key("client.key", "client.plain.key")
                ),
            )
        }
        Software::Java => {
            files.push(file(software, "server-root.crt", tree.get(paths::C_ROOT)?));
            files.push(file(software, "Client.java", JAVA));
            listed.push(("server-root.crt", "C's root CA, the truststore's one entry"));
            listed.push((
                "Client.java",
                "a single-file client, run with java Client.java (Java 11+)",
            ));
            listed.push((
                "run.sh",
                "builds keystore.p12 and truststore.p12, lists them, runs the client",
            ));
            (
                "Java as Client B. Java reads keys from a keystore: run.sh makes keystore.p12 (B's key, \
                 B's certificate and C's intermediate, alias client-b) with openssl, and truststore.p12 \
                 (C's root as a trusted entry) with keytool, both under the key passphrase, then runs \
                 Client.java with them. Java offers its certificate only to a server whose \
                 CertificateRequest names the CA that issued it, as C's does.",
                format!(
                    "{}PASS=\"${{KEY_PASSPHRASE:?set KEY_PASSPHRASE: the keystores are made under it}}\"\n\
                     rm -f keystore.p12 truststore.p12\n\
                     openssl pkcs12 -export -name client-b -in client-fullchain.crt -inkey client.key \\\n    \
                     -passin env:KEY_PASSPHRASE -passout env:KEY_PASSPHRASE -out keystore.p12\n\
                     keytool -importcert -noprompt -alias client-c-root-ca -file server-root.crt \\\n    \
                     -keystore truststore.p12 -storetype PKCS12 -storepass:env KEY_PASSPHRASE\n\
                     keytool -list -keystore keystore.p12 -storepass:env KEY_PASSPHRASE >&2\n\
                     keytool -list -keystore truststore.p12 -storepass:env KEY_PASSPHRASE >&2\n\
                     exec java Client.java\n",
                    prelude(&name)
                ),
            )
        }
        Software::Psql => {
            let user = tree.client_name();
            listed.push((
                "run.sh",
                "psql with sslmode=verify-full, sslcert, sslkey, sslrootcert",
            ));
            (
                "psql as Client B, against the PostgreSQL folder: it logs in as the CN of B's certificate, \
                 with no password. libpq opens the encrypted key with sslpassword, and wants the key file \
                 readable by you alone (run.sh sets that). sslmode=verify-full checks C's certificate \
                 against HOST while hostaddr says where to connect.",
                format!(
                    "{}chmod 600 client.key\n\
                     # libpq reads the passphrase from the connection string: quote it as libpq does.\n\
                     PASS=$(printf '%s' \"${{KEY_PASSPHRASE:-}}\" | sed \"s/[\\\\']/\\\\\\\\&/g\")\n\
                     exec psql \"host=$HOST hostaddr=$ADDRESS port=$PORT dbname=postgres user={user} \\\n    \
                     sslmode=verify-full sslrootcert=server-cas.crt sslcert=client-fullchain.crt sslkey=client.key \\\n    \
                     sslpassword='$PASS'\" \\\n    \
                     -Atc \"SELECT 'Hello ' || current_user || ' ' || client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()\"\n",
                    prelude(&name),
                    user = shell_word(&user),
                ),
            )
        }
        Software::MosquittoPub => {
            listed.push((
                "run.sh",
                "mosquitto_sub subscribes, mosquitto_pub sends, mosquitto_sub collects the message",
            ));
            (
                "mosquitto_pub and mosquitto_sub as Client B, against the Mosquitto folder: the broker \
                 takes the CN of B's certificate as the username. The Mosquitto clients check the broker's \
                 certificate against the host they connect to, so HOST must resolve to the broker (add it \
                 to /etc/hosts, or set HOST=localhost when the broker runs here and its certificate names \
                 localhost). They cannot open an encrypted key without a terminal, so run.sh gives them a \
                 decrypted copy, readable by you alone. mosquitto_sub subscribes first and leaves, in a session \
                 the broker keeps for a minute (MQTT 5, QoS 1); the broker holds the message mosquitto_pub then \
                 sends until mosquitto_sub comes back for it, so no timing between them matters.",
                format!(
                    "{}{}TLS=\"--cafile server-cas.crt --cert client-fullchain.crt --key client.plain.key\"\n\
                     SESSION=\"-V mqttv5 -i client-b-sub-$$ -c -x 60 -q 1 -t mtls-lab/hello\"\n\
                     mosquitto_sub $TLS -h \"$HOST\" -p \"$PORT\" $SESSION -E\n\
                     mosquitto_pub $TLS -h \"$HOST\" -p \"$PORT\" -i client-b-pub-$$ -q 1 -t mtls-lab/hello \\\n    \
                     -m \"Hello from Client B\"\n\
                     mosquitto_sub $TLS -h \"$HOST\" -p \"$PORT\" $SESSION -C 1 -W 20\n",
                    prelude(&name),
                    decrypt_key("client.key", "client.plain.key"),
                ),
            )
        }
        _ => return None,
    };
    files.push(file(software, "run.sh", run));
    files.push(file(
        software,
        "README.txt",
        readme(software, what, &listed, CLIENT_RUN, &success(&name)),
    ));
    Some(files)
}

const PYTHON_REQUESTS: &str = r#"# Client B with requests: B's certificate and key, C's CAs, and the server's name.
import os

import requests

host, port = os.environ.get("HOST", "localhost"), os.environ.get("PORT", "8443")
answer = requests.get(
    f"https://{host}:{port}/",
    cert=("client-fullchain.crt", "client.plain.key"),
    verify="server-cas.crt",
    timeout=10,
)
answer.raise_for_status()
print(answer.text, end="")
"#;

const PYTHON_SSL: &str = r#"# Client B with the standard ssl module: the encrypted key opens with the passphrase.
import os
import socket
import ssl

host, port = os.environ.get("HOST", "localhost"), int(os.environ.get("PORT", "8443"))
address = os.environ.get("ADDRESS", "127.0.0.1")
context = ssl.create_default_context(cafile="server-cas.crt")
context.load_cert_chain(
    "client-fullchain.crt", "client.key", password=os.environ.get("KEY_PASSPHRASE")
)
with socket.create_connection((address, port), timeout=10) as raw:
    with context.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(f"GET / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        response = b""
        while chunk := tls.recv(4096):
            response += chunk
print(response.split(b"\r\n\r\n", 1)[-1].decode(), end="")
"#;

const NODE: &str = r#"// Client B with Node's https: the encrypted key opens with the passphrase.
import { readFileSync } from 'node:fs';
import https from 'node:https';

const { HOST = 'localhost', PORT = '8443', ADDRESS = '127.0.0.1', KEY_PASSPHRASE } = process.env;
const request = https.request({
  host: ADDRESS,
  port: Number(PORT),
  path: '/',
  servername: HOST,
  headers: { host: HOST },
  cert: readFileSync('client-fullchain.crt'),
  key: readFileSync('client.key'),
  passphrase: KEY_PASSPHRASE,
  ca: readFileSync('server-cas.crt'),
}, (response) => {
  response.setEncoding('utf8');
  response.on('data', (chunk) => process.stdout.write(chunk));
});
request.on('error', (error) => { console.error(error.message); process.exitCode = 1; });
request.end();
"#;

const GO: &str = r#"// Client B with Go's crypto/tls. Go reads only unencrypted keys: run.sh decrypts a copy.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func main() {
	host, port, address := env("HOST", "localhost"), env("PORT", "8443"), env("ADDRESS", "127.0.0.1")
	identity, err := tls.LoadX509KeyPair("client-fullchain.crt", "client.plain.key")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cas, err := os.ReadFile("server-cas.crt")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(cas)
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{identity}, RootCAs: roots, ServerName: host},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, net.JoinHostPort(address, port))
		},
	}
	response, err := (&http.Client{Transport: transport}).Get("https://" + net.JoinHostPort(host, port) + "/")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer response.Body.Close()
	io.Copy(os.Stdout, response.Body)
}
"#;

const JAVA: &str = r#"// Client B in Java: the keystore holds B's key and certificate, the truststore C's root.
// Run with: java Client.java (Java 11 or later), from this folder, with KEY_PASSPHRASE set.
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Client {
    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static KeyStore load(String file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    public static void main(String[] args) throws Exception {
        String host = env("HOST", "localhost");
        int port = Integer.parseInt(env("PORT", "8443"));
        String address = env("ADDRESS", "127.0.0.1");
        char[] password = System.getenv("KEY_PASSPHRASE").toCharArray();

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load("keystore.p12", password), password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("truststore.p12", password));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address, port)) {
            SSLParameters parameters = socket.getSSLParameters();
            // Sends the name and checks the server's certificate against it.
            parameters.setServerNames(List.of(new SNIHostName(host)));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            System.out.print(body < 0 ? response : response.substring(body + 4));
        }
    }
}
"#;

/// A value as one shell word: single-quoted unless plainly safe.
fn shell_word(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._-@".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}
