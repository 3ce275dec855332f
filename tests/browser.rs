//! A real browser on the preview: headless Chromium, driven through
//! chromedriver's WebDriver API on loopback, sees an edit without the test
//! reloading the page, and sees the error overlay after a broken edit.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::http::{request, request_with_body, Server};
use common::*;
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
/// The slug keeps the URL when the title changes.
const GOOD: &str = "title = \"Agreement signed\"\nslug = \"agreement\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]";

struct Driver {
    child: Child,
    address: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver and a headless Chromium session, or `None` when
    /// they are not installed (outside CI only: `.ci/run` installs them).
    fn start() -> Option<Driver> {
        let chromedriver = std::env::var_os("CHROMEDRIVER")
            .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
        if !chromedriver.exists() || !std::path::Path::new(CHROMIUM).exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have chromium and chromium-driver installed by .ci/run"
            );
            eprintln!(
                "skipping: chromium or chromedriver is not installed (.ci/run installs them)"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let address = format!("127.0.0.1:{port}");
        wait_until("chromedriver is ready", || is_ready(&address));
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let response = request_with_body(&address, "POST", "/session", &capabilities.to_string());
        let reply: Value = serde_json::from_slice(&response.body).expect("a JSON reply");
        let session = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_string();
        Some(Driver {
            child,
            address,
            session,
            _profile: profile,
        })
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let target = format!("/session/{}{path}", self.session);
        let response = request_with_body(&self.address, method, &target, &body.to_string());
        let reply: Value = serde_json::from_slice(&response.body).expect("a JSON reply");
        reply["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command("POST", "/url", json!({"url": url}));
    }

    /// The window as a PNG image.
    fn screenshot(&self) -> Vec<u8> {
        let target = format!("/session/{}/screenshot", self.session);
        let reply: Value = serde_json::from_slice(&request(&self.address, "GET", &target).body)
            .expect("a JSON reply");
        base64(reply["value"].as_str().expect("a screenshot"))
    }

    /// Runs `script` in the page and returns its result.
    fn eval(&self, script: &str) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let target = format!("/session/{}", self.session);
        let _ = request(&self.address, "DELETE", &target);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether chromedriver answers its status request with `ready`. While it
/// starts, it may accept a connection and then reset it: that is "not yet",
/// not a failure (under CI load this once failed a test).
fn is_ready(address: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let asked = write!(
        stream,
        "GET /status HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    );
    if asked.is_err() {
        return false;
    }
    // chromedriver may keep the connection open after its answer: read
    // until the answer says ready, or the connection ends or fails.
    let (mut reply, mut chunk) = (Vec::new(), [0; 4096]);
    while let Ok(read @ 1..) = stream.read(&mut chunk) {
        reply.extend_from_slice(&chunk[..read]);
        if String::from_utf8_lossy(&reply).contains("\"ready\":true") {
            return true;
        }
    }
    false
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_browser_shows_edits_and_errors_without_being_reloaded() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = Site::new("https://example.org/", 10);
    site.article("news/good.md", GOOD, "Seven parks.\n");
    let server = Server::start(site.root(), &[]);
    driver.open(&format!("{}news/agreement/", server.url));
    let heading = "return document.querySelector('h1') && document.querySelector('h1').textContent";
    assert_eq!(driver.eval(heading), json!("Agreement signed"));
    driver.eval("window.__concordTestMarker = 1; return null");

    site.article(
        "news/good.md",
        &GOOD.replace("\"Agreement signed\"", "\"Agreement signed anew\""),
        "Seven parks.\n",
    );
    wait_until("the new title shows", || {
        driver.eval(heading) == json!("Agreement signed anew")
    });
    assert_eq!(
        driver.eval("return window.__concordTestMarker === undefined"),
        json!(true),
        "the page reloaded itself"
    );

    site.article(
        "news/good.md",
        &GOOD.replace("\"xuzhou\"", "\"xuzou\""),
        "Seven parks.\n",
    );
    let overlay = "const o = document.getElementById('concord-error-overlay'); return o ? o.textContent : null";
    wait_until("the overlay shows the error", || {
        driver.eval(overlay).as_str().is_some_and(|text| {
            text.contains("`xuzou` is not a declared city")
                && text.contains("content/news/good.md:5:19")
        })
    });

    site.article("news/good.md", GOOD, "Seven parks.\n");
    wait_until("the fix removes the overlay", || {
        driver.eval(overlay).is_null() && driver.eval(heading) == json!("Agreement signed")
    });

    let port: u16 = server.address.rsplit(':').next().unwrap().parse().unwrap();
    drop(server);
    site.article(
        "news/good.md",
        &GOOD.replace("\"Agreement signed\"", "\"Agreement restarted\""),
        "Seven parks.\n",
    );
    let _restarted = Server::start_at(site.root(), port, &[]);
    wait_until(
        "the tab reconnects to the restarted server and reloads",
        || driver.eval(heading) == json!("Agreement restarted"),
    );
}

/// A site with a page of every kind.
fn site_of_every_kind() -> Site {
    let site = Site::new("https://example.org/", 10);
    site.article("news/good.md", GOOD, "Seven parks.\n");
    site.article(
        "news/park.md",
        "title = \"Industrial park opens\"\ndate = 2020-06-20\ncities = [\"wuxi\", \"xuzhou\"]\ntopics = [\"Industrial parks\"]",
        "The park opened.\n\n| 年份 | 2019年 | 2020年 | 2021年 | 2022年 | 2023年 | 2024年 |\n|---|---|---|---|---|---|---|\n| 项目 | 3 | 5 | 8 | 12 | 15 | 18 |\n",
    );
    site
}

const EVERY_KIND: [&str; 10] = [
    "",
    "news/agreement/",
    "cities/",
    "cities/wuxi/",
    "archive/",
    "archive/2020/",
    "archive/2020/06/",
    "topics/",
    "topics/industrial-parks/",
    "no-such-page/",
];

#[test]
fn every_page_kind_keeps_its_distance_from_the_masthead_and_the_footer() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = site_of_every_kind();
    let server = Server::start(site.root(), &[]);
    let gaps = "const header = document.querySelector('.masthead').getBoundingClientRect();
        const main = document.querySelector('main');
        const first = main.firstElementChild.getBoundingClientRect();
        const last = main.lastElementChild.getBoundingClientRect();
        const footer = document.querySelector('.site-footer').getBoundingClientRect();
        return [first.top - header.bottom, footer.top - last.bottom];";
    for (width, height) in [(1280, 900), (390, 844)] {
        driver.command(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        );
        for path in EVERY_KIND {
            driver.open(&format!("{}{path}", server.url));
            let measured = driver.eval(gaps);
            let (top, bottom) = (measured[0].as_f64().unwrap(), measured[1].as_f64().unwrap());
            assert!(
                top >= 16.0 && bottom >= 16.0,
                "/{path} at {width}px: {top}px below the masthead, {bottom}px above the footer"
            );
        }
    }
}

#[test]
fn a_preview_open_to_the_network_works_from_whichever_address_is_asked() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = site_of_every_kind();
    let server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    let port = server.address.rsplit(':').next().unwrap();
    let origin = format!("http://127.0.0.1:{port}/");
    assert!(
        server.url.starts_with("http://localhost:"),
        "{}",
        server.url
    );
    driver.open(&origin);
    let stylesheet = driver.eval("return document.querySelector('link[rel=stylesheet]').href");
    assert_eq!(stylesheet, json!(format!("{origin}style.css")));
    let styled =
        driver.eval("return getComputedStyle(document.querySelector('.masthead')).borderTopWidth");
    assert_eq!(styled, json!("4px"), "the stylesheet loaded");
    let links = driver
        .eval("return Array.from(document.querySelectorAll('a[href^=\"http\"]')).map(a => a.href)");
    let links = links.as_array().unwrap();
    assert!(!links.is_empty());
    for link in links {
        assert!(link.as_str().unwrap().starts_with(&origin), "{link}");
    }
    driver.eval("document.querySelector('.card-title a').click(); return null");
    wait_until("the article opens from the same address", || {
        driver.eval("return location.href") == json!(format!("{origin}news/industrial-park-opens/"))
    });
}

#[test]
fn the_preview_with_drafts_shows_a_visible_draft_badge() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = site_of_every_kind();
    site.article(
        "news/draft.md",
        "title = \"Still a draft\"\ndate = 2021-01-01\ncities = [\"wuxi\"]\ndraft = true",
        "Soon.\n",
    );
    let server = Server::start(site.root(), &["--drafts"]);
    driver.open(&format!("{}news/still-a-draft/", server.url));
    let badge = "const b = document.querySelector('.story-header .draft-badge');
        return b ? [b.textContent, b.offsetWidth > 0 && b.offsetHeight > 0] : null";
    assert_eq!(driver.eval(badge), json!(["Draft", true]));
    driver.open(&server.url);
    let on_cards = driver.eval("return document.querySelectorAll('.card .draft-badge').length");
    assert_eq!(on_cards, json!(1));
    driver.open(&format!("{}news/agreement/", server.url));
    assert_eq!(driver.eval(badge), Value::Null);
}

#[test]
fn chinese_table_headers_keep_a_number_with_its_unit_on_a_phone() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = site_of_every_kind();
    let server = Server::start(site.root(), &[]);
    driver.command("POST", "/window/rect", json!({"width": 390, "height": 844}));
    driver.open(&format!("{}news/industrial-park-opens/", server.url));
    let lines = "return Array.from(document.querySelectorAll('.story-body th')).map(th => {
        const range = document.createRange();
        range.selectNodeContents(th);
        return [th.textContent, range.getClientRects().length];
    })";
    let headers = driver.eval(lines);
    let headers = headers.as_array().unwrap();
    assert_eq!(headers.len(), 7);
    for header in headers {
        assert_eq!(header[1], json!(1), "{header} is on one line");
    }
}

/// The repository's own example site, copied so that the preview watches
/// nothing but it: Chinese at the root, English under `en/`.
fn example_site() -> tempfile::TempDir {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(repo) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(repo).unwrap();
        let first = relative.components().next();
        let wanted = first.is_some_and(|c| {
            ["config.toml", "content", "static", "templates"]
                .contains(&c.as_os_str().to_str().unwrap_or(""))
        });
        if !wanted {
            continue;
        }
        let target = copy.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    copy
}

/// Decodes standard base64, as WebDriver sends screenshots.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|chunk| {
            let bits = chunk.iter().fold(0u32, |acc, &d| acc << 6 | u32::from(d))
                << (6 * (4 - chunk.len()));
            let bytes = bits.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

/// Opens each of `pages` of this repository's site at each window size,
/// lets `look` check it, and saves a screenshot of it as
/// `target/tmp/screenshots/<prefix>-<name>-<device>.png`.
fn photograph(
    prefix: &str,
    sizes: [(u32, u32, &str); 2],
    pages: &[(&str, &str)],
    look: impl Fn(&Driver, &str, u32),
) {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = example_site();
    let server = Server::start(site.path(), &[]);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (width, height, device) in sizes {
        driver.command(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        );
        for (name, path) in pages {
            driver.open(&format!("{}{path}", server.url));
            look(&driver, path, width);
            let file = shots.join(format!("{prefix}-{name}-{device}.png"));
            std::fs::write(&file, driver.screenshot()).unwrap();
        }
    }
}

#[test]
fn chinese_pages_fit_desktops_and_phones_and_are_photographed() {
    let pages = [
        ("home", ""),
        ("article", "news/wuxi-xuzhou-2020-agreement/"),
        ("city", "cities/xuzhou/"),
    ];
    let layout = "return [document.documentElement.lang,
        document.documentElement.scrollWidth <= window.innerWidth,
        document.querySelector('.language-switch a').textContent,
        document.querySelector('h1').getBoundingClientRect().width > 0]";
    let sizes = [(1280, 900, "desktop"), (390, 844, "phone")];
    photograph("zh", sizes, &pages, |driver, path, width| {
        assert_eq!(
            driver.eval(layout),
            json!(["zh-CN", true, "English", true]),
            "/{path} at {width}px"
        );
    });
}

#[test]
fn maps_draw_links_that_resolve_and_labels_that_do_not_overlap() {
    let pages = [
        ("partnerships", "en/partnerships/"),
        ("pair", "en/partnerships/wuxi--xuzhou/"),
        ("city", "en/cities/xuzhou/"),
        ("city-zh", "cities/xuzhou/"),
        ("partnerships-zh", "partnerships/"),
    ];
    let labels = "return Array.from(document.querySelectorAll('.map-labels text')).map(t => {
        const b = t.getBBox(); return [t.textContent, b.x, b.y, b.width, b.height]; })";
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    // On a phone the map is wider than its frame, which must open on the
    // page's city, or on the city with the most articles.
    let focus_shown = "const figure = document.querySelector('.map-figure');
        if (!figure) return null;
        const dots = Array.from(figure.querySelectorAll('.map-dots circle'));
        const city = dots.find(dot => location.pathname.endsWith(
            new URL(dot.parentNode.getAttribute('href'), location.href).pathname));
        const focus = location.pathname.includes('/cities/') ? city
            : dots.reduce((a, b) => +b.getAttribute('r') > +a.getAttribute('r') ? b : a);
        const frame = figure.getBoundingClientRect(), dot = focus.getBoundingClientRect();
        return [figure.scrollWidth > figure.clientWidth, dot.left >= frame.left && dot.right <= frame.right]";
    let sizes = [(1280, 800, "desktop"), (390, 844, "phone")];
    photograph("map", sizes, &pages, |driver, path, width| {
        let found = driver.eval(labels);
        let boxes: Vec<(String, f64, f64, f64, f64)> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                let n = |i: usize| b[i].as_f64().unwrap();
                (b[0].as_str().unwrap().to_string(), n(1), n(2), n(3), n(4))
            })
            .collect();
        if !path.contains("--") {
            assert!(!boxes.is_empty(), "/{path} has a labelled map");
        }
        assert_eq!(driver.eval(fits), json!(true), "/{path} fits {width}px");
        if !path.contains("--") {
            let found = driver.eval(focus_shown);
            let [scrolls, shown] = [0, 1].map(|i| found[i] == json!(true));
            assert_eq!(
                scrolls,
                width < 500,
                "/{path}: the map scrolls at {width}px"
            );
            assert!(shown, "/{path}: the map opens on its city at {width}px");
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart =
                    a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1 || a.2 + a.4 <= b.2 || b.2 + b.4 <= a.2;
                assert!(apart, "/{path}: labels {} and {} overlap", a.0, b.0);
            }
        }
    });
}

/// The titles the search page shows, once it shows some (the preview
/// builds the index after the pages).
fn search_titles(driver: &Driver) -> Vec<String> {
    let titles = "return Array.from(document.querySelectorAll('#search-results .search-title')).map(a => a.textContent)";
    let mut found = Vec::new();
    wait_until("search results show", || {
        found = serde_json::from_value(driver.eval(titles)).unwrap_or_default();
        !found.is_empty()
    });
    found.sort();
    found
}

#[test]
fn search_finds_chinese_and_english_words_filters_by_city_and_never_drafts() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let site = example_site();
    std::fs::write(
        site.path().join("content/news/draft.md"),
        "+++\ntitle = \"徐州无锡秘密草稿\"\ndate = 2024-01-01\ncities = [\"徐州\", \"无锡\"]\ndraft = true\n+++\n徐州与无锡的草稿。\n",
    )
    .unwrap();
    let server = Server::start(site.path(), &[]);
    driver.open(&format!("{}search/?q=无锡", server.url));
    assert_eq!(
        search_titles(&driver),
        [
            "无锡徐州签署2020年度南北结对合作协议",
            "无锡高新区与徐州经开区签署共建园区框架协议"
        ],
        "无锡 finds the two Wuxi stories, not the Qinghai one nor the draft"
    );
    driver.open(&format!("{}search/?q=徐州", server.url));
    assert_eq!(
        search_titles(&driver).len(),
        3,
        "every published Chinese story names 徐州"
    );
    driver.eval("const c = document.getElementById('search-city'); c.value = '海南藏族自治州'; c.dispatchEvent(new Event('change')); return null");
    wait_until("the city filter narrows the results", || {
        driver.eval("return document.querySelectorAll('#search-results li').length") == json!(1)
    });
    assert_eq!(
        search_titles(&driver),
        ["青海海南州代表团来徐考察 深化对口支援合作"]
    );
    driver.open(&format!("{}en/search/?q=Xinghai", server.url));
    assert_eq!(
        search_titles(&driver),
        ["Qinghai delegation from Hainan Prefecture visits Xuzhou to deepen counterpart support"]
    );
    let excerpt = driver
        .eval("return document.querySelector('#search-results .search-excerpt mark').textContent");
    assert_eq!(excerpt, json!("Xinghai"), "the match is highlighted");

    std::fs::write(
        site.path().join("content/news/yaks.md"),
        "+++\ntitle = \"兴海县牦牛合作社开业\"\ndate = 2024-03-01\ncities = [\"兴海县\", \"徐州\"]\n+++\n徐州支持的牦牛合作社在兴海县开业。\n",
    )
    .unwrap();
    let titles = "return Array.from(document.querySelectorAll('#search-results .search-title')).map(a => a.textContent)";
    wait_until("a saved article is found once the index is rebuilt", || {
        driver.open(&format!("{}search/?q=牦牛", server.url));
        std::thread::sleep(Duration::from_millis(300));
        driver.eval(titles) == json!(["兴海县牦牛合作社开业"])
    });
}
