//! A pair's Atom feed: the newest articles the two cities share, as
//! summaries (their cities' feeds carry them whole).

use std::collections::hash_map::DefaultHasher;
use std::hash::Hash;

use super::{About, Kind, FEED};
use crate::diagnostics::Diagnostic;
use crate::model::{paths, PairId};
use crate::render::fingerprint::Fingerprinter;
use crate::render::plan::{Page, Planner};
use crate::render::feed::Content;
use crate::render::renderer::Renderer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairFeed(pub PairId);

impl Kind for PairFeed {
    fn plan(planner: &mut Planner<'_>) {
        let site = planner.site();
        for (id, pair) in site.partnerships().iter() {
            let [a, b] = pair.cities.map(|city| &site.cities().get(city).key);
            planner.single(PairFeed(id), paths::partnership_feed(a, b));
        }
    }

    fn about(self) -> About {
        FEED
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let pair = renderer.pair(self.0);
        let title = format!("{}: {}", renderer.title(), pair.title);
        let [a, b] = [&pair.a.key, &pair.b.key];
        let ids = &renderer.site().partnerships().get(self.0).articles;
        let path = paths::partnership(a, b);
        Ok(renderer.feed(page, title, &path, ids, Content::Summary))
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut DefaultHasher) {
        let pair = fingerprinter.site().partnerships().get(self.0);
        fingerprinter.feed(&pair.articles).hash(hasher);
    }
}
