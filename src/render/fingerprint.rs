//! A number per page that changes whenever anything the page shows
//! changes, computed without rendering it. The preview server re-renders
//! only the pages whose number changed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::feed::FEED_SIZE;
use super::pages::RELATED_COUNT;
use super::plan::{Page, PageKind};
use crate::model::{ArticleId, Site};

/// Everything about a page that its bytes depend on, given `version`: a
/// number that changes whenever an article changes in any way. Pages of one
/// site may share nothing but the config and templates, which the caller
/// tracks itself.
pub fn fingerprint(
    site: &Site,
    page: &Page,
    per_page: usize,
    version: &(dyn Fn(ArticleId) -> u64 + Sync),
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
            whole_site(site, &mut hasher)
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
fn whole_site(site: &Site, hasher: &mut DefaultHasher) {
    for article in site.articles() {
        (&article.slug, article.date, &article.cities).hash(hasher);
        for topic in &article.topics {
            (&topic.name, &topic.slug).hash(hasher);
        }
    }
}
