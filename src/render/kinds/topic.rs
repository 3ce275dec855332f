//! A topic's page: the articles about it, newest first.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::{paths, TopicId};
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Listing, Renderer};
use crate::render::views::TopicCount;
use crate::render::FileKind;

const TEMPLATE: &str = "topic.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicPage(pub TopicId);

#[derive(Serialize)]
struct TopicExtra<'a> {
    topic: TopicCount<'a>,
    feed_url: String,
}

impl Kind for TopicPage {
    fn plan(planner: &mut Planner<'_>) {
        for (id, topic) in planner.site().topics() {
            planner.list(TopicPage(id), paths::topic(&topic.slug), topic.articles.len());
        }
    }

    fn about(self) -> About {
        About {
            name: "topic",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let topic = renderer.site().topic(self.0);
        let listing = Listing {
            title: topic.name.clone(),
            description: renderer.i18n()
                .format("news_about", &[("name", &topic.name)]),
            ids: &topic.articles,
            extra: TopicExtra {
                topic: topic_count(renderer, self.0),
                feed_url: renderer.url(&paths::topic_feed(&topic.slug)),
            },
        };
        renderer.list(TEMPLATE, page, listing)
    }

    fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let topic = fingerprinter.site().topic(self.0);
        (fingerprinter.on_page(page, &topic.articles), &topic.name).hash(hasher);
    }
}

/// A topic with its article count, as the topic's page and the topics page show it.
pub(super) fn topic_count<'a>(renderer: &Renderer<'a>, id: TopicId) -> TopicCount<'a> {
    let topic = renderer.site().topic(id);
    TopicCount {
        name: &topic.name,
        url: renderer.url(&paths::topic(&topic.slug)),
        count: topic.articles.len(),
    }
}
