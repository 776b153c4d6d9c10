//! `inquest serve` started as a real process on a free port, driven over raw HTTP.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::*;

fn start(root: &Path) -> ServeProcess {
    let server = serve(root);
    wait_for(
        || get(server.port, "/").map(|r| r.0 == 200).unwrap_or(false),
        "the server to answer",
    );
    server
}

fn wait_for(mut ok: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

/// A raw GET, so paths are sent exactly as written (`/../x` included).
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    crate::support::http_request(port, path)
}

#[test]
fn serves_pages_with_the_live_script_and_a_404_page() {
    let (_t, root) = site("basic");
    let server = start(&root);
    let (status, body) = get(server.port, "/").unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains("/__inquest/live.js"),
        "the live script is injected"
    );
    let (status, body) = get(server.port, "/postmortems/login-errors/").unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains("id=\"inquest-panel\""),
        "the writer's panel is on postmortem pages"
    );
    assert!(body.contains("What inquest read from content/2024/login-errors.txt"));
    let (status, body) = get(server.port, "/no/such/page/").unwrap();
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    let (status, _) = get(server.port, "/__inquest/live.js").unwrap();
    assert_eq!(status, 200);
}

#[test]
fn traversal_attempts_are_refused() {
    let (_t, root) = site("basic");
    std::fs::write(root.parent().unwrap().join("secret.txt"), "top secret").unwrap();
    let server = start(&root);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/postmortems/..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
    ] {
        let (status, body) = get(server.port, path).unwrap();
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("top secret"), "{path}");
    }
}

#[test]
fn an_edit_is_served_and_announced_and_a_broken_file_shows_the_overlay() {
    let (_t, root) = site("basic");
    let server = start(&root);
    // Listen for events before editing.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(events, "GET /__inquest/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut lines = BufReader::new(events).lines();
    std::thread::sleep(Duration::from_millis(300));

    let file = retitle_db_failover(&root);
    let page = "/postmortems/2024-06-20-db-failover/";
    wait_for(
        || {
            get(server.port, page)
                .unwrap()
                .1
                .contains("Replica promotion stalled")
        },
        "the edit to be served",
    );
    // The first reload event names the edited page (pages showing others stay put); the
    // lists follow from the derived-pages worker.
    let mut reloads = Vec::new();
    let mut last_event = String::new();
    for l in lines.by_ref().take(400).map_while(Result::ok) {
        if let Some(e) = l.strip_prefix("event: ") {
            last_event = e.to_string();
        } else if let Some(d) = l.strip_prefix("data: ") {
            if last_event == "reload" {
                reloads.push(d.to_string());
                if d.contains("\"index.html\"") {
                    break;
                }
            }
        }
    }
    assert!(
        reloads
            .first()
            .is_some_and(|d| d.contains("postmortems/2024-06-20-db-failover/index.html")),
        "the first reload names the edited page: {reloads:?}"
    );
    assert!(
        !reloads[0].contains("\"index.html\""),
        "the page edit alone does not reload the home page: {reloads:?}"
    );
    assert!(
        reloads.iter().any(|d| d.contains("\"index.html\"")),
        "the home page's list changed and is announced: {reloads:?}"
    );
    wait_for(
        || {
            get(server.port, "/")
                .unwrap()
                .1
                .contains("Replica promotion stalled")
        },
        "the home page to list the new title",
    );

    // A broken file: the overlay payload names it, and the last good page is still served.
    let bad = root.join("content/2024/broken.md");
    std::fs::write(&bad, "+++\ntitle = \"unclosed\n+++\n").unwrap();
    wait_for(
        || {
            get(server.port, "/__inquest/state")
                .unwrap()
                .1
                .contains("content/2024/broken.md:2")
        },
        "the failure state",
    );
    let (status, body) = get(server.port, page).unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("Replica promotion stalled"));
    // Fixing it clears the overlay.
    std::fs::remove_file(&bad).unwrap();
    wait_for(
        || {
            get(server.port, "/__inquest/state")
                .unwrap()
                .1
                .contains("\"errors\":[]")
        },
        "the failure to clear",
    );

    // Deleting a postmortem removes its page.
    std::fs::remove_file(&file).unwrap();
    wait_for(
        || get(server.port, page).unwrap().0 == 404,
        "the deleted page to go",
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let (_t, root) = site("basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = inquest(
        &[
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("--port"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let (_t, root) = site("basic");
    let mut server = start(&root);
    // SAFETY: sending SIGINT to our own child process.
    unsafe {
        libc::kill(server.child.id() as i32, libc::SIGINT);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn build_output_never_carries_the_serve_script() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    for (rel, bytes) in snapshot(&public) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__inquest"),
            "{rel}"
        );
    }
}

#[test]
fn serve_previews_either_edition() {
    let (_t, root) = site("editions");
    let public = start(&root);
    let internal = serve_with(&root, &["--edition", "internal"]);
    wait_for(
        || get(internal.port, "/").map(|r| r.0 == 200).unwrap_or(false),
        "the internal preview to answer",
    );
    let page = "/postmortems/2024-03-05-cache-stampede/";
    let (status, body) = get(public.port, page).unwrap();
    assert_eq!(status, 200);
    assert!(!body.to_lowercase().contains("sentinelinternal"), "{body}");
    let (status, body) = get(internal.port, page).unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("SentinelInternal04"));
    assert!(body.contains("class=\"internal\" role=\"note\""));
    let vault = "/postmortems/2024-08-14-vault-leak/";
    assert_eq!(get(public.port, vault).unwrap().0, 404);
    assert_eq!(get(internal.port, vault).unwrap().0, 200);
}

/// The body of a GET, as bytes (`Content-Length` or chunked).
fn get_bytes(port: u16, path: &str) -> Vec<u8> {
    use std::io::Read;
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{path}: {head}");
    let mut body = &buf[split + 4..];
    if !head.contains("transfer-encoding: chunked") {
        return body.to_vec();
    }
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 2 + size + 2..];
    }
}

#[test]
fn serves_the_search_index_from_memory_as_the_build_writes_it() {
    let (_t, root) = site("basic");
    let built = crate::search::index_files(&build_ok(&root, &[]));
    assert!(built.len() > 5);
    let server = start(&root);
    // The search tier comes after the pages.
    wait_for(
        || {
            get(server.port, "/search-index/manifest.json")
                .map(|r| r.0 == 200)
                .unwrap_or(false)
        },
        "the search index",
    );
    for (path, bytes) in &built {
        assert_eq!(
            &get_bytes(server.port, &format!("/{path}")),
            bytes,
            "{path}"
        );
    }
}
