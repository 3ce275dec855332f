//! robots.txt: everything may be crawled; the sitemap says what there is.

use std::collections::hash_map::DefaultHasher;

use super::Kind;
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::Fingerprinter;
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Robots;

impl Kind for Robots {
    fn plan(planner: &mut Planner<'_>) {
        planner.single(Robots, paths::ROBOTS);
    }

    fn name(self) -> &'static str {
        "robots"
    }

    fn template(self) -> Option<&'static str> {
        None
    }

    fn file_kind(self) -> FileKind {
        FileKind::Other
    }

    fn render(self, _: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let sitemap = renderer.url(paths::SITEMAP);
        Ok(format!("User-agent: *\nAllow: /\nSitemap: {sitemap}\n"))
    }

    /// Only the base URL, part of the config the caller tracks.
    fn fingerprint(self, _: &Page, _: &Fingerprinter<'_>, _: &mut DefaultHasher) {}
}
