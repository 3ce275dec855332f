//! A number per page that changes whenever anything the page shows
//! changes, computed without rendering it. The preview server re-renders
//! only the pages whose number changed. What each kind hashes sits beside
//! its view, in its module under `kinds/`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::feed::FEED_SIZE;
use super::plan::Page;
use crate::model::{ArticleId, Site};

/// Fingerprints the pages of one site. `version` gives a number per article
/// that changes whenever the article changes in any way; the config and
/// templates are the caller's to track.
pub struct Fingerprinter<'a> {
    site: &'a Site,
    version: &'a (dyn Fn(ArticleId) -> u64 + Sync),
    /// Shared by the pages that summarise the whole site.
    shape: u64,
}

impl<'a> Fingerprinter<'a> {
    pub fn new(site: &'a Site, version: &'a (dyn Fn(ArticleId) -> u64 + Sync)) -> Self {
        Fingerprinter {
            site,
            version,
            shape: shape(site),
        }
    }

    /// Everything about `page` that its bytes depend on.
    pub fn of(&self, page: &Page) -> u64 {
        let mut hasher = DefaultHasher::new();
        (&page.path, page.number(), self.site.has_topics()).hash(&mut hasher);
        page.kind.fingerprint(page, self, &mut hasher);
        hasher.finish()
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    pub fn version(&self, id: ArticleId) -> u64 {
        (self.version)(id)
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
    let mut hasher = DefaultHasher::new();
    for article in site.articles() {
        (&article.slug, article.date, &article.cities).hash(&mut hasher);
        for topic in &article.topics {
            (&topic.name, &topic.slug).hash(&mut hasher);
        }
    }
    hasher.finish()
}
