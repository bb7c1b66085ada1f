//! Client C's server in other software: each requires a client certificate from C's chain,
//! serves over TLS with C's server certificate, and answers "Hello" with the subject of the
//! client certificate it verified, as the application behind it would see it.

use super::*;

const SERVER_FILES: [(&str, &str); 3] = [
    (
        "server-fullchain.crt",
        "C's server certificate, then C's intermediate",
    ),
    ("server.key", "its private key, as it downloaded"),
    (
        "client-cas.crt",
        "the CAs whose client certificates are accepted: C's chain",
    ),
];

/// The curl line that shows the server working, with B's files from the curl folder.
fn success(answer: &str) -> String {
    format!(
        "  From ../curl (or any client folder): bash run.sh\n  prints \"Hello\" and B's subject, as {answer}.\n  \
         A client without a certificate, or with one C did not issue, is refused during the handshake."
    )
}

/// What sets one server folder apart: its own files, the end of its run.sh, and its README's.
struct Server {
    files: Vec<(&'static str, String)>,
    /// What run.sh does once it has the port and a decrypted copy of the key.
    run: String,
    /// The folder's own files and run.sh, for the README's list.
    listed: Vec<(&'static str, &'static str)>,
    what: String,
    success: String,
}

/// Every server's run.sh starts here: its folder, its port (in the environment, where the
/// configuration reads it), and the key as the software reads it.
fn run_prelude() -> String {
    format!(
        "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\nexport PORT=\"${{PORT:-8443}}\"\n{}",
        decrypt_key("server.key", "server.plain.key")
    )
}

pub(super) fn folder(tree: &Tree<'_>, software: Software) -> Option<Vec<ExportFile>> {
    let mut files = vec![
        file(software, "server-fullchain.crt", tree.server_fullchain()?),
        file(software, "server.key", tree.get(paths::C_SERVER_KEY)?),
        file(software, "client-cas.crt", tree.get(paths::C_CHAIN)?),
    ];
    let server = match software {
        Software::Kubernetes => return super::kubernetes::folder(tree),
        software => server(tree, software)?,
    };
    files.extend(
        server
            .files
            .into_iter()
            .map(|(name, text)| file(software, name, text)),
    );
    files.push(file(software, "run.sh", run_prelude() + &server.run));
    let mut listed = SERVER_FILES.to_vec();
    listed.extend(server.listed);
    let readme = readme(software, &server.what, &listed, SERVER_RUN, &server.success);
    files.push(file(software, "README.txt", readme));
    Some(files)
}

/// The server folder for `software`; `None` for a client.
fn server(tree: &Tree<'_>, software: Software) -> Option<Server> {
    Some(match software {
        Software::Apache => Server {
            files: vec![
                ("httpd.conf", apache_conf(&tree.server_name())),
                (
                    "hello.cgi",
                    "#!/bin/sh\n# The application: mod_ssl hands it the verified client certificate's subject.\n\
                     printf 'Content-Type: text/plain\\r\\n\\r\\nHello %s\\n' \"$SSL_CLIENT_S_DN\"\n"
                        .into(),
                ),
            ],
            run: "chmod 755 hello.cgi\nexec apache2 -d \"$PWD\" -f \"$PWD/httpd.conf\" -DFOREGROUND\n".into(),
            listed: vec![
                ("httpd.conf", "SSLVerifyClient require, SSLCACertificateFile, SSLVerifyDepth"),
                ("hello.cgi", "the application, which prints SSL_CLIENT_S_DN"),
                ("run.sh", "decrypts a copy of the key, then starts apache2 in the foreground"),
            ],
            what: "Apache with mod_ssl as Client C's server. Apache reads the key once, as root, before it \
                   starts its workers; it cannot prompt for a passphrase unattended (SSLPassPhraseDialog \
                   builtin asks on the terminal), so run.sh gives it a decrypted copy, server.plain.key, \
                   readable by you alone. On a real server, keep that copy readable by root only."
                .into(),
            success: success("mod_ssl's SSL_CLIENT_S_DN"),
        },
        Software::Haproxy => Server {
            files: vec![("haproxy.cfg", haproxy_cfg())],
            run: "# HAProxy reads the certificate, its chain and the key from one file.\n\
                  (umask 077; cat server-fullchain.crt server.plain.key > server.pem)\n\
                  exec haproxy -f haproxy.cfg -db\n"
                .into(),
            listed: vec![
                ("haproxy.cfg", "bind ... ssl crt server.pem ca-file client-cas.crt verify required"),
                ("run.sh", "builds server.pem (chain and decrypted key), then starts haproxy"),
            ],
            what: "HAProxy as Client C's TLS front end. HAProxy cannot read an encrypted key, and wants the \
                   certificate, its chain and the key in one file: run.sh writes server.pem, readable by you \
                   alone. The answer comes from HAProxy itself (http-request return); in front of an \
                   application, pass the subject on with http-request set-header X-SSL-Client-DN %[ssl_c_s_dn]."
                .into(),
            success: success("HAProxy's ssl_c_s_dn"),
        },
        Software::Caddy => Server {
            files: vec![("Caddyfile", caddyfile())],
            run: "# Caddy keeps its state here rather than in your home folder.\n\
                  export XDG_DATA_HOME=\"$PWD/caddy-data\" XDG_CONFIG_HOME=\"$PWD/caddy-config\"\n\
                  exec caddy run --config Caddyfile --adapter caddyfile\n"
                .into(),
            listed: vec![
                ("Caddyfile", "tls ... client_auth { mode require_and_verify; trusted_ca_cert_file }"),
                ("run.sh", "decrypts a copy of the key, then runs caddy"),
            ],
            what: "Caddy as Client C's server, with the workshop's certificate instead of one Caddy would \
                   fetch. Caddy cannot read an encrypted key: run.sh gives it a decrypted copy, readable by \
                   you alone."
                .into(),
            success: success("Caddy's {http.request.tls.client.subject}"),
        },
        Software::Stunnel => Server {
            files: vec![
                ("stunnel.conf", stunnel_conf()),
                (
                    "hello.sh",
                    "#!/bin/sh\n# The service behind stunnel: it reads the request and answers with the client's\n\
                     # subject, which stunnel passes in SSL_CLIENT_DN.\n\
                     while read -r line && [ \"$(printf '%s' \"$line\" | tr -d '\\r')\" != \"\" ]; do :; done\n\
                     printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nHello %s\\n' \"$SSL_CLIENT_DN\"\n"
                        .into(),
                ),
            ],
            run: "# stunnel's configuration takes no variables: write the port in.\n\
                  sed \"s/:8443\\$/:$PORT/\" stunnel.conf > stunnel.run.conf\n\
                  exec stunnel stunnel.run.conf\n"
                .into(),
            listed: vec![
                ("stunnel.conf", "verifyChain, requireCert, CAfile, and the service to run"),
                ("hello.sh", "the service: answers with SSL_CLIENT_DN"),
                ("run.sh", "decrypts a copy of the key, then starts stunnel in the foreground"),
            ],
            what: "stunnel puts TLS with client certificates in front of any TCP service. Here the service \
                   is hello.sh, run once per connection; point connect = at a host and port to wrap a real \
                   one. stunnel cannot prompt for a passphrase when detached: run.sh gives it a decrypted \
                   copy of the key, readable by you alone."
                .into(),
            success: success("stunnel's SSL_CLIENT_DN"),
        },
        Software::Postgres => {
            let user = tree.client_name();
            Server {
                files: vec![
                    ("postgresql.conf", postgres_conf()),
                    ("pg_hba.conf", postgres_hba()),
                ],
                run: format!(
                    "# Debian keeps the server's programs out of PATH.\n\
                     PATH=\"$PATH:$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)\"\n\
                     # A fresh cluster the first time, with a role named after B's certificate's CN.\n\
                     if [ ! -d data ]; then\n  \
                     initdb --pgdata=data --username=postgres --auth-local=trust >/dev/null\n  \
                     cp postgresql.conf pg_hba.conf data/\n  \
                     echo 'CREATE ROLE {role} LOGIN;' | postgres --single -D data postgres >/dev/null\n\
                     fi\n\
                     exec postgres -D data -c port=\"$PORT\" -c unix_socket_directories=\"$PWD\"\n",
                    role = sql_identifier(&user),
                ),
                listed: vec![
                    ("postgresql.conf", "ssl = on, ssl_cert_file, ssl_key_file, ssl_ca_file"),
                    ("pg_hba.conf", "hostssl all all 127.0.0.1/32 cert clientcert=verify-full"),
                    ("run.sh", "decrypts a copy of the key, makes a cluster once, starts postgres"),
                ],
                what: format!(
                    "PostgreSQL as Client C's server, with certificate authentication: a client logs in \
                     as the CN of its certificate ({user}), which must chain to C's CAs; no password. \
                     run.sh makes a cluster in data/ the first time, with that role. PostgreSQL wants \
                     its key unencrypted and readable by its own user alone: run.sh gives it a \
                     decrypted copy, server.plain.key. Run it as the user who owns this folder, not as \
                     root (postgres refuses to run as root)."
                ),
                success: format!(
                    "  From ../psql: bash run.sh\n  prints \"Hello {user}\" and B's subject, read back from \
                     pg_stat_ssl.\n  A client without a certificate, or with one C did not issue, is refused."
                ),
            }
        }
        Software::Mosquitto => Server {
            files: vec![("mosquitto.conf", mosquitto_conf())],
            run: "# mosquitto's configuration takes no variables: write the port in.\n\
                  sed \"s/^listener 8443 /listener $PORT /\" mosquitto.conf > mosquitto.run.conf\n\
                  exec mosquitto -c mosquitto.run.conf\n"
                .into(),
            listed: vec![
                ("mosquitto.conf", "require_certificate true, use_identity_as_username true"),
                ("run.sh", "decrypts a copy of the key, then starts mosquitto in the foreground"),
            ],
            what: "Mosquitto as Client C's MQTT broker over TLS: a client must present a certificate that \
                   chains to C's CAs, and its CN becomes its username (the log shows it). Mosquitto cannot \
                   read an encrypted key: run.sh gives it a decrypted copy, readable by you alone. Run it as \
                   the user who owns this folder: started as root, mosquitto switches to the mosquitto user, \
                   which cannot read that copy."
                .into(),
            success: "  From ../mosquitto-pub: bash run.sh\n  prints \"Hello from Client B\", published and received back, and the \
                      broker logs the client's username, B's CN (\"as ... u'<CN>'\").\n  A client without a certificate, or with one C did not \
                      issue, is refused."
                .into(),
        },
        _ => return None,
    })
}

/// A name as an SQL identifier, double-quoted, so a CN with dots or dashes is one name.
fn sql_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn postgres_conf() -> String {
    "# PostgreSQL as Client C's server: TLS with C's certificate, clients checked against C's CAs.\n\
     listen_addresses = '127.0.0.1'\n\
     ssl = on\n\
     ssl_cert_file = '../server-fullchain.crt'\n\
     ssl_key_file = '../server.plain.key'\n\
     ssl_ca_file = '../client-cas.crt'\n"
        .into()
}

fn postgres_hba() -> String {
    "# Only TLS connections, each logged in as the CN of its verified client certificate.\n\
     # TYPE   DATABASE  USER  ADDRESS        METHOD\n\
     local    all       all                  trust\n\
     hostssl  all       all   127.0.0.1/32   cert clientcert=verify-full\n"
        .into()
}

fn mosquitto_conf() -> String {
    "# Mosquitto as Client C's MQTT broker over TLS.\n\
     per_listener_settings true\n\
     log_dest stderr\n\
     log_type all\n\
     listener 8443 127.0.0.1\n\
     certfile server-fullchain.crt\n\
     keyfile server.plain.key\n\
     # Clients must present a certificate that chains to C's CAs; its CN is their username.\n\
     cafile client-cas.crt\n\
     require_certificate true\n\
     use_identity_as_username true\n"
        .into()
}

fn apache_conf(name: &str) -> String {
    let modules = [
        ("mpm_prefork_module", "mod_mpm_prefork.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("alias_module", "mod_alias.so"),
        ("cgi_module", "mod_cgi.so"),
        ("socache_shmcb_module", "mod_socache_shmcb.so"),
        ("ssl_module", "mod_ssl.so"),
    ];
    let mut text = String::from(
        "# Apache httpd as Client C's mTLS server. ${PWD} and ${PORT} come from run.sh's environment.\n",
    );
    for (module, file) in modules {
        text.push_str(&format!(
            "LoadModule {module} /usr/lib/apache2/modules/{file}\n"
        ));
    }
    text.push_str(&format!(
        "ServerName {name}\n\
         Listen 127.0.0.1:${{PORT}}\n\
         PidFile ${{PWD}}/apache.pid\n\
         DefaultRuntimeDir ${{PWD}}\n\
         ErrorLog ${{PWD}}/error.log\n\
         LogLevel warn ssl:info\n\
         SSLSessionCache shmcb:${{PWD}}/ssl_scache(512000)\n\
         \n\
         SSLEngine on\n\
         SSLCertificateFile ${{PWD}}/server-fullchain.crt\n\
         SSLCertificateKeyFile ${{PWD}}/server.plain.key\n\
         # Clients must present a certificate that chains to C's CAs, at most two CAs deep.\n\
         SSLCACertificateFile ${{PWD}}/client-cas.crt\n\
         SSLVerifyClient require\n\
         SSLVerifyDepth 2\n\
         # Hands the verified subject (SSL_CLIENT_S_DN) to the application.\n\
         SSLOptions +StdEnvVars\n\
         \n\
         ScriptAlias / ${{PWD}}/hello.cgi\n\
         <Location />\n    Require all granted\n</Location>\n"
    ));
    text
}

fn haproxy_cfg() -> String {
    "# HAProxy as Client C's mTLS front end. \"${PORT}\" comes from run.sh's environment.\n\
     global\n    log stderr format raw local0 info\n\
     \n\
     defaults\n    mode http\n    log global\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\
     \n\
     frontend mtls\n    \
     # Clients must present a certificate that chains to C's CAs.\n    \
     bind \"127.0.0.1:${PORT}\" ssl crt server.pem ca-file client-cas.crt verify required\n    \
     http-request return status 200 content-type text/plain lf-string \"Hello %[ssl_c_s_dn]\\n\"\n"
        .into()
}

fn caddyfile() -> String {
    "# Caddy as Client C's mTLS server. {$PORT} comes from run.sh's environment.\n\
     {\n\tadmin off\n\tauto_https off\n}\n\
     \n\
     :{$PORT} {\n\
     \tbind 127.0.0.1\n\
     \ttls server-fullchain.crt server.plain.key {\n\
     \t\tclient_auth {\n\
     \t\t\tmode require_and_verify\n\
     \t\t\ttrusted_ca_cert_file client-cas.crt\n\
     \t\t}\n\
     \t}\n\
     \trespond \"Hello {http.request.tls.client.subject}\"\n\
     }\n"
    .into()
}

fn stunnel_conf() -> String {
    "; stunnel as Client C's mTLS front end for any TCP service (here hello.sh).\n\
     foreground = yes\n\
     pid =\n\
     \n\
     [mtls]\n\
     cert = server-fullchain.crt\n\
     key = server.plain.key\n\
     ; Clients must present a certificate that chains to C's CAs.\n\
     CAfile = client-cas.crt\n\
     verifyChain = yes\n\
     requireCert = yes\n\
     exec = /bin/sh\n\
     execArgs = sh hello.sh\n\
     accept = 127.0.0.1:8443\n"
        .into()
}
