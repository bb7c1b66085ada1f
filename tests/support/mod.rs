//! Helpers shared by the native tests that drive the real openssl CLI.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const PASSPHRASE: &str = "workshop passphrase";

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).unwrap();
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("mtls-lab-{tag}-{name}"));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, relative: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs openssl (or any command) in `dir`, returning its output.
pub fn run_in(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("KEY_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs openssl and insists it succeeds.
pub fn openssl_ok(dir: &Path, args: &[&str]) -> String {
    let output = run_in(dir, "openssl", args);
    assert!(
        output.status.success(),
        "openssl {} failed:\n{}",
        args.join(" "),
        text(&output)
    );
    text(&output)
}

/// Runs a bash script in `dir` with KEY_PASSPHRASE set and `stdin` fed to it.
pub fn bash(dir: &Path, script: &str, stdin: &str) -> Output {
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!("set -euo pipefail\n{script}"))
        .current_dir(dir)
        .env("KEY_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A background server (`openssl s_server`, nginx), killed on drop, whose output can be read.
pub struct Server {
    child: std::process::Child,
    log: PathBuf,
    pub port: u16,
}

/// An upper bound only: every wait ends as soon as the text it waits for appears, so a loaded
/// machine (RSA-4096 keys opened while other builds run) gets time without slowing a quick one.
const PATIENCE: Duration = Duration::from_secs(60);

fn spawn_logged(dir: &Path, script: &str, log: &Path) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    Command::new("bash")
        .arg("-c")
        .arg(format!("exec > {} 2>&1\n{script}", log.display()))
        .process_group(0)
        .current_dir(dir)
        .env("KEY_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap()
}

impl Server {
    /// Starts an `s_server` script, with its `-accept 8443` turned into `-accept 0` so the OS
    /// picks a free port, and waits for the `ACCEPT [::]:PORT` line that names it.
    pub fn s_server(dir: &Path, script: &str) -> Server {
        assert!(script.contains("-accept 8443"), "{script}");
        let script = script.replace("-accept 8443", "-accept 0");
        let mut random = [0u8; 4];
        getrandom::fill(&mut random).unwrap();
        let log = dir.join(format!("s_server-{}.log", u32::from_le_bytes(random)));
        let child = spawn_logged(dir, &script, &log);
        let mut server = Server {
            child,
            log,
            port: 0,
        };
        let accept = server.wait_for_line(|line| line.starts_with("ACCEPT "));
        let accept = accept.unwrap_or_else(|| panic!("s_server did not start:\n{}", server.log()));
        server.port = accept
            .rsplit(':')
            .next()
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("no port in {accept:?}"));
        server
    }

    /// Starts a server on a port chosen beforehand (nginx cannot take one from the OS and
    /// report it). `script_for(port)` gives its script, and `ready` the file the server writes
    /// once it has bound its port (nginx's pid file). If another process took the port in
    /// between, the server exits without writing it, and another port is tried.
    pub fn on_free_port(
        dir: &Path,
        script_for: impl Fn(u16) -> String,
        ready: impl Fn(u16) -> PathBuf,
    ) -> Server {
        for _ in 0..5 {
            let port = free_port();
            let log = dir.join(format!("server-{port}.log"));
            let child = spawn_logged(dir, &script_for(port), &log);
            let mut server = Server { child, log, port };
            let deadline = Instant::now() + PATIENCE;
            loop {
                let bound = ready(port).exists()
                    && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
                if bound {
                    return server;
                }
                if server.child.try_wait().ok().flatten().is_some() {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the server did not start:\n{}",
                    server.log()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("no free port could be bound in five tries");
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the server has printed `text`, for at most 60 seconds.
    pub fn wait_for(&self, text: &str) -> bool {
        self.wait_for_line(|line| line.contains(text)).is_some()
    }

    fn wait_for_line(&self, found: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(line) = self.log().lines().find(|l| found(l)) {
                return Some(line.to_string());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The script's shell and its server share one process group; stop both.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// A client script running in the background with a line on its standard input, which stays
/// open (as a terminal's would) until the client is dropped.
pub struct Client {
    child: std::process::Child,
    _stdin: std::process::ChildStdin,
    log: PathBuf,
}

impl Client {
    pub fn start(dir: &Path, script: &str, line: &str) -> Client {
        let mut random = [0u8; 4];
        getrandom::fill(&mut random).unwrap();
        let log = dir.join(format!("client-{}.log", u32::from_le_bytes(random)));
        let mut child = spawn_logged(dir, script, &log);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        Client {
            child,
            _stdin: stdin,
            log,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// Waits until `done(client_log, server_log)` holds, for at most 60 seconds. Returns the two
/// logs and whether it held: the decision rests on what the tools printed, not on a pause.
pub fn wait_until(
    client: &Client,
    server: &Server,
    done: impl Fn(&str, &str) -> bool,
) -> (bool, String, String) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (c, s) = (client.log(), server.log());
        if done(&c, &s) {
            return (true, c, s);
        }
        if Instant::now() >= deadline {
            return (false, c, s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A revocation row's setup with C's root CRL added too, which speaks for the intermediate:
/// the fix of the "no CRL for the intermediate" row.
pub fn with_root_crl(
    setup: &mtls_lab::workshop::lab::Setup,
    workshop: &mtls_lab::workshop::Workshop,
) -> mtls_lab::workshop::lab::Setup {
    use mtls_lab::pki::crl::{self, CrlTemplate};
    use mtls_lab::workshop::Party;
    let root_crl = crl::issue(
        workshop.certificate(Party::CRoot).unwrap(),
        workshop.key(Party::CRoot).unwrap(),
        &CrlTemplate {
            revoked: &[],
            number: 1,
            now: mtls_lab::clock::unix_now(),
            days: 7,
        },
    )
    .unwrap();
    let mut fixed = setup.clone();
    fixed
        .server
        .revocation
        .as_mut()
        .expect("the row checks revocation")
        .crls
        .push(root_crl);
    fixed
}
