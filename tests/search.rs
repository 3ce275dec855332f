//! The search index built with the site: its files, one index per
//! language, the same bytes on every build, and a site without search.

mod common;

use common::*;

const BASE: &str = "https://example.org/";

fn bilingual_site() -> Site {
    let site = Site::new(BASE, 10);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("languages = [\"zh-CN\", \"en\"]\n{config}\n[editions.en]\ntitle = \"News\"\n"),
    );
    site.article(
        "a.md",
        "title = \"无锡徐州签署协议\"\ndate = 2020-06-09\ncities = [\"无锡\", \"徐州\"]",
        "两市签署年度合作协议。\n",
    );
    site.article(
        "en/a.md",
        "title = \"Wuxi and Xuzhou sign\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]\nlang = \"en\"",
        "The two cities signed their yearly agreement.\n",
    );
    site
}

#[test]
fn a_build_writes_an_index_per_language_a_search_page_and_a_box() {
    let site = bilingual_site();
    let output = site.build_ok(&[]);
    assert!(
        stdout(&output).contains("search files"),
        "{}",
        stdout(&output)
    );
    let entry = site.read("pagefind/pagefind-entry.json");
    let entry: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let mut languages: Vec<&String> = entry["languages"].as_object().unwrap().keys().collect();
    languages.sort();
    assert_eq!(languages, ["en", "zh-cn"]);
    for file in ["pagefind.js", "pagefind-worker.js"] {
        assert!(
            site.output().join("pagefind").join(file).is_file(),
            "{file}"
        );
    }
    for (page, action) in [
        ("search/index.html", "https://example.org/search/"),
        ("en/search/index.html", "https://example.org/en/search/"),
    ] {
        let html = site.page(page);
        assert_eq!(
            attr(&html, ".search-form", "action").as_deref(),
            Some(action)
        );
        let script = select(&html, "script[type=module]")
            .iter()
            .map(|s| s.inner_html())
            .collect::<String>();
        assert!(script.contains("https://example.org/pagefind/"), "{script}");
    }
    let home = site.page("en/index.html");
    assert_eq!(
        attr(&home, ".site-search", "action").as_deref(),
        Some("https://example.org/en/search/"),
        "the box works without JavaScript: it opens the search page with ?q="
    );
    assert!(
        !site.read("sitemap.xml").contains("/search/"),
        "search pages are not in the sitemap"
    );
}

#[test]
fn the_index_is_the_same_bytes_on_every_build() {
    let site = bilingual_site();
    site.build_ok(&[]);
    let again = site.root().join("again");
    site.build_ok(&["--output", again.to_str().unwrap()]);
    let first = snapshot(&site.output().join("pagefind"));
    let second = snapshot(&again.join("pagefind"));
    assert!(first.len() > 10);
    assert_eq!(first, second);
}

/// More articles than one batch of records, which Pagefind splits into
/// words in parallel: every article is indexed once, and the bundle is the
/// same bytes on every build.
#[test]
fn every_article_of_a_large_site_is_indexed_once_in_the_same_bytes() {
    let site = Site::new(BASE, 10);
    let articles = 1030;
    for n in 0..articles {
        site.article(
            &format!("news/{n}.md"),
            &format!("title = \"Wuxi and Xuzhou, visit {n}\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]"),
            &format!("Delegation {n} toured the co-built industrial park.\n"),
        );
    }
    site.build_ok(&[]);
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("pagefind/pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    let counts: Vec<u64> = languages
        .values()
        .map(|language| language["page_count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [articles], "{entry}");
    let fragments = std::fs::read_dir(site.output().join("pagefind/fragment"))
        .unwrap()
        .count();
    assert_eq!(fragments as u64, articles, "a fragment per article");

    let again = site.root().join("again");
    site.build_ok(&["--output", again.to_str().unwrap()]);
    assert_eq!(
        snapshot(&site.output().join("pagefind")),
        snapshot(&again.join("pagefind"))
    );
}

#[test]
fn search_can_be_turned_off() {
    let site = bilingual_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[search]\nenabled = false\n"),
    );
    let output = site.build_ok(&[]);
    assert!(!stdout(&output).contains("search"), "{}", stdout(&output));
    assert!(!site.output().join("pagefind").exists());
    assert!(!site.output().join("search").exists());
    assert!(select(&site.page("index.html"), ".site-search").is_empty());
}

#[test]
fn check_names_an_article_that_gives_search_no_words() {
    let site = bilingual_site();
    site.write("static/map.png", "not really a picture");
    site.article(
        "map.md",
        "title = \"地图\"\ndate = 2021-01-01\ncities = [\"无锡\"]",
        "![](/map.png)\n",
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(0), "{message}");
    assert!(
        message.contains("`map.md` has no words for search to find, only its title"),
        "{message}"
    );
    assert!(!message.contains("`a.md` has no words"), "{message}");
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[search]\nenabled = false\n"),
    );
    let (_, message) = site.check_report();
    assert!(!message.contains("no words for search"), "{message}");
}
