//! How long a saved article takes to show in the preview, on a generated
//! site (see the `corpus` example):
//!
//! cargo run --release --example serve_latency -- /tmp/site
//!
//! It measures the incremental rebuild in process, then the whole way
//! through a running `concord serve`: save, file event, rebuild, reload
//! event, and the page fetched again with the new text.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use concord::serve::preview::{Change, Preview};
use concord::SiteOptions;

// The allocator of the `concord` binary, so that the rebuild is timed as `serve` runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 15;

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: serve_latency SITE_DIR"),
    );
    let file = first_article(&root.join("content"));
    let relative = file
        .strip_prefix(root.join("content"))
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let original = std::fs::read_to_string(&file).unwrap();

    let options = SiteOptions {
        root: root.clone(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        include_drafts: false,
    };
    let started = Instant::now();
    let mut preview = Preview::new(options);
    println!(
        "preview: first build of {} files in {} ms, {} MiB resident",
        preview.files().len(),
        started.elapsed().as_millis(),
        resident_mib()
    );
    let mut rebuilds = Vec::new();
    for round in 0..ROUNDS {
        std::fs::write(&file, retitled(&original, round)).unwrap();
        let report = preview.apply(&[Change::Content(relative.clone())]);
        rebuilds.push(report.elapsed);
    }
    println!(
        "preview: one article edited, rebuilt in {} (median of {ROUNDS}), {} MiB resident",
        median(&mut rebuilds),
        resident_mib()
    );

    let (mut end_to_end, server_mib) = through_the_server(&root, &file, &original);
    std::fs::write(&file, &original).unwrap();
    println!(
        "serve: saved to visible in the page in {} (median of {ROUNDS}); the server then {server_mib}",
        median(&mut end_to_end)
    );
}

/// This process's resident memory, as Linux reports it.
fn resident_mib() -> String {
    memory_of("self", "VmRSS")
}

/// A field of a process's memory in /proc (`VmRSS`, `VmHWM`), in MiB.
fn memory_of(process: &str, field: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or("unknown".to_string(), |kib| (kib / 1024).to_string())
}

fn retitled(original: &str, round: usize) -> String {
    original.replacen("title = \"", &format!("title = \"Edit {round}: "), 1)
}

fn median(times: &mut [Duration]) -> String {
    times.sort();
    let middle = times[times.len() / 2];
    format!(
        "{:.1} ms (max {:.1} ms)",
        middle.as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    )
}

fn first_article(dir: &Path) -> PathBuf {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            return first_article(&entry);
        }
        if entry.extension().is_some_and(|e| e == "md") {
            return entry;
        }
    }
    panic!("no article under {}", dir.display());
}

/// The times from each save to the page showing it, and the server's memory after them.
fn through_the_server(root: &Path, file: &Path, original: &str) -> (Vec<Duration>, String) {
    let binary = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("concord");
    let mut server = Stopped(
        Command::new(binary)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run concord serve (build it first: cargo build --release)"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let slug_line = original
        .lines()
        .find(|l| l.starts_with("slug = "))
        .expect("a generated article with a slug");
    let page = format!(
        "/news/{}/",
        slug_line.trim_start_matches("slug = ").trim_matches('"')
    );
    let mut events = TcpStream::connect(&address).unwrap();
    write!(
        events,
        "GET /__concord/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    std::thread::sleep(Duration::from_millis(300));
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let text = retitled(original, 100 + round);
        let started = Instant::now();
        std::fs::write(file, &text).unwrap();
        // A reload may still come from the previous save: wait for the one
        // after which the page shows this edit.
        let wanted = format!("Edit {}: ", 100 + round);
        loop {
            let mut line = String::new();
            while line.trim_end() != "event: reload" {
                line.clear();
                events.read_line(&mut line).unwrap();
            }
            if fetch(&address, &page).contains(&wanted) {
                break;
            }
        }
        times.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    let process = server.0.id().to_string();
    let memory = format!(
        "holds {} MiB resident (peak {} MiB)",
        memory_of(&process, "VmRSS"),
        memory_of(&process, "VmHWM")
    );
    (times, memory)
}

/// Stops the server however the measurement ends, a failed assertion included.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fetch(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    body
}
