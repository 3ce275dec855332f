//! A pair's page: the articles two cities share, newest first.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::PairId;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Listing, Renderer};
use crate::render::views::PairView;
use crate::render::FileKind;

const TEMPLATE: &str = "partnership.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairPage(pub PairId);

#[derive(Serialize)]
struct PairExtra<'a> {
    pair: PairView<'a>,
}

impl Kind for PairPage {
    fn plan(planner: &mut Planner<'_>) {
        let site = planner.site();
        for (id, pair) in site.partnerships().iter() {
            planner.list(PairPage(id), site.pair_path(id), pair.articles.len());
        }
    }

    fn about(self) -> About {
        About {
            name: "partnership",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let pair = renderer.pair(self.0);
        let listing = Listing {
            title: pair.title.clone(),
            description: renderer
                .i18n()
                .format("news_about", &[("name", &pair.title)]),
            ids: &renderer.site().partnerships().get(self.0).articles,
            extra: PairExtra { pair },
        };
        renderer.list_of(TEMPLATE, page, listing, |id| renderer.line(id))
    }

    fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let site = fingerprinter.site();
        let pair = site.partnerships().get(self.0);
        let dates = [pair.first(), pair.latest()].map(|id| site.article(id).date);
        (fingerprinter.on_page(page, &pair.articles), dates).hash(hasher);
    }
}
