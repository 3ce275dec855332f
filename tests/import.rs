//! `concord import` on press releases shaped like the ones newsrooms send:
//! the fixtures in `tests/fixtures/releases/` follow the two seed items
//! (a dateline run into the title, an `[Insert Date]` left in, a title that
//! says "Hainan Province" over a text about Hainan Prefecture, a page footer)
//! and a Chinese release with a list and a source line.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

const BASE: &str = "https://example.org/";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/releases")
        .join(name)
}

fn import(site: &Site, args: &[&str]) -> Output {
    import_command(site, args)
        .output()
        .expect("run concord import")
}

fn import_command(site: &Site, args: &[&str]) -> Command {
    concord("import", site, args)
}

fn import_ok(site: &Site, args: &[&str]) -> String {
    let output = import(site, args);
    assert!(
        output.status.success(),
        "import failed:\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// The one file an import wrote into `content/news/`.
fn the_one_article(site: &Site) -> PathBuf {
    let written: Vec<PathBuf> = std::fs::read_dir(site.root().join("content/news"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let [path] = written.as_slice() else {
        panic!("{written:?}")
    };
    path.clone()
}

/// The front matter of a content file, parsed.
fn front_matter(site: &Site, relative: &str) -> toml::Table {
    let text = std::fs::read_to_string(site.root().join(relative)).unwrap();
    let inner = text
        .strip_prefix("+++\n")
        .unwrap()
        .split("\n+++\n")
        .next()
        .unwrap();
    inner.parse().unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn strings(value: &toml::Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn date(front: &toml::Table) -> String {
    front["date"]
        .as_datetime()
        .expect("a TOML date")
        .to_string()
}

fn file(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_hainan_visit_imports_as_a_draft_with_the_title_conflict_reported() {
    let site = Site::new(BASE, 10);
    let said = import_ok(&site, &[file(&fixture("hainan-visit.txt"))]);
    let relative = "content/news/hainan-province-and-xuzhou-city-step-up-their-cooperation.md";
    let front = front_matter(&site, relative);
    assert_eq!(
        front["title"].as_str(),
        Some("Hainan Province and Xuzhou City Step Up Their Cooperation")
    );
    assert_eq!(date(&front), "2023-07-03");
    assert_eq!(strings(&front["cities"]), ["xuzhou", "hainan-prefecture"]);
    assert!(front["summary"]
        .as_str()
        .unwrap()
        .starts_with("On [Insert Date], Lv Gang"));
    assert_eq!(
        front["draft"].as_bool(),
        Some(true),
        "a placeholder stands where the date should be"
    );
    assert!(
        said.contains("line 3   placeholder `[Insert Date]`"),
        "{said}"
    );
    assert!(said.contains("the title says `Hainan Province`, but the text names Hainan Tibetan Autonomous Prefecture (`hainan-prefecture`, Qinghai)"), "{said}");
    assert!(
        said.contains("`Xinghai County` looks like a place the site does not declare"),
        "{said}"
    );
    assert!(!said.contains("`Autonomous Prefecture`"), "{said}");

    let (code, report) = site.check_report();
    assert_eq!(
        code,
        Some(0),
        "a draft waits for the editor and stops nothing: {report}"
    );
    let drafts = concord("check", &site, &["--drafts"]).output().unwrap();
    let report = stderr(&drafts);
    assert!(drafts.status.success(), "{report}");
    assert!(report.contains("placeholder `[Insert Date]`"), "{report}");
    assert_eq!(
        article_warnings(&report),
        1,
        "the placeholder is the only warning: {report}"
    );
    site.build_ok(&["--drafts"]);
}

#[test]
fn the_north_south_release_imports_with_its_release_date_and_without_the_page_footer() {
    let site = Site::new(BASE, 10);
    let said = import_ok(&site, &[file(&fixture("north-south.txt"))]);
    let relative = "content/news/a-new-round-of-north-south-cooperation-for-wuxi-and-xuzhou.md";
    let front = front_matter(&site, relative);
    assert_eq!(date(&front), "2020-06-11");
    assert_eq!(strings(&front["cities"]), ["wuxi", "xuzhou"]);
    assert!(front["summary"]
        .as_str()
        .unwrap()
        .starts_with("On June 9, a Party and government delegation"));
    assert!(!front.contains_key("draft"));
    let text = std::fs::read_to_string(site.root().join(relative)).unwrap();
    assert!(
        !text.contains("All rights reserved") && !text.contains("Release time"),
        "{text}"
    );
    assert!(said.contains("left out `All rights reserved"), "{said}");
    assert!(said.contains("line 2   date      2020-06-11"), "{said}");
    let (code, report) = site.check_report();
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(article_warnings(&report), 0, "{report}");
    site.build_ok(&[]);
    let page =
        site.page("news/a-new-round-of-north-south-cooperation-for-wuxi-and-xuzhou/index.html");
    assert!(text_of(&page, "article").contains("615 projects"));
}

/// How many warnings point into `content/`: the test site declares cities
/// no article names, which is warned about in config.toml.
fn article_warnings(report: &str) -> usize {
    report
        .split("warning:")
        .skip(1)
        .filter(|w| w.contains("--> content/"))
        .count()
}

fn text_of(html: &scraper::Html, selector: &str) -> String {
    select(html, selector).iter().map(text).collect()
}

#[test]
fn news_that_speaks_of_copyright_or_technical_support_is_kept_and_only_the_footer_left_out() {
    let site = Site::new(BASE, 10);
    site.write(
        "release.txt",
        "徐州与无锡共建知识产权服务中心\n\n2023年7月3日，徐州与无锡签署协议。\n\n无锡将为徐州企业提供技术支持，并共享版权所有登记服务。\n\n两市将定期交流。\n\n版权所有 © 2023 徐州市人民政府 技术支持：某网络公司\n",
    );
    let said = import_ok(&site, &[site.root().join("release.txt").to_str().unwrap()]);
    let path = the_one_article(&site);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("无锡将为徐州企业提供技术支持，并共享版权所有登记服务。"),
        "{text}"
    );
    assert!(text.contains("两市将定期交流。"), "{text}");
    assert!(!text.contains("某网络公司"), "{text}");
    assert!(said.contains("left out `版权所有 © 2023"), "{said}");
    assert!(!said.contains("left out `无锡将为"), "{said}");
}

#[test]
fn a_markdown_release_keeps_its_markdown_and_renders_as_written() {
    let site = Site::new(BASE, 10);
    site.write(
        "release.md",
        "# Wuxi and Xuzhou open a shared park\n\nOn June 9, 2020, **both cities** opened the park in Xuzhou.\n\n## Background\n\n1. Seven parks\n2. 615 projects\n",
    );
    import_ok(&site, &[site.root().join("release.md").to_str().unwrap()]);
    let relative = "content/news/wuxi-and-xuzhou-open-a-shared-park.md";
    let text = std::fs::read_to_string(site.root().join(relative)).unwrap();
    assert!(text.contains("\n## Background\n"), "{text}");
    assert!(text.contains("**both cities**"), "{text}");
    assert!(!text.contains('\\'), "nothing is escaped: {text}");
    site.build_ok(&[]);
    let page = site.page("news/wuxi-and-xuzhou-open-a-shared-park/index.html");
    assert_eq!(text_of(&page, "article h2"), "Background");
    assert_eq!(text_of(&page, "article strong"), "both cities");
    assert_eq!(select(&page, "article ol li").len(), 2);
}

#[test]
fn a_chinese_release_keeps_its_list_and_source_and_can_come_from_standard_input() {
    let site = Site::new(BASE, 10);
    let mut child = import_command(&site, &["-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(fixture("xuzhou-wuxi-zh.txt")).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("Imported standard input → "),
        "{}",
        stdout(&output)
    );
    let path = the_one_article(&site);
    let relative = path.strip_prefix(site.root()).unwrap().to_str().unwrap();
    let front = front_matter(&site, relative);
    assert_eq!(
        front["title"].as_str(),
        Some("徐州与无锡签署新一轮南北合作协议")
    );
    assert_eq!(date(&front), "2023-07-03");
    assert_eq!(strings(&front["cities"]), ["xuzhou", "wuxi"]);
    assert_eq!(front["source"].as_str(), Some("徐州日报"));
    assert_eq!(
        front["source_url"].as_str(),
        Some("https://example.cn/news/1")
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains("## 合作重点\n\n1. 共建产业园区\n2. 干部交流\n3. 教育与医疗合作"),
        "{text}"
    );
    assert!(!text.contains("来源"), "{text}");
    site.build_ok(&[]);
}

#[test]
fn a_name_of_two_cities_is_offered_both_ways_and_nothing_is_guessed() {
    let site = Site::new(BASE, 10);
    let release = site.root().join("taizhou.txt");
    std::fs::write(&release, "Taizhou and Wuxi sign a tourism pact\n\nOn 3 July 2023 Taizhou and Wuxi agreed to share visitors.\n").unwrap();
    let said = import_ok(&site, &[file(&release)]);
    assert!(
        said.contains("`Taizhou` could be taizhou-js or taizhou-zj: add the one meant to `cities`"),
        "{said}"
    );
    let relative = "content/news/taizhou-and-wuxi-sign-a-tourism-pact.md";
    let front = front_matter(&site, relative);
    assert_eq!(strings(&front["cities"]), ["wuxi"]);
    let text = std::fs::read_to_string(site.root().join(relative)).unwrap();
    assert!(
        text.contains("# `Taizhou` could be taizhou-js or taizhou-zj: add the one meant"),
        "{text}"
    );
}

#[test]
fn a_release_without_a_date_is_a_draft_and_the_report_says_so() {
    let site = Site::new(BASE, 10);
    let release = site.root().join("teachers.txt");
    std::fs::write(&release, "Wuxi teachers arrive in Xuzhou\n\nTwenty teachers from Wuxi began a term in Xuzhou schools.\n").unwrap();
    let said = import_ok(&site, &[file(&release)]);
    assert!(said.contains("(as a draft)"), "{said}");
    assert!(
        said.contains("no date found in the text: written as a draft"),
        "{said}"
    );
    let front = front_matter(&site, "content/news/wuxi-teachers-arrive-in-xuzhou.md");
    assert_eq!(front["draft"].as_bool(), Some(true));
    assert!(
        front.contains_key("date"),
        "today's date stands in, so that the site still builds"
    );
    let text = std::fs::read_to_string(
        site.root()
            .join("content/news/wuxi-teachers-arrive-in-xuzhou.md"),
    )
    .unwrap();
    assert!(text.contains("# no date was found in the text"), "{text}");
    site.build_ok(&[]);

    let dated = import_ok(
        &site,
        &[
            "--date",
            "2021-09-01",
            "--into",
            file(&site.root().join("content/news/2021")),
            file(&release),
        ],
    );
    assert!(!dated.contains("as a draft"), "{dated}");
    let front = front_matter(&site, "content/news/2021/wuxi-teachers-arrive-in-xuzhou.md");
    assert_eq!(date(&front), "2021-09-01");
}

#[test]
fn an_existing_article_is_never_overwritten() {
    let site = Site::new(BASE, 10);
    import_ok(&site, &[file(&fixture("north-south.txt"))]);
    let path = site
        .root()
        .join("content/news/a-new-round-of-north-south-cooperation-for-wuxi-and-xuzhou.md");
    std::fs::write(&path, "the editor's own version\n").unwrap();
    let again = import(
        &site,
        &[
            file(&fixture("north-south.txt")),
            file(&fixture("xuzhou-wuxi-zh.txt")),
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    let said = stderr(&again);
    assert!(
        said.contains("exists already; nothing was overwritten"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the editor's own version\n"
    );
    assert!(
        stdout(&again).contains("Imported "),
        "the other release is still imported"
    );
}

#[test]
fn gbk_text_is_decoded_and_other_bytes_are_refused() {
    let site = Site::new(BASE, 10);
    let text = std::fs::read_to_string(fixture("xuzhou-wuxi-zh.txt")).unwrap();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    let release = site.root().join("gbk.txt");
    std::fs::write(&release, &gbk).unwrap();
    let said = import_ok(&site, &[file(&release)]);
    assert!(said.contains("read as GB18030, not UTF-8"), "{said}");
    let front = front_matter(
        &site,
        "content/news/xu-zhou-yu-wu-xi-qian-shu-xin-yi-lun-nan-bei-he-zuo-xie-yi.md",
    );
    assert_eq!(
        front["title"].as_str(),
        Some("徐州与无锡签署新一轮南北合作协议")
    );

    let binary = site.root().join("photo.jpg");
    std::fs::write(&binary, b"\xff\xd8\xff\xe0\x00\x10JFIF\xff\xff").unwrap();
    let refused = import(&site, &[file(&binary)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("is neither UTF-8 nor GB18030 text; save it as UTF-8"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn a_dry_run_prints_the_front_matter_and_writes_nothing() {
    let site = Site::new(BASE, 10);
    let said = import_ok(&site, &["--dry-run", file(&fixture("north-south.txt"))]);
    assert!(said.starts_with("Would import "), "{said}");
    assert!(said.contains("+++\ntitle = \"A New Round of North-South Cooperation for Wuxi and Xuzhou\"\ndate = 2020-06-11\ncities = [\"wuxi\", \"xuzhou\"]\n"), "{said}");
    assert!(!site.root().join("content/news").exists());

    let twice = import(
        &site,
        &[
            "--dry-run",
            file(&fixture("north-south.txt")),
            file(&fixture("north-south.txt")),
        ],
    );
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("would be written twice in this run"),
        "{}",
        stderr(&twice)
    );
}

#[test]
fn a_capitalised_headline_is_not_read_as_one_long_place_name() {
    let site = Site::new(BASE, 10);
    let release = site.root().join("tour.txt");
    std::fs::write(
        &release,
        "Xuzhou Officials Tour Xinghai County\n\nOn 3 July 2023 officials from Xuzhou toured Xinghai County and Hainan Tibetan Autonomous Prefecture.\n",
    )
    .unwrap();
    let said = import_ok(&site, &[file(&release)]);
    assert!(!said.contains("the title says"), "{said}");
    assert!(
        said.contains("`Xinghai County` looks like a place the site does not declare"),
        "{said}"
    );
    assert!(
        !said.contains("Autonomous Prefecture` looks like"),
        "{said}"
    );
}
