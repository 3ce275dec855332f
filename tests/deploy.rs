//! `concord deploy` against a real S3-compatible server: s3rver (from the
//! npm registry; `.ci/run` installs it and sets `S3RVER`), started by each
//! test on loopback with a bucket of its own, and against a folder.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http::request;
use common::*;
use concord::deploy::plan::md5_hex;

const BASE: &str = "https://example.org/";
const BUCKET: &str = "site";

/// An s3rver process with its own data folder, and every line it logged.
struct S3rver {
    child: Child,
    address: String,
    log: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

fn s3rver_program() -> Option<PathBuf> {
    let given = std::env::var_os("S3RVER").map(PathBuf::from);
    let found = given.or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join("s3rver"))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have s3rver installed by .ci/run (S3RVER names it)"
        );
        eprintln!("skipping: s3rver is not installed (.ci/run installs it; or set S3RVER)");
    }
    found
}

impl S3rver {
    /// Starts s3rver with the buckets `site` and `other`, or `None` outside
    /// CI when it is not installed.
    fn start() -> Option<S3rver> {
        let data = tempfile::tempdir().unwrap();
        let program = s3rver_program()?;
        let mut child = Command::new(program)
            .args(["-d"])
            .arg(data.path())
            .args(["-a", "127.0.0.1", "-p", "0"])
            .args(["--configure-bucket", BUCKET, "--configure-bucket", "other"])
            .env("NO_COLOR", "1")
            // s3rver makes listings' continuation tokens with a cipher that
            // Node 17 and later keep only in OpenSSL's legacy provider.
            .env("NODE_OPTIONS", "--openssl-legacy-provider")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3rver");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("s3rver said where it listens").unwrap();
            if let Some(at) = line.split("listening on ").nth(1) {
                break at.trim().to_string();
            }
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(strip_colour(&line));
            }
        });
        Some(S3rver {
            child,
            address,
            log,
            _data: data,
        })
    }

    fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn mark(&self) -> usize {
        self.settle();
        self.log.lock().unwrap().len()
    }

    /// The server logs each request after answering it: give the last
    /// lines a moment to arrive.
    fn settle(&self) {
        let mut last = usize::MAX;
        loop {
            std::thread::sleep(Duration::from_millis(150));
            let now = self.log.lock().unwrap().len();
            if now == last {
                return;
            }
            last = now;
        }
    }

    /// Keys stored (`Stored`) or deleted (`Deleted`) since `mark`, in order.
    fn keys_since(&self, mark: usize, verb: &str) -> Vec<String> {
        self.settle();
        let pattern = format!("{verb} object \"");
        self.log.lock().unwrap()[mark..]
            .iter()
            .filter_map(|line| line.split(&pattern).nth(1))
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .collect()
    }

    /// Every object of a bucket under `news/`, by path in the site, with its ETag.
    fn objects(&self, bucket: &str) -> BTreeMap<String, String> {
        let mut objects = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let mut target = format!("/{bucket}?list-type=2&prefix=news%2F");
            if let Some(token) = &token {
                target.push_str(&format!("&continuation-token={}", encode(token)));
            }
            let response = request(&self.address, "GET", &target);
            assert_eq!(response.status, 200, "{}", response.text());
            let text = response.text();
            let xml = roxmltree::Document::parse(&text).expect("a listing in XML");
            let child_text = |node: roxmltree::Node, name: &str| {
                node.children()
                    .find(|c| c.tag_name().name() == name)
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            for contents in xml
                .descendants()
                .filter(|n| n.tag_name().name() == "Contents")
            {
                let key = child_text(contents, "Key").unwrap();
                let etag = child_text(contents, "ETag")
                    .unwrap()
                    .trim_matches('"')
                    .to_string();
                objects.insert(key.strip_prefix("news/").unwrap_or(&key).to_string(), etag);
            }
            token = child_text(xml.root_element(), "NextContinuationToken");
            if token.is_none() {
                return objects;
            }
        }
    }

    fn head(&self, bucket: &str, path: &str) -> common::http::Response {
        request(&self.address, "HEAD", &format!("/{bucket}/news/{path}"))
    }
}

impl Drop for S3rver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn strip_colour(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A small site whose `[[deploy.targets]]` are the server's two buckets and a folder.
fn site(server_port: u16, folder: &Path, extra: &str) -> Site {
    let site = Site::new(BASE, 2);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!(
            "{config}\n{extra}\n[[deploy.targets]]\nname = \"local\"\nurl = \"s3://{BUCKET}/news\"\nendpoint = \"http://127.0.0.1:{server_port}\"\n\n[[deploy.targets]]\nname = \"clean\"\nurl = \"s3://other/news\"\nendpoint = \"http://127.0.0.1:{server_port}\"\n\n[[deploy.targets]]\nname = \"folder\"\nurl = \"file://{}\"\n",
            folder.display()
        ),
    );
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    // A name a newsroom gives a file: stored under that very key.
    site.write(
        "static/徐州 地图.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    for (i, cities) in [
        "\"wuxi\", \"xuzhou\"",
        "\"xuzhou\", \"hainan-prefecture\"",
        "\"wuxi\"",
    ]
    .iter()
    .enumerate()
    {
        site.article(
            &format!("news/report-{i}.md"),
            &format!(
                "title = \"Report {i}\"\nslug = \"report-{i}\"\ndate = 2020-06-{:02}\ncities = [{cities}]",
                i + 1
            ),
            &format!("Delegations met for the {i}th time and signed an agreement.\n"),
        );
    }
    site
}

fn deploy(site: &Site, args: &[&str]) -> Output {
    deploy_command(site, args)
        .output()
        .expect("run concord deploy")
}

fn deploy_command(site: &Site, args: &[&str]) -> Command {
    let mut command = concord("deploy", site, args);
    command
        .env("AWS_ACCESS_KEY_ID", "S3RVER")
        .env("AWS_SECRET_ACCESS_KEY", "S3RVER")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
    command
}

fn deploy_ok(site: &Site, args: &[&str]) -> String {
    let output = deploy(site, args);
    assert!(
        output.status.success(),
        "deploy failed:\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// The built site's files, by path, from a build into a fresh folder.
fn built(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    site.build_ok(&["--output", output.to_str().unwrap()]);
    snapshot(&output)
        .into_iter()
        .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
        .collect()
}

fn set(items: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    items.into_iter().collect()
}

const MANIFEST: &str = ".concord-deploy.tsv";

#[test]
fn the_first_deploy_uploads_every_file_and_the_next_none() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    let files = built(&site);
    let mark = server.mark();
    let said = deploy_ok(&site, &[]);
    assert!(
        said.contains(&format!(
            "{} new, 0 changed, 0 deleted, 0 unchanged",
            files.len()
        )),
        "{said}"
    );
    let mut expected = set(files.keys().cloned());
    expected.insert(MANIFEST.to_string());
    assert_eq!(set(server.objects(BUCKET).into_keys()), expected);
    assert_eq!(server.keys_since(mark, "Stored").len(), files.len() + 1);

    let mark = server.mark();
    let said = deploy_ok(&site, &[]);
    assert!(
        said.contains(&format!(
            "0 new, 0 changed, 0 deleted, {} unchanged",
            files.len()
        )),
        "{said}"
    );
    assert_eq!(
        server.keys_since(mark, "Stored"),
        [format!("news/{MANIFEST}")],
        "only the manifest is stored again"
    );
}

#[test]
fn an_edit_uploads_exactly_the_files_whose_bytes_changed() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    deploy_ok(&site, &[]);
    let before = built(&site);
    site.article(
        "news/report-1.md",
        "title = \"Report 1, corrected\"\nslug = \"report-1\"\ndate = 2020-06-02\ncities = [\"xuzhou\", \"hainan-prefecture\"]",
        "Delegations met again and signed an agreement.\n",
    );
    let after = built(&site);
    let changed = set(after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone()));
    assert!(changed.contains("news/report-1/index.html"));
    assert!(!changed.contains("cities/wuxi/index.html"));

    let mark = server.mark();
    let said = deploy_ok(&site, &[]);
    let stored = set(server
        .keys_since(mark, "Stored")
        .into_iter()
        .map(|key| key.strip_prefix("news/").unwrap_or(&key).to_string()));
    let mut expected = changed.clone();
    expected.insert(MANIFEST.to_string());
    assert_eq!(stored, expected, "{said}");
}

#[test]
fn a_removed_article_is_deleted_unless_there_are_more_deletes_than_allowed() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    deploy_ok(&site, &[]);
    std::fs::remove_file(site.root().join("content/news/report-2.md")).unwrap();
    let page = "news/report-2/index.html";
    assert!(server.objects(BUCKET).contains_key(page));

    let output = deploy(&site, &["--max-deletes", "0"]);
    assert!(output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains("warning: deleted nothing: the site no longer has"),
        "{said}"
    );
    assert!(said.contains("run again with --max-deletes"), "{said}");
    assert!(
        server.objects(BUCKET).contains_key(page),
        "nothing was deleted"
    );

    let mark = server.mark();
    deploy_ok(&site, &[]);
    let objects = server.objects(BUCKET);
    assert!(!objects.contains_key(page));
    let deleted = server.keys_since(mark, "Deleted");
    assert!(deleted.contains(&format!("news/{page}")), "{deleted:?}");
    let mut expected = set(built(&site).into_keys());
    expected.insert(MANIFEST.to_string());
    assert_eq!(set(objects.into_keys()), expected);
}

#[test]
fn a_bucket_keeps_the_files_concord_did_not_store_or_that_were_changed_by_hand() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    deploy_ok(&site, &[]);
    let by_hand = [
        ("reports/2020-annual.pdf", "%PDF-1.4 annual report"),
        (
            ".well-known/security.txt",
            "Contact: mailto:office@example.org",
        ),
        ("news/report-1/index.html", "<p>corrected on the bucket</p>"),
    ];
    for (path, text) in by_hand {
        let put = common::http::request_with_body(
            &server.address,
            "PUT",
            &format!("/{BUCKET}/news/{path}"),
            text,
        );
        assert_eq!(put.status, 200, "{}", put.text());
    }
    for file in ["news/report-1.md", "news/report-2.md"] {
        std::fs::remove_file(site.root().join("content").join(file)).unwrap();
    }

    let dry = deploy(&site, &["--dry-run"]);
    let listed = stdout(&dry);
    assert!(
        listed.contains("delete   news/report-2/index.html"),
        "{listed}"
    );
    for (path, _) in by_hand {
        assert!(listed.contains(&format!("leave    {path}")), "{listed}");
    }

    let mark = server.mark();
    let output = deploy(&site, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("note: left 3 files on the target that the site lacks, as Concord did not store them or they were changed since: .well-known/security.txt, news/report-1/index.html, reports/2020-annual.pdf"),
        "{said}"
    );
    assert!(
        said.contains("help: if the site no longer needs them, delete them"),
        "{said}"
    );
    let objects = server.objects(BUCKET);
    for (path, text) in by_hand {
        let etag = objects
            .get(path)
            .unwrap_or_else(|| panic!("{path} was deleted"));
        assert_eq!(*etag, md5_hex(text.as_bytes()), "{path} was changed");
    }
    assert!(!objects.contains_key("news/report-2/index.html"));
    let deleted = server.keys_since(mark, "Deleted");
    assert!(
        deleted.contains(&"news/news/report-2/index.html".to_string()),
        "{deleted:?}"
    );
    for (path, _) in by_hand {
        assert!(!deleted.contains(&format!("news/{path}")), "{deleted:?}");
    }
    let mut expected = set(built(&site).into_keys());
    expected.insert(MANIFEST.to_string());
    expected.extend(by_hand.iter().map(|(path, _)| path.to_string()));
    assert_eq!(set(objects.into_keys()), expected);
}

#[test]
fn objects_carry_the_configured_and_default_headers() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let matchers = "[[deploy.matchers]]\npattern = \"*.svg\"\ncache_control = \"public, max-age=86400\"\ngzip = false\n";
    let site = site(server.port(), &folder.path().join("www"), matchers);
    deploy_ok(&site, &[]);
    let page = server.head(BUCKET, "index.html");
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.header("cache-control").as_deref(),
        Some("public, max-age=300")
    );
    assert_eq!(page.header("content-encoding").as_deref(), Some("gzip"));
    let feed = server.head(BUCKET, "atom.xml");
    assert_eq!(
        feed.header("content-type").as_deref(),
        Some("application/atom+xml; charset=utf-8")
    );
    let logo = server.head(BUCKET, "logo.svg");
    assert_eq!(
        logo.header("cache-control").as_deref(),
        Some("public, max-age=86400")
    );
    assert_eq!(
        logo.header("content-type").as_deref(),
        Some("image/svg+xml; charset=utf-8")
    );
    assert_eq!(logo.header("content-encoding"), None);
    let objects = server.objects(BUCKET);
    let fragment = objects
        .keys()
        .find(|k| k.starts_with("pagefind/fragment/"))
        .expect("a search fragment");
    let fragment = server.head(BUCKET, fragment);
    assert_eq!(
        fragment.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        fragment.header("content-encoding"),
        None,
        "Pagefind compressed it already"
    );

    let stored = request(&server.address, "GET", "/site/news/index.html");
    let mut html = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&stored.body[..]),
        &mut html,
    )
    .unwrap();
    assert_eq!(
        html.as_bytes(),
        &built(&site)["index.html"][..],
        "the stored page is the built one, compressed"
    );
}

#[test]
fn assets_go_up_first_then_articles_then_lists_then_entrances_and_deletes_last() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    site.article(
        "news/old.md",
        "title = \"Old\"\ndate = 2019-01-01\ncities = [\"wuxi\"]",
        "Old news.\n",
    );
    deploy_ok(&site, &[]);
    std::fs::remove_file(site.root().join("content/news/old.md")).unwrap();
    let mark = server.mark();
    deploy_ok(&site, &["--force"]);
    server.settle();
    let log: Vec<String> = server.log.lock().unwrap()[mark..].to_vec();
    let mut deleted = false;
    let events: Vec<(usize, &str)> = log
        .iter()
        .filter_map(|line| {
            let key = line.split("object \"news/").nth(1)?;
            let key = &key[..key.find('"')?];
            deleted |= line.contains("Deleted");
            // The manifest goes up with the uploads, and again without the deleted files.
            let rank = if key == MANIFEST {
                if deleted {
                    6
                } else {
                    4
                }
            } else if line.contains("Deleted") {
                5
            } else if key.starts_with("pagefind/") || key.ends_with(".css") || key.ends_with(".svg")
            {
                0
            } else if key.starts_with("news/20") {
                1
            } else if key == "index.html"
                || key == "search/index.html"
                || key.ends_with(".xml")
                || key == "robots.txt"
                || key == "404.html"
            {
                3
            } else {
                2
            };
            Some((rank, key))
        })
        .collect();
    assert!(
        events.iter().any(|(rank, _)| *rank == 5),
        "a delete happened"
    );
    assert_eq!(events.last().map(|e| e.0), Some(6), "{events:?}");
    for pair in events.windows(2) {
        assert!(
            pair[0].0 <= pair[1].0,
            "{} went up after {}",
            pair[1].1,
            pair[0].1
        );
    }
}

#[test]
fn a_dry_run_changes_nothing_and_says_what_it_would_do() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    deploy_ok(&site, &[]);
    let before = server.objects(BUCKET);
    site.article(
        "news/report-0.md",
        "title = \"Report 0, revised\"\nslug = \"report-0\"\ndate = 2020-06-01\ncities = [\"wuxi\", \"xuzhou\"]",
        "Revised.\n",
    );
    std::fs::remove_file(site.root().join("content/news/report-2.md")).unwrap();
    let mark = server.mark();
    let said = deploy_ok(&site, &["--dry-run"]);
    assert!(said.contains("changed  news/report-0/index.html"), "{said}");
    assert!(said.contains("delete   news/report-2/index.html"), "{said}");
    assert!(said.contains("Would deploy to local"), "{said}");
    assert!(server.keys_since(mark, "Stored").is_empty());
    assert!(server.keys_since(mark, "Deleted").is_empty());
    assert_eq!(server.objects(BUCKET), before);
}

fn one_line_error(output: &Output) -> (String, String) {
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(output);
    let error = said
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    let help = said
        .lines()
        .find(|l| l.starts_with("help: "))
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    (error, help)
}

#[test]
fn wrong_credentials_a_missing_bucket_and_no_server_each_say_what_to_do() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = site(server.port(), &folder.path().join("www"), "");
    let mark = server.mark();

    let wrong = deploy_command(&site, &[])
        .env("AWS_ACCESS_KEY_ID", "NOT-A-KEY")
        .output()
        .unwrap();
    let (error, help) = one_line_error(&wrong);
    assert_eq!(
        error,
        "error: deploy target `local` refused the credentials: 403 Forbidden (InvalidAccessKeyId)"
    );
    assert!(help.contains("AWS_ACCESS_KEY_ID"), "{help}");
    assert!(
        !stderr(&wrong).contains("S3RVER"),
        "the secret is never printed"
    );

    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("s3://site/news", "s3://missing/news"),
    );
    let (error, help) = one_line_error(&deploy(&site, &[]));
    assert_eq!(
        error,
        "error: deploy target `local` has no bucket `missing`"
    );
    assert!(help.contains("create the bucket"), "{help}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    site.write(
        "config.toml",
        &config.replace(&format!(":{}\"", server.port()), &format!(":{closed}\"")),
    );
    let (error, help) = one_line_error(&deploy(&site, &[]));
    assert_eq!(error, format!("error: cannot reach deploy target `local` at http://127.0.0.1:{closed}: no connection, after retrying"));
    assert!(help.contains("endpoint"), "{help}");

    site.write("config.toml", &config);
    let anonymous = deploy_command(&site, &[])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("HOME", folder.path())
        .output()
        .unwrap();
    let (error, _) = one_line_error(&anonymous);
    assert!(
        error.starts_with("error: no credentials for deploy target `local`"),
        "{error}"
    );

    site.write(
        "content/news/broken.md",
        "+++\ntitle = \"Broken\"\n+++\nNo date, no cities.\n",
    );
    let broken = deploy(&site, &[]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stderr(&broken).contains("nothing was deployed"),
        "{}",
        stderr(&broken)
    );
    assert!(
        server.keys_since(mark, "Stored").is_empty(),
        "nothing reached the server"
    );
}

/// A site big enough that a deploy to s3rver takes a while.
fn big_site(server_port: u16, folder: &Path) -> Site {
    let site = site(server_port, folder, "");
    for i in 0..150 {
        site.article(
            &format!("news/bulk/b{i}.md"),
            &format!(
                "title = \"Bulk {i}\"\ndate = 2021-{:02}-{:02}\ncities = [\"wuxi\"]",
                1 + i % 12,
                1 + i % 28
            ),
            &format!("Exchange number {i} between the two cities.\n"),
        );
    }
    site
}

/// Waits until the server has stored `count` objects since `mark`.
fn wait_for_stores(server: &S3rver, mark: usize, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.log.lock().unwrap()[mark..]
        .iter()
        .filter(|l| l.contains("Stored object"))
        .count()
        < count
    {
        assert!(
            Instant::now() < deadline,
            "the deploy never stored {count} objects"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_killed_deploy_run_again_converges_to_an_uninterrupted_one() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let site = big_site(server.port(), &folder.path().join("www"));
    let mark = server.mark();
    let mut child = deploy_command(&site, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_stores(&server, mark, 40);
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = server.objects(BUCKET);
    assert!(
        !partial.contains_key("index.html"),
        "the home page goes up last"
    );

    deploy_ok(&site, &[]);
    deploy_ok(&site, &["--target", "clean"]);
    assert_eq!(server.objects(BUCKET), server.objects("other"));
}

/// A TCP relay to the server that the test can cut, as a network fails:
/// open connections are shut and new ones refused until it is mended.
struct Relay {
    port: u16,
    cut: Arc<std::sync::atomic::AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn to(address: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (address, is_cut, streams) = (address.to_string(), Arc::clone(&cut), Arc::clone(&open));
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if is_cut.load(std::sync::atomic::Ordering::SeqCst) {
                    continue;
                }
                let Ok(server) = TcpStream::connect(&address) else {
                    continue;
                };
                streams
                    .lock()
                    .unwrap()
                    .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                }
            }
        });
        Relay { port, cut, open }
    }

    fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }

    fn mend(&self) {
        self.cut.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_network_lost_mid_way_stops_with_what_was_not_uploaded_and_a_second_run_finishes() {
    let Some(server) = S3rver::start() else {
        return;
    };
    let relay = Relay::to(&server.address);
    let folder = tempfile::tempdir().unwrap();
    let site = big_site(relay.port, &folder.path().join("www"));
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace(
            &format!(
                "127.0.0.1:{}\"\n\n[[deploy.targets]]\nname = \"folder\"",
                relay.port
            ),
            &format!(
                "127.0.0.1:{}\"\n\n[[deploy.targets]]\nname = \"folder\"",
                server.port()
            ),
        ),
    );
    let mark = server.mark();
    let child = deploy_command(&site, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_stores(&server, mark, 40);
    relay.cut();
    let stopped = child.wait_with_output().unwrap();
    let said = stderr(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "{said}");
    assert!(
        said.contains("error: the deploy to `local` stopped after"),
        "{said}"
    );
    assert!(said.contains("not uploaded: "), "{said}");
    assert!(said.contains("nothing was deleted"), "{said}");
    assert!(
        !server.objects(BUCKET).contains_key("index.html"),
        "the home page goes up last"
    );

    relay.mend();
    let said = deploy_ok(&site, &[]);
    assert!(
        !said.contains(" 0 unchanged"),
        "the second run keeps what the first uploaded: {said}"
    );
    deploy_ok(&site, &["--target", "clean"]);
    assert_eq!(server.objects(BUCKET), server.objects("other"));
}

/// Every file of a folder but hidden ones, with its bytes.
fn folder_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    snapshot(dir)
        .into_iter()
        .filter(|(path, _)| {
            !path
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
        .collect()
}

#[test]
fn a_folder_target_gets_the_site_and_a_killed_deploy_leaves_the_old_or_the_new() {
    let work = tempfile::tempdir().unwrap();
    let www = work.path().join("www");
    let site = big_site(1, &www);
    let said = deploy_ok(&site, &["--target", "folder"]);
    let old = built(&site);
    assert_eq!(folder_files(&www), old, "{said}");
    let said = deploy_ok(&site, &["--target", "folder"]);
    assert!(
        said.contains(&format!(
            "0 new, 0 changed, 0 deleted, {} unchanged",
            old.len()
        )),
        "{said}"
    );

    std::fs::remove_file(site.root().join("content/news/report-2.md")).unwrap();
    site.article(
        "news/report-0.md",
        "title = \"Report 0, revised\"\nslug = \"report-0\"\ndate = 2020-06-01\ncities = [\"wuxi\"]",
        "Revised.\n",
    );
    let new = built(&site);
    let started = Instant::now();
    deploy_ok(&site, &["--target", "folder", "--dry-run"]);
    let took = started.elapsed();
    assert_eq!(folder_files(&www), old, "a dry run writes nothing");
    for delay in [took / 4, took / 2, took * 3 / 4, took] {
        let mut child = deploy_command(&site, &["--target", "folder"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let now = folder_files(&www);
        assert!(
            now == old || now == new,
            "killed after {delay:?}: the folder is a mix of two sites"
        );
    }
    deploy_ok(&site, &["--target", "folder"]);
    assert_eq!(folder_files(&www), new);

    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let root_url = format!("url = \"file://{}\"", www.display());
    site.write(
        "config.toml",
        &config.replace(&root_url, "url = \"file:///\""),
    );
    let refused = deploy(&site, &["--target", "folder", "--dry-run"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("error: refusing to write the site into `/`"),
        "a folder that holds the site is refused before anything in it is read: {}",
        stderr(&refused)
    );
}
