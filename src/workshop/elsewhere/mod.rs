//! "Use the files elsewhere": for each server and client people put mTLS files into, a folder
//! `use-elsewhere/<name>/` with the workshop's own files in the form that software takes, its
//! configuration, a `run.sh` and a `README.txt`. `tests/elsewhere.rs` runs every folder with the
//! real software: each server with each client.

use super::file::ExportFile;
use super::steps::Settings;

mod clients;
mod kubernetes;
mod servers;

/// A server or a client the workshop's files are made ready for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Software {
    Apache,
    Haproxy,
    Caddy,
    Stunnel,
    Postgres,
    Mosquitto,
    Kubernetes,
    Curl,
    PythonRequests,
    PythonSsl,
    Node,
    Go,
    Java,
    Psql,
    MosquittoPub,
}

/// What a server speaks over TLS, and so which clients reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Https,
    Postgres,
    Mqtt,
}

impl Software {
    /// Client C's side: each requires a client certificate from C's chain and answers "Hello"
    /// with the subject of the certificate it verified.
    pub const SERVERS: [Software; 7] = [
        Software::Apache,
        Software::Haproxy,
        Software::Caddy,
        Software::Stunnel,
        Software::Postgres,
        Software::Mosquitto,
        Software::Kubernetes,
    ];

    /// Client B's side: each presents B's certificate, checks C's server certificate and name,
    /// and prints what the server answered.
    pub const CLIENTS: [Software; 8] = [
        Software::Curl,
        Software::PythonRequests,
        Software::PythonSsl,
        Software::Node,
        Software::Go,
        Software::Java,
        Software::Psql,
        Software::MosquittoPub,
    ];

    pub fn protocol(self) -> Protocol {
        match self {
            Software::Postgres | Software::Psql => Protocol::Postgres,
            Software::Mosquitto | Software::MosquittoPub => Protocol::Mqtt,
            _ => Protocol::Https,
        }
    }

    /// The folder's name, and a stable id for the page.
    pub fn id(self) -> &'static str {
        match self {
            Software::Apache => "apache",
            Software::Haproxy => "haproxy",
            Software::Caddy => "caddy",
            Software::Stunnel => "stunnel",
            Software::Postgres => "postgresql",
            Software::Mosquitto => "mosquitto",
            Software::Kubernetes => "kubernetes",
            Software::Curl => "curl",
            Software::PythonRequests => "python-requests",
            Software::PythonSsl => "python-ssl",
            Software::Node => "node",
            Software::Go => "go",
            Software::Java => "java",
            Software::Psql => "psql",
            Software::MosquittoPub => "mosquitto-pub",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Software::Apache => "Apache httpd with mod_ssl",
            Software::Haproxy => "HAProxy",
            Software::Caddy => "Caddy",
            Software::Stunnel => "stunnel (any TCP service behind TLS)",
            Software::Postgres => "PostgreSQL (certificate authentication)",
            Software::Mosquitto => "Mosquitto (MQTT broker)",
            Software::Kubernetes => "Kubernetes (ingress-nginx and its Secret)",
            Software::Curl => "curl",
            Software::PythonRequests => "Python requests",
            Software::PythonSsl => "Python's ssl module",
            Software::Node => "Node.js https",
            Software::Go => "Go crypto/tls",
            Software::Java => "Java (keytool and a single-file client)",
            Software::Psql => "psql (for PostgreSQL)",
            Software::MosquittoPub => "mosquitto_pub and mosquitto_sub (for Mosquitto)",
        }
    }

    pub fn is_server(self) -> bool {
        Software::SERVERS.contains(&self)
    }

    pub fn from_id(id: &str) -> Option<Software> {
        Software::SERVERS
            .into_iter()
            .chain(Software::CLIENTS)
            .find(|s| s.id() == id)
    }

    /// The folder inside the tree and the zip.
    pub fn folder(self) -> String {
        format!("use-elsewhere/{}", self.id())
    }
}

/// The tree's files a folder copies, by their paths in the workshop's layout.
pub mod paths {
    pub const C_SERVER_CERT: &str = "client_c_ca/certs/client_c_server.crt";
    pub const C_SERVER_KEY: &str = "client_c_ca/private/client_c_server.key";
    pub const C_INTERMEDIATE: &str = "client_c_ca/certs/client_c_intermediate_ca.crt";
    pub const C_ROOT: &str = "client_c_ca/certs/client_c_root_ca.crt";
    pub const C_CHAIN: &str = "client_c_ca/certs/client_c_ca_chain.crt";
    pub const B_CERT: &str = "client_b_cert/client_b_signed_by_client_c.crt";
    pub const B_KEY: &str = "client_b_cert/client_b.key";
}

/// What a folder is made from: the tree's files as they download (keys encrypted or plain, as
/// the user chose) and the settings that name the server.
struct Tree<'a> {
    files: &'a [ExportFile],
    settings: &'a Settings,
}

impl Tree<'_> {
    fn get(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.as_str())
    }

    /// C's server certificate followed by the CAs between it and the root.
    fn server_fullchain(&self) -> Option<String> {
        Some(format!(
            "{}{}",
            self.get(paths::C_SERVER_CERT)?,
            self.get(paths::C_INTERMEDIATE).unwrap_or_default()
        ))
    }

    /// B's certificate followed by C's intermediate, which signed it, so that a server holding
    /// only C's root can complete the chain.
    fn client_fullchain(&self) -> Option<String> {
        Some(format!(
            "{}{}",
            self.get(paths::B_CERT)?,
            self.get(paths::C_INTERMEDIATE).unwrap_or_default()
        ))
    }

    /// The name the clients connect to and the server certificate names.
    fn server_name(&self) -> String {
        self.settings.server_name()
    }

    /// B's certificate's common name: PostgreSQL's user, Mosquitto's username.
    fn client_name(&self) -> String {
        self.settings.b_client.subject.get("CN").to_string()
    }
}

/// One file of a folder.
fn file(software: Software, name: &str, contents: impl Into<String>) -> ExportFile {
    ExportFile {
        path: format!("{}/{name}", software.folder()),
        contents: contents.into(),
    }
}

/// The lines of `run.sh` that turn the folder's key (encrypted or not, as it downloaded) into
/// the unencrypted copy `plain` that software which cannot decrypt keys reads: written with
/// owner-only permissions when the script starts, and never downloaded.
fn decrypt_key(key: &str, plain: &str) -> String {
    format!(
        "# This software cannot open an encrypted key unattended: decrypt a copy, readable by you alone.\n\
         if grep -q ENCRYPTED {key}; then\n  \
         (umask 077; openssl pkey -in {key} -passin env:KEY_PASSPHRASE -out {plain})\n\
         else\n  \
         (umask 077; cp {key} {plain})\n\
         fi\n"
    )
}

/// The folder for `software`: its files from `tree` (the workshop's files as they download),
/// empty until steps 1 to 7 have made them.
pub fn folder(settings: &Settings, tree: &[ExportFile], software: Software) -> Vec<ExportFile> {
    let tree = Tree {
        files: tree,
        settings,
    };
    let made = if software.is_server() {
        servers::folder(&tree, software)
    } else {
        clients::folder(&tree, software)
    };
    made.unwrap_or_default()
}

/// Every folder, for the zip of the whole tree.
pub fn all_folders(settings: &Settings, tree: &[ExportFile]) -> Vec<ExportFile> {
    Software::SERVERS
        .into_iter()
        .chain(Software::CLIENTS)
        .flat_map(|software| folder(settings, tree, software))
        .collect()
}

/// The README.txt of a folder: what it is, the files, how to run it and what success looks like.
fn readme(
    software: Software,
    what: &str,
    files: &[(&str, &str)],
    run: &str,
    success: &str,
) -> String {
    let mut text = format!(
        "{}\n{}\n\n{what}\n\nFiles:\n",
        software.label(),
        "=".repeat(software.label().chars().count())
    );
    for (name, about) in files {
        text.push_str(&format!("  {name:<24} {about}\n"));
    }
    text.push_str(&format!(
        "\nRun:\n{run}\n\nSuccess looks like:\n{success}\n"
    ));
    text
}

/// How every client folder is run, and what it needs of the name.
const CLIENT_RUN: &str = "  export KEY_PASSPHRASE   # the key passphrase chosen in the page, if the keys are encrypted\n  \
    bash run.sh             # PORT=8443 by default; ADDRESS=127.0.0.1 is where the server listens";

/// How every server folder is run.
const SERVER_RUN: &str = "  export KEY_PASSPHRASE   # the key passphrase chosen in the page, if the keys are encrypted\n  \
    bash run.sh             # listens on 127.0.0.1, PORT=8443 by default, until stopped with Ctrl-C";

#[cfg(test)]
mod tests;
