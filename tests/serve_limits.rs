//! `tsushin serve` at its limits, driven as a real process over real TCP: event streams count
//! toward the connection cap, running out of file descriptors neither spins nor stops the
//! server, a looping symlink in content/ does not stop live reload, and only exact loopback
//! names pass the `Host` check.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// The server's connection cap (`MAX_CONNECTIONS` in src/serve/http.rs).
const CAP: usize = 256;

/// A running `tsushin serve`; stopped when dropped. Its stderr is kept for assertions.
struct Server {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `[prefix…] tsushin serve --root ROOT --port 0`.
    fn start(root: &Path, prefix: &[&str]) -> Server {
        let bin = env!("CARGO_BIN_EXE_tsushin");
        let mut cmd = match prefix.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = cmd
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", "0", "--today", TODAY])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tsushin serve");
        let err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let kept = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("[serve] {line}");
                kept.lock().unwrap().push(line);
            }
        });
        let addr = serve::address(&mut child);
        Server {
            child,
            addr,
            stderr,
        }
    }

    fn port(&self) -> u16 {
        self.addr.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// User plus system CPU time of the server process so far, in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("read /proc/PID/stat");
        // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after.split(' ').collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status of a GET for `/` sent with `Host: host`; `None` when the server does not answer
/// within `timeout`.
fn status_as(addr: &str, host: &str, timeout: Duration) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(timeout)).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    let head = String::from_utf8_lossy(&all);
    head.split_whitespace().nth(1)?.parse().ok()
}

fn status(server: &Server, timeout: Duration) -> Option<u16> {
    status_as(&server.addr, &server.addr, timeout)
}

/// Opens the reload event stream and waits for its first event.
fn subscribe(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect for events");
    write!(
        s,
        "GET /__tsushin/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut seen = Vec::new();
    let mut chunk = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).contains("event: hello") {
        let n = s.read(&mut chunk).expect("read the hello event");
        assert!(
            n > 0,
            "event stream closed: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&chunk[..n]);
    }
    s
}

/// Reads the stream until a `reload` event arrives or `timeout` passes.
fn wait_for_reload(s: &mut TcpStream, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&chunk[..n]),
        }
        if String::from_utf8_lossy(&seen).contains("event: reload") {
            return true;
        }
    }
    false
}

fn site() -> Fixture {
    Fixture::new(&[(
        "content/newsletters/2021-06-vol01.md",
        &newsletter(1, "2021-06-30", "第１号", "最初の本文です。"),
    )])
}

#[test]
fn event_streams_count_toward_the_connection_cap() {
    let f = site();
    let server = Server::start(&f.root(), &[]);
    let mut streams: Vec<TcpStream> = (0..CAP).map(|_| subscribe(&server.addr)).collect();
    assert_eq!(
        status(&server, Duration::from_secs(20)),
        Some(503),
        "{CAP} open event streams fill the cap; one more page must be refused"
    );
    // Browsers that went away give their place back.
    streams.truncate(CAP - 10);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(status(&server, Duration::from_secs(20)), Some(200));
    drop(streams);
}

#[test]
fn running_out_of_file_descriptors_neither_spins_nor_stops_the_server() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("skipped: `prlimit` (util-linux) is not installed");
        return;
    }
    let f = site();
    let server = Server::start(&f.root(), &["prlimit", "--nofile=40:40", "--"]);
    assert_eq!(status(&server, Duration::from_secs(20)), Some(200));
    // Far more idle connections than descriptors: the rest wait in the listen queue and
    // `accept` fails with EMFILE.
    let held: Vec<TcpStream> = (0..80)
        .filter_map(|_| TcpStream::connect(&server.addr).ok())
        .collect();
    assert!(held.len() >= 60, "only {} connections opened", held.len());
    std::thread::sleep(Duration::from_millis(500));
    // A spinning accept loop takes a whole core (100 ticks a second, fewer on a busy machine);
    // waiting between tries takes next to nothing.
    let before = server.cpu_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let used = server.cpu_ticks() - before;
    eprintln!("CPU while out of descriptors: {used} ticks in 2 s");
    assert!(
        used <= 10,
        "the server used {used} ticks of CPU in two seconds while it could not accept"
    );
    assert!(
        server.stderr().contains("cannot accept a connection"),
        "the accept error should be reported:\n{}",
        server.stderr()
    );
    // Once the connections close it answers again.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = None;
    while Instant::now() < deadline {
        last = status(&server, Duration::from_secs(5));
        if last == Some(200) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(last, Some(200), "{}", server.stderr());
}

#[test]
fn a_looping_symlink_in_content_does_not_stop_live_reload() {
    let f = site();
    std::fs::create_dir_all(f.root().join("content/loop")).unwrap();
    std::os::unix::fs::symlink("../loop", f.root().join("content/loop/again")).unwrap();
    std::os::unix::fs::symlink("self", f.root().join("content/self")).unwrap();
    let server = Server::start(&f.root(), &[]);
    let mut events = subscribe(&server.addr);
    f.write(
        "content/newsletters/2021-06-vol01.md",
        &newsletter(1, "2021-06-30", "第１号", "書き直した本文です。"),
    );
    assert!(
        wait_for_reload(&mut events, Duration::from_secs(20)),
        "an edit must still reload the page:\n{}",
        server.stderr()
    );
    let err = server.stderr();
    assert!(
        err.contains("content/loop/again") || err.contains("content/self"),
        "the symlink that cannot be watched should be reported:\n{err}"
    );
}

#[test]
fn only_exact_loopback_names_pass_the_host_check() {
    let f = site();
    let server = Server::start(&f.root(), &[]);
    let port = server.port();
    let t = Duration::from_secs(20);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_owned(),
        format!("[::1]:{port}"),
        "127.1.2.3".to_owned(),
    ] {
        assert_eq!(status_as(&server.addr, &host, t), Some(200), "Host: {host}");
    }
    for host in [
        "[::1]evil.example".to_owned(),
        format!("[::1]:{port}.evil.example"),
        format!("localhost:{port}@evil.example"),
        format!("localhost:{}", port.wrapping_add(1)),
        format!("evil.localhost:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        "[::ffff:127.0.0.1]".to_owned(),
    ] {
        assert_eq!(status_as(&server.addr, &host, t), Some(403), "Host: {host}");
    }
}
