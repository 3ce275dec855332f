//! A city's page: its articles, newest first, and its partner cities.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::{CityId, PairId};
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Listing, Renderer};
use crate::render::views::{CityLink, PartnerView};
use crate::render::FileKind;

const TEMPLATE: &str = "city.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityPage(pub CityId);

#[derive(Serialize)]
struct CityExtra<'a> {
    city: CityLink<'a>,
    count: usize,
    /// `3 articles`, `3篇`.
    count_text: String,
    feed_url: String,
    partners: Vec<PartnerView<'a>>,
    /// The city and its partners, on the list's first page only.
    map_svg: Option<String>,
    map_caption: Option<&'a str>,
}

impl Kind for CityPage {
    fn plan(planner: &mut Planner<'_>) {
        let site = planner.site();
        for (id, city) in site.cities().iter() {
            planner.list(CityPage(id), city.path(), site.articles_in(id).len());
        }
    }

    fn about(self) -> About {
        About {
            name: "city",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let site = renderer.site();
        let CityPage(id) = self;
        let city = renderer.city_link(id);
        let pairs: Vec<PairId> = site.partners_of(id).iter().map(|p| p.pair).collect();
        let partners = site
            .partners_of(id)
            .iter()
            .map(|partner| PartnerView {
                city: renderer.city_link(partner.city),
                count: partner.shared,
                pair_url: renderer.pair_url(partner.pair),
            })
            .collect();
        let map_svg = (page.number() == 1 && !pairs.is_empty())
            .then(|| {
                let cities: Vec<CityId> = std::iter::once(id)
                    .chain(site.partners_of(id).iter().map(|p| p.city))
                    .collect();
                renderer.map(&cities, &pairs, Some(id))
            })
            .flatten();
        let i18n = renderer.i18n();
        let place = i18n.format(
            "city_in_province",
            &[("name", &city.name), ("province", &city.province)],
        );
        let count = site.articles_in(id).len();
        let listing = Listing {
            title: city.display.to_string(),
            description: i18n.format("news_about", &[("name", &place)]),
            ids: site.articles_in(id),
            extra: CityExtra {
                feed_url: renderer.url(&site.cities().get(id).feed_path()),
                count,
                count_text: i18n.articles(count),
                city,
                partners,
                map_svg,
                map_caption: renderer.map_caption(),
            },
        };
        renderer.list(TEMPLATE, page, listing)
    }

    fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let site = fingerprinter.site();
        fingerprinter
            .on_page(page, site.articles_in(self.0))
            .hash(hasher);
        // The map shows each partner sized by all its articles.
        for partner in site.partners_of(self.0) {
            (partner.city, partner.shared, site.articles_in(partner.city).len()).hash(hasher);
        }
    }
}
