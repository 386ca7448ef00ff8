//! The preview's HTTP side, on axum (hyper underneath, on a small tokio runtime): GET and HEAD,
//! keep-alive, and server-sent events for the reload signal. Header names go out in title
//! case (`Content-Type`), as they always have. What stays tsushin's own is what
//! a preview on the author's computer needs beyond that: the `Host` check against DNS
//! rebinding, a cap on open connections that counts event streams too, and an accept loop
//! that waits instead of spinning when the process runs out of file descriptors.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::broadcast;

use crate::progress::Paint;

/// Connections served at once; more get 503 (a browser opens about six).
pub const MAX_CONNECTIONS: usize = 256;

/// Connections held now: pages being served and event streams alike.
static OPEN_CONNECTIONS: AtomicUsize = AtomicUsize::new(0);

/// One of the `MAX_CONNECTIONS` places, held as long as its connection is open (an event
/// stream keeps it until the browser goes away); given back when dropped.
pub struct Slot(());

impl Slot {
    /// A place if one is free.
    fn take() -> Option<Slot> {
        let mut held = OPEN_CONNECTIONS.load(Ordering::SeqCst);
        loop {
            if held >= MAX_CONNECTIONS {
                return None;
            }
            match OPEN_CONNECTIONS.compare_exchange(
                held,
                held + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Some(Slot(())),
                Err(now) => held = now,
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        OPEN_CONNECTIONS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An accepted connection with its place under the cap; one over the cap has none and is
/// answered 503 (after its request is read, so the browser sees the answer, not a reset).
pub struct Conn {
    stream: tokio::net::TcpStream,
    slot: Option<Slot>,
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Whether the connection a request came on has a place under the cap.
#[derive(Debug, Clone, Copy)]
pub struct Admitted(pub bool);

/// Serves `router` on `listener` until the process ends: one task per connection, each
/// request told (as an `Admitted` extension) whether its connection is under the cap.
pub async fn serve(mut listener: Listener, router: axum::Router) {
    loop {
        let (conn, _) = listener.accept().await;
        let admitted = Admitted(conn.slot.is_some());
        let router = router.clone();
        let service = hyper::service::service_fn(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                use tower_service::Service;
                req.extensions_mut().insert(admitted);
                let mut router = router.clone();
                async move { router.call(req).await }
            },
        );
        tokio::spawn(async move {
            // A client that does not finish sending a request's headers within 15 s loses its
            // connection (and its place under the cap), as a slow or stuck client must.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .title_case_headers(true)
                .serve_connection(hyper_util::rt::TokioIo::new(conn), service)
                .await;
        });
    }
}

/// The listening socket, with the accept loop's own error handling.
pub struct Listener {
    inner: tokio::net::TcpListener,
    paint: Paint,
    /// Wait before the next try after failed accepts; zero while they succeed.
    backoff: Duration,
    /// Say so when accepting works again.
    announce: bool,
}

impl Listener {
    pub fn new(inner: std::net::TcpListener, paint: Paint, announce: bool) -> io::Result<Self> {
        inner.set_nonblocking(true)?;
        Ok(Listener {
            inner: tokio::net::TcpListener::from_std(inner)?,
            paint,
            backoff: Duration::ZERO,
            announce,
        })
    }
}

impl Listener {
    /// The next connection; failures are reported and retried after a wait.
    async fn accept(&mut self) -> (Conn, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    if !self.backoff.is_zero() && self.announce {
                        eprintln!("{} accepting connections again.", self.paint.green("ok:"));
                    }
                    self.backoff = Duration::ZERO;
                    let _ = stream.set_nodelay(true);
                    return (
                        Conn {
                            stream,
                            slot: Slot::take(),
                        },
                        addr,
                    );
                }
                Err(e) => {
                    self.backoff = accept_failed(&e, self.backoff, self.paint);
                    tokio::time::sleep(self.backoff).await;
                }
            }
        }
    }
}

/// Reports a failed `accept` (once per run of failures); the wait before the next try, a
/// little longer each time up to a second: when the process has no file descriptors left,
/// retrying at once would only spin at full CPU without answering anyone.
fn accept_failed(e: &io::Error, backoff: Duration, paint: Paint) -> Duration {
    if backoff.is_zero() && e.kind() != io::ErrorKind::ConnectionAborted {
        let hint = if e.raw_os_error() == Some(24) || e.raw_os_error() == Some(23) {
            "; too many files and connections are open: close some browser tabs, or raise the limit (ulimit -n)"
        } else {
            ""
        };
        eprintln!(
            "{} cannot accept a connection: {e}{hint}; retrying",
            paint.yellow("warning:")
        );
    }
    (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1))
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
    pub body: Arc<[u8]>,
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Arc<[u8]>>) -> Self {
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

impl IntoResponse for Response {
    fn into_response(self) -> axum::response::Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let body = axum::body::Body::from(bytes_of(self.body));
        let mut resp = (status, body).into_response();
        let headers = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&self.content_type) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        resp
    }
}

/// The body bytes without a copy when the response owns the only reference.
fn bytes_of(body: Arc<[u8]>) -> axum::body::Bytes {
    axum::body::Bytes::from_owner(ArcBytes(body))
}

struct ArcBytes(Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The browsers listening for reload events (server-sent events).
pub struct Hub {
    tx: broadcast::Sender<Arc<(String, String)>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            tx: broadcast::channel(16).0,
        }
    }
}

impl Hub {
    /// The event stream of one page: first a `hello` telling the build generation the server
    /// has, then every broadcast event, and a comment every ten seconds that finds closed
    /// connections and keeps proxies quiet. The stream ends when the browser goes away.
    pub fn subscribe(&self, generation: u64) -> impl IntoResponse + use<> {
        let hello = Event::default()
            .retry(Duration::from_millis(500))
            .event("hello")
            .data(format!("{{\"generation\":{generation}}}"));
        let rx = self.tx.subscribe();
        let events = stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(m) => return Some((Event::default().event(&m.0).data(&m.1), rx)),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        let all = stream::once(async move { hello })
            .chain(events)
            .map(Ok::<_, Infallible>);
        sse(all)
    }

    /// Sends `event` with `data` (one line of JSON) to every listener; the number of them.
    pub fn broadcast(&self, event: &str, data: &str) -> usize {
        self.tx
            .send(Arc::new((event.to_owned(), data.to_owned())))
            .unwrap_or(0)
    }
}

fn sse<S>(events: S) -> impl IntoResponse + use<S>
where
    S: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    let keep_alive = KeepAlive::new()
        .interval(Duration::from_secs(10))
        .text("ping");
    (
        [(header::CACHE_CONTROL, "no-store")],
        Sse::new(events).keep_alive(keep_alive),
    )
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
