//! The preview's incremental rebuilds against full builds of the same files:
//! after every edit, add, delete and rename, they must agree byte for byte.

mod common;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Mutex;

use common::*;
use concord::render::{Sink, SiteFile, StreamError};
use concord::serve::preview::{Change, Preview};
use concord::SiteOptions;

const BASE: &str = "http://127.0.0.1:1111/";
const CITIES: usize = 12;

fn city_config() -> String {
    (0..CITIES)
        .map(|i| {
            format!(
                "[cities.c{i}]\nname = \"City {i}\"\nprovince = \"Province {}\"\n",
                i % 3
            )
        })
        .collect()
}

fn article_text(i: usize, title: &str, date: &str) -> String {
    let cities = format!("\"c{}\", \"c{}\"", i % CITIES, (i * 7 + 3) % CITIES);
    let link = if i.is_multiple_of(10) && i > 0 {
        format!(
            "See [the earlier report](@/y{}/a{}.md).",
            (i - 10) % 6,
            i - 10
        )
    } else {
        "No links here.".to_string()
    };
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\ncities = [{cities}]\n+++\nBody of {title}.\n\n{link}\n"
    )
}

fn generated_site(articles: usize) -> Site {
    let site = Site::new(BASE, 5);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let head = &config[..config.find("[cities.").unwrap()];
    site.write("config.toml", &format!("{head}{}", city_config()));
    for i in 0..articles {
        let date = format!("{}-{:02}-{:02}", 2010 + i % 6, 1 + i % 12, 1 + i % 28);
        site.write(
            &format!("content/y{}/a{i}.md", i % 6),
            &article_text(i, &format!("Report {i}"), &date),
        );
    }
    site
}

fn options(site: &Site) -> SiteOptions {
    SiteOptions {
        root: site.root().to_path_buf(),
        base_url: Some(BASE.to_string()),
        include_drafts: false,
    }
}

/// Every file of a full build, kept in memory.
#[derive(Default)]
struct Files(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for Files {
    type Error = Infallible;

    fn put(&self, file: SiteFile) -> Result<(), Infallible> {
        let mut files = self.0.lock().unwrap();
        files.insert(file.path, file.bytes.into_owned());
        Ok(())
    }
}

fn full_build(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let prepared = concord::prepare(&options(site))
        .unwrap_or_else(|error| panic!("full build failed:\n{error:?}"));
    let files = Files::default();
    if let Err(StreamError::Site(problems)) = prepared.stream(&files) {
        panic!("full build failed:\n{problems}");
    }
    files.0.into_inner().unwrap()
}

fn served(preview: &Preview) -> BTreeMap<String, Vec<u8>> {
    preview
        .files()
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
        .collect()
}

fn assert_same(preview: &Preview, site: &Site, step: &str) {
    assert_eq!(
        preview.problems().error_count(),
        0,
        "{step}: {}",
        preview.problems()
    );
    let incremental = served(preview);
    let full = full_build(site);
    let differing: Vec<&String> = full
        .keys()
        .chain(incremental.keys())
        .filter(|path| full.get(*path) != incremental.get(*path))
        .collect();
    assert!(
        differing.is_empty(),
        "{step}: {} files differ, such as {:?}",
        differing.len(),
        &differing[..differing.len().min(5)]
    );
}

fn content(file: &str) -> Change {
    Change::Content(file.to_string())
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    let site = generated_site(300);
    let mut preview = Preview::new(options(&site));
    assert_same(&preview, &site, "start");
    let total = preview.files().len();

    site.write(
        "content/y1/a7.md",
        &article_text(7, "Report 7, revised", "2011-08-08"),
    );
    let report = preview.apply(&[content("y1/a7.md")]);
    assert!(
        report.rendered > 0 && report.rendered < total / 4,
        "one title re-rendered {} of {total}",
        report.rendered
    );
    assert_same(&preview, &site, "edit a title");

    site.write(
        "content/y1/a7.md",
        &article_text(7, "Report 7, revised", "2015-02-27"),
    );
    preview.apply(&[content("y1/a7.md")]);
    assert_same(&preview, &site, "move to another month and year");

    site.write(
        "content/y1/a7.md",
        &article_text(8, "Report 7, revised", "2015-02-27"),
    );
    preview.apply(&[content("y1/a7.md")]);
    assert_same(&preview, &site, "change cities");

    site.write(
        "content/new/fresh.md",
        &article_text(301, "A new report", "2016-01-01"),
    );
    preview.apply(&[content("new/fresh.md")]);
    assert_same(&preview, &site, "add an article");

    std::fs::remove_file(site.root().join("content/y5/a11.md")).unwrap();
    let report = preview.apply(&[content("y5/a11.md")]);
    assert!(report.removed > 0, "the deleted article's page is gone");
    assert_same(&preview, &site, "delete an article");

    std::fs::rename(
        site.root().join("content/y3/a9.md"),
        site.root().join("content/y3/renamed.md"),
    )
    .unwrap();
    preview.apply(&[content("y3/a9.md"), content("y3/renamed.md")]);
    assert_same(&preview, &site, "rename a file");

    let linked = article_text(20, "Report 20", "2012-09-21")
        .replace("+++\nBody", "slug = \"moved\"\n+++\nBody");
    site.write("content/y2/a20.md", &linked);
    preview.apply(&[content("y2/a20.md")]);
    assert_same(&preview, &site, "change the URL of a linked article");

    let topics = article_text(40, "Report 40", "2014-05-13")
        .replace("+++\nBody", "topics = [\"Parks\"]\n+++\nBody");
    site.write("content/y4/a40.md", &topics);
    preview.apply(&[content("y4/a40.md")]);
    assert_same(
        &preview,
        &site,
        "the first topic adds Topics to every page's navigation",
    );

    site.write("templates/article.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ article.title }}</h1>{% endblock content %}");
    let report = preview.apply(&[Change::Template("article.html".into())]);
    assert!(
        report.rendered < total,
        "only article pages use article.html"
    );
    assert_same(&preview, &site, "override one template");

    let base = concord::render::theme::embedded_template("base.html")
        .unwrap()
        .replace("<main", "<main data-edited");
    site.write("templates/base.html", &base);
    let report = preview.apply(&[Change::Template("base.html".into())]);
    assert!(report.rendered >= total, "every page uses base.html");
    assert_same(&preview, &site, "edit the base template");

    std::fs::rename(
        site.root().join("content/new"),
        site.root().join("content/moved"),
    )
    .unwrap();
    preview.apply(&[Change::ContentFolder]);
    assert_same(&preview, &site, "move a whole folder");

    site.write("templates/city.html", "{% extends \"index.html\" %}");
    preview.apply(&[Change::Template("city.html".into())]);
    assert_same(&preview, &site, "a page template that extends another");
    let index = concord::render::theme::embedded_template("index.html")
        .unwrap()
        .replace("Latest cooperation news", "Newest first");
    site.write("templates/index.html", &index);
    preview.apply(&[Change::Template("index.html".into())]);
    assert_same(&preview, &site, "edit a template another one extends");

    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("paginate_by = 5", "paginate_by = 7"),
    );
    preview.apply(&[Change::Config]);
    assert_same(&preview, &site, "change the config");
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_until_it_is_fixed() {
    let site = generated_site(20);
    let mut preview = Preview::new(options(&site));
    let good = served(&preview);

    site.write(
        "content/y0/a0.md",
        "+++\ntitle = \"Broken\ndate = 2010-01-01\n+++\n",
    );
    preview.apply(&[content("y0/a0.md")]);
    let problems = preview.problems().to_string();
    assert!(problems.contains("content/y0/a0.md:2:"), "{problems}");
    assert_eq!(served(&preview), good, "the last good site is still served");

    site.write("content/y0/a0.md", &article_text(0, "Fixed", "2010-01-01"));
    preview.apply(&[content("y0/a0.md")]);
    assert_eq!(preview.problems().error_count(), 0);
    assert_same(&preview, &site, "fixed");
}
