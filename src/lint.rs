//! Site-wide warnings: things that are allowed but are probably mistakes.

use crate::config::{Config, Language};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{CONFIG_FILE, CONTENT_DIR};
use crate::model::{CityId, Editions, Site};

/// `complete` says whether every content file loaded: a city that only a
/// file with errors names is not unused, so without every file no city is
/// said to be.
pub fn site_warnings(editions: &Editions, config: &Config, complete: bool) -> Diagnostics {
    let mut warnings = if complete {
        unused_cities(editions, config)
    } else {
        Diagnostics::default()
    };
    for (_, site) in editions.iter() {
        warnings.extend(repeated_titles(site));
    }
    let whose = match config.languages.len() {
        1 => "the site's language",
        _ => "one of the site's languages",
    };
    for language in &config.languages {
        warnings.extend(cities_without_name(language, whose, config));
    }
    warnings.extend(cities_without_position(editions, config));
    warnings.extend(config.warnings.clone());
    if config.search {
        warnings.extend(articles_without_search_text(editions));
    }
    warnings.extend(articles_outside_their_folder(editions, config));
    warnings
}

/// An article whose body is only markup (an image, a table of numbers)
/// gives search nothing but its title; a body with no text at all is
/// reported already.
fn articles_without_search_text(editions: &Editions) -> Diagnostics {
    editions
        .iter()
        .flat_map(|(_, site)| site.articles())
        .filter(|article| !article.body.is_blank())
        .filter(|article| {
            !article.summary_text.chars().any(char::is_alphabetic) && !article.body.has_words()
        })
        .map(|article| {
            Diagnostic::warning(format!(
                "`{}` has no words for search to find, only its title",
                article.file
            ))
            .in_file(format!("{CONTENT_DIR}/{}", article.file))
            .help("add a sentence or a `summary` that says what it is about")
        })
        .collect()
}

/// `content/en/news/x.md` without `lang = "en"` is in the default
/// edition: the folder says nothing, which a Hugo user may not expect.
fn articles_outside_their_folder(editions: &Editions, config: &Config) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    for (edition, site) in editions.iter() {
        for article in site.articles() {
            let folder = article.file.split('/').next().unwrap_or_default();
            let named = config
                .languages
                .iter()
                .position(|l| l.code == folder && !l.prefix.is_empty());
            if let Some(other) = named.filter(|&other| other != edition.index()) {
                let code = &config.languages[other].code;
                warnings.push(
                    Diagnostic::warning(format!("`{}` is in the folder `{folder}/` but not in the `{code}` edition", article.file))
                        .in_file(format!("{CONTENT_DIR}/{}", article.file))
                        .help(format!("an article's language comes from its `lang`, not its folder: add `lang = \"{code}\"`, or move it out of `{folder}/`")),
                );
            }
        }
    }
    warnings
}

/// When some cities have coordinates, the others are probably forgotten:
/// they are drawn in a row beneath the map. A site that gives none gets
/// its network drawn in a circle, and no warning.
fn cities_without_position(editions: &Editions, config: &Config) -> Diagnostics {
    let cities = editions.default_edition().cities();
    let placed = cities.iter().filter(|(_, c)| c.position.is_some()).count();
    if !config.map.enabled || placed == 0 {
        return Diagnostics::default();
    }
    let paired = |id: CityId| {
        editions
            .iter()
            .any(|(_, site)| !site.partners_of(id).is_empty())
    };
    cities
        .iter()
        .filter(|(id, city)| city.position.is_none() && paired(*id))
        .map(|(_, city)| {
            let warning = Diagnostic::warning(format!(
                "the city `{}` has no coordinates, so maps show it beneath the others",
                city.key
            ))
            .in_file(CONFIG_FILE)
            .label("declared here")
            .help(format!(
                "add `lat` and `lon` in decimal degrees under [cities.{}]",
                city.key
            ));
            match config.city_declarations.get(&city.key) {
                Some(span) => warning.at(span.clone()),
                None => warning,
            }
        })
        .collect()
}

fn cities_without_name(language: &Language, whose: &str, config: &Config) -> Diagnostics {
    let code = &language.code;
    language
        .cities_without_name
        .iter()
        .map(|key| {
            let warning = Diagnostic::warning(format!(
                "the city `{key}` has no name in `{code}`, {whose}"
            ))
            .in_file(CONFIG_FILE)
            .label("declared here")
            .help(format!(
                "readers see its `name`; add one in their language: `names = {{ {code} = \"...\" }}` under [cities.{key}]"
            ));
            match config.city_declarations.get(key) {
                Some(span) => warning.at(span.clone()),
                None => warning,
            }
        })
        .collect()
}

fn unused_cities(editions: &Editions, config: &Config) -> Diagnostics {
    let site = editions.default_edition();
    site.cities()
        .iter()
        .filter(|(id, _)| editions.iter().all(|(_, s)| s.articles_in(*id).is_empty()))
        .map(|(_, city)| {
            let warning = Diagnostic::warning(format!("no article names the city `{}`", city.key))
                .in_file(CONFIG_FILE)
                .label("declared here")
                .help("its page will be empty; remove the city, or write about it");
            match config.city_declarations.get(&city.key) {
                Some(span) => warning.at(span.clone()),
                None => warning,
            }
        })
        .collect()
}

fn repeated_titles(site: &Site) -> Diagnostics {
    let mut titled: Vec<(&str, &str)> = site
        .articles()
        .iter()
        .map(|article| (article.title.as_str(), article.file.as_str()))
        .collect();
    titled.sort_unstable();
    titled
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|same| same.len() > 1)
        .map(|same| {
            let (title, first) = same[0];
            let others: Vec<String> = same[1..]
                .iter()
                .map(|(_, f)| format!("`{CONTENT_DIR}/{f}`"))
                .collect();
            Diagnostic::warning(format!(
                "the title \"{title}\" is also used by {}",
                others.join(", ")
            ))
            .in_file(format!("{CONTENT_DIR}/{first}"))
            .help("readers cannot tell the articles apart in lists; give each its own title")
        })
        .collect()
}
