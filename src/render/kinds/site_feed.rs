//! The Atom feed of the whole site.

use std::hash::Hash;

use super::{About, Kind, FEED};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::feed::Content;
use crate::render::renderer::Renderer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteFeed;

impl Kind for SiteFeed {
    fn plan(planner: &mut Planner<'_>) {
        planner.single(SiteFeed, paths::SITE_FEED);
    }

    fn about(self) -> About {
        FEED
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let title = renderer.title().to_string();
        Ok(renderer.feed(page, title, paths::HOME, renderer.site().all(), Content::Whole))
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter
            .feed(fingerprinter.site().all())
            .hash(hasher);
    }
}
