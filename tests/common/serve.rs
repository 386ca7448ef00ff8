//! Starting `tsushin serve` in a test: once it listens, the preview prints
//! `Serving the site at http://127.0.0.1:PORT/` as its first line on stdout. These helpers
//! wait for that line (and keep draining stdout so the server never blocks on a full pipe)
//! and stop the server when a test ends, passed or failed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `tsushin serve --port 0 --root ROOT` without colours and with stdout piped (for the
/// address line); the caller adds its own arguments and says what happens to stderr.
pub fn command(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tsushin"));
    cmd.args(["serve", "--port", "0", "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped());
    cmd
}

/// The address (`127.0.0.1:PORT`) a `tsushin serve` child started with stdout piped listens
/// on, from its first line (waited for up to 60 s); the rest of stdout is read on a thread.
pub fn address(child: &mut Child) -> String {
    let stdout = child
        .stdout
        .take()
        .expect("serve started with stdout piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed its address");
    line.strip_prefix("Serving the site at http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .trim_end_matches('/')
        .to_owned()
}

/// A child process killed and reaped when dropped, so a failing test leaves no server behind.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
