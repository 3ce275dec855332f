//! A city's Atom feed.

use std::hash::Hash;

use super::{About, Kind, FEED};
use crate::diagnostics::Diagnostic;
use crate::model::CityId;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::feed::Content;
use crate::render::renderer::Renderer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityFeed(pub CityId);

impl Kind for CityFeed {
    fn plan(planner: &mut Planner<'_>) {
        for (id, city) in planner.site().cities().iter() {
            planner.single(CityFeed(id), city.feed_path());
        }
    }

    fn about(self) -> About {
        FEED
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let site = renderer.site();
        let city = site.cities().get(self.0);
        let display = site.cities().display(self.0);
        let title = format!("{}: {display}", renderer.title());
        Ok(renderer.feed(page, title, &city.path(), site.articles_in(self.0), Content::Whole))
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter
            .feed(fingerprinter.site().articles_in(self.0))
            .hash(hasher);
    }
}
