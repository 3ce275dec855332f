//! Links between pages of the site, written in Markdown as
//! `@/news/2020/agreement.md` (another content file), `@city/xuzhou` (a city
//! page), `@pair/wuxi--xuzhou` (a pair's page) or `/archive/2020/06/` (any
//! page, by its path from the site root).

use std::cell::RefCell;
use std::collections::HashMap;

use super::markdown::{LinkResolver, Resolution};
use crate::config::BaseUrl;
use crate::diagnostics::closest;
use crate::model::{paths, CityLookup, CityRegistry};

/// Where a content file is published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Page {
        path: String,
        draft: bool,
    },
    /// The file has errors of its own, already reported.
    Unknown,
}

pub struct ContentLinks<'a> {
    pub base_url: &'a BaseUrl,
    pub cities: &'a CityRegistry,
    /// By path relative to `content/`.
    pub files: &'a HashMap<String, Target>,
    pub include_drafts: bool,
}

const HELP: &str =
    "link to an article as `@/<path from content/>.md`, to a city as `@city/<key>` and to a pair as `@pair/<key>--<key>`";

/// The links of one article: a city link goes to the city's page in the
/// article's own edition.
pub struct ArticleLinks<'l> {
    pub links: &'l ContentLinks<'l>,
    /// The prefix of the article's edition: empty, or `en/`.
    pub prefix: &'l str,
    /// The content files its links named, so far: its body depends on where they lead.
    pub named: RefCell<Vec<String>>,
}

impl LinkResolver for ArticleLinks<'_> {
    fn resolve(&self, destination: &str) -> Resolution {
        if let Some(file) = destination.strip_prefix("@/") {
            let file = file.split('#').next().unwrap_or(file);
            self.named.borrow_mut().push(file.to_string());
        }
        self.links.resolve_in(destination, self.prefix)
    }
}

impl ContentLinks<'_> {
    fn resolve_in(&self, destination: &str, prefix: &str) -> Resolution {
        let (link, fragment) = match destination.find('#') {
            Some(i) => destination.split_at(i),
            None => (destination, ""),
        };
        if let Some(file) = link.strip_prefix("@/") {
            self.article(file, fragment)
        } else if let Some(city) = link.strip_prefix("@city/") {
            self.city(city.trim_end_matches('/'), fragment, prefix)
        } else if let Some(pair) = link.strip_prefix("@pair/") {
            self.pair(pair.trim_end_matches('/'), fragment, prefix)
        } else if link.starts_with('@') {
            broken(
                format!("`{destination}` is not a kind of link Concord knows"),
                HELP.into(),
            )
        } else if link.starts_with('/') && !link.starts_with("//") {
            let path = link
                .trim_start_matches('/')
                .split('?')
                .next()
                .unwrap_or_default();
            Resolution::SitePage {
                url: format!("{}{}", self.base_url.join(link), fragment),
                path: path.to_string(),
            }
        } else {
            Resolution::Keep
        }
    }

    fn article(&self, file: &str, fragment: &str) -> Resolution {
        match self.files.get(file) {
            Some(Target::Page { draft: true, .. }) if !self.include_drafts => broken(
                format!("`@/{file}` is a draft, left out of the site"),
                "publish it with `draft = false`, or link to it once it is published".into(),
            ),
            Some(Target::Page { path, .. }) => {
                Resolution::Replace(format!("{}{fragment}", self.base_url.join(path)))
            }
            Some(Target::Unknown) => Resolution::Keep,
            None => broken(
                format!("there is no content file `{file}`"),
                self.closest_file(file),
            ),
        }
    }

    fn city(&self, reference: &str, fragment: &str, prefix: &str) -> Resolution {
        match self.cities.resolve(reference) {
            CityLookup::Found(id) => {
                let path = format!("{prefix}{}", self.cities.get(id).path());
                Resolution::Replace(format!("{}{fragment}", self.base_url.join(&path)))
            }
            CityLookup::Ambiguous(_) | CityLookup::Unknown { .. } => broken(
                format!("there is no city `{reference}`"),
                "use the key of a city declared in config.toml, like `@city/xuzhou`".into(),
            ),
        }
    }

    /// A pair's page exists only if an article names both cities, which is
    /// known once every article is read: the link is checked then, like a
    /// site path.
    fn pair(&self, pair: &str, fragment: &str, prefix: &str) -> Resolution {
        let Some((a, b)) = pair.split_once(paths::PAIR_JOIN) else {
            return broken(
                format!("`@pair/{pair}` does not name two cities"),
                "join the two city keys with `--`, like `@pair/wuxi--xuzhou`".into(),
            );
        };
        let mut keys = Vec::with_capacity(2);
        for reference in [a, b] {
            match self.cities.resolve(reference) {
                CityLookup::Found(id) => keys.push(self.cities.get(id).key.as_str()),
                CityLookup::Ambiguous(_) | CityLookup::Unknown { .. } => {
                    return broken(
                        format!("there is no city `{reference}`"),
                        "name two cities declared in config.toml by their keys, like `@pair/wuxi--xuzhou`".into(),
                    )
                }
            }
        }
        keys.sort_unstable();
        let path = format!("{prefix}{}", paths::partnership(keys[0], keys[1]));
        Resolution::SitePage {
            url: format!("{}{fragment}", self.base_url.join(&path)),
            path,
        }
    }

    fn closest_file(&self, file: &str) -> String {
        let known = self.files.keys().map(|known| (known.as_str(), known));
        match closest(file, known) {
            Some(known) => format!("did you mean `@/{known}`? Paths start from content/"),
            None => "paths start from content/, like `@/news/2020/agreement.md`".into(),
        }
    }
}

fn broken(message: String, help: String) -> Resolution {
    Resolution::Broken { message, help }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::City;

    fn resolve(destination: &str) -> Resolution {
        resolve_in(destination, "")
    }

    fn resolve_in(destination: &str, prefix: &str) -> Resolution {
        let base_url = BaseUrl::parse("https://example.org/coop/").unwrap();
        let cities = CityRegistry::new(vec![City {
            key: "xuzhou".into(),
            name: "Xuzhou".into(),
            province: "Jiangsu".into(),
            aliases: vec![],
            display: None,
            names: Default::default(),
            position: None,
        }]);
        let files = HashMap::from([
            (
                "news/a.md".to_string(),
                Target::Page {
                    path: "news/a/".into(),
                    draft: false,
                },
            ),
            (
                "news/d.md".to_string(),
                Target::Page {
                    path: "news/d/".into(),
                    draft: true,
                },
            ),
        ]);
        let links = ContentLinks {
            base_url: &base_url,
            cities: &cities,
            files: &files,
            include_drafts: false,
        };
        ArticleLinks {
            links: &links,
            prefix,
            named: RefCell::default(),
        }
        .resolve(destination)
    }

    fn replaced(url: &str) -> Resolution {
        Resolution::Replace(url.to_string())
    }

    #[test]
    fn internal_links_become_urls_under_base_url() {
        assert_eq!(
            resolve("@/news/a.md"),
            replaced("https://example.org/coop/news/a/")
        );
        assert_eq!(
            resolve("@/news/a.md#figures"),
            replaced("https://example.org/coop/news/a/#figures")
        );
        assert_eq!(
            resolve("@city/xuzhou"),
            replaced("https://example.org/coop/cities/xuzhou/")
        );
        assert_eq!(
            resolve("/archive/2020/06/"),
            Resolution::SitePage {
                url: "https://example.org/coop/archive/2020/06/".into(),
                path: "archive/2020/06/".into()
            }
        );
    }

    #[test]
    fn a_city_link_stays_in_the_articles_language() {
        assert_eq!(
            resolve_in("@city/xuzhou", "en/"),
            replaced("https://example.org/coop/en/cities/xuzhou/")
        );
        assert_eq!(
            resolve_in("@/news/a.md", "en/"),
            replaced("https://example.org/coop/news/a/")
        );
    }

    #[test]
    fn other_links_are_kept() {
        for link in [
            "https://example.com/",
            "../a/",
            "#top",
            "mailto:a@b.c",
            "//cdn.example/x",
        ] {
            assert_eq!(resolve(link), Resolution::Keep, "{link}");
        }
    }

    #[test]
    fn broken_links_explain_themselves() {
        let Resolution::Broken { message, help } = resolve("@/news/b.md") else {
            panic!()
        };
        assert_eq!(message, "there is no content file `news/b.md`");
        assert!(help.contains("did you mean `@/news/a.md`?"), "{help}");
        assert!(matches!(resolve("@/news/d.md"), Resolution::Broken { .. }));
        assert!(matches!(resolve("@city/wuxi"), Resolution::Broken { .. }));
        assert!(matches!(resolve("@page/x"), Resolution::Broken { .. }));
    }
}
