//! The page a web server shows for a path the site does not have.


use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Empty, Renderer};
use crate::render::FileKind;

const TEMPLATE: &str = "404.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotFound;

impl Kind for NotFound {
    fn plan(planner: &mut Planner<'_>) {
        planner.single(NotFound, paths::NOT_FOUND);
    }

    fn about(self) -> About {
        About {
            name: "404",
            template: Some(TEMPLATE),
            file_kind: FileKind::Other,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let title = renderer.i18n().get("page_not_found").into();
        let meta = renderer.meta(page, title, renderer.description().to_string());
        renderer.html(TEMPLATE, meta, Empty {})
    }

    /// Only the site-wide navigation, which the caller fingerprints.
    fn fingerprint(self, _: &Page, _: &Fingerprinter<'_>, _: &mut PageHasher) {}
}
