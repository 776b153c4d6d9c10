//! The HTTP side of `serve`: the only module that knows axum. Serves the last good site from
//! memory, the live-reload script and its event stream. Paths that try to leave the site
//! (`..`, encoded or not) are refused; unknown paths get the site's 404 page.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::panel::{self, EVENTS_PATH, LIVE_JS, LIVE_JS_PATH, STATE_PATH};
use super::{Served, Signal};
use crate::output::Payload;

#[derive(Clone)]
pub struct AppState {
    pub served: Arc<RwLock<Served>>,
    pub tx: broadcast::Sender<Signal>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(LIVE_JS_PATH, get(live_js))
        .route(EVENTS_PATH, get(events))
        .route(STATE_PATH, get(current_state))
        .fallback(get(page))
        .with_state(state)
}

async fn live_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
}

async fn current_state(State(s): State<AppState>) -> impl IntoResponse {
    let json = s
        .served
        .read()
        .map(|g| g.state_json())
        .unwrap_or_else(|_| "{\"errors\":[]}".into());
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
}

async fn events(State(s): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(s.tx.subscribe()).filter_map(|msg| match msg {
        Ok(Signal::Reload(paths)) => Some(Ok(Event::default()
            .event("reload")
            .data(serde_json::to_string(&paths).unwrap_or_else(|_| "[\"*\"]".into())))),
        Ok(Signal::Failed(json)) => Some(Ok(Event::default().event("failed").data(json))),
        Err(_) => None,
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Decodes `%XX` escapes; `None` for invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The site-relative file a request path names, or `Err(status)` when it is refused.
pub fn resolve(raw: &str) -> Result<String, StatusCode> {
    // Decode repeatedly so `%252e%252e` cannot smuggle `..` past the check.
    let mut path = raw.to_string();
    for _ in 0..3 {
        let decoded = percent_decode(&path).ok_or(StatusCode::BAD_REQUEST)?;
        if decoded == path {
            break;
        }
        path = decoded;
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(StatusCode::BAD_REQUEST);
    }
    let trimmed = path.trim_start_matches('/');
    if trimmed.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(StatusCode::BAD_REQUEST);
    }
    if trimmed.is_empty() || trimmed.ends_with('/') {
        Ok(format!("{trimmed}index.html"))
    } else {
        Ok(trimmed.to_string())
    }
}

fn bytes_of(p: &Payload) -> Option<Vec<u8>> {
    match p {
        Payload::Bytes(b) => Some(b.clone()),
        Payload::Copy(path) => std::fs::read(path).ok(),
    }
}

async fn page(State(s): State<AppState>, req: Request<Body>) -> Response {
    let rel = match resolve(req.uri().path()) {
        Ok(r) => r,
        Err(status) => return (status, "refused: the path leaves the site\n").into_response(),
    };
    let Ok(served) = s.served.read() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let found = served.get(&rel).and_then(bytes_of);
    let (status, rel, bytes) = match found {
        Some(b) => (StatusCode::OK, rel, b),
        None => {
            // `/postmortems/x` → `/postmortems/x/`, like a static host does.
            let dir = format!("{rel}/index.html");
            if served.get(&dir).is_some() {
                let to = format!("{}/", req.uri().path());
                return Response::builder()
                    .status(StatusCode::MOVED_PERMANENTLY)
                    .header(header::LOCATION, to)
                    .body(Body::empty())
                    .unwrap_or_default();
            }
            match served.get("404.html").and_then(bytes_of) {
                Some(b) => (StatusCode::NOT_FOUND, "404.html".to_string(), b),
                None => (
                    StatusCode::NOT_FOUND,
                    "404.html".into(),
                    served.placeholder().into_bytes(),
                ),
            }
        }
    };
    let mime = mime_guess::from_path(&rel).first_or_octet_stream();
    let body = if mime.essence_str() == "text/html" {
        let html = String::from_utf8_lossy(&bytes);
        let mut snippet = served.panel(&rel).unwrap_or_default();
        snippet.push_str(&panel::script_tag());
        panel::inject(&html, &snippet).into_bytes()
    } else {
        bytes
    };
    let ctype = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    Response::builder()
        .status(status)
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&ctype)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused_encoded_or_not() {
        for p in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/x",
            "/%2E%2E%2Fsecret",
            "/%252e%252e/x",
            "/a\\..\\b",
            "/./x",
        ] {
            assert_eq!(resolve(p), Err(StatusCode::BAD_REQUEST), "{p}");
        }
    }

    #[test]
    fn paths_map_to_files() {
        assert_eq!(resolve("/").unwrap(), "index.html");
        assert_eq!(resolve("/stats/").unwrap(), "stats/index.html");
        assert_eq!(resolve("/style.css").unwrap(), "style.css");
        assert_eq!(
            resolve("/postmortems/a%20b/").unwrap(),
            "postmortems/a b/index.html"
        );
    }
}
