//! Sites in two languages: an edition per language, each index with only
//! its language's articles, translations linked both ways in the pages,
//! their `hreflang` links and the sitemap.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

const BASE: &str = "https://example.org/";
const XHTML: &str = "http://www.w3.org/1999/xhtml";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Chinese at the root, English under `en/`; two stories in both
/// languages, one in Chinese only, one in English only.
fn bilingual_site() -> Site {
    let site = Site::new(BASE, 10);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let config = config
        .replace(
            "name = \"Xuzhou\"\n",
            "name = \"Xuzhou\"\nnames = { zh = \"徐州\" }\n",
        )
        .replace(
            "name = \"Wuxi\"\n",
            "name = \"Wuxi\"\nnames = { zh = \"无锡\" }\n",
        );
    site.write(
        "config.toml",
        &format!("languages = [\"zh-CN\", \"en\"]\n{config}\n[provinces]\nJiangsu = {{ zh = \"江苏\" }}\n"),
    );
    let article = |file: &str, front: &str| site.article(file, front, "正文 Text.\n");
    article(
        "zh/agreement.md",
        "title = \"无锡徐州签署协议\"\ndate = 2020-06-09\ncities = [\"无锡\", \"徐州\"]\ntopics = [\"产业园区\"]\ntranslation = \"agreement\"",
    );
    article(
        "en/agreement.md",
        "title = \"Wuxi and Xuzhou sign an agreement\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]\ntopics = [\"Industrial parks\"]\nlang = \"en\"\ntranslation = \"agreement\"",
    );
    article(
        "zh/delegation.md",
        "title = \"徐州代表团访问海南州\"\ndate = 2023-07-12\ncities = [\"徐州\", \"hainan-prefecture\"]\ntranslation = \"delegation\"",
    );
    article(
        "en/delegation.md",
        "title = \"A Xuzhou delegation visits Hainan Prefecture\"\ndate = 2023-07-12\ncities = [\"xuzhou\", \"hainan-prefecture\"]\nlang = \"en-GB\"\ntranslation = \"delegation\"",
    );
    article(
        "zh/parks.md",
        "title = \"共建产业园区\"\ndate = 2021-03-01\ncities = [\"无锡\", \"taizhou-js\", \"taizhou-zj\"]",
    );
    article(
        "en/teachers.md",
        "title = \"Teachers arrive in Xuzhou\"\ndate = 2022-09-01\ncities = [\"xuzhou\", \"taizhou-js\", \"taizhou-zj\"]\nlang = \"en\"",
    );
    site.build_ok(&[]);
    site
}

const CHINESE: [&str; 3] = ["徐州代表团访问海南州", "共建产业园区", "无锡徐州签署协议"];
const ENGLISH: [&str; 3] = [
    "A Xuzhou delegation visits Hainan Prefecture",
    "Teachers arrive in Xuzhou",
    "Wuxi and Xuzhou sign an agreement",
];

fn titles(site: &Site, path: &str) -> Vec<String> {
    list_titles(site, BASE, path)
}

fn h1(html: &scraper::Html) -> String {
    select(html, "h1")
        .iter()
        .map(text)
        .next()
        .unwrap_or_default()
}

#[test]
fn every_index_exists_in_both_languages_with_only_that_languages_articles() {
    let site = bilingual_site();
    assert_eq!(titles(&site, ""), CHINESE);
    assert_eq!(titles(&site, "en/"), ENGLISH);
    assert_eq!(
        titles(&site, "cities/xuzhou/"),
        ["徐州代表团访问海南州", "无锡徐州签署协议"]
    );
    assert_eq!(
        titles(&site, "en/cities/xuzhou/"),
        [ENGLISH[0], ENGLISH[1], ENGLISH[2]]
    );
    assert_eq!(titles(&site, "archive/2020/06/"), ["无锡徐州签署协议"]);
    assert_eq!(titles(&site, "en/archive/2020/"), [ENGLISH[2]]);
    assert!(!site.output().join("en/archive/2021").exists());
    assert!(!site.output().join("archive/2022").exists());
    assert_eq!(
        titles(&site, "topics/chan-ye-yuan-qu/"),
        ["无锡徐州签署协议"]
    );
    assert_eq!(titles(&site, "en/topics/industrial-parks/"), [ENGLISH[2]]);
    for (prefix, lang, words) in [("", "zh-CN", "城市"), ("en/", "en", "Cities")] {
        for page in [
            "",
            "cities/",
            "archive/",
            "topics/",
            "cities/wuxi/",
            "archive/2020/",
        ] {
            let html = site.page(&format!("{prefix}{page}index.html"));
            assert_eq!(
                attr(&html, "html", "lang").as_deref(),
                Some(lang),
                "{prefix}{page}"
            );
            let nav: Vec<String> = select(&html, ".site-nav a").iter().map(text).collect();
            assert!(nav.iter().any(|n| n == words), "{prefix}{page}: {nav:?}");
        }
        let missing = site.page(&format!("{prefix}404.html"));
        assert_eq!(attr(&missing, "html", "lang").as_deref(), Some(lang));
    }
    assert_eq!(h1(&site.page("archive/2020/06/index.html")), "2020年6月");
    assert_eq!(h1(&site.page("en/archive/2020/06/index.html")), "June 2020");
    assert!(h1(&site.page("cities/xuzhou/index.html")).starts_with("徐州"));
    let provinces =
        |page: &str| -> Vec<String> { select(&site.page(page), "h2").iter().map(text).collect() };
    assert_eq!(
        provinces("cities/index.html"),
        ["Qinghai", "Zhejiang", "江苏"]
    );
    assert_eq!(
        provinces("en/cities/index.html"),
        ["Jiangsu", "Qinghai", "Zhejiang"]
    );
    assert!(h1(&site.page("en/cities/xuzhou/index.html")).starts_with("Xuzhou"));
}

#[test]
fn feeds_carry_only_their_languages_articles() {
    let site = bilingual_site();
    for (feed, lang, expected) in [
        ("atom.xml", "zh-CN", CHINESE.to_vec()),
        ("en/atom.xml", "en", ENGLISH.to_vec()),
        (
            "cities/xuzhou/atom.xml",
            "zh-CN",
            vec![CHINESE[0], CHINESE[2]],
        ),
        ("en/cities/xuzhou/atom.xml", "en", ENGLISH.to_vec()),
    ] {
        let text = site.read(feed);
        let xml = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let root = xml.root_element();
        assert_eq!(
            root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some(lang),
            "{feed}"
        );
        let mut titles: Vec<&str> = root
            .children()
            .filter(|n| n.has_tag_name("entry"))
            .filter_map(|entry| entry.children().find(|n| n.has_tag_name("title"))?.text())
            .collect();
        titles.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(titles, expected, "{feed}");
    }
}

/// Every `hreflang` link of every page: page path to (hreflang to path).
fn alternates(site: &Site) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all = BTreeMap::new();
    for entry in walkdir::WalkDir::new(site.output()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let file = entry.path().strip_prefix(site.output()).unwrap();
        let file = file.to_string_lossy().replace('\\', "/");
        let path = file.trim_end_matches("index.html").to_string();
        let html = site.page(&file);
        let links: BTreeMap<String, String> = select(&html, "link[rel=alternate][hreflang]")
            .iter()
            .map(|link| {
                let value = |name| link.value().attr(name).unwrap().to_string();
                (value("hreflang"), site_path(BASE, &value("href")))
            })
            .collect();
        all.insert(path, links);
    }
    all
}

#[test]
fn hreflang_links_are_symmetric_and_resolve() {
    let site = bilingual_site();
    let all = alternates(&site);
    let agreement = &all["news/wu-xi-xu-zhou-qian-shu-xie-yi/"];
    assert_eq!(
        agreement.get("en").map(String::as_str),
        Some("en/news/wuxi-and-xuzhou-sign-an-agreement/")
    );
    assert_eq!(
        agreement.get("x-default").map(String::as_str),
        Some("news/wu-xi-xu-zhou-qian-shu-xie-yi/")
    );
    assert_eq!(
        all["en/cities/wuxi/"].get("zh-CN").map(String::as_str),
        Some("cities/wuxi/")
    );
    assert!(
        all["news/gong-jian-chan-ye-yuan-qu/"].is_empty(),
        "no translation, no hreflang"
    );
    assert!(
        all["archive/2021/03/"].is_empty(),
        "no English month, no hreflang"
    );
    let mut linked = 0;
    for (page, links) in &all {
        if links.is_empty() {
            continue;
        }
        assert!(links.values().any(|p| p == page), "{page} lists itself");
        for (lang, target) in links {
            assert!(
                all.contains_key(target),
                "{page} → {lang} {target} does not exist"
            );
            assert_eq!(&all[target], links, "{page} and {target} disagree");
            linked += 1;
        }
    }
    assert!(linked > 40, "{linked}");
}

#[test]
fn the_article_page_links_its_translations_for_readers() {
    let site = bilingual_site();
    let page = site.page("en/news/a-xuzhou-delegation-visits-hainan-prefecture/index.html");
    assert_eq!(
        attr(&page, "html", "lang").as_deref(),
        Some("en"),
        "`lang = \"en-GB\"` is the English edition's language, so the page says as hreflang does"
    );
    let home = site.page("en/index.html");
    assert!(
        select(&home, ".card[lang]").is_empty(),
        "no card repeats the page's language"
    );
    let links = select(&page, ".translations a");
    assert_eq!(links.len(), 1);
    assert_eq!(text(&links[0]), "中文");
    assert_eq!(links[0].value().attr("lang"), Some("zh-CN"));
    assert_eq!(
        links[0].value().attr("href"),
        Some("https://example.org/news/xu-zhou-dai-biao-tuan-fang-wen-hai-nan-zhou/")
    );
    let alone = site.page("en/news/teachers-arrive-in-xuzhou/index.html");
    assert!(select(&alone, ".translations").is_empty());
}

fn switch(site: &Site, page: &str) -> Vec<(String, Option<String>)> {
    let html = site.page(&format!("{page}index.html"));
    select(&html, ".language-switch > *")
        .iter()
        .map(|e| {
            let href = e.value().attr("href").map(|url| site_path(BASE, url));
            (text(e), href)
        })
        .collect()
}

#[test]
fn the_language_switcher_goes_to_the_same_page_or_the_nearest_above_it() {
    let site = bilingual_site();
    assert_eq!(
        switch(&site, "cities/xuzhou/"),
        [
            ("中文".into(), None),
            ("English".into(), Some("en/cities/xuzhou/".into()))
        ]
    );
    assert_eq!(
        switch(&site, "en/archive/2020/06/"),
        [
            ("中文".into(), Some("archive/2020/06/".into())),
            ("English".into(), None)
        ]
    );
    let to_english = |page: &str| switch(&site, page)[1].1.clone().unwrap();
    assert_eq!(
        to_english("archive/2021/03/"),
        "en/archive/",
        "no 2021 in English"
    );
    assert_eq!(to_english("news/gong-jian-chan-ye-yuan-qu/"), "en/");
    assert_eq!(to_english("topics/"), "en/topics/");
    for entry in walkdir::WalkDir::new(site.output()) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|x| x == "html") {
            let file = path
                .strip_prefix(site.output())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let html = site.page(&file);
            assert_eq!(select(&html, ".language-switch a").len(), 1, "{file}");
        }
    }
}

#[test]
fn the_sitemap_lists_both_editions_with_their_alternates() {
    let site = bilingual_site();
    let text = site.read("sitemap.xml");
    let xml = roxmltree::Document::parse(&text).expect("the sitemap is XML");
    let mut locs = BTreeSet::new();
    let mut groups: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for url in xml
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "url")))
    {
        let loc = url
            .children()
            .find(|n| n.has_tag_name((SITEMAP, "loc")))
            .and_then(|n| n.text())
            .unwrap();
        let loc = site_path(BASE, loc);
        let links: BTreeMap<String, String> = url
            .children()
            .filter(|n| n.has_tag_name((XHTML, "link")))
            .map(|link| {
                assert_eq!(link.attribute("rel"), Some("alternate"));
                let href = site_path(BASE, link.attribute("href").unwrap());
                (link.attribute("hreflang").unwrap().to_string(), href)
            })
            .collect();
        locs.insert(loc.clone());
        groups.insert(loc, links);
    }
    assert!(locs.contains("") && locs.contains("en/"));
    assert!(locs.contains("en/news/teachers-arrive-in-xuzhou/"));
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
    let pages = alternates(&site);
    for (loc, links) in &groups {
        assert_eq!(links, &pages[loc], "the sitemap and the page {loc} agree");
        for target in links.values() {
            assert!(locs.contains(target), "{loc} → {target} is in the sitemap");
        }
    }
    assert!(!site.output().join("en/sitemap.xml").exists());
    assert!(!site.output().join("en/robots.txt").exists());
}

#[test]
fn style_sheet_and_sitemap_links_point_at_the_site_root() {
    let site = bilingual_site();
    let page = site.page("en/cities/index.html");
    assert_eq!(
        attr(&page, "link[rel=stylesheet]", "href").as_deref(),
        Some("https://example.org/style.css")
    );
    assert_eq!(
        attr(&page, ".brand", "href").as_deref(),
        Some("https://example.org/en/")
    );
    assert_eq!(
        attr(&page, "link[type='application/atom+xml']", "href").as_deref(),
        Some("https://example.org/en/atom.xml")
    );
}

#[test]
fn a_translation_key_twice_in_one_language_is_an_error_naming_both_files() {
    let site = bilingual_site();
    site.article(
        "zh/again.md",
        "title = \"再次签署\"\ndate = 2020-06-10\ncities = [\"无锡\"]\ntranslation = \"agreement\"",
        "正文。\n",
    );
    let before = site.snapshot();
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(
        message.contains("`zh/again.md` and `zh/agreement.md` are in one language and both say `translation = \"agreement\"`"),
        "{message}"
    );
    assert!(message.contains("--> content/zh/agreement.md"), "{message}");
    let output = site.build(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(site.snapshot(), before, "a failed build changes nothing");
}

#[test]
fn an_article_in_a_language_the_site_has_not_is_an_error_with_its_line() {
    let site = bilingual_site();
    site.article(
        "fr.md",
        "title = \"Des enseignants\"\ndate = 2020-06-10\ncities = [\"wuxi\"]\nlang = \"fr\"",
        "Texte.\n",
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(message.contains("content/fr.md:5:"), "{message}");
    assert!(
        message.contains("`lang = \"fr\"` is not one of the site's languages (zh-CN, en)"),
        "{message}"
    );
}

#[test]
fn each_edition_may_have_its_own_title() {
    let site = bilingual_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[editions.en]\ntitle = \"Cooperation News\"\n"),
    );
    site.build_ok(&[]);
    let title = |page: &str| {
        let html = site.page(page);
        select(&html, ".brand").iter().map(text).next().unwrap()
    };
    assert_eq!(title("en/index.html"), "Cooperation News");
    assert_eq!(title("index.html"), "Test News");
    assert!(site
        .read("en/atom.xml")
        .contains("<title>Cooperation News</title>"));
    site.write(
        "config.toml",
        &format!("{config}\n[editions.fr]\ntitle = \"Nouvelles\"\n"),
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1));
    assert!(
        message.contains("[editions.fr] is not a language of the site"),
        "{message}"
    );
    assert!(message.contains("config.toml:"), "{message}");
}

#[test]
fn languages_are_checked() {
    let site = bilingual_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("\"zh-CN\", \"en\"", "\"zh-CN\", \"en\", \"zh-Hans\""),
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(
        message.contains("`zh-CN` and `zh-Hans` in `languages` are one language"),
        "{message}"
    );
    site.write("config.toml", &format!("language = \"en\"\n{config}"));
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(
        message.contains("sets both `language` and `languages`"),
        "{message}"
    );
    site.write(
        "config.toml",
        &config.replace("\"zh-CN\", \"en\"", "\"zh-CN\", \"fr\""),
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(
        message.contains("the theme has no words for language `fr`"),
        "{message}"
    );
}

#[test]
fn check_warns_about_a_city_without_a_name_in_a_site_language() {
    let site = bilingual_site();
    let (code, message) = site.check_report();
    assert_eq!(code, Some(0), "{message}");
    assert!(
        message.contains(
            "the city `hainan-prefecture` has no name in `zh`, one of the site's languages"
        ),
        "{message}"
    );
    assert!(!message.contains("has no name in `en`"), "{message}");
}

#[test]
fn concord_new_writes_an_article_in_another_language_into_its_own_folder() {
    let site = bilingual_site();
    let new = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
            .arg("new")
            .args(args)
            .arg("--root")
            .arg(site.root())
            .output()
            .unwrap()
    };
    let output = new(&[
        "Parks open",
        "--cities",
        "wuxi",
        "--lang",
        "en",
        "--translation",
        "parks",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = site.root().join("content/en/news/parks-open.md");
    assert_eq!(stdout(&output).trim(), path.display().to_string());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("lang = \"en\"\ntranslation = \"parks\"\n"),
        "{text}"
    );
    site.build_ok(&[]);
    assert!(site
        .output()
        .join("en/news/parks-open/index.html")
        .is_file());
    let before = site.snapshot();
    let output = new(&["Parcs", "--cities", "wuxi", "--lang", "fr"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`fr` is not one of the site's languages; use one of them, like --lang zh-CN or --lang en"),
        "{}",
        stderr(&output)
    );
    assert_eq!(site.snapshot(), before);
}

#[test]
fn each_language_writes_a_city_with_its_province_its_own_way() {
    let site = bilingual_site();
    let cities = |page: &str| -> Vec<String> {
        select(&site.page(page), ".story-header .city-tags a")
            .iter()
            .map(text)
            .collect()
    };
    let zh = cities("news/gong-jian-chan-ye-yuan-qu/index.html");
    assert!(zh.contains(&"Taizhou（江苏）".to_string()), "{zh:?}");
    let en = cities("en/news/teachers-arrive-in-xuzhou/index.html");
    assert!(en.contains(&"Taizhou, Jiangsu".to_string()), "{en:?}");
    let missing = site.page("en/404.html");
    let links: Vec<String> = select(&missing, "main a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("https://example.org/en/")),
        "{links:?}"
    );
}

#[test]
fn a_site_of_one_language_ignores_translation_keys() {
    let site = Site::new(BASE, 10);
    let article = |file: &str, lang: &str| {
        site.article(
            file,
            &format!("title = \"{file}\"\ndate = 2020-06-09\ncities = [\"wuxi\"]\nlang = \"{lang}\"\ntranslation = \"same\""),
            "Text.\n",
        )
    };
    article("a.md", "en");
    article("b.md", "zh");
    let (code, message) = site.check_report();
    assert_eq!(code, Some(0), "{message}");
    site.build_ok(&[]);
    let cards: Vec<Option<String>> = select(&site.page("index.html"), ".card")
        .iter()
        .map(|card| card.value().attr("lang").map(str::to_string))
        .collect();
    assert!(
        cards.contains(&Some("zh".into())) && cards.contains(&None),
        "{cards:?}"
    );
}

#[test]
fn check_warns_about_what_is_probably_a_slip() {
    let site = bilingual_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[translations.fr]\nhome = \"Accueil\"\n"),
    );
    site.article(
        "en/forgotten.md",
        "title = \"Forgot the lang\"\ndate = 2020-06-10\ncities = [\"wuxi\"]",
        "Text.\n",
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(0), "{message}");
    for expected in [
        "[translations.fr] is for a language the site is not in",
        "the `en` edition has no title of its own",
        "`en/forgotten.md` is in the folder `en/` but not in the `en` edition",
        "add `lang = \"en\"`",
    ] {
        assert!(message.contains(expected), "{expected}: {message}");
    }
}
