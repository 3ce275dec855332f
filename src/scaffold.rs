//! Starting points: a new site (`concord init`) and a new article (`concord new`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use time::{Date, Month};

use crate::assets::theme_assets;
use crate::config::{self, Config};
use crate::diagnostics::Diagnostics;
use crate::layout::{
    CONCORD_DIR, CONFIG_FILE, CONTENT_DIR, NEWS_DIR, OUTPUT_DIR, STATIC_DIR, TEMPLATES_DIR,
};
use crate::model::{iso_date, slug, CityLookup};
use crate::render::theme::embedded_templates;

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("`{}` already exists; edit it, or choose another title", .0.display())]
    ArticleExists(PathBuf),
    #[error("`{}` is not empty; give `concord init` a new or empty folder", .0.display())]
    FolderNotEmpty(PathBuf),
    #[error("{0}")]
    BadArgument(String),
    #[error("{} in config.toml", crate::diagnostics::count(.0.error_count(), "error"))]
    Config(Diagnostics),
    #[error("cannot write `{}`: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn write(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ScaffoldError> {
    let io_error = |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_error)?;
    }
    fs::write(path, bytes).map_err(io_error)
}

/// What `concord new` is asked for.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub title: String,
    /// City references as typed: keys, names or aliases.
    pub cities: Vec<String>,
    pub topics: Vec<String>,
    /// `YYYY-MM-DD`; today when absent.
    pub date: Option<String>,
    /// The URL's last part; from the title when absent.
    pub slug: Option<String>,
    /// Left out of the site until published.
    pub draft: bool,
    /// Its language, when not the site's default.
    pub lang: Option<String>,
    /// The key it shares with its translations.
    pub translation: Option<String>,
}

/// Writes `content/news/<slug>.md` (`content/en/news/<slug>.md` for an
/// article in a site's other language) with complete front matter and
/// returns its path.
pub fn new_article(
    root: &Path,
    request: &NewArticle,
    today: Date,
) -> Result<PathBuf, ScaffoldError> {
    let (config, cities) = Config::load(root).map_err(ScaffoldError::Config)?;
    let Some(edition) = config::edition_of(&config.languages, request.lang.as_deref()) else {
        let tags: Vec<&str> = config.languages.iter().map(|l| l.tag.as_str()).collect();
        return Err(ScaffoldError::BadArgument(format!(
            "`{}` is not one of the site's languages; use one of them, like --lang {}",
            request.lang.as_deref().unwrap_or_default(),
            tags.join(" or --lang ")
        )));
    };
    let prefix = &config.languages[edition.index()].prefix;
    if request.title.trim().is_empty() {
        return Err(ScaffoldError::BadArgument("the title is empty; write the headline in quotes: concord new \"Wuxi and Xuzhou sign an agreement\" --cities wuxi,xuzhou".into()));
    }
    if request.cities.is_empty() {
        return Err(ScaffoldError::BadArgument(
            "name at least one city with --cities, like --cities wuxi,xuzhou".into(),
        ));
    }
    let mut keys = Vec::new();
    for reference in &request.cities {
        match cities.resolve(reference) {
            CityLookup::Found(id) => keys.push(cities.get(id).key.clone()),
            CityLookup::Ambiguous(ids) => {
                let names: Vec<String> = ids
                    .iter()
                    .map(|id| format!("`{}`", cities.get(*id).key))
                    .collect();
                return Err(ScaffoldError::BadArgument(format!(
                    "`{reference}` could mean more than one city: use {}",
                    names.join(" or ")
                )));
            }
            CityLookup::Unknown { closest } => {
                let hint = closest.map_or_else(
                    || {
                        format!(
                            "declare it in {CONFIG_FILE} under [cities.{}]",
                            slug::slugify(reference)
                        )
                    },
                    |id| format!("did you mean `{}`?", cities.get(id).key),
                );
                return Err(ScaffoldError::BadArgument(format!(
                    "`{reference}` is not a declared city; {hint}"
                )));
            }
        }
    }
    let date = match &request.date {
        Some(text) => parse_date(text)?,
        None => today,
    };
    let name = match &request.slug {
        Some(given) if slug::is_slug(given) && given.len() <= slug::MAX_LEN => given.clone(),
        Some(given) => {
            return Err(ScaffoldError::BadArgument(format!(
                "`{given}` cannot be a slug: use lowercase ASCII letters, digits and single hyphens, at most {} bytes, like --slug {}",
                slug::MAX_LEN,
                slug::slugify(given)
            )))
        }
        None => slug::slugify(&request.title),
    };
    let path = root
        .join(CONTENT_DIR)
        .join(prefix)
        .join(NEWS_DIR)
        .join(format!("{name}.md"));
    if path.exists() {
        return Err(ScaffoldError::ArticleExists(path));
    }
    write(&path, &front_matter(request, &keys, date))?;
    Ok(path)
}

pub fn parse_date(text: &str) -> Result<Date, ScaffoldError> {
    let bad = || {
        ScaffoldError::BadArgument(format!(
            "`{text}` is not a date; write it as YYYY-MM-DD, like --date 2020-06-09"
        ))
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(bad());
    };
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u8 = month.parse().map_err(|_| bad())?;
    let day: u8 = day.parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

fn front_matter(request: &NewArticle, keys: &[String], date: Date) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| toml_string(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "+++\n\
         title = {title}\n\
         date = {date}\n\
         cities = [{cities}]\n\
         topics = [{topics}]\n\
         # summary = \"One or two sentences for lists and search engines; else the first paragraph is used.\"\n\
         # source = \"The newsroom or office that reported it\"\n\
         # source_url = \"https://...\"\n\
         {slug}{lang}{translation}draft = {draft}\n\
         +++\n\
         TODO: write the article here. Its first paragraph is shown in lists.\n",
        title = toml_string(request.title.trim()),
        date = iso_date(date),
        cities = list(keys),
        topics = list(&request.topics),
        slug = request
            .slug
            .as_ref()
            .map_or(String::new(), |s| format!("slug = {}\n", toml_string(s))),
        lang = line("lang", request.lang.as_deref()),
        translation = line("translation", request.translation.as_deref()),
        draft = request.draft,
    )
}

/// `key = "value"` and a line break, or nothing.
fn line(key: &str, value: Option<&str>) -> String {
    value.map_or(String::new(), |v| {
        format!("{key} = {}\n", toml_string(v.trim()))
    })
}

/// A TOML basic string.
pub(crate) fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

const INIT_CONFIG: &str = include_str!("scaffold/config.toml");
const INIT_ARTICLE: &str = include_str!("scaffold/article.md");
const INIT_TEMPLATES_NOTE: &str = include_str!("scaffold/templates-README.md");

/// Creates a site in `dir` that builds at once. Refuses a folder with anything in it.
pub fn init_site(dir: &Path) -> Result<(), ScaffoldError> {
    let not_empty = fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty || dir.is_file() {
        return Err(ScaffoldError::FolderNotEmpty(dir.to_path_buf()));
    }
    write(&dir.join(CONFIG_FILE), INIT_CONFIG)?;
    write(
        &dir.join(CONTENT_DIR)
            .join("news/wuxi-xuzhou-agreement-2020.md"),
        INIT_ARTICLE,
    )?;
    write(
        &dir.join(TEMPLATES_DIR).join("README.md"),
        INIT_TEMPLATES_NOTE,
    )?;
    write(
        &dir.join(".gitignore"),
        &format!("# What `concord build` writes: the site, beside it its spare copy and lock,\n# and the caches that let the next build read and render only what changed.\n/{OUTPUT_DIR}/\n/.{OUTPUT_DIR}.concord-*\n/{CONCORD_DIR}/\n"),
    )?;
    let static_dir = dir.join(STATIC_DIR);
    fs::create_dir_all(&static_dir).map_err(|source| ScaffoldError::Io {
        path: static_dir,
        source,
    })
}

/// A file of the built-in theme, put into a site by `concord theme eject`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ejected {
    pub path: PathBuf,
    /// False when the site had the file already: it is never overwritten.
    pub written: bool,
}

/// Writes the built-in theme's templates (into `templates/`) and assets
/// (into `static/`) for editing: those named, or all of them. A file the
/// site has already is left as it is.
pub fn eject_theme(root: &Path, names: &[String]) -> Result<Vec<Ejected>, ScaffoldError> {
    let templates = embedded_templates().map(|(name, text)| (TEMPLATES_DIR, name, text.as_bytes()));
    let assets = theme_assets().map(|(name, bytes)| (STATIC_DIR, name, bytes));
    let theme: Vec<(&str, &str, &[u8])> = templates.chain(assets).collect();
    if let Some(unknown) = names
        .iter()
        .find(|n| !theme.iter().any(|(_, name, _)| name == n))
    {
        let known: Vec<&str> = theme.iter().map(|(_, name, _)| *name).collect();
        return Err(ScaffoldError::BadArgument(format!(
            "`{unknown}` is not a file of the built-in theme; it has {}",
            known.join(", ")
        )));
    }
    let chosen = theme
        .iter()
        .filter(|(_, name, _)| names.is_empty() || names.iter().any(|n| n == name));
    let mut ejected = Vec::new();
    for (folder, name, bytes) in chosen {
        let path = root.join(folder).join(name);
        let written = !path.exists();
        if written {
            write_bytes(&path, bytes)?;
        }
        ejected.push(Ejected { path, written });
    }
    Ok(ejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real() {
        assert_eq!(
            parse_date("2020-06-09").unwrap(),
            Date::from_calendar_date(2020, Month::June, 9).unwrap()
        );
        for bad in ["2020-02-30", "June 9", "2020-6", "2020-13-01"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(
            toml_string(r#"A "quoted" \ title"#),
            r#""A \"quoted\" \\ title""#
        );
        let parsed: toml::Table =
            toml::from_str(&format!("t = {}", toml_string("tab\there"))).unwrap();
        assert_eq!(parsed["t"].as_str(), Some("tab\there"));
    }
}
