//! A topic's Atom feed.

use std::hash::Hash;

use super::{About, Kind, FEED};
use crate::diagnostics::Diagnostic;
use crate::model::{paths, TopicId};
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::feed::Content;
use crate::render::renderer::Renderer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicFeed(pub TopicId);

impl Kind for TopicFeed {
    fn plan(planner: &mut Planner<'_>) {
        for (id, topic) in planner.site().topics() {
            planner.single(TopicFeed(id), paths::topic_feed(&topic.slug));
        }
    }

    fn about(self) -> About {
        FEED
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let topic = renderer.site().topic(self.0);
        let title = format!("{}: {}", renderer.title(), topic.name);
        Ok(renderer.feed(page, title, &paths::topic(&topic.slug), &topic.articles, Content::Whole))
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let topic = fingerprinter.site().topic(self.0);
        (fingerprinter.feed(&topic.articles), &topic.name).hash(hasher);
    }
}
