//! Writes a generated cooperation-news site for benchmarks: the same
//! articles as a Concord site and, with `--hugo`, as a Hugo site.
//!
//! cargo run --release --example corpus -- --articles 10000 --cities 40 --seed 1 --out /tmp/site [--hugo /tmp/hugo-site] [--bilingual] [--profile heavy]
//!
//! `--profile light` (the default): 2 or 3 cities and one topic per article,
//! bodies of five paragraphs (500 words) and one heading. `--profile heavy`:
//! 2 or 3 cities and 1 to 3 of 6 topics per article, bodies of about 575
//! words with h2 and h3 headings, a list, a blockquote, an external link and
//! emphasis, which is what a real newsroom's articles carry.
//!
//! `--bilingual` makes a site in Chinese and English with the same
//! articles: every other one in English, each pair linked as translations.
//! Search is off, as plain Hugo has none, unless `--search`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const PROVINCES: [&str; 8] = [
    "Jiangsu",
    "Qinghai",
    "Zhejiang",
    "Guangdong",
    "Xinjiang",
    "Tibet",
    "Fujian",
    "Ningxia",
];
const WORDS: [&str; 48] = [
    "cooperation",
    "delegation",
    "agreement",
    "industrial",
    "park",
    "teachers",
    "doctors",
    "exchange",
    "investment",
    "projects",
    "province",
    "county",
    "support",
    "counterpart",
    "development",
    "visit",
    "signed",
    "partner",
    "city",
    "schools",
    "hospital",
    "training",
    "enterprises",
    "officials",
    "north",
    "south",
    "west",
    "east",
    "rural",
    "revitalisation",
    "tourism",
    "agriculture",
    "technology",
    "innovation",
    "talent",
    "poverty",
    "relief",
    "infrastructure",
    "roads",
    "water",
    "energy",
    "solar",
    "factory",
    "jobs",
    "students",
    "culture",
    "health",
    "trade",
];
const TOPICS: [&str; 8] = [
    "industrial parks",
    "education",
    "health care",
    "counterpart support",
    "delegations",
    "tourism",
    "agriculture",
    "talent exchange",
];

struct Options {
    articles: usize,
    cities: usize,
    seed: u64,
    out: PathBuf,
    hugo: Option<PathBuf>,
    bilingual: bool,
    search: bool,
    heavy: bool,
}

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

struct Article {
    title: String,
    slug: String,
    date: String,
    folder: String,
    cities: Vec<usize>,
    topics: Vec<&'static str>,
    body: String,
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1).collect())
        .and_then(|o| run(&o).map_err(|e| e.to_string()))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\nusage: corpus --articles N --cities C --seed S --out DIR [--hugo DIR] [--bilingual] [--search] [--profile light|heavy]");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let mut options = Options {
        articles: 1000,
        cities: 40,
        seed: 1,
        out: PathBuf::new(),
        hugo: None,
        bilingual: false,
        search: false,
        heavy: false,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--bilingual" || flag == "--search" {
            options.bilingual |= flag == "--bilingual";
            options.search |= flag == "--search";
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag} takes a number, not {value}"))
        };
        match flag.as_str() {
            "--articles" => options.articles = number()?,
            "--cities" => options.cities = number()?.max(3),
            "--seed" => options.seed = number()? as u64,
            "--out" => options.out = PathBuf::from(&value),
            "--hugo" => options.hugo = Some(PathBuf::from(&value)),
            "--profile" => match value.as_str() {
                "light" => options.heavy = false,
                "heavy" => options.heavy = true,
                _ => return Err(format!("--profile is light or heavy, not {value}")),
            },
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if options.out.as_os_str().is_empty() {
        return Err("--out is required".into());
    }
    Ok(options)
}

fn run(options: &Options) -> std::io::Result<()> {
    let mut rng = Rng(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let articles: Vec<Article> = (0..options.articles)
        .map(|i| match options.heavy {
            true => heavy_article(i, options.cities, &mut rng),
            false => article(i, options.cities, &mut rng),
        })
        .collect();
    write_concord(&options.out, options.cities, &articles, options)?;
    if let Some(hugo) = &options.hugo {
        write_hugo(hugo, &articles)?;
    }
    Ok(())
}

fn article(i: usize, city_count: usize, rng: &mut Rng) -> Article {
    let year = 2010 + rng.below(15);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let mut cities = Vec::new();
    while cities.len() < 2 + rng.below(2) {
        let city = rng.below(city_count);
        if !cities.contains(&city) {
            cities.push(city);
        }
    }
    let topics = vec![TOPICS[rng.below(TOPICS.len())]];
    let mut body = String::with_capacity(3600);
    for paragraph in 0..5 {
        if paragraph == 2 {
            body.push_str("## Results\n\n");
        }
        for word in 0..100 {
            body.push_str(WORDS[rng.below(WORDS.len())]);
            body.push_str(if word % 17 == 16 { ". " } else { " " });
        }
        body.push_str("\n\n");
    }
    let title = format!(
        "City {} and City {} report {} {}",
        cities[0],
        cities[1],
        WORDS[rng.below(WORDS.len())],
        i
    );
    Article {
        slug: format!("report-{i}"),
        title,
        date: format!("{year}-{month:02}-{day:02}"),
        folder: format!("{year}/{month:02}"),
        cities,
        topics,
        body,
    }
}

/// An article of the heavy profile: more topics, and a body with the
/// Markdown a newsroom writes.
fn heavy_article(i: usize, city_count: usize, rng: &mut Rng) -> Article {
    let mut article = article(i, city_count, rng);
    let mut topics = Vec::new();
    while topics.len() < 1 + rng.below(3) {
        let topic = TOPICS[rng.below(6)];
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    article.topics = topics;
    let words = |n: usize, rng: &mut Rng| {
        (0..n)
            .map(|_| WORDS[rng.below(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut body = String::with_capacity(4500);
    for section in 0..3 {
        let _ = write!(body, "## {}\n\n", words(3, rng));
        let _ = write!(
            body,
            "{} *{}* {}.\n\n",
            words(60, rng),
            words(2, rng),
            words(40, rng)
        );
        let _ = write!(body, "### {}\n\n", words(2, rng));
        let _ = write!(
            body,
            "{} **{}** {}.\n\n",
            words(50, rng),
            words(2, rng),
            words(20, rng)
        );
        if section == 1 {
            for _ in 0..4 {
                let _ = writeln!(body, "- {}", words(6, rng));
            }
            let _ = write!(body, "\n> {}.\n\n", words(25, rng));
            let _ = write!(
                body,
                "More in [the agreement](https://example.gov.cn/agreements/{i}.html), {}.\n\n",
                words(10, rng)
            );
        }
    }
    article.body = body;
    article
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn front_matter(article: &Article, cities: String) -> String {
    format!(
        "+++\ntitle = \"{}\"\ndate = {}\nslug = \"{}\"\ncities = [{cities}]\ntopics = [\"{}\"]\n+++\n{}",
        article.title, article.date, article.slug, article.topics.join("\", \""), article.body
    )
}

fn write_concord(
    out: &Path,
    city_count: usize,
    articles: &[Article],
    options: &Options,
) -> std::io::Result<()> {
    let bilingual = options.bilingual;
    let mut config = String::from("title = \"Generated Cooperation News\"\nbase_url = \"https://example.org/\"\npaginate_by = 20\n");
    if bilingual {
        config.push_str("languages = [\"zh\", \"en\"]\n");
    }
    if !options.search {
        config.push_str("\n[search]\nenabled = false\n");
    }
    config.push('\n');
    for city in 0..city_count {
        let province = PROVINCES[city % PROVINCES.len()];
        // Spread over eastern and western China, the same on every run.
        let (lat, lon) = (
            22.0 + (city * 7 % 20) as f64,
            98.0 + (city * 13 % 24) as f64,
        );
        let _ = writeln!(config, "[cities.city-{city}]\nname = \"City {city}\"\nnames = {{ zh = \"城市{city}\" }}\nprovince = \"{province}\"\naliases = [\"Town {city}\"]\nlat = {lat}\nlon = {lon}\n");
    }
    write(&out.join("config.toml"), &config)?;
    for (i, article) in articles.iter().enumerate() {
        let cities: Vec<String> = article
            .cities
            .iter()
            .map(|c| format!("\"city-{c}\""))
            .collect();
        let path = out
            .join("content")
            .join(&article.folder)
            .join(format!("{}.md", article.slug));
        let mut text = front_matter(article, cities.join(", "));
        if bilingual {
            let lang = if i % 2 == 1 { "lang = \"en\"\n" } else { "" };
            let pair = format!("{lang}translation = \"story-{}\"\n+++\n", i / 2);
            text = text.replacen("\n+++\n", &format!("\n{pair}"), 1);
        }
        write(&path, &text)?;
    }
    Ok(())
}

/// The same articles for Hugo: a `cities` taxonomy, paginated lists and
/// term pages, RSS and a sitemap, with templates as small as Concord's work.
fn write_hugo(out: &Path, articles: &[Article]) -> std::io::Result<()> {
    let config = "baseURL = \"https://example.org/\"\ntitle = \"Generated Cooperation News\"\npaginate = 20\ndisableKinds = []\n\n[taxonomies]\ncity = \"cities\"\ntopic = \"topics\"\n";
    write(&out.join("config.toml"), config)?;
    write(&out.join("layouts/_default/baseof.html"), HUGO_BASE)?;
    write(&out.join("layouts/_default/single.html"), HUGO_SINGLE)?;
    write(&out.join("layouts/_default/list.html"), HUGO_LIST)?;
    write(&out.join("layouts/_default/terms.html"), HUGO_TERMS)?;
    write(&out.join("layouts/index.html"), HUGO_LIST)?;
    for article in articles {
        let cities: Vec<String> = article
            .cities
            .iter()
            .map(|c| format!("\"City {c}\""))
            .collect();
        let path = out
            .join("content/news")
            .join(&article.folder)
            .join(format!("{}.md", article.slug));
        write(&path, &front_matter(article, cities.join(", ")))?;
    }
    Ok(())
}

const HUGO_BASE: &str = r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title><link rel="canonical" href="{{ .Permalink }}"></head><body><nav><a href="/">Home</a> <a href="/cities/">Cities</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>
"#;
const HUGO_SINGLE: &str = r#"{{ define "main" }}<article><h1>{{ .Title }}</h1><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time><ul>{{ range .Params.cities }}<li><a href="{{ "cities/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ .Content }}</article>{{ with .PrevInSection }}<a href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}{{ end }}
"#;
const HUGO_LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = where .Site.RegularPages "Section" "news" }}{{ end }}{{ $pager := .Paginate $pages }}{{ range $pager.Pages }}<article><h2><a href="{{ .Permalink }}">{{ .Title }}</a></h2><time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p></article>{{ end }}{{ if $pager.HasPrev }}<a rel="prev" href="{{ $pager.Prev.URL }}">Newer</a>{{ end }}{{ if $pager.HasNext }}<a rel="next" href="{{ $pager.Next.URL }}">Older</a>{{ end }}{{ end }}
"#;
const HUGO_TERMS: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.Permalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}
"#;
