//! `concord serve` over real HTTP on an ephemeral loopback port.

mod common;

use std::time::Duration;

use common::http::{get, get_as, request, Events, Server};
use common::*;

const WAIT: Duration = Duration::from_secs(10);
const GOOD: &str =
    "title = \"Agreement signed\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]";

fn preview_site() -> Site {
    let site = Site::new("https://example.org/", 10);
    site.article("news/good.md", GOOD, "Seven parks.\n");
    site.article(
        "news/other.md",
        "title = \"Doctors sent west\"\ndate = 2021-01-05\ncities = [\"hainan-prefecture\"]",
        "Clinics.\n",
    );
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("static/fonts/body.woff2", "wOF2");
    site.write("static/js/menu.js", "console.log(1);");
    site.write("static/img/photo.png", "\u{89}PNG");
    site.write("secret.txt", "TOP-SECRET-MARKER");
    site
}

/// A running server and an open event stream on it, given time to connect.
fn watched(site: &Site) -> (Server, Events) {
    let server = Server::start(site.root(), &[]);
    let events = Events::connect(&server.address);
    std::thread::sleep(Duration::from_millis(300));
    (server, events)
}

#[test]
fn pages_and_assets_are_served_with_their_types() {
    let site = preview_site();
    let server = Server::start(site.root(), &[]);
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/news/agreement-signed/", "text/html; charset=utf-8"),
        ("/style.css", "text/css"),
        ("/atom.xml", "xml"),
        ("/sitemap.xml", "xml"),
        ("/img/logo.svg", "image/svg+xml"),
        ("/img/photo.png", "image/png"),
        ("/fonts/body.woff2", "font/woff2"),
        ("/js/menu.js", "javascript"),
    ];
    for (path, content_type) in cases {
        let response = get(&server.address, path);
        assert_eq!(response.status, 200, "{path}");
        let actual = response.header("content-type").unwrap_or_default();
        assert!(actual.contains(content_type), "{path}: {actual}");
    }
    let page = get(&server.address, "/news/agreement-signed/").text();
    assert!(
        page.contains("href=\"http://127.0.0.1:"),
        "links point at the local server"
    );
    assert!(
        page.contains("/__concord/events"),
        "the live-reload script is injected"
    );
    assert!(page.find("/__concord/events") < page.rfind("</body>"));
}

#[test]
fn folders_redirect_head_works_and_missing_pages_get_the_sites_404() {
    let site = preview_site();
    let server = Server::start(site.root(), &[]);
    let redirect = get(&server.address, "/news/agreement-signed");
    assert!((300..400).contains(&redirect.status), "{}", redirect.status);
    assert_eq!(
        redirect.header("location").as_deref(),
        Some("/news/agreement-signed/")
    );
    let head = request(&server.address, "HEAD", "/news/agreement-signed/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let missing = get(&server.address, "/news/no-such-story/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
    assert_eq!(request(&server.address, "POST", "/").status, 405);
}

#[test]
fn nothing_outside_the_site_is_ever_served() {
    let site = preview_site();
    let server = Server::start(site.root(), &[]);
    let attempts = [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/img/..%2f..%2fsecret.txt",
        "/img/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/img\\..\\..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/config.toml",
        "/content/news/good.md",
        "/secret.txt%00.html",
        "/%00",
        "http://localhost/../secret.txt",
        "/C:/Windows/win.ini",
    ];
    for target in attempts {
        let response = get(&server.address, target);
        assert!(
            [400, 404].contains(&response.status),
            "{target}: {}",
            response.status
        );
        let body = response.text();
        assert!(
            !body.contains("TOP-SECRET-MARKER") && !body.contains("root:x:0"),
            "{target} leaked"
        );
        assert!(!body.contains("base_url"), "{target} served config.toml");
    }
}

#[test]
fn an_edit_reloads_open_tabs_and_serves_the_new_text() {
    let site = preview_site();
    let (server, mut events) = watched(&site);
    site.article(
        "news/good.md",
        &GOOD.replace("Agreement signed", "Agreement renewed"),
        "Seven parks.\n",
    );
    assert!(
        events.wait_for("reload", WAIT),
        "no reload event after an edit"
    );
    let page = get(&server.address, "/news/agreement-renewed/").text();
    assert!(page.contains("<h1>Agreement renewed</h1>"), "{page}");
    assert_eq!(get(&server.address, "/news/agreement-signed/").status, 404);
}

#[test]
fn a_broken_edit_keeps_the_old_site_and_shows_the_error_until_fixed() {
    let site = preview_site();
    let (server, mut events) = watched(&site);
    site.article(
        "news/good.md",
        &GOOD.replace("\"xuzhou\"", "\"xuzou\""),
        "Seven parks.\n",
    );
    assert!(
        events.wait_for("problems", WAIT),
        "no problems event after a broken edit"
    );
    let errors = get(&server.address, "/__concord/errors").text();
    assert!(
        errors.contains("`xuzou` is not a declared city"),
        "{errors}"
    );
    assert!(errors.contains("content/news/good.md:4:19"), "{errors}");
    let page = get(&server.address, "/news/agreement-signed/");
    assert_eq!(page.status, 200, "the last good page is still served");

    site.article("news/good.md", GOOD, "Seven parks, fixed.\n");
    assert!(events.wait_for("reload", WAIT), "no reload after the fix");
    assert_eq!(get(&server.address, "/__concord/errors").text(), "");
    assert!(get(&server.address, "/news/agreement-signed/")
        .text()
        .contains("Seven parks, fixed."));
}

#[test]
fn many_concurrent_requests_all_succeed_during_rebuilds() {
    let site = preview_site();
    for i in 0..60 {
        site.article(
            &format!("news/bulk-{i}.md"),
            &format!(
                "title = \"Bulk {i}\"\ndate = 2019-01-{:02}\ncities = [\"wuxi\"]",
                1 + i % 28
            ),
            "Text.\n",
        );
    }
    let server = Server::start(site.root(), &[]);
    let address = server.address.clone();
    let editor = {
        let root = site.root().to_path_buf();
        std::thread::spawn(move || {
            for round in 0..10 {
                let text = format!("+++\n{}\n+++\nRound {round}.\n", GOOD);
                std::fs::write(root.join("content/news/good.md"), text).unwrap();
                std::thread::sleep(Duration::from_millis(40));
            }
        })
    };
    let clients: Vec<_> = (0..50)
        .map(|client| {
            let address = address.clone();
            std::thread::spawn(move || {
                let paths = [
                    "/",
                    "/news/agreement-signed/",
                    "/cities/wuxi/",
                    "/style.css",
                    "/atom.xml",
                ];
                (0..20)
                    .filter(|i| get(&address, paths[(client + i) % paths.len()]).status == 200)
                    .count()
            })
        })
        .collect();
    let succeeded: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    editor.join().unwrap();
    assert_eq!(succeeded, 1000);
}

#[test]
fn a_port_in_use_is_named_with_the_flag_to_change_it() {
    let site = preview_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["serve", "--port", &port, "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("port {port} is already in use")),
        "{message}"
    );
    assert!(message.contains("--port"), "{message}");
}

#[test]
fn listening_beyond_loopback_warns() {
    let site = preview_site();
    let mut server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    let _ = server.child.kill();
    let mut message = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut message).unwrap();
    assert!(message.contains("warning: serving on 0.0.0.0"), "{message}");
}

#[test]
fn ctrl_c_stops_the_server_cleanly_even_with_tabs_open() {
    let site = preview_site();
    let mut server = Server::start(site.root(), &[]);
    let _events = Events::connect(&server.address);
    std::thread::sleep(Duration::from_millis(200));
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            assert!(exit.success(), "{exit:?}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !site.output().exists(),
        "serve never writes the build output folder"
    );
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_until_fixed() {
    let site = preview_site();
    site.article(
        "news/good.md",
        &GOOD.replace("\"wuxi\"", "\"wuxy\""),
        "Seven parks.\n",
    );
    let (server, mut events) = watched(&site);
    let first = get(&server.address, "/");
    assert_eq!(first.status, 404);
    assert!(
        first.text().contains("/__concord/events"),
        "the page can still show the overlay"
    );
    let errors = get(&server.address, "/__concord/errors").text();
    assert!(errors.contains("`wuxy` is not a declared city"), "{errors}");

    site.article("news/good.md", GOOD, "Seven parks.\n");
    assert!(events.wait_for("reload", WAIT), "no reload after the fix");
    assert_eq!(get(&server.address, "/").status, 200);
}

#[test]
fn unknown_host_names_are_refused_against_dns_rebinding() {
    let site = preview_site();
    let server = Server::start(site.root(), &["--allow-host", "preview.lan"]);
    let port = server.address.rsplit(':').next().unwrap();
    let refused = get_as(
        &server.address,
        &format!("rebind.attacker.example:{port}"),
        "/",
    );
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .text()
            .contains("--allow-host rebind.attacker.example"),
        "{}",
        refused.text()
    );
    let events = get_as(
        &server.address,
        "rebind.attacker.example",
        "/__concord/errors",
    );
    assert_eq!(events.status, 403, "every path is guarded");
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("preview.lan:{port}"),
    ] {
        assert_eq!(get_as(&server.address, &host, "/").status, 200, "{host}");
    }
}

#[test]
fn an_ipv4_mapped_loopback_address_is_loopback() {
    let site = preview_site();
    let mut server = Server::start(site.root(), &["--bind", "::ffff:127.0.0.1"]);
    let _ = server.child.kill();
    let mut message = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut message).unwrap();
    assert!(!message.contains("warning: serving on"), "{message}");
}

#[test]
fn slow_and_idle_connections_are_closed() {
    use std::io::{Read, Write};
    let site = preview_site();
    let server = Server::start(site.root(), &[]);
    let mut slow = std::net::TcpStream::connect(&server.address).unwrap();
    write!(slow, "GET / HTTP/1.1\r\nHost: {}\r\n", server.address).unwrap();
    let mut idle = std::net::TcpStream::connect(&server.address).unwrap();
    write!(
        idle,
        "GET /robots.txt HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.address
    )
    .unwrap();
    for stream in [&mut slow, &mut idle] {
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
    }
    let mut answered = vec![0; 4096];
    let read = idle.read(&mut answered).unwrap();
    assert!(String::from_utf8_lossy(&answered[..read]).starts_with("HTTP/1.1 200"));
    let started = std::time::Instant::now();
    for stream in [&mut slow, &mut idle] {
        let mut rest = Vec::new();
        let closed = stream.read_to_end(&mut rest);
        assert!(
            closed.is_ok(),
            "the server closes the connection: {closed:?}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "closed after the timeout"
    );
}

#[test]
fn a_template_loop_shows_in_the_overlay_and_the_server_lives_on() {
    let site = preview_site();
    let (mut server, mut events) = watched(&site);
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{% include \"article.html\" %}{% endblock content %}",
    );
    assert!(events.wait_for("problems", WAIT), "no problems event");
    let errors = get(&server.address, "/__concord/errors").text();
    assert!(
        errors.contains("templates include each other in a loop: article.html → article.html"),
        "{errors}"
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "serve is still running"
    );
    assert_eq!(get(&server.address, "/news/agreement-signed/").status, 200);
}

#[test]
fn folders_replaced_or_created_while_serving_are_watched_anew() {
    let site = preview_site();
    let (server, mut events) = watched(&site);
    std::fs::rename(site.root().join("content"), site.root().join("content-old")).unwrap();
    site.article(
        "news/fresh.md",
        "title = \"A fresh start\"\ndate = 2022-03-04\ncities = [\"wuxi\"]",
        "New folder.\n",
    );
    assert!(
        events.wait_for("reload", WAIT),
        "no reload after content/ was replaced"
    );
    assert_eq!(get(&server.address, "/news/a-fresh-start/").status, 200);
    site.article(
        "news/fresh.md",
        "title = \"A fresh start\"\ndate = 2022-03-04\ncities = [\"wuxi\"]",
        "Edited in the new folder.\n",
    );
    assert!(
        events.wait_for("reload", WAIT),
        "edits in the new folder are seen"
    );
    assert!(get(&server.address, "/news/a-fresh-start/")
        .text()
        .contains("Edited in the new folder."));
}

#[cfg(unix)]
#[test]
fn serve_publishes_exactly_what_build_would_and_never_follows_links_out() {
    use std::os::unix::fs::symlink;
    let site = preview_site();
    symlink("/etc", site.root().join("static/etcdir")).unwrap();
    symlink("/", site.root().join("static/root")).unwrap();
    site.write("docs/guide.txt", "A guide.");
    symlink("../docs/guide.txt", site.root().join("static/guide.txt")).unwrap();
    let server = Server::start(site.root(), &[]);
    assert_eq!(get(&server.address, "/etcdir/passwd").status, 404);
    assert_eq!(get(&server.address, "/root/etc/passwd").status, 404);
    let guide = get(&server.address, "/guide.txt");
    assert_eq!((guide.status, guide.text().as_str()), (200, "A guide."));
}

#[test]
fn files_asked_for_by_another_address_keep_their_bytes_unless_they_hold_links() {
    let site = preview_site();
    let binary: Vec<u8> = (0..=255u8)
        .chain(b"http://localhost:".iter().copied())
        .collect();
    site.write_bytes("static/report.docx", &binary);
    let server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    let port = server.address.rsplit(':').next().unwrap();
    let host = format!("127.0.0.1:{port}");
    let file = get_as(&server.address, &host, "/report.docx");
    assert_eq!(file.body, binary, "binary files are served as they are");
    let page = get_as(&server.address, &host, "/").text();
    assert!(
        page.contains(&format!("http://{host}/style.css")),
        "links follow the address"
    );
}
