//! The preview's incremental rebuilds against full builds of the same files:
//! after every edit, add, delete and rename, they must agree byte for byte.

mod common;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Mutex;

use common::generated::*;
use common::*;
use concord::render::{Sink, SiteFile, StreamError};
use concord::serve::preview::{Change, Preview};
use concord::SiteOptions;

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
    try_full_build(site).unwrap_or_else(|problems| panic!("full build failed:\n{problems}"))
}

/// A full build's files, or its problems.
fn try_full_build(site: &Site) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let prepared = match concord::prepare(&options(site)) {
        Ok(prepared) => prepared,
        Err(concord::Error::Site(findings)) => return Err(findings.problems.to_string()),
        Err(error) => panic!("{error}"),
    };
    let files = Files::default();
    // The preview builds the search index apart, after the pages.
    match prepared.stream(&files, false) {
        Ok(_) => Ok(files.0.into_inner().unwrap()),
        Err(StreamError::Site(problems)) => Err(problems.to_string()),
        Err(StreamError::Sink(never)) => match never {},
    }
}

fn served(preview: &Preview) -> BTreeMap<String, Vec<u8>> {
    preview
        .files()
        .iter()
        .map(|(path, file)| (path.clone(), file.bytes().into_owned()))
        .collect()
}

fn assert_same(preview: &Preview, site: &Site, step: &str) {
    assert_eq!(
        preview.problems().error_count(),
        0,
        "{step}: {}",
        preview.problems()
    );
    assert_same_files(&served(preview), &full_build(site), step);
}

fn assert_same_files(
    incremental: &BTreeMap<String, Vec<u8>>,
    full: &BTreeMap<String, Vec<u8>>,
    step: &str,
) {
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
fn changes_of_language_and_translation_rebuild_like_full_builds() {
    let site = generated_site(40);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("languages = [\"zh\", \"en\"]\n{config}"),
    );
    let mut preview = Preview::new(options(&site));
    assert_same(&preview, &site, "start");
    let with = |i: usize, date: &str, extra: &str| {
        article_text(i, &format!("Report {i}"), date)
            .replace("+++\nBody", &format!("{extra}+++\nBody"))
    };
    let steps: [(&str, usize, &str, &str); 6] = [
        (
            "move an article to English",
            7,
            "2011-08-08",
            "lang = \"en\"\n",
        ),
        (
            "link it to its Chinese original",
            7,
            "2011-08-08",
            "lang = \"en\"\ntranslation = \"seven\"\n",
        ),
        (
            "the original says the same key",
            8,
            "2012-09-09",
            "translation = \"seven\"\n",
        ),
        (
            "change the key on one side",
            7,
            "2011-08-08",
            "lang = \"en\"\ntranslation = \"other\"\n",
        ),
        (
            "and on the other",
            8,
            "2012-09-09",
            "translation = \"other\"\n",
        ),
        (
            "back to Chinese, one language with two articles of one key",
            7,
            "2011-08-08",
            "lang = \"zh-CN\"\n",
        ),
    ];
    for (what, i, date, extra) in steps {
        let file = format!("y{}/a{i}.md", i % 6);
        site.write(&format!("content/{file}"), &with(i, date, extra));
        preview.apply(&[content(&file)]);
        assert_same(&preview, &site, what);
    }
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

proptest::proptest! {
    // Each case builds the site in full after every step; set
    // PROPTEST_CASES for a longer run.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12)
    ))]

    #[test]
    fn random_edits_rebuild_like_full_builds(
        edits in proptest::collection::vec((0u8..14, 0u32..1_000_000, 0u32..1_000_000), 20..32)
    ) {
        let mut random = RandomSite::new();
        let mut preview = Preview::new(options(&random.site));
        assert_same(&preview, &random.site, "start");
        let mut steps = Vec::new();
        for (action, a, b) in edits {
            let (what, changes) = random.edit(action, a, b);
            steps.push(what);
            preview.apply(&changes);
            let history = steps.join(" → ");
            match try_full_build(&random.site) {
                Ok(full) => {
                    let errors = preview.problems().error_count();
                    assert_eq!(errors, 0, "{history}: {}", preview.problems());
                    assert_same_files(&served(&preview), &full, &history);
                }
                Err(problems) => assert!(
                    preview.problems().error_count() > 0,
                    "{history}: the full build fails but the preview does not:\n{problems}"
                ),
            }
        }
    }
}

#[test]
fn the_preview_warns_about_placeholders_in_drafts_it_leaves_out() {
    let site = generated_site(3);
    site.write(
        "content/draft.md",
        "+++\ntitle = \"Later\"\ndate = 2015-01-01\ncities = [\"c1\"]\ndraft = true\n+++\nSigned on [Insert Date].\n",
    );
    let preview = Preview::new(options(&site));
    let problems = preview.problems().to_string();
    assert!(
        problems.contains("placeholder `[Insert Date]` left in the article"),
        "{problems}"
    );
    assert!(!preview.files().keys().any(|path| path.contains("later")));
}
