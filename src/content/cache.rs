//! The articles the last build read, kept in `.concord/cache/articles` so
//! that the next build reads and renders only the content files that
//! changed. An article is taken from it only while its file is the very
//! file that was read (same length, modification time and inode) and every
//! file its links name still leads where it led; the cache's key holds
//! everything else an article depends on (Concord, config.toml, the
//! options, the day, as dates after it are warned about). Bodies are not
//! kept, only their facts (see [`Body`]): their HTML would cost more to
//! read than to render, and few pages of a build after an edit show one.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::links::Target;
use crate::cache::{self, Entries, Stamp};
use crate::model::{Article, Body, BodyFacts, BodySource, CityRegistry};

/// The first line; a new layout of the file gets a new number.
const HEADER: &str = "concord article cache 1";
/// Articles written to the cache at once.
const SAVE_BATCH: usize = 2048;

/// One content file as the last build read it.
#[derive(Debug, Clone)]
pub struct CachedArticle {
    pub stamp: Stamp,
    pub article: Arc<Article>,
    /// The content files its links name (`@/…`), with where each led.
    pub links: Vec<(String, Option<Target>)>,
}

/// One line of the file: the article's file relative to `content/`, then
/// the rest; `A` is an `Article` to read and a reference to one to write.
#[derive(serde::Serialize, serde::Deserialize)]
struct Line<A> {
    file: String,
    stamp: (u64, u128, u64),
    article: A,
    body: BodyFacts,
    links: Vec<(String, Option<Target>)>,
}

/// Articles by their file, relative to `content/`.
#[derive(Debug, Default)]
pub struct ArticleCache {
    articles: HashMap<String, CachedArticle>,
}

impl ArticleCache {
    /// The cache at `path` if it was written under `key` and names only
    /// cities of `cities` and editions below `editions`; `None` for a
    /// missing, stale or damaged one. `body` gives the source of a body,
    /// by the article's file.
    pub fn load(
        path: &Path,
        key: u64,
        cities: &CityRegistry,
        editions: usize,
        body: &(dyn Fn(&str) -> BodySource + Sync),
    ) -> Option<ArticleCache> {
        let entries = Entries::read(path, HEADER, key)?;
        let articles = entries.read_all(|line| {
            let mut line: Line<Article> = serde_json::from_str(line).ok()?;
            let article = &mut line.article;
            let known = article.edition.index() < editions
                && article.cities.iter().all(|c| c.index() < cities.len());
            article.body = Body::deferred(line.body, body(&line.file));
            let (len, modified, inode) = line.stamp;
            known.then(|| {
                let article = CachedArticle {
                    stamp: Stamp::from_parts(len, modified, inode),
                    article: Arc::new(line.article),
                    links: line.links,
                };
                (line.file, article)
            })
        })?;
        Some(ArticleCache {
            articles: articles.into_iter().collect(),
        })
    }

    /// Replaces the cache at `path` with these articles, under `key`. They
    /// are written a batch at a time, as all of them as text would be 230 MB
    /// held at once at 100,000 articles.
    pub fn save(&self, path: &Path, key: u64) -> io::Result<()> {
        let articles: Vec<(&String, &CachedArticle)> = self.articles.iter().collect();
        let lines = articles.chunks(SAVE_BATCH).flat_map(|batch| {
            let lines: Vec<io::Result<String>> = batch
                .par_iter()
                .map(|&(file, cached)| line_of(file, cached))
                .collect();
            lines
        });
        cache::write(path, HEADER, key, lines)
    }

    pub fn get(&self, file: &str) -> Option<&CachedArticle> {
        self.articles.get(file)
    }

    pub fn insert(&mut self, file: String, article: CachedArticle) {
        self.articles.insert(file, article);
    }

    /// Whether it holds the very articles `other` holds, so that saving
    /// it would write the same file again.
    pub fn same_as(&self, other: &ArticleCache) -> bool {
        self.articles.len() == other.articles.len()
            && (self.articles.iter()).all(|(file, cached)| {
                other
                    .get(file)
                    .is_some_and(|o| Arc::ptr_eq(&o.article, &cached.article))
            })
    }
}

/// The line of the file that holds `cached`, the article of `file`.
fn line_of(file: &str, cached: &CachedArticle) -> io::Result<String> {
    let line = Line {
        file: file.to_string(),
        stamp: cached.stamp.parts(),
        article: &*cached.article,
        body: cached.article.body.facts(),
        links: cached.links.clone(),
    };
    serde_json::to_string(&line).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{City, EditionId, PublishedDate};

    fn registry(keys: &[&str]) -> CityRegistry {
        let city = |key: &&str| City {
            key: key.to_string(),
            name: key.to_uppercase(),
            province: "Jiangsu".into(),
            aliases: Vec::new(),
            display: None,
            names: BTreeMap::new(),
            position: None,
        };
        CityRegistry::new(keys.iter().map(city).collect())
    }

    fn saved(cities: &CityRegistry) -> (tempfile::TempDir, std::path::PathBuf, Article) {
        let article = Article {
            file: "news/park.md".into(),
            title: "Wuxi and Xuzhou open a park".into(),
            slug: "park".into(),
            date: PublishedDate::new(
                time::Date::from_ordinal_date(2020, 161).unwrap(),
                None,
                None,
            ),
            cities: vec![cities.by_key("xuzhou").unwrap()],
            topics: Vec::new(),
            summary_html: "<p>Seven parks.</p>".into(),
            summary_text: "Seven parks.".into(),
            body: Body::new("<p>Seven parks\nand 615 projects.</p>".into()),
            source: None,
            source_url: None,
            draft: false,
            lang: None,
            edition: EditionId::DEFAULT,
            translation: None,
        };
        let mut cache = ArticleCache::default();
        let stamp = Stamp::from_parts(120, 1_700_000_000_000_000_000, 42);
        let links = vec![("news/other.md".to_string(), Some(Target::Unknown))];
        let cached = CachedArticle {
            stamp,
            article: Arc::new(article.clone()),
            links,
        };
        cache.insert(article.file.clone(), cached);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("articles");
        cache.save(&path, 7).unwrap();
        (dir, path, article)
    }

    #[test]
    fn an_article_reads_back_with_its_body_made_by_its_source() {
        let cities = registry(&["wuxi", "xuzhou"]);
        let (_dir, path, article) = saved(&cities);
        let source = |_: &str| -> BodySource {
            Arc::new(|| "<p>Seven parks\nand 615 projects.</p>".to_string())
        };
        let cache = ArticleCache::load(&path, 7, &cities, 1, &source).unwrap();
        let cached = cache.get("news/park.md").unwrap();
        assert_eq!(*cached.article, article);
        assert_eq!(cached.article.body.html(), article.body.html());
        assert_eq!(
            cached.links,
            [("news/other.md".to_string(), Some(Target::Unknown))]
        );
        assert!(ArticleCache::load(&path, 8, &cities, 1, &source).is_none());
    }

    #[test]
    fn a_cache_naming_a_city_or_edition_the_site_lacks_is_not_used() {
        let (_dir, path, _) = saved(&registry(&["wuxi", "xuzhou"]));
        let source = |_: &str| -> BodySource { Arc::new(String::new) };
        assert!(ArticleCache::load(&path, 7, &registry(&["wuxi"]), 1, &source).is_none());
        let cities = registry(&["wuxi", "xuzhou"]);
        assert!(ArticleCache::load(&path, 7, &cities, 0, &source).is_none());
    }
}
