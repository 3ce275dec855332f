//! The archive page: every year and month, with article counts.

use std::hash::Hash;

use serde::Serialize;

use super::period::year_link;
use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::views::YearLink;
use crate::render::FileKind;

const TEMPLATE: &str = "archive.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Archive;

#[derive(Serialize)]
struct ArchiveBody {
    years: Vec<YearLink>,
}

impl Kind for Archive {
    fn plan(planner: &mut Planner<'_>) {
        planner.single(Archive, paths::ARCHIVE);
    }

    fn about(self) -> About {
        About {
            name: "archive",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let years = renderer
            .site()
            .years()
            .map(|(id, _)| year_link(renderer, id))
            .collect();
        let description = renderer.i18n().format("every_month", &[("site", &renderer.title())]);
        let meta = renderer.meta(page, renderer.i18n().get("archive").into(), description);
        renderer.html(TEMPLATE, meta, ArchiveBody { years })
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter.shape().hash(hasher);
    }
}
