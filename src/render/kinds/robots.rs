//! robots.txt: everything may be crawled; the sitemap says what there is.


use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Robots;

impl Kind for Robots {
    fn plan(planner: &mut Planner<'_>) {
        if planner.is_default_edition() {
            planner.single(Robots, paths::ROBOTS);
        }
    }

    fn about(self) -> About {
        About {
            name: "robots",
            template: None,
            file_kind: FileKind::Other,
        }
    }

    fn render(self, _: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let sitemap = renderer.url(paths::SITEMAP);
        Ok(format!("User-agent: *\nAllow: /\nSitemap: {sitemap}\n"))
    }

    /// Only the base URL, part of the config the caller tracks.
    fn fingerprint(self, _: &Page, _: &Fingerprinter<'_>, _: &mut PageHasher) {}
}
