//! Sites in Chinese: every word of the theme in the site's language, dates
//! in Chinese form, the language tag on every page.

mod common;

use common::*;

const ENGLISH: &str = include_str!("../src/i18n/en.toml");

/// A Chinese site with a page of every kind.
fn chinese_site(extra_config: &str) -> Site {
    let site = Site::new("https://example.org/", 2);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let config = config.replace(
        "name = \"Xuzhou\"\n",
        "name = \"Xuzhou\"\nnames = { zh = \"徐州\" }\n",
    );
    site.write(
        "config.toml",
        &format!("language = \"zh-CN\"\n{config}\n{extra_config}"),
    );
    let article = |file: &str, title: &str, date: &str, cities: &str, topics: &str| {
        site.article(
            file,
            &format!(
                "title = \"{title}\"\ndate = {date}\ncities = [{cities}]\ntopics = [{topics}]"
            ),
            "双方签署合作协议。\n",
        );
    };
    article(
        "a.md",
        "徐州代表团访问海南州",
        "2023-07-12",
        "\"徐州\", \"hainan-prefecture\"",
        "\"对口支援\"",
    );
    article(
        "b.md",
        "无锡徐州签署协议",
        "2020-06-09",
        "\"无锡\", \"徐州\"",
        "\"产业园区\"",
    );
    article(
        "c.md",
        "共建产业园区",
        "2020-06-20",
        "\"无锡\"",
        "\"产业园区\"",
    );
    site.build_ok(&[]);
    site
}

/// The words of the English theme: its strings without their `{…}` blanks.
fn english_words() -> Vec<String> {
    let table: toml::Table = toml::from_str(ENGLISH).unwrap();
    let mut words: Vec<String> = table
        .values()
        .filter_map(|v| v.as_str())
        .flat_map(|text| {
            text.split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 3)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    // A name, written so in Chinese too.
    words.retain(|word| word != "JavaScript");
    words.sort();
    words.dedup();
    words
}

fn html_pages(site: &Site) -> Vec<String> {
    walkdir::WalkDir::new(site.output())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(site.output())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn a_chinese_site_shows_no_english_word_of_the_theme() {
    let site = chinese_site("");
    let english = english_words();
    let pages = html_pages(&site);
    assert!(pages.len() > 10, "{pages:?}");
    for path in &pages {
        let html = site.page(path);
        assert_eq!(
            attr(&html, "html", "lang").as_deref(),
            Some("zh-CN"),
            "{path}"
        );
        // What a reader sees: the text of the body, not of its scripts.
        let shown: String = select(&html, "body *:not(script)")
            .iter()
            .flat_map(|element| {
                element
                    .children()
                    .filter_map(|child| child.value().as_text().map(|t| t.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
            .join(" ");
        let placeholders: String = select(&html, "[placeholder]")
            .iter()
            .filter_map(|e| e.value().attr("placeholder"))
            .collect::<Vec<_>>()
            .join(" ");
        let labels: String = select(&html, "[aria-label]")
            .iter()
            .filter_map(|e| e.value().attr("aria-label"))
            .collect::<Vec<_>>()
            .join(" ");
        for text in [&shown, &labels, &placeholders] {
            let found: Vec<&str> = text
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|word| english.iter().any(|e| e == word))
                .collect();
            assert!(found.is_empty(), "{path} shows English: {found:?}");
        }
    }
}

#[test]
fn dates_months_years_and_counts_are_written_the_chinese_way() {
    let site = chinese_site("");
    let article = site.page("news/xu-zhou-dai-biao-tuan-fang-wen-hai-nan-zhou/index.html");
    let date = select(&article, ".story-header time")
        .iter()
        .map(text)
        .next()
        .unwrap();
    assert_eq!(date, "2023年7月12日");
    let month = site.page("archive/2020/06/index.html");
    assert_eq!(
        select(&month, "h1").iter().map(text).next().unwrap(),
        "2020年6月"
    );
    let crumb = select(&month, ".crumbs a").iter().map(text).next().unwrap();
    assert_eq!(crumb, "2020年");
    let archive = site.page("archive/index.html");
    let years: Vec<String> = select(&archive, ".archive-year h2")
        .iter()
        .map(text)
        .collect();
    assert_eq!(years, ["2023年 1篇", "2020年 2篇"]);
    let home = site.page("index.html");
    assert_eq!(
        select(&home, "h1").iter().map(text).next().unwrap(),
        "合作动态"
    );
    assert_eq!(
        select(&home, ".pager span")
            .iter()
            .map(text)
            .next()
            .unwrap(),
        "第1页，共2页"
    );
    let second = site.page("page/2/index.html");
    assert!(select(&second, "title")
        .iter()
        .map(text)
        .next()
        .unwrap()
        .contains("（第2页）"));
    let feed = site.read("atom.xml");
    roxmltree::Document::parse(&feed).expect("the feed is XML");
}

#[test]
fn a_site_replaces_any_word_of_the_theme() {
    let site = chinese_site("[translations.zh]\nlatest_news = \"南北合作新闻\"\n");
    let home = site.page("index.html");
    assert_eq!(
        select(&home, "h1").iter().map(text).next().unwrap(),
        "南北合作新闻"
    );
}

#[test]
fn a_language_without_a_table_must_give_every_word() {
    let site = Site::new("https://example.org/", 10);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("language = \"fr\"\n{config}\n[translations.fr]\nhome = \"Accueil\"\n"),
    );
    site.article(
        "a.md",
        "title = \"A\"\ndate = 2020-01-01\ncities = [\"wuxi\"]",
        "Texte.\n",
    );
    let output = site.build(&[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("the theme has no words for language `fr`") && message.contains("`newer`"),
        "{message}"
    );
    assert!(!message.contains("`home`"), "{message}");
    assert!(message.contains("[translations.fr]"), "{message}");
}

#[test]
fn an_unknown_word_is_named_with_the_closest_key() {
    let site = Site::new("https://example.org/", 10);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[translations.en]\nneewr = \"Later\"\n"),
    );
    let output = site.build(&[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("has `neewr`") && message.contains("did you mean `newer`?"),
        "{message}"
    );
}

#[test]
fn cities_are_named_in_the_site_language_and_still_matched_by_every_name() {
    let site = chinese_site("");
    site.article(
        "d.md",
        "title = \"英文城市名\"\ndate = 2021-01-01\ncities = [\"Xuzhou\"]",
        "正文。\n",
    );
    site.build_ok(&[]);
    let article = site.page("news/ying-wen-cheng-shi-ming/index.html");
    let tags: Vec<String> = select(&article, ".city-tags a").iter().map(text).collect();
    assert_eq!(tags, ["徐州"]);
    let city = site.page("cities/xuzhou/index.html");
    assert!(select(&city, "h1")
        .iter()
        .map(text)
        .next()
        .unwrap()
        .starts_with("徐州"));
    let feed = site.read("cities/xuzhou/atom.xml");
    assert!(feed.contains("<title>Test News: 徐州</title>"), "{feed}");
}

#[test]
fn check_warns_about_cities_without_a_name_in_the_site_language() {
    let site = chinese_site("");
    let (_, message) = site.check_report();
    assert!(
        message.contains("warning: the city `wuxi` has no name in `zh`, the site's language"),
        "{message}"
    );
    assert!(message.contains("names = { zh = \"...\" }"), "{message}");
    assert!(
        !message.contains("the city `xuzhou` has no name"),
        "{message}"
    );
}

#[test]
fn an_article_in_another_language_says_so_on_its_page_card_and_feed_entry() {
    let site = chinese_site("");
    site.article(
        "en.md",
        "title = \"Teachers arrive\"\ndate = 2024-02-02\ncities = [\"wuxi\"]\nlang = \"en\"",
        "In English.\n",
    );
    site.build_ok(&[]);
    let page = site.page("news/teachers-arrive/index.html");
    assert_eq!(attr(&page, "html", "lang").as_deref(), Some("en"));
    let home = site.page("index.html");
    assert_eq!(attr(&home, "html", "lang").as_deref(), Some("zh-CN"));
    let langs: Vec<Option<&str>> = select(&home, ".card")
        .iter()
        .map(|card| card.value().attr("lang"))
        .collect();
    assert_eq!(langs[0], Some("en"), "the newest card is the English one");
    assert!(langs[1..].iter().all(Option::is_none));
    let feed = site.read("atom.xml");
    let xml = roxmltree::Document::parse(&feed).unwrap();
    let entry = xml.descendants().find(|n| n.has_tag_name("entry")).unwrap();
    assert_eq!(
        entry.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("en")
    );
}
