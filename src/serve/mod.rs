//! `concord serve`: the site kept in memory, served over HTTP on loopback,
//! rebuilt as files change, with every open tab reloaded. Split by concern:
//! `preview` (the site and incremental rebuilds), `watch` (files), `http`.
//! What happens is told to the caller as [`Event`]s; nothing here prints.

pub mod http;
pub mod preview;
pub mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, watch as signal};

use crate::deflated::Deflated;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::Editions;
use crate::pipeline::{self, SiteDir, SiteOptions};
use http::{AllowedHosts, AppState, Notice, Snapshot};
use preview::{Change, Preview, RebuildReport, Searchable};
use watch::{FolderChange, Watcher};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks any free port.
    pub port: u16,
    pub include_drafts: bool,
    /// Opens the site in the default browser once it is served.
    pub open: bool,
    /// Host names to answer to besides localhost and IP addresses.
    pub allow_hosts: Vec<String>,
}

/// How long a connection may take to send a request's headers, and how
/// long an open connection may sit idle before its next request.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Site(#[from] pipeline::Error),
    #[error("port {port} is already in use on {bind}; choose another with --port, or --port 0 for any free port")]
    PortInUse { bind: IpAddr, port: u16 },
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: io::Error,
    },
    #[error("cannot watch the site's files: {0}")]
    Watch(String),
    #[error("cannot start the server: {0}")]
    Runtime(io::Error),
}

/// What the preview tells its front end.
#[derive(Debug)]
pub enum Event<'a> {
    /// It listens on an address that other computers can reach.
    Exposed { bind: IpAddr },
    /// The first build is done and the site is served at `url`.
    Serving {
        url: &'a str,
        files: usize,
        elapsed: Duration,
        problems: &'a Diagnostics,
    },
    /// Files changed and the site was rebuilt; with errors in `problems`,
    /// the last good site is still served.
    Rebuilt {
        report: &'a RebuildReport,
        problems: &'a Diagnostics,
    },
    /// A watched folder appeared, went or was replaced; it is watched anew.
    FolderChanged(FolderChange),
    /// A rebuild stopped on a bug in Concord; the last good site is still served.
    RebuildPanicked,
    /// The search index of the latest good rebuild is served.
    SearchIndexed { files: usize, elapsed: Duration },
    /// The search index could not be built; the previous one is still served.
    SearchFailed(&'a Diagnostic),
    /// `--open` could not start a browser.
    BrowserNotOpened { url: &'a str },
    /// Ctrl-C: the server stopped.
    Stopped,
}

/// Receives the preview's events, from more than one thread.
pub type Reporter = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// Builds the site, serves it and rebuilds it on every change until Ctrl-C.
pub fn serve(options: &ServeOptions, report: Reporter) -> Result<(), ServeError> {
    let site = SiteDir::open(&options.root)?;
    let listener = listen(options.bind, options.port)?;
    let address = listener.local_addr().map_err(ServeError::Runtime)?;
    let url = served_url(address);
    if !options.bind.to_canonical().is_loopback() {
        report(Event::Exposed { bind: options.bind });
    }
    // Watching starts before the first build, so that no save during it is missed.
    let watcher = Watcher::new(site.root()).map_err(|e| ServeError::Watch(e.to_string()))?;
    let started = Instant::now();
    let preview = Preview::new(SiteOptions {
        root: options.root.clone(),
        base_url: Some(url.clone()),
        include_drafts: options.include_drafts,
    });
    report(Event::Serving {
        url: &url,
        files: preview.files().len(),
        elapsed: started.elapsed(),
        problems: preview.problems(),
    });
    let (notices, _) = broadcast::channel(16);
    let (stop, shutdown) = signal::channel(false);
    let state = AppState {
        snapshot: Arc::new(RwLock::new(Arc::new(snapshot(&preview)))),
        search: Arc::default(),
        notices,
        shutdown,
        hosts: Arc::new(AllowedHosts {
            bind: options.bind,
            names: options.allow_hosts.clone(),
        }),
        served_url: Arc::from(url.as_str()),
    };
    let rebuilder = state.clone();
    let rebuild_report = report.clone();
    let indexer = SearchIndexer::default();
    indexer.index(&preview, &state, &report);
    std::thread::spawn(move || {
        rebuild_on_change(preview, watcher, &rebuilder, &rebuild_report, &indexer)
    });
    if options.open && !open_browser(&url) {
        report(Event::BrowserNotOpened { url: &url });
    }
    run_server(listener, state, stop)?;
    report(Event::Stopped);
    Ok(())
}

fn run_server(
    listener: TcpListener,
    state: AppState,
    stop: signal::Sender<bool>,
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(ServeError::Runtime)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?;
        let router = http::router(state);
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                _ = &mut ctrl_c => break,
                accepted = listener.accept() => {
                    // A failed accept (too many open files, say) is one client's problem.
                    if let Ok((stream, _)) = accepted {
                        tokio::spawn(connection(stream, router.clone()));
                    }
                }
            }
        }
        // Open event streams end when told; other connections are dropped with the runtime.
        let _ = stop.send(true);
        Ok(())
    })
}

/// Serves one connection over HTTP/1.1, closing it when the client is too
/// slow to send its headers or sits idle too long.
async fn connection(stream: tokio::net::TcpStream, router: axum::Router) {
    let service = hyper_util::service::TowerToHyperService::new(router);
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await;
}

fn listen(bind: IpAddr, port: u16) -> Result<TcpListener, ServeError> {
    let address = SocketAddr::new(bind, port);
    TcpListener::bind(address).map_err(|source| match source.kind() {
        io::ErrorKind::AddrInUse => ServeError::PortInUse { bind, port },
        _ => ServeError::Listen { address, source },
    })
}

/// The address links point at: the one the server listens on, or
/// `localhost` when it listens on every interface.
fn served_url(address: SocketAddr) -> String {
    match address.ip() {
        ip if ip.is_unspecified() => format!("http://localhost:{}/", address.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", address.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", address.port()),
    }
}

fn snapshot(preview: &Preview) -> Snapshot {
    let errors: Vec<String> = preview
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.render(false))
        .collect();
    Snapshot {
        files: preview.files().clone(),
        errors: errors.join("\n\n"),
    }
}

/// Builds the search index of good rebuilds on a thread of its own, so that
/// no reload waits for it. One index is built at a time; saves made while
/// it runs are coalesced into one more, of the newest rebuild.
#[derive(Default)]
struct SearchIndexer {
    queue: Arc<Mutex<IndexQueue>>,
    last: std::cell::RefCell<Option<Arc<Editions>>>,
}

#[derive(Default)]
struct IndexQueue {
    running: bool,
    next: Option<Searchable>,
}

impl SearchIndexer {
    fn index(&self, preview: &Preview, state: &AppState, report: &Reporter) {
        let Some(searchable) = preview.searchable().cloned() else {
            return;
        };
        let mut last = self.last.borrow_mut();
        if last
            .as_ref()
            .is_some_and(|l| Arc::ptr_eq(l, &searchable.editions))
        {
            return;
        }
        *last = Some(searchable.editions.clone());
        let mut queue = lock(&self.queue);
        queue.next = Some(searchable);
        if queue.running {
            return;
        }
        queue.running = true;
        let (queue, state, report) = (self.queue.clone(), state.clone(), report.clone());
        std::thread::spawn(move || {
            // While the preview serves, rayon's global pool is the search
            // index's alone (see `rebuild_on_change`).
            yield_to_rebuilds();
            rayon::broadcast(|_| yield_to_rebuilds());
            while let Some(searchable) = next(&queue) {
                build_index(&searchable, &state, &report);
            }
        });
    }
}

/// Lowers the calling thread's priority, so that on a machine with few
/// cores a rebuild after a save gets them before the search index does.
#[cfg(target_os = "linux")]
fn yield_to_rebuilds() {
    // SAFETY: takes no pointers; on Linux the nice value it sets is the
    // calling thread's alone, and threads it starts inherit it.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_rebuilds() {}

/// The newest rebuild waiting for its index, or none, when the worker stops.
fn next(queue: &Mutex<IndexQueue>) -> Option<Searchable> {
    let mut queue = lock(queue);
    let next = queue.next.take();
    queue.running = next.is_some();
    next
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn build_index(searchable: &Searchable, state: &AppState, report: &Reporter) {
    let started = Instant::now();
    match crate::render::search::files(&searchable.editions, &searchable.config) {
        Ok(files) => {
            let count = files.len();
            let files = files
                .into_iter()
                .map(|file| (file.path, Deflated::as_is(&file.bytes)))
                .collect();
            if let Ok(mut current) = state.search.write() {
                *current = Arc::new(files);
            }
            report(Event::SearchIndexed {
                files: count,
                elapsed: started.elapsed(),
            });
        }
        Err(problem) => report(Event::SearchFailed(&problem)),
    }
}

fn rebuild_on_change(
    mut preview: Preview,
    mut watcher: Watcher,
    state: &AppState,
    report: &Reporter,
    indexer: &SearchIndexer,
) {
    // Rebuilds render on threads of their own: on rayon's global pool, a
    // rebuild queued behind the search index's work, 10,000 records at a
    // time, and a save took 190 ms to show instead of 70.
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("rebuild-{i}"))
        .build()
        .ok();
    while let Some(burst) = watcher.next_burst() {
        for change in &burst.folders {
            report(Event::FolderChanged(*change));
        }
        let mut changes = burst.changes;
        // A static file can be what a link was missing, so even then the
        // site is checked again.
        if burst.static_changed {
            changes.push(Change::Static);
        }
        // A bug must not stop the preview.
        let applied = std::panic::catch_unwind(AssertUnwindSafe(|| match &pool {
            Some(pool) => pool.install(|| preview.apply(&changes)),
            None => preview.apply(&changes),
        }));
        let Ok(rebuilt) = applied else {
            report(Event::RebuildPanicked);
            continue;
        };
        let fresh = Arc::new(snapshot(&preview));
        let failed = !fresh.errors.is_empty();
        if let Ok(mut current) = state.snapshot.write() {
            *current = fresh;
        }
        report(Event::Rebuilt {
            report: &rebuilt,
            problems: preview.problems(),
        });
        indexer.index(&preview, state, report);
        let _ = state.notices.send(if failed {
            Notice::Problems
        } else {
            Notice::Reload
        });
    }
}

/// Whether a browser could be started.
fn open_browser(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener).arg(url).spawn().is_ok()
}
