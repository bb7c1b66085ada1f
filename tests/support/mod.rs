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

/// A background `openssl s_server`, killed on drop, whose output can be read.
pub struct Server {
    child: std::process::Child,
    log: PathBuf,
}

impl Server {
    /// Starts `script` (the app's s_server block, with its port replaced) and waits until it listens.
    pub fn start(dir: &Path, script: &str, port: u16) -> Server {
        let log = dir.join(format!("s_server-{port}.log"));
        use std::os::unix::process::CommandExt;
        let child = Command::new("bash")
            .arg("-c")
            .arg(format!("exec > {} 2>&1\n{script}", log.display()))
            .process_group(0)
            .current_dir(dir)
            .env("KEY_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "s_server did not start:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, log }
    }

    /// Everything the server printed so far, after giving it a moment to flush.
    pub fn output(&self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The script's shell and its openssl share one process group; stop both.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// Sends a line through an s_client script and reports whether the server received it.
pub fn client_reaches_server(
    dir: &Path,
    script: &str,
    server: &Server,
    line: &str,
) -> (bool, String) {
    let output = bash(
        dir,
        &format!("{{ echo {line}; sleep 1; }} | (\n{script}\n)"),
        "",
    );
    let server_log = server.output();
    (
        server_log.contains(line),
        format!("s_client:\n{}\ns_server:\n{}", text(&output), server_log),
    )
}
