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

/// An article of the randomized test, as the test last wrote it.
#[derive(Debug, Clone)]
struct Spec {
    file: String,
    title: String,
    date: (u32, u32, u32),
    cities: Vec<u32>,
    topics: Vec<&'static str>,
    slug: Option<String>,
    /// Another content file this one links to.
    link: Option<String>,
    lang: Option<&'static str>,
    translation: Option<String>,
}

/// Two spellings of one topic, so that which one the newest article uses matters.
const TOPICS: [&str; 5] = ["Parks", "parks", "Education", "Health care", "Trade"];
/// No `lang` means the default language.
const LANGS: [Option<&str>; 4] = [None, Some("en"), Some("zh"), Some("zh-CN")];
/// The two languages of the randomized site, English at the root.
const LANGUAGES: &str = "languages = [\"en\", \"zh\"]\n";
/// Every template of the theme, each edited in its own way.
const TEMPLATES: [&str; 12] = [
    "base.html",
    "macros.html",
    "index.html",
    "article.html",
    "city.html",
    "cities.html",
    "archive.html",
    "year.html",
    "month.html",
    "topic.html",
    "topics.html",
    "404.html",
];

impl Spec {
    fn text(&self) -> String {
        let cities: Vec<String> = self.cities.iter().map(|c| format!("\"c{c}\"")).collect();
        let topics: Vec<String> = self.topics.iter().map(|t| format!("\"{t}\"")).collect();
        let slug = self
            .slug
            .as_ref()
            .map_or(String::new(), |s| format!("slug = \"{s}\"\n"));
        let link = self
            .link
            .as_ref()
            .map_or("No links.".to_string(), |f| format!("See [this](@/{f})."));
        let lang = self
            .lang
            .map_or(String::new(), |l| format!("lang = \"{l}\"\n"));
        let translation = self
            .translation
            .as_ref()
            .map_or(String::new(), |k| format!("translation = \"{k}\"\n"));
        let (y, m, d) = self.date;
        format!(
            "+++\ntitle = \"{}\"\ndate = {y}-{m:02}-{d:02}\ncities = [{}]\ntopics = [{}]\n{slug}{lang}{translation}+++\nBody of {}.\n\n{link}\n",
            self.title,
            cities.join(", "),
            topics.join(", "),
            self.title
        )
    }
}

/// The randomized test's site and what it holds.
struct RandomSite {
    site: Site,
    articles: Vec<Spec>,
    serial: u32,
}

impl RandomSite {
    fn new() -> RandomSite {
        let site = generated_site(0);
        let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
        let config = config.replace(
            "name = \"City 1\"\n",
            "name = \"City 1\"\nnames = { zh = \"一号城\" }\n",
        );
        // Three of the four cities in use are on the map; the fourth goes beneath it.
        let config = (0..3).fold(config, |config, i| {
            config.replace(
                &format!("name = \"City {i}\"\n"),
                &format!(
                    "name = \"City {i}\"\nlat = {}\nlon = {}\n",
                    30 + i,
                    110 + 3 * i
                ),
            )
        });
        site.write("config.toml", &format!("{LANGUAGES}{config}"));
        let mut random = RandomSite {
            site,
            // (paginate_by is 5 until the config is edited)
            articles: Vec::new(),
            serial: 0,
        };
        for seed in 0..16 {
            random.add(seed * 7919, seed * 104_729);
        }
        random
    }

    fn date(seed: u32) -> (u32, u32, u32) {
        (2018 + seed % 4, 1 + seed / 4 % 12, 1 + seed / 48 % 28)
    }

    /// Four of the cities, so that each has a list of several pages.
    fn cities(seed: u32) -> Vec<u32> {
        let first = seed % 4;
        let second = seed / 7 % 4;
        if first == second || seed.is_multiple_of(3) {
            vec![first]
        } else {
            vec![first, second]
        }
    }

    fn topics(seed: u32) -> Vec<&'static str> {
        match seed % 4 {
            0 => vec![],
            1 => vec![TOPICS[seed as usize / 4 % TOPICS.len()]],
            _ => vec![
                TOPICS[seed as usize / 4 % 2],
                TOPICS[2 + seed as usize / 8 % 3],
            ],
        }
    }

    fn write(&self, spec: &Spec) -> Change {
        self.site
            .write(&format!("content/{}", spec.file), &spec.text());
        Change::Content(spec.file.clone())
    }

    fn add(&mut self, a: u32, b: u32) -> Vec<Change> {
        self.serial += 1;
        let n = self.serial;
        let spec = Spec {
            file: format!("y{}/a{n}.md", a % 3),
            title: format!("Report {n}"),
            date: Self::date(b),
            cities: Self::cities(a),
            topics: Self::topics(b),
            slug: None,
            link: None,
            lang: LANGS[a as usize / 3 % LANGS.len()],
            translation: None,
        };
        let change = self.write(&spec);
        self.articles.push(spec);
        vec![change]
    }

    /// Applies random edit `action` with parameters `a` and `b`, and says
    /// what it did and which changes the preview is told of.
    fn edit(&mut self, action: u8, a: u32, b: u32) -> (String, Vec<Change>) {
        let count = self.articles.len();
        let i = a as usize % count;
        let before = self.articles[i].clone();
        let other = self.articles[b as usize % count].clone();
        let spec = &mut self.articles[i];
        let what = match action % 14 {
            0 => return ("add an article".into(), self.add(a, b)),
            1 if count > 3 => {
                let gone = self.articles.remove(i);
                std::fs::remove_file(self.site.root().join("content").join(&gone.file)).unwrap();
                return (
                    format!("delete {}", gone.file),
                    vec![Change::Content(gone.file)],
                );
            }
            2 => {
                std::fs::remove_file(self.site.root().join("content").join(&spec.file)).unwrap();
                spec.file = format!("moved/{b}-{}", spec.file.replace('/', "-"));
                "rename the file"
            }
            3 => {
                spec.date = Self::date(b);
                "move the date"
            }
            4 => {
                spec.cities = Self::cities(b);
                "change the cities"
            }
            5 => {
                spec.topics = Self::topics(b);
                "change the topics"
            }
            6 => {
                spec.title = format!("{} revised {}", before.title, b % 100);
                "change the title"
            }
            7 => {
                spec.slug = b
                    .is_multiple_of(2)
                    .then(|| format!("story-{}-{}", a % 1000, b % 10));
                "set or clear the slug"
            }
            8 => {
                spec.link =
                    (!b.is_multiple_of(3) && other.file != before.file).then_some(other.file);
                "change the link"
            }
            9 => return self.edit_template(a, b),
            10 => return self.edit_config(b),
            12 => {
                spec.lang = LANGS[b as usize % LANGS.len()];
                "change the language"
            }
            13 => {
                // Few keys, so that a key is sometimes shared in one language.
                spec.translation = (!b.is_multiple_of(4)).then(|| format!("story-{}", b % 5));
                "change the translation key"
            }
            _ => {
                spec.date = other.date;
                "share another article's date"
            }
        };
        let spec = self.articles[i].clone();
        let mut changes = vec![self.write(&spec)];
        if spec.file != before.file {
            changes.push(Change::Content(before.file.clone()));
        }
        (format!("{what} of {}", before.file), changes)
    }

    fn edit_template(&mut self, a: u32, b: u32) -> (String, Vec<Change>) {
        let name = TEMPLATES[a as usize % TEMPLATES.len()];
        let path = format!("templates/{name}");
        if b.is_multiple_of(4) {
            let _ = std::fs::remove_file(self.site.root().join(&path));
            return (
                format!("revert {name}"),
                vec![Change::Template(name.into())],
            );
        }
        let text = concord::render::theme::embedded_template(name).unwrap();
        let edited = match name {
            "base.html" => text.replace("<main", &format!("<main data-edit=\"{b}\"")),
            "macros.html" => text.replace(
                "<ul class=\"city-tags\">",
                &format!("<ul class=\"city-tags\" data-edit=\"{b}\">"),
            ),
            _ => text.replace(
                "{% block content %}",
                &format!("{{% block content %}}<!-- edit {b} -->"),
            ),
        };
        assert_ne!(edited, text, "{name} was edited");
        self.site.write(&path, &edited);
        (format!("edit {name}"), vec![Change::Template(name.into())])
    }

    fn edit_config(&mut self, b: u32) -> (String, Vec<Change>) {
        let path = self.site.root().join("config.toml");
        let config = std::fs::read_to_string(&path).unwrap();
        let body = &config[config.find("base_url").unwrap()..];
        let body = &body[body.find('\n').unwrap() + 1..];
        let body = &body[body.find('\n').unwrap() + 1..];
        // Now and then a site of one language, whose articles may say `lang = "zh"`.
        let languages = if b.is_multiple_of(5) { "" } else { LANGUAGES };
        let head = format!(
            "{languages}title = \"Test News {}\"\ndescription = \"Tests\"\nbase_url = \"{BASE}\"\npaginate_by = {}\n",
            b % 3,
            2 + b % 3
        );
        self.site.write("config.toml", &format!("{head}{body}"));
        ("edit config.toml".into(), vec![Change::Config])
    }
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
