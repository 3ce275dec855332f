//! Whole sites built into temporary folders, checked by parsing what was written.

mod common;

use std::collections::BTreeSet;

use common::*;

const BASE: &str = "https://example.org/";

fn article_fm(title: &str, date: &str, cities: &[&str], extra: &str) -> String {
    let cities: Vec<String> = cities.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        "title = \"{title}\"\ndate = {date}\ncities = [{}]\n{extra}",
        cities.join(", ")
    )
}

/// Seven articles over two years, one of them a draft, with pagination 2.
fn small_site(base_url: &str) -> Site {
    let site = Site::new(base_url, 2);
    let articles = [
        (
            "a.md",
            "Agreement signed",
            "2020-06-09",
            &["wuxi", "xuzhou"][..],
            "",
        ),
        (
            "b.md",
            "Parks framework",
            "2020-06-09",
            &["Wuxi City", "徐州"][..],
            "topics = [\"Industrial parks\"]",
        ),
        (
            "c.md",
            "Teachers exchanged",
            "2020-06-20",
            &["xuzhou"][..],
            "topics = [\"Education\", \"industrial parks\"]",
        ),
        (
            "2023/d.md",
            "Delegation visits Xuzhou",
            "2023-07-03",
            &["Hainan Prefecture", "xuzhou"][..],
            "",
        ),
        (
            "2023/e.md",
            "Doctors sent west",
            "2023-07-15",
            &["hainan-prefecture"][..],
            "",
        ),
        ("old/f.md", "Early talks", "2020-05-01", &["wuxi"][..], ""),
        (
            "g.md",
            "Secret plans",
            "2020-06-10",
            &["wuxi", "xuzhou"][..],
            "draft = true",
        ),
    ];
    for (file, title, date, cities, extra) in articles {
        site.article(
            file,
            &article_fm(title, date, cities, extra),
            &format!("About {title}.\n\nMore text.\n"),
        );
    }
    site
}

#[test]
fn city_pages_list_exactly_their_articles_across_pagination() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    assert_eq!(
        list_titles(&site, BASE, "cities/xuzhou/"),
        [
            "Delegation visits Xuzhou",
            "Teachers exchanged",
            "Agreement signed",
            "Parks framework"
        ]
    );
    assert_eq!(
        list_titles(&site, BASE, "cities/wuxi/"),
        ["Agreement signed", "Parks framework", "Early talks"]
    );
    assert_eq!(
        list_titles(&site, BASE, "cities/hainan-prefecture/"),
        ["Doctors sent west", "Delegation visits Xuzhou"]
    );
    assert!(list_titles(&site, BASE, "cities/taizhou-zj/").is_empty());
}

#[test]
fn month_and_year_pages_list_exactly_their_articles() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    assert_eq!(
        list_titles(&site, BASE, "archive/2020/06/"),
        ["Teachers exchanged", "Agreement signed", "Parks framework"]
    );
    assert_eq!(
        list_titles(&site, BASE, "archive/2020/05/"),
        ["Early talks"]
    );
    assert_eq!(list_titles(&site, BASE, "archive/2023/").len(), 2);
    let archive = site.page("archive/index.html");
    let months: Vec<String> = select(&archive, ".archive-year li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(months, ["July 2", "June 3", "May 1"]);
}

#[test]
fn home_lists_everything_newest_first_and_pages_link_both_ways() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    assert_eq!(
        list_titles(&site, BASE, ""),
        [
            "Doctors sent west",
            "Delegation visits Xuzhou",
            "Teachers exchanged",
            "Agreement signed",
            "Parks framework",
            "Early talks"
        ]
    );
    let second = site.page("page/2/index.html");
    assert_eq!(
        attr(&second, "link[rel=prev]", "href").as_deref(),
        Some(BASE)
    );
    assert_eq!(attr(&second, "a[rel=prev]", "href").as_deref(), Some(BASE));
    assert_eq!(
        attr(&second, "link[rel=next]", "href").as_deref(),
        Some("https://example.org/page/3/")
    );
}

#[test]
fn drafts_appear_nowhere_unless_asked_for() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Secret plans"),
            "draft leaked into {}",
            path.display()
        );
    }
    assert!(!site.output().join("news/secret-plans").exists());
    site.build_ok(&["--drafts"]);
    assert!(list_titles(&site, BASE, "cities/wuxi/").contains(&"Secret plans".to_string()));
}

#[test]
fn article_pages_carry_metadata_neighbours_and_related_news() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    let page = site.page("news/teachers-exchanged/index.html");
    assert_eq!(attr(&page, "html", "lang").as_deref(), Some("en"));
    assert_eq!(select(&page, "meta[charset]").len(), 1);
    assert_eq!(
        text(&select(&page, "title")[0]),
        "Teachers exchanged · Test News"
    );
    assert_eq!(
        attr(&page, "link[rel=canonical]", "href").as_deref(),
        Some("https://example.org/news/teachers-exchanged/")
    );
    assert_eq!(
        attr(&page, "meta[name=description]", "content").as_deref(),
        Some("About Teachers exchanged.")
    );
    assert_eq!(
        attr(&page, "meta[property='og:title']", "content").as_deref(),
        Some("Teachers exchanged")
    );
    assert_eq!(
        attr(&page, "meta[property='og:type']", "content").as_deref(),
        Some("article")
    );
    assert_eq!(
        attr(&page, ".story time", "datetime").as_deref(),
        Some("2020-06-20")
    );
    assert_eq!(
        attr(&page, ".story-nav .newer", "href").as_deref(),
        Some("https://example.org/news/delegation-visits-xuzhou/")
    );
    assert_eq!(
        attr(&page, ".story-nav .older", "href").as_deref(),
        Some("https://example.org/news/agreement-signed/")
    );
    let topics: Vec<String> = select(&page, ".topics a").iter().map(text).collect();
    assert_eq!(
        topics,
        ["Education", "Industrial parks"],
        "as first written"
    );
    let related: Vec<String> = select(&page, ".related li a").iter().map(text).collect();
    assert_eq!(
        related,
        [
            "Delegation visits Xuzhou",
            "Agreement signed",
            "Parks framework"
        ]
    );
}

#[test]
fn every_html_page_is_a_complete_document() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    for (path, bytes) in site.snapshot() {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
        let where_ = path.display();
        assert!(html.errors.is_empty(), "{where_}: {:?}", html.errors);
        assert!(attr(&html, "html", "lang").is_some(), "{where_}: no lang");
        assert_eq!(
            select(&html, "head > meta[charset]").len(),
            1,
            "{where_}: no charset"
        );
        assert!(
            !text(&select(&html, "head > title")[0]).is_empty(),
            "{where_}: no title"
        );
        assert!(
            attr(&html, "meta[name=description]", "content").is_some(),
            "{where_}: no description"
        );
        if path.to_str() != Some("404.html") {
            let canonical = attr(&html, "link[rel=canonical]", "href").unwrap();
            let expected = format!(
                "{BASE}{}",
                path.to_str().unwrap().trim_end_matches("index.html")
            );
            assert_eq!(canonical, expected, "{where_}");
        }
    }
}

#[test]
fn cities_page_groups_by_province_with_counts() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    let page = site.page("cities/index.html");
    let provinces: Vec<String> = select(&page, ".province h2").iter().map(text).collect();
    assert_eq!(provinces, ["Jiangsu", "Qinghai", "Zhejiang"]);
    let jiangsu: Vec<String> = select(&page, ".province:first-of-type li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(jiangsu, ["Taizhou 0", "Wuxi 3", "Xuzhou 4"]);
    let xuzhou = site.page("cities/xuzhou/index.html");
    let partners: Vec<String> = select(&xuzhou, ".partners li").iter().map(text).collect();
    assert_eq!(
        partners,
        ["Wuxi 2", "Hainan Tibetan Autonomous Prefecture 1"]
    );
}

#[test]
fn topic_pages_collect_articles_under_one_spelling() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    assert_eq!(
        list_titles(&site, BASE, "topics/industrial-parks/"),
        ["Teachers exchanged", "Parks framework"]
    );
    let topics = site.page("topics/index.html");
    let names: Vec<String> = select(&topics, "li a").iter().map(text).collect();
    assert_eq!(names, ["Education", "Industrial parks"]);
    let page = site.page("topics/industrial-parks/index.html");
    assert_eq!(
        select(&page, "h1").iter().map(text).next().unwrap(),
        "Industrial parks"
    );
    let feed_url = attr(&page, "link[title=\"Industrial parks\"]", "href").unwrap();
    assert_eq!(feed_url, format!("{BASE}topics/industrial-parks/atom.xml"));
    let feed = site.read("topics/industrial-parks/atom.xml");
    let xml = roxmltree::Document::parse(&feed).expect("the topic feed is XML");
    let entries: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title"))?.text())
        .collect();
    assert_eq!(entries, ["Teachers exchanged", "Parks framework"]);
}

#[test]
fn a_topic_declared_in_the_config_is_named_as_declared() {
    let site = small_site(BASE);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[topics.industrial-parks]\nname = \"Co-built industrial parks\"\n"),
    );
    site.build_ok(&[]);
    let page = site.page("topics/industrial-parks/index.html");
    assert_eq!(
        select(&page, "h1").iter().map(text).next().unwrap(),
        "Co-built industrial parks"
    );
}

#[test]
fn archive_counts_read_as_words_and_months_link_to_their_neighbours() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    let archive = site.page("archive/index.html");
    let years: Vec<String> = select(&archive, ".archive-year h2")
        .iter()
        .map(text)
        .collect();
    assert_eq!(years, ["2023 2 articles", "2020 4 articles"]);
    let june = site.page("archive/2020/06/index.html");
    assert_eq!(
        attr(&june, ".month-nav .newer", "href").as_deref(),
        Some("https://example.org/archive/2023/07/"),
        "the nearest month with articles, in another year"
    );
    assert_eq!(
        attr(&june, ".month-nav .older", "href").as_deref(),
        Some("https://example.org/archive/2020/05/")
    );
    let may = site.page("archive/2020/05/index.html");
    assert!(
        select(&may, ".month-nav .older").is_empty(),
        "the oldest month"
    );
}

#[test]
fn feeds_and_sitemap_are_well_formed_with_the_right_entries() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    let atom = site.read("atom.xml");
    let feed = roxmltree::Document::parse(&atom).expect("atom.xml is XML");
    let ns = "http://www.w3.org/2005/Atom";
    let root = feed.root_element();
    assert_eq!(root.tag_name().namespace(), Some(ns));
    let titles: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name((ns, "entry")))
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name((ns, "title")))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(titles.len(), 6);
    assert_eq!(titles[0], "Doctors sent west");
    let updated = root
        .children()
        .find(|c| c.has_tag_name((ns, "updated")))
        .unwrap();
    assert_eq!(updated.text(), Some("2023-07-15T00:00:00Z"));

    let city_feed = site.read("cities/hainan-prefecture/atom.xml");
    let city_doc = roxmltree::Document::parse(&city_feed).expect("city feed is XML");
    let ids: Vec<&str> = city_doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "entry")))
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name((ns, "id")))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(
        ids,
        [
            "https://example.org/news/doctors-sent-west/",
            "https://example.org/news/delegation-visits-xuzhou/"
        ]
    );

    let sitemap = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap is XML");
    let locs: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    let pages: BTreeSet<String> = site
        .snapshot()
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        // Nothing to find on these two by a search engine.
        .filter(|p| !["404.html", "search/index.html"].contains(&p.to_str().unwrap()))
        .map(|p| {
            format!(
                "{BASE}{}",
                p.to_str().unwrap().trim_end_matches("index.html")
            )
        })
        .collect();
    assert_eq!(locs, pages);
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn a_feed_entry_with_markup_stays_valid_xml() {
    let site = Site::new(BASE, 10);
    site.article(
        "x.md",
        &article_fm("Parks & <people>", "2020-01-01", &["wuxi"], ""),
        "A & B <em>c</em>\n",
    );
    site.build_ok(&[]);
    let atom = site.read("atom.xml");
    let doc = roxmltree::Document::parse(&atom).expect("valid XML");
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title") && n.parent().unwrap().has_tag_name("entry"));
    assert_eq!(title.unwrap().text(), Some("Parks & <people>"));
}

#[test]
fn a_base_url_with_a_path_keeps_every_link_under_it() {
    let base = "https://example.org/coop/";
    let site = small_site(base);
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build_ok(&[]);
    let mut checked = 0;
    for (path, bytes) in site.snapshot() {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
        for element in select(&html, "[href], [src]") {
            let link = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap();
            assert!(
                link.starts_with(base),
                "{}: link {link} escapes {base}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    assert_eq!(list_titles(&site, base, "cities/wuxi/").len(), 3);
    assert!(site.output().join("img/logo.svg").is_file());
}

#[test]
fn base_url_can_be_replaced_on_the_command_line() {
    let site = small_site(BASE);
    site.build_ok(&["--base-url", "http://127.0.0.1:1111"]);
    let page = site.page("index.html");
    assert_eq!(
        attr(&page, "link[rel=canonical]", "href").as_deref(),
        Some("http://127.0.0.1:1111/")
    );
}

#[test]
fn a_rebuild_is_byte_identical() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    let first = site.snapshot();
    site.build_ok(&[]);
    assert_eq!(first, site.snapshot());
}

#[test]
fn dates_belong_to_the_month_written_not_utc() {
    let site = Site::new(BASE, 10);
    site.article(
        "late.md",
        &article_fm("Late night", "2021-03-31T23:30:00-05:00", &["wuxi"], ""),
        "Text.\n",
    );
    site.article(
        "utc.md",
        &article_fm("Early morning", "2021-04-01T01:00:00Z", &["wuxi"], ""),
        "Text.\n",
    );
    site.build_ok(&[]);
    assert_eq!(list_titles(&site, BASE, "archive/2021/03/"), ["Late night"]);
    assert_eq!(
        list_titles(&site, BASE, "archive/2021/04/"),
        ["Early morning"]
    );
}

#[test]
fn chinese_titles_get_ascii_urls() {
    let site = Site::new(BASE, 10);
    site.article(
        "cn.md",
        &article_fm(
            "无锡徐州签署南北合作协议",
            "2020-06-09",
            &["无锡", "徐州"],
            "",
        ),
        "正文。\n",
    );
    let output = site.build_ok(&[]);
    let news: Vec<String> = std::fs::read_dir(site.output().join("news"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(news.len(), 1, "{}", stdout(&output));
    assert!(
        news[0].is_ascii() && news[0].starts_with("wu-xi-xu-zhou"),
        "{}",
        news[0]
    );
}

#[test]
fn site_templates_override_the_embedded_theme() {
    let site = small_site(BASE);
    site.write("templates/article.html", "{% extends \"base.html\" %}{% block content %}<h1 id=\"custom\">{{ article.title }}</h1>{% endblock content %}");
    site.build_ok(&[]);
    let page = site.page("news/early-talks/index.html");
    assert_eq!(text(&select(&page, "#custom")[0]), "Early talks");
    assert!(
        !select(&site.page("index.html"), ".card").is_empty(),
        "other templates still come from the theme"
    );
}

#[test]
fn a_site_with_only_config_and_content_builds_a_styled_site() {
    let site = small_site(BASE);
    let output = site.build_ok(&[]);
    assert!(stdout(&output).starts_with("Built "), "{}", stdout(&output));
    assert!(site.read("style.css").contains("--accent"));
    assert_eq!(
        attr(&site.page("404.html"), "link[rel=stylesheet]", "href").as_deref(),
        Some("https://example.org/style.css")
    );
}

#[test]
fn this_repository_builds_as_an_example_site() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["build", "--root"])
        .arg(repo)
        .arg("--output")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let home = scraper::Html::parse_document(
        &std::fs::read_to_string(out.path().join("site/index.html")).unwrap(),
    );
    assert_eq!(select(&home, ".card").len(), 3);
    assert_eq!(attr(&home, "html", "lang").as_deref(), Some("zh-CN"));
    let english = scraper::Html::parse_document(
        &std::fs::read_to_string(out.path().join("site/en/index.html")).unwrap(),
    );
    assert_eq!(select(&english, ".card").len(), 3);
    assert_eq!(attr(&english, "html", "lang").as_deref(), Some("en"));
    assert_eq!(
        select(&english, "title").iter().map(text).next().unwrap(),
        "Concord Cooperation News"
    );
    for page in ["cities/hainan-prefecture", "en/cities/hainan-prefecture"] {
        assert!(out.path().join(format!("site/{page}/index.html")).is_file());
    }
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["check", "--root"])
        .arg(repo)
        .output()
        .unwrap();
    let said = format!("{}{}", stdout(&check), stderr(&check));
    assert!(said.contains("0 errors, 0 warnings"), "{said}");
}

#[test]
fn a_rebuild_leaves_unchanged_files_alone_and_removes_what_is_gone() {
    let site = small_site(BASE);
    site.write(
        "static/img/old.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build_ok(&[]);
    let modified = |path: &str| {
        std::fs::metadata(site.output().join(path))
            .unwrap()
            .modified()
            .unwrap()
    };
    let article_before = modified("news/early-talks/index.html");
    let home_before = modified("index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));

    let output = site.build_ok(&[]);
    assert!(
        stdout(&output).contains(": 0 files changed in"),
        "{}",
        stdout(&output)
    );
    assert_eq!(modified("news/early-talks/index.html"), article_before);

    std::fs::remove_file(site.root().join("content/2023/e.md")).unwrap();
    std::fs::remove_file(site.root().join("static/img/old.svg")).unwrap();
    let output = site.build_ok(&[]);
    assert!(stdout(&output).contains("removed"), "{}", stdout(&output));
    assert!(!site.output().join("news/doctors-sent-west").exists());
    assert!(
        !site.output().join("img").exists(),
        "emptied folders go too"
    );
    assert_ne!(
        modified("index.html"),
        home_before,
        "the home page lost an article"
    );
    assert_eq!(modified("news/early-talks/index.html"), article_before);
    let fresh = tempfile::tempdir().unwrap();
    site.build_ok(&["--output", fresh.path().join("site").to_str().unwrap()]);
    assert_eq!(
        snapshot(&fresh.path().join("site")),
        site.snapshot(),
        "an updated output equals a fresh one"
    );
}

#[test]
fn a_rebuild_keeps_hidden_files_and_clears_an_abandoned_staging_folder() {
    let site = small_site(BASE);
    site.build_ok(&[]);
    std::fs::create_dir_all(site.output().join(".git")).unwrap();
    std::fs::write(site.output().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let abandoned = site.root().join(".public.concord-staging-999999");
    std::fs::create_dir_all(abandoned.join("news")).unwrap();
    site.build_ok(&[]);
    assert!(
        site.output().join(".git/HEAD").is_file(),
        "a publishing checkout stays"
    );
    assert!(
        !abandoned.exists(),
        "a build stopped by Ctrl-C leaves nothing for long"
    );
}

#[cfg(unix)]
#[test]
fn links_in_static_are_published_only_when_they_stay_inside_the_site() {
    use std::os::unix::fs::symlink;
    let site = small_site(BASE);
    site.write("docs/guide.txt", "A guide.");
    site.write("static/own.txt", "Own file.");
    let link =
        |target: &str, name: &str| symlink(target, site.root().join("static").join(name)).unwrap();
    link("/etc", "etcdir");
    link("/", "root");
    link("../docs/guide.txt", "guide.txt");
    link("../docs", "docs");
    link("..", "loop");
    link("missing.txt", "broken.txt");
    site.write(".git/HEAD", "ref: refs/heads/main");
    link("../.git", "repo");
    link("../public", "built");
    let output = site.build_ok(&[]);
    let message = stderr(&output);
    let out = site.output();
    assert!(out.join("own.txt").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("guide.txt")).unwrap(),
        "A guide."
    );
    assert_eq!(
        std::fs::read_to_string(out.join("docs/guide.txt")).unwrap(),
        "A guide."
    );
    for left_out in ["etcdir", "root", "loop", "broken.txt", "repo", "built"] {
        assert!(!out.join(left_out).exists(), "{left_out}");
        assert!(
            message.contains(&format!("warning: `static/{left_out}` is a link")),
            "{left_out}: {message}"
        );
    }
    assert!(message.contains("outside the site"), "{message}");
    assert!(message.contains("to a folder that holds it"), "{message}");
}

#[test]
fn raw_html_is_kept_by_default_and_escaped_when_the_site_asks() {
    let site = small_site(BASE);
    site.article(
        "html.md",
        "title = \"Markup\"\ndate = 2021-02-03\ncities = [\"wuxi\"]\nsummary = \"A <i>summary</i>\"",
        "Some <b>bold</b> words.\n\n<div class=\"box\">A box</div>\n",
    );
    site.build_ok(&[]);
    let page = site.read("news/markup/index.html");
    assert!(
        page.contains("<b>bold</b>") && page.contains("<div class=\"box\">"),
        "trusted editors"
    );
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[markdown]\nraw_html = \"escape\"\n"),
    );
    site.build_ok(&[]);
    let page = site.page("news/markup/index.html");
    assert!(select(&page, "article b, article div.box, .card i").is_empty());
    let text = site.read("news/markup/index.html");
    assert!(text.contains("&lt;b&gt;bold&lt;/b&gt;"), "{text}");
    assert!(site
        .read("archive/2021/index.html")
        .contains("A &lt;i&gt;summary&lt;/i&gt;"));
}

#[test]
fn cities_that_share_a_name_are_told_apart_everywhere() {
    let site = Site::new(BASE, 10);
    site.article(
        "a.md",
        "title = \"Two Taizhous meet\"\ndate = 2022-05-01\ncities = [\"taizhou-js\", \"taizhou-zj\", \"xuzhou\"]",
        "Text.\n",
    );
    site.build_ok(&[]);
    let article = site.page("news/two-taizhous-meet/index.html");
    let tags: Vec<String> = select(&article, ".city-tags a").iter().map(text).collect();
    assert_eq!(tags, ["Taizhou, Jiangsu", "Taizhou, Zhejiang", "Xuzhou"]);
    let xuzhou = site.page("cities/xuzhou/index.html");
    let partners: Vec<String> = select(&xuzhou, ".partners li a").iter().map(text).collect();
    assert_eq!(partners, ["Taizhou, Jiangsu", "Taizhou, Zhejiang"]);
    let feed = site.read("cities/taizhou-zj/atom.xml");
    let xml = roxmltree::Document::parse(&feed).unwrap();
    let title = xml
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(title, "Test News: Taizhou, Zhejiang");
    let page = site.page("cities/taizhou-js/index.html");
    assert_eq!(
        select(&page, "title").iter().map(text).next().unwrap(),
        "Taizhou, Jiangsu · Test News"
    );
}

#[test]
fn drafts_carry_a_badge_only_when_they_are_built() {
    let site = small_site(BASE);
    site.article(
        "draft.md",
        "title = \"Not yet\"\ndate = 2021-03-03\ncities = [\"wuxi\"]\ndraft = true",
        "Soon.\n",
    );
    site.build_ok(&[]);
    assert!(!site.output().join("news/not-yet").exists());
    assert!(!site.read("index.html").contains("draft-badge"));
    site.build_ok(&["--drafts"]);
    let page = site.page("news/not-yet/index.html");
    assert_eq!(select(&page, ".story-header .draft-badge").len(), 1);
    let year = site.page("archive/2021/index.html");
    let badges: Vec<String> = select(&year, ".card .draft-badge")
        .iter()
        .map(text)
        .collect();
    assert_eq!(badges, ["Draft"]);
    let other = site.page("news/agreement-signed/index.html");
    assert!(select(&other, ".draft-badge").is_empty());
}
