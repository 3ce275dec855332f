//! Pairs of partner cities: their pages, feeds and links, and the maps
//! drawn of them, parsed as XML and followed link by link.

mod common;

use common::*;

const BASE: &str = "https://example.org/coop/";
const SVG: &str = "http://www.w3.org/2000/svg";

/// Coordinates for the test cities but the two Taizhous.
const PLACES: [(&str, f64, f64); 3] = [
    ("wuxi", 31.49, 120.31),
    ("xuzhou", 34.26, 117.18),
    ("hainan-prefecture", 36.29, 100.62),
];

fn with_coordinates(site: &Site, places: &[(&str, f64, f64)]) {
    let mut config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    for (key, lat, lon) in places {
        config = config.replace(
            &format!("[cities.{key}]\n"),
            &format!("[cities.{key}]\nlat = {lat}\nlon = {lon}\n"),
        );
    }
    site.write("config.toml", &config);
}

/// Three stories of Wuxi and Xuzhou, one of Xuzhou and Hainan Prefecture,
/// one of the two Taizhous and Wuxi.
fn partner_site() -> Site {
    let site = Site::new(BASE, 2);
    let article = |file: &str, title: &str, date: &str, cities: &str| {
        site.article(
            file,
            &format!("title = \"{title}\"\ndate = {date}\ncities = [{cities}]"),
            "Text.\n",
        );
    };
    article(
        "a.md",
        "Agreement signed",
        "2020-06-09",
        "\"wuxi\", \"xuzhou\"",
    );
    article(
        "b.md",
        "Parks framework",
        "2020-06-10",
        "\"Xuzhou\", \"Wuxi\"",
    );
    article(
        "c.md",
        "Teachers exchanged",
        "2021-09-01",
        "\"wuxi\", \"xuzhou\"",
    );
    article(
        "d.md",
        "Delegation to Qinghai",
        "2023-07-03",
        "\"xuzhou\", \"hainan-prefecture\"",
    );
    article(
        "e.md",
        "Three cities meet",
        "2022-01-05",
        "\"taizhou-js\", \"taizhou-zj\", \"wuxi\"",
    );
    site
}

/// The `<svg>` elements of a page, as written.
fn svgs(site: &Site, page: &str) -> Vec<String> {
    let html = site.read(page);
    html.match_indices("<svg")
        .map(|(start, _)| {
            let end = html[start..].find("</svg>").unwrap() + start + "</svg>".len();
            html[start..end].to_string()
        })
        .collect()
}

/// Checks that the SVG is XML and that each of its links leads to a page
/// of the site; returns the link targets as site paths.
fn svg_links(site: &Site, svg: &str) -> Vec<String> {
    let xml = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let links: Vec<String> = xml
        .descendants()
        .filter(|n| n.has_tag_name((SVG, "a")))
        .map(|a| site_path(BASE, a.attribute("href").unwrap()))
        .collect();
    for path in &links {
        assert!(
            site.output().join(path).join("index.html").is_file(),
            "{path}"
        );
    }
    links
}

#[test]
fn pair_pages_list_the_articles_both_cities_share() {
    let site = partner_site();
    site.build_ok(&[]);
    assert_eq!(
        list_titles(&site, BASE, "partnerships/wuxi--xuzhou/"),
        ["Teachers exchanged", "Parks framework", "Agreement signed"]
    );
    assert!(site
        .output()
        .join("partnerships/wuxi--xuzhou/page/2/index.html")
        .is_file());
    let pair = site.page("partnerships/wuxi--xuzhou/index.html");
    let heading: Vec<(String, String)> = select(&pair, "h1 a")
        .iter()
        .map(|a| (text(a), site_path(BASE, a.value().attr("href").unwrap())))
        .collect();
    assert_eq!(
        heading,
        [
            ("Wuxi".into(), "cities/wuxi/".into()),
            ("Xuzhou".into(), "cities/xuzhou/".into())
        ]
    );
    let dates: Vec<String> = select(&pair, ".lede time").iter().map(text).collect();
    assert_eq!(dates, ["9 June 2020", "1 September 2021"]);
    let feed = site.read("partnerships/wuxi--xuzhou/atom.xml");
    let xml = roxmltree::Document::parse(&feed).unwrap();
    assert_eq!(
        xml.descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        3
    );
    let mut pairs: Vec<String> = std::fs::read_dir(site.output().join("partnerships"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "index.html")
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            "hainan-prefecture--xuzhou",
            "taizhou-js--taizhou-zj",
            "taizhou-js--wuxi",
            "taizhou-zj--wuxi",
            "wuxi--xuzhou"
        ]
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/coop/partnerships/wuxi--xuzhou/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/coop/partnerships/</loc>"));
}

#[test]
fn the_partnerships_page_puts_the_most_active_first_and_names_provinces() {
    let site = partner_site();
    site.build_ok(&[]);
    let page = site.page("partnerships/index.html");
    let pairs: Vec<String> = select(&page, ".pairs .pair-title")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        pairs,
        [
            "Wuxi and Xuzhou",
            "Hainan Tibetan Autonomous Prefecture and Xuzhou",
            "Taizhou, Jiangsu and Taizhou, Zhejiang",
            "Taizhou, Jiangsu and Wuxi",
            "Taizhou, Zhejiang and Wuxi",
        ],
        "by shared articles, then the newest, then by names"
    );
    let meta: Vec<String> = select(&page, ".pairs .pair-meta")
        .iter()
        .map(text)
        .collect();
    assert!(
        meta[1].starts_with("Qinghai and Jiangsu · 1 article"),
        "{meta:?}"
    );
    assert!(meta[0].starts_with("Jiangsu · 3 articles"), "{meta:?}");
}

#[test]
fn cities_and_articles_link_to_their_pairs() {
    let site = partner_site();
    site.build_ok(&[]);
    let city = site.page("cities/wuxi/index.html");
    let partners: Vec<(String, String)> = select(&city, ".partners .counts a")
        .iter()
        .map(|a| (text(a), site_path(BASE, a.value().attr("href").unwrap())))
        .collect();
    assert_eq!(
        partners[0],
        ("Xuzhou".into(), "partnerships/wuxi--xuzhou/".into())
    );
    assert_eq!(partners.len(), 3);
    let article = site.page("news/three-cities-meet/index.html");
    let links: Vec<String> = select(&article, ".article-pairs a")
        .iter()
        .map(|a| site_path(BASE, a.value().attr("href").unwrap()))
        .collect();
    assert_eq!(
        links,
        [
            "partnerships/taizhou-js--taizhou-zj/",
            "partnerships/taizhou-js--wuxi/",
            "partnerships/taizhou-zj--wuxi/"
        ]
    );
    let nav: Vec<String> = select(&city, ".site-nav a").iter().map(text).collect();
    assert!(nav.contains(&"Partnerships".to_string()), "{nav:?}");
}

#[test]
fn maps_are_xml_whose_every_link_leads_to_a_page() {
    let site = partner_site();
    with_coordinates(&site, &PLACES);
    site.build_ok(&[]);
    let whole = svgs(&site, "partnerships/index.html");
    assert_eq!(whole.len(), 1);
    let links = svg_links(&site, &whole[0]);
    for expected in [
        "cities/taizhou-zj/",
        "partnerships/wuxi--xuzhou/",
        "cities/hainan-prefecture/",
    ] {
        assert!(
            links.contains(&expected.to_string()),
            "{expected} in {links:?}"
        );
    }
    let xml = roxmltree::Document::parse(&whole[0]).unwrap();
    let titles: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name((SVG, "title")))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&"Wuxi and Xuzhou: 3 articles"),
        "{titles:?}"
    );
    assert!(titles.contains(&"Xuzhou: 4 articles"), "{titles:?}");
    let city = svgs(&site, "cities/xuzhou/index.html");
    let links = svg_links(&site, &city[0]);
    assert!(links.contains(&"partnerships/hainan-prefecture--xuzhou/".to_string()));
    assert!(
        !links.iter().any(|l| l.contains("taizhou")),
        "only Xuzhou and its partners"
    );
    assert!(
        svgs(&site, "cities/xuzhou/page/2/index.html").is_empty(),
        "the first page only"
    );
}

/// The y of each dot, by the city page it links to.
fn dot_heights(svg: &str) -> Vec<(String, f64)> {
    let xml = roxmltree::Document::parse(svg).unwrap();
    xml.descendants()
        .filter(|n| n.has_tag_name((SVG, "circle")))
        .map(|circle| {
            let link = circle.parent().unwrap().attribute("href").unwrap();
            let y: f64 = circle.attribute("cy").unwrap().parse().unwrap();
            (site_path(BASE, link), y)
        })
        .collect()
}

#[test]
fn cities_without_coordinates_go_beneath_the_map_and_are_warned_about() {
    let site = partner_site();
    with_coordinates(&site, &PLACES);
    let output = site.build_ok(&[]);
    let warnings = stderr(&output);
    assert!(
        warnings.contains(
            "the city `taizhou-js` has no coordinates, so maps show it beneath the others"
        ),
        "{warnings}"
    );
    let heights = dot_heights(&svgs(&site, "partnerships/index.html")[0]);
    let lowest_placed = heights
        .iter()
        .filter(|(path, _)| !path.contains("taizhou"))
        .map(|(_, y)| *y)
        .fold(f64::MIN, f64::max);
    for (path, y) in &heights {
        if path.contains("taizhou") {
            assert!(
                *y > lowest_placed,
                "{path} at {y} is beneath {lowest_placed}"
            );
        }
    }
    let wuxi = heights.iter().find(|(p, _)| p == "cities/wuxi/").unwrap().1;
    let xuzhou = heights
        .iter()
        .find(|(p, _)| p == "cities/xuzhou/")
        .unwrap()
        .1;
    assert!(wuxi > xuzhou, "Wuxi is south of Xuzhou");
}

#[test]
fn without_any_coordinates_the_network_is_a_circle_of_linked_cities() {
    let site = partner_site();
    let output = site.build_ok(&[]);
    assert!(
        !stderr(&output).contains("coordinates"),
        "{}",
        stderr(&output)
    );
    let svg = &svgs(&site, "partnerships/index.html")[0];
    let links = svg_links(&site, svg);
    assert_eq!(links.iter().filter(|l| l.starts_with("cities/")).count(), 5);
    assert_eq!(
        links
            .iter()
            .filter(|l| l.starts_with("partnerships/"))
            .count(),
        5
    );
    let labels = svg.matches("</text>").count();
    assert_eq!(labels, 5, "every city on the circle is labelled");
}

#[test]
fn maps_are_the_same_bytes_on_every_build_and_can_be_turned_off() {
    let site = partner_site();
    with_coordinates(&site, &PLACES);
    site.build_ok(&[]);
    let first = svgs(&site, "partnerships/index.html");
    site.build_ok(&["--output", site.root().join("again").to_str().unwrap()]);
    let again = std::fs::read_to_string(site.root().join("again/partnerships/index.html")).unwrap();
    assert!(again.contains(&first[0]));
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[map]\nenabled = false\n"),
    );
    site.build_ok(&[]);
    assert!(svgs(&site, "partnerships/index.html").is_empty());
    assert!(svgs(&site, "cities/wuxi/index.html").is_empty());
}

#[test]
fn a_background_is_drawn_under_the_network_with_its_caption() {
    let site = partner_site();
    with_coordinates(&site, &PLACES);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[map]\nbackground = \"static/china.svg\"\nbounds = [73.0, 17.0, 136.0, 54.0]\ncaption = \"审图号：GS(2024)0000号\"\n"),
    );
    let output = site.build(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the map background `static/china.svg` does not exist"),
        "{}",
        stderr(&output)
    );
    site.write(
        "static/china.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build_ok(&[]);
    let svg = &svgs(&site, "partnerships/index.html")[0];
    let xml = roxmltree::Document::parse(svg).unwrap();
    let image = xml
        .descendants()
        .find(|n| n.has_tag_name((SVG, "image")))
        .unwrap();
    assert_eq!(
        image.attribute("href"),
        Some("https://example.org/coop/china.svg")
    );
    let page = site.page("partnerships/index.html");
    let caption: Vec<String> = select(&page, "figcaption").iter().map(text).collect();
    assert_eq!(caption, ["审图号：GS(2024)0000号"]);
}

#[test]
fn bad_coordinates_and_pairs_are_errors_with_their_lines() {
    let site = partner_site();
    with_coordinates(
        &site,
        &[("wuxi", 131.49, 120.31), ("xuzhou", 34.26, 117.18)],
    );
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let config = config.replace(
        "[cities.hainan-prefecture]\n",
        "[cities.hainan-prefecture]\nlat = 36.3\n",
    );
    site.write(
        "config.toml",
        &format!("{config}\n[partnerships.\"wuxi--xuzou\"]\nsince = 2010\n\n[partnerships.\"xuzhou--wuxi\"]\nsince = 2011\ndescription = \"North and south.\"\n\n[map]\nbackground = \"static/china.svg\"\n"),
    );
    let before = snapshot(site.root());
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    for expected in [
        "`lat = 131.49` is out of range: it lies between -90 and 90",
        "the city `hainan-prefecture` has only one of `lat` and `lon`",
        "`xuzou` in [partnerships.\"wuxi--xuzou\"] is not a declared city",
        "did you mean `xuzhou`?",
        "a map `background` needs the `bounds` it covers",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    assert!(message.contains("config.toml:"), "{message}");
    assert!(
        !message.contains("xuzhou--wuxi"),
        "either order names a pair: {message}"
    );
    assert_eq!(snapshot(site.root()), before, "nothing was written");
}

#[test]
fn notes_on_a_pair_show_on_its_page() {
    let site = partner_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[partnerships.\"xuzhou--wuxi\"]\nsince = 1996\ndescription = \"North and south of Jiangsu.\"\n"),
    );
    site.build_ok(&[]);
    let pair = site.page("partnerships/wuxi--xuzhou/index.html");
    assert!(text(&select(&pair, ".lede")[0]).contains("Partners since 1996"));
    assert_eq!(
        text(&select(&pair, ".pair-description")[0]),
        "North and south of Jiangsu."
    );
}

#[test]
fn pair_links_in_markdown_resolve_and_are_checked() {
    let site = partner_site();
    site.article(
        "f.md",
        "title = \"Links\"\ndate = 2024-01-01\ncities = [\"wuxi\"]",
        "See [the pair](@pair/Xuzhou--wuxi).\n",
    );
    site.build_ok(&[]);
    let page = site.page("news/links/index.html");
    assert_eq!(
        attr(&page, ".story-body a", "href").as_deref(),
        Some("https://example.org/coop/partnerships/wuxi--xuzhou/")
    );
    site.article(
        "f.md",
        "title = \"Links\"\ndate = 2024-01-01\ncities = [\"wuxi\"]",
        "See [no pair](@pair/wuxi--hainan-prefecture) and [no city](@pair/wuxi--lhasa).\n",
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(message.contains("content/f.md:6:"), "{message}");
    assert!(
        message.contains("there is no page `/partnerships/hainan-prefecture--wuxi/` in the site"),
        "{message}"
    );
    assert!(
        message.contains("a pair has a page once an article names both its cities"),
        "{message}"
    );
    assert!(message.contains("there is no city `lhasa`"), "{message}");
}

#[test]
fn one_pair_described_twice_and_a_caption_without_background_are_errors() {
    let site = partner_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[partnerships.\"wuxi--xuzhou\"]\nsince = 1996\n\n[partnerships.\"xuzhou--wuxi\"]\nsince = 1997\n\n[map]\ncaption = \"GS(2024)0000\"\n"),
    );
    let (code, message) = site.check_report();
    assert_eq!(code, Some(1), "{message}");
    assert!(
        message.contains("[partnerships.\"xuzhou--wuxi\"] names a pair already described"),
        "{message}"
    );
    assert!(
        message.contains("the map `caption` \"GS(2024)0000\" has no `background` to describe"),
        "{message}"
    );
}
