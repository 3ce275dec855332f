//! The page cache: a build after an edit renders only what the edit touched,
//! and its output is byte for byte a clean build's, whatever state the
//! cache and the output folder are in.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::generated::*;
use common::*;
use concord::{BuildOptions, BuildReport, SiteOptions};

/// Builds `site` into `output`, its content files dated back as if saved
/// long before (see [`age_recent_files`]).
fn build_into(site: &Site, output: &Path, cache: bool) -> BuildReport {
    age_recent_files(&site.root().join("content"));
    build_fresh_into(site, output, cache)
}

fn build_fresh_into(site: &Site, output: &Path, cache: bool) -> BuildReport {
    let options = BuildOptions {
        site: SiteOptions {
            root: site.root().to_path_buf(),
            base_url: None,
            include_drafts: false,
        },
        output: output.to_path_buf(),
        wait: false,
        cache,
    };
    concord::build(&options, &|_| {}).unwrap_or_else(|error| panic!("build failed: {error}"))
}

fn cached_build(site: &Site) -> BuildReport {
    build_into(site, &site.output(), true)
}

/// Builds the site with the cache into `public/`, and without it into a
/// fresh folder, and asserts that the two hold the same bytes.
fn assert_like_clean_build(site: &Site, step: &str) -> BuildReport {
    let report = cached_build(site);
    let clean = tempfile::tempdir().unwrap();
    let clean_output = clean.path().join("public");
    build_into(site, &clean_output, false);
    assert_same_trees(&site.output(), &clean_output, step);
    report
}

fn assert_same_trees(cached: &Path, clean: &Path, step: &str) {
    let (cached, clean) = (snapshot(cached), snapshot(clean));
    let relative = |tree: &std::collections::BTreeMap<PathBuf, Vec<u8>>, root: usize| {
        tree.keys()
            .map(|p| p.components().skip(root).collect::<PathBuf>())
            .collect::<Vec<_>>()
    };
    let depth = |tree: &std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        tree.keys()
            .map(|p| p.components().count())
            .min()
            .unwrap_or(0)
            - 1
    };
    let (a, b) = (
        relative(&cached, depth(&cached)),
        relative(&clean, depth(&clean)),
    );
    assert_eq!(
        a, b,
        "{step}: the cached build has other files than a clean one"
    );
    for ((path, bytes), other) in cached.iter().zip(clean.values()) {
        assert!(
            bytes == other,
            "{step}: {} differs from a clean build's",
            path.display()
        );
    }
}

/// The page caches of the site's output folders.
fn cache_files(site: &Site) -> Vec<PathBuf> {
    let folder = site.root().join(".concord/cache");
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|file| {
        file.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("pages-")
    });
    files.sort();
    files
}

/// The cache file of `public/`: the one a build into it last changed.
fn public_cache(site: &Site) -> PathBuf {
    cache_files(site)
        .into_iter()
        .max_by_key(|f| fs::metadata(f).and_then(|m| m.modified()).ok())
        .expect("a cache file")
}

#[test]
fn an_edit_renders_only_the_pages_it_touches() {
    let site = generated_site(120);
    let first = cached_build(&site);
    assert_eq!(first.reused.pages, 0, "nothing to reuse on the first build");
    let pages =
        first.counts.articles + first.counts.lists + first.counts.feeds + first.counts.other;

    let again = assert_like_clean_build(&site, "nothing changed");
    assert_eq!(again.reused.pages, pages, "every page is the last build's");
    assert_eq!(again.reused.articles, 120, "no content file was read");
    assert!(again.written.changed.is_empty());

    site.write(
        "content/y1/a7.md",
        &article_text(7, "Report 7, revised", "2011-08-08"),
    );
    let edited = assert_like_clean_build(&site, "edit a title");
    assert_eq!(edited.reused.articles, 119, "only the edited file was read");
    assert!(
        edited.reused.pages > pages * 3 / 4 && edited.reused.pages < pages,
        "one title reused {} of {pages} pages",
        edited.reused.pages
    );

    let steps: [(&str, &dyn Fn()); 5] = [
        ("move an article to another year", &|| {
            site.write(
                "content/y1/a7.md",
                &article_text(7, "Report 7, revised", "2015-02-27"),
            )
        }),
        ("delete an article", &|| {
            fs::remove_file(site.root().join("content/y5/a11.md")).unwrap()
        }),
        ("add an article", &|| {
            site.write(
                "content/new/fresh.md",
                &article_text(121, "A new report", "2016-01-01"),
            )
        }),
        ("change the URL of a linked article", &|| {
            let moved = article_text(20, "Report 20", "2012-09-21")
                .replace("+++\nBody", "slug = \"moved\"\n+++\nBody");
            site.write("content/y2/a20.md", &moved)
        }),
        ("override a template", &|| {
            site.write("templates/article.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ article.title }}</h1>{% endblock content %}")
        }),
    ];
    for (step, edit) in steps {
        edit();
        assert_like_clean_build(&site, step);
    }

    let config = fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("paginate_by = 5", "paginate_by = 7"),
    );
    let reconfigured = assert_like_clean_build(&site, "change the config");
    assert_eq!(
        reconfigured.reused.pages, 0,
        "a new config.toml renders every page"
    );
}

#[test]
fn no_cache_renders_every_page_and_the_message_says_what_was_reused() {
    let site = generated_site(30);
    site.build_ok(&[]);
    let again = stdout(&site.build_ok(&[]));
    assert!(
        again.contains("unchanged since the last build, not rendered again"),
        "{again}"
    );
    let forced = stdout(&site.build_ok(&["--no-cache"]));
    assert!(forced.starts_with("Built "), "{forced}");
    assert!(!forced.contains("not rendered again"), "{forced}");
    let help = stdout(&concord("build", &site, &["--help"]).output().unwrap());
    assert!(help.contains("--no-cache"), "{help}");
}

#[test]
fn a_damaged_or_stale_cache_never_gives_wrong_pages() {
    let site = generated_site(40);
    cached_build(&site);
    let file = public_cache(&site);
    let good = fs::read_to_string(&file).unwrap();

    let original = fs::read_to_string(site.root().join("content/y1/a7.md")).unwrap();
    site.write(
        "content/y1/a7.md",
        &article_text(7, "Report 7, revised", "2011-08-08"),
    );
    cached_build(&site);
    // Undone: the cache from before the edit has every page's fingerprint
    // right again, but the files of the pages the edit touched are the
    // edit's, written since; only their stamps tell.
    site.write("content/y1/a7.md", &original);
    fs::write(&file, &good).unwrap();
    assert_like_clean_build(&site, "a cache from before an edit that was undone");

    site.write(
        "content/y2/a8.md",
        &article_text(8, "Report 8, revised", "2012-09-09"),
    );
    let damages: [(&str, String); 5] = [
        ("a cache from three builds ago", good.clone()),
        ("a cut-off cache", good[..good.len() / 2].to_string()),
        ("a cache of garbage", "\u{0}garbage\n".repeat(50)),
        ("an empty cache", String::new()),
        (
            "a cache whose key was changed",
            good.replacen("key ", "key 0", 1),
        ),
    ];
    for (step, text) in damages {
        fs::write(&file, text).unwrap();
        assert_like_clean_build(&site, step);
    }
}

#[test]
fn a_damaged_or_stale_article_cache_never_gives_wrong_pages() {
    let site = generated_site(40);
    cached_build(&site);
    let file = site.root().join(".concord/cache/articles");
    let good = fs::read_to_string(&file).unwrap();
    site.write(
        "content/y2/a8.md",
        &article_text(8, "Report 8, revised", "2012-09-09"),
    );
    let damages: [(&str, String); 6] = [
        ("an article cache from before an edit", good.clone()),
        (
            "a cut-off article cache",
            good[..good.len() / 2].to_string(),
        ),
        ("an article cache of garbage", "\u{0}garbage\n".repeat(50)),
        ("an empty article cache", String::new()),
        (
            "an article cache with one article changed",
            good.replacen("Report 1", "Report 9", 1),
        ),
        (
            "an article cache whose key was changed",
            good.replacen("key ", "key 0", 1),
        ),
    ];
    for (step, text) in damages {
        fs::write(&file, text).unwrap();
        let report = assert_like_clean_build(&site, step);
        let expected = if step.contains("before an edit") {
            39
        } else {
            0
        };
        assert_eq!(report.reused.articles, expected, "{step}");
    }
}

#[test]
fn a_file_changed_just_before_a_build_is_read_again_by_the_next_even_with_the_same_stamp() {
    let site = generated_site(20);
    let path = site.root().join("content/y1/a7.md");
    let before = article_text(7, "Report 7, first", "2011-08-08");
    site.write("content/y1/a7.md", &before);
    let time = fs::metadata(&path).unwrap().modified().unwrap();
    build_fresh_into(&site, &site.output(), true);
    // Rewritten in place within the same tick of the clock: length, time
    // and inode are all the file the build read.
    let after = before.replace("first", "fixed");
    assert_eq!(after.len(), before.len());
    fs::write(&path, &after).unwrap();
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(time).unwrap();
    build_fresh_into(&site, &site.output(), true);
    let pages: Vec<String> = snapshot(&site.output())
        .into_values()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(pages.iter().any(|page| page.contains("Report 7, fixed")));
    assert!(!pages.iter().any(|page| page.contains("Report 7, first")));
}

#[test]
fn pages_edited_or_removed_in_the_output_folder_are_rendered_again() {
    let site = generated_site(20);
    cached_build(&site);
    let page = site.output().join("index.html");
    let original = fs::read(&page).unwrap();
    fs::write(&page, b"<html>edited by hand</html>").unwrap();
    let article = site.output().join("news/report-3/index.html");
    assert!(article.is_file(), "the fixture has this article page");
    fs::remove_file(&article).unwrap();
    let report = assert_like_clean_build(&site, "pages changed by hand");
    assert!(report.reused.pages > 0);
    assert_eq!(fs::read(&page).unwrap(), original);
    assert!(article.is_file());
}

#[test]
fn a_static_file_at_a_page_path_is_overwritten_by_the_page_as_in_a_clean_build() {
    let site = generated_site(10);
    site.write("static/index.html", "<p>a static home page</p>");
    site.write("static/news/report-3/index.html", "<p>a static article</p>");
    let warnings = cached_build(&site).warnings.to_string();
    assert!(
        warnings.contains(
            "`static/index.html` is never published: the site's home page `/` has its path"
        ) && warnings.contains("`static/news/report-3/index.html` is never published"),
        "{warnings}"
    );
    assert_like_clean_build(&site, "static files at page paths");
    // Written first, the static file's bytes match the old site's there;
    // the page written over it must still win.
    fs::write(
        site.output().join("index.html"),
        "<p>a static home page</p>",
    )
    .unwrap();
    build_into(&site, &site.output(), false);
    let home = fs::read_to_string(site.output().join("index.html")).unwrap();
    assert!(home.starts_with("<!DOCTYPE html>"), "{home}");
}

#[test]
fn each_output_folder_has_its_own_cache() {
    let site = generated_site(20);
    cached_build(&site);
    let elsewhere = tempfile::tempdir().unwrap();
    build_into(&site, &elsewhere.path().join("site"), true);
    assert_eq!(cache_files(&site).len(), 2, "{:?}", cache_files(&site));
    let again = cached_build(&site);
    assert!(
        again.reused.pages > 0,
        "building elsewhere kept public/'s cache"
    );
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning_and_the_site_is_built() {
    let site = generated_site(10);
    cached_build(&site);
    let file = public_cache(&site);
    fs::remove_file(&file).unwrap();
    fs::create_dir_all(file.join("in-the-way")).unwrap();
    let output = site.build_ok(&[]);
    let messages = stderr(&output);
    assert!(
        messages.contains("warning: the page cache could not be written")
            && messages.contains(".concord/cache/pages-")
            && messages.contains("the next build renders every page"),
        "{messages}"
    );
    assert_like_clean_build(&site, "a folder where the cache goes");
}

proptest::proptest! {
    // Each step builds the site twice; set PROPTEST_CASES for a longer run.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(6)
    ))]

    #[test]
    fn random_edits_build_like_clean_builds(
        edits in proptest::collection::vec((0u8..14, 0u32..1_000_000, 0u32..1_000_000), 8..16)
    ) {
        let mut random = RandomSite::new();
        let mut steps = Vec::new();
        for (action, a, b) in edits {
            let (what, _) = random.edit(action, a, b);
            steps.push(what);
            let history = steps.join(" → ");
            let options = |output: &Path, cache: bool| BuildOptions {
                site: SiteOptions {
                    root: random.site.root().to_path_buf(),
                    base_url: None,
                    include_drafts: false,
                },
                output: output.to_path_buf(),
                wait: false,
                cache,
            };
            let clean = tempfile::tempdir().unwrap();
            let clean_output = clean.path().join("public");
            match concord::build(&options(&clean_output, false), &|_| {}) {
                Ok(_) => {
                    let cached = concord::build(&options(&random.site.output(), true), &|_| {});
                    assert!(cached.is_ok(), "{history}: {:?}", cached.err());
                    assert_same_trees(&random.site.output(), &clean_output, &history);
                }
                // An edit that breaks the site (two articles with one URL)
                // fails both builds alike, and the next good one goes on.
                Err(_) => assert!(
                    concord::build(&options(&random.site.output(), true), &|_| {}).is_err(),
                    "{history}: the clean build fails but the cached one does not"
                ),
            }
        }
    }
}

#[test]
fn check_renders_only_the_pages_the_last_build_did_not() {
    let site = generated_site(30);
    let template = concord::render::theme::embedded_template("article.html")
        .unwrap()
        .replace(
            "{% block content %}",
            "{% block content %}{% if article.title is containing(\"Boom\") %}{{ no_such_thing }}{% endif %}",
        );
    site.write("templates/article.html", &template);
    let check = |args: &[&str]| {
        let output = concord("check", &site, args).output().unwrap();
        (output.status.code(), stdout(&output), stderr(&output))
    };
    let (code, cold, _) = check(&[]);
    assert_eq!(code, Some(0));
    assert!(!cold.contains("not rendered again"), "no build yet: {cold}");

    site.build_ok(&[]);
    let cache = fs::read(public_cache(&site)).unwrap();
    let (code, warm, _) = check(&[]);
    assert_eq!(code, Some(0));
    assert!(
        warm.contains("unchanged since the last build, not rendered again"),
        "{warm}"
    );
    let (_, drafts, _) = check(&["--drafts"]);
    assert!(
        !drafts.contains("not rendered again"),
        "other options, another key: {drafts}"
    );

    // The one page that changed is rendered, and its error found.
    site.write("content/y1/a7.md", &article_text(7, "Boom", "2011-08-08"));
    let (code, out, err) = check(&[]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("templates/article.html") && err.contains("no_such_thing"),
        "{err}"
    );
    assert!(out.contains("not rendered again"), "{out}");
    assert_eq!(
        fs::read(public_cache(&site)).unwrap(),
        cache,
        "check writes nothing"
    );
}
