//! A site in several languages: one edition per language, each a whole
//! [`Site`] of its own articles, and the links between articles that
//! translate each other.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Article, ArticleId, CityRegistry, Site, TopicNames};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::CONTENT_DIR;

/// An edition: the position of its language in the site's languages.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct EditionId(usize);

impl EditionId {
    /// The default language's edition, at the site root.
    pub const DEFAULT: EditionId = EditionId(0);

    pub fn new(index: usize) -> EditionId {
        EditionId(index)
    }

    pub fn index(self) -> usize {
        self.0
    }
}

/// What an edition is made with besides its articles.
pub struct EditionPlace {
    /// Where it lives under the site root: empty, or `en/`.
    pub prefix: String,
    /// The cities, named in its language.
    pub cities: CityRegistry,
}

#[derive(Debug)]
pub struct Editions {
    sites: Vec<Site>,
    /// For each edition, for each of its articles, its group of translations.
    groups_of: Vec<Vec<Option<usize>>>,
    /// For each `translation` key, its article in each edition.
    groups: Vec<Vec<Option<ArticleId>>>,
}

impl Editions {
    /// Builds each edition from the articles of its language (each
    /// article's `edition`) and links translations by their key. A key
    /// that two articles of one language share is an error naming both;
    /// the later file is then left out of the group.
    pub fn new(
        places: Vec<EditionPlace>,
        articles: Vec<Arc<Article>>,
        topic_names: &TopicNames,
    ) -> (Editions, Diagnostics) {
        let mut by_edition: Vec<Vec<Arc<Article>>> = places.iter().map(|_| Vec::new()).collect();
        for article in articles {
            by_edition[article.edition.index()].push(article);
        }
        let mut problems = Diagnostics::default();
        let sites: Vec<Site> = places
            .into_iter()
            .zip(by_edition)
            .map(|(place, articles)| {
                let (site, found) = Site::new(place.prefix, place.cities, articles, topic_names);
                problems.extend(found);
                site
            })
            .collect();
        let mut editions = Editions {
            groups_of: sites.iter().map(|s| vec![None; s.all().len()]).collect(),
            groups: Vec::new(),
            sites,
        };
        // With one language every article is in one edition, whatever its
        // `lang`: there is nothing to link.
        if editions.sites.len() > 1 {
            problems.extend(editions.link_translations());
        }
        (editions, problems)
    }

    fn link_translations(&mut self) -> Diagnostics {
        let mut problems = Diagnostics::default();
        let mut by_key: HashMap<&str, usize> = HashMap::new();
        let count = self.sites.len();
        for (edition, site) in self.sites.iter().enumerate() {
            let mut keyed: Vec<(&str, ArticleId)> = site
                .all()
                .iter()
                .filter_map(|&id| Some((site.article(id).translation.as_deref()?, id)))
                .collect();
            keyed.sort_by(|a, b| {
                (a.0, &site.article(a.1).file).cmp(&(b.0, &site.article(b.1).file))
            });
            for (key, id) in keyed {
                let group = *by_key.entry(key).or_insert_with(|| {
                    self.groups.push(vec![None; count]);
                    self.groups.len() - 1
                });
                match self.groups[group][edition] {
                    Some(first) => {
                        problems.push(shared_key(key, site.article(first), site.article(id)))
                    }
                    None => {
                        self.groups[group][edition] = Some(id);
                        self.groups_of[edition][id.index()] = Some(group);
                    }
                }
            }
        }
        problems
    }

    pub fn get(&self, edition: EditionId) -> &Site {
        &self.sites[edition.index()]
    }

    /// The default language's edition.
    pub fn default_edition(&self) -> &Site {
        &self.sites[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = (EditionId, &Site)> {
        self.sites
            .iter()
            .enumerate()
            .map(|(i, site)| (EditionId(i), site))
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// The article of `edition` that translates article `id` of edition `from`, if any.
    pub fn translation(
        &self,
        from: EditionId,
        id: ArticleId,
        edition: EditionId,
    ) -> Option<ArticleId> {
        let group = self.groups_of[from.index()][id.index()]?;
        self.groups[group][edition.index()]
    }
}

fn shared_key(key: &str, first: &Article, second: &Article) -> Diagnostic {
    Diagnostic::error(format!(
        "`{}` and `{}` are in one language and both say `translation = \"{key}\"`",
        first.file, second.file
    ))
    .in_file(format!("{CONTENT_DIR}/{}", second.file))
    .help("articles that translate each other share a key, one article per language; give this one its own key, or set its `lang`")
}
