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

pub(super) fn folder(tree: &Tree<'_>, software: Software) -> Option<Vec<ExportFile>> {
    let name = tree.server_name();
    let mut files = vec![
        file(software, "server-fullchain.crt", tree.server_fullchain()?),
        file(software, "server.key", tree.get(paths::C_SERVER_KEY)?),
        file(software, "client-cas.crt", tree.get(paths::C_CHAIN)?),
    ];
    match software {
        Software::Apache => {
            files.push(file(software, "httpd.conf", apache_conf(&name)));
            files.push(file(
                software,
                "hello.cgi",
                "#!/bin/sh\n# The application: mod_ssl hands it the verified client certificate's subject.\n\
                 printf 'Content-Type: text/plain\\r\\n\\r\\nHello %s\\n' \"$SSL_CLIENT_S_DN\"\n",
            ));
            files.push(file(
                software,
                "run.sh",
                format!(
                    "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\nexport PORT=\"${{PORT:-8443}}\"\n{}chmod 755 hello.cgi\n\
                     exec apache2 -d \"$PWD\" -f \"$PWD/httpd.conf\" -DFOREGROUND\n",
                    decrypt_key("server.key", "server.plain.key")
                ),
            ));
            let mut listed = SERVER_FILES.to_vec();
            listed.extend([
                (
                    "httpd.conf",
                    "SSLVerifyClient require, SSLCACertificateFile, SSLVerifyDepth",
                ),
                ("hello.cgi", "the application, which prints SSL_CLIENT_S_DN"),
                (
                    "run.sh",
                    "decrypts a copy of the key, then starts apache2 in the foreground",
                ),
            ]);
            files.push(file(
                software,
                "README.txt",
                readme(
                    software,
                    "Apache with mod_ssl as Client C's server. Apache reads the key once, as root, before it \
                     starts its workers; it cannot prompt for a passphrase unattended (SSLPassPhraseDialog \
                     builtin asks on the terminal), so run.sh gives it a decrypted copy, server.plain.key, \
                     readable by you alone. On a real server, keep that copy readable by root only.",
                    &listed,
                    SERVER_RUN,
                    &success("mod_ssl's SSL_CLIENT_S_DN"),
                ),
            ));
        }
        Software::Haproxy => {
            files.push(file(software, "haproxy.cfg", haproxy_cfg()));
            files.push(file(
                software,
                "run.sh",
                format!(
                    "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\nexport PORT=\"${{PORT:-8443}}\"\n{}\
                     # HAProxy reads the certificate, its chain and the key from one file.\n\
                     (umask 077; cat server-fullchain.crt server.plain.key > server.pem)\n\
                     exec haproxy -f haproxy.cfg -db\n",
                    decrypt_key("server.key", "server.plain.key")
                ),
            ));
            let mut listed = SERVER_FILES.to_vec();
            listed.extend([
                (
                    "haproxy.cfg",
                    "bind ... ssl crt server.pem ca-file client-cas.crt verify required",
                ),
                (
                    "run.sh",
                    "builds server.pem (chain and decrypted key), then starts haproxy",
                ),
            ]);
            files.push(file(
                software,
                "README.txt",
                readme(
                    software,
                    "HAProxy as Client C's TLS front end. HAProxy cannot read an encrypted key, and wants the \
                     certificate, its chain and the key in one file: run.sh writes server.pem, readable by you \
                     alone. The answer comes from HAProxy itself (http-request return); in front of an \
                     application, pass the subject on with http-request set-header X-SSL-Client-DN %[ssl_c_s_dn].",
                    &listed,
                    SERVER_RUN,
                    &success("HAProxy's ssl_c_s_dn"),
                ),
            ));
        }
        Software::Caddy => {
            files.push(file(software, "Caddyfile", caddyfile()));
            files.push(file(
                software,
                "run.sh",
                format!(
                    "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\nexport PORT=\"${{PORT:-8443}}\"\n{}\
                     # Caddy keeps its state here rather than in your home folder.\n\
                     export XDG_DATA_HOME=\"$PWD/caddy-data\" XDG_CONFIG_HOME=\"$PWD/caddy-config\"\n\
                     exec caddy run --config Caddyfile --adapter caddyfile\n",
                    decrypt_key("server.key", "server.plain.key")
                ),
            ));
            let mut listed = SERVER_FILES.to_vec();
            listed.extend([
                (
                    "Caddyfile",
                    "tls ... client_auth { mode require_and_verify; trusted_ca_cert_file }",
                ),
                ("run.sh", "decrypts a copy of the key, then runs caddy"),
            ]);
            files.push(file(
                software,
                "README.txt",
                readme(
                    software,
                    "Caddy as Client C's server, with the workshop's certificate instead of one Caddy would \
                     fetch. Caddy cannot read an encrypted key: run.sh gives it a decrypted copy, readable by \
                     you alone.",
                    &listed,
                    SERVER_RUN,
                    &success("Caddy's {http.request.tls.client.subject}"),
                ),
            ));
        }
        Software::Stunnel => {
            files.push(file(software, "stunnel.conf", stunnel_conf()));
            files.push(file(
                software,
                "hello.sh",
                "#!/bin/sh\n# The service behind stunnel: it reads the request and answers with the client's\n\
                 # subject, which stunnel passes in SSL_CLIENT_DN.\nread -r request\n\
                 printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nHello %s\\n' \"$SSL_CLIENT_DN\"\n",
            ));
            files.push(file(
                software,
                "run.sh",
                format!(
                    "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\nPORT=\"${{PORT:-8443}}\"\n{}\
                     # stunnel's configuration takes no variables: write the port in.\n\
                     sed \"s/:8443\\$/:$PORT/\" stunnel.conf > stunnel.run.conf\n\
                     exec stunnel stunnel.run.conf\n",
                    decrypt_key("server.key", "server.plain.key")
                ),
            ));
            let mut listed = SERVER_FILES.to_vec();
            listed.extend([
                (
                    "stunnel.conf",
                    "verifyChain, requireCert, CAfile, and the service to run",
                ),
                ("hello.sh", "the service: answers with SSL_CLIENT_DN"),
                (
                    "run.sh",
                    "decrypts a copy of the key, then starts stunnel in the foreground",
                ),
            ]);
            files.push(file(
                software,
                "README.txt",
                readme(
                    software,
                    "stunnel puts TLS with client certificates in front of any TCP service. Here the service \
                     is hello.sh, run once per connection; point connect = at a host and port to wrap a real \
                     one. stunnel cannot prompt for a passphrase when detached: run.sh gives it a decrypted \
                     copy of the key, readable by you alone.",
                    &listed,
                    SERVER_RUN,
                    &success("stunnel's SSL_CLIENT_DN"),
                ),
            ));
        }
        _ => return None,
    }
    Some(files)
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
