//! The preview's HTTP side: the site from memory (pages and assets alike,
//! exactly the files a build writes), a server-sent-events endpoint that
//! tells tabs to reload, and the current errors for the overlay. Nothing
//! outside the site is served.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};

use crate::deflated::Deflated;
use crate::model::paths;

const EVENTS_PATH: &str = "/__concord/events";
const ERRORS_PATH: &str = "/__concord/errors";
const LIVE_RELOAD: &str = include_str!("live-reload.js");

/// What the server shows: the last good site and the current errors.
/// Files by output path.
pub type Files = HashMap<String, Deflated>;

#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: Files,
    /// The current errors as a report, empty when there are none.
    pub errors: String,
}

/// What open tabs are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The site changed: reload.
    Reload,
    /// The site has errors (or they changed): show them.
    Problems,
}

#[derive(Clone)]
pub struct AppState {
    pub snapshot: Arc<RwLock<Arc<Snapshot>>>,
    /// The search index of a recent good rebuild, built apart from the pages.
    pub search: Arc<RwLock<Arc<Files>>>,
    pub notices: broadcast::Sender<Notice>,
    pub shutdown: watch::Receiver<bool>,
    pub hosts: Arc<AllowedHosts>,
    /// The address the site's links are rendered with: `http://localhost:1111/`.
    pub served_url: Arc<str>,
}

/// The names the preview answers to, so that a web page elsewhere cannot
/// reach it through DNS rebinding (a name of the attacker's that resolves
/// to 127.0.0.1): `localhost`, loopback addresses, the address it listens
/// on, and names given with `--allow-host`. Listening on every interface
/// (`0.0.0.0`), it answers to any IP address, which rebinding cannot forge.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    pub bind: IpAddr,
    pub names: Vec<String>,
}

impl AllowedHosts {
    /// Whether a request's `Host` header (a name or address, with or without a port) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        let name = without_port(host);
        if let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let ip = ip.to_canonical();
            return ip.is_loopback()
                || ip == self.bind.to_canonical()
                || self.bind.is_unspecified();
        }
        name.eq_ignore_ascii_case("localhost")
            || self
                .names
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(name))
    }
}

fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => {
            name
        }
        _ => host,
    }
}

impl AppState {
    fn current(&self) -> Arc<Snapshot> {
        latest(&self.snapshot)
    }

    fn search_file(&self, path: &str) -> Option<Deflated> {
        latest(&self.search).get(path).cloned()
    }
}

/// What a lock that is only ever written a whole new `Arc` holds; a
/// poisoned one still holds a whole one.
fn latest<T>(lock: &RwLock<Arc<T>>) -> Arc<T> {
    lock.read().map_or_else(
        |poisoned| poisoned.into_inner().clone(),
        |held| held.clone(),
    )
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(ERRORS_PATH, get(errors))
        .fallback(site)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            known_hosts_only,
        ))
        .with_state(state)
}

async fn known_hosts_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if state.hosts.allows(&host) {
        return next.run(request).await;
    }
    let name = without_port(&host);
    let message = format!("403 Forbidden: this preview answers only to localhost and its own address, not to `{host}`.\nIf you reach it by that name on purpose, restart it with: concord serve --allow-host {name}\n");
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.notices.subscribe();
    let stream = stream::unfold(
        (receiver, state.shutdown),
        |(mut receiver, mut shutdown)| async move {
            let notice = tokio::select! {
                notice = receiver.recv() => match notice {
                    Ok(notice) => notice,
                    Err(broadcast::error::RecvError::Lagged(_)) => Notice::Reload,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = shutdown.changed() => return None,
            };
            let name = match notice {
                Notice::Reload => "reload",
                Notice::Problems => "problems",
            };
            Some((
                Ok(Event::default().event(name).data(name)),
                (receiver, shutdown),
            ))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn errors(State(state): State<AppState>) -> Response {
    let errors = state.current().errors.clone();
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        errors,
    )
        .into_response()
}

async fn site(State(state): State<AppState>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = match site_path(request.uri().path()) {
        Ok(path) => path,
        Err(status) => return status.into_response(),
    };
    let snapshot = state.current();
    let rebase = rebase_for(&state, &request);
    let lookup = paths::output_file(&path);
    if let Some(file) = snapshot.files.get(&lookup) {
        return file_response(&lookup, &file.bytes(), StatusCode::OK, rebase.as_ref());
    }
    if let Some(file) = state.search_file(&lookup) {
        return file_response(&lookup, &file.bytes(), StatusCode::OK, None);
    }
    if snapshot
        .files
        .contains_key(&paths::output_file(&format!("{path}/")))
    {
        let query = request
            .uri()
            .query()
            .map_or(String::new(), |q| format!("?{q}"));
        let location = format!("{}/{query}", request.uri().path());
        return (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    not_found(&snapshot, rebase.as_ref())
}

/// Links point at the address the preview was started with; a page asked
/// for by another of the allowed names (a phone asking for
/// `192.168.1.5:1111`) gets them pointed at that name, so that they work
/// from there: the old and the new start of every link.
fn rebase_for(state: &AppState, request: &Request) -> Option<(String, String)> {
    let host = request.headers().get(header::HOST)?.to_str().ok()?;
    let asked = format!("http://{host}/");
    (asked != *state.served_url).then(|| (state.served_url.to_string(), asked))
}

fn not_found(snapshot: &Snapshot, rebase: Option<&(String, String)>) -> Response {
    match snapshot.files.get(paths::NOT_FOUND) {
        Some(page) => file_response(
            paths::NOT_FOUND,
            &page.bytes(),
            StatusCode::NOT_FOUND,
            rebase,
        ),
        None => {
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Concord preview</title></head><body><h1>Concord preview</h1><p>The site has not built yet.</p></body></html>";
            file_response(
                paths::NOT_FOUND,
                page.as_bytes(),
                StatusCode::NOT_FOUND,
                None,
            )
        }
    }
}

fn file_response(
    path: &str,
    bytes: &[u8],
    status: StatusCode,
    rebase: Option<&(String, String)>,
) -> Response {
    let is_html = path.ends_with(".html");
    let content_type = if is_html {
        "text/html; charset=utf-8".to_string()
    } else {
        mime_guess::from_path(path)
            .first_or_octet_stream()
            .to_string()
    };
    // Only files that can hold the site's links, and only when they are text.
    let linking = [".html", ".xml", ".css", ".js", ".json", ".txt", ".svg"]
        .iter()
        .any(|ending| path.ends_with(ending));
    let rebased = match (rebase, std::str::from_utf8(bytes)) {
        (Some((from, to)), Ok(text)) if linking => text.replace(from.as_str(), to).into_bytes(),
        _ => bytes.to_vec(),
    };
    let body = if is_html {
        with_live_reload(&rebased)
    } else {
        rebased
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with the live-reload script before its closing `</body>`.
fn with_live_reload(page: &[u8]) -> Vec<u8> {
    let script = format!("<script>{LIVE_RELOAD}</script>");
    let text = String::from_utf8_lossy(page);
    match text.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{script}").into_bytes(),
    }
}

/// The site path of a request path, decoded, without its leading `/`.
/// Anything that could reach outside the site is refused with 400.
pub fn site_path(raw: &str) -> Result<String, StatusCode> {
    let decoded = percent_decode(raw).ok_or(StatusCode::BAD_REQUEST)?;
    let path = decoded.strip_prefix('/').ok_or(StatusCode::BAD_REQUEST)?;
    let unsafe_segment = |segment: &str| segment == ".." || segment == "." || segment.contains(':');
    if path.contains(['\0', '\\']) || path.starts_with('/') || path.split('/').any(unsafe_segment) {
        return Err(StatusCode::BAD_REQUEST);
    }
    Ok(path.to_string())
}

fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            decoded.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_are_decoded() {
        assert_eq!(site_path("/"), Ok(String::new()));
        assert_eq!(site_path("/news/a%20b/"), Ok("news/a b/".into()));
        assert_eq!(
            site_path("/cities/%E5%BE%90%E5%B7%9E/"),
            Ok("cities/徐州/".into())
        );
    }

    #[test]
    fn paths_that_could_escape_are_refused() {
        for raw in [
            "/../etc/passwd",
            "/news/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/news%2f..%2f..%2fetc",
            "/..%5c..%5cetc",
            "/a\\b",
            "//etc/passwd",
            "/%00",
            "/C:/Windows",
            "/%zz",
            "/%+1",
            "relative",
        ] {
            assert_eq!(site_path(raw), Err(StatusCode::BAD_REQUEST), "{raw}");
        }
    }

    #[test]
    fn hosts_that_rebinding_could_forge_are_refused() {
        let local = AllowedHosts {
            bind: "127.0.0.1".parse().unwrap(),
            names: vec!["preview.lan".into()],
        };
        for host in [
            "localhost:1111",
            "LOCALHOST",
            "127.0.0.1:1111",
            "[::1]:1111",
            "127.8.8.8",
            "preview.lan:1111",
        ] {
            assert!(local.allows(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "",
            "192.168.1.5:1111",
            "localhost.evil.example",
            "[::1]x",
        ] {
            assert!(!local.allows(host), "{host}");
        }
        let everywhere = AllowedHosts {
            bind: "0.0.0.0".parse().unwrap(),
            names: vec![],
        };
        assert!(everywhere.allows("192.168.1.5:1111"));
        assert!(!everywhere.allows("evil.example"));
    }

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let page = with_live_reload(b"<html><body><p>x</p></body></html>");
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("<p>x</p><script>"), "{page}");
        assert!(page.ends_with("</script></body></html>"));
    }
}
