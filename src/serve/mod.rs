//! `tsushin serve`: builds the site in memory, serves it over HTTP (loopback by default),
//! watches the site's files, re-renders what an edit touched and tells the open pages to
//! reload. While the site has errors, pages show them in an overlay until the file is fixed.
//! Nothing is written to disk: the served pages are the bytes `build` would write, plus the
//! reload script.

pub mod http;
pub mod page;
pub mod watch;

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, printable, printable_line};
use crate::printer::{self, counts};
use crate::progress::{Paint, Verbosity};
use crate::site::incremental::{Changes, Live, LiveOptions, Update};
use http::{Admitted, Hub, Response};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    pub today: Option<jiff::civil::Date>,
    pub pdf: bool,
    pub verbosity: Verbosity,
}

/// What the HTTP threads serve: one consistent state of the site.
struct Snapshot {
    generation: u64,
    files: BTreeMap<String, Arc<[u8]>>,
    statics: Arc<BTreeMap<String, Vec<u8>>>,
    assets: Arc<HashSet<String>>,
    pdfs: HashSet<String>,
    diagnostics: Diagnostics,
}

struct Shared {
    root: PathBuf,
    live: Mutex<Live>,
    snapshot: RwLock<Arc<Snapshot>>,
    hub: Hub,
    verbosity: Verbosity,
    paint: Paint,
    /// Bound to loopback: answer only requests addressed to this computer.
    loopback_only: bool,
    /// The port listened on, which a `Host` header must name if it names one.
    port: u16,
    /// PDFs made on request, until the next change.
    pdf_cache: Mutex<BTreeMap<String, Arc<[u8]>>>,
}

impl Shared {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn log(&self, line: &str) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{line}");
        }
    }
}

fn make_snapshot(live: &Live, generation: u64, previous: Option<&Snapshot>) -> Snapshot {
    let (statics, assets) = match (live.site(), previous) {
        (Some(site), Some(prev))
            if prev.statics.len() == site.theme.static_files.len()
                && prev
                    .statics
                    .iter()
                    .zip(&site.theme.static_files)
                    .all(|(a, b)| a.0 == b.0 && a.1 == b.1) =>
        {
            (
                prev.statics.clone(),
                Arc::new(site.assets.iter().cloned().collect()),
            )
        }
        (Some(site), _) => (
            Arc::new(site.theme.static_files.clone()),
            Arc::new(site.assets.iter().cloned().collect()),
        ),
        (None, _) => (Arc::default(), Arc::default()),
    };
    Snapshot {
        generation,
        files: live.files(),
        statics,
        assets,
        pdfs: live.pdf_paths(),
        diagnostics: live.diagnostics(),
    }
}

/// Runs the preview server until the process is stopped (Ctrl+C).
pub fn run(opts: &ServeOptions) -> Result<(), String> {
    let paint = Paint(crate::progress::color(false));
    if !opts.root.join(crate::config::FILE_NAME).is_file() {
        return Err(format!(
            "no {} in {}: run tsushin serve in the site folder, pass --root DIR, or create a site with `tsushin init DIR`",
            crate::config::FILE_NAME,
            opts.root.display()
        ));
    }
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = TcpListener::bind(addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {} is already in use (is another tsushin serve running?); choose another with --port {}, or --port 0 for any free port",
            opts.port,
            opts.port.wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "this computer has no address {}; use --bind 127.0.0.1",
            opts.bind
        ),
        _ => format!("cannot listen on {addr}: {e}"),
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the server address: {e}"))?;

    let started = Instant::now();
    // Without a watcher the preview still works; it just does not follow edits.
    let watcher = watch::Watch::new(&opts.root, paint).map_err(|e| {
        eprintln!(
            "{} {e}; the preview will not update by itself: restart tsushin serve after editing",
            paint.yellow("warning:")
        );
    });
    let live = Live::new(LiveOptions {
        root: opts.root.clone(),
        drafts: opts.drafts,
        today: opts.today,
        pdf: opts.pdf,
    });
    let snapshot = make_snapshot(&live, 1, None);
    let shared = Arc::new(Shared {
        root: opts.root.clone(),
        live: Mutex::new(live),
        snapshot: RwLock::new(Arc::new(snapshot)),
        hub: Hub::default(),
        verbosity: opts.verbosity,
        paint,
        loopback_only: opts.bind.is_loopback(),
        port: local.port(),
        pdf_cache: Mutex::new(BTreeMap::new()),
    });
    let first = shared.snapshot();
    let pages = first.files.keys().filter(|k| k.ends_with(".html")).count();
    report_problems(&shared, &first.diagnostics, None);
    if opts.verbosity >= Verbosity::Normal {
        eprintln!(
            "Built {pages} pages in memory in {} ms.",
            started.elapsed().as_millis()
        );
    }
    let url = format!("http://{local}/");
    // The address goes to stdout even with --quiet: it is what the command is for.
    println!("Serving the site at {url}");
    if !opts.bind.is_loopback() {
        eprintln!(
            "{} the preview is open to other computers on the network at {url}; use --bind 127.0.0.1 to keep it on this computer",
            paint.yellow("warning:")
        );
    }
    if opts.verbosity >= Verbosity::Normal {
        eprintln!("Watching for changes; press Ctrl+C to stop.");
    }
    if opts.open {
        open_browser(&url);
    }

    if let Ok(mut watcher) = watcher {
        let shared = shared.clone();
        std::thread::spawn(move || {
            let mut generation = 1;
            while let Some(changes) = watcher.wait() {
                generation += 1;
                // A bug in a rebuild must not end live reload: report it and go on.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    rebuild(&shared, &changes, generation)
                }));
                if result.is_err() {
                    eprintln!(
                        "{} tsushin failed while rebuilding (a bug; please report it). Save the file again, or restart tsushin serve.",
                        shared.paint.red("internal error:")
                    );
                }
            }
        });
    }
    serve_http(shared, listener, opts.verbosity >= Verbosity::Normal)
}

/// Serves HTTP on `listener` until the process is stopped: axum on a tokio runtime of two
/// threads; typesetting and file reads run on its blocking threads.
fn serve_http(shared: Arc<Shared>, listener: TcpListener, announce: bool) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tsushin-serve")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the preview server: {e}"))?;
    runtime.block_on(async move {
        let listener = http::Listener::new(listener, shared.paint, announce)
            .map_err(|e| format!("cannot listen: {e}"))?;
        let app = axum::Router::new().fallback(handle).with_state(shared);
        http::serve(listener, app).await;
        Ok(())
    })
}

/// Answers one request: 503 over the connection cap, 403 for a foreign `Host`, the event
/// stream, or a file of the site.
async fn handle(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    axum::Extension(admitted): axum::Extension<Admitted>,
    req: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let close = |resp: Response| resp.header("Connection", "close").into_response();
    if !admitted.0 {
        return close(Response::text(
            503,
            "too many connections; close some tabs of the preview",
        ));
    }
    let host = req
        .headers()
        .get(axum::http::header::HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).to_ascii_lowercase())
        .unwrap_or_default();
    if shared.loopback_only && !http::is_loopback_host(&host, shared.port) {
        return close(Response::text(
            403,
            "this preview answers only addresses of this computer, e.g. http://127.0.0.1/ or http://localhost/",
        ));
    }
    let method = req.method().as_str().to_owned();
    let target = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    if req.uri().path() == page::EVENTS_PATH && method == "GET" {
        let generation = shared.snapshot().generation;
        return shared.hub.subscribe(generation).into_response();
    }
    let started = Instant::now();
    let verbose = shared.verbosity == Verbosity::Verbose;
    let resp = {
        let (method, target) = (method.clone(), target.clone());
        tokio::task::spawn_blocking(move || respond(&shared, &method, &target))
            .await
            .unwrap_or_else(|_| Response::text(500, "internal error"))
    };
    if verbose {
        eprintln!(
            "    {} {} → {} ({} bytes, {} ms)",
            printable(&method),
            printable(&target),
            resp.status,
            resp.body.len(),
            started.elapsed().as_millis()
        );
    }
    resp.into_response()
}

/// Applies `changes`, publishes the new state and tells the browsers to reload.
fn rebuild(shared: &Shared, changes: &Changes, generation: u64) {
    let started = Instant::now();
    let (update, snapshot) = {
        let mut live = shared.live.lock().unwrap_or_else(|e| e.into_inner());
        let update = live.update(changes);
        let previous = shared.snapshot();
        let snap = make_snapshot(&live, generation, Some(&previous));
        (update, snap)
    };
    let took = started.elapsed();
    let previous = shared.snapshot();
    let problems_changed =
        previous.diagnostics.clone().into_sorted() != snapshot.diagnostics.clone().into_sorted();
    if !update.changed && !problems_changed {
        return;
    }
    shared
        .pdf_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clear();
    let snapshot = Arc::new(snapshot);
    *shared.snapshot.write().unwrap_or_else(|e| e.into_inner()) = snapshot.clone();
    let data = format!(
        "{{\"generation\":{generation},\"errors\":{},\"changed\":{}}}",
        snapshot.diagnostics.error_count(),
        serde_json::to_string(&update.rendered).unwrap_or_else(|_| "[]".into())
    );
    let listeners = shared.hub.broadcast("reload", &data);
    log_rebuild(shared, changes, &update, took, listeners);
    if problems_changed {
        report_problems(shared, &snapshot.diagnostics, Some(&previous.diagnostics));
    }
}

fn log_rebuild(
    shared: &Shared,
    changes: &Changes,
    update: &Update,
    took: Duration,
    listeners: usize,
) {
    let what: Vec<String> = if changes.full {
        vec!["site settings or theme".into()]
    } else {
        // Files that are still there (an editor's temporary files come and go).
        let mut there: Vec<String> = changes
            .content
            .iter()
            .filter(|c| shared.root.join("content").join(c).exists())
            .map(|c| format!("content/{c}"))
            .collect();
        if there.len() > 3 {
            let more = there.len() - 3;
            there.truncate(3);
            there.push(format!("and {more} more"));
        }
        if there.is_empty() {
            there.push("content/ (files removed)".into());
        }
        there
    };
    let pages = if update.full {
        "the whole site".to_owned()
    } else {
        format!(
            "{} file{}",
            update.rendered.len(),
            if update.rendered.len() == 1 { "" } else { "s" }
        )
    };
    shared.log(&format!(
        "{} {} → rendered {pages} in {} ms, reloading {listeners} page{}",
        shared.paint.green("changed:"),
        printable_line(&what.join(", ")),
        took.as_millis(),
        if listeners == 1 { "" } else { "s" }
    ));
    if shared.verbosity == Verbosity::Verbose {
        for f in &update.rendered {
            eprintln!("    rendered {}", printable(f));
        }
        for f in &update.removed {
            eprintln!("    removed {}", printable(f));
        }
    }
}

/// Prints the site's problems when they changed: errors always, warnings unless --quiet.
fn report_problems(shared: &Shared, now: &Diagnostics, before: Option<&Diagnostics>) {
    let quiet = shared.verbosity == Verbosity::Quiet;
    if now.is_empty() {
        if before.is_some_and(|b| !b.is_empty()) && !quiet {
            eprintln!("{} no problems left.", shared.paint.green("fixed:"));
        }
        return;
    }
    for d in now.clone().into_sorted() {
        if quiet && !d.is_error() {
            continue;
        }
        eprint!("{}", printer::line(&d, shared.paint));
    }
    if now.has_errors() {
        eprintln!(
            "{} {} — the browser shows them until they are fixed.",
            shared.paint.red("the site has problems:"),
            counts(now)
        );
    } else if !quiet {
        eprintln!("{}", counts(now));
    }
}

fn html(status: u16, body: Vec<u8>) -> Response {
    Response::new(status, "text/html; charset=utf-8", body)
}

/// The answer to one GET or HEAD request.
fn respond(shared: &Shared, method: &str, target: &str) -> Response {
    if method != "GET" && method != "HEAD" {
        return Response::text(405, "the preview only answers GET and HEAD")
            .header("Allow", "GET, HEAD");
    }
    let snap = shared.snapshot();
    let script = page::reload_script(snap.generation);
    let Some(rel) = page::output_path(target) else {
        return Response::text(400, "bad path");
    };
    let is_page = rel.ends_with(".html");
    if is_page && snap.diagnostics.has_errors() {
        let overlay = page::overlay(&shared.root, &snap.diagnostics);
        let extra = format!("{overlay}{script}");
        let body = match snap.files.get(&rel) {
            Some(bytes) => page::inject(bytes, &extra),
            None => page::standalone("Errors — tsushin preview", &extra).into_bytes(),
        };
        return html(500, body);
    }
    if let Some(bytes) = snap.files.get(&rel) {
        if is_page {
            return html(200, page::inject(bytes, &script));
        }
        return Response::new(200, page::content_type(&rel), bytes.clone());
    }
    if snap.assets.contains(&rel) {
        // The same rule as `build`: inside content/ once symbolic links are resolved.
        let path = crate::site::resolve::file_in(&shared.root.join("content"), &rel);
        return match path.map(std::fs::read) {
            Ok(Ok(bytes)) => Response::new(200, page::content_type(&rel), bytes),
            _ => not_found(&rel, &script),
        };
    }
    if let Some(bytes) = snap.statics.get(&rel) {
        return Response::new(200, page::content_type(&rel), bytes.as_slice());
    }
    if snap.pdfs.contains(&rel) {
        return pdf(shared, &rel, &script);
    }
    // `/events` → `/events/`, so that the page's relative links work.
    let folder_index = format!("{rel}/index.html");
    if !is_page && snap.files.contains_key(&folder_index) {
        let target = target.split(['?', '#']).next().unwrap_or("/");
        return Response::new(301, "text/plain; charset=utf-8", &b"moved"[..])
            .header("Location", format!("{target}/"));
    }
    not_found(&rel, &script)
}

fn not_found(rel: &str, script: &str) -> Response {
    html(404, page::inject(page::not_found(rel).as_bytes(), script))
}

/// A PDF, typeset when its link is opened and kept until the next change.
fn pdf(shared: &Shared, rel: &str, script: &str) -> Response {
    if let Some(bytes) = shared
        .pdf_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(rel)
    {
        return Response::new(200, "application/pdf", bytes.clone());
    }
    let started = Instant::now();
    let result = {
        let mut live = shared.live.lock().unwrap_or_else(|e| e.into_inner());
        live.render_pdf(rel)
    };
    match result {
        Some(Ok(bytes)) => {
            let bytes: Arc<[u8]> = bytes.into();
            shared
                .pdf_cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(rel.to_owned(), bytes.clone());
            shared.log(&format!(
                "made {rel} in {} ms",
                started.elapsed().as_millis()
            ));
            Response::new(200, "application/pdf", bytes)
        }
        Some(Err(mut diags)) => {
            if diags.is_empty() {
                diags.push(
                    Diagnostic::error(
                        crate::diag::Location::file(Path::new(rel)),
                        "the PDF could not be made: the PDF fonts or style did not load",
                    )
                    .help("see the problems printed when the preview started"),
                );
            }
            let overlay = page::overlay(&shared.root, &diags);
            html(
                500,
                page::standalone("PDF error — tsushin preview", &format!("{overlay}{script}"))
                    .into_bytes(),
            )
        }
        None => not_found(rel, script),
    }
}

/// Opens `url` in the default browser; a failure is only a warning.
fn open_browser(url: &str) {
    let result = if cfg!(target_os = "windows") {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = result {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}
