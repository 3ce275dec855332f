//! A number per page that changes whenever anything the page shows
//! changes, computed without rendering it. The preview server re-renders
//! only the pages whose number changed. What each kind hashes sits beside
//! its view, in its module under `kinds/`.

use std::hash::{BuildHasher, Hash, Hasher};

use rayon::prelude::*;

use super::feed::FEED_SIZE;
use super::plan::{Page, PageKind};
use crate::model::{Article, ArticleId, EditionId, Editions, Site};

/// What fingerprints are computed with: SipHash, the standard library's,
/// was an eighth of a preview rebuild's time. The build cache keeps them
/// between builds under a key that names Concord's version, so a hasher
/// that changes with a new foldhash only costs one full build.
pub type PageHasher = foldhash::quality::FoldHasher<'static>;

fn page_hasher() -> PageHasher {
    foldhash::quality::FixedState::default().build_hasher()
}

/// A number per article of each edition that changes whenever the article
/// changes in any way.
pub type Versions<'a> = &'a (dyn Fn(EditionId, ArticleId) -> u64 + Sync);

/// A version of an article made from everything it holds, the same in
/// every run: what a build compares with the last build's.
pub fn article_version(article: &Article) -> u64 {
    let mut hasher = page_hasher();
    article.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of every page of the plan, in its order.
pub fn fingerprints(editions: &Editions, pages: &[Page], version: Versions<'_>) -> Vec<u64> {
    let fingerprinters: Vec<Fingerprinter<'_>> = editions
        .iter()
        .map(|(edition, _)| Fingerprinter::new(editions, edition, pages, version))
        .collect();
    pages
        .par_iter()
        .map(|page| fingerprinters[page.edition.index()].of(page))
        .collect()
}

/// Fingerprints the pages of one edition; the config and templates are the
/// caller's to track.
pub struct Fingerprinter<'a> {
    editions: &'a Editions,
    edition: EditionId,
    site: &'a Site,
    /// Every page of every edition.
    pages: &'a [Page],
    version: Versions<'a>,
    /// Shared by the pages that summarise the whole edition.
    shape: u64,
}

impl<'a> Fingerprinter<'a> {
    pub fn new(
        editions: &'a Editions,
        edition: EditionId,
        pages: &'a [Page],
        version: Versions<'a>,
    ) -> Self {
        let site = editions.get(edition);
        Fingerprinter {
            editions,
            edition,
            site,
            pages,
            version,
            shape: shape(site),
        }
    }

    /// Everything about `page`, a page of this edition, that its bytes depend on.
    pub fn of(&self, page: &Page) -> u64 {
        let mut hasher = page_hasher();
        // The navigation links to the topics and the partnerships when there are any.
        let has_pairs = !self.site.partnerships().is_empty();
        (&page.path, page.number(), self.site.has_topics(), has_pairs).hash(&mut hasher);
        page.languages.hash(&mut hasher);
        page.kind.fingerprint(page, self, &mut hasher);
        hasher.finish()
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    pub fn version(&self, id: ArticleId) -> u64 {
        (self.version)(self.edition, id)
    }

    /// What a file that lists every page of every edition shows: each
    /// page's path, its article's date, and its other languages.
    pub fn whole_site(&self) -> u64 {
        let mut hasher = page_hasher();
        for page in self.pages {
            (&page.path, &page.languages).hash(&mut hasher);
            if let PageKind::Article(article) = page.kind {
                self.editions
                    .get(page.edition)
                    .article(article.0)
                    .date
                    .hash(&mut hasher);
            }
        }
        hasher.finish()
    }

    /// A list's length and the versions of the items `page` shows of it.
    pub fn on_page(&self, page: &Page, ids: &[ArticleId]) -> (usize, Vec<u64>) {
        let shown = page.pager().on_page(ids);
        (
            ids.len(),
            shown.iter().map(|id| self.version(*id)).collect(),
        )
    }

    /// The versions of the articles a feed of `ids` carries.
    pub fn feed(&self, ids: &[ArticleId]) -> Vec<u64> {
        ids.iter()
            .take(FEED_SIZE)
            .map(|id| self.version(*id))
            .collect()
    }

    /// The indexes' shape: which articles exist, with their dates, cities
    /// and topics. Pages that summarise the whole site depend on nothing else.
    pub fn shape(&self) -> u64 {
        self.shape
    }
}

fn shape(site: &Site) -> u64 {
    let mut hasher = page_hasher();
    for article in site.articles() {
        (&article.slug, article.date, &article.cities).hash(&mut hasher);
        for topic in &article.topics {
            (&topic.name, &topic.slug).hash(&mut hasher);
        }
    }
    hasher.finish()
}
