//! An article's page: the article, its newer and older neighbours, and
//! more from its cities.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::ArticleId;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::views::{ArticleCard, ArticleView, LanguageLink, PairLink};
use crate::render::FileKind;

const TEMPLATE: &str = "article.html";

/// How many articles from the same cities an article page suggests.
const RELATED_COUNT: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticlePage(pub ArticleId);

#[derive(Serialize)]
struct ArticleBody<'a> {
    article: ArticleView<'a>,
    newer: Option<ArticleCard<'a>>,
    older: Option<ArticleCard<'a>>,
    related: Vec<ArticleCard<'a>>,
    /// The article in the site's other languages.
    translations: Vec<LanguageLink<'a>>,
    /// The pairs of the cities it names.
    partnerships: Vec<PairLink>,
}

impl Kind for ArticlePage {
    fn plan(planner: &mut Planner<'_>) {
        let site = planner.site();
        for &id in site.all() {
            planner.single(ArticlePage(id), site.article(id).path());
        }
    }

    fn about(self) -> About {
        About {
            name: "article",
            template: Some(TEMPLATE),
            file_kind: FileKind::Article,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let site = renderer.site();
        let ArticlePage(id) = self;
        let article = site.article(id);
        let body = ArticleBody {
            article: ArticleView::new(site, renderer.place(), article),
            newer: site.newer(id).map(|id| renderer.card(id)),
            older: site.older(id).map(|id| renderer.card(id)),
            related: site
                .related(id, RELATED_COUNT)
                .into_iter()
                .map(|id| renderer.card(id))
                .collect(),
            partnerships: renderer.pair_links(&article.cities),
            translations: renderer
                .language_links(page)
                .into_iter()
                .filter(|link| link.same && !link.current)
                .collect(),
        };
        let description = if article.summary_text.is_empty() {
            renderer.description().to_string()
        } else {
            article.summary_text.clone()
        };
        let mut meta = renderer.meta(page, article.title.clone(), description);
        if let Some(lang) = &article.lang {
            meta.lang.clone_from(lang);
        }
        renderer.html(TEMPLATE, meta, body)
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let site = fingerprinter.site();
        let ArticlePage(id) = self;
        let version = |id: ArticleId| fingerprinter.version(id);
        let neighbours = [site.newer(id), site.older(id)];
        (version(id), neighbours.map(|n| n.map(version))).hash(hasher);
        for related in site.related(id, RELATED_COUNT) {
            version(related).hash(hasher);
        }
        // A topic's name may come from another article.
        for topic in &site.article(id).topics {
            site.topic_by_slug(&topic.slug)
                .map(|t| &site.topic(t).name)
                .hash(hasher);
        }
    }
}
