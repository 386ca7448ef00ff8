//! `tsushin serve` driven as the author uses it: the real binary on a free loopback port,
//! pages fetched over real HTTP, files edited on disk, reload events read from the
//! server-sent-events stream the pages listen to.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A running `tsushin serve`; stopped when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let mut child = serve::command(root)
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tsushin serve");
        let stderr = child.stderr.take().unwrap();
        // Keep draining stderr so the server never blocks on a full pipe; echo it for failures.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[serve] {line}");
            }
        });
        let addr = serve::address(&mut child);
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        Server { child, addr }
    }

    fn get(&self, path: &str) -> Reply {
        get(&self.addr, path)
    }

    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(&self.addr).expect("connect for events");
        write!(
            stream,
            "GET /__tsushin/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut ev = Events {
            stream,
            buf: Vec::new(),
        };
        let hello = ev.next_event(Duration::from_secs(10)).expect("hello event");
        assert_eq!(hello.0, "hello", "{hello:?}");
        ev
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One GET over a fresh connection.
fn get(addr: &str, path: &str) -> Reply {
    get_as(addr, addr, path)
}

/// One GET with the `Host` header `host`.
fn get_as(addr: &str, host: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("read reply");
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("reply head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    Reply {
        status,
        head,
        body: all[split + 4..].to_vec(),
    }
}

/// The reload events stream.
struct Events {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Events {
    /// The next event (name, data), skipping comments; `None` on timeout.
    fn next_event(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buf.drain(..end + 2).collect();
                let block = String::from_utf8_lossy(&block).into_owned();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event: ") {
                        name = n.to_owned();
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data = d.to_owned();
                    }
                }
                if name.is_empty() {
                    continue; // the response head, `retry:` or a heartbeat comment
                }
                return Some((name, data));
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    // The HTTP head ends with \r\n\r\n: normalise so it splits like an event.
                    let text = String::from_utf8_lossy(&self.buf).replace("\r\n", "\n");
                    self.buf = text.into_bytes();
                }
                Err(_) => return None,
            }
        }
    }

    /// Waits for the next `reload` event and returns its data.
    fn reload(&mut self) -> String {
        loop {
            match self.next_event(Duration::from_secs(20)) {
                Some((name, data)) if name == "reload" => return data,
                Some(_) => continue,
                None => panic!("no reload event within 20 s"),
            }
        }
    }
}

/// The page without the reload script the server adds.
fn without_script(html: &str) -> String {
    let start = html
        .find("<script id=\"tsushin-reload\">")
        .expect("the served page has the reload script");
    let end = start + html[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &html[..start], &html[end..])
}

/// Replaces `from` by `to` in a file, the way an editor saves: write a new file, rename it over.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    let tmp: PathBuf = path.with_extension("md.tmp~");
    std::fs::write(&tmp, text.replacen(from, to, 1)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn url_of(rel: &str) -> String {
    format!("/{}", tsushin::site::links::encode_path(rel))
}

#[test]
fn served_pages_are_the_bytes_build_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = tmp.path().join("out");
    copy_example(&site);
    let built = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let server = Server::start(&site, &["--today", "2026-11-23"]);

    let files = snapshot(&out);
    let mut pdfs = 0;
    for (rel, bytes) in &files {
        if rel == ".tsushin-output" {
            continue;
        }
        // Every PDF is typeset on request; two are enough to show they match the build's.
        if rel.ends_with(".pdf") {
            pdfs += 1;
            if pdfs > 2 {
                continue;
            }
        }
        let reply = server.get(&url_of(rel));
        assert_eq!(reply.status, 200, "{rel}: {}", reply.head);
        if rel.ends_with(".html") {
            let served = without_script(&reply.text());
            assert!(
                served.as_bytes() == bytes.as_slice(),
                "{rel} differs from the build's"
            );
            assert!(reply.head.contains("text/html"), "{rel}: {}", reply.head);
        } else {
            assert!(reply.body == *bytes, "{rel} differs from the build's");
        }
    }
    assert!(pdfs > 0, "the example site has PDFs");
    assert!(
        files.contains_key("static/style.css") && files.contains_key("feed.xml"),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
    // `/` is the home page; folders redirect so relative links work; unknown files are 404.
    assert_eq!(
        without_script(&server.get("/").text()).as_bytes(),
        files["index.html"].as_slice()
    );
    let moved = server.get("/events");
    assert_eq!(moved.status, 301);
    assert!(moved.head.contains("Location: /events/"), "{}", moved.head);
    assert_eq!(server.get("/events/").status, 200);
    assert_eq!(server.get("/nothing-here.html").status, 404);
    assert_eq!(server.get("/../site.yaml").status, 400);
    // Bound to loopback, it answers only names of this computer (no DNS rebinding).
    let port = server.addr.rsplit(':').next().unwrap();
    assert_eq!(
        get_as(&server.addr, &format!("localhost:{port}"), "/").status,
        200
    );
    assert_eq!(get_as(&server.addr, "intranet.example.jp", "/").status, 403);
    // The build itself never contains the reload script.
    for (rel, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__tsushin"),
            "{rel} contains the preview's reload script"
        );
    }
}

#[test]
fn edits_reload_the_browser_and_errors_show_until_fixed() {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(
                1,
                "2021-06-30",
                "コーディネーター連絡会通信 第１号",
                "## ごあいさつ\n\n最初の本文です。\n",
            ),
        ),
        (
            "content/newsletters/2021-09-vol02.md",
            &newsletter(
                2,
                "2021-09-30",
                "コーディネーター連絡会通信 第２号",
                "前の号は[第１号](2021-06-vol01.md)です。\n",
            ),
        ),
        (
            "content/events/2021-08-tabunya.md",
            &event(
                "多職種研修会",
                "scheduled",
                "2021-08-23T14:15",
                "2021-08-23T16:15",
                "研修の案内です。",
            ),
        ),
        (
            "content/about.md",
            &page("このサイトについて", "説明です。"),
        ),
    ]);
    let mut server = Server::start(&f.root(), &["--today", TODAY]);
    let issue = f.root().join("content/newsletters/2021-06-vol01.md");
    let issue_url = "/newsletters/2021-06-vol01.html";

    let first = server.get(issue_url);
    assert_eq!(first.status, 200);
    assert!(first.text().contains("最初の本文です。"));
    assert!(first.text().contains("<script id=\"tsushin-reload\">"));

    // An edit: the new text is served and a reload event names the re-rendered pages.
    let mut events = server.events();
    edit(&issue, "最初の本文です。", "書き直した本文です。");
    let data = events.reload();
    let json: serde_json::Value = serde_json::from_str(&data).expect("reload data is JSON");
    let changed: Vec<&str> = json["changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    // Incremental: a change in the body re-renders that page only; the listings show only
    // titles and summaries, so they, the other issue and the training stay as they were.
    // (The search index follows the body: its files that changed are named too.)
    let (search, changed): (Vec<&str>, Vec<&str>) =
        changed.into_iter().partition(|c| c.starts_with("search/"));
    assert_eq!(changed, ["newsletters/2021-06-vol01.html"]);
    assert!(
        !search.is_empty() && search.iter().all(|s| s.ends_with(".js")),
        "{search:?}"
    );
    assert_eq!(json["errors"], 0);
    let after = server.get(issue_url);
    assert_eq!(after.status, 200);
    assert!(after.text().contains("書き直した本文です。"));
    assert!(!after.text().contains("最初の本文です。"));

    // A new title: the page and the pages that list it.
    edit(
        &issue,
        "title: コーディネーター連絡会通信 第１号",
        "title: 連絡会通信 創刊号",
    );
    let data = events.reload();
    let json: serde_json::Value = serde_json::from_str(&data).unwrap();
    let changed: Vec<&str> = json["changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for listed in [
        "newsletters/2021-06-vol01.html",
        "newsletters/index.html",
        "index.html",
        "feed.xml",
    ] {
        assert!(changed.contains(&listed), "{listed} not in {changed:?}");
    }
    assert!(
        !changed.contains(&"newsletters/2021-09-vol02.html"),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"events/2021-08-tabunya.html"),
        "{changed:?}"
    );
    assert!(
        server
            .get("/newsletters/index.html")
            .text()
            .contains("連絡会通信 創刊号")
    );

    // A broken edit: every page shows the error with file, line and column; the server runs on.
    edit(&issue, "number: 1\n", "number: [1\n");
    let data = events.reload();
    // The broken issue, and the link to it from 第２号, which now points nowhere.
    assert!(data.contains("\"errors\":2"), "{data}");
    let broken = server.get(issue_url);
    assert_eq!(broken.status, 500);
    let text = broken.text();
    assert!(text.contains("id=\"tsushin-overlay\""), "{text}");
    assert!(
        text.contains("content/newsletters/2021-06-vol01.md:4:9"),
        "no location in the overlay:\n{text}"
    );
    assert!(text.contains("invalid YAML"), "{text}");
    // The help, and the excerpt of the source, as the terminal printer shows them.
    assert!(
        text.contains("help: check the indentation and that each line is `key: value`"),
        "no help in the overlay:\n{text}"
    );
    assert!(
        text.contains("number: [1"),
        "no excerpt in the overlay:\n{text}"
    );
    assert!(text.contains("<script id=\"tsushin-reload\">"));
    let home = server.get("/");
    assert_eq!(home.status, 500);
    assert!(home.text().contains("2021-06-vol01.md:4:9"));
    assert_eq!(server.get("/static/style.css").status, 200);
    assert!(server.running(), "the server stopped after a broken edit");

    // Fixing it restores the page.
    edit(&issue, "number: [1\n", "number: 1\n");
    let data = events.reload();
    assert!(data.contains("\"errors\":0"), "{data}");
    let fixed = server.get(issue_url);
    assert_eq!(fixed.status, 200);
    assert!(fixed.text().contains("書き直した本文です。"));
    assert!(!fixed.text().contains("tsushin-overlay"));

    // A new page appears in the listing; a deleted one is gone.
    f.write(
        "content/newsletters/2021-12-vol03.md",
        &newsletter(
            3,
            "2021-12-24",
            "コーディネーター連絡会通信 第３号",
            "冬の号です。",
        ),
    );
    events.reload();
    assert!(
        server
            .get("/newsletters/index.html")
            .text()
            .contains("第３号")
    );
    assert_eq!(server.get("/newsletters/2021-12-vol03.html").status, 200);
    f.remove("content/newsletters/2021-12-vol03.md");
    events.reload();
    assert_eq!(server.get("/newsletters/2021-12-vol03.html").status, 404);
    assert!(
        !server
            .get("/newsletters/index.html")
            .text()
            .contains("第３号")
    );

    // A link to a page that went away is an error on the page that links to it.
    f.remove("content/newsletters/2021-06-vol01.md");
    events.reload();
    let linking = server.get("/newsletters/2021-09-vol02.html");
    assert_eq!(linking.status, 500);
    assert!(
        linking
            .text()
            .contains("content/newsletters/2021-09-vol02.md:7:"),
        "{}",
        linking.text()
    );

    // site.yaml changes reload everything.
    f.write(
        "content/newsletters/2021-06-vol01.md",
        &newsletter(
            1,
            "2021-06-30",
            "コーディネーター連絡会通信 第１号",
            "戻しました。",
        ),
    );
    events.reload();
    f.write(
        "site.yaml",
        &SITE_YAML.replace("テスト用 連絡会サイト", "改名したサイト"),
    );
    events.reload();
    assert!(server.get("/").text().contains("改名したサイト"));
    assert!(server.running());
}
