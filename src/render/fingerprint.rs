//! A number per page that changes whenever anything the page shows
//! changes, computed without rendering it. The preview server re-renders
//! only the pages whose number changed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::feed::FEED_SIZE;
use super::pages::RELATED_COUNT;
use super::plan::{Page, PageKind};
use crate::model::{ArticleId, Site};

/// Fingerprints the pages of one site. `version` gives a number per article
/// that changes whenever the article changes in any way; the config and
/// templates are the caller's to track.
pub struct Fingerprints<'a> {
    site: &'a Site,
    per_page: usize,
    version: &'a (dyn Fn(ArticleId) -> u64 + Sync),
    /// Shared by the pages that summarise the whole site.
    shape: u64,
}

impl<'a> Fingerprints<'a> {
    pub fn new(
        site: &'a Site,
        per_page: usize,
        version: &'a (dyn Fn(ArticleId) -> u64 + Sync),
    ) -> Self {
        Fingerprints {
            site,
            per_page,
            version,
            shape: shape(site),
        }
    }

    /// Everything about `page` that its bytes depend on.
    pub fn of(&self, page: &Page) -> u64 {
        fingerprint(self.site, page, self.per_page, self.version, self.shape)
    }
}

fn fingerprint(
    site: &Site,
    page: &Page,
    per_page: usize,
    version: &(dyn Fn(ArticleId) -> u64 + Sync),
    shape: u64,
) -> u64 {
    let mut hasher = DefaultHasher::new();
    (&page.path, page.number, site.topics().is_empty()).hash(&mut hasher);
    let on_page = |ids: &[ArticleId]| {
        let start = (page.number - 1) * per_page;
        let versions: Vec<u64> = ids
            .iter()
            .skip(start)
            .take(per_page)
            .map(|id| version(*id))
            .collect();
        (ids.len(), versions)
    };
    match page.kind {
        PageKind::Home => on_page(site.all()).hash(&mut hasher),
        PageKind::City(city) => {
            on_page(site.articles_in(city)).hash(&mut hasher);
            for partner in site.partners_of(city) {
                (partner.city, partner.shared).hash(&mut hasher);
            }
        }
        PageKind::Year(y) => {
            let year = &site.archive()[y];
            on_page(&year.articles).hash(&mut hasher);
            for month in &year.months {
                (month.month, month.articles.len()).hash(&mut hasher);
            }
        }
        PageKind::Month(y, m) => on_page(&site.archive()[y].months[m].articles).hash(&mut hasher),
        PageKind::Topic(t) => {
            let topic = &site.topics()[t];
            (on_page(&topic.articles), &topic.name).hash(&mut hasher);
        }
        PageKind::Article(id) => {
            let neighbours = [site.newer(id), site.older(id)];
            (version(id), neighbours.map(|n| n.map(version))).hash(&mut hasher);
            for related in site.related(id, RELATED_COUNT) {
                version(related).hash(&mut hasher);
            }
        }
        PageKind::SiteFeed => feed(site.all(), version).hash(&mut hasher),
        PageKind::CityFeed(city) => feed(site.articles_in(city), version).hash(&mut hasher),
        PageKind::Cities | PageKind::Archive | PageKind::Topics | PageKind::Sitemap => {
            shape.hash(&mut hasher)
        }
        PageKind::NotFound | PageKind::Robots => {}
    }
    hasher.finish()
}

fn feed(ids: &[ArticleId], version: &dyn Fn(ArticleId) -> u64) -> Vec<u64> {
    ids.iter().take(FEED_SIZE).map(|id| version(*id)).collect()
}

/// The indexes' shape: which articles exist, with their dates, cities and
/// topics. Pages that summarise the whole site depend on nothing else.
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
