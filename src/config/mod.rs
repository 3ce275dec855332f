//! `config.toml`: read as raw TOML, then checked once into a `Config` whose
//! values the rest of the pipeline can trust.

mod deploy;
mod map;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{closest, Diagnostic, Diagnostics, SourceSpan};
use crate::i18n::{language_code, TranslationError, Translations};
use crate::layout::CONFIG_FILE;
use crate::model::{slug, City, CityRegistry, EditionId, ProvinceNames, TopicNames};
pub use deploy::{DeploySettings, Location, Matcher, Pattern, Target, DEFAULT_MAX_DELETES};
pub use map::{Background, MapSettings, PartnershipNote, PartnershipNotes};

const DEFAULT_PAGINATE_BY: usize = 10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Spanned<String>,
    #[serde(default)]
    description: String,
    language: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<String>>>,
    paginate_by: Option<Spanned<i64>>,
    #[serde(default)]
    cities: BTreeMap<Spanned<String>, RawCity>,
    #[serde(default)]
    markdown: RawMarkdown,
    #[serde(default)]
    topics: BTreeMap<Spanned<String>, RawTopic>,
    #[serde(default)]
    translations: BTreeMap<Spanned<String>, BTreeMap<String, String>>,
    #[serde(default)]
    editions: BTreeMap<Spanned<String>, RawEdition>,
    #[serde(default)]
    provinces: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    partnerships: BTreeMap<Spanned<String>, map::RawPartnership>,
    #[serde(default)]
    map: map::RawMap,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    deploy: deploy::RawDeploy,
    #[serde(default)]
    extra: toml::Table,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    enabled: Option<bool>,
}

/// What one language's edition says differently: `[editions.en]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    title: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    raw_html: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    name: String,
    province: String,
    #[serde(default)]
    aliases: Vec<String>,
    display: Option<String>,
    /// The city's name in other languages, by language code: `{ zh = "徐州" }`.
    #[serde(default)]
    names: BTreeMap<String, String>,
    lat: Option<Spanned<f64>>,
    lon: Option<Spanned<f64>>,
}

/// The site's settings, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// Never empty: the first is the default language, at the site root.
    pub languages: Vec<Language>,
    pub base_url: BaseUrl,
    pub paginate_by: NonZeroUsize,
    /// What happens to HTML written in articles.
    pub raw_html: RawHtml,
    /// Topic names declared under `[topics.<slug>]`.
    pub topic_names: TopicNames,
    /// Free-form values for templates (`site.extra`).
    pub extra: toml::Table,
    /// Where each city is declared in config.toml, by key, for warnings about it.
    pub city_declarations: HashMap<String, SourceSpan>,
    /// Provinces in other languages: `Jiangsu` → `zh` → `江苏省`.
    pub province_names: ProvinceNames,
    /// What config.toml says of pairs of cities, by `a--b`.
    pub partnership_notes: PartnershipNotes,
    pub map: MapSettings,
    /// Whether the site has a search page and index: `[search] enabled`, on by default.
    pub search: bool,
    /// `[deploy]`: where `concord deploy` publishes.
    pub deploy: DeploySettings,
    /// What is allowed but probably a mistake, found while reading it.
    pub warnings: Diagnostics,
}

/// A language the site is published in, and so one edition of it.
#[derive(Debug, Clone)]
pub struct Language {
    /// The tag as config.toml writes it, for `lang` attributes: `zh-CN`.
    pub tag: String,
    /// What the tables of words and city names are keyed by: `zh`.
    pub code: String,
    /// Where the edition lives under the site root: empty for the default
    /// language, `en/` for the others.
    pub prefix: String,
    /// The site's title in this language: `[editions.<code>]`, or `title`.
    pub title: String,
    pub description: String,
    /// Every word of the theme in this language.
    pub i18n: Translations,
    /// Keys of the cities with no name in this language, when it is not English.
    pub cities_without_name: Vec<String>,
}

impl Config {
    /// The default language: the only one, or the first of `languages`.
    pub fn language(&self) -> &Language {
        &self.languages[0]
    }
}

/// The edition an article in `lang` belongs to: the default one when it
/// says none, or when the site has one language (which may then carry
/// articles in others); `None` when a site of several languages has not
/// this one.
pub fn edition_of(languages: &[Language], lang: Option<&str>) -> Option<EditionId> {
    match lang {
        Some(tag) if languages.len() > 1 => {
            let code = language_code(tag);
            let index = languages.iter().position(|l| l.code == code)?;
            Some(EditionId::new(index))
        }
        _ => Some(EditionId::DEFAULT),
    }
}

impl Config {
    /// Reads `config.toml` from the site root: the settings, and the cities it declares.
    pub fn load(root: &Path) -> Result<(Config, CityRegistry), Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|error| {
            Diagnostic::error(format!("cannot read {CONFIG_FILE}: {error}")).in_file(CONFIG_FILE)
        })?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<(Config, CityRegistry), Diagnostics> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let diagnostic = Diagnostic::error(format!("{CONFIG_FILE} is not valid: {}", error.message().trim()))
                .in_file(CONFIG_FILE)
                .help("config.toml needs `title` and `base_url`, and one [cities.<key>] table with `name` and `province` per city");
            match error.span() {
                Some(span) => diagnostic.at(SourceSpan::locate(text, span)),
                None => diagnostic,
            }
        })?;
        check(raw, text)
    }
}

fn check(raw: RawConfig, text: &str) -> Result<(Config, CityRegistry), Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut problem = |span: std::ops::Range<usize>, message: String, help: &str| {
        problems.push(
            Diagnostic::error(message)
                .in_file(CONFIG_FILE)
                .at(SourceSpan::locate(text, span))
                .help(help),
        )
    };
    let base_url = BaseUrl::parse(raw.base_url.get_ref()).unwrap_or_else(|message| {
        problem(
            raw.base_url.span(),
            message,
            "write the address the site is published at, like \"https://example.org/\" or \"https://example.org/news/\"",
        );
        BaseUrl::parse("http://localhost/").expect("a valid fallback")
    });
    let paginate_by = match raw.paginate_by {
        None => NonZeroUsize::new(DEFAULT_PAGINATE_BY).expect("not zero"),
        Some(value) => usize::try_from(*value.get_ref())
            .ok()
            .and_then(NonZeroUsize::new)
            .unwrap_or_else(|| {
                problem(
                    value.span(),
                    format!("`paginate_by` must be 1 or more, not {}", value.get_ref()),
                    "set how many articles each list page shows, for example `paginate_by = 10`",
                );
                NonZeroUsize::MIN
            }),
    };
    let raw_html = match raw.markdown.raw_html {
        None => RawHtml::Keep,
        Some(value) => match value.get_ref().as_str() {
            "keep" => RawHtml::Keep,
            "escape" => RawHtml::Escape,
            other => {
                problem(
                    value.span(),
                    format!("`raw_html` is `{other}`, which Concord does not know"),
                    "write `raw_html = \"keep\"` to publish HTML in articles as written (editors are trusted), or `raw_html = \"escape\"` to show it as text and refuse `javascript:` links",
                );
                RawHtml::Keep
            }
        },
    };
    let mut topic_names = TopicNames::new();
    for (key, topic) in raw.topics {
        if slug::is_slug(key.get_ref()) {
            topic_names.insert(key.into_inner(), topic.name);
        } else {
            problem(
                key.span(),
                format!("topic key `{}` is not the slug of a topic", key.get_ref()),
                &format!(
                    "write the topic as it appears in URLs, like [topics.{}]",
                    slug::slugify(key.get_ref())
                ),
            );
        }
    }
    let tags = language_tags(raw.language, raw.languages, &mut problem);
    let mut cities = Vec::with_capacity(raw.cities.len());
    let mut city_declarations = HashMap::with_capacity(raw.cities.len());
    for (key, city) in raw.cities {
        if slug::is_slug(key.get_ref()) {
            city_declarations.insert(key.get_ref().clone(), SourceSpan::locate(text, key.span()));
            // A blank spelling would be found in every text and every reference.
            let spellings = std::iter::once(&city.name)
                .chain(&city.aliases)
                .chain(city.names.values());
            if spellings.clone().any(|s| s.trim().is_empty()) {
                problem(
                    key.span(),
                    format!("city `{}` has an empty name or alias", key.get_ref()),
                    "give it a name, and remove empty entries from `aliases` and `names`",
                );
            }
            // Every name matches, in whichever language an editor writes it.
            let mut aliases = city.aliases;
            aliases.extend(city.names.values().cloned());
            let position = map::position(city.lat, city.lon, key.get_ref(), &mut problem);
            cities.push(City {
                key: key.into_inner(),
                name: city.name,
                province: city.province,
                aliases,
                display: city.display,
                names: city.names,
                position,
            });
        } else {
            problem(
                key.span(),
                format!("city key `{}` cannot be used in a URL", key.get_ref()),
                &format!(
                    "keys are lowercase ASCII letters, digits and single hyphens; try [cities.{}]",
                    slug::slugify(key.get_ref())
                ),
            );
        }
    }
    let keys: Vec<&str> = cities.iter().map(|city| city.key.as_str()).collect();
    let partnership_notes = map::partnership_notes(raw.partnerships, &keys, &mut problem);
    for key in raw.editions.keys() {
        if !tags.iter().any(|tag| language_code(tag) == *key.get_ref()) {
            problem(
                key.span(),
                format!("[editions.{}] is not a language of the site", key.get_ref()),
                &format!(
                    "name one of {} by its code, like [editions.{}]",
                    tags.join(", "),
                    language_code(&tags[0])
                ),
            );
        }
    }
    let several = tags.len() > 1;
    let languages: Vec<Language> = tags
        .into_iter()
        .enumerate()
        .map(|(index, tag)| {
            let code = language_code(&tag);
            let i18n = translations(&code, &raw.translations, several, &mut problem);
            let edition = raw
                .editions
                .iter()
                .find(|(key, _)| *key.get_ref() == code)
                .map(|(_, edition)| edition);
            Language {
                title: edition
                    .and_then(|e| e.title.clone())
                    .unwrap_or_else(|| raw.title.clone()),
                description: edition
                    .and_then(|e| e.description.clone())
                    .unwrap_or_else(|| raw.description.clone()),
                prefix: if index == 0 {
                    String::new()
                } else {
                    format!("{code}/")
                },
                cities_without_name: cities
                    .iter()
                    .filter(|city| code != "en" && !city.names.contains_key(&code))
                    .map(|city| city.key.clone())
                    .collect(),
                tag,
                code,
                i18n,
            }
        })
        .collect();
    let warnings = language_warnings(&raw.translations, &raw.editions, &languages, text);
    let config = Config {
        warnings,
        languages,
        base_url,
        paginate_by,
        raw_html,
        topic_names,
        extra: raw.extra,
        city_declarations,
        province_names: raw.provinces,
        partnership_notes,
        map: map::map_settings(raw.map, &mut problem),
        search: raw.search.enabled.unwrap_or(true),
        deploy: deploy::settings(raw.deploy, &mut problem),
    };
    problems.into_result((config, CityRegistry::new(cities)))
}

/// `[translations.<code>]` for a language the site is not in, and a second
/// language without a title of its own.
fn language_warnings(
    translations: &BTreeMap<Spanned<String>, BTreeMap<String, String>>,
    editions: &BTreeMap<Spanned<String>, RawEdition>,
    languages: &[Language],
    text: &str,
) -> Diagnostics {
    let codes: Vec<&str> = languages.iter().map(|l| l.code.as_str()).collect();
    let unused = translations
        .keys()
        .filter(|key| !codes.contains(&key.get_ref().as_str()));
    let mut warnings: Diagnostics = unused
        .map(|key| {
            Diagnostic::warning(format!(
                "[translations.{}] is for a language the site is not in, so nothing uses it",
                key.get_ref()
            ))
            .in_file(CONFIG_FILE)
            .at(SourceSpan::locate(text, key.span()))
            .help(format!(
                "name a language of the site by its code: {}",
                codes.join(", ")
            ))
        })
        .collect();
    for language in &languages[1..] {
        if !editions.keys().any(|key| *key.get_ref() == language.code) {
            warnings.push(
                Diagnostic::warning(format!("the `{}` edition has no title of its own", language.code))
                    .in_file(CONFIG_FILE)
                    .help(format!("its pages show `title` and `description` as they are; give them in its language under [editions.{}]", language.code)),
            );
        }
    }
    warnings
}

/// The site's language tags: `languages`, or `language`, or English. Each
/// language once: `zh-CN` and `zh-Hans` are one language.
fn language_tags(
    language: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<String>>>,
    problem: &mut impl FnMut(std::ops::Range<usize>, String, &str),
) -> Vec<String> {
    let tags = match (language, languages) {
        (Some(one), Some(many)) => {
            problem(
                one.span(),
                "config.toml sets both `language` and `languages`".into(),
                &format!("keep `languages = {:?}` for a site in several languages, or `language` alone for one", many.get_ref()),
            );
            many.into_inner()
        }
        (_, Some(many)) if many.get_ref().is_empty() => {
            problem(
                many.span(),
                "`languages` is empty".into(),
                "name the site's languages, the default first, like `languages = [\"zh\", \"en\"]`",
            );
            Vec::new()
        }
        (_, Some(many)) => {
            let span = many.span();
            let tags = many.into_inner();
            for (index, tag) in tags.iter().enumerate() {
                let code = language_code(tag);
                if code.is_empty() || !code.bytes().all(|b| b.is_ascii_lowercase()) {
                    problem(
                        span.clone(),
                        format!("`{tag}` in `languages` is not a language tag"),
                        "write BCP 47 tags, like \"zh\", \"zh-CN\" or \"en\"",
                    );
                } else if let Some(first) = tags[..index].iter().find(|t| language_code(t) == code)
                {
                    problem(
                        span.clone(),
                        format!("`{first}` and `{tag}` in `languages` are one language, `{code}`"),
                        "name each language once; the tag written first is the one pages carry",
                    );
                }
            }
            tags
        }
        (Some(one), None) => vec![one.into_inner()],
        (None, None) => vec!["en".to_string()],
    };
    if tags.is_empty() {
        vec!["en".to_string()]
    } else {
        tags
    }
}

/// The theme's words in the language of `code`, with the site's own from
/// `[translations.<code>]`; English, after a problem, when they are incomplete.
fn translations(
    code: &str,
    overrides: &BTreeMap<Spanned<String>, BTreeMap<String, String>>,
    several: bool,
    problem: &mut impl FnMut(std::ops::Range<usize>, String, &str),
) -> Translations {
    let overrides = overrides.iter().find(|(key, _)| key.get_ref() == code);
    let strings = overrides.map(|(_, strings)| strings);
    Translations::load(code, strings, several).unwrap_or_else(|error| {
        let span = overrides.map_or(0..0, |(key, _)| key.span());
        let (message, help) = match error {
            TranslationError::Missing(keys) => (
                format!("the theme has no words for language `{code}`: {} missing", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
                format!("give each under [translations.{code}] in config.toml, like `{} = \"...\"`; README lists every key with its English text", keys[0]),
            ),
            TranslationError::Unknown(key) => (
                format!("[translations.{code}] has `{key}`, which the theme never shows"),
                match closest(&key, Translations::keys().iter().map(|k| (k.as_str(), k.clone()))) {
                    Some(known) => format!("did you mean `{known}`? README lists every key"),
                    None => "README lists every key".to_string(),
                },
            ),
        };
        problem(span, message, &help);
        Translations::load("en", None, several).expect("the English table is complete")
    })
}

/// What happens to HTML written in an article's Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawHtml {
    /// Published as written: the site's editors are trusted.
    #[default]
    Keep,
    /// Shown as text, and `javascript:` links refused: for sites that take
    /// articles from many contributors.
    Escape,
}

/// The address the site is published at, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    pub fn parse(url: &str) -> Result<BaseUrl, String> {
        let url = url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| format!("base_url `{url}` must start with http:// or https://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || rest.contains(['?', '#', ' ']) {
            return Err(format!("base_url `{url}` is not a plain web address"));
        }
        let mut url = url.to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(BaseUrl(url))
    }

    /// The absolute URL of a site path such as `news/x/` (no leading slash).
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path.trim_start_matches('/'))
    }

    /// The address of the folder `path` (empty, or ending in `/`) under this one.
    pub fn child(&self, path: &str) -> BaseUrl {
        BaseUrl(self.join(path))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://example.org/coop\"\n";

    #[test]
    fn base_url_gains_a_trailing_slash_and_joins_paths() {
        let url = BaseUrl::parse("https://example.org/coop").unwrap();
        assert_eq!(url.join("news/a/"), "https://example.org/coop/news/a/");
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:1111").unwrap().as_str(),
            "http://127.0.0.1:1111/"
        );
    }

    #[test]
    fn base_url_must_be_a_web_address() {
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https://").is_err());
    }

    #[test]
    fn defaults_apply() {
        let (config, cities) = Config::parse(MINIMAL).unwrap();
        assert_eq!(config.paginate_by.get(), 10);
        assert_eq!(config.language().tag, "en");
        assert!(cities.is_empty());
    }

    #[test]
    fn cities_are_read_into_the_registry() {
        let text = format!(
            "{MINIMAL}[cities.xuzhou]\nname = \"Xuzhou\"\nprovince = \"Jiangsu\"\naliases = [\"徐州\"]\n"
        );
        let (_, cities) = Config::parse(&text).unwrap();
        let id = cities.by_key("xuzhou").unwrap();
        assert_eq!(cities.get(id).aliases, ["徐州"]);
    }

    #[test]
    fn a_bad_city_key_points_at_its_line() {
        let text = format!("{MINIMAL}[cities.\"Xu Zhou\"]\nname = \"X\"\nprovince = \"J\"\n");
        let problems = Config::parse(&text).unwrap_err();
        let report = problems.to_string();
        assert!(report.contains("config.toml:3:"), "{report}");
        assert!(report.contains("[cities.xu-zhou]"), "{report}");
    }

    #[test]
    fn an_empty_city_name_or_alias_is_refused_at_the_city() {
        for city in [
            "name = \"\"\nprovince = \"J\"\n",
            "name = \"Xuzhou\"\nprovince = \"J\"\naliases = [\"徐州\", \" \"]\n",
            "name = \"Xuzhou\"\nprovince = \"J\"\nnames = { zh = \"\" }\n",
        ] {
            let text = format!("{MINIMAL}[cities.xuzhou]\n{city}");
            let report = Config::parse(&text).unwrap_err().to_string();
            assert!(report.contains("config.toml:3:"), "{report}");
            assert!(
                report.contains("city `xuzhou` has an empty name or alias"),
                "{report}"
            );
        }
    }

    #[test]
    fn invalid_toml_reports_the_line() {
        let problems = Config::parse("title = \"T\"\nbase_url = \n").unwrap_err();
        assert!(
            problems.to_string().contains("config.toml:2:"),
            "{problems}"
        );
    }

    #[test]
    fn zero_pagination_is_refused() {
        let problems = Config::parse(&format!("{MINIMAL}paginate_by = 0\n")).unwrap_err();
        assert!(problems.to_string().contains("paginate_by"), "{problems}");
    }
}
