//! A running `concord serve` and a raw HTTP/1.1 client for it: raw, so that
//! requests reach the server exactly as written, `..` and all.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub address: String,
    pub url: String,
}

impl Server {
    /// Starts `concord serve --port 0` on `root` and waits until it serves.
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        Server::start_at(root, 0, extra)
    }

    /// The same on a given port.
    pub fn start_at(root: &Path, port: u16, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(root)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start concord serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("a line from serve").unwrap();
        std::thread::spawn(move || lines.for_each(drop));
        let url = first
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        let address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server {
            child,
            address,
            url,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `method target` exactly as given and reads the whole response.
pub fn request(address: &str, method: &str, target: &str) -> Response {
    request_with_body(address, method, target, "")
}

/// The same, with a JSON body.
pub fn request_with_body(address: &str, method: &str, target: &str, body: &str) -> Response {
    send(address, address, method, target, body)
}

/// A GET with the given `Host` header.
pub fn get_as(address: &str, host: &str, target: &str) -> Response {
    send(address, host, "GET", target, "")
}

fn send(address: &str, host: &str, method: &str, target: &str, body: &str) -> Response {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let content = match body.len() {
        0 => String::new(),
        length => format!("Content-Type: application/json\r\nContent-Length: {length}\r\n"),
    };
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{content}\r\n{body}"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("read the response head");
        if read == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let mut response = Response {
        status,
        head,
        body: Vec::new(),
    };
    // Some servers keep the connection open after the body, whatever the
    // request said: read exactly the announced length when there is one.
    let length = response
        .header("content-length")
        .and_then(|l| l.parse::<u64>().ok());
    let body = match (method, length) {
        ("HEAD", _) => Ok(0),
        (_, Some(length)) => reader.take(length).read_to_end(&mut response.body),
        (_, None) => reader.read_to_end(&mut response.body),
    };
    body.expect("read the response body");
    response
}

pub fn get(address: &str, path: &str) -> Response {
    request(address, "GET", path)
}

/// A connection to the server-sent-events endpoint.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    pub fn connect(address: &str) -> Events {
        let mut stream = TcpStream::connect(address).expect("connect");
        write!(stream, "GET /__concord/events HTTP/1.0\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Events {
            reader: BufReader::new(stream),
        }
    }

    /// Waits up to `timeout` for an event named `name` that a browser would
    /// dispatch: one with a non-empty `data` line.
    pub fn wait_for(&mut self, name: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let wanted = format!("event: {name}");
        let mut named = false;
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => return false,
                Ok(_) if line.trim_end() == wanted => named = true,
                Ok(_) if named && line.starts_with("data:") => {
                    return !line["data:".len()..].trim().is_empty();
                }
                Ok(_) => named = named && !line.trim().is_empty(),
                Err(_) => {}
            }
        }
        false
    }
}
