//! The topics page: every topic with its article count, when there are any.

use std::hash::Hash;

use serde::Serialize;

use super::topic::topic_count;
use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::views::TopicCount;
use crate::render::FileKind;

const TEMPLATE: &str = "topics.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topics;

#[derive(Serialize)]
struct TopicsBody<'a> {
    topics: Vec<TopicCount<'a>>,
}

impl Kind for Topics {
    fn plan(planner: &mut Planner<'_>) {
        if planner.site().has_topics() {
            planner.single(Topics, paths::TOPICS);
        }
    }

    fn about(self) -> About {
        About {
            name: "topics",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let topics = renderer
            .site()
            .topics()
            .map(|(id, _)| topic_count(renderer, id))
            .collect();
        let description = renderer.i18n().format("every_topic", &[("site", &renderer.title())]);
        let meta = renderer.meta(page, renderer.i18n().get("topics").into(), description);
        renderer.html(TEMPLATE, meta, TopicsBody { topics })
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter.shape().hash(hasher);
    }
}
