//! A pair's Atom feed: the newest articles the two cities share, as
//! summaries (their cities' feeds carry them whole).

use std::hash::Hash;

use super::{About, Kind, FEED};
use crate::diagnostics::Diagnostic;
use crate::model::PairId;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::feed::Content;
use crate::render::renderer::Renderer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairFeed(pub PairId);

impl Kind for PairFeed {
    fn plan(planner: &mut Planner<'_>) {
        let site = planner.site();
        for (id, _) in site.partnerships().iter() {
            planner.single(PairFeed(id), site.pair_feed_path(id));
        }
    }

    fn about(self) -> About {
        FEED
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let site = renderer.site();
        let title = format!("{}: {}", renderer.title(), renderer.pair_title(self.0));
        let ids = &site.partnerships().get(self.0).articles;
        let path = site.pair_path(self.0);
        Ok(renderer.feed(page, title, &path, ids, Content::Summary))
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let pair = fingerprinter.site().partnerships().get(self.0);
        fingerprinter.feed(&pair.articles).hash(hasher);
    }
}
