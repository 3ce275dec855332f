//! A generated site of numbered reports, and a site that random edits
//! change step by step: what the preview and the page cache are checked
//! against full builds with.

use concord::serve::preview::Change;

use super::Site;

pub const BASE: &str = "http://127.0.0.1:1111/";
pub const CITIES: usize = 12;

pub fn city_config() -> String {
    (0..CITIES)
        .map(|i| {
            format!(
                "[cities.c{i}]\nname = \"City {i}\"\nprovince = \"Province {}\"\n",
                i % 3
            )
        })
        .collect()
}

pub fn article_text(i: usize, title: &str, date: &str) -> String {
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

pub fn generated_site(articles: usize) -> Site {
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

/// An article of the randomized test, as the test last wrote it.
#[derive(Debug, Clone)]
pub struct Spec {
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
pub const TOPICS: [&str; 5] = ["Parks", "parks", "Education", "Health care", "Trade"];
/// No `lang` means the default language.
pub const LANGS: [Option<&str>; 4] = [None, Some("en"), Some("zh"), Some("zh-CN")];
/// The two languages of the randomized site, English at the root.
pub const LANGUAGES: &str = "languages = [\"en\", \"zh\"]\n";
/// Every template of the theme, each edited in its own way.
pub const TEMPLATES: [&str; 12] = [
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
pub struct RandomSite {
    pub site: Site,
    pub articles: Vec<Spec>,
    serial: u32,
}

impl RandomSite {
    pub fn new() -> RandomSite {
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
    pub fn edit(&mut self, action: u8, a: u32, b: u32) -> (String, Vec<Change>) {
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

/// Dates every file under `dir` written in the last few seconds an hour
/// back, as if an editor had saved it long before the next build: a build
/// keeps no article of a file changed just before it (it could change
/// again within the same tick of the file system's clock), so without this
/// a test's builds, which follow its edits at once, would never use the
/// article cache. Times stay apart as the edits' were.
pub fn age_recent_files(dir: &std::path::Path) {
    use std::time::{Duration, SystemTime};
    let recent = SystemTime::now() - Duration::from_secs(5);
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        let Some(modified) = modified.filter(|m| *m > recent) else {
            continue;
        };
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(modified - Duration::from_secs(3600))
                .unwrap();
        }
    }
}
