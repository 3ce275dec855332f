//! Fixture sites in temporary folders, built by the real `concord` binary.
#![allow(dead_code)]

pub mod generated;
pub mod http;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};
use tempfile::TempDir;

pub const CITIES: &str = r#"
[cities.wuxi]
name = "Wuxi"
province = "Jiangsu"
aliases = ["Wuxi City", "无锡"]

[cities.xuzhou]
name = "Xuzhou"
province = "Jiangsu"
aliases = ["Xuzhou City", "徐州"]

[cities.hainan-prefecture]
name = "Hainan Tibetan Autonomous Prefecture"
province = "Qinghai"
aliases = ["Hainan Prefecture"]

[cities.taizhou-js]
name = "Taizhou"
province = "Jiangsu"

[cities.taizhou-zj]
name = "Taizhou"
province = "Zhejiang"
"#;

pub struct Site {
    pub dir: TempDir,
}

impl Site {
    /// A site with the test cities, `base_url` and `paginate_by`.
    pub fn new(base_url: &str, paginate_by: usize) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write(
            "config.toml",
            &format!("title = \"Test News\"\ndescription = \"Tests\"\nbase_url = \"{base_url}\"\npaginate_by = {paginate_by}\n{CITIES}"),
        );
        fs::create_dir_all(site.root().join("content")).unwrap();
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    /// `concord check` on the site: its exit code, and what it reported.
    pub fn check_report(&self) -> (Option<i32>, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["check", "--root"])
            .arg(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run concord check");
        (output.status.code(), stderr(&output))
    }

    pub fn write(&self, relative: &str, text: &str) {
        self.write_bytes(relative, text.as_bytes());
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Writes `content/<relative>` with front matter from the given fields.
    pub fn article(&self, relative: &str, front_matter: &str, body: &str) {
        self.write(
            &format!("content/{relative}"),
            &format!("+++\n{front_matter}\n+++\n{body}"),
        );
    }

    /// Runs `concord build --root <site>` with extra arguments.
    pub fn build(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
        command
            .arg("build")
            .arg("--root")
            .arg(self.root())
            .args(args);
        command.env("NO_COLOR", "1").output().expect("run concord")
    }

    /// Builds and panics with the messages if the build fails.
    pub fn build_ok(&self, args: &[&str]) -> Output {
        let output = self.build(args);
        assert!(
            output.status.success(),
            "build failed:\n{}",
            stderr(&output)
        );
        output
    }

    pub fn read(&self, relative: &str) -> String {
        let path = self.output().join(relative);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn page(&self, relative: &str) -> Html {
        Html::parse_document(&self.read(relative))
    }

    /// Every file under the output folder with its bytes.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(&self.output())
    }
}

pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// `concord <subcommand> --root <site> <args>`, without colour.
pub fn concord(subcommand: &str, site: &Site, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
    command
        .args([subcommand, "--root"])
        .arg(site.root())
        .args(args)
        .env("NO_COLOR", "1");
    command
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn select<'a>(html: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(selector).expect("valid selector");
    html.select(&selector).collect()
}

pub fn attr(html: &Html, selector: &str, name: &str) -> Option<String> {
    select(html, selector)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

pub fn text(element: &scraper::ElementRef<'_>) -> String {
    element.text().collect::<String>().trim().to_string()
}

/// The site path of an absolute URL under `base_url`.
pub fn site_path(base_url: &str, url: &str) -> String {
    url.strip_prefix(base_url)
        .unwrap_or_else(|| panic!("{url} is not under {base_url}"))
        .to_string()
}

/// Follows a paginated list from its first page through every `rel="next"`
/// link, and returns the titles of the articles (cards, or lines of a
/// timeline) on all its pages.
pub fn list_titles(site: &Site, base_url: &str, first_page: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut path = first_page.to_string();
    let mut seen = 0;
    loop {
        let html = site.page(&format!("{path}index.html"));
        titles.extend(
            select(&html, ".card .card-title a, .timeline .timeline-title")
                .iter()
                .map(text),
        );
        match attr(&html, "link[rel=next]", "href") {
            Some(next) => path = site_path(base_url, &next),
            None => return titles,
        }
        seen += 1;
        assert!(seen < 10_000, "pagination does not end");
    }
}
