//! `concord serve`: the site kept in memory, served over HTTP on loopback,
//! rebuilt as files change, with every open tab reloaded. Split by concern:
//! `preview` (the site and incremental rebuilds), `watch` (files), `http`.

pub mod http;
pub mod preview;
pub mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tokio::sync::{broadcast, watch as signal};

use crate::config::CONFIG_FILE;
use crate::diagnostics::{count, Diagnostics, Severity};
use crate::SiteOptions;
use http::{AppState, Notice, Snapshot};
use preview::{Preview, RebuildReport};
use watch::Watcher;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks any free port.
    pub port: u16,
    pub include_drafts: bool,
    /// Opens the site in the default browser once it is served.
    pub open: bool,
    /// Colours in terminal reports.
    pub color: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("`{}` is not a site folder: it has no {CONFIG_FILE}", .0.display())]
    NotASite(PathBuf),
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

/// Builds the site, serves it and rebuilds it on every change until Ctrl-C.
pub fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    if !options.root.join(CONFIG_FILE).is_file() {
        return Err(ServeError::NotASite(options.root.clone()));
    }
    let listener = listen(options.bind, options.port)?;
    let address = listener.local_addr().map_err(ServeError::Runtime)?;
    let url = served_url(address);
    if !options.bind.is_loopback() {
        eprintln!("warning: serving on {}, so anyone on your network can read the preview; use --bind 127.0.0.1 to keep it to this computer", options.bind);
    }
    let site = SiteOptions {
        root: options.root.clone(),
        base_url: Some(url.clone()),
        include_drafts: options.include_drafts,
    };
    // Watching starts before the first build, so that no save during it is missed.
    let watcher = Watcher::new(&options.root).map_err(|e| ServeError::Watch(e.to_string()))?;
    let started = std::time::Instant::now();
    let preview = Preview::new(site);
    print_problems(preview.problems(), options.color, true);
    println!(
        "Serving {} files at {url} (built in {} ms). Press Ctrl-C to stop.",
        preview.files().len(),
        started.elapsed().as_millis()
    );
    let (notices, _) = broadcast::channel(16);
    let (stop, shutdown) = signal::channel(false);
    let state = AppState {
        snapshot: Arc::new(RwLock::new(Arc::new(snapshot(&preview)))),
        notices,
        shutdown,
        static_dir: preview.static_dir(),
    };
    let rebuilder = state.clone();
    let color = options.color;
    std::thread::spawn(move || rebuild_on_change(preview, &watcher, &rebuilder, color));
    if options.open {
        open_browser(&url);
    }
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
        let stopped = async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = stop.send(true);
        };
        axum::serve(listener, http::router(state))
            .with_graceful_shutdown(stopped)
            .await
            .map_err(ServeError::Runtime)
    })?;
    println!("Stopped.");
    Ok(())
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

fn rebuild_on_change(mut preview: Preview, watcher: &Watcher, state: &AppState, color: bool) {
    while let Some(burst) = watcher.next_burst() {
        // A static file can be what a link was missing, so even then the
        // site is checked again. A bug must not stop the preview.
        let applied = std::panic::catch_unwind(AssertUnwindSafe(|| preview.apply(&burst.changes)));
        let Ok(report) = applied else {
            eprintln!("error: the rebuild stopped on a bug in Concord (please report it); still serving the last good site");
            continue;
        };
        let report = (!burst.changes.is_empty()).then_some(report);
        let fresh = Arc::new(snapshot(&preview));
        let failed = !fresh.errors.is_empty();
        if let Ok(mut current) = state.snapshot.write() {
            *current = fresh;
        }
        print_problems(preview.problems(), color, false);
        match report {
            Some(_) if failed => eprintln!(
                "error: could not rebuild: {}; still serving the last good site",
                count(preview.problems().error_count(), "error")
            ),
            Some(report) => println!("{}", describe(&report)),
            None => println!("static files changed"),
        }
        let _ = state.notices.send(if failed {
            Notice::Problems
        } else {
            Notice::Reload
        });
    }
}

fn describe(report: &RebuildReport) -> String {
    let removed = match report.removed {
        0 => String::new(),
        n => format!(", removed {}", count(n, "page")),
    };
    format!(
        "rebuilt {}{removed} in {} ms",
        count(report.rendered, "page"),
        report.elapsed.as_millis()
    )
}

/// Errors always; warnings only when asked (at start), so that every save
/// does not repeat them.
fn print_problems(problems: &Diagnostics, color: bool, with_warnings: bool) {
    for problem in problems.iter() {
        if with_warnings || problem.severity == Severity::Error {
            eprintln!("{}\n", problem.render(color));
        }
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("note: could not open a browser; open {url} yourself");
    }
}
