//! A small HTTP/1.1 server on std's TcpListener, enough for a preview on the author's own
//! computer: GET and HEAD, keep-alive, one thread per connection, and server-sent events for
//! the reload signal. Requests are parsed with httparse.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A request head, as much of it as the preview needs.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/events/a.html?x#y`).
    pub target: String,
    pub keep_alive: bool,
    /// The `Host` header, lower case (empty when missing).
    pub host: String,
}

/// Largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// How long an idle keep-alive connection stays open.
const IDLE: Duration = Duration::from_secs(15);
/// Connections served at once; more get 503 (a browser opens about six).
pub const MAX_CONNECTIONS: usize = 256;

/// Connections held now: pages being served and event streams alike.
static OPEN_CONNECTIONS: AtomicUsize = AtomicUsize::new(0);

/// One of the `MAX_CONNECTIONS` places, held as long as its connection is open (an event
/// stream keeps it until the browser goes away); given back when dropped.
pub struct Slot(());

impl Slot {
    pub fn take() -> Slot {
        OPEN_CONNECTIONS.fetch_add(1, Ordering::SeqCst);
        Slot(())
    }

    /// Connections held now.
    pub fn held() -> usize {
        OPEN_CONNECTIONS.load(Ordering::SeqCst)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        OPEN_CONNECTIONS.fetch_sub(1, Ordering::SeqCst);
    }
}

pub enum ReadError {
    /// The client closed the connection or went idle.
    Closed,
    /// Not HTTP we can answer; the status to send before closing.
    Bad(u16, &'static str),
}

/// Reads one request head from `stream`, keeping bytes that follow it in `buf`.
pub fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Request, ReadError> {
    stream.set_read_timeout(Some(IDLE)).ok();
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let method = req.method.unwrap_or("").to_owned();
                let target = req.path.unwrap_or("/").to_owned();
                let version = req.version.unwrap_or(1);
                let header = |name: &str| {
                    req.headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
                };
                let connection = header("connection").unwrap_or_default();
                let keep_alive = if version == 0 {
                    connection.contains("keep-alive")
                } else {
                    !connection.contains("close")
                };
                let has_body = header("content-length").is_some_and(|l| l.trim() != "0")
                    || header("transfer-encoding").is_some();
                let host = header("host").unwrap_or_default();
                buf.drain(..len);
                return Ok(Request {
                    method,
                    target,
                    // GET and HEAD have no body; anything else is answered and closed.
                    keep_alive: keep_alive && !has_body,
                    host,
                });
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD {
                    return Err(ReadError::Bad(431, "Request Header Fields Too Large"));
                }
            }
            Err(_) => return Err(ReadError::Bad(400, "Bad Request")),
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Whether a `Host` header names this computer exactly: `localhost`, `127.x.x.x` or `[::1]`,
/// optionally followed by `:port` with the server's own `port`. A preview bound to loopback
/// answers only those: a web page elsewhere cannot reach it through a DNS name that points at
/// 127.0.0.1 (DNS rebinding), nor with a look-alike such as `[::1]evil.example`.
pub fn is_loopback_host(host: &str, port: u16) -> bool {
    let (name, rest) = match host.strip_prefix("[::1]") {
        Some(rest) => ("[::1]", rest),
        None => host.split_at(host.find(':').unwrap_or(host.len())),
    };
    let port_ok = rest.is_empty()
        || rest.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse() == Ok(port)
        });
    let name_ok = name == "[::1]"
        || name == "localhost"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.octets()[0] == 127);
    port_ok && name_ok
}

/// A complete response.
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: std::sync::Arc<[u8]>,
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<std::sync::Arc<[u8]>>) -> Self {
        Response {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
            headers: Vec::new(),
        }
    }

    pub fn text(status: u16, text: &str) -> Self {
        Response::new(status, "text/plain; charset=utf-8", text.as_bytes())
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Writes `resp`; the body is left out for HEAD.
pub fn write_response(
    stream: &mut TcpStream,
    resp: &Response,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    for (name, value) in &resp.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.set_write_timeout(Some(Duration::from_secs(30))).ok();
    if head_only {
        stream.write_all(head.as_bytes())?;
    } else {
        let mut all = Vec::with_capacity(head.len() + resp.body.len());
        all.extend_from_slice(head.as_bytes());
        all.extend_from_slice(&resp.body);
        stream.write_all(&all)?;
    }
    stream.flush()
}

/// The browsers listening for reload events (server-sent events).
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<(TcpStream, Slot)>>,
}

impl Hub {
    /// Answers an `EventSource` request and keeps the connection for later events; the first
    /// event tells the page which build generation the server has.
    pub fn subscribe(&self, mut stream: TcpStream, slot: Slot, generation: u64) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
        let hello =
            format!("retry: 500\n\nevent: hello\ndata: {{\"generation\":{generation}}}\n\n");
        stream.set_write_timeout(Some(Duration::from_secs(2))).ok();
        stream.set_nodelay(true).ok();
        if stream.write_all(head.as_bytes()).is_ok()
            && stream.write_all(hello.as_bytes()).is_ok()
            && stream.flush().is_ok()
        {
            self.clients
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((stream, slot));
        }
    }

    /// Drops the listeners whose browser has closed the connection, giving back their slots;
    /// the number left.
    pub fn prune(&self) -> usize {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|(c, _)| {
            if c.set_nonblocking(true).is_err() {
                return false;
            }
            let alive = match c.peek(&mut [0u8; 1]) {
                Ok(n) => n > 0,
                Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
            };
            c.set_nonblocking(false).is_ok() && alive
        });
        clients.len()
    }

    /// Sends `event` with `data` (one line of JSON) to every listener; drops those gone.
    pub fn broadcast(&self, event: &str, data: &str) -> usize {
        let message = if event.is_empty() {
            format!("{data}\n\n")
        } else {
            format!("event: {event}\ndata: {data}\n\n")
        };
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain_mut(|(c, _)| {
            c.write_all(message.as_bytes())
                .and_then(|_| c.flush())
                .is_ok()
        });
        clients.len()
    }

    /// A comment line every few seconds finds closed connections and keeps proxies quiet.
    pub fn heartbeat(&self) {
        self.broadcast("", ": ping");
    }

    pub fn len(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1:1111",
            "localhost:1111",
            "localhost",
            "[::1]:1111",
            "[::1]",
            "127.0.0.2",
        ] {
            assert!(is_loopback_host(h, 1111), "{h}");
        }
        for h in [
            "",
            "evil.example:1111",
            "192.168.0.1:1111",
            "127.0.0.1.evil.example",
            "[::1]evil.example",
            "[::1]:1111evil",
            "localhost:2222",
            "localhost:",
            "localhost:1111:1111",
            "a.localhost:1111",
            "[::2]:1111",
        ] {
            assert!(!is_loopback_host(h, 1111), "{h}");
        }
    }
}
