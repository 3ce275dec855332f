//! The hot paths of a build, one at a time: parsing a content file's front
//! matter, rendering a Markdown body, and rendering one page of a paginated
//! list. `cargo bench`; compare ratios between runs, not absolute times.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use time::{Date, Month};

use concord::assets::Assets;
use concord::config::{Config, RawHtml};
use concord::content::markdown::{self, LinkResolver, Resolution};
use concord::content::{parse_article, SiteTerms};
use concord::model::{EditionPlace, Editions};
use concord::render::kinds::home::Home;
use concord::render::plan::{plan, PageKind};
use concord::render::{Discard, Selection, SiteFiles, Theme};

const CONFIG: &str = r#"
title = "Bench"
base_url = "https://example.org/"
paginate_by = 20
[cities.wuxi]
name = "Wuxi"
province = "Jiangsu"
aliases = ["Wuxi City", "无锡"]
[cities.xuzhou]
name = "Xuzhou"
province = "Jiangsu"
[cities.xinghai]
name = "Xinghai County"
province = "Qinghai"
"#;

fn article(i: usize) -> String {
    let paragraph = "Wuxi and Xuzhou signed their annual agreement on co-built industrial parks, \
                     teacher and doctor exchanges, and new projects in science and tourism. ";
    let body = format!(
        "{}\n\n## Results\n\n{}\n\n| Parks | People |\n|---|---|\n| 7 | 2,500 |\n\n{}\n",
        paragraph.repeat(5),
        paragraph.repeat(5),
        paragraph.repeat(5)
    );
    format!(
        "+++\ntitle = \"Wuxi and Xuzhou report {i}\"\ndate = 2020-{:02}-{:02}\ncities = [\"Wuxi City\", \"xuzhou\", \"xinghai\"]\ntopics = [\"industrial parks\"]\n+++\n{body}",
        1 + i % 12,
        1 + i % 28
    )
}

struct KeepLinks;

impl LinkResolver for KeepLinks {
    fn resolve(&self, _: &str) -> Resolution {
        Resolution::Keep
    }
}

fn today() -> Date {
    Date::from_calendar_date(2026, Month::November, 21).expect("a real date")
}

fn front_matter(c: &mut Criterion) {
    let (config, cities) = Config::parse(CONFIG).expect("valid config");
    let terms = SiteTerms {
        cities: &cities,
        languages: &config.languages,
    };
    let text = article(1);
    c.bench_function("parse one content file's front matter", |b| {
        b.iter(|| parse_article("news/report.md", &text, &terms, today()))
    });
}

fn markdown_body(c: &mut Criterion) {
    let text = article(1);
    let body = &text[text.rfind("+++\n").expect("a front matter") + 4..];
    c.bench_function("render one Markdown body", |b| {
        b.iter(|| markdown::render(body, &KeepLinks, RawHtml::Keep))
    });
}

fn paginated_index(c: &mut Criterion) {
    let (config, cities) = Config::parse(CONFIG).expect("valid config");
    let terms = SiteTerms {
        cities: &cities,
        languages: &config.languages,
    };
    let articles = (0..2000)
        .map(|i| {
            let text = article(i);
            let (parsed, problems) = parse_article(&format!("news/{i}.md"), &text, &terms, today());
            let mut article = parsed.unwrap_or_else(|| panic!("{problems}")).article;
            let body = markdown::render(
                &text[text.rfind("+++\n").expect("a front matter") + 4..],
                &KeepLinks,
                RawHtml::Keep,
            );
            let summary = body.summary.unwrap_or_default();
            article.body = concord::model::Body::new(body.html);
            (article.summary_html, article.summary_text) = (summary.html, summary.text);
            std::sync::Arc::new(article)
        })
        .collect();
    let place = EditionPlace {
        prefix: String::new(),
        cities: cities.clone(),
    };
    let (editions, _) = Editions::new(vec![place], articles, &Default::default());
    let theme = Theme::load(Path::new("/nonexistent")).expect("the built-in theme");
    let pages = plan(&editions, config.paginate_by, false);
    let middle = pages
        .iter()
        .position(|p| p.kind == PageKind::Home(Home) && p.number() == 50)
        .expect("a 50th home page");
    let assets = Assets::default();
    let files = SiteFiles::new(&editions, &config, &theme, &pages, &assets);
    let selection = Selection {
        pages: &[middle],
        assets: false,
        search: false,
    };
    c.bench_function("render page 50 of the home list (2,000 articles)", |b| {
        b.iter(|| files.stream(selection, &Discard))
    });
}

criterion_group!(benches, front_matter, markdown_body, paginated_index);
criterion_main!(benches);
