//! The search page: a form that works without JavaScript (it reloads with
//! `?q=`), and a script that asks the Pagefind index and shows results
//! with their dates, cities and excerpts, a city filter and a sort.


use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Empty, Renderer};
use crate::render::FileKind;

const TEMPLATE: &str = "search.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search;

impl Kind for Search {
    fn plan(planner: &mut Planner<'_>) {
        if planner.has_search() {
            planner.single(Search, paths::SEARCH);
        }
    }

    fn about(self) -> About {
        About {
            name: "search",
            template: Some(TEMPLATE),
            file_kind: FileKind::Other,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let i18n = renderer.i18n();
        let description = i18n.format("search_in", &[("site", &renderer.title())]);
        let meta = renderer.meta(page, i18n.get("search").into(), description);
        renderer.html(TEMPLATE, meta, Empty {})
    }

    /// Everything it shows is the config's and the template's.
    fn fingerprint(self, _: &Page, _: &Fingerprinter<'_>, _: &mut PageHasher) {}
}
